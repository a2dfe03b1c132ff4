// What the app tests do with every application: run it on a VM socket, drive it with the host's
// virtual keyboard and pointer, and check what a person would see.
#pragma once

#include "screenshot.hpp"

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace prism::test {

// The output every app test uses: a laptop's 1280x720.
constexpr int kOutputWidth = 1280;
constexpr int kOutputHeight = 720;
const std::string kAppOutput = "[headless]\nwidth = 1280\nheight = 720\n";
const std::string kOutputSize = "1280x720"; // for pointer() (harness.hpp)
const std::string kVm = "untrusted";
const Rgb kVmColour = rgb(0xcc0000); // "red"

// A real program on the VM's socket, with a home directory of its own (fresh for each test, so
// no earlier run's settings or profile count). Fails the test, naming the Debian package, when
// the program is not installed: nothing in the suite is skipped. Killed with every process it
// started when the test ends.
class App {
public:
    App(Prism& prism, const std::vector<std::string>& argv, const std::string& package,
        const std::map<std::string, std::string>& env = {});
    ~App();
    App(const App&) = delete;
    App& operator=(const App&) = delete;
    // False (and the test has failed) when the program is not installed.
    bool started() const { return child_.pid() > 0; }
    const std::string& home() const { return home_; }
    std::string output() const { return child_.output(); }

private:
    std::string home_;
    Child child_;
};

// The only window of the VM once its geometry has stopped changing.
nlohmann::json settled_window(Prism& prism);
// The VM's only window titled `title` (an app with more than one), once it has stopped changing.
nlohmann::json settled_window_titled(Prism& prism, const std::string& title);
// Types with wtype on the host socket (e.g. {"-M", "logo", "m", "-m", "logo"}).
void keys(Prism& prism, const std::vector<std::string>& args);
// Moves the pointer to x, y and clicks the left button there.
void click(Prism& prism, int x, int y);

// For a window that maximized itself when it opened: Super+M restores it to a window whose frame
// is on the output and hugs its geometry.
void expect_restores_into_output(Prism& prism, const std::string& name);

// Super+M then Super+M, `cycles` times: maximized, the frame fills the output exactly and the
// window's own edges are at the frame's (pixels); restored, the window geometry is exactly what
// it was.
void expect_maximize_restore_cycles(Prism& prism, const std::string& name, int cycles);

// Right-clicks at x, y and checks the popup that opens: fully on the output, in the VM's
// outline, not over the title bar, and drawn above the frame's border where it crosses it.
// Returns the popup's box.
nlohmann::json expect_context_menu(Prism& prism, const std::string& name, int x, int y);

// Checks on a screenshot that the frame hugs the window geometry and the window draws up to it:
// the VM's colour on the first pixel outside each edge that is on the output, the app's own on
// the first inside (no shadow band between them).
void expect_frame_hugs(const Image& image, const nlohmann::json& window);

// Opens a dialog of `parent` (one of the VM's windows) with `open` (keys, clicks) and checks it:
// a new window of the VM whose frame fits the output, the frame hugging its geometry, centred on
// its parent where it fits. Returns the dialog.
nlohmann::json expect_dialog_fits(Prism& prism, const std::string& name,
                                  const nlohmann::json& parent, const std::function<void()>& open);

// The same for a file dialog the VM's only window opens with `shortcut` (wtype arguments, e.g.
// {"-M", "ctrl", "o", "-m", "ctrl"}).
nlohmann::json expect_file_dialog_fits(Prism& prism, const std::string& name,
                                       const std::vector<std::string>& shortcut);

} // namespace prism::test
