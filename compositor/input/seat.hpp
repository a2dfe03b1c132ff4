// The seat: keyboards, pointers, the cursor, graphics tablets, and key bindings.
#pragma once

#include "compositor/input/bindings.hpp"
#include "compositor/input/cursor.hpp"
#include "compositor/input/input_route.hpp"
#include "compositor/input/keyboard.hpp"
#include "compositor/input/keymap_stand_in.hpp"
#include "compositor/input/lock_screen.hpp"
#include "compositor/input/modal.hpp"
#include "compositor/input/tablet.hpp"
#include "compositor/listener.hpp"
#include "compositor/model/desktop.hpp"
#include "compositor/wlr.hpp"
#include "config/config.hpp"

#include <functional>
#include <list>
#include <memory>
#include <optional>
#include <utility>

namespace prism {

class InputMethodRelay;

class Seat {
public:
    struct Hooks {
        // Runs a bound action (close, quit, ...).
        std::function<void(const config::Binding&)> run_action;
        // The key of a binding was released (ends x-ray).
        std::function<void(config::Action)> release_action;
        // Switches virtual terminal; false when there is no session (nested, headless).
        std::function<bool(unsigned vt)> switch_vt;
        // Any input at all (for idle tracking).
        std::function<void()> activity;
        // An output's configured cursor size, or the global one.
        std::function<int(wlr_output*)> cursor_size_of;
        // The [limits] of a client's origin (cursor image and drag icon sizes).
        std::function<config::VmLimits(wl_client*)> limits_of;
    };

    // `seat` is destroyed by wlroots with the display; drag icons are drawn in `drag_icons`.
    // `input_method` (may be null) gets the keys its keyboard grab asks for.
    Seat(wlr_seat* seat, wlr_output_layout* layout, Desktop& desktop, wlr_scene_tree* drag_icons,
         InputMethodRelay* input_method, Hooks hooks);
    ~Seat();
    Seat(const Seat&) = delete;
    Seat& operator=(const Seat&) = delete;

    wlr_seat* wlr() const { return seat_; }
    Cursor& cursor() { return *cursor_; }
    // Whether a dialog or the session lock holds the input (set_modal and set_lock change it).
    const InputRoute& route() const { return route_; }

    // Keyboard layout, repeat, bindings and cursor theme. Safe to call again on reload.
    void apply_config(const config::Config& config);

    // A new input device (a keyboard, a pointer, a tablet or a tablet's pad); `virtual_keyboard`
    // for a client's virtual keyboard, `host` false when that client is a VM's.
    void add_device(wlr_input_device* device, bool virtual_keyboard = false, bool host = true);
    void remove_keyboard(Keyboard& keyboard);
    // Called by Keyboard when a virtual keyboard's client sets its keymap: a seat left without
    // a keyboard takes it.
    void keymap_changed() {
        choose_keyboard();
        update_capabilities();
    }

    // Called by Keyboard: handles a key press that is prism's (a binding, or a VT switch) and
    // returns true; `action` is set when a binding ran. Also reports the release of such a key.
    bool handle_key_binding(std::uint32_t modifiers, xkb_keysym_t keysym,
                            std::optional<config::Action>* action);
    void handle_binding_release(config::Action action) {
        if (hooks_.release_action) {
            hooks_.release_action(action);
        }
    }
    void note_key_press() { desktop_.note_key_press(); }
    // A non-modifier key was pressed on a host keyboard: returns when the previous one was.
    Modal::Clock::time_point note_host_key_press() {
        return std::exchange(route_.last_host_key_, Modal::Clock::now());
    }

    // Puts `modal` up (nullptr: takes it down). While it is up, no client has keyboard focus or
    // receives a key or a button press: keys of host keyboards and button presses go to it. The
    // keyboard focus the desktop wants is restored when it goes.
    void set_modal(Modal* modal);

    // Session lock (nullptr: unlocked). While locked, keys of host keyboards and the pointer go
    // only to the locker's surfaces, no key binding runs but VT switching, and a modal (the
    // clipboard dialog) gets nothing until the lock ends; VM clients' virtual devices are
    // ignored. Only focus_lock_surface() moves the keyboard focus.
    void set_lock(LockScreen* lock);
    void focus_lock_surface(wlr_surface* surface);
    // The input method relay whose keyboard grab gets keys (nullptr: none).
    InputMethodRelay* input_method() const { return input_method_; }
    // At teardown, before the relay goes: no key goes to it from now on.
    void forget_input_method() { input_method_ = nullptr; }
    void note_activity() {
        if (hooks_.activity) {
            hooks_.activity();
        }
    }

private:
    void update_capabilities();
    // When the seat has no keyboard: makes one that has a keymap the seat's keyboard, a real
    // or headless one before a virtual one.
    void choose_keyboard();

    wlr_seat* seat_;
    Desktop& desktop_;
    Hooks hooks_;
    std::unique_ptr<Cursor> cursor_;
    std::list<std::unique_ptr<Keyboard>> keyboards_;
    // The seat's keyboard for a moment after a virtual keyboard that was goes away.
    std::unique_ptr<KeymapStandIn> stand_in_;
    std::unique_ptr<Tablets> tablets_;
    bool has_pointer_ = false;
    InputRoute route_;
    InputMethodRelay* input_method_ = nullptr;
    wlr_seat_keyboard_grab modal_grab_{};
    wlr_seat_keyboard_grab lock_grab_{};
    config::KeyboardConfig keyboard_config_;
    BindingTable bindings_;
};

} // namespace prism
