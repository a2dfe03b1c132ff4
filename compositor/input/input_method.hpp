// Input methods: text-input-v3 (offered to every client, VMs included) relayed to one host input
// method (input-method-v2, the host's alone: fcitx5, or any IME on the host socket).
//
// The text input of the surface with keyboard focus is the only one the input method hears of
// and the only one its text goes to: a text input is entered only while its surface has the
// keyboard, so a VM's unfocused text field gets nothing, and what the input method commits
// cannot reach another window. While prism's dialog or the session lock holds the keyboard, no
// surface has it and the input method is deactivated.
//
// The input method's keyboard grab (zwp_input_method_keyboard_grab_v2) gets the keys of host
// keyboards only while the window with the keyboard has an enabled text input: then the window
// gets none of them, only what the input method commits or forwards through its own virtual
// keyboard. prism's bindings run first, as always; while locked, or while a dialog is up, keys
// never go to the grab. A VM's virtual keyboard (a VM allowed that protocol) never feeds the
// grab: its keymap and keys stay away from the host's input method.
//
// Its popups (candidate windows) are host surfaces drawn above the windows, next to the focused
// text input's cursor rectangle, inside the output; they never get input (no hit test finds
// them) and show only while a focused text input is enabled.
#pragma once

#include "compositor/listener.hpp"
#include "compositor/wlr.hpp"

#include <list>
#include <memory>
#include <optional>

namespace prism {

class InputMethodRelay {
public:
    // Creates both globals on `display`; follows `seat`'s keyboard focus. Popups are drawn in a
    // tree of their own made now on top of `scene` (so above whatever was made before), inside
    // the output of `layout` that holds the text input.
    InputMethodRelay(wl_display* display, wlr_seat* seat, wlr_scene* scene,
                     wlr_output_layout* layout);
    ~InputMethodRelay();
    InputMethodRelay(const InputMethodRelay&) = delete;
    InputMethodRelay& operator=(const InputMethodRelay&) = delete;

    // The input method's popups (to hide while the session is locked).
    wlr_scene_tree* popup_tree() const { return popup_tree_; }

    // The keyboard grab keys of `keyboard` go to now, or nullptr: an input method holds one and
    // the surface with the keyboard has an enabled text input. Never for a VM's virtual keyboard
    // (`host` false) nor for the input method's own virtual keyboard (the keys it forwards).
    wlr_input_method_keyboard_grab_v2* keyboard_grab_for(wlr_keyboard* keyboard, bool host);
    // The input method's keyboard grab, routed to or not (a key it got pressed is released to
    // it), or nullptr.
    wlr_input_method_keyboard_grab_v2* keyboard_grab() const;

private:
    struct TextInput {
        wlr_text_input_v3* wlr;
        Listener<wlr_text_input_v3> enable, commit, disable, destroy;
    };
    struct Popup {
        wlr_input_popup_surface_v2* wlr;
        wlr_scene_tree* tree;
        std::optional<wlr_box> told; // the cursor rectangle last sent, relative to the popup
        Listener<void> commit, map, unmap, destroy;
    };

    void handle_new_text_input(wlr_text_input_v3* text_input);
    void handle_new_input_method(wlr_input_method_v2* input_method);
    void handle_input_method_commit();
    void handle_grab_keyboard(wlr_input_method_keyboard_grab_v2* grab);
    void handle_new_popup(wlr_input_popup_surface_v2* popup);
    void handle_focus_change(wlr_seat_keyboard_focus_change_event* event);
    // Tells the input method the state of `text_input` (enabled, focused) and sends done.
    void send_state(const wlr_text_input_v3& text_input);
    void deactivate();
    // The enabled text input of the surface with keyboard focus, or nullptr.
    TextInput* focused_enabled();
    // Enters every text input of `surface`'s client into `surface`; leaves the others.
    void set_focus(wlr_surface* surface);
    // Keys stop going to the grab: the window with the keyboard learns the modifiers held now.
    void give_back_modifiers();
    // Shows, hides and places every popup for the focused text input.
    void update_popups();
    void place_popup(Popup& popup, const wlr_text_input_v3& text_input);

    wlr_seat* seat_;
    wlr_scene* scene_;
    wlr_output_layout* layout_;
    wlr_scene_tree* popup_tree_;
    wlr_input_method_v2* input_method_ = nullptr; // at most one at a time
    std::list<std::unique_ptr<TextInput>> text_inputs_;
    std::list<std::unique_ptr<Popup>> popups_;
    Listener<wlr_text_input_v3> new_text_input_;
    Listener<wlr_input_method_v2> new_input_method_;
    Listener<wlr_input_method_v2> input_method_commit_, input_method_destroy_;
    Listener<wlr_input_method_keyboard_grab_v2> grab_keyboard_, grab_destroy_;
    Listener<wlr_input_popup_surface_v2> new_popup_;
    Listener<wlr_seat_keyboard_focus_change_event> focus_change_;
};

} // namespace prism
