// The protocols prism offers VM applications beyond windows and input, each with its rule,
// driven as a person would (the host's virtual pointer and keyboard) and checked in pixels and
// in what the clients are told: cursor-shape-v1, pointer-constraints + relative-pointer, and
// xdg-foreign v2 (apps-protocols-client).
#include "screenshot.hpp"

#include <csignal>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <thread>

namespace prism::test {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

const char* kFocusAlways =
    "[headless]\nwidth = 1024\nheight = 768\n[focus]\nnew_window = \"always\"\n";
constexpr Rgb kWorkColour{0x34, 0x65, 0xa4};
constexpr int kHintHeight = 6; // PointerConstraints::kHintHeight

std::string client_bin() {
    return std::getenv("APPS_PROTOCOLS_CLIENT");
}

int get(const json& j, const char* key) {
    return j[key].get<int>();
}

std::string str(int v) {
    return std::to_string(v);
}

bool printed(const Child& child, const std::string& line) {
    return child.output().find(line) != std::string::npos;
}

std::size_t count(const Child& child, const std::string& line) {
    const std::string text = child.output();
    std::size_t n = 0;
    for (auto at = text.find(line); at != std::string::npos; at = text.find(line, at + 1)) {
        ++n;
    }
    return n;
}

void press_super(Prism& prism, const std::string& key) {
    Child wtype = prism.client({"wtype", "-M", "logo", "-k", key, "-m", "logo"},
                               prism.host_socket(), "wtype");
    const auto status = wtype.wait(20s);
    ASSERT_TRUE(status && WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << wtype.output();
}

json only_window(Prism& prism, const std::string& vm) {
    EXPECT_TRUE(eventually([&] { return prism.windows_of(vm).size() == 1; }));
    std::this_thread::sleep_for(200ms);
    return prism.windows_of(vm).at(0);
}

// Whether the hint is shown in `colour`: every pixel of the bar (the top rows of the output),
// and the top padding of the notice centred below it.
bool band_is(const Image& image, Rgb colour) {
    for (int y = 0; y < kHintHeight; ++y) {
        for (int x = 0; x < image.width; ++x) {
            if (image.at(x, y) != colour) {
                return false;
            }
        }
    }
    for (int x = image.width / 2 - 200; x < image.width / 2 + 200; ++x) {
        if (image.at(x, kHintHeight + 2) != colour) {
            return false;
        }
    }
    return true;
}

// The pixels of a square around a point, row by row.
std::vector<Rgb> patch(const Image& image, int cx, int cy, int half) {
    std::vector<Rgb> out;
    for (int y = cy - half; y < cy + half; ++y) {
        for (int x = cx - half; x < cx + half; ++x) {
            out.push_back(image.contains(x, y) ? image.at(x, y) : Rgb{});
        }
    }
    return out;
}

TEST(AppsProtocols, CursorShapeIsDrawnForTheClientUnderThePointerOnly) {
    Prism prism({{"work", "#3465a4", {}}, {"other", "red", {}}}, kFocusAlways);
    Child other =
        prism.client({client_bin(), "--colour", "00ff00", "shape", "default", "--steal", "wait"},
                     prism.vm_socket("other"), "other");
    const json o = only_window(prism, "other");
    Child work = prism.client({client_bin(), "--colour", "00ff00", "shape", "text,crosshair,text"},
                              prism.vm_socket("work"), "work");
    const json w = only_window(prism, "work");
    ASSERT_TRUE(eventually([&] { return printed(other, "ready") && printed(work, "ready"); }));

    // Over the other VM's window first, then over work's: from then on the other VM keeps
    // asking for "wait" with the serial of its enter.
    const int ox = get(o, "x") + 20, oy = get(o, "y") + 20;
    pointer(prism, {"move", str(ox), str(oy), "move", str(ox + 2), str(oy + 2)});
    ASSERT_TRUE(eventually([&] { return printed(other, "shape default"); })) << other.output();
    const int px = get(w, "x") + get(w, "width") / 2, py = get(w, "y") + get(w, "height") / 2;
    pointer(prism, {"move", str(px), str(py)});
    ASSERT_TRUE(eventually([&] { return printed(work, "shape text"); })) << work.output();
    ASSERT_TRUE(eventually([&] { return printed(other, "steal"); })) << other.output();
    std::this_thread::sleep_for(500ms);
    const Image text = screenshot(prism, "cursor-shape-text");

    // Out of the window and back: work asks for its second shape.
    pointer(prism,
            {"move", str(get(w, "x") + get(w, "width") + 100), str(py), "move", str(px), str(py)});
    ASSERT_TRUE(eventually([&] { return printed(work, "shape crosshair"); })) << work.output();
    std::this_thread::sleep_for(500ms);
    const Image crosshair = screenshot(prism, "cursor-shape-crosshair");

    // The other VM gone (nobody asks for "wait" any more), once more "text", for reference.
    other.signal(SIGTERM);
    other.wait(10s);
    pointer(prism,
            {"move", str(get(w, "x") + get(w, "width") + 100), str(py), "move", str(px), str(py)});
    ASSERT_TRUE(eventually([&] { return count(work, "shape text") == 2; })) << work.output();
    std::this_thread::sleep_for(500ms);
    const Image reference = screenshot(prism, "cursor-shape-text-alone");

    // The window is plain green: whatever else is drawn at the pointer is the cursor.
    const auto text_patch = patch(text, px, py, 24);
    const auto crosshair_patch = patch(crosshair, px, py, 24);
    const Rgb green{0x00, 0xff, 0x00};
    EXPECT_GT(std::count_if(text_patch.begin(), text_patch.end(),
                            [&](const Rgb& c) { return c != green; }),
              10)
        << "no cursor drawn over the window";
    // What work asked for, whatever the other VM asked meanwhile: had its "wait" been honoured,
    // the first screenshot would show that instead.
    EXPECT_TRUE(text_patch == patch(reference, px, py, 24))
        << "the cursor is not the shape work asked for (see cursor-shape-text.png)";
    EXPECT_TRUE(text_patch != crosshair_patch) << "two shapes drawn alike";
    prism.stop();
}

TEST(AppsProtocols, PointerLockHoldsOnlyTheFocusedWindowUntilABinding) {
    Prism prism({{"work", "#3465a4", {}}, {"other", "red", {}}}, kFocusAlways);
    Child game = prism.client({client_bin(), "lock"}, prism.vm_socket("work"), "game");
    const json g = only_window(prism, "work");
    Child other = prism.client({client_bin(), "--colour", "ff8000", "export"},
                               prism.vm_socket("other"), "other");
    const json o = only_window(prism, "other");
    ASSERT_TRUE(eventually([&] { return printed(game, "ready") && printed(other, "ready"); }));

    // The other VM's window was mapped last and has focus: the pointer passing over the game
    // does not lock it.
    // (The other window cascades 32 px down and right of the game's: this corner is free.)
    const int gx = get(g, "x") + 10, gy = get(g, "y") + 10;
    pointer(prism, {"move", str(gx), str(gy), "move", str(gx + 1), str(gy + 1)});
    ASSERT_TRUE(eventually([&] { return printed(game, "enter"); })) << game.output();
    std::this_thread::sleep_for(500ms);
    EXPECT_FALSE(printed(game, "\nlocked")) << game.output();
    EXPECT_FALSE(band_is(screenshot(prism, "lock-unfocused"), kWorkColour));

    // Clicked, it has focus: locked, with the hint in work's colour across the top.
    pointer(prism, {"click"});
    ASSERT_TRUE(eventually([&] { return printed(game, "\nlocked"); })) << game.output();
    std::this_thread::sleep_for(300ms);
    EXPECT_TRUE(band_is(screenshot(prism, "lock-held"), kWorkColour));

    // A mouse moving far: the game hears the motion, the pointer stays on it.
    pointer(prism, {"rel", "600", "0"});
    ASSERT_TRUE(eventually([&] { return printed(game, "relative 600 0"); })) << game.output();
    std::this_thread::sleep_for(300ms);
    EXPECT_EQ(count(game, "leave"), 0u) << game.output();

    // Any prism binding (here x-ray) lets go; the hint goes with it.
    press_super(prism, "x");
    ASSERT_TRUE(eventually([&] { return printed(game, "unlocked"); })) << game.output();
    std::this_thread::sleep_for(300ms);
    EXPECT_FALSE(band_is(screenshot(prism, "lock-released"), kWorkColour));
    // ...and it stays free while the game keeps focus: the mouse leaves the window.
    pointer(prism, {"rel", "600", "0"});
    EXPECT_TRUE(eventually([&] { return printed(game, "leave"); })) << game.output();
    EXPECT_EQ(count(game, "unlocked"), 1u);
    EXPECT_EQ(count(game, "\nlocked"), 1u) << "locked again after the binding: " << game.output();
    (void)o;
    prism.stop();
}

TEST(AppsProtocols, PointerLockEndsWhenTheUserClicksAnotherVmsWindow) {
    Prism prism({{"work", "#3465a4", {}}, {"other", "red", {}}}, kFocusAlways);
    Child other = prism.client({client_bin(), "--colour", "ff8000", "export"},
                               prism.vm_socket("other"), "other");
    const json o = only_window(prism, "other");
    Child game = prism.client({client_bin(), "lock"}, prism.vm_socket("work"), "game");
    const json g = only_window(prism, "work");
    ASSERT_TRUE(eventually([&] { return printed(game, "ready") && printed(other, "ready"); }));

    const int gx = get(g, "x") + 30, gy = get(g, "y") + 30;
    pointer(prism, {"move", str(gx), str(gy), "click"});
    ASSERT_TRUE(eventually([&] { return printed(game, "\nlocked"); })) << game.output();
    std::this_thread::sleep_for(300ms);
    EXPECT_TRUE(band_is(screenshot(prism, "lock-before-click"), kWorkColour));

    // A pointer that reports positions still goes where the user points: a click on the other VM's
    // window focuses it, and the lock ends.
    pointer(prism, {"move", str(get(o, "x") + 20), str(get(o, "y") + 20), "click"});
    ASSERT_TRUE(eventually([&] { return printed(game, "unlocked"); })) << game.output();
    std::this_thread::sleep_for(300ms);
    EXPECT_FALSE(band_is(screenshot(prism, "lock-after-click"), kWorkColour));
    prism.stop();
}

TEST(AppsProtocols, FractionalScaleIsTheOutputsScale) {
    Prism prism({{"work", "#3465a4", {}}},
                "[headless]\nwidth = 1024\nheight = 768\n[[output]]\nname = \"HEADLESS-1\"\n"
                "scale = 1.5\n");
    Child app = prism.client({client_bin(), "scale"}, prism.vm_socket("work"), "app");
    // 1.5 in the protocol's 120ths, told once the window is shown on the output.
    EXPECT_TRUE(eventually([&] { return printed(app, "preferred-scale 180"); })) << app.output();
    prism.stop();
}

TEST(AppsProtocols, XdgForeignHandleIsUnknownToAnotherVm) {
    Prism prism({{"work", "#3465a4", {}}, {"other", "red", {}}});
    Child exporter = prism.client({client_bin(), "export"}, prism.vm_socket("work"), "exporter");
    ASSERT_TRUE(eventually([&] { return printed(exporter, "handle "); })) << exporter.output();
    const std::string text = exporter.output();
    const auto at = text.find("handle ") + 7;
    const std::string handle = text.substr(at, text.find('\n', at) - at);
    ASSERT_EQ(handle.size(), 32u) << text;

    // Another client of the same VM (a file chooser over its app) finds it...
    Child same = prism.client({client_bin(), "import", handle}, prism.vm_socket("work"), "same");
    // ...another VM does not, exactly as if the handle did not exist.
    Child foreign = prism.client({client_bin(), "import", handle}, prism.vm_socket("other"), "vm");
    Child made_up = prism.client({client_bin(), "import", std::string(32, 'a')},
                                 prism.vm_socket("work"), "made-up");
    EXPECT_TRUE(eventually([&] { return printed(same, "import "); })) << same.output();
    EXPECT_TRUE(printed(same, "import alive")) << same.output();
    EXPECT_TRUE(eventually([&] { return printed(foreign, "import "); })) << foreign.output();
    EXPECT_TRUE(printed(foreign, "import destroyed")) << foreign.output();
    EXPECT_TRUE(eventually([&] { return printed(made_up, "import "); })) << made_up.output();
    EXPECT_TRUE(printed(made_up, "import destroyed")) << made_up.output();

    // When the exported window goes, the same VM's import is told.
    exporter.signal(SIGTERM);
    exporter.wait(10s);
    EXPECT_TRUE(eventually([&] { return printed(same, "import destroyed"); })) << same.output();
    EXPECT_TRUE(prism.process().running());
    prism.stop();
}

} // namespace
} // namespace prism::test
