// gtk3-demo, a GTK3 application with a header bar (client-side decorations and a shadow), on a
// VM socket.
#include "apps.hpp"

#include <gtest/gtest.h>

namespace prism::test {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

int get(const json& j, const char* key) {
    return j[key].get<int>();
}

TEST(Gtk3, MaximizeAndRestoreReturnTheExactGeometry) {
    Prism prism({{kVm, "red", {}}}, kAppOutput);
    Child app = prism.client({"gtk3-demo"}, prism.vm_socket(kVm), "gtk3-demo");
    expect_maximize_restore_cycles(prism, "gtk3-demo", 3);
}

TEST(Gtk3, ContextMenuShowsWholeAboveTheBorderAndBelowTheTitleBar) {
    Prism prism({{kVm, "red", {}}}, kAppOutput);
    Child app = prism.client({"gtk3-demo"}, prism.vm_socket(kVm), "gtk3-demo");
    const json w = settled_window(prism);
    // The demo's description (a text view) fills the right of the window: right-click near
    // its right edge, so the menu crosses the window's border.
    expect_context_menu(prism, "gtk3-demo", get(w, "x") + get(w, "width") - 30,
                        get(w, "y") + get(w, "height") / 2);
}

TEST(Gtk3, FileDialogFitsTheOutput) {
    // gtk3-demo has no Open shortcut: its Pickers demo (--run) has a file button
    // (GtkFileChooserButton) whose chooser is a dialog of the Pickers window. gtk3-demo maps
    // Pickers and its main window in either order; when Pickers comes first it names the main
    // window, not mapped yet, as its parent (so it has none: xdg-shell), and the main window
    // then takes the focus and covers it. Alt+Tab brings Pickers up, as a person would.
    Prism prism({{kVm, "red", {}}}, kAppOutput);
    App app(prism, {"gtk3-demo", "--run", "pickers"}, "gtk-3-examples");
    ASSERT_TRUE(app.started());
    ASSERT_TRUE(eventually([&] { return prism.windows_of(kVm).size() == 2; }, 30s))
        << prism.ctl("windows").dump(2);
    settled_window_titled(prism, "Application Class");
    auto pickers_focused = [&] {
        for (const json& w : prism.windows_of(kVm)) {
            if (w["title"] == "Pickers") {
                return w["focused"] == true;
            }
        }
        return false;
    };
    if (!pickers_focused()) {
        keys(prism, {"-M", "alt", "-k", "Tab", "-m", "alt"});
    }
    ASSERT_TRUE(eventually(pickers_focused)) << prism.ctl("windows").dump(2);
    const json pickers = settled_window_titled(prism, "Pickers");
    ASSERT_FALSE(pickers.is_null());
    // The file button is in the third row of the demo's 259x222 grid, in its right column.
    expect_dialog_fits(prism, "gtk3-demo", pickers,
                       [&] { click(prism, get(pickers, "x") + 150, get(pickers, "y") + 110); });
}

} // namespace
} // namespace prism::test
