// Whether a newly mapped window takes keyboard focus.
//
// The danger this guards against: the user types a password into VM A's window and VM B maps a
// window at that instant, receiving the rest of the keystrokes. The rule is data (FocusConfig)
// and this function is pure, so it can be tested without a compositor.
#pragma once

#include "config/config.hpp"

#include <chrono>
#include <optional>

namespace prism {

struct NewWindowContext {
    bool something_focused = false;       // a window holds keyboard focus now
    bool focused_has_same_origin = false; // ... and it belongs to the new window's origin
    // Time since the last key press on any keyboard; nullopt if no key was ever pressed.
    std::optional<std::chrono::milliseconds> since_last_key;
};

enum class NewWindowFocusDecision {
    Focus,         // give it keyboard focus and raise it
    MarkAttention, // open unfocused (below the focused window) and mark it as wanting attention
};

NewWindowFocusDecision decide_new_window_focus(const config::FocusConfig& policy,
                                               const NewWindowContext& context);

} // namespace prism
