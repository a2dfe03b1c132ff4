// Frames, checked on screenshots: every VM window wears its VM's colour, host windows wear a
// style no VM can have, and nothing a VM draws shows outside its frame or outline.
#include "screenshot.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <thread>

namespace prism::test {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

constexpr Rgb kMagenta{0xff, 0x00, 0xff}; // what hostile-client draws where it should not show
const Rgb kWork = rgb(0x3465a4);
const Rgb kUntrusted = rgb(0xcc0000);
const Rgb kHostColour = rgb(0xf2f2f2); // [host] defaults
const Rgb kHostAccent = rgb(0x202020);
const Rgb kClient = rgb(0xffffff); // hostile-client's default window colour

std::string hostile() {
    return std::getenv("HOSTILE_CLIENT");
}

int get(const json& window, const char* key) {
    return window[key].get<int>();
}

// Is (x, y) inside the frame of a window stacked above window `index`?
bool covered(const json& windows, std::size_t index, int x, int y) {
    for (std::size_t i = index + 1; i < windows.size(); ++i) {
        const json& f = windows[i]["frame"];
        if (x >= get(f, "x") && y >= get(f, "y") && x < get(f, "x") + get(f, "width") &&
            y < get(f, "y") + get(f, "height")) {
            return true;
        }
    }
    return false;
}

struct BorderCheck {
    int checked = 0;
    std::vector<std::string> wrong;
};

// Samples the line of pixels `inset` + 1 pixels outside the content box on the left, right and
// bottom, and the row `top` pixels below the frame's top edge; every uncovered one must be
// `expected`.
BorderCheck check_border(const Image& image, const json& windows, std::size_t index, Rgb expected,
                         int inset = 0, int top = 0) {
    BorderCheck result;
    const json& w = windows[index];
    const json& f = w["frame"];
    const int x = get(w, "x"), y = get(w, "y"), width = get(w, "width"), height = get(w, "height");
    auto sample = [&](int px, int py) {
        if (!image.contains(px, py) || covered(windows, index, px, py)) {
            return;
        }
        ++result.checked;
        if (image.at(px, py) != expected) {
            result.wrong.push_back(std::to_string(px) + "," + std::to_string(py) + "=" +
                                   to_string(image.at(px, py)));
        }
    };
    for (int py = y; py < y + height; py += 3) {
        sample(x - 1 - inset, py);
        sample(x + width + inset, py);
    }
    for (int px = x; px < x + width; px += 3) {
        sample(px, y + height + inset);
        sample(px, get(f, "y") + top);
    }
    return result;
}

std::vector<json> wait_for_windows(Prism& prism, std::size_t count) {
    std::vector<json> result;
    EXPECT_TRUE(eventually([&] { return prism.ctl("windows").size() == count; }))
        << prism.ctl("windows").dump(2);
    // Let every client draw its first frame.
    std::this_thread::sleep_for(300ms);
    for (const auto& window : prism.ctl("windows")) {
        result.push_back(window);
    }
    return result;
}

std::size_t index_of(const json& windows, const std::string& vm) {
    for (std::size_t i = 0; i < windows.size(); ++i) {
        if (windows[i]["vm"] == vm) {
            return i;
        }
    }
    ADD_FAILURE() << "no window of " << vm;
    return 0;
}

// Every magenta pixel must lie inside `box` (x, y, width, height).
int magenta_outside(const Image& image, int bx, int by, int bw, int bh, int* total) {
    int outside = 0;
    *total = 0;
    for (int y = 0; y < image.height; ++y) {
        for (int x = 0; x < image.width; ++x) {
            if (image.at(x, y) == kMagenta) {
                ++*total;
                if (x < bx || y < by || x >= bx + bw || y >= by + bh) {
                    ++outside;
                }
            }
        }
    }
    return outside;
}

TEST(Frames, VmBordersAreExactlyTheVmColourAndHostFramesDiffer) {
    Prism prism({{"work", "#3465a4", {}}, {"untrusted", "red", {}}});
    Child work = prism.client({hostile(), "--title", "Inbox"}, prism.vm_socket("work"), "work");
    Child untrusted =
        prism.client({hostile(), "--title", "Browser"}, prism.vm_socket("untrusted"), "untrusted");
    Child host = prism.client({hostile(), "--title", "Terminal"}, prism.host_socket(), "host");
    const auto windows = json(wait_for_windows(prism, 3));
    const Image image = screenshot(prism, "frames");

    for (const auto& [vm, colour] :
         {std::pair{"work", kWork}, std::pair{"untrusted", kUntrusted}}) {
        const auto check = check_border(image, windows, index_of(windows, vm), colour);
        EXPECT_GT(check.checked, 100) << vm;
        EXPECT_TRUE(check.wrong.empty())
            << vm << ": " << check.wrong.size() << " border pixels are not " << to_string(colour)
            << ", e.g. " << check.wrong.front();
    }
    // The host frame is two-tone: the inner half of the border is the accent, the outer half
    // the host colour. No VM's solid border can look like that.
    const std::size_t h = index_of(windows, "host");
    // With the default 4 px border: 2 px of each tone.
    const auto inner = check_border(image, windows, h, kHostAccent, 0, 2);
    EXPECT_GT(inner.checked, 100);
    EXPECT_TRUE(inner.wrong.empty()) << inner.wrong.size() << " e.g. " << inner.wrong.front();
    const auto outer = check_border(image, windows, h, kHostColour, 2);
    EXPECT_GT(outer.checked, 100);
    EXPECT_TRUE(outer.wrong.empty()) << outer.wrong.size() << " e.g. " << outer.wrong.front();
}

// A host sandbox's window (a client of a security context, as Flatpak makes) is neither the
// host's two-tone frame nor any VM's: it wears [sandbox]'s colour and `label: app id`.
TEST(Frames, ASandboxedWindowWearsTheSandboxFrame) {
    Prism prism({{"work", "#3465a4", {}}}, "[sandbox]\ncolour = \"#00aa55\"\n");
    const std::string socket = (prism.runtime_dir() / "sandbox-0").string();
    Child sandboxed = prism.client({std::getenv("SANDBOX_CLIENT"), socket, "org.example.engine",
                                    "org.example.App", "7", "--", hostile(), "--title", "Notes"},
                                   prism.host_socket(), "sandboxed");
    Child host = prism.client({hostile(), "--title", "Terminal"}, prism.host_socket(), "host");
    const auto windows = json(wait_for_windows(prism, 2));
    const std::string name = "sandbox:org.example.engine:org.example.App:7";
    const std::size_t s = index_of(windows, name);
    EXPECT_EQ(windows[s]["title"], "Notes");
    const Image image = screenshot(prism, "sandbox-frame");
    const auto check = check_border(image, windows, s, rgb(0x00aa55));
    EXPECT_GT(check.checked, 100);
    EXPECT_TRUE(check.wrong.empty())
        << check.wrong.size() << " border pixels are not the sandbox colour, e.g. "
        << check.wrong.front();
    // The plain host client beside it keeps the host's frame.
    const auto host_check = check_border(image, windows, index_of(windows, "host"), kHostColour, 2);
    EXPECT_TRUE(host_check.wrong.empty()) << host_check.wrong.size();
}

TEST(Frames, HostFrameStaysTwoToneWithAOnePixelBorder) {
    // Two tones need two pixels: a host border is never thinner, and never covers the content.
    Prism prism({}, "[headless]\nwidth = 1024\nheight = 768\n[frame]\nborder = 1\n");
    Child host = prism.client({hostile(), "--title", "Terminal"}, prism.host_socket(), "host");
    const auto windows = json(wait_for_windows(prism, 1));
    const json& w = windows[0];
    const Image image = screenshot(prism, "host-border-1");
    const int x = get(w, "x"), y = get(w, "y") + get(w, "height") / 2;
    EXPECT_EQ(image.at(x, y), rgb(0xffffff)) << "the border covers the content";
    EXPECT_EQ(image.at(x - 1, y), kHostAccent);
    EXPECT_EQ(image.at(x - 2, y), kHostColour);
    EXPECT_EQ(get(w["frame"], "x"), x - 2);
}

TEST(Frames, SpoofedTitlesDoNotChangeTheFrame) {
    Prism prism({{"untrusted", "red", {}}});
    Child spoof = prism.client({hostile(), "--title", "[host] Terminal \u202Elanimret"},
                               prism.vm_socket("untrusted"), "spoof");
    const auto windows = json(wait_for_windows(prism, 1));
    EXPECT_EQ(windows[0]["vm"], "untrusted");
    const Image image = screenshot(prism, "spoofed-title");
    const auto check = check_border(image, windows, 0, kUntrusted);
    EXPECT_GT(check.checked, 100);
    EXPECT_TRUE(check.wrong.empty()) << check.wrong.front();
    // prismctl shows the title in a terminal: the override must not reach it.
    std::string table;
    ASSERT_EQ(prism.ctl_raw({"windows"}, &table), 0) << table;
    EXPECT_NE(table.find("[host] Terminal"), std::string::npos) << table;
    EXPECT_EQ(table.find("\u202E"), std::string::npos) << table;
}

TEST(Frames, FramesScaleWithTheOutput) {
    Prism prism({{"work", "#3465a4", {}}},
                "[headless]\nwidth = 1024\nheight = 768\n[[output]]\nname = \"*\"\nscale = 2\n");
    Child work = prism.client({hostile(), "--size", "200x150"}, prism.vm_socket("work"), "work");
    const auto windows = json(wait_for_windows(prism, 1));
    const json& w = windows[0];
    // grim captures at the output's scale: one logical pixel is two in the image.
    const Image image = screenshot(prism, "scale-2");
    ASSERT_EQ(image.width, 1024);
    const int x = 2 * get(w, "x"), y = 2 * (get(w, "y") + get(w, "height") / 2);
    // The default 4-pixel border is 8 image pixels wide, and no wider.
    for (int dx = 1; dx <= 8; ++dx) {
        EXPECT_EQ(image.at(x - dx, y), kWork) << "dx " << dx;
    }
    EXPECT_NE(image.at(x - 9, y), kWork);
}

TEST(Frames, SubsurfaceReachingOutsideTheWindowIsClipped) {
    // A 60x60 magenta subsurface at (-40, -40): only its 20x20 corner inside the window
    // geometry may show, and the frame around it is intact.
    Prism prism({{"untrusted", "red", {}}});
    Child outside = prism.client({hostile(), "--explicit-geometry", "--subsurface", "-40,-40"},
                                 prism.vm_socket("untrusted"), "outside");
    const auto windows = json(wait_for_windows(prism, 1));
    const json& w = windows[0];
    const Image image = screenshot(prism, "subsurface-outside");
    int total = 0;
    EXPECT_EQ(
        magenta_outside(image, get(w, "x"), get(w, "y"), get(w, "width"), get(w, "height"), &total),
        0);
    EXPECT_EQ(total, 20 * 20) << "the part inside the window is not shown whole";
    EXPECT_EQ(image.at(get(w, "x"), get(w, "y")), kMagenta);
    const auto check = check_border(image, windows, 0, kUntrusted);
    EXPECT_TRUE(check.wrong.empty()) << check.wrong.front();
}

TEST(Frames, ContentTallerThanTheWindowKeepsRedrawing) {
    // Firefox draws its content in a subsurface a few pixels taller than its window geometry.
    // Clipped, it must still get frame callbacks, or it never redraws (it stayed black).
    Prism prism({{"work", "#3465a4", {}}});
    Child tall = prism.client({hostile(), "--size", "400x300", "--tall-content", "13"},
                              prism.vm_socket("work"), "tall");
    const auto windows = json(wait_for_windows(prism, 1));
    EXPECT_TRUE(eventually([&] {
        return tall.output().find("content frames 30") != std::string::npos;
    })) << tall.output();
    const json& w = windows[0];
    EXPECT_EQ(get(w, "height"), 300);
    const Image image = screenshot(prism, "tall-content");
    // Clipped at the geometry: the border right below it is the VM's colour.
    EXPECT_EQ(image.at(get(w, "x") + 200, get(w, "y") + 300), kWork);
    const Rgb inside = image.at(get(w, "x") + 200, get(w, "y") + 299);
    EXPECT_TRUE(inside == rgb(0x20a020) || inside == rgb(0x30b030)) << to_string(inside);
}

// Real clients on a VM socket: weston-terminal draws its own decorations and a shadow, foot
// asks for server-side decorations. Both get the VM's colour on the first pixel outside their
// window geometry and their own pixels on the first pixel inside.
void expect_framed_at_geometry(const char* name, std::vector<std::string> command, Rgb colour) {
    SCOPED_TRACE(name);
    Prism prism({{"work", "#3465a4", {}}, {"untrusted", "red", {}}},
                "[headless]\nwidth = 1280\nheight = 1024\n");
    const std::string vm = colour == kWork ? "work" : "untrusted";
    Child client = prism.client(std::move(command), prism.vm_socket(vm), name);
    const auto windows = json(wait_for_windows(prism, 1));
    std::this_thread::sleep_for(700ms); // real clients take a few frames to settle
    const json w = prism.ctl("windows")[0];
    const Image image = screenshot(prism, name);
    const int x = get(w, "x"), y = get(w, "y"), width = get(w, "width"), height = get(w, "height");
    const Rgb black = rgb(0x000000);
    const std::pair<std::pair<int, int>, std::pair<int, int>> probes[] = {
        {{x - 1, y + height / 2}, {x, y + height / 2}},                 // left
        {{x + width, y + height / 2}, {x + width - 1, y + height / 2}}, // right
        {{x + width / 2, y + height}, {x + width / 2, y + height - 1}}, // bottom
    };
    for (const auto& [outside, inside] : probes) {
        EXPECT_EQ(image.at(outside.first, outside.second), colour)
            << "outside at " << outside.first << "," << outside.second;
        const Rgb own = image.at(inside.first, inside.second);
        EXPECT_NE(own, colour) << "inside at " << inside.first << "," << inside.second;
        EXPECT_NE(own, black) << "inside at " << inside.first << "," << inside.second;
    }
    const auto check = check_border(image, windows, 0, colour);
    EXPECT_GT(check.checked, 100);
    EXPECT_TRUE(check.wrong.empty()) << check.wrong.size() << " e.g. " << check.wrong.front();
}

TEST(Frames, WestonTerminalIsFramedAtItsGeometryWithoutItsShadow) {
    expect_framed_at_geometry("weston-terminal", {"weston-terminal"}, kUntrusted);
}

TEST(Frames, FootIsFramedAtItsGeometry) {
    expect_framed_at_geometry("foot", {"foot", "sh", "-c", "sleep 60"}, kWork);
}

TEST(Frames, SubsurfaceInsideTheWindowIsShown) {
    // The same check, with the subsurface inside: it must show, or the test above proves nothing.
    Prism prism({{"untrusted", "red", {}}});
    Child inside = prism.client({hostile(), "--explicit-geometry", "--subsurface", "10,10"},
                                prism.vm_socket("untrusted"), "inside");
    const auto windows = json(wait_for_windows(prism, 1));
    const Image image = screenshot(prism, "subsurface-inside");
    const json& w = windows[0];
    int total = 0;
    EXPECT_EQ(
        magenta_outside(image, get(w, "x"), get(w, "y"), get(w, "width"), get(w, "height"), &total),
        0);
    EXPECT_EQ(total, 60 * 60);
}

TEST(Frames, FrameHugsTheWindowGeometryAndTheShadowIsClipped) {
    // A client-side decorated client (GTK, Chromium, weston-terminal) draws a shadow margin
    // beyond its window geometry: here 20 magenta pixels on every side of a 300x200 window.
    Prism prism({{"work", "#3465a4", {}}});
    Child csd = prism.client({hostile(), "--csd-margin", "20", "--size", "300x200"},
                             prism.vm_socket("work"), "csd");
    const auto windows = json(wait_for_windows(prism, 1));
    const json& w = windows[0];
    // The frame goes around the window geometry, not around the shadow.
    EXPECT_EQ(get(w, "width"), 300);
    EXPECT_EQ(get(w, "height"), 200);
    const Image image = screenshot(prism, "csd");
    int total = 0;
    EXPECT_EQ(magenta_outside(image, 0, 0, 0, 0, &total), 0);
    EXPECT_EQ(total, 0) << "the shadow margin shows";
    // The first pixel outside the geometry is the VM's colour, the first inside the client's.
    const int x = get(w, "x"), y = get(w, "y");
    const int mid_x = x + get(w, "width") / 2, mid_y = y + get(w, "height") / 2;
    EXPECT_EQ(image.at(x - 1, mid_y), kWork);
    EXPECT_EQ(image.at(x, mid_y), kClient);
    EXPECT_EQ(image.at(x + get(w, "width"), mid_y), kWork);
    EXPECT_EQ(image.at(x + get(w, "width") - 1, mid_y), kClient);
    EXPECT_EQ(image.at(mid_x, y + get(w, "height")), kWork);
    EXPECT_EQ(image.at(mid_x, y + get(w, "height") - 1), kClient);
    const auto check = check_border(image, windows, 0, kWork);
    EXPECT_TRUE(check.wrong.empty()) << check.wrong.front();
}

TEST(Frames, HugePopupStaysInsideItsOutline) {
    Prism prism({{"untrusted", "red", {}}});
    Child popup =
        prism.client({hostile(), "--popup", "3000x3000"}, prism.vm_socket("untrusted"), "popup");
    ASSERT_TRUE(eventually([&] { return popup.output().find("ready") != std::string::npos; }))
        << popup.output();
    wait_for_windows(prism, 1);
    const Image image = screenshot(prism, "huge-popup");
    // The popup's magenta area, wherever it ended up, must be bounded by the VM-coloured
    // outline on every side that is on screen.
    int left = image.width, top = image.height, right = -1, bottom = -1;
    for (int y = 0; y < image.height; ++y) {
        for (int x = 0; x < image.width; ++x) {
            if (image.at(x, y) == kMagenta) {
                left = std::min(left, x);
                right = std::max(right, x);
                top = std::min(top, y);
                bottom = std::max(bottom, y);
            }
        }
    }
    ASSERT_GE(right, 0) << "the popup is not visible at all";
    int checked = 0, wrong = 0;
    for (int y = top; y <= bottom; y += 5) {
        for (int x : {left - 1, right + 1}) {
            if (image.contains(x, y)) {
                ++checked;
                wrong += image.at(x, y) != kUntrusted;
            }
        }
    }
    for (int x = left; x <= right; x += 5) {
        for (int y : {top - 1, bottom + 1}) {
            if (image.contains(x, y)) {
                ++checked;
                wrong += image.at(x, y) != kUntrusted;
            }
        }
    }
    EXPECT_EQ(wrong, 0) << "of " << checked << " outline pixels";
}

TEST(Frames, MaximizedClientWithAShadowFillsTheOutputAtItsGeometry) {
    // A client-side decorated client maximized: its window geometry, not its shadow, fills the
    // output inside the frame, so nothing is shifted off screen and no shadow band shows.
    Prism prism({{"untrusted", "red", {}}});
    Child csd = prism.client({hostile(), "--csd-margin", "20", "--fullscreen"},
                             prism.vm_socket("untrusted"), "csd");
    ASSERT_TRUE(eventually([&] {
        const auto w = prism.windows_of("untrusted");
        if (w.size() != 1 || w[0]["maximized"] != true) {
            return false;
        }
        const auto f = w[0]["frame"];
        return get(f, "x") == 0 && get(f, "y") == 0 && get(f, "width") == 1024 &&
               get(f, "height") == 768;
    })) << prism.ctl("windows").dump(2);
    std::this_thread::sleep_for(500ms); // the client redraws at the new size
    const json w = prism.windows_of("untrusted")[0];
    const Image image = screenshot(prism, "maximized-csd");
    int total = 0;
    EXPECT_EQ(magenta_outside(image, 0, 0, 0, 0, &total), 0);
    EXPECT_EQ(total, 0) << "the shadow margin shows";
    const int x = get(w, "x"), y = get(w, "y"), width = get(w, "width"), height = get(w, "height");
    EXPECT_EQ(image.at(x - 1, y + height / 2), kUntrusted);
    EXPECT_EQ(image.at(x, y + height / 2), kClient);
    EXPECT_EQ(image.at(x + width - 1, y + height / 2), kClient);
    EXPECT_EQ(image.at(x + width, y + height / 2), kUntrusted);
    EXPECT_EQ(image.at(x + width / 2, y + height - 1), kClient);
    EXPECT_EQ(image.at(x + width / 2, y + height), kUntrusted);
}

TEST(Frames, FullscreenBecomesMaximizeUnlessTheVmIsAllowed) {
    Prism prism({{"untrusted", "red", {}}, {"media", "green", {}, "allow_fullscreen = true"}});
    Child denied =
        prism.client({hostile(), "--fullscreen"}, prism.vm_socket("untrusted"), "denied");
    ASSERT_TRUE(eventually([&] {
        const auto w = prism.windows_of("untrusted");
        return w.size() == 1 && w[0]["maximized"] == true;
    })) << prism.ctl("windows").dump(2);
    EXPECT_EQ(prism.windows_of("untrusted")[0]["fullscreen"], false);
    // Maximized with its frame: the frame fills the output (1024x768).
    ASSERT_TRUE(eventually([&] {
        const auto f = prism.windows_of("untrusted")[0]["frame"];
        return get(f, "x") == 0 && get(f, "y") == 0 && get(f, "width") == 1024 &&
               get(f, "height") == 768;
    })) << prism.ctl("windows").dump(2);
    denied.signal(SIGKILL);
    ASSERT_TRUE(eventually([&] { return prism.windows_of("untrusted").empty(); }));

    Child allowed = prism.client({hostile(), "--fullscreen"}, prism.vm_socket("media"), "allowed");
    ASSERT_TRUE(eventually([&] {
        const auto w = prism.windows_of("media");
        return w.size() == 1 && w[0]["fullscreen"] == true && get(w[0], "width") == 1024;
    })) << prism.ctl("windows").dump(2);
    std::this_thread::sleep_for(300ms);
    // Even fullscreen, the VM's colour stays at the edge of the screen.
    const Image image = screenshot(prism, "fullscreen");
    for (auto [x, y] : {std::pair{0, 384}, std::pair{1023, 384}, std::pair{512, 767}}) {
        EXPECT_EQ(image.at(x, y), rgb(0x73d216)) << x << "," << y;
    }
}

TEST(Frames, XrayTintsWindowsWhileHeld) {
    Prism prism({{"work", "#3465a4", {}}});
    Child work = prism.client({hostile(), "--size", "400x300"}, prism.vm_socket("work"), "work");
    const auto windows = json(wait_for_windows(prism, 1));
    const json& w = windows[0];
    // Below the centre, where the label is not drawn.
    const int px = get(w, "x") + 20, py = get(w, "y") + get(w, "height") - 20;
    EXPECT_EQ(screenshot(prism, "before-xray").at(px, py), rgb(0xffffff));

    // Hold Super+X for a while, as a person checking whose pixels these are.
    Child hold =
        prism.client({"wtype", "-M", "logo", "-P", "x", "-s", "3000", "-p", "x", "-m", "logo"},
                     prism.host_socket(), "wtype");
    std::this_thread::sleep_for(1000ms);
    const Rgb tinted = screenshot(prism, "xray").at(px, py);
    // White under the VM colour at 45% opacity.
    auto blend = [](int c) {
        return static_cast<int>(c * 0.45 + 255 * 0.55);
    };
    EXPECT_NEAR(tinted.r, blend(kWork.r), 3);
    EXPECT_NEAR(tinted.g, blend(kWork.g), 3);
    EXPECT_NEAR(tinted.b, blend(kWork.b), 3);
    ASSERT_TRUE(hold.wait(20s).has_value());
    std::this_thread::sleep_for(300ms);
    EXPECT_EQ(screenshot(prism, "after-xray").at(px, py), rgb(0xffffff));
}

TEST(Frames, XrayEndsWhenTheKeyboardHoldingItGoesAway) {
    Prism prism({{"work", "#3465a4", {}}});
    Child work = prism.client({hostile(), "--size", "400x300"}, prism.vm_socket("work"), "work");
    const auto windows = json(wait_for_windows(prism, 1));
    const json& w = windows[0];
    const int px = get(w, "x") + 20, py = get(w, "y") + get(w, "height") - 20;
    // Press Super+X and quit without releasing it.
    Child hold = prism.client({"wtype", "-M", "logo", "-P", "x", "-s", "1500"}, prism.host_socket(),
                              "wtype");
    std::this_thread::sleep_for(700ms);
    EXPECT_NE(screenshot(prism, "held").at(px, py), rgb(0xffffff));
    ASSERT_TRUE(hold.wait(20s).has_value());
    std::this_thread::sleep_for(300ms);
    EXPECT_EQ(screenshot(prism, "released").at(px, py), rgb(0xffffff));
}

TEST(Frames, ReloadRecoloursOpenWindows) {
    Prism prism({{"work", "#3465a4", {}}});
    Child work = prism.client({hostile()}, prism.vm_socket("work"), "work");
    auto windows = json(wait_for_windows(prism, 1));
    prism.write_vm({"work", "purple", {}});
    std::string output;
    ASSERT_EQ(prism.ctl_raw({"reload"}, &output), 0) << output;
    std::this_thread::sleep_for(300ms);
    const Image image = screenshot(prism, "recoloured");
    const auto check = check_border(image, windows, 0, rgb(0x75507b));
    EXPECT_GT(check.checked, 100);
    EXPECT_TRUE(check.wrong.empty()) << check.wrong.front();
}

} // namespace
} // namespace prism::test
