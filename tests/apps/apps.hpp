// What the app tests do with every application: run it on a VM socket, drive it with the host's
// virtual keyboard and pointer, and check what a person would see.
#pragma once

#include "screenshot.hpp"

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace prism::test {

// The output every app test uses: a laptop's 1280x720.
constexpr int kOutputWidth = 1280;
constexpr int kOutputHeight = 720;
const std::string kAppOutput = "[headless]\nwidth = 1280\nheight = 720\n";
const std::string kVm = "untrusted";
const Rgb kVmColour = rgb(0xcc0000); // "red"

// The only window of the VM once its geometry has stopped changing.
nlohmann::json settled_window(Prism& prism);
// Types with wtype on the host socket (e.g. {"-M", "logo", "m", "-m", "logo"}).
void keys(Prism& prism, const std::vector<std::string>& args);
// Drives the host's virtual pointer (tests/clients/pointer_client.cpp actions).
void pointer(Prism& prism, const std::vector<std::string>& actions);

// Super+M then Super+M, `cycles` times: maximized, the frame fills the output exactly and the
// window's own edges are at the frame's (pixels); restored, the window geometry is exactly what
// it was.
void expect_maximize_restore_cycles(Prism& prism, const std::string& name, int cycles);

// Right-clicks at x, y and checks the popup that opens: fully on the output, in the VM's
// outline, not over the title bar, and drawn above the frame's border where it crosses it.
// Returns the popup's box.
nlohmann::json expect_context_menu(Prism& prism, const std::string& name, int x, int y);

} // namespace prism::test
