#include "origins/global_policy.hpp"

#include <gtest/gtest.h>
#include <set>
#include <string>

namespace prism::origins {
namespace {

TEST(GlobalPolicy, EveryInterfaceIsClassifiedExactlyOnce) {
    std::set<std::string_view> seen;
    for (const auto& rule : global_rules()) {
        EXPECT_TRUE(seen.insert(rule.interface).second) << rule.interface << " listed twice";
        EXPECT_FALSE(rule.why.empty()) << rule.interface;
    }
}

TEST(GlobalPolicy, PrivilegedProtocolsAreHostOnly) {
    for (const char* name : {"zwlr_screencopy_manager_v1", "zwlr_export_dmabuf_manager_v1",
                             "zwlr_data_control_manager_v1", "zwp_virtual_keyboard_manager_v1",
                             "zwlr_virtual_pointer_manager_v1", "zwlr_gamma_control_manager_v1"}) {
        EXPECT_EQ(classify(name), GlobalClass::HostOnly) << name;
    }
}

TEST(GlobalPolicy, AnInputMethodAndSecurityContextsAreTheHostsAlone) {
    // An input method hears the focused window's text and types into it; a security context
    // names its clients' origin. No VM (nor a sandbox) may have either, whatever it is allowed.
    for (const char* name : {"zwp_input_method_manager_v2", "wp_security_context_manager_v1"}) {
        EXPECT_EQ(classify(name), GlobalClass::HostAlone) << name;
        EXPECT_FALSE(may_see(Origin::vm("work"), name, {name})) << name;
        EXPECT_TRUE(may_see(Origin::host(), name, {})) << name;
    }
    EXPECT_EQ(classify("zwp_text_input_manager_v3"), GlobalClass::VmSafe);
}

TEST(GlobalPolicy, HostDesktopProtocolsAreTheHostsAloneEvenIfAllowed) {
    // Panels drawn outside any frame, the window list, idle notification and the lock: no VM
    // sees them, whatever its [protocols] allow says, and allowing one is a config error.
    for (const char* name : {"zwlr_layer_shell_v1", "zwlr_foreign_toplevel_manager_v1",
                             "ext_idle_notifier_v1", "ext_session_lock_manager_v1"}) {
        EXPECT_EQ(classify(name), GlobalClass::HostAlone) << name;
        EXPECT_FALSE(may_see(Origin::vm("work"), name, {name})) << name;
        EXPECT_TRUE(may_see(Origin::host(), name, {})) << name;
        EXPECT_EQ(allow_entry_problem(name),
                  "is the host's alone; no VM or sandbox may be allowed it")
            << name;
    }
}

TEST(GlobalPolicy, IdleInhibitIsOfferedToVms) {
    // Whether a VM's inhibitor holds is [vm] idle_inhibit's business, not the global's.
    EXPECT_EQ(classify("zwp_idle_inhibit_manager_v1"), GlobalClass::VmSafe);
    EXPECT_TRUE(may_see(Origin::vm("work"), "zwp_idle_inhibit_manager_v1", {}));
}

TEST(GlobalPolicy, TabletsAreOfferedToVms) {
    // A pen over a VM's window draws in it (docs/security.md says what else it learns).
    EXPECT_EQ(classify("zwp_tablet_manager_v2"), GlobalClass::VmSafe);
    EXPECT_TRUE(may_see(Origin::vm("work"), "zwp_tablet_manager_v2", {}));
    EXPECT_TRUE(may_see(Origin::host(), "zwp_tablet_manager_v2", {}));
    EXPECT_EQ(allow_entry_problem("zwp_tablet_manager_v2"),
              "is shown to every VM and sandbox already; remove it");
}

TEST(GlobalPolicy, VmSeesSafeGlobalsOnly) {
    const auto vm = Origin::vm("work");
    EXPECT_TRUE(may_see(vm, "wl_compositor", {}));
    EXPECT_TRUE(may_see(vm, "xdg_wm_base", {}));
    EXPECT_TRUE(may_see(vm, "wl_data_device_manager", {}));
    EXPECT_FALSE(may_see(vm, "zwlr_screencopy_manager_v1", {}));
    EXPECT_FALSE(may_see(vm, "zwp_virtual_keyboard_manager_v1", {}));
}

TEST(GlobalPolicy, UnclassifiedGlobalsAreHiddenFromVmsEvenIfAllowed) {
    const auto vm = Origin::vm("work");
    EXPECT_FALSE(may_see(vm, "some_new_protocol_v1", {}));
    EXPECT_FALSE(may_see(vm, "some_new_protocol_v1", {"some_new_protocol_v1"}));
}

TEST(GlobalPolicy, AllowListShowsThatHostOnlyGlobalToThatVm) {
    const std::vector<std::string> allow{"zwlr_screencopy_manager_v1"};
    EXPECT_TRUE(may_see(Origin::vm("work"), "zwlr_screencopy_manager_v1", allow));
    EXPECT_FALSE(may_see(Origin::vm("work"), "zwlr_data_control_manager_v1", allow));
}

TEST(GlobalPolicy, HostSeesEverythingUnknownSeesNothing) {
    EXPECT_TRUE(may_see(Origin::host(), "zwlr_screencopy_manager_v1", {}));
    EXPECT_TRUE(may_see(Origin::host(), "some_new_protocol_v1", {}));
    EXPECT_FALSE(may_see(Origin::unknown(), "wl_compositor", {}));
}

TEST(GlobalPolicy, AllowEntriesMustNameHostOnlyGlobals) {
    EXPECT_EQ(allow_entry_problem("zwlr_screencopy_manager_v1"), std::nullopt);
    EXPECT_EQ(allow_entry_problem("zwlr_screencopy_manger_v1"),
              "is not a global prism creates (see docs/security.md)");
    EXPECT_EQ(allow_entry_problem("wl_compositor"),
              "is shown to every VM and sandbox already; remove it");
}

TEST(GlobalPolicy, NoVmMayBeAllowedTheSessionLock) {
    // A VM's locker could draw a lock screen and read the password typed into it.
    EXPECT_EQ(classify("ext_session_lock_manager_v1"), GlobalClass::HostAlone);
    const std::vector<std::string> allow{"ext_session_lock_manager_v1"};
    EXPECT_FALSE(may_see(Origin::vm("work"), "ext_session_lock_manager_v1", allow));
    EXPECT_TRUE(may_see(Origin::host(), "ext_session_lock_manager_v1", {}));
    EXPECT_EQ(allow_entry_problem("ext_session_lock_manager_v1"),
              "is the host's alone; no VM or sandbox may be allowed it");
}

TEST(GlobalPolicy, AGlobalPrismDoesNotCreateIsNotAllowable) {
    // Real wlroots globals prism does not create: allowing one would do nothing, silently.
    EXPECT_EQ(allow_entry_problem("zwlr_output_power_manager_v1"),
              "is not a global prism creates (see docs/security.md)");
    EXPECT_EQ(allow_entry_problem("zwlr_input_inhibit_manager_v1"),
              "is not a global prism creates (see docs/security.md)");
}

TEST(GlobalPolicy, NoVmMaySwitchOffPrismsBindings) {
    EXPECT_EQ(classify("zwp_keyboard_shortcuts_inhibit_manager_v1"), GlobalClass::HostAlone);
    const std::vector<std::string> allow{"zwp_keyboard_shortcuts_inhibit_manager_v1"};
    EXPECT_FALSE(may_see(Origin::vm("work"), "zwp_keyboard_shortcuts_inhibit_manager_v1", allow));
    EXPECT_EQ(allow_entry_problem("zwp_keyboard_shortcuts_inhibit_manager_v1"),
              "is the host's alone; no VM or sandbox may be allowed it");
}

} // namespace
} // namespace prism::origins
