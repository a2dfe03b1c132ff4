#include "compositor/input/seat.hpp"

namespace prism {

Seat::Seat(wlr_seat* seat, wlr_output_layout* layout, Desktop& desktop, wlr_scene_tree* drag_icons,
           InputMethodRelay* input_method, Hooks hooks)
    : seat_(seat)
    , desktop_(desktop)
    , hooks_(std::move(hooks))
    , input_method_(input_method) {
    cursor_ = std::make_unique<Cursor>(
        seat_, layout, desktop_, route_, drag_icons, [this] { note_activity(); }, hooks_.limits_of);
    tablets_ = std::make_unique<Tablets>(
        seat_, *cursor_, desktop_, route_, [this] { note_activity(); },
        [this] { update_capabilities(); });
    stand_in_ = std::make_unique<KeymapStandIn>(seat_, [this] {
        wlr_seat_set_keyboard(seat_, nullptr);
        choose_keyboard();
        update_capabilities();
    });
}

Seat::~Seat() {
    set_lock(nullptr);
    set_modal(nullptr);
    keyboards_.clear();
    stand_in_.reset();
    tablets_.reset();
    cursor_.reset();
}

namespace {

// While a modal is up, the keyboard grab swallows what the desktop would send clients: focus
// changes (remembered by the desktop, applied when the modal goes) and keys.
void grab_enter(wlr_seat_keyboard_grab*, wlr_surface*, const std::uint32_t[], std::size_t,
                const wlr_keyboard_modifiers*) {
}
void grab_clear_focus(wlr_seat_keyboard_grab*) {
}
void grab_key(wlr_seat_keyboard_grab*, std::uint32_t, std::uint32_t, std::uint32_t) {
}
void grab_modifiers(wlr_seat_keyboard_grab*, const wlr_keyboard_modifiers*) {
}
void grab_cancel(wlr_seat_keyboard_grab*) {
}
constexpr wlr_keyboard_grab_interface kModalGrab = {
    .enter = grab_enter,
    .clear_focus = grab_clear_focus,
    .key = grab_key,
    .modifiers = grab_modifiers,
    .cancel = grab_cancel,
};

// While the session is locked, the keyboard focus is the locker's surface or nothing: the
// desktop's focus changes are swallowed, keys and modifiers go to the focused surface only.
void lock_grab_key(wlr_seat_keyboard_grab* grab, std::uint32_t time, std::uint32_t key,
                   std::uint32_t state) {
    wlr_seat_keyboard_send_key(grab->seat, time, key, state);
}
void lock_grab_modifiers(wlr_seat_keyboard_grab* grab, const wlr_keyboard_modifiers* modifiers) {
    wlr_seat_keyboard_send_modifiers(grab->seat, modifiers);
}
constexpr wlr_keyboard_grab_interface kLockGrab = {
    .enter = grab_enter,
    .clear_focus = grab_clear_focus,
    .key = lock_grab_key,
    .modifiers = lock_grab_modifiers,
    .cancel = grab_cancel,
};

} // namespace

void Seat::set_lock(LockScreen* lock) {
    if (lock == route_.lock_) {
        return;
    }
    const bool was_locked = route_.lock_ != nullptr;
    route_.lock_ = lock;
    if (route_.lock_ != nullptr && !was_locked) {
        // Whatever grab a client or prism held (a drag, a popup, the dialog's) ends: the lock's
        // replaces it, and no client keeps the pointer or the keyboard.
        if (seat_->pointer_state.grab != seat_->pointer_state.default_grab) {
            wlr_seat_pointer_end_grab(seat_);
        }
        if (seat_->keyboard_state.grab != seat_->keyboard_state.default_grab) {
            wlr_seat_keyboard_end_grab(seat_);
        }
        cursor_->end_interactive();
        wlr_seat_keyboard_clear_focus(seat_);
        lock_grab_.interface = &kLockGrab;
        lock_grab_.data = this;
        wlr_seat_keyboard_start_grab(seat_, &lock_grab_);
        cursor_->update_focus(0);
        tablets_->route_changed();
    } else if (route_.lock_ == nullptr && was_locked) {
        if (seat_->keyboard_state.grab == &lock_grab_) {
            wlr_seat_keyboard_end_grab(seat_);
        }
        wlr_seat_keyboard_clear_focus(seat_);
        if (route_.modal_ != nullptr) {
            // The dialog that was up before the lock is back, and takes the keys again.
            modal_grab_.interface = &kModalGrab;
            modal_grab_.data = this;
            wlr_seat_keyboard_start_grab(seat_, &modal_grab_);
        } else {
            desktop_.restore_keyboard_focus();
        }
        cursor_->update_focus(0);
        tablets_->route_changed();
    }
}

void Seat::focus_lock_surface(wlr_surface* surface) {
    if (route_.lock_ == nullptr) {
        return;
    }
    if (surface == nullptr) {
        wlr_seat_keyboard_clear_focus(seat_);
        return;
    }
    // Entered without the keys held now: the locker must not see a key it did not get pressed.
    wlr_keyboard* keyboard = wlr_seat_get_keyboard(seat_);
    wlr_seat_keyboard_enter(seat_, surface, nullptr, 0,
                            keyboard != nullptr ? &keyboard->modifiers : nullptr);
}

void Seat::set_modal(Modal* modal) {
    if (modal == route_.modal_) {
        return;
    }
    const bool was_up = route_.modal_ != nullptr;
    route_.modal_ = modal;
    if (route_.lock_ != nullptr) {
        return; // the lock's grab stays; set_lock(nullptr) puts the dialog's up if still there
    }
    if (route_.modal_ != nullptr && !was_up) {
        // A drag in progress ends (cancelled): its grabs would otherwise replace the dialog's.
        if (seat_->drag != nullptr) {
            wlr_seat_pointer_end_grab(seat_);
        }
        wlr_seat_keyboard_notify_clear_focus(seat_);
        modal_grab_.interface = &kModalGrab;
        modal_grab_.data = this;
        wlr_seat_keyboard_start_grab(seat_, &modal_grab_);
        cursor_->update_focus(0);  // no client under the pointer either
        tablets_->route_changed(); // nor under a tablet tool
    } else if (route_.modal_ == nullptr && was_up) {
        if (seat_->keyboard_state.grab == &modal_grab_) {
            wlr_seat_keyboard_end_grab(seat_);
        }
        // Entered again without the keys held now: the key that answered the dialog (its
        // release is swallowed) must not look stuck to the window.
        desktop_.restore_keyboard_focus();
        cursor_->update_focus(0);
        tablets_->route_changed();
    }
}

void Seat::apply_config(const config::Config& config) {
    keyboard_config_ = config.keyboard;
    bindings_ = BindingTable(config.bindings);
    for (const auto& keyboard : keyboards_) {
        keyboard->apply(keyboard_config_);
    }
    cursor_->set_theme(config.cursor, hooks_.cursor_size_of);
}

void Seat::add_device(wlr_input_device* device, bool virtual_keyboard, bool host) {
    switch (device->type) {
    case WLR_INPUT_DEVICE_KEYBOARD: {
        auto keyboard = std::make_unique<Keyboard>(*this, device, !virtual_keyboard, host);
        keyboard->apply(keyboard_config_);
        // A virtual keyboard has no keymap until its client sends one; made the seat's keyboard
        // now, wlroots would send every client a keymap event with fd -1, which libwayland
        // cannot marshal: it disconnects them all. It becomes the seat's keyboard with its first
        // key or modifier, which wlroots accepts only after the keymap.
        if (!virtual_keyboard) {
            wlr_seat_set_keyboard(seat_, keyboard->wlr());
        }
        keyboards_.push_back(std::move(keyboard));
        choose_keyboard();
        break;
    }
    case WLR_INPUT_DEVICE_POINTER:
        cursor_->attach(device, host);
        has_pointer_ = true;
        break;
    case WLR_INPUT_DEVICE_TABLET:
        tablets_->add_tablet(device);
        break;
    case WLR_INPUT_DEVICE_TABLET_PAD:
        tablets_->add_pad(device);
        break;
    default:
        wlr_log(WLR_INFO, "input: ignoring device '%s' of unsupported type %d", device->name,
                static_cast<int>(device->type));
        return;
    }
    update_capabilities();
}

void Seat::remove_keyboard(Keyboard& keyboard) {
    wlr_keyboard* gone = keyboard.wlr();
    const bool virtual_keyboard = !keyboard.owns_keymap();
    keyboards_.remove_if([&](const auto& candidate) { return candidate.get() == &keyboard; });
    // The seat's keyboard went away (a virtual keyboard's client quit): clients that bind
    // wl_keyboard from now on, and the focus changes, would get no keymap at all (Chromium and
    // SDL2 crash on wl_keyboard.enter without one). Another keyboard takes its place, after the
    // stand-in held a virtual keyboard's keymap a moment (keymap_stand_in.hpp says why).
    wlr_keyboard* current = wlr_seat_get_keyboard(seat_);
    if (current == nullptr || current == gone) {
        if (current == nullptr || !virtual_keyboard || !stand_in_->take_over_from(gone)) {
            wlr_seat_set_keyboard(seat_, nullptr);
            choose_keyboard();
        }
    }
    update_capabilities();
}

void Seat::choose_keyboard() {
    if (wlr_seat_get_keyboard(seat_) != nullptr) {
        return;
    }
    // A real (or prism's headless) keyboard first: it keeps its keymap; then any virtual one
    // whose client has sent its keymap.
    Keyboard* chosen = nullptr;
    for (const auto& candidate : keyboards_) {
        if (candidate->wlr()->keymap == nullptr) {
            continue;
        }
        if (chosen == nullptr || (candidate->owns_keymap() && !chosen->owns_keymap())) {
            chosen = candidate.get();
        }
    }
    if (chosen != nullptr) {
        wlr_seat_set_keyboard(seat_, chosen->wlr());
    }
}

void Seat::update_capabilities() {
    std::uint32_t caps = 0;
    // A seat with a keyboard always has a keymap to send: a virtual keyboard counts once its
    // client has sent one (see keymap_changed).
    if (wlr_seat_get_keyboard(seat_) != nullptr) {
        caps |= WL_SEAT_CAPABILITY_KEYBOARD;
    }
    // A tablet's tool acts as a pointer wherever tablet-v2 is not used (tablet_tool.hpp).
    if (has_pointer_ || tablets_->has_tablets()) {
        caps |= WL_SEAT_CAPABILITY_POINTER;
    }
    wlr_seat_set_capabilities(seat_, caps);
}

bool Seat::handle_key_binding(std::uint32_t modifiers, xkb_keysym_t keysym,
                              std::optional<config::Action>* action) {
    // Ctrl+Alt+F1..F12 arrive as XF86Switch_VT_n; they must work whatever the bindings say.
    if (keysym >= XKB_KEY_XF86Switch_VT_1 && keysym <= XKB_KEY_XF86Switch_VT_12) {
        return hooks_.switch_vt && hooks_.switch_vt(keysym - XKB_KEY_XF86Switch_VT_1 + 1);
    }
    if (route_.lock_ != nullptr) {
        return false; // locked: every other key is the locker's
    }
    const config::Binding* binding = bindings_.match(modifiers, keysym);
    if (binding == nullptr) {
        return false;
    }
    const config::Binding copy = *binding; // the action may reload the bindings
    *action = copy.action;
    if (hooks_.run_action) {
        hooks_.run_action(copy);
    }
    return true;
}

} // namespace prism
