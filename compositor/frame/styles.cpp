#include "compositor/frame/styles.hpp"

namespace prism {

FrameStyle FrameStyles::of(const origins::Origin& origin) const {
    FrameStyle style;
    style.font = config_.frame.font;
    style.border = config_.frame.border;
    if (origin.is_host()) {
        style.host = true;
        style.colour = config_.host.colour;
        style.accent = config_.host.accent;
        style.label = config_.host.label;
        return style;
    }
    if (origin.is_sandbox()) {
        // A sandboxed host app: its own colour, and the app id its engine gave.
        const std::string& app = origin.sandbox().app_id;
        style.colour = config_.sandbox.colour;
        style.label = app.empty() ? config_.sandbox.label : config_.sandbox.label + ": " + app;
        return style;
    }
    const config::VmConfig* vm = origin.is_vm() ? config_.find_vm(origin.vm_name()) : nullptr;
    if (vm != nullptr) {
        style.colour = vm->colour;
        style.label = vm->label;
    } else {
        // A VM removed from the config whose window is still closing, or an unknown client.
        style.colour = {0, 0, 0};
        style.label = std::string(origin.display_name());
    }
    return style;
}

config::VmLimits FrameStyles::limits(const origins::Origin& origin) const {
    const config::VmConfig* vm = origin.is_vm() ? config_.find_vm(origin.vm_name()) : nullptr;
    return vm != nullptr ? vm->limits : config::VmLimits{};
}

SizeLimit FrameStyles::size_limit(const origins::Origin& origin) const {
    const config::VmLimits limits = this->limits(origin);
    return {static_cast<int>(limits.max_window_width), static_cast<int>(limits.max_window_height)};
}

std::optional<config::Colour> FrameStyles::popup_outline(const origins::Origin& origin) const {
    if (origin.is_host()) {
        return std::nullopt;
    }
    return of(origin).colour;
}

} // namespace prism
