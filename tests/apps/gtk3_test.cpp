// gtk3-demo, a GTK3 application with a header bar (client-side decorations and a shadow), on a
// VM socket.
#include "apps.hpp"

#include <gtest/gtest.h>

namespace prism::test {
namespace {

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

} // namespace
} // namespace prism::test
