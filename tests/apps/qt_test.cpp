// FeatherPad, a Qt 6 text editor (Qt's Wayland platform plugin, server-side decorations when
// the compositor offers them, menus as xdg popups), on a VM socket.
#include "apps.hpp"

#include <gtest/gtest.h>

namespace prism::test {
namespace {

using nlohmann::json;

int get(const json& j, const char* key) {
    return j[key].get<int>();
}

const std::map<std::string, std::string> kQtEnv = {{"QT_QPA_PLATFORM", "wayland"}};

TEST(Qt, MaximizeAndRestoreReturnTheExactGeometry) {
    Prism prism({{kVm, "red", {}}}, kAppOutput);
    App app(prism, {"featherpad"}, "featherpad", kQtEnv);
    ASSERT_TRUE(app.started());
    expect_maximize_restore_cycles(prism, "featherpad", 3);
}

TEST(Qt, ContextMenuShowsWholeAboveTheBorderAndBelowTheTitleBar) {
    Prism prism({{kVm, "red", {}}}, kAppOutput);
    App app(prism, {"featherpad"}, "featherpad", kQtEnv);
    ASSERT_TRUE(app.started());
    const json w = settled_window(prism);
    // The text area fills the window: right-click near its right edge, so the menu crosses the
    // window's border.
    expect_context_menu(prism, "featherpad", get(w, "x") + get(w, "width") - 30,
                        get(w, "y") + get(w, "height") / 2);
}

TEST(Qt, FileDialogFitsTheOutput) {
    Prism prism({{kVm, "red", {}}}, kAppOutput);
    App app(prism, {"featherpad"}, "featherpad", kQtEnv);
    ASSERT_TRUE(app.started());
    expect_file_dialog_fits(prism, "featherpad", {"-M", "ctrl", "o", "-m", "ctrl"});
}

} // namespace
} // namespace prism::test
