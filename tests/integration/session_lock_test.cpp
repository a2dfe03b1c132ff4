// The session lock (ext-session-lock-v1) as a person sees it: a locker on the host socket hides
// every VM window and takes every key; a locker that dies leaves the session locked under
// prism's cover; only the locker's unlock shows the windows again. The locker is lock-client
// (tests/clients), which fills each output with one colour and logs the keys it gets.
#include "screenshot.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <regex>
#include <set>
#include <sys/wait.h>
#include <thread>

namespace prism::test {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

const VmSpec kWorkVm{"work", "#3465a4", {}, ""};
const Rgb kWork = rgb(0x3465a4);
const Rgb kWindow = rgb(0x004080);  // what dnd-client draws
const Rgb kLocker = rgb(0x00c000);  // lock-client's default
const Rgb kLocker2 = rgb(0x0000c0); // the locker prism starts ([general] locker below)
const Rgb kCover = rgb(0x1e1e1e);   // prism's own cover

std::string toml_for_locker() {
    // exec: the pid prism logs is the locker's own, for the test to signal.
    return std::string("[general]\nlocker = \"exec ") + std::getenv("LOCK_CLIENT") + " 0000c0\"\n";
}

int count(const Image& image, Rgb colour) {
    int n = 0;
    for (int y = 0; y < image.height; ++y) {
        for (int x = 0; x < image.width; ++x) {
            n += image.at(x, y) == colour ? 1 : 0;
        }
    }
    return n;
}

int exit_code(Child& child, std::chrono::milliseconds timeout = 20s) {
    const auto status = child.wait(timeout);
    if (!status) {
        return -1;
    }
    return WIFEXITED(*status) ? WEXITSTATUS(*status) : 128 + WTERMSIG(*status);
}

void type(Prism& prism, const std::vector<std::string>& wtype_args) {
    std::vector<std::string> argv{"wtype"};
    argv.insert(argv.end(), wtype_args.begin(), wtype_args.end());
    Child typing = prism.client(argv, prism.host_socket(), "wtype");
    EXPECT_EQ(exit_code(typing), 0) << typing.output();
}

bool has(Child& child, const std::string& text) {
    return child.output().find(text) != std::string::npos;
}

// A VM window that logs every key it is sent, visible and focused.
Child start_window(Prism& prism) {
    Child window =
        prism.client({std::getenv("DND_CLIENT"), "paste"}, prism.vm_socket("work"), "window");
    EXPECT_TRUE(eventually([&] { return has(window, "ready"); })) << window.output();
    EXPECT_TRUE(eventually([&] {
        const auto windows = prism.windows_of("work");
        return windows.size() == 1 && windows[0]["focused"] == true;
    }));
    EXPECT_TRUE(eventually([&] { return count(screenshot(prism, "before-lock"), kWindow) > 100; }))
        << "the window was never visible";
    return window;
}

// The pointer's image (grim captures it) covers at most this many pixels.
constexpr int kCursorPixels = 32 * 32;

// Waits until every pixel of a screenshot but the pointer's is `colour`.
bool screen_is(Prism& prism, Rgb colour, const std::string& name) {
    return eventually([&] {
        const Image image = screenshot(prism, name);
        return image.width > 0 &&
               count(image, colour) >= image.width * image.height - kCursorPixels;
    });
}

TEST(SessionLock, LockerHidesEveryWindowAndGetsEveryKeyUntilItUnlocks) {
    Prism prism({kWorkVm});
    Child window = start_window(prism);

    Child locker = prism.client({std::getenv("LOCK_CLIENT")}, prism.host_socket(), "locker");
    ASSERT_TRUE(eventually([&] { return has(locker, "locked") && has(locker, "surface"); }))
        << locker.output() << prism.log();
    EXPECT_TRUE(screen_is(prism, kLocker, "locked"))
        << "a pixel other than the locker's shows while locked";
    const Image locked = screenshot(prism, "locked");
    EXPECT_EQ(count(locked, kWindow), 0);
    EXPECT_EQ(count(locked, kWork), 0);

    // Keys go to the locker, none to the window that had the focus; bindings do not run. (wtype
    // numbers the keys of its own keymap from 1.)
    type(prism, {"abc"});
    type(prism, {"-M", "logo", "-k", "q", "-m", "logo"}); // Super+Q would close the window
    EXPECT_TRUE(eventually([&] { return has(locker, "key 3 down"); })) << locker.output();
    EXPECT_TRUE(has(locker, "keyboard-enter"));
    std::this_thread::sleep_for(300ms);
    EXPECT_FALSE(has(window, "key ")) << window.output();
    EXPECT_TRUE(window.running()) << "a binding ran while locked";

    // Only the locker unlocks: then the window shows and hears keys again.
    locker.signal(SIGUSR1);
    EXPECT_EQ(exit_code(locker), 0) << locker.output();
    EXPECT_TRUE(eventually([&] { return count(screenshot(prism, "unlocked"), kWindow) > 100; }))
        << prism.log();
    type(prism, {"x"});
    EXPECT_TRUE(eventually([&] { return has(window, "key 1 down"); })) << window.output();
    EXPECT_NE(prism.log().find("session lock: unlocked by the locker"), std::string::npos);
    prism.stop();
}

TEST(SessionLock, LockerDyingLeavesTheSessionLockedUntilANewLockerUnlocks) {
    Prism prism({kWorkVm}, toml_for_locker());
    Child window = start_window(prism);
    Child locker = prism.client({std::getenv("LOCK_CLIENT")}, prism.host_socket(), "locker");
    ASSERT_TRUE(eventually([&] { return has(locker, "locked") && has(locker, "surface"); }))
        << locker.output();
    ASSERT_TRUE(screen_is(prism, kLocker, "locker"));

    locker.signal(SIGKILL);
    EXPECT_EQ(exit_code(locker), 128 + SIGKILL);
    EXPECT_TRUE(eventually([&] {
        return prism.log().find("the locker went away without unlocking; the session stays "
                                "locked") != std::string::npos;
    })) << prism.log();
    // prism's cover with its message: no window pixel, and most of it the cover's colour.
    EXPECT_TRUE(eventually([&] {
        const Image image = screenshot(prism, "abandoned");
        return count(image, kCover) > image.width * image.height * 9 / 10 &&
               count(image, kWindow) == 0 && count(image, kWork) == 0;
    }));
    type(prism, {"abc"});
    std::this_thread::sleep_for(300ms);
    EXPECT_FALSE(has(window, "key ")) << window.output();

    // The recovery the cover names: prismctl lock starts [general] locker, which takes over.
    EXPECT_EQ(prism.ctl("lock")["state"], "abandoned");
    ASSERT_TRUE(screen_is(prism, kLocker2, "taken-over")) << prism.log();
    std::smatch pid;
    const std::string log = prism.log();
    ASSERT_TRUE(std::regex_search(log, pid, std::regex(R"(lock-client 0000c0' \(pid (\d+)\))")))
        << log;
    ::kill(std::stoi(pid[1]), SIGUSR1);
    EXPECT_TRUE(eventually([&] { return count(screenshot(prism, "unlocked"), kWindow) > 100; }))
        << prism.log();
    prism.stop();
}

TEST(SessionLock, PrismctlLockCoversAtOnceEvenWithoutALocker) {
    Prism prism({kWorkVm}, "[general]\nlocker = \"false\"\n");
    Child window = start_window(prism);
    EXPECT_EQ(prism.ctl("lock")["state"], "covered");
    EXPECT_TRUE(eventually([&] {
        const Image image = screenshot(prism, "covered");
        return count(image, kCover) > image.width * image.height * 9 / 10 &&
               count(image, kWindow) == 0 && count(image, kWork) == 0;
    }));
    type(prism, {"abc"});
    std::this_thread::sleep_for(300ms);
    EXPECT_FALSE(has(window, "key ")) << window.output();
    // A locker may take the cover over, and unlock.
    Child locker = prism.client({std::getenv("LOCK_CLIENT")}, prism.host_socket(), "locker");
    ASSERT_TRUE(screen_is(prism, kLocker, "taken-over")) << locker.output() << prism.log();
    locker.signal(SIGUSR1);
    EXPECT_EQ(exit_code(locker), 0) << locker.output();
    EXPECT_TRUE(eventually([&] { return count(screenshot(prism, "unlocked"), kWindow) > 100; }));
    prism.stop();
}

TEST(SessionLock, TheLockBindingLocks) {
    Prism prism({kWorkVm}, "[general]\nlocker = \"false\"\n[bindings]\n\"Super+L\" = \"lock\"\n");
    Child window = start_window(prism);
    type(prism, {"-M", "logo", "-k", "l", "-m", "logo"});
    EXPECT_TRUE(eventually([&] { return count(screenshot(prism, "bound"), kWindow) == 0; }));
    EXPECT_NE(prism.log().find("session lock: locked (covered)"), std::string::npos);
    prism.stop();
}

TEST(SessionLock, ASecondLockerIsRefused) {
    Prism prism({kWorkVm});
    Child first = prism.client({std::getenv("LOCK_CLIENT")}, prism.host_socket(), "first");
    ASSERT_TRUE(eventually([&] { return has(first, "locked"); })) << first.output();
    Child second =
        prism.client({std::getenv("LOCK_CLIENT"), "c00000"}, prism.host_socket(), "second");
    EXPECT_EQ(exit_code(second), 2) << second.output();
    EXPECT_TRUE(has(second, "finished"));
    EXPECT_TRUE(screen_is(prism, kLocker, "first-holds"));
    first.signal(SIGUSR1);
    EXPECT_EQ(exit_code(first), 0);
    prism.stop();
}

TEST(SessionLock, SwaylockLocksAndItsDeathLeavesTheSessionLocked) {
    // The real locker from Debian: it cannot be unlocked here (that needs the password), so
    // this checks that it locks, that it gets the keys, and that killing it unlocks nothing.
    Prism prism({kWorkVm});
    Child window = start_window(prism);
    Child swaylock = prism.client({"swaylock", "-c", "000000"}, prism.host_socket(), "swaylock");
    EXPECT_TRUE(screen_is(prism, rgb(0x000000), "swaylock")) << swaylock.output() << prism.log();
    type(prism, {"abc"});
    std::this_thread::sleep_for(300ms);
    EXPECT_FALSE(has(window, "key ")) << window.output();
    swaylock.signal(SIGKILL);
    EXPECT_EQ(exit_code(swaylock), 128 + SIGKILL);
    EXPECT_TRUE(eventually([&] {
        const Image image = screenshot(prism, "swaylock-killed");
        return count(image, kCover) > image.width * image.height * 9 / 10 &&
               count(image, kWindow) == 0;
    })) << prism.log();
    EXPECT_FALSE(has(window, "key ")) << window.output();
    prism.stop();
}

bool owned_by_work(Prism& prism) {
    return eventually([&] {
        const json state = prism.ctl("clipboard");
        for (const json& selection : state["selections"]) {
            if (selection["selection"] == "clipboard" && selection["owner"] == "work") {
                return true;
            }
        }
        return false;
    });
}

TEST(SessionLock, TheClipboardDialogGetsNoKeyWhileLocked) {
    Prism prism({kWorkVm, {"personal", "#4e9a06", {}, ""}});
    Child source =
        prism.client({"wl-copy", "--foreground", "secret"}, prism.vm_socket("work"), "wl-copy");
    ASSERT_TRUE(owned_by_work(prism));
    Child paster = prism.client({std::getenv("DND_CLIENT"), "paste"}, prism.vm_socket("personal"),
                                "dnd-paste");
    ASSERT_TRUE(eventually([&] { return !prism.ctl("clipboard")["prompt"].is_null(); }));

    Child locker = prism.client({std::getenv("LOCK_CLIENT")}, prism.host_socket(), "locker");
    ASSERT_TRUE(eventually([&] { return has(locker, "surface"); })) << locker.output();
    EXPECT_TRUE(screen_is(prism, kLocker, "locked")) << "the dialog shows through the lock";
    std::this_thread::sleep_for(700ms); // the dialog's input delay
    type(prism, {"-k", "Escape"});      // would answer the dialog (deny)
    EXPECT_TRUE(eventually([&] { return has(locker, "key 1 down"); })) << locker.output();
    std::this_thread::sleep_for(300ms);
    EXPECT_FALSE(prism.ctl("clipboard")["prompt"].is_null()) << "the dialog was answered";
    EXPECT_FALSE(has(paster, "pasted:")) << paster.output();

    // Unlocked, the dialog is back and answers keys again.
    locker.signal(SIGUSR1);
    EXPECT_EQ(exit_code(locker), 0) << locker.output();
    EXPECT_FALSE(prism.ctl("clipboard")["prompt"].is_null());
    std::this_thread::sleep_for(700ms);
    type(prism, {"-k", "Escape"});
    EXPECT_TRUE(eventually([&] { return prism.ctl("clipboard")["prompt"].is_null(); }))
        << prism.log();
    prism.stop();
}

std::set<std::string> globals_of(Prism& prism, const std::filesystem::path& display,
                                 const std::string& label) {
    Child info = prism.client({"wayland-info"}, display, label);
    EXPECT_EQ(exit_code(info), 0) << info.output();
    std::set<std::string> names;
    const std::string out = info.output();
    const std::regex interface(R"(interface: '([a-z0-9_]+)')");
    for (auto it = std::sregex_iterator(out.begin(), out.end(), interface);
         it != std::sregex_iterator(); ++it) {
        names.insert((*it)[1]);
    }
    return names;
}

TEST(SessionLock, OnlyTheHostSeesTheLockManager) {
    Prism prism({kWorkVm});
    const auto host = globals_of(prism, prism.host_socket(), "host");
    const auto vm = globals_of(prism, prism.vm_socket("work"), "vm");
    ASSERT_TRUE(vm.count("wl_compositor")) << "wayland-info saw nothing on the VM socket";
    EXPECT_TRUE(host.count("ext_session_lock_manager_v1"));
    EXPECT_FALSE(vm.count("ext_session_lock_manager_v1"));
    // A VM's own locker gets nowhere.
    Child locker = prism.client({std::getenv("LOCK_CLIENT")}, prism.vm_socket("work"), "vm-locker");
    EXPECT_EQ(exit_code(locker), 1) << locker.output();
    prism.stop();
}

} // namespace
} // namespace prism::test
