#include "compositor/input/keyboard.hpp"

#include "compositor/input/input_method.hpp"
#include "compositor/input/seat.hpp"

namespace prism {
namespace {

// Shift, Control, Alt, Super and the like: pressing one is no keystroke of its own.
bool is_modifier(xkb_keysym_t keysym) {
    return (keysym >= XKB_KEY_Shift_L && keysym <= XKB_KEY_Hyper_R) ||
           (keysym >= XKB_KEY_ISO_Lock && keysym <= XKB_KEY_ISO_Level5_Lock) ||
           keysym == XKB_KEY_Mode_switch || keysym == XKB_KEY_Num_Lock;
}

} // namespace

Keyboard::Keyboard(Seat& seat, wlr_input_device* device, bool owns_keymap, bool host)
    : seat_(seat)
    , device_(device)
    , keyboard_(wlr_keyboard_from_input_device(device))
    , owns_keymap_(owns_keymap)
    , host_(host) {
    key_.connect(&keyboard_->events.key,
                 [this](wlr_keyboard_key_event* event) { handle_key(event); });
    modifiers_.connect(&keyboard_->events.modifiers, [this](void*) { handle_modifiers(); });
    keymap_.connect(&keyboard_->events.keymap, [this](void*) { seat_.keymap_changed(); });
    destroy_.connect(&device_->events.destroy, [this](void*) {
        // A keyboard unplugged (or a virtual one closed) with a binding key down never sends
        // its release: end what the key held (x-ray) now.
        for (const auto& [keycode, action] : swallowed_) {
            if (action) {
                seat_.handle_binding_release(*action);
            }
        }
        seat_.remove_keyboard(*this);
    });
}

bool Keyboard::apply(const config::KeyboardConfig& config) {
    wlr_keyboard_set_repeat_info(keyboard_, config.repeat_rate, config.repeat_delay);
    if (!owns_keymap_) {
        return true;
    }
    xkb_rule_names names{};
    names.rules = config.rules.empty() ? nullptr : config.rules.c_str();
    names.model = config.model.empty() ? nullptr : config.model.c_str();
    names.layout = config.layout.empty() ? nullptr : config.layout.c_str();
    names.variant = config.variant.empty() ? nullptr : config.variant.c_str();
    names.options = config.options.empty() ? nullptr : config.options.c_str();
    xkb_context* context = xkb_context_new(XKB_CONTEXT_NO_FLAGS);
    xkb_keymap* keymap =
        context ? xkb_keymap_new_from_names(context, &names, XKB_KEYMAP_COMPILE_NO_FLAGS) : nullptr;
    bool ok = keymap != nullptr;
    if (!ok) {
        wlr_log(WLR_ERROR, "keyboard: xkbcommon rejected layout '%s' variant '%s' options '%s'",
                config.layout.c_str(), config.variant.c_str(), config.options.c_str());
        xkb_rule_names fallback{};
        keymap = context
                     ? xkb_keymap_new_from_names(context, &fallback, XKB_KEYMAP_COMPILE_NO_FLAGS)
                     : nullptr;
    }
    if (keymap != nullptr) {
        wlr_keyboard_set_keymap(keyboard_, keymap);
        xkb_keymap_unref(keymap);
    }
    if (context != nullptr) {
        xkb_context_unref(context);
    }
    return ok;
}

wlr_input_method_keyboard_grab_v2* Keyboard::input_method_grab() const {
    InputMethodRelay* relay = seat_.input_method();
    if (relay == nullptr || seat_.route().lock() != nullptr || seat_.route().modal() != nullptr) {
        return nullptr; // the locker's and the dialog's keys are theirs alone
    }
    return relay->keyboard_grab_for(keyboard_, host_);
}

void Keyboard::handle_modifiers() {
    if (seat_.route().lock() != nullptr && !host_) {
        return; // a VM's virtual keyboard never types into the locker
    }
    if (seat_.route().modal() != nullptr) {
        return; // no client hears the keyboard while prism's dialog is up
    }
    if (wlr_input_method_keyboard_grab_v2* grab = input_method_grab()) {
        wlr_input_method_keyboard_grab_v2_set_keyboard(grab, keyboard_);
        wlr_input_method_keyboard_grab_v2_send_modifiers(grab, &keyboard_->modifiers);
        return;
    }
    wlr_seat_set_keyboard(seat_.wlr(), keyboard_);
    wlr_seat_keyboard_notify_modifiers(seat_.wlr(), &keyboard_->modifiers);
}

void Keyboard::handle_key(wlr_keyboard_key_event* event) {
    if (host_) {
        seat_.note_activity(); // the user's: a VM's virtual keyboard is no sign of anyone there
    }
    const bool pressed = event->state == WL_KEYBOARD_KEY_STATE_PRESSED;
    if (pressed) {
        seat_.note_key_press();
    }

    bool handled = false;
    if (pressed) {
        const xkb_keycode_t keycode = event->keycode + 8;
        const xkb_keysym_t* syms = nullptr;
        const int count = xkb_state_key_get_syms(keyboard_->xkb_state, keycode, &syms);
        const std::uint32_t modifiers = wlr_keyboard_get_modifiers(keyboard_);
        // When the previous keystroke on a host keyboard was: the dialog ignores keys typed in
        // a burst, so type-ahead meant for a window never answers it.
        Modal::Clock::time_point previous_key{};
        if (host_ && !(count > 0 && is_modifier(syms[0]))) {
            previous_key = seat_.note_host_key_press();
        }
        if (seat_.route().lock() != nullptr && !host_) {
            swallowed_[event->keycode] = std::nullopt; // nor its keys
            return;
        }
        if (Modal* modal = seat_.route().modal()) {
            // A dialog is up: it gets every key (VT switching aside), no client gets any.
            swallowed_[event->keycode] = std::nullopt;
            for (int i = 0; i < count; ++i) {
                if (syms[i] >= XKB_KEY_XF86Switch_VT_1 && syms[i] <= XKB_KEY_XF86Switch_VT_12) {
                    std::optional<config::Action> none;
                    seat_.handle_key_binding(modifiers, syms[i], &none);
                } else if (host_) {
                    modal->key(syms[i], modifiers, previous_key);
                }
                if (seat_.route().modal() != modal) {
                    break; // answered: the dialog may be gone
                }
            }
            return;
        }
        for (int i = 0; i < count && !handled; ++i) {
            std::optional<config::Action> action;
            if (seat_.handle_key_binding(modifiers, syms[i], &action)) {
                swallowed_[event->keycode] = action;
                handled = true;
            }
        }
        if (!handled) {
            if (wlr_input_method_keyboard_grab_v2* grab = input_method_grab()) {
                // The input method composes from it; the window gets what it commits.
                grabbed_.insert(event->keycode);
                wlr_input_method_keyboard_grab_v2_set_keyboard(grab, keyboard_);
                wlr_input_method_keyboard_grab_v2_send_key(grab, event->time_msec, event->keycode,
                                                           WL_KEYBOARD_KEY_STATE_PRESSED);
                return;
            }
        }
    } else if (grabbed_.erase(event->keycode) != 0) {
        InputMethodRelay* relay = seat_.input_method();
        wlr_input_method_keyboard_grab_v2* grab =
            relay != nullptr ? relay->keyboard_grab() : nullptr;
        if (grab != nullptr && grab->keyboard == keyboard_) {
            wlr_input_method_keyboard_grab_v2_send_key(grab, event->time_msec, event->keycode,
                                                       WL_KEYBOARD_KEY_STATE_RELEASED);
        }
        return;
    } else if (auto it = swallowed_.find(event->keycode); it != swallowed_.end()) {
        const std::optional<config::Action> action = it->second;
        swallowed_.erase(it);
        if (action) {
            seat_.handle_binding_release(*action);
        }
        handled = true;
    }
    if (!handled) {
        wlr_seat_set_keyboard(seat_.wlr(), keyboard_);
        wlr_seat_keyboard_notify_key(seat_.wlr(), event->time_msec, event->keycode,
                                     static_cast<std::uint32_t>(event->state));
    }
}

} // namespace prism
