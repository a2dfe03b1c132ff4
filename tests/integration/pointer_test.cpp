// The pointer on frames and windows, driven through the host's virtual pointer as a person's
// mouse would: the close button closes, the title bar moves and double-click maximizes, a
// click focuses and raises.
#include "harness.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <thread>

namespace prism::test {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

int get(const json& j, const char* key) {
    return j[key].get<int>();
}

struct TitleBar {
    int x, y, width, height; // in layout coordinates
};

TitleBar title_bar(const json& window) {
    const json& f = window["frame"];
    const int border = get(window, "x") - get(f, "x");
    const int top = get(f, "y") + border;
    return {get(window, "x"), top, get(window, "width"), get(window, "y") - top};
}

json only_window(Prism& prism, const std::string& vm) {
    EXPECT_TRUE(eventually([&] { return prism.windows_of(vm).size() == 1; }));
    std::this_thread::sleep_for(200ms);
    return prism.windows_of(vm).at(0);
}

std::string str(int v) {
    return std::to_string(v);
}

TEST(Pointer, CloseButtonClosesTheWindow) {
    Prism prism({{"work", "#3465a4", {}}});
    Child app = prism.client({std::getenv("HOSTILE_CLIENT")}, prism.vm_socket("work"), "app");
    const TitleBar bar = title_bar(only_window(prism, "work"));
    // The close button is the square at the right end of the title bar.
    pointer(prism, {"move", str(bar.x + bar.width - bar.height / 2), str(bar.y + bar.height / 2),
                    "click"});
    EXPECT_TRUE(eventually([&] { return !app.running(); })) << "the client was not asked to close";
    EXPECT_TRUE(eventually([&] { return prism.windows_of("work").empty(); }));
}

TEST(Pointer, DraggingTheTitleBarMovesTheWindow) {
    Prism prism({{"work", "#3465a4", {}}});
    Child app = prism.client({std::getenv("HOSTILE_CLIENT")}, prism.vm_socket("work"), "app");
    const json before = only_window(prism, "work");
    const TitleBar bar = title_bar(before);
    const int x = bar.x + 40, y = bar.y + bar.height / 2;
    pointer(prism, {"move", str(x), str(y), "press", "move", str(x + 50), str(y + 30), "move",
                    str(x + 100), str(y + 60), "release"});
    const json after = prism.windows_of("work").at(0);
    EXPECT_EQ(get(after, "x"), get(before, "x") + 100);
    EXPECT_EQ(get(after, "y"), get(before, "y") + 60);
    EXPECT_TRUE(app.running());
}

TEST(Pointer, DoubleClickOnTheTitleBarMaximizes) {
    Prism prism({{"work", "#3465a4", {}}});
    Child app = prism.client({std::getenv("HOSTILE_CLIENT")}, prism.vm_socket("work"), "app");
    const TitleBar bar = title_bar(only_window(prism, "work"));
    pointer(prism, {"move", str(bar.x + 40), str(bar.y + bar.height / 2), "click", "sleep", "50",
                    "click"});
    EXPECT_TRUE(eventually([&] { return prism.windows_of("work").at(0)["maximized"] == true; }));
}

TEST(Pointer, ClickFocusesAndRaises) {
    Prism prism({{"work", "#3465a4", {}}, {"personal", "green", {}}},
                "[headless]\nwidth = 1024\nheight = 768\n[focus]\nnew_window = \"always\"\n");
    Child first = prism.client({std::getenv("HOSTILE_CLIENT")}, prism.vm_socket("work"), "first");
    const json work = only_window(prism, "work");
    Child second =
        prism.client({std::getenv("HOSTILE_CLIENT")}, prism.vm_socket("personal"), "second");
    only_window(prism, "personal");
    ASSERT_EQ(prism.windows_of("work").at(0)["focused"], false);
    // The first window's top-left content corner is not covered by the cascaded second one.
    pointer(prism, {"move", str(get(work, "x") + 5), str(get(work, "y") + 5), "click"});
    EXPECT_TRUE(eventually([&] { return prism.windows_of("work").at(0)["focused"] == true; }));
    EXPECT_EQ(prism.ctl("windows").back()["vm"], "work");
}

} // namespace
} // namespace prism::test
