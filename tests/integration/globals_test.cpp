// What VM clients and host clients see in the registry, checked with the real wayland-info.
#include "harness.hpp"
#include "origins/global_policy.hpp"

#include <gtest/gtest.h>
#include <regex>
#include <set>
#include <sys/wait.h>

namespace prism::test {
namespace {

std::set<std::string> globals_listed_by_wayland_info(Prism& prism,
                                                     const std::filesystem::path& display,
                                                     const std::string& label) {
    Child info = prism.client({"wayland-info"}, display, label);
    const auto status = info.wait(std::chrono::seconds(30));
    EXPECT_TRUE(status && WIFEXITED(*status) && WEXITSTATUS(*status) == 0)
        << "wayland-info failed:\n"
        << info.output();
    std::set<std::string> names;
    const std::string text = info.output();
    static const std::regex kInterface("interface: '([^']+)'");
    for (auto it = std::sregex_iterator(text.begin(), text.end(), kInterface);
         it != std::sregex_iterator(); ++it) {
        names.insert((*it)[1]);
    }
    return names;
}

TEST(Globals, VmSeesNoHostOnlyGlobalAndHostSeesThem) {
    Prism prism({{"work", "#3465a4", {}}});
    const auto vm = globals_listed_by_wayland_info(prism, prism.vm_socket("work"), "vm");
    const auto host = globals_listed_by_wayland_info(prism, prism.host_socket(), "host");

    ASSERT_TRUE(vm.count("wl_compositor")) << "wayland-info saw nothing on the VM socket";
    EXPECT_TRUE(vm.count("xdg_wm_base"));
    EXPECT_TRUE(vm.count("wl_seat"));
    // wlroots 0.18 creates no wl_subcompositor by itself: without one, GTK, Firefox and
    // Chromium cannot start.
    EXPECT_TRUE(vm.count("wl_subcompositor"));
    for (const auto& name : vm) {
        EXPECT_EQ(origins::classify(name), origins::GlobalClass::VmSafe)
            << "a VM client can see " << name;
    }
    // Host tools (grim, wtype, wl-clipboard) need these.
    for (const char* name : {"zwlr_screencopy_manager_v1", "zwp_virtual_keyboard_manager_v1",
                             "zwlr_data_control_manager_v1", "xdg_wm_base"}) {
        EXPECT_TRUE(host.count(name)) << "the host does not see " << name;
    }
    // The host desktop's panels (waybar, mako, fuzzel), their window list, swayidle and
    // swaylock: the host sees them, no VM does.
    for (const char* name : {"zwlr_layer_shell_v1", "zwlr_foreign_toplevel_manager_v1",
                             "ext_idle_notifier_v1", "ext_session_lock_manager_v1"}) {
        EXPECT_TRUE(host.count(name)) << "the host does not see " << name;
        EXPECT_FALSE(vm.count(name)) << "a VM client can see " << name;
    }
    // Idle inhibition is offered to both ([vm] idle_inhibit decides whether it holds).
    EXPECT_TRUE(vm.count("zwp_idle_inhibit_manager_v1"));
    EXPECT_TRUE(host.count("zwp_idle_inhibit_manager_v1"));
}

TEST(Globals, HostDesktopGlobalsStayHiddenFromAVmThatAllowsThem) {
    // A VM file naming them in [protocols] allow is refused: prism does not start with it.
    Prism prism({{"work", "#3465a4", {}}});
    prism.write_vm({"work", "#3465a4", {"zwlr_layer_shell_v1"}, ""});
    std::string output;
    EXPECT_NE(prism.ctl_raw({"reload"}, &output), 0) << output;
    EXPECT_NE(output.find("zwlr_layer_shell_v1"), std::string::npos) << output;
    const auto vm = globals_listed_by_wayland_info(prism, prism.vm_socket("work"), "vm");
    EXPECT_FALSE(vm.count("zwlr_layer_shell_v1"));
}

TEST(Globals, EveryGlobalPrismCreatesIsClassified) {
    Prism prism({});
    const auto host = globals_listed_by_wayland_info(prism, prism.host_socket(), "host");
    ASSERT_FALSE(host.empty());
    for (const auto& name : host) {
        EXPECT_TRUE(origins::classify(name).has_value())
            << name << " is in neither list of origins/global_policy.cpp";
    }
}

TEST(Globals, AllowListShowsAHostOnlyGlobalToThatVmOnly) {
    Prism prism({{"work", "#3465a4", {"zwlr_screencopy_manager_v1"}}, {"other", "red", {}}});
    const auto work = globals_listed_by_wayland_info(prism, prism.vm_socket("work"), "work");
    const auto other = globals_listed_by_wayland_info(prism, prism.vm_socket("other"), "other");
    EXPECT_TRUE(work.count("zwlr_screencopy_manager_v1"));
    EXPECT_FALSE(work.count("zwp_virtual_keyboard_manager_v1"));
    EXPECT_FALSE(other.count("zwlr_screencopy_manager_v1"));
}

} // namespace
} // namespace prism::test
