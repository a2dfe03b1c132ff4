// Windows of real clients appear with the origin of the socket they came in on.
#include "harness.hpp"

#include <csignal>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <thread>

namespace prism::test {
namespace {

using namespace std::chrono_literals;

TEST(Windows, ClientsOnVmAndHostSocketsGetTheirOrigin) {
    Prism prism({{"work", "#3465a4", {}}, {"personal", "green", {}}});
    Child work = prism.client({"weston-simple-shm"}, prism.vm_socket("work"), "work-shm");
    Child personal = prism.client({"foot", "sh", "-c", "sleep 120"}, prism.vm_socket("personal"),
                                  "personal-foot");
    Child host = prism.client({"weston-simple-shm"}, prism.host_socket(), "host-shm");

    ASSERT_TRUE(eventually([&] { return prism.ctl("windows").size() == 3; }))
        << prism.ctl("windows").dump(2) << "\nfoot:\n"
        << personal.output();

    const auto shm = prism.windows_of("work");
    ASSERT_EQ(shm.size(), 1u);
    EXPECT_EQ(shm[0]["width"], 250); // weston-simple-shm's fixed size
    EXPECT_EQ(shm[0]["height"], 250);
    EXPECT_EQ(shm[0]["title"], "simple-shm");
    const auto foot = prism.windows_of("personal");
    ASSERT_EQ(foot.size(), 1u);
    EXPECT_EQ(foot[0]["app_id"], "foot");
    EXPECT_EQ(prism.windows_of("host").size(), 1u);

    const auto vms = prism.ctl("vms");
    ASSERT_EQ(vms.size(), 2u);
    for (const auto& vm : vms) {
        EXPECT_EQ(vm["windows"], 1) << vm.dump();
        EXPECT_GE(vm["clients"], 1) << vm.dump();
    }
}

TEST(Windows, NewWindowsOpenCentredAndFocused) {
    Prism prism({{"work", "#3465a4", {}}});
    Child shm = prism.client({"weston-simple-shm"}, prism.vm_socket("work"), "shm");
    ASSERT_TRUE(eventually([&] { return prism.windows_of("work").size() == 1; }));
    const auto window = prism.windows_of("work")[0];
    const auto frame = window["frame"];
    // The headless output is 1024x768: the window with its frame is centred on it ...
    EXPECT_EQ(frame["x"], (1024 - frame["width"].get<int>()) / 2) << window.dump();
    EXPECT_EQ(frame["y"], (768 - frame["height"].get<int>()) / 2) << window.dump();
    // ... and the 250x250 content sits inside the frame, below the title bar.
    EXPECT_EQ(window["width"], 250);
    EXPECT_EQ(window["height"], 250);
    EXPECT_GT(window["x"], frame["x"]);
    EXPECT_GT(window["y"].get<int>(), frame["y"].get<int>() + 10) << "no room for a title bar";
    EXPECT_EQ(window["x"].get<int>() + 250, frame["x"].get<int>() + frame["width"].get<int>() -
                                                (window["x"].get<int>() - frame["x"].get<int>()));
    EXPECT_EQ(window["focused"], true);
}

TEST(Windows, WestonSimpleShmRunsTenSecondsWithoutAborting) {
    Prism prism({{"work", "#3465a4", {}}});
    Child shm = prism.client({"weston-simple-shm"}, prism.vm_socket("work"), "shm");
    ASSERT_TRUE(eventually([&] { return prism.windows_of("work").size() == 1; }));
    std::this_thread::sleep_for(10s);
    EXPECT_TRUE(shm.running()) << "weston-simple-shm exited:\n" << shm.output();
    EXPECT_EQ(shm.output().find("Both buffers busy"), std::string::npos) << shm.output();
}

TEST(Windows, ClientKilledMidFrameLeavesPrismRunning) {
    Prism prism({{"work", "#3465a4", {}}});
    Child shm = prism.client({"weston-simple-shm"}, prism.vm_socket("work"), "shm");
    ASSERT_TRUE(eventually([&] { return prism.windows_of("work").size() == 1; }));
    shm.signal(SIGKILL);
    ASSERT_TRUE(eventually([&] { return prism.windows_of("work").empty(); }));
    ASSERT_TRUE(prism.process().running());

    Child again = prism.client({"weston-simple-shm"}, prism.vm_socket("work"), "shm-again");
    EXPECT_TRUE(eventually([&] { return prism.windows_of("work").size() == 1; }));
}

TEST(Windows, SmartFocusKeepsFocusWhileTheUserTypesIntoAnotherVm) {
    Prism prism({{"work", "#3465a4", {}}, {"untrusted", "red", {}}},
                "[headless]\nwidth = 1024\nheight = 768\n[focus]\nnew_window = \"smart\"\n"
                "typing_grace_ms = 30000\n");
    // A terminal to type into (weston-simple-shm quits on evdev key 1, which wtype uses).
    Child work = prism.client({"foot", "sh", "-c", "sleep 120"}, prism.vm_socket("work"), "work");
    ASSERT_TRUE(eventually([&] { return prism.windows_of("work").size() == 1; }));
    ASSERT_EQ(prism.windows_of("work")[0]["focused"], true);

    // The user types (through the host's virtual keyboard, like any keyboard) ...
    Child typing = prism.client({"wtype", "hunter2"}, prism.host_socket(), "wtype");
    const auto typed = typing.wait(20s);
    ASSERT_TRUE(typed && WIFEXITED(*typed) && WEXITSTATUS(*typed) == 0) << typing.output();

    // ... and another VM maps a window meanwhile: it must not take the keyboard.
    Child popup = prism.client({"weston-simple-shm"}, prism.vm_socket("untrusted"), "untrusted");
    ASSERT_TRUE(eventually([&] { return prism.windows_of("untrusted").size() == 1; }));
    const auto intruder = prism.windows_of("untrusted")[0];
    EXPECT_EQ(intruder["focused"], false);
    EXPECT_EQ(intruder["urgent"], true);
    EXPECT_EQ(prism.windows_of("work")[0]["focused"], true);
}

// Presses keys through the host's virtual keyboard, as a person at the keyboard would.
void press(Prism& prism, const std::vector<std::string>& wtype_args) {
    std::vector<std::string> argv{"wtype"};
    argv.insert(argv.end(), wtype_args.begin(), wtype_args.end());
    Child typing = prism.client(argv, prism.host_socket(), "wtype");
    const auto status = typing.wait(20s);
    ASSERT_TRUE(status && WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << typing.output();
}

TEST(Bindings, SuperQClosesTheFocusedWindow) {
    Prism prism({{"work", "#3465a4", {}}});
    Child shm = prism.client({"weston-simple-shm"}, prism.vm_socket("work"), "shm");
    ASSERT_TRUE(eventually([&] { return prism.windows_of("work").size() == 1; }));
    press(prism, {"-M", "logo", "-k", "q", "-m", "logo"});
    // weston-simple-shm exits when asked to close.
    EXPECT_TRUE(eventually([&] { return !shm.running(); })) << shm.output();
    EXPECT_TRUE(eventually([&] { return prism.windows_of("work").empty(); }));
}

TEST(Bindings, AltTabCyclesFocus) {
    Prism prism({{"work", "#3465a4", {}}, {"personal", "green", {}}},
                "[headless]\nwidth = 1024\nheight = 768\n[focus]\nnew_window = \"always\"\n");
    Child first = prism.client({"weston-simple-shm"}, prism.vm_socket("work"), "first");
    ASSERT_TRUE(eventually([&] { return prism.windows_of("work").size() == 1; }));
    Child second = prism.client({"weston-simple-shm"}, prism.vm_socket("personal"), "second");
    ASSERT_TRUE(eventually([&] { return prism.windows_of("personal").size() == 1; }));
    ASSERT_EQ(prism.windows_of("personal")[0]["focused"], true);

    press(prism, {"-M", "alt", "-k", "Tab", "-m", "alt"});
    EXPECT_TRUE(eventually([&] { return prism.windows_of("work")[0]["focused"] == true; }));
    EXPECT_EQ(prism.windows_of("personal")[0]["focused"], false);
    // Focus raises: the focused window is the last, topmost, entry.
    EXPECT_EQ(prism.ctl("windows").back()["vm"], "work");
}

// Alt+Tab to a window whose dialog is open brings both forward and gives the keyboard to the
// dialog, as clicking the window would show it: the parent is not focused under its own dialog,
// and the dialog is not skipped each time round.
TEST(Bindings, AltTabToAWindowWithADialogFocusesTheDialog) {
    Prism prism({{"work", "#3465a4", {}}, {"personal", "green", {}}},
                "[headless]\nwidth = 1024\nheight = 768\n[focus]\nnew_window = \"always\"\n");
    Child app =
        prism.client({std::getenv("HOSTILE_CLIENT"), "--title", "parent", "--dialog", "120x80"},
                     prism.vm_socket("work"), "app");
    ASSERT_TRUE(eventually([&] { return prism.windows_of("work").size() == 2; }))
        << prism.ctl("windows").dump(2);
    Child other = prism.client({"weston-simple-shm"}, prism.vm_socket("personal"), "other");
    ASSERT_TRUE(eventually([&] { return prism.windows_of("personal").size() == 1; }));
    ASSERT_TRUE(eventually([&] { return prism.windows_of("personal")[0]["focused"] == true; }));
    const auto focused_title = [&] {
        for (const auto& w : prism.ctl("windows")) {
            if (w["focused"] == true) {
                return w.value("title", std::string("(untitled)")) + " of " +
                       w["vm"].get<std::string>();
            }
        }
        return std::string("nothing");
    };
    for (int round = 0; round < 2; ++round) {
        press(prism, {"-M", "alt", "-k", "Tab", "-m", "alt"});
        EXPECT_TRUE(eventually([&] { return focused_title() == "dialog of work"; }))
            << "round " << round << ": " << focused_title();
        // The dialog on top, its parent right under it.
        const auto windows = prism.ctl("windows");
        ASSERT_GE(windows.size(), 3u);
        EXPECT_EQ(windows[windows.size() - 1]["title"], "dialog");
        EXPECT_EQ(windows[windows.size() - 2]["title"], "parent");
        press(prism, {"-M", "alt", "-k", "Tab", "-m", "alt"});
        EXPECT_TRUE(eventually([&] { return prism.windows_of("personal")[0]["focused"] == true; }))
            << "round " << round << ": " << focused_title();
    }
}

} // namespace
} // namespace prism::test
