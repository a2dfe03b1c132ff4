#include "origins/global_policy.hpp"

#include <algorithm>
#include <array>

namespace prism::origins {

namespace {

constexpr auto S = GlobalClass::VmSafe;
constexpr auto H = GlobalClass::HostOnly;
constexpr auto A = GlobalClass::HostAlone;

// clang-format off
// Every global prism creates, and only those: a global is added here in the same commit that
// creates it (Globals.TableIsExactlyTheHostRegistry checks both ways), so a [protocols] allow
// entry can be checked against what exists.
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
    GlobalRule{"zwp_text_input_manager_v3", S, "text from the host's input method, only into the window with the keyboard"},
    GlobalRule{"wp_cursor_shape_manager_v1", S, "names a cursor shape prism draws from the host's theme, while the pointer is over the client's surface"},
    GlobalRule{"wp_fractional_scale_manager_v1", S, "learns its surfaces' preferred fractional scale"},
    GlobalRule{"wp_single_pixel_buffer_manager_v1", S, "one-colour buffers, drawn inside the window like any other"},
    GlobalRule{"zwp_pointer_gestures_v1", S, "swipe, pinch and hold gestures, sent only to the surface under the pointer"},
    GlobalRule{"zwp_tablet_manager_v2", S, "graphics tablets: a tool's events only while it is over the client's surface, a pad's only while the client has the keyboard"},
    GlobalRule{"zwp_relative_pointer_manager_v1", S, "unaccelerated pointer motion, sent only to the surface under the pointer"},
    GlobalRule{"zwp_pointer_constraints_v1", S, "locks or confines the pointer to its focused window until focus leaves or a prism binding is pressed; prism shows a hint"},
    GlobalRule{"zxdg_exporter_v2", S, "exports a handle to its own window"},
    GlobalRule{"zxdg_importer_v2", S, "imports a handle its own VM exported; another VM's handle is unknown"},
    GlobalRule{"zwp_idle_inhibit_manager_v1", S, "keeps the screen on, only while the VM's window is shown ([vm] idle_inhibit)"},

    // What would let a client see, control or impersonate others.
    GlobalRule{"zwlr_screencopy_manager_v1", H, "reads every pixel on screen, other VMs' too"},
    GlobalRule{"zwlr_export_dmabuf_manager_v1", H, "reads every pixel on screen"},
    GlobalRule{"zwlr_data_control_manager_v1", H, "reads and sets every clipboard without focus"},
    GlobalRule{"zwp_virtual_keyboard_manager_v1", H, "injects keys into other VMs' windows"},
    GlobalRule{"zwlr_virtual_pointer_manager_v1", H, "injects pointer input into other windows"},
    GlobalRule{"wp_security_context_manager_v1", A, "opens sockets whose clients prism trusts as a sandbox"},
    GlobalRule{"zwp_input_method_manager_v2", A, "hears what the focused window's text field holds and types into it"},
    GlobalRule{"zwlr_gamma_control_manager_v1", H, "changes the colours of every output"},
    GlobalRule{"ext_idle_notifier_v1", A, "tells when the user is away from the keyboard"},
    GlobalRule{"ext_session_lock_manager_v1", A, "locks the session: hides every window, takes all input"},
    GlobalRule{"zwp_keyboard_shortcuts_inhibit_manager_v1", A, "would switch off prism's key bindings; prism never activates an inhibitor"},
    GlobalRule{"zwlr_layer_shell_v1", A, "draws panels and overlays outside any frame, uncoloured"},
    GlobalRule{"zwlr_foreign_toplevel_manager_v1", A, "lists, activates and closes every window"},
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
    if (!origin.is_vm() && !origin.is_sandbox()) {
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
        return "is shown to every VM and sandbox already; remove it";
    }
    if (cls == GlobalClass::HostAlone) {
        return "is the host's alone; no VM or sandbox may be allowed it";
    }
    return "is not a global prism creates (see docs/security.md)";
}

} // namespace prism::origins
