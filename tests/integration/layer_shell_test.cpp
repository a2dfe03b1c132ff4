// Layer shell (wlr-layer-shell) as a person sees it: a host panel reserves its edge and a
// maximized VM window fills exactly the rest; panels above the windows show over them, panels
// below do not; prism's clipboard dialog shows over every panel; a launcher asking for the
// keyboard gets every key. The panel is layer-client (tests/clients), which fills its surface
// with one colour and logs what it is told.
#include "screenshot.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <sys/wait.h>
#include <thread>

namespace prism::test {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

const VmSpec kWorkVm{"work", "#3465a4", {}, ""};
const VmSpec kPersonalVm{"personal", "#4e9a06", {}, ""};
const Rgb kWork = rgb(0x3465a4);
const Rgb kPanel = rgb(0x2060c0);
const Rgb kBelow = rgb(0xc06020);
const Rgb kOverlay = rgb(0x20c060);
const Rgb kClient = rgb(0x00ff80);     // the VM window's content (hostile-client --colour)
const Rgb kHostColour = rgb(0xf2f2f2); // [host] defaults: the dialog's border

int get(const json& object, const char* key) {
    return object[key].get<int>();
}

bool has(Child& child, const std::string& text) {
    return child.output().find(text) != std::string::npos;
}

int exit_code(Child& child, std::chrono::milliseconds timeout = 20s) {
    const auto status = child.wait(timeout);
    if (!status) {
        return -1;
    }
    return WIFEXITED(*status) ? WEXITSTATUS(*status) : 128 + WTERMSIG(*status);
}

Child layer(Prism& prism, const std::vector<std::string>& args, const std::string& label) {
    std::vector<std::string> argv{std::getenv("LAYER_CLIENT")};
    argv.insert(argv.end(), args.begin(), args.end());
    return prism.client(argv, prism.host_socket(), label);
}

// A VM window that asks for fullscreen: the VM may not, so prism maximizes it.
Child maximized_window(Prism& prism) {
    return prism.client({std::getenv("HOSTILE_CLIENT"), "--fullscreen", "--colour", "00ff80"},
                        prism.vm_socket("work"), "window");
}

bool frame_is(Prism& prism, int x, int y, int width, int height) {
    return eventually([&] {
        const auto windows = prism.windows_of("work");
        if (windows.size() != 1 || windows[0]["maximized"] != true) {
            return false;
        }
        const json& f = windows[0]["frame"];
        return get(f, "x") == x && get(f, "y") == y && get(f, "width") == width &&
               get(f, "height") == height;
    });
}

int count_in(const Image& image, Rgb colour, int x0, int y0, int x1, int y1) {
    int n = 0;
    for (int y = y0; y < y1; ++y) {
        for (int x = x0; x < x1; ++x) {
            n += image.contains(x, y) && image.at(x, y) == colour ? 1 : 0;
        }
    }
    return n;
}

void type(Prism& prism, const std::vector<std::string>& wtype_args) {
    std::vector<std::string> argv{"wtype"};
    argv.insert(argv.end(), wtype_args.begin(), wtype_args.end());
    Child typing = prism.client(argv, prism.host_socket(), "wtype");
    EXPECT_EQ(exit_code(typing), 0) << typing.output();
}

TEST(LayerShell, ExclusiveZoneShrinksTheAreaAMaximizedVmWindowFills) {
    Prism prism({kWorkVm});
    // A 40 px bar along the top, as waybar is by default.
    Child panel = layer(
        prism,
        {"--anchor", "top,left,right", "--size", "0x40", "--exclusive", "40", "--colour", "2060c0"},
        "panel");
    ASSERT_TRUE(eventually([&] { return has(panel, "configured 1024x40"); }))
        << panel.output() << prism.log();

    Child window = maximized_window(prism);
    ASSERT_TRUE(frame_is(prism, 0, 40, 1024, 728)) << prism.ctl("windows").dump(2) << prism.log();
    std::this_thread::sleep_for(500ms); // the client redraws at the new size
    const Image image = screenshot(prism, "panel-and-maximized");
    // The bar's rows are the bar's alone; below it, the window's frame and content to the
    // bottom edge, and no pixel of the bar.
    EXPECT_GE(count_in(image, kPanel, 0, 0, 1024, 40), 1024 * 40 - 32 * 32) << "the bar";
    EXPECT_EQ(count_in(image, kPanel, 0, 40, 1024, 768), 0) << "the bar below its zone";
    EXPECT_EQ(image.at(512, 40), kWork) << "the frame starts right under the bar";
    EXPECT_EQ(image.at(512, 767), kWork) << "the frame reaches the bottom edge";
    const json w = prism.windows_of("work")[0];
    EXPECT_EQ(image.at(get(w, "x") + get(w, "width") / 2, get(w, "y")), kClient);
    EXPECT_EQ(image.at(get(w, "x") + get(w, "width") / 2, get(w, "y") + get(w, "height") - 1),
              kClient);

    // The bar goes: the window fills the whole output again.
    panel.signal(SIGTERM);
    exit_code(panel);
    EXPECT_TRUE(frame_is(prism, 0, 0, 1024, 768)) << prism.ctl("windows").dump(2);
    prism.stop();
}

TEST(LayerShell, NewWindowsAreCentredInWhatThePanelsLeave) {
    Prism prism({kWorkVm});
    // A 300 px dock along the bottom: the usable area is 1024x468 at 0,0.
    Child dock = layer(
        prism, {"--anchor", "bottom,left,right", "--size", "0x300", "--exclusive", "300"}, "dock");
    ASSERT_TRUE(eventually([&] { return has(dock, "configured 1024x300"); })) << dock.output();
    Child window = prism.client({std::getenv("HOSTILE_CLIENT"), "--size", "200x100"},
                                prism.vm_socket("work"), "window");
    ASSERT_TRUE(eventually([&] { return prism.windows_of("work").size() == 1; }));
    const json f = prism.windows_of("work")[0]["frame"];
    EXPECT_EQ(get(f, "y"), (468 - get(f, "height")) / 2) << f.dump();
    EXPECT_EQ(get(f, "x"), (1024 - get(f, "width")) / 2) << f.dump();
    prism.stop();
}

TEST(LayerShell, TopLayerShowsAboveWindowsBottomLayerBelowThem) {
    Prism prism({kWorkVm});
    Child window = maximized_window(prism);
    ASSERT_TRUE(frame_is(prism, 0, 0, 1024, 768)) << prism.ctl("windows").dump(2);
    Child below = layer(
        prism,
        {"--layer", "bottom", "--anchor", "top,left", "--size", "100x100", "--colour", "c06020"},
        "below");
    Child above = layer(
        prism,
        {"--layer", "top", "--anchor", "bottom,right", "--size", "100x100", "--colour", "2060c0"},
        "above");
    ASSERT_TRUE(eventually(
        [&] { return has(below, "configured 100x100") && has(above, "configured 100x100"); }));
    // Neither reserves anything: the window still fills the output.
    EXPECT_TRUE(frame_is(prism, 0, 0, 1024, 768));
    EXPECT_TRUE(eventually([&] {
        const Image image = screenshot(prism, "layers");
        return count_in(image, kPanel, 924, 668, 1024, 768) == 100 * 100;
    })) << "the top layer is not above the window";
    const Image image = screenshot(prism, "layers");
    EXPECT_EQ(count_in(image, kBelow, 0, 0, 1024, 768), 0) << "the bottom layer shows";
    prism.stop();
}

TEST(LayerShell, ClipboardDialogShowsAboveAnOverlayPanel) {
    Prism prism({kWorkVm, kPersonalVm});
    // An overlay covering the whole output, as a full-screen launcher's backdrop does.
    Child overlay = layer(prism,
                          {"--layer", "overlay", "--anchor", "top,bottom,left,right", "--size",
                           "0x0", "--exclusive", "-1", "--colour", "20c060"},
                          "overlay");
    ASSERT_TRUE(eventually([&] { return has(overlay, "configured 1024x768"); }))
        << overlay.output();
    Child copy = prism.client({"sh", "-c", "echo -n secret | exec wl-copy --foreground"},
                              prism.vm_socket("work"), "wl-copy");
    ASSERT_TRUE(eventually([&] {
        const json state = prism.ctl("clipboard");
        for (const json& s : state["selections"]) {
            if (s["selection"] == "clipboard" && s["owner"] == "work") {
                return true;
            }
        }
        return false;
    }));
    Child paste = prism.client({"sh", "-c", "exec wl-paste --no-newline > /dev/null"},
                               prism.vm_socket("personal"), "wl-paste");
    json prompt;
    ASSERT_TRUE(eventually([&] {
        prompt = prism.ctl("clipboard")["prompt"];
        return !prompt.is_null();
    })) << prism.log();
    const json& box = prompt["dialog"];
    const int x0 = get(box, "x"), y0 = get(box, "y");
    const int x1 = x0 + get(box, "width"), y1 = y0 + get(box, "height");
    ASSERT_TRUE(eventually([&] {
        const Image image = screenshot(prism, "dialog-over-overlay");
        return count_in(image, kHostColour, x0, y0, x1, y1) > 2000;
    })) << "the dialog is not drawn above the overlay";
    const Image image = screenshot(prism, "dialog-over-overlay");
    EXPECT_EQ(count_in(image, kOverlay, x0 + 8, y0 + 8, x1 - 8, y1 - 8), 0)
        << "the overlay shows through the dialog";
    EXPECT_GT(count_in(image, kOverlay, 0, 0, 1024, 768), 1024 * 768 / 2)
        << "the overlay is not drawn";
    prism.stop();
}

TEST(LayerShell, SessionLockCoversAnOverlayPanelAndTakesItsKeys) {
    Prism prism({kWorkVm});
    Child overlay =
        layer(prism,
              {"--layer", "overlay", "--anchor", "top,bottom,left,right", "--size", "0x0",
               "--exclusive", "-1", "--colour", "20c060", "--keyboard", "exclusive"},
              "overlay");
    ASSERT_TRUE(eventually([&] { return has(overlay, "keyboard-enter"); })) << overlay.output();
    Child locker = prism.client({std::getenv("LOCK_CLIENT")}, prism.host_socket(), "locker");
    ASSERT_TRUE(eventually([&] { return has(locker, "locked") && has(locker, "surface"); }))
        << locker.output() << prism.log();
    const Rgb locker_colour = rgb(0x00c000); // lock-client's default
    EXPECT_TRUE(eventually([&] {
        const Image image = screenshot(prism, "locked-over-overlay");
        return count_in(image, locker_colour, 0, 0, 1024, 768) >= 1024 * 768 - 32 * 32;
    })) << "the overlay shows through the lock";
    EXPECT_EQ(count_in(screenshot(prism, "locked-over-overlay"), kOverlay, 0, 0, 1024, 768), 0);
    type(prism, {"abc"});
    EXPECT_TRUE(eventually([&] { return has(locker, "key 3 down"); })) << locker.output();
    EXPECT_FALSE(has(overlay, "key ")) << "a key reached the overlay under the lock";
    prism.stop();
}

TEST(LayerShell, ExclusiveKeyboardLauncherGetsEveryKeyUntilItCloses) {
    Prism prism({kWorkVm});
    Child window =
        prism.client({std::getenv("DND_CLIENT"), "paste"}, prism.vm_socket("work"), "window");
    ASSERT_TRUE(eventually([&] {
        const auto windows = prism.windows_of("work");
        return windows.size() == 1 && windows[0]["focused"] == true;
    }));
    Child launcher = layer(
        prism,
        {"--layer", "overlay", "--anchor", "top", "--size", "400x60", "--keyboard", "exclusive"},
        "launcher");
    ASSERT_TRUE(eventually([&] { return has(launcher, "keyboard-enter"); }))
        << launcher.output() << prism.log();
    type(prism, {"abc"});
    EXPECT_TRUE(eventually([&] { return has(launcher, "key 3 down"); })) << launcher.output();
    std::this_thread::sleep_for(300ms);
    EXPECT_FALSE(has(window, "key ")) << "a key the launcher holds reached the window";

    launcher.signal(SIGTERM);
    exit_code(launcher);
    type(prism, {"x"});
    EXPECT_TRUE(eventually([&] { return has(window, "key 1 down"); }))
        << "the window did not get the keyboard back: " << window.output();
    prism.stop();
}

// A panel's menu (an xdg popup of a layer surface) is kept inside the panel's output: opened
// from a panel in the bottom-right corner, down and to the right, it flips up and to the left.
TEST(LayerShell, APanelsMenuStaysInsideItsOutput) {
    Prism prism({});
    Child panel = layer(
        prism, {"--anchor", "bottom,right", "--size", "120x30", "--popup", "200x150"}, "panel");
    ASSERT_TRUE(eventually([&] { return has(panel, "popup configured"); })) << panel.output();
    EXPECT_TRUE(has(panel, "popup configured -81,-121 200x150")) << panel.output();
    const json output = prism.ctl("outputs").at(0);
    const int right = get(output, "x") + get(output, "width");
    const int bottom = get(output, "y") + get(output, "height");
    const Rgb menu = rgb(0xff00ff);
    EXPECT_TRUE(eventually([&] {
        const Image image = screenshot(prism, "panel-menu");
        return count_in(image, menu, right - 201, bottom - 151, right, bottom) >=
               200 * 150 - 32 * 32;
    })) << "the menu is not whole inside the output";
    prism.stop();
}

} // namespace
} // namespace prism::test
