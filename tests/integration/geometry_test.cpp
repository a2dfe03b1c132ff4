// Where windows, dialogs and popups go, seen as a user sees them (prismctl and screenshots):
// new windows fit the output, dialogs open on their parent, menus cover the border but never
// the title bar, and the seat keeps a keymap whatever keyboard comes and goes.
#include "screenshot.hpp"

#include <algorithm>
#include <cstdio>
#include <gtest/gtest.h>
#include <sstream>
#include <sys/wait.h>
#include <thread>

namespace prism::test {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

constexpr Rgb kMagenta{0xff, 0x00, 0xff}; // what hostile-client's popups are
const Rgb kUntrusted = rgb(0xcc0000);

std::string hostile() {
    return std::getenv("HOSTILE_CLIENT");
}

int get(const json& j, const char* key) {
    return j[key].get<int>();
}

json wait_for_window(Prism& prism, const std::string& vm, std::size_t count = 1) {
    EXPECT_TRUE(eventually([&] { return prism.windows_of(vm).size() == count; }))
        << prism.ctl("windows").dump(2);
    std::this_thread::sleep_for(300ms); // let it draw and settle
    return prism.windows_of(vm).back();
}

// The lines `client` printed that start with `prefix`.
std::vector<std::string> lines_starting(const Child& client, const std::string& prefix) {
    std::vector<std::string> lines;
    std::istringstream in(client.output());
    for (std::string line; std::getline(in, line);) {
        if (line.rfind(prefix, 0) == 0) {
            lines.push_back(line);
        }
    }
    return lines;
}

TEST(Geometry, OversizedWindowIsAskedToFitTheOutputWithItsFrame) {
    // 2000x1500 on the default 1024x768 output: the first configure gives the bounds (the
    // output less the frame), and the window that maps larger anyway is asked to fit.
    Prism prism({{"untrusted", "red", {}}});
    Child big = prism.client({hostile(), "--size", "2000x1500", "--xdg-version", "6"},
                             prism.vm_socket("untrusted"), "big");
    ASSERT_TRUE(eventually([&] {
        const auto w = prism.windows_of("untrusted");
        return w.size() == 1 && get(w[0], "width") < 2000;
    })) << prism.ctl("windows").dump(2)
        << big.output();
    std::this_thread::sleep_for(300ms);
    const json w = prism.windows_of("untrusted")[0];
    const json& f = w["frame"];
    EXPECT_EQ(get(f, "x"), 0);
    EXPECT_EQ(get(f, "y"), 0);
    EXPECT_EQ(get(f, "width"), 1024);
    EXPECT_EQ(get(f, "height"), 768);
    const int frame_w = get(f, "width") - get(w, "width");
    const int frame_h = get(f, "height") - get(w, "height");
    const auto bounds = lines_starting(big, "bounds ");
    ASSERT_FALSE(bounds.empty()) << big.output();
    EXPECT_EQ(bounds.front(),
              "bounds " + std::to_string(1024 - frame_w) + " " + std::to_string(768 - frame_h));
}

TEST(Geometry, WindowThatStaysLargerHasItsTitleBarOnScreen) {
    Prism prism({{"untrusted", "red", {}}});
    Child big = prism.client({hostile(), "--size", "2000x1500", "--fixed-size"},
                             prism.vm_socket("untrusted"), "big");
    const json w = wait_for_window(prism, "untrusted");
    EXPECT_EQ(get(w, "width"), 2000);
    EXPECT_EQ(get(w["frame"], "x"), 0);
    EXPECT_EQ(get(w["frame"], "y"), 0) << "the title bar is not on screen";
    const Image image = screenshot(prism, "oversized");
    // The title bar's top-left corner is the VM's colour (border and title bar), on screen.
    EXPECT_EQ(image.at(1, 1), kUntrusted);
    EXPECT_EQ(image.at(10, get(w, "y") - 3), kUntrusted);
}

TEST(Geometry, DialogOpensCentredOnItsParent) {
    // The first window takes the output's centre; the second one's main window cascades down
    // and right of it, and its dialog must open on that window, not on the output's centre.
    Prism prism({{"untrusted", "red", {}}});
    Child first = prism.client({hostile(), "--title", "first"}, prism.vm_socket("untrusted"), "1");
    wait_for_window(prism, "untrusted");
    Child second = prism.client({hostile(), "--title", "parent", "--dialog", "120x80"},
                                prism.vm_socket("untrusted"), "2");
    wait_for_window(prism, "untrusted", 3);
    json parent, dialog;
    for (const auto& w : prism.windows_of("untrusted")) {
        if (w["title"] == "parent") {
            parent = w;
        } else if (w["title"] == "dialog") {
            dialog = w;
        }
    }
    ASSERT_FALSE(parent.is_null() || dialog.is_null()) << prism.ctl("windows").dump(2);
    auto centre = [](const json& w, const char* axis, const char* size) {
        return get(w["frame"], axis) + get(w["frame"], size) / 2;
    };
    EXPECT_NEAR(centre(dialog, "x", "width"), centre(parent, "x", "width"), 1);
    EXPECT_NEAR(centre(dialog, "y", "height"), centre(parent, "y", "height"), 1);
    EXPECT_EQ(get(dialog, "width"), 120);
}

TEST(Geometry, DialogStaysAboveItsParentWhenTheParentIsClicked) {
    // xdg-shell: a toplevel is stacked above its parent. A click on the parent focuses it, and
    // raises it with its dialog still above it, not over it.
    Prism prism({{"untrusted", "red", {}}});
    Child app = prism.client({hostile(), "--title", "parent", "--dialog", "120x80"},
                             prism.vm_socket("untrusted"), "app");
    wait_for_window(prism, "untrusted", 2);
    auto titled = [&](const std::string& title) {
        for (const auto& w : prism.windows_of("untrusted")) {
            if (w["title"] == title) {
                return w;
            }
        }
        return json();
    };
    const json parent = titled("parent");
    ASSERT_FALSE(parent.is_null() || titled("dialog").is_null()) << prism.ctl("windows").dump(2);
    pointer(prism, {"move", std::to_string(get(parent, "x") + 10),
                    std::to_string(get(parent, "y") + 10), "click"});
    ASSERT_TRUE(eventually([&] { return titled("parent")["focused"] == true; }))
        << prism.ctl("windows").dump(2);
    std::this_thread::sleep_for(300ms);
    const json dialog = titled("dialog");
    const Image image = screenshot(prism, "dialog-above-parent");
    // The dialog's border and its white content, not the parent's content over them.
    EXPECT_EQ(image.at(get(dialog["frame"], "x") + 1, get(dialog["frame"], "y") + 1), kUntrusted);
    EXPECT_EQ(image.at(get(dialog["frame"], "x") + get(dialog["frame"], "width") - 2,
                       get(dialog["frame"], "y") + get(dialog["frame"], "height") - 2),
              kUntrusted);
}

// The box of the popup of the only window of `vm`, once it shows.
json popup_of(Prism& prism, const std::string& vm) {
    json popup;
    EXPECT_TRUE(eventually([&] {
        const auto w = prism.windows_of(vm);
        if (w.size() != 1 || w[0]["popups"].empty()) {
            return false;
        }
        popup = w[0]["popups"][0];
        return true;
    })) << prism.ctl("windows").dump(2);
    std::this_thread::sleep_for(200ms);
    return popup;
}

bool overlaps_title_bar(const json& popup, const json& window) {
    const json& f = window["frame"];
    const int top = get(f, "y"), bottom = get(window, "y");
    const int left = get(f, "x"), right = get(f, "x") + get(f, "width");
    return get(popup, "y") < bottom && get(popup, "y") + get(popup, "height") > top &&
           get(popup, "x") < right && get(popup, "x") + get(popup, "width") > left;
}

// No magenta in the title bar and the border above it.
void expect_title_bar_clear(const Image& image, const json& window) {
    const json& f = window["frame"];
    int magenta = 0;
    for (int y = get(f, "y"); y < get(window, "y"); ++y) {
        for (int x = get(f, "x"); x < get(f, "x") + get(f, "width"); ++x) {
            magenta += image.contains(x, y) && image.at(x, y) == kMagenta;
        }
    }
    EXPECT_EQ(magenta, 0) << "the popup covers the title bar";
}

TEST(Popups, MenuFlippingUpNeverCoversItsTitleBar) {
    // A 200x150 menu opening upwards from 20 px below the window's top, free to slide and flip:
    // the output has room above the window, but that is its title bar.
    Prism prism({{"untrusted", "red", {}}});
    Child client = prism.client(
        {hostile(), "--popup", "200x150", "--popup-at", "10,20", "--popup-up", "--popup-adjust"},
        prism.vm_socket("untrusted"), "menu");
    const json popup = popup_of(prism, "untrusted");
    const json w = prism.windows_of("untrusted")[0];
    EXPECT_FALSE(overlaps_title_bar(popup, w)) << popup.dump() << " " << w.dump();
    EXPECT_GE(get(popup, "y"), get(w, "y"));
    EXPECT_EQ(get(popup, "height"), 150);
    const Image image = screenshot(prism, "menu-flipped-up");
    expect_title_bar_clear(image, w);
    // Shown whole, in the VM's outline.
    EXPECT_EQ(image.at(get(popup, "x") + 100, get(popup, "y") + 75), kMagenta);
    EXPECT_EQ(image.at(get(popup, "x") + 100, get(popup, "y") + 150), kUntrusted);
}

TEST(Popups, PopupThatMayNotMoveStaysOffTheTitleBar) {
    // The same menu, allowing no adjustment (as a hostile VM would, to paint a fake title).
    Prism prism({{"untrusted", "red", {}}});
    Child client =
        prism.client({hostile(), "--popup", "200x150", "--popup-at", "10,20", "--popup-up"},
                     prism.vm_socket("untrusted"), "menu");
    const json popup = popup_of(prism, "untrusted");
    const json w = prism.windows_of("untrusted")[0];
    EXPECT_FALSE(overlaps_title_bar(popup, w)) << popup.dump() << " " << w.dump();
    expect_title_bar_clear(screenshot(prism, "menu-pinned-up"), w);
}

TEST(Popups, PopupRepositionedOverTheTitleBarIsPlacedOffIt) {
    // Shown below its anchor first, then moved (xdg_popup.reposition) to grow upwards over the
    // title bar, with no adjustment allowed.
    Prism prism({{"untrusted", "red", {}}});
    Child client = prism.client({hostile(), "--xdg-version", "3", "--popup", "200x150",
                                 "--popup-at", "10,20", "--popup-reposition"},
                                prism.vm_socket("untrusted"), "menu");
    ASSERT_TRUE(eventually([&] {
        return client.output().find("repositioned") != std::string::npos;
    })) << client.output();
    std::this_thread::sleep_for(300ms); // committed at its new place
    const json popup = popup_of(prism, "untrusted");
    const json w = prism.windows_of("untrusted")[0];
    EXPECT_FALSE(overlaps_title_bar(popup, w)) << popup.dump() << " " << w.dump();
    EXPECT_GE(get(popup, "y"), get(w, "y"));
    expect_title_bar_clear(screenshot(prism, "menu-repositioned"), w);
}

// Super+M on the host's virtual keyboard, and the only window of `vm` once it is maximized.
json maximize(Prism& prism, const std::string& vm) {
    Child wtype = prism.client({"wtype", "-M", "logo", "-k", "m", "-m", "logo"},
                               prism.host_socket(), "wtype");
    EXPECT_TRUE(wtype.wait(20s).has_value());
    EXPECT_TRUE(eventually([&] {
        const auto w = prism.windows_of(vm);
        return w.size() == 1 && w[0]["maximized"] == true && get(w[0], "width") > 300;
    })) << prism.ctl("windows").dump(2);
    std::this_thread::sleep_for(300ms); // committed at its new size, the popup placed again
    return prism.windows_of(vm)[0];
}

// The popup's top and bottom rows show its own magenta, on the output.
void expect_shown_whole(const Image& image, const json& popup) {
    const int x = get(popup, "x") + get(popup, "width") / 2;
    for (const int y : {get(popup, "y") + 1, get(popup, "y") + get(popup, "height") - 2}) {
        EXPECT_TRUE(image.contains(x, y) && image.at(x, y) == kMagenta)
            << "the popup does not show at " << x << "," << y;
    }
}

// A 100x60 popup right of a 300x200 window, beside its title row and the border above it (from
// 40 px above the window's top): nothing of the frame is there while the window is that narrow.
const std::vector<std::string> kPopupBesideTheTitleRow = {"--popup", "100x60", "--popup-at",
                                                          "320,-40"};

TEST(Popups, PopupBesideTheTitleRowIsPlacedAgainWhenTheWindowGrows) {
    // Maximized, the window's title bar reaches under the popup: the popup (which may not be
    // moved, and is not reactive, so it gets no configure) shows below the title bar instead.
    Prism prism({{"untrusted", "red", {}}});
    std::vector<std::string> argv{hostile()};
    argv.insert(argv.end(), kPopupBesideTheTitleRow.begin(), kPopupBesideTheTitleRow.end());
    Child client = prism.client(argv, prism.vm_socket("untrusted"), "menu");
    const json before = popup_of(prism, "untrusted");
    const json narrow = prism.windows_of("untrusted")[0];
    ASSERT_FALSE(overlaps_title_bar(before, narrow)) << before.dump() << " " << narrow.dump();
    ASSERT_LT(get(before, "y"), get(narrow, "y")) << "not beside the title row";
    const json w = maximize(prism, "untrusted");
    const json popup = w["popups"][0];
    EXPECT_FALSE(overlaps_title_bar(popup, w)) << popup.dump() << " " << w.dump();
    EXPECT_EQ(get(popup, "y"), get(w, "y")) << "not right below the title bar";
    const Image image = screenshot(prism, "menu-beside-title-maximized");
    expect_title_bar_clear(image, w);
    // Shown whole, where prism put it.
    expect_shown_whole(image, popup);
    // xdg-shell: a popup that is not reactive is configured once.
    EXPECT_EQ(lines_starting(client, "popup-configure ").size(), 1u) << client.output();
}

TEST(Popups, ReactivePopupIsPlacedAgainByItsPositionerWhenTheWindowGrows) {
    // The same popup made reactive (xdg_positioner.set_reactive): its client is told where it
    // goes now, below the title bar, and draws it there.
    Prism prism({{"untrusted", "red", {}}});
    std::vector<std::string> argv{hostile(), "--xdg-version", "3", "--popup-reactive"};
    argv.insert(argv.end(), kPopupBesideTheTitleRow.begin(), kPopupBesideTheTitleRow.end());
    Child client = prism.client(argv, prism.vm_socket("untrusted"), "menu");
    const json before = popup_of(prism, "untrusted");
    const json narrow = prism.windows_of("untrusted")[0];
    ASSERT_FALSE(overlaps_title_bar(before, narrow)) << before.dump() << " " << narrow.dump();
    ASSERT_LT(get(before, "y"), get(narrow, "y")) << "not beside the title row";
    const json w = maximize(prism, "untrusted");
    const json popup = w["popups"][0];
    EXPECT_FALSE(overlaps_title_bar(popup, w)) << popup.dump() << " " << w.dump();
    const Image image = screenshot(prism, "reactive-menu-beside-title-maximized");
    expect_title_bar_clear(image, w);
    expect_shown_whole(image, popup);
    // Configured again, at its new place: right below the title bar, in window coordinates.
    const auto configures = lines_starting(client, "popup-configure ");
    ASSERT_GE(configures.size(), 2u) << client.output();
    EXPECT_EQ(configures.back(),
              "popup-configure " + std::to_string(get(popup, "x") - get(w, "x")) + " 0 100 60")
        << client.output();
}

TEST(Popups, MenuReachingPastTheWindowIsDrawnAboveTheBorder) {
    // A menu opening at the window's right edge goes on over the border: the menu shows whole
    // there, in its own outline.
    Prism prism({{"untrusted", "red", {}}});
    Child client = prism.client({hostile(), "--popup", "200x100", "--popup-at", "290,50"},
                                prism.vm_socket("untrusted"), "menu");
    const json popup = popup_of(prism, "untrusted");
    const json w = prism.windows_of("untrusted")[0];
    const int right = get(w, "x") + get(w, "width");
    ASSERT_LT(get(popup, "x"), right);
    ASSERT_GT(get(popup, "x") + get(popup, "width"), right + 4);
    const Image image = screenshot(prism, "menu-over-border");
    const int y = get(popup, "y") + get(popup, "height") / 2;
    for (int x = right; x < right + 4; ++x) {
        EXPECT_EQ(image.at(x, y), kMagenta) << "the border covers the menu at " << x << "," << y;
    }
    // The outline: the VM's colour right around the menu, inside the window too.
    EXPECT_EQ(image.at(get(popup, "x") - 1, y), kUntrusted);
    EXPECT_EQ(image.at(get(popup, "x") + get(popup, "width"), y), kUntrusted);
}

TEST(Popups, XrayTintsAMenuReachingPastItsWindow) {
    // X-ray shows whose every pixel is: a menu reaching outside its window (over what is
    // beside it) is tinted with the VM's colour too, not only the window.
    Prism prism({{"untrusted", "red", {}}});
    Child client = prism.client({hostile(), "--popup", "200x100", "--popup-at", "290,50"},
                                prism.vm_socket("untrusted"), "menu");
    const json popup = popup_of(prism, "untrusted");
    const json w = prism.windows_of("untrusted")[0];
    // In the menu, right of the window's frame.
    const int px = get(w["frame"], "x") + get(w["frame"], "width") + 20;
    const int py = get(popup, "y") + get(popup, "height") - 10;
    ASSERT_LT(px, get(popup, "x") + get(popup, "width"));
    EXPECT_EQ(screenshot(prism, "before-xray").at(px, py), kMagenta);
    Child hold =
        prism.client({"wtype", "-M", "logo", "-P", "x", "-s", "3000", "-p", "x", "-m", "logo"},
                     prism.host_socket(), "wtype");
    std::this_thread::sleep_for(1000ms);
    const Rgb tinted = screenshot(prism, "xray").at(px, py);
    // Magenta under the VM's colour at 45% opacity.
    auto blend = [](int tint, int below) {
        return static_cast<int>(tint * 0.45 + below * 0.55);
    };
    EXPECT_NEAR(tinted.r, blend(kUntrusted.r, kMagenta.r), 3);
    EXPECT_NEAR(tinted.g, blend(kUntrusted.g, kMagenta.g), 3);
    EXPECT_NEAR(tinted.b, blend(kUntrusted.b, kMagenta.b), 3);
    ASSERT_TRUE(hold.wait(20s).has_value());
    std::this_thread::sleep_for(300ms);
    EXPECT_EQ(screenshot(prism, "after-xray").at(px, py), kMagenta);
}

TEST(Focus, WindowActivatingItselfWhileFocusedIsNotUrgent) {
    // Firefox activates its own window as it starts, with a token that names no surface.
    Prism prism({{"untrusted", "red", {}}});
    Child client =
        prism.client({hostile(), "--activate-self"}, prism.vm_socket("untrusted"), "self");
    ASSERT_TRUE(eventually([&] { return client.output().find("activated") != std::string::npos; }))
        << client.output();
    ASSERT_TRUE(eventually([&] {
        const auto w = prism.windows_of("untrusted");
        return w.size() == 1 && w[0]["focused"] == true;
    })) << prism.ctl("windows").dump(2);
    std::this_thread::sleep_for(300ms); // the activation is handled
    const json w = prism.windows_of("untrusted")[0];
    EXPECT_EQ(w["focused"], true);
    EXPECT_EQ(w["urgent"], false) << "focused and urgent at once";
}

TEST(Capabilities, OnlyWhatPrismHonoursIsAdvertised) {
    Prism prism({{"untrusted", "red", {}}, {"media", "green", {}, "allow_fullscreen = true"}});
    Child denied =
        prism.client({hostile(), "--xdg-version", "6"}, prism.vm_socket("untrusted"), "untrusted");
    Child allowed =
        prism.client({hostile(), "--xdg-version", "6"}, prism.vm_socket("media"), "media");
    wait_for_window(prism, "untrusted");
    wait_for_window(prism, "media");
    const auto denied_caps = lines_starting(denied, "capabilities");
    const auto allowed_caps = lines_starting(allowed, "capabilities");
    ASSERT_FALSE(denied_caps.empty()) << denied.output();
    ASSERT_FALSE(allowed_caps.empty()) << allowed.output();
    // No minimize or window menu (prism has neither); fullscreen only where it is honoured.
    EXPECT_EQ(denied_caps.back(), "capabilities maximize");
    EXPECT_EQ(allowed_caps.back(), "capabilities maximize fullscreen");
}

TEST(Suspended, AWindowFullyCoveredIsSuspendedUntilUncovered) {
    Prism prism({{"untrusted", "red", {}}});
    Child below = prism.client(
        {hostile(), "--title", "below", "--size", "200x150", "--opaque", "--xdg-version", "6"},
        prism.vm_socket("untrusted"), "below");
    wait_for_window(prism, "untrusted");
    EXPECT_EQ(below.output().find("suspended"), std::string::npos) << below.output();
    // Twice as large, centred on the same spot: it hides all of the first one, frame and all.
    Child above = prism.client({hostile(), "--title", "above", "--size", "400x300", "--opaque"},
                               prism.vm_socket("untrusted"), "above");
    wait_for_window(prism, "untrusted", 2);
    ASSERT_TRUE(eventually([&] {
        const auto configures = lines_starting(below, "configure ");
        return !configures.empty() && configures.back().find("suspended") != std::string::npos;
    })) << below.output();
    above.signal(SIGKILL);
    ASSERT_TRUE(eventually([&] {
        const auto configures = lines_starting(below, "configure ");
        return configures.back().find("suspended") == std::string::npos;
    })) << below.output();
}

TEST(Keyboard, SeatKeepsAKeymapWhenAVirtualKeyboardGoes) {
    // wtype's virtual keyboard becomes the seat's keyboard while it types, and goes when it
    // quits. A client that binds the keyboard afterwards must get a keymap before its first
    // enter (Chromium and SDL2 crash without one).
    Prism prism({{"untrusted", "red", {}}});
    Child first = prism.client({hostile(), "--title", "first"}, prism.vm_socket("untrusted"), "1");
    wait_for_window(prism, "untrusted");
    Child typing = prism.client({"wtype", "abc"}, prism.host_socket(), "wtype");
    const auto status = typing.wait(20s);
    ASSERT_TRUE(status && WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << typing.output();
    std::this_thread::sleep_for(300ms);
    Child second = prism.client({hostile(), "--title", "second", "--keyboard"},
                                prism.vm_socket("untrusted"), "2");
    ASSERT_TRUE(eventually([&] { return second.output().find("enter") != std::string::npos; }, 10s))
        << second.output() << prism.ctl("windows").dump(2);
    const std::string out = second.output();
    const auto keymap = out.find("keymap 1 ");
    ASSERT_NE(keymap, std::string::npos) << "no xkb keymap before enter:\n" << out;
    EXPECT_LT(keymap, out.find("enter")) << out;
}

// "keymap 1 SIZE at MS" and "key KEY STATE at MS" lines of hostile-client --keyboard.
struct KeyboardEvent {
    bool keymap;
    long size_or_key;
    long long at_ms;
};
std::vector<KeyboardEvent> keyboard_events(const Child& client) {
    std::vector<KeyboardEvent> events;
    std::istringstream in(client.output());
    for (std::string line; std::getline(in, line);) {
        long a = 0, b = 0;
        long long at = 0;
        if (std::sscanf(line.c_str(), "keymap %ld %ld at %lld", &a, &b, &at) == 3) {
            events.push_back({true, b, at});
        } else if (std::sscanf(line.c_str(), "key %ld %ld at %lld", &a, &b, &at) == 3) {
            events.push_back({false, a, at});
        }
    }
    return events;
}

TEST(Keyboard, KeysOfAVirtualKeyboardThatGoesAreNotReadWithAnotherKeymap) {
    // wtype types with a keymap of its own and quits at once. Toolkits such as Qt look a key up
    // in the keymap they hold when they handle it, which can be after the next keymap arrived:
    // had the seat switched back to its own keyboard's keymap right away, the last keys typed
    // would be read as other keys. The seat keeps the departed keyboard's keymap a moment first.
    Prism prism({{"untrusted", "red", {}}});
    Child app = prism.client({hostile(), "--keyboard"}, prism.vm_socket("untrusted"), "app");
    ASSERT_TRUE(eventually([&] { return app.output().find("enter") != std::string::npos; }, 10s))
        << app.output();
    Child typing = prism.client({"wtype", "abc"}, prism.host_socket(), "wtype");
    const auto status = typing.wait(20s);
    ASSERT_TRUE(status && WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << typing.output();
    // Back to the seat's own keymap in the end (the first one the client got).
    ASSERT_TRUE(eventually(
        [&] {
            const auto events = keyboard_events(app);
            return events.size() > 2 && events.back().keymap &&
                   events.back().size_or_key == events.front().size_or_key &&
                   std::any_of(events.begin(), events.end(),
                               [](const auto& e) { return !e.keymap; });
        },
        10s))
        << app.output();
    const auto events = keyboard_events(app);
    long typed_with = -1;
    long long last_key = -1;
    for (const auto& e : events) {
        if (e.keymap && last_key < 0) {
            typed_with = e.size_or_key; // the keymap in force for the first key
        } else if (!e.keymap) {
            last_key = e.at_ms;
        }
    }
    for (const auto& e : events) {
        if (e.keymap && e.at_ms >= last_key && e.size_or_key != typed_with) {
            EXPECT_GE(e.at_ms - last_key, 500)
                << "another keymap came right after the last key typed:\n"
                << app.output();
            break;
        }
    }
}

} // namespace
} // namespace prism::test
