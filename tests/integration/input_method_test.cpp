// Input methods as a person uses them: a host input method (ime-client, standing in for fcitx5)
// composes text into the focused window, whatever its VM, and into no other window. VMs get
// text-input-v3 but never the input method global. An input method that grabs the keyboard gets
// the keys typed while a text field has the keyboard, and the window only what it commits or
// forwards; its candidate popup shows next to the field's cursor, inside the output.
#include "screenshot.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <climits>
#include <fstream>
#include <iterator>
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

// Types on the host keyboard (a host virtual keyboard: wtype).
void type(Prism& prism, const std::vector<std::string>& wtype_args) {
    std::vector<std::string> argv{"wtype"};
    argv.insert(argv.end(), wtype_args.begin(), wtype_args.end());
    Child typing = prism.client(argv, prism.host_socket(), "wtype");
    const auto status = typing.wait(20s);
    EXPECT_TRUE(status && WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << typing.output();
}

int keys_in(const std::string& output) {
    int n = 0;
    for (std::size_t at = output.find("\nkey "); at != std::string::npos;
         at = output.find("\nkey ", at + 1)) {
        ++n;
    }
    return n + (output.rfind("key ", 0) == 0 ? 1 : 0);
}

TEST(InputMethod, KeysGoToTheGrabbingInputMethodAndOnlyWhatItCommitsOrForwardsToTheVm) {
    Prism prism({{"work", "#3465a4", {}}});
    Child field = prism.client({ime(), "text", "field"}, prism.vm_socket("work"), "field");
    ASSERT_TRUE(eventually([&] { return says(field, "text-input: enter"); })) << field.output();
    Child method = prism.client({ime(), "ime", "", "--grab"}, prism.host_socket(), "ime");
    ASSERT_TRUE(eventually([&] { return says(method, "ime: activate"); })) << method.output();
    ASSERT_TRUE(says(method, "ime: grabbed")) << method.output();

    // Letters are the input method's: it composes them, the window gets its text, no key.
    type(prism, {"hi"});
    EXPECT_TRUE(eventually([&] { return says(field, "commit: ｉ"); }))
        << field.output() << method.output();
    EXPECT_TRUE(says(field, "commit: ｈ")) << field.output();
    EXPECT_TRUE(says(method, "grab: keymap")) << method.output();
    EXPECT_TRUE(says(method, "grab: key h down") && says(method, "grab: key h up"))
        << method.output();
    std::this_thread::sleep_for(300ms);
    EXPECT_EQ(keys_in(field.output()), 0) << "the VM got keys the input method grabbed:\n"
                                          << field.output();

    // What it forwards through its virtual keyboard reaches the window, press and release.
    type(prism, {"1"});
    EXPECT_TRUE(eventually([&] { return says(method, "ime: forwarded 1"); })) << method.output();
    EXPECT_TRUE(eventually([&] { return keys_in(field.output()) == 2; })) << field.output();
    EXPECT_TRUE(says(field, " down") && says(field, " up")) << field.output();

    // prism's bindings still run first: Super+Q closes the window, the grab never sees the Q.
    type(prism, {"-M", "logo", "-k", "q", "-m", "logo"});
    EXPECT_TRUE(eventually([&] { return prism.ctl("windows").empty(); })) << prism.log();
    EXPECT_FALSE(says(method, "grab: key q")) << method.output();
    prism.stop();
}

TEST(InputMethod, TheGrabGetsNoKeyOnceFocusMovesOrTheFieldIsDisabled) {
    Prism prism({{"work", "#3465a4", {}}});
    Child field =
        prism.client({ime(), "text", "field", "--once"}, prism.vm_socket("work"), "field");
    ASSERT_TRUE(eventually([&] { return says(field, "text-input: enter"); })) << field.output();
    Child method = prism.client({ime(), "ime", "", "--grab"}, prism.host_socket(), "ime");
    ASSERT_TRUE(eventually([&] { return says(method, "ime: activate"); })) << method.output();

    // Another window (no text input) takes the keyboard: its keys are its own.
    Child plain =
        prism.client({std::getenv("DND_CLIENT"), "paste"}, prism.vm_socket("work"), "plain");
    ASSERT_TRUE(eventually([&] {
        const auto windows = prism.windows_of("work");
        return windows.size() == 2 && std::any_of(windows.begin(), windows.end(), [](auto& w) {
                   return w["title"] != "field" && w["focused"] == true;
               });
    })) << prism.ctl("windows").dump(2);
    ASSERT_TRUE(eventually([&] { return says(method, "ime: deactivate"); })) << method.output();
    type(prism, {"c"});
    EXPECT_TRUE(eventually([&] { return says(plain, "key "); })) << plain.output();
    EXPECT_FALSE(says(method, "grab: key")) << method.output();

    // Back in the field (the other window closed), the grab composes again; once the field is
    // disabled it gets no key.
    type(prism, {"-M", "logo", "-k", "q", "-m", "logo"});
    ASSERT_TRUE(eventually([&] { return prism.windows_of("work").size() == 1; }));
    ASSERT_TRUE(eventually([&] {
        const std::string out = method.output();
        return out.rfind("ime: activate") > out.rfind("ime: deactivate");
    })) << method.output();
    type(prism, {"a"});
    EXPECT_TRUE(eventually([&] { return says(field, "text-input: disabled"); }))
        << field.output() << method.output();
    EXPECT_TRUE(says(field, "commit: ａ")) << field.output();
    EXPECT_TRUE(eventually([&] {
        const std::string out = method.output();
        return out.rfind("ime: deactivate") > out.rfind("ime: activate");
    })) << method.output();
    type(prism, {"b"});
    EXPECT_TRUE(eventually([&] { return keys_in(field.output()) == 2; })) << field.output();
    EXPECT_FALSE(says(method, "grab: key b")) << method.output();
    prism.stop();
}

// A real client: foot on a VM socket enables its text input when it gets the keyboard, and
// writes what the input method commits to its terminal as if typed; the shell in it reads the
// line (ended by Return on the host keyboard) and writes it to a file.
TEST(InputMethod, FootOnAVmSocketGetsTheCommittedText) {
    Prism prism({{"work", "#3465a4", {}}});
    const std::filesystem::path typed = prism.runtime_dir() / "typed";
    Child foot = prism.client(
        {"foot", "--title", "shell", "sh", "-c",
         "IFS= read -r line; printf '%s' \"$line\" > " + typed.string() + "; sleep 60"},
        prism.vm_socket("work"), "foot");
    ASSERT_TRUE(eventually([&] {
        const auto windows = prism.windows_of("work");
        return windows.size() == 1 && windows[0]["focused"] == true;
    })) << prism.log();
    Child method = prism.client({ime(), "ime", "héllo wörld"}, prism.host_socket(), "ime");
    ASSERT_TRUE(eventually([&] { return says(method, "ime: committed"); })) << method.output();
    std::this_thread::sleep_for(300ms); // foot writes it to the terminal
    type(prism, {"-k", "Return"});
    std::string text;
    EXPECT_TRUE(eventually([&] {
        std::ifstream in(typed);
        text.assign(std::istreambuf_iterator<char>(in), {});
        return !text.empty();
    })) << foot.output()
        << method.output();
    EXPECT_EQ(text, "héllo wörld");
    prism.stop();
}

const Rgb kPopup = rgb(0xff00ff); // ime-client's popup

// The box of every pixel of `colour` (width 0 when none).
struct Box {
    int x = INT_MAX, y = INT_MAX, right = INT_MIN, bottom = INT_MIN, count = 0;
};
Box box_of(const Image& image, Rgb colour) {
    Box box;
    for (int y = 0; y < image.height; ++y) {
        for (int x = 0; x < image.width; ++x) {
            if (image.at(x, y) == colour) {
                box.x = std::min(box.x, x);
                box.y = std::min(box.y, y);
                box.right = std::max(box.right, x + 1);
                box.bottom = std::max(box.bottom, y + 1);
                ++box.count;
            }
        }
    }
    return box;
}

TEST(InputMethod, ThePopupShowsBelowTheCursorRectangleOfTheFocusedField) {
    Prism prism({{"work", "#3465a4", {}}});
    Child field = prism.client({ime(), "text", "field"}, prism.vm_socket("work"), "field");
    ASSERT_TRUE(eventually([&] { return says(field, "text-input: enter"); })) << field.output();
    Child method = prism.client({ime(), "ime", "", "--popup"}, prism.host_socket(), "ime");
    ASSERT_TRUE(eventually([&] { return says(method, "ime: activate"); })) << method.output();
    // The field's cursor is at (40,30) 4x20 in its surface: the popup's top-left corner at
    // (40,50), so the rectangle is 20 pixels above it.
    EXPECT_TRUE(eventually([&] { return says(method, "popup: rectangle 0 -20 4 20"); }))
        << method.output();
    const nlohmann::json window = prism.windows_of("work").at(0);
    const int x = window["x"].get<int>() + 40, y = window["y"].get<int>() + 50;
    Box box;
    EXPECT_TRUE(eventually([&] {
        box = box_of(screenshot(prism, "ime-popup"), kPopup);
        return box.count > 0;
    }));
    EXPECT_EQ(box.x, x);
    EXPECT_EQ(box.y, y);
    EXPECT_EQ(box.right, x + 80);
    EXPECT_EQ(box.bottom, y + 30);
    EXPECT_GE(box.count, 80 * 30 - 32 * 32) << "the popup is not whole"; // the pointer aside

    // Once the window is gone (nothing has the keyboard), the popup goes.
    type(prism, {"-M", "logo", "-k", "q", "-m", "logo"});
    EXPECT_TRUE(eventually([&] { return prism.ctl("windows").empty(); }));
    EXPECT_TRUE(
        eventually([&] { return box_of(screenshot(prism, "ime-popup-gone"), kPopup).count == 0; }));
    prism.stop();
}

TEST(InputMethod, ThePopupStaysInsideTheOutput) {
    Prism prism({{"work", "#3465a4", {}}});
    Child field =
        prism.client({ime(), "text", "field", "--corner"}, prism.vm_socket("work"), "field");
    ASSERT_TRUE(eventually([&] { return says(field, "text-input: enter"); })) << field.output();
    // Maximized, the window's bottom-right corner (and the cursor there) is at the output's.
    type(prism, {"-M", "logo", "-k", "m", "-m", "logo"});
    ASSERT_TRUE(eventually([&] {
        const auto windows = prism.windows_of("work");
        return windows.size() == 1 && windows[0]["maximized"] == true;
    }));
    Child method = prism.client({ime(), "ime", "", "--popup"}, prism.host_socket(), "ime");
    ASSERT_TRUE(eventually([&] { return says(method, "ime: activate"); })) << method.output();
    const nlohmann::json output = prism.ctl("outputs").at(0);
    const int out_right = output["x"].get<int>() + output["width"].get<int>();
    const int out_bottom = output["y"].get<int>() + output["height"].get<int>();
    Box box;
    nlohmann::json window;
    EXPECT_TRUE(eventually([&] {
        window = prism.windows_of("work").at(0);
        box = box_of(screenshot(prism, "ime-popup-corner"), kPopup);
        // Above the cursor (its top 20 pixels above the window's bottom edge), slid left.
        return box.count > 0 &&
               box.bottom == window["y"].get<int>() + window["height"].get<int>() - 20;
    })) << window.dump()
        << " popup " << box.x << "," << box.y << " " << box.right << "," << box.bottom;
    EXPECT_EQ(box.right,
              std::min(out_right, window["x"].get<int>() + window["width"].get<int>() - 4 + 80));
    EXPECT_LE(box.right, out_right);
    EXPECT_LE(box.bottom, out_bottom);
    EXPECT_EQ(box.bottom - box.y, 30);
    EXPECT_EQ(box.right - box.x, 80);
    prism.stop();
}

} // namespace
} // namespace prism::test
