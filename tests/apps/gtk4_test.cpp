// gtk4-demo, a GTK4 application with a header bar (client-side decorations and a shadow, popovers
// as xdg popups), on a VM socket.
#include "apps.hpp"

#include <gtest/gtest.h>

namespace prism::test {
namespace {

using nlohmann::json;

int get(const json& j, const char* key) {
    return j[key].get<int>();
}

TEST(Gtk4, MaximizeAndRestoreReturnTheExactGeometry) {
    Prism prism({{kVm, "red", {}}}, kAppOutput);
    App app(prism, {"gtk4-demo"}, "gtk-4-examples");
    ASSERT_TRUE(app.started());
    expect_maximize_restore_cycles(prism, "gtk4-demo", 3);
}

TEST(Gtk4, ContextMenuShowsWholeAboveTheBorderAndBelowTheTitleBar) {
    Prism prism({{kVm, "red", {}}}, kAppOutput);
    App app(prism, {"gtk4-demo"}, "gtk-4-examples");
    ASSERT_TRUE(app.started());
    const json w = settled_window(prism);
    // The demo's source (a text view) fills the right of the window: right-click near its right
    // edge, so the menu crosses the window's border.
    expect_context_menu(prism, "gtk4-demo", get(w, "x") + get(w, "width") - 30,
                        get(w, "y") + get(w, "height") / 2);
}

TEST(Gtk4, FileDialogFitsTheOutput) {
    // gtk4-demo has no Open shortcut: its Pickers demo alone (--run) has an open-file button
    // whose GtkFileDialog (GTK's own chooser: there is no portal in a test) opens as a dialog of
    // the demo's window.
    Prism prism({{kVm, "red", {}}}, kAppOutput);
    App app(prism, {"gtk4-demo", "--run=pickers"}, "gtk-4-examples");
    ASSERT_TRUE(app.started());
    const json pickers = settled_window(prism);
    // The open button is the first of three after "File: None", in the third row of the
    // demo's 247x194 grid.
    expect_dialog_fits(prism, "gtk4-demo", pickers,
                       [&] { click(prism, get(pickers, "x") + 124, get(pickers, "y") + 116); });
}

} // namespace
} // namespace prism::test
