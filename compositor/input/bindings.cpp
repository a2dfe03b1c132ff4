#include "compositor/input/bindings.hpp"

namespace prism {

namespace {

constexpr std::uint32_t kBindingModifiers =
    config::ModShift | config::ModCtrl | config::ModAlt | config::ModSuper;

} // namespace

BindingTable::BindingTable(const std::vector<config::Binding>& bindings) {
    for (const auto& binding : bindings) {
        const xkb_keysym_t sym =
            xkb_keysym_from_name(binding.key.c_str(), XKB_KEYSYM_CASE_INSENSITIVE);
        if (sym == XKB_KEY_NoSymbol) {
            continue;
        }
        entries_.push_back(
            {binding.modifiers & kBindingModifiers, xkb_keysym_to_lower(sym), binding});
    }
}

const config::Binding* BindingTable::match(std::uint32_t modifiers, xkb_keysym_t keysym) const {
    const std::uint32_t mods = modifiers & kBindingModifiers;
    const xkb_keysym_t lower = xkb_keysym_to_lower(keysym);
    for (const auto& entry : entries_) {
        if (entry.modifiers == mods && entry.keysym == lower) {
            return &entry.binding;
        }
    }
    return nullptr;
}

} // namespace prism
