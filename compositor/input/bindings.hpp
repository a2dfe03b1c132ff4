// Key bindings: a table from (modifiers, keysym) to an action, built from the config.
#pragma once

#include "config/config.hpp"

#include <cstdint>
#include <optional>
#include <vector>
#include <xkbcommon/xkbcommon.h>

namespace prism {

class BindingTable {
public:
    BindingTable() = default;
    // Bindings whose key names no keysym are skipped (the config library rejects them).
    explicit BindingTable(const std::vector<config::Binding>& bindings);

    // The binding for a key press with exactly `modifiers` held (Caps/Num Lock ignored) that
    // produced `keysym` (compared case-insensitively), if any.
    const config::Binding* match(std::uint32_t modifiers, xkb_keysym_t keysym) const;

private:
    struct Entry {
        std::uint32_t modifiers;
        xkb_keysym_t keysym; // lower case
        config::Binding binding;
    };
    std::vector<Entry> entries_;
};

} // namespace prism
