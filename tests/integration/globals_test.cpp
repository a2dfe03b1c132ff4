// What VM clients and host clients see in the registry, checked with the real wayland-info.
#include "harness.hpp"
#include "origins/global_policy.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <fstream>
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

// A host sandbox engine (here sandbox-client, doing what Flatpak does) creates a security
// context on the host socket: the clients that come through it are not the host's, and see only
// what a VM sees, never the security context manager itself (no nesting).
TEST(Globals, ASandboxedClientSeesOnlyTheVmSafeGlobals) {
    Prism prism({});
    const auto host = globals_listed_by_wayland_info(prism, prism.host_socket(), "host");
    EXPECT_TRUE(host.count("wp_security_context_manager_v1"))
        << "sandbox engines on the host need the security context manager";

    const std::string socket = (prism.runtime_dir() / "sandbox-0").string();
    Child sandboxed = prism.client({std::getenv("SANDBOX_CLIENT"), socket, "org.example.engine",
                                    "org.example.App", "1", "--", "wayland-info"},
                                   prism.host_socket(), "sandboxed");
    const auto status = sandboxed.wait(std::chrono::seconds(30));
    ASSERT_TRUE(status && WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << sandboxed.output();
    std::set<std::string> names;
    const std::string text = sandboxed.output();
    static const std::regex kInterface("interface: '([^']+)'");
    for (auto it = std::sregex_iterator(text.begin(), text.end(), kInterface);
         it != std::sregex_iterator(); ++it) {
        names.insert((*it)[1]);
    }
    ASSERT_TRUE(names.count("wl_compositor")) << text;
    EXPECT_TRUE(names.count("xdg_wm_base"));
    for (const auto& name : names) {
        EXPECT_EQ(origins::classify(name), origins::GlobalClass::VmSafe)
            << "a sandboxed client can see " << name;
    }
    EXPECT_FALSE(names.count("wp_security_context_manager_v1"));
}

std::set<std::string> globals_seen_in_a_sandbox(Prism& prism) {
    const std::string socket = (prism.runtime_dir() / "sandbox-0").string();
    Child sandboxed = prism.client({std::getenv("SANDBOX_CLIENT"), socket, "org.example.engine",
                                    "org.example.App", "1", "--", "wayland-info"},
                                   prism.host_socket(), "sandboxed");
    const auto status = sandboxed.wait(std::chrono::seconds(30));
    EXPECT_TRUE(status && WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << sandboxed.output();
    std::set<std::string> names;
    const std::string text = sandboxed.output();
    static const std::regex kInterface("interface: '([^']+)'");
    for (auto it = std::sregex_iterator(text.begin(), text.end(), kInterface);
         it != std::sregex_iterator(); ++it) {
        names.insert((*it)[1]);
    }
    return names;
}

// prism.toml's [sandbox] allow widens what sandboxed clients see, as a VM file's [protocols]
// allow does; an entry naming a global that is the host's alone is refused with its line.
TEST(Globals, SandboxAllowWidensWhatSandboxedClientsSee) {
    const std::string headless = "[headless]\nwidth = 1024\nheight = 768\n";
    Prism prism({}, headless + "[sandbox]\nallow = [\"zwp_virtual_keyboard_manager_v1\"]\n");
    const auto names = globals_seen_in_a_sandbox(prism);
    ASSERT_TRUE(names.count("wl_compositor"));
    EXPECT_TRUE(names.count("zwp_virtual_keyboard_manager_v1"));
    EXPECT_FALSE(names.count("zwlr_screencopy_manager_v1")) << "only what it allows";
    EXPECT_FALSE(names.count("wp_security_context_manager_v1"));

    std::ofstream(prism.config_dir() / "prism.toml")
        << headless << "[sandbox]\nallow = [\"zwp_virtual_keyboard_manager_v1\",\n"
        << "         \"wp_security_context_manager_v1\"]\n";
    std::string output;
    EXPECT_NE(prism.ctl_raw({"reload"}, &output), 0) << output;
    EXPECT_NE(output.find("prism.toml:6:10: sandbox.allow: \"wp_security_context_manager_v1\" "
                          "is the host's alone"),
              std::string::npos)
        << output;
    prism.stop();
}

// The real sandbox engine Debian ships: `waypipe --secctx APP_ID client` makes a security
// context for the clients it forwards. A window forwarded through it (weston-simple-shm behind
// `waypipe server`) has the sandbox origin, not the host's.
TEST(Globals, AWaypipeSecctxWindowHasTheSandboxOrigin) {
    Prism prism({});
    const std::string socket = (prism.runtime_dir() / "waypipe.sock").string();
    Child client = prism.client(
        {"waypipe", "--no-gpu", "--socket", socket, "--secctx", "org.example.Piped", "client"},
        prism.host_socket(), "waypipe-client");
    ASSERT_TRUE(eventually([&] { return std::filesystem::exists(socket); })) << client.output();
    Child server = prism.client({"waypipe", "--no-gpu", "--socket", socket, "--display",
                                 (prism.runtime_dir() / "waypipe-display").string(), "server", "--",
                                 "weston-simple-shm"},
                                prism.host_socket(), "waypipe-server");
    nlohmann::json windows;
    ASSERT_TRUE(eventually([&] {
        windows = prism.ctl("windows");
        return windows.size() == 1;
    })) << client.output()
        << server.output() << prism.log();
    const std::string origin = windows[0]["vm"].get<std::string>();
    EXPECT_EQ(origin.rfind("sandbox:", 0), 0u) << windows.dump(2);
    EXPECT_NE(origin.find(":org.example.Piped:"), std::string::npos) << windows.dump(2);
    server.signal(SIGTERM);
    server.wait(std::chrono::seconds(10));
    client.signal(SIGTERM);
    client.wait(std::chrono::seconds(10));
    prism.stop();
}

// Rows of the table a headless prism does not create: the pixman renderer imports no dmabufs.
const std::set<std::string> kRendererDependent = {"zwp_linux_dmabuf_v1"};

TEST(Globals, TheTableIsExactlyTheHostRegistry) {
    // The table lists what prism creates and nothing else, so that a [protocols] allow entry
    // naming a global prism does not create is refused instead of silently doing nothing.
    Prism prism({});
    const auto host = globals_listed_by_wayland_info(prism, prism.host_socket(), "host");
    ASSERT_FALSE(host.empty());
    for (const auto& name : host) {
        EXPECT_TRUE(origins::classify(name).has_value())
            << name << " is not in the table of origins/global_policy.cpp";
    }
    for (const auto& rule : origins::global_rules()) {
        const std::string name(rule.interface);
        if (!kRendererDependent.count(name)) {
            EXPECT_TRUE(host.count(name))
                << name << " is in the table but prism does not create it";
        }
    }
}

TEST(Globals, AVmSeesExactlyTheVmSafeGlobals) {
    Prism prism({{"work", "#3465a4", {}}});
    const auto vm = globals_listed_by_wayland_info(prism, prism.vm_socket("work"), "vm");
    const auto host = globals_listed_by_wayland_info(prism, prism.host_socket(), "host");
    std::set<std::string> expected;
    for (const auto& rule : origins::global_rules()) {
        if (rule.cls == origins::GlobalClass::VmSafe && host.count(std::string(rule.interface))) {
            expected.insert(std::string(rule.interface));
        }
    }
    EXPECT_EQ(vm, expected);
    // What applications use, offered to VMs (issue 14)...
    for (const char* name : {"wp_cursor_shape_manager_v1", "wp_fractional_scale_manager_v1",
                             "wp_single_pixel_buffer_manager_v1", "zwp_pointer_gestures_v1",
                             "zwp_relative_pointer_manager_v1", "zwp_pointer_constraints_v1",
                             "zxdg_exporter_v2", "zxdg_importer_v2", "zwp_tablet_manager_v2"}) {
        EXPECT_TRUE(vm.count(name)) << "a VM does not see " << name;
        EXPECT_TRUE(host.count(name)) << "the host does not see " << name;
    }
    // ...but never the switch for prism's bindings, which the host has.
    EXPECT_TRUE(host.count("zwp_keyboard_shortcuts_inhibit_manager_v1"));
    EXPECT_FALSE(vm.count("zwp_keyboard_shortcuts_inhibit_manager_v1"));
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
