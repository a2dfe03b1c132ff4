#include "origins/global_policy.hpp"

#include <algorithm>
#include <array>

namespace prism::origins {

namespace {

constexpr auto S = GlobalClass::VmSafe;
constexpr auto H = GlobalClass::HostOnly;
constexpr auto A = GlobalClass::HostAlone;

// clang-format off
constexpr std::array kRules = {
    // What an ordinary application needs to show windows and take input.
    GlobalRule{"wl_compositor", S, "surfaces and regions"},
    GlobalRule{"wl_subcompositor", S, "subsurfaces, clipped to the window"},
    GlobalRule{"wl_shm", S, "shared-memory buffers"},
    GlobalRule{"wl_seat", S, "input, delivered only to the focused client"},
    GlobalRule{"wl_output", S, "output geometry and scale"},
    GlobalRule{"xdg_wm_base", S, "toplevel windows and popups"},
    GlobalRule{"wl_data_device_manager", S, "clipboard and drag and drop, mediated by prism"},
    GlobalRule{"zwp_primary_selection_device_manager_v1", S, "primary selection, mediated by prism"},
    GlobalRule{"zxdg_decoration_manager_v1", S, "decoration negotiation; prism draws the frame"},
    GlobalRule{"org_kde_kwin_server_decoration_manager", S, "decoration negotiation (KDE)"},
    GlobalRule{"wp_viewporter", S, "buffer scaling and cropping within the surface"},
    GlobalRule{"wp_presentation", S, "presentation timestamps"},
    GlobalRule{"zxdg_output_manager_v1", S, "logical output geometry"},
    GlobalRule{"zwp_linux_dmabuf_v1", S, "GPU buffers, when the renderer supports them"},
    GlobalRule{"xdg_activation_v1", S, "activation; a VM may only activate its own windows"},
    GlobalRule{"zwp_idle_inhibit_manager_v1", S, "keeps the screen on, only while the VM's window is shown ([vm] idle_inhibit)"},

    // What would let a client see, control or impersonate others.
    GlobalRule{"zwlr_screencopy_manager_v1", H, "reads every pixel on screen, other VMs' too"},
    GlobalRule{"zwlr_export_dmabuf_manager_v1", H, "reads every pixel on screen"},
    GlobalRule{"zwlr_data_control_manager_v1", H, "reads and sets every clipboard without focus"},
    GlobalRule{"zwp_virtual_keyboard_manager_v1", H, "injects keys into other VMs' windows"},
    GlobalRule{"zwlr_virtual_pointer_manager_v1", H, "injects pointer input into other windows"},
    GlobalRule{"zwlr_layer_shell_v1", A, "draws panels and overlays outside any frame, uncoloured"},
    GlobalRule{"zwlr_input_inhibit_manager_v1", H, "grabs all input (screen lockers)"},
    GlobalRule{"ext_session_lock_manager_v1", A, "locks the session: hides every window, takes all input"},
    GlobalRule{"zwp_keyboard_shortcuts_inhibit_manager_v1", H, "disables prism's key bindings"},
    GlobalRule{"zwlr_foreign_toplevel_manager_v1", A, "lists, activates and closes every window"},
    GlobalRule{"zwlr_output_manager_v1", H, "reconfigures outputs"},
    GlobalRule{"zwlr_gamma_control_manager_v1", H, "changes the colours of every output"},
    GlobalRule{"zwlr_output_power_manager_v1", H, "turns outputs off"},
    GlobalRule{"zwp_input_method_manager_v2", H, "sees and types text into other windows"},
    GlobalRule{"ext_idle_notifier_v1", A, "tells when the user is away from the keyboard"},
};
// clang-format on

} // namespace

std::span<const GlobalRule> global_rules() {
    return kRules;
}

std::optional<GlobalClass> classify(std::string_view interface) {
    auto it = std::find_if(kRules.begin(), kRules.end(),
                           [&](const GlobalRule& rule) { return rule.interface == interface; });
    if (it == kRules.end()) {
        return std::nullopt;
    }
    return it->cls;
}

bool may_see(const Origin& origin, std::string_view interface,
             const std::vector<std::string>& vm_allow) {
    if (origin.is_host()) {
        return true;
    }
    if (!origin.is_vm()) {
        return false;
    }
    const auto cls = classify(interface);
    if (!cls) {
        return false;
    }
    if (*cls == GlobalClass::VmSafe) {
        return true;
    }
    if (*cls == GlobalClass::HostAlone) {
        return false;
    }
    return std::find(vm_allow.begin(), vm_allow.end(), interface) != vm_allow.end();
}

std::optional<std::string> allow_entry_problem(std::string_view interface) {
    const auto cls = classify(interface);
    if (cls == GlobalClass::HostOnly) {
        return std::nullopt;
    }
    if (cls == GlobalClass::VmSafe) {
        return "is shown to every VM already; remove it";
    }
    if (cls == GlobalClass::HostAlone) {
        return "is the host's alone; no VM may be allowed it";
    }
    return "is not a host-only global prism knows (see docs/security.md)";
}

} // namespace prism::origins
