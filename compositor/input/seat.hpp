// The seat: keyboards, pointers, the cursor, and key bindings.
#pragma once

#include "compositor/input/bindings.hpp"
#include "compositor/input/cursor.hpp"
#include "compositor/input/keyboard.hpp"
#include "compositor/listener.hpp"
#include "compositor/model/desktop.hpp"
#include "compositor/wlr.hpp"
#include "config/config.hpp"

#include <functional>
#include <list>
#include <memory>
#include <optional>

namespace prism {

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
    };

    // `seat` is destroyed by wlroots with the display.
    Seat(wlr_seat* seat, wlr_output_layout* layout, Desktop& desktop, Hooks hooks);
    ~Seat();
    Seat(const Seat&) = delete;
    Seat& operator=(const Seat&) = delete;

    wlr_seat* wlr() const { return seat_; }
    Cursor& cursor() { return *cursor_; }

    // Keyboard layout, repeat, bindings and cursor theme. Safe to call again on reload.
    void apply_config(const config::Config& config);

    // A new input device; `virtual_keyboard` for a host client's virtual keyboard.
    void add_device(wlr_input_device* device, bool virtual_keyboard = false);
    void remove_keyboard(Keyboard& keyboard);

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
    void note_activity() {
        if (hooks_.activity) {
            hooks_.activity();
        }
    }

private:
    void update_capabilities();

    wlr_seat* seat_;
    Desktop& desktop_;
    Hooks hooks_;
    std::unique_ptr<Cursor> cursor_;
    std::list<std::unique_ptr<Keyboard>> keyboards_;
    bool has_pointer_ = false;
    config::KeyboardConfig keyboard_config_;
    BindingTable bindings_;
    Listener<wlr_seat_request_set_selection_event> request_set_selection_;
    Listener<wlr_seat_request_set_primary_selection_event> request_set_primary_selection_;
};

} // namespace prism
