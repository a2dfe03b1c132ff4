// One keyboard device (physical, headless, or a host client's virtual keyboard).
#pragma once

#include "compositor/listener.hpp"
#include "compositor/wlr.hpp"
#include "config/config.hpp"

#include <functional>
#include <map>
#include <optional>
#include <set>

namespace prism {

class Seat;

class Keyboard {
public:
    // `owns_keymap` is false for virtual keyboards: their client supplies the keymap. `host` is
    // false for a VM client's virtual keyboard (a VM allowed the protocol): its keys never
    // answer prism's own dialogs.
    Keyboard(Seat& seat, wlr_input_device* device, bool owns_keymap, bool host = true);
    Keyboard(const Keyboard&) = delete;
    Keyboard& operator=(const Keyboard&) = delete;

    wlr_input_device* device() const { return device_; }
    wlr_keyboard* wlr() const { return keyboard_; }
    // False for a virtual keyboard: its client supplies the keymap.
    bool owns_keymap() const { return owns_keymap_; }
    // Applies the layout and repeat settings; returns false if xkbcommon rejects the layout.
    bool apply(const config::KeyboardConfig& config);

private:
    void handle_key(wlr_keyboard_key_event* event);
    void handle_modifiers();
    // The input method's keyboard grab when this keyboard's keys go to it now, or nullptr.
    wlr_input_method_keyboard_grab_v2* input_method_grab() const;

    Seat& seat_;
    wlr_input_device* device_;
    wlr_keyboard* keyboard_;
    bool owns_keymap_;
    bool host_;
    // Keys whose press ran a binding, and its action: their release is not sent to any client
    // either, and ends actions that last while a key is held (x-ray).
    std::map<std::uint32_t, std::optional<config::Action>> swallowed_;
    // Keys whose press went to the input method's keyboard grab: their release goes there too
    // (or nowhere, the grab gone), never to the window.
    std::set<std::uint32_t> grabbed_;
    Listener<wlr_keyboard_key_event> key_;
    Listener<void> modifiers_, keymap_, destroy_;
};

} // namespace prism
