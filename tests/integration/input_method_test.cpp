// Input methods as a person uses them: a host input method (ime-client, standing in for fcitx5)
// composes text into the focused window, whatever its VM, and into no other window. VMs get
// text-input-v3 but never the input method global.
#include "harness.hpp"

#include <gtest/gtest.h>

#include <sys/wait.h>
#include <thread>

namespace prism::test {
namespace {

using namespace std::chrono_literals;

std::string ime() {
    return std::getenv("IME_CLIENT");
}

bool says(Child& child, const std::string& text) {
    return child.output().find(text) != std::string::npos;
}

const nlohmann::json* window_titled(const nlohmann::json& windows, const std::string& title) {
    for (const auto& window : windows) {
        if (window["title"] == title) {
            return &window;
        }
    }
    return nullptr;
}

TEST(InputMethod, TheHostInputMethodTypesIntoTheFocusedVmWindowOnly) {
    Prism prism({{"work", "#3465a4", {}}, {"untrusted", "red", {}}});
    Child other = prism.client({ime(), "text", "other"}, prism.vm_socket("untrusted"), "other");
    ASSERT_TRUE(eventually([&] { return prism.ctl("windows").size() == 1; }));
    Child field = prism.client({ime(), "text", "field"}, prism.vm_socket("work"), "field");
    ASSERT_TRUE(eventually([&] { return prism.ctl("windows").size() == 2; }));
    // Whichever window prism shows focused is the one whose text field is entered.
    const nlohmann::json windows = prism.ctl("windows");
    const nlohmann::json* f = window_titled(windows, "field");
    const nlohmann::json* o = window_titled(windows, "other");
    ASSERT_TRUE(f != nullptr && o != nullptr) << windows.dump(2);
    ASSERT_NE((*f)["focused"].get<bool>(), (*o)["focused"].get<bool>()) << windows.dump(2);
    Child& focused = (*f)["focused"].get<bool>() ? field : other;
    Child& unfocused = (*f)["focused"].get<bool>() ? other : field;
    ASSERT_TRUE(eventually([&] { return says(focused, "text-input: enter"); })) << focused.output();

    Child method = prism.client({ime(), "ime", "héllo wörld"}, prism.host_socket(), "ime");
    ASSERT_TRUE(eventually([&] { return says(method, "ime: committed"); })) << method.output();
    EXPECT_TRUE(eventually([&] { return says(focused, "commit: héllo wörld"); }))
        << focused.output() << method.output();
    std::this_thread::sleep_for(300ms);
    EXPECT_FALSE(says(unfocused, "commit:")) << unfocused.output();
    // It may have had the keyboard before the other window opened; it has left since.
    const std::string events = unfocused.output();
    EXPECT_TRUE(events.rfind("text-input: enter") == std::string::npos ||
                events.rfind("text-input: leave") > events.rfind("text-input: enter"))
        << events;
}

TEST(InputMethod, AVmCannotBeTheInputMethod) {
    Prism prism({{"work", "#3465a4", {}}});
    Child method = prism.client({ime(), "ime", "stolen"}, prism.vm_socket("work"), "vm-ime");
    const auto status = method.wait(20s);
    ASSERT_TRUE(status && WIFEXITED(*status)) << method.output();
    EXPECT_EQ(WEXITSTATUS(*status), 3) << method.output();
    EXPECT_TRUE(says(method, "no zwp_input_method_manager_v2")) << method.output();
}

TEST(InputMethod, ASecondInputMethodIsTurnedAway) {
    Prism prism({});
    Child first = prism.client({ime(), "ime", "a"}, prism.host_socket(), "ime-1");
    ASSERT_TRUE(eventually([&] { return says(first, "ime: ready"); }));
    std::this_thread::sleep_for(200ms);
    Child second = prism.client({ime(), "ime", "b"}, prism.host_socket(), "ime-2");
    EXPECT_TRUE(eventually([&] { return says(second, "ime: unavailable"); })) << second.output();
}

} // namespace
} // namespace prism::test
