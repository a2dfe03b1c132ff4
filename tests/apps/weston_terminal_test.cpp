// weston-terminal: client-side decorations of its own toolkit, with a shadow, on a VM socket.
#include "apps.hpp"

#include <gtest/gtest.h>

namespace prism::test {
namespace {

using nlohmann::json;

int get(const json& j, const char* key) {
    return j[key].get<int>();
}

TEST(WestonTerminal, MaximizeAndRestoreReturnTheExactGeometry) {
    Prism prism({{kVm, "red", {}}}, kAppOutput);
    Child app = prism.client({"weston-terminal"}, prism.vm_socket(kVm), "weston-terminal");
    expect_maximize_restore_cycles(prism, "weston-terminal", 3);
}

TEST(WestonTerminal, ContextMenuShowsWholeAboveTheBorderAndBelowTheTitleBar) {
    Prism prism({{kVm, "red", {}}}, kAppOutput);
    Child app = prism.client({"weston-terminal"}, prism.vm_socket(kVm), "weston-terminal");
    const json w = settled_window(prism);
    expect_context_menu(prism, "weston-terminal", get(w, "x") + get(w, "width") - 30,
                        get(w, "y") + get(w, "height") / 2);
}

} // namespace
} // namespace prism::test
