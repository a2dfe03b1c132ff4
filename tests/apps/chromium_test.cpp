// Chromium, a real window on Wayland (Ozone) with software rendering and a throwaway profile, on
// a VM socket: its own title bar (client-side decorations, without a shadow), menus as xdg
// popups that flip up when there is no room below, and a keyboard it reads a keymap from.
#include "apps.hpp"

#include <filesystem>
#include <gtest/gtest.h>
#include <thread>
#include <unistd.h>

namespace prism::test {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

int get(const json& j, const char* key) {
    return j[key].get<int>();
}

std::vector<std::string> chromium() {
    const auto profile = test_output_dir() / "profile";
    std::filesystem::remove_all(profile);
    std::vector<std::string> argv{
        "chromium",
        "--ozone-platform=wayland",
        // Software rendering and compositing: no GPU process, nothing to find in /dev/dri.
        "--disable-gpu",
        // A new profile, gone with the test; no first-run dialogs, nothing fetched at start.
        "--user-data-dir=" + profile.string(),
        "--no-first-run",
        "--no-default-browser-check",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--password-store=basic",
        std::string("file://") + std::getenv("APPS_SOURCE_DIR") + "/animation.html",
    };
    // Chromium refuses to start as root with its sandbox on ("Running as root without
    // --no-sandbox is not supported", crbug.com/638180), and the tests run as root inside the
    // build root (scripts/in-root). Any other user keeps the sandbox. The sandbox guards
    // Chromium's own processes from the pages it shows, which these tests do not need: they
    // load one local page.
    if (geteuid() == 0) {
        argv.insert(argv.begin() + 1, "--no-sandbox");
    }
    return argv;
}

TEST(Chromium, FrameHugsAndMaximizeRestoreReturnsTheExactGeometry) {
    Prism prism({{kVm, "red", {}}}, kAppOutput);
    App app(prism, chromium(), "chromium");
    ASSERT_TRUE(app.started());
    const json w = settled_window(prism);
    const json& f = w["frame"];
    SCOPED_TRACE("opened at " + w.dump());
    // It opens inside the output, frame included.
    EXPECT_GE(get(f, "x"), 0);
    EXPECT_GE(get(f, "y"), 0);
    EXPECT_LE(get(f, "x") + get(f, "width"), kOutputWidth);
    EXPECT_LE(get(f, "y") + get(f, "height"), kOutputHeight);
    std::this_thread::sleep_for(300ms);
    expect_frame_hugs(screenshot(prism, "chromium"), w);
    expect_maximize_restore_cycles(prism, "chromium", 2);
}

// Escape, and wait until the menu is gone.
void close_menu(Prism& prism) {
    keys(prism, {"-k", "Escape"});
    EXPECT_TRUE(eventually([&] {
        const auto windows = prism.windows_of(kVm);
        return windows.size() == 1 && windows[0]["popups"].empty();
    })) << prism.ctl("windows").dump(2);
}

TEST(Chromium, ContextMenuShowsWholeAboveTheBorderAndBelowTheTitleBar) {
    Prism prism({{kVm, "red", {}}}, kAppOutput);
    App app(prism, chromium(), "chromium");
    ASSERT_TRUE(app.started());
    const json w = settled_window(prism);
    const int x = get(w, "x"), y = get(w, "y"), width = get(w, "width"), height = get(w, "height");
    // On the page, near the window's right edge: the menu crosses the window's border.
    expect_context_menu(prism, "chromium-right", x + width - 30, y + height / 2);
    close_menu(prism);

    // Near the bottom: no room below, so it flips up, whole, and shows how tall it is.
    const json up = expect_context_menu(prism, "chromium-bottom", x + width / 2, y + height - 30);
    ASSERT_FALSE(up.is_null());
    const int menu = get(up, "height");
    close_menu(prism);

    // Where it fits neither below (the output ends) nor above (the title bar is there): the
    // survey saw it flip up into the title bar. It stays below it (slid or shortened).
    const int at = (kOutputHeight + y) / 2;
    ASSERT_GT(at + menu, kOutputHeight) << "the menu fits below " << at;
    ASSERT_LT(at - menu, y) << "the menu fits above " << at;
    const json squeezed = expect_context_menu(prism, "chromium-squeezed", x + width / 2, at);
    ASSERT_FALSE(squeezed.is_null());
    EXPECT_GE(get(squeezed, "y"), y) << "over the title bar";
}

} // namespace
} // namespace prism::test
