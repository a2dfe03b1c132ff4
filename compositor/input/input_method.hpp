// Input methods: text-input-v3 (offered to every client, VMs included) relayed to one host input
// method (input-method-v2, the host's alone: fcitx5, or any IME on the host socket).
//
// The text input of the surface with keyboard focus is the only one the input method hears of
// and the only one its text goes to: a text input is entered only while its surface has the
// keyboard, so a VM's unfocused text field gets nothing, and what the input method commits
// cannot reach another window. While prism's dialog or the session lock holds the keyboard, no
// surface has it and the input method is deactivated.
#pragma once

#include "compositor/listener.hpp"
#include "compositor/wlr.hpp"

#include <list>
#include <memory>

namespace prism {

class InputMethodRelay {
public:
    // Creates both globals on `display`; follows `seat`'s keyboard focus.
    InputMethodRelay(wl_display* display, wlr_seat* seat);
    ~InputMethodRelay();
    InputMethodRelay(const InputMethodRelay&) = delete;
    InputMethodRelay& operator=(const InputMethodRelay&) = delete;

private:
    struct TextInput {
        wlr_text_input_v3* wlr;
        Listener<wlr_text_input_v3> enable, commit, disable, destroy;
    };

    void handle_new_text_input(wlr_text_input_v3* text_input);
    void handle_new_input_method(wlr_input_method_v2* input_method);
    void handle_input_method_commit();
    void handle_focus_change(wlr_seat_keyboard_focus_change_event* event);
    // Tells the input method the state of `text_input` (enabled, focused) and sends done.
    void send_state(const wlr_text_input_v3& text_input);
    void deactivate();
    // The enabled text input of the surface with keyboard focus, or nullptr.
    TextInput* focused_enabled();
    // Enters every text input of `surface`'s client into `surface`; leaves the others.
    void set_focus(wlr_surface* surface);

    wlr_seat* seat_;
    wlr_input_method_v2* input_method_ = nullptr; // at most one at a time
    std::list<std::unique_ptr<TextInput>> text_inputs_;
    Listener<wlr_text_input_v3> new_text_input_;
    Listener<wlr_input_method_v2> new_input_method_;
    Listener<wlr_input_method_v2> input_method_commit_, input_method_destroy_;
    Listener<wlr_seat_keyboard_focus_change_event> focus_change_;
};

} // namespace prism
