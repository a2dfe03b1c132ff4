// Firefox ESR, a real window (not --headless) with software rendering and a fresh profile, on a
// VM socket: its own GTK3 title bar (client-side decorations), menus as xdg popups, and content
// that must keep being redrawn while it is maximized.
#include "apps.hpp"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <gtest/gtest.h>
#include <thread>

namespace prism::test {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

int get(const json& j, const char* key) {
    return j[key].get<int>();
}

// A new profile that starts straight on the page: no first-run pages, no updates, no
// telemetry, software rendering, GTK's own file chooser (there is no portal in a test).
std::string fresh_profile() {
    const auto dir = test_output_dir() / "profile";
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    std::ofstream prefs(dir / "user.js");
    for (const char* pref : {
             R"("browser.shell.checkDefaultBrowser", false)",
             R"("browser.startup.homepage_override.mstone", "ignore")",
             R"("startup.homepage_welcome_url", "")",
             R"("startup.homepage_welcome_url.additional", "")",
             R"("browser.aboutwelcome.enabled", false)",
             R"("trailhead.firstrun.didSeeAboutWelcome", true)",
             R"("datareporting.policy.dataSubmissionEnabled", false)",
             R"("toolkit.telemetry.reportingpolicy.firstRun", false)",
             R"("browser.sessionstore.resume_from_crash", false)",
             R"("browser.tabs.warnOnClose", false)",
             R"("app.update.enabled", false)",
             R"("gfx.webrender.software", true)",
             R"("media.hardware-video-decoding.enabled", false)",
             R"("widget.use-xdg-desktop-portal.file-picker", 0)",
             R"("network.connectivity-service.enabled", false)",
             R"("network.captive-portal-service.enabled", false)",
         }) {
        prefs << "user_pref(" << pref << ");\n";
    }
    return dir;
}

std::string page() {
    return std::string("file://") + std::getenv("APPS_SOURCE_DIR") + "/animation.html";
}

const std::map<std::string, std::string> kFirefoxEnv = {
    {"MOZ_ENABLE_WAYLAND", "1"},
    {"GDK_BACKEND", "wayland"},
    {"LIBGL_ALWAYS_SOFTWARE", "1"},
    {"MOZ_CRASHREPORTER_DISABLE", "1"},
};

std::vector<std::string> firefox() {
    return {"firefox-esr", "--no-remote", "--new-instance", "--profile", fresh_profile(), page()};
}

// On a 1280x720 output a new profile's window opens maximized, having first asked for a size
// (1204x700) whose frame is taller than the output.
TEST(Firefox, OpensMaximizedAndRestoresIntoTheOutput) {
    Prism prism({{kVm, "red", {}}}, kAppOutput);
    App app(prism, firefox(), "firefox-esr", kFirefoxEnv);
    ASSERT_TRUE(app.started());
    expect_restores_into_output(prism, "firefox");
    expect_maximize_restore_cycles(prism, "firefox", 2);
}

TEST(Firefox, KeepsRedrawingWhileMaximized) {
    Prism prism({{kVm, "red", {}}}, kAppOutput);
    App app(prism, firefox(), "firefox-esr", kFirefoxEnv);
    ASSERT_TRUE(app.started());
    json max = settled_window(prism);
    if (max["maximized"] != true) {
        keys(prism, {"-M", "logo", "m", "-m", "logo"});
        max = settled_window(prism);
    }
    ASSERT_EQ(max["maximized"], true) << max.dump();
    // The page is the lower part of the window, under Firefox's own tab and address bars.
    const int x = get(max, "x"), y = get(max, "y"), w = get(max, "width"), h = get(max, "height");
    auto content = [&](const Image& image) {
        std::vector<Rgb> pixels;
        for (int py = y + h / 2; py < y + h - 4; py += 4) {
            for (int px = x + 4; px < x + w - 4; px += 4) {
                pixels.push_back(image.at(px, py));
            }
        }
        return pixels;
    };
    std::this_thread::sleep_for(1s);
    const auto first = content(screenshot(prism, "firefox-maximized-1"));
    std::this_thread::sleep_for(1s);
    const auto second = content(screenshot(prism, "firefox-maximized-2"));
    EXPECT_NE(first, second) << "the page's animation stopped being drawn while maximized";
}

TEST(Firefox, ContextMenuShowsWholeAboveTheBorderAndBelowTheTitleBar) {
    Prism prism({{kVm, "red", {}}}, kAppOutput);
    App app(prism, firefox(), "firefox-esr", kFirefoxEnv);
    ASSERT_TRUE(app.started());
    expect_restores_into_output(prism, "firefox");
    const json w = settled_window(prism);
    // On the page, near the window's right edge: the menu crosses the window's border.
    expect_context_menu(prism, "firefox", get(w, "x") + get(w, "width") - 30,
                        get(w, "y") + get(w, "height") / 2);
}

TEST(Firefox, FileDialogFitsTheOutput) {
    Prism prism({{kVm, "red", {}}}, kAppOutput);
    App app(prism, firefox(), "firefox-esr", kFirefoxEnv);
    ASSERT_TRUE(app.started());
    expect_file_dialog_fits(prism, "firefox", {"-M", "ctrl", "o", "-m", "ctrl"});
}

} // namespace
} // namespace prism::test
