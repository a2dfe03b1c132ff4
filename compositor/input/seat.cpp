#include "compositor/input/seat.hpp"

namespace prism {

Seat::Seat(wlr_seat* seat, wlr_output_layout* layout, Desktop& desktop, Hooks hooks)
    : seat_(seat)
    , desktop_(desktop)
    , hooks_(std::move(hooks)) {
    cursor_ = std::make_unique<Cursor>(seat_, layout, desktop_, [this] { note_activity(); });

    // The selection is offered only to the keyboard-focused client, so only the window the
    // user is working in can paste. Per-origin mediation of crossings builds on these hooks.
    request_set_selection_.connect(&seat_->events.request_set_selection,
                                   [this](wlr_seat_request_set_selection_event* event) {
                                       wlr_seat_set_selection(seat_, event->source, event->serial);
                                   });
    request_set_primary_selection_.connect(
        &seat_->events.request_set_primary_selection,
        [this](wlr_seat_request_set_primary_selection_event* event) {
            wlr_seat_set_primary_selection(seat_, event->source, event->serial);
        });
}

Seat::~Seat() {
    keyboards_.clear();
    cursor_.reset();
}

void Seat::apply_config(const config::Config& config) {
    keyboard_config_ = config.keyboard;
    bindings_ = BindingTable(config.bindings);
    for (const auto& keyboard : keyboards_) {
        keyboard->apply(keyboard_config_);
    }
    cursor_->set_theme(config.cursor, hooks_.cursor_size_of);
}

void Seat::add_device(wlr_input_device* device, bool virtual_keyboard) {
    switch (device->type) {
    case WLR_INPUT_DEVICE_KEYBOARD: {
        auto keyboard = std::make_unique<Keyboard>(*this, device, !virtual_keyboard);
        keyboard->apply(keyboard_config_);
        wlr_seat_set_keyboard(seat_, device);
        keyboards_.push_back(std::move(keyboard));
        break;
    }
    case WLR_INPUT_DEVICE_POINTER:
        cursor_->attach(device);
        has_pointer_ = true;
        break;
    default:
        wlr_log(WLR_INFO, "input: ignoring device '%s' of unsupported type %d", device->name,
                static_cast<int>(device->type));
        return;
    }
    update_capabilities();
}

void Seat::remove_keyboard(Keyboard& keyboard) {
    keyboards_.remove_if([&](const auto& candidate) { return candidate.get() == &keyboard; });
    update_capabilities();
}

void Seat::update_capabilities() {
    std::uint32_t caps = 0;
    if (!keyboards_.empty()) {
        caps |= WL_SEAT_CAPABILITY_KEYBOARD;
    }
    if (has_pointer_) {
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
