#include "compositor/input/input_method.hpp"

namespace prism {

InputMethodRelay::InputMethodRelay(wl_display* display, wlr_seat* seat)
    : seat_(seat) {
    wlr_text_input_manager_v3* text_inputs = wlr_text_input_manager_v3_create(display);
    wlr_input_method_manager_v2* input_methods = wlr_input_method_manager_v2_create(display);
    new_text_input_.connect(&text_inputs->events.text_input,
                            [this](wlr_text_input_v3* input) { handle_new_text_input(input); });
    new_input_method_.connect(
        &input_methods->events.input_method,
        [this](wlr_input_method_v2* method) { handle_new_input_method(method); });
    focus_change_.connect(
        &seat_->keyboard_state.events.focus_change,
        [this](wlr_seat_keyboard_focus_change_event* event) { handle_focus_change(event); });
}

InputMethodRelay::~InputMethodRelay() {
    text_inputs_.clear();
}

void InputMethodRelay::handle_new_text_input(wlr_text_input_v3* wlr) {
    auto input = std::make_unique<TextInput>();
    TextInput* self = input.get();
    input->wlr = wlr;
    input->enable.connect(&wlr->events.enable, [this](wlr_text_input_v3* text_input) {
        if (input_method_ != nullptr && text_input->focused_surface != nullptr) {
            wlr_input_method_v2_send_activate(input_method_);
            send_state(*text_input);
        }
    });
    input->commit.connect(&wlr->events.commit, [this](wlr_text_input_v3* text_input) {
        if (input_method_ != nullptr && text_input->current_enabled &&
            text_input->focused_surface != nullptr) {
            send_state(*text_input);
        }
    });
    input->disable.connect(&wlr->events.disable, [this](wlr_text_input_v3* text_input) {
        if (text_input->focused_surface != nullptr) {
            deactivate();
        }
    });
    input->destroy.connect(&wlr->events.destroy, [this, self](wlr_text_input_v3* text_input) {
        if (text_input->current_enabled && text_input->focused_surface != nullptr) {
            deactivate();
        }
        text_inputs_.remove_if([self](const auto& candidate) { return candidate.get() == self; });
    });
    text_inputs_.push_back(std::move(input));
    // A client that asks for its text input while it already has the keyboard is entered now.
    wlr_surface* focused = seat_->keyboard_state.focused_surface;
    if (focused != nullptr &&
        wl_resource_get_client(focused->resource) == wl_resource_get_client(wlr->resource)) {
        wlr_text_input_v3_send_enter(wlr, focused);
    }
}

void InputMethodRelay::handle_new_input_method(wlr_input_method_v2* method) {
    if (input_method_ != nullptr) {
        wlr_input_method_v2_send_unavailable(method); // one input method at a time
        return;
    }
    input_method_ = method;
    input_method_commit_.connect(&method->events.commit,
                                 [this](wlr_input_method_v2*) { handle_input_method_commit(); });
    input_method_destroy_.connect(&method->events.destroy, [this](wlr_input_method_v2*) {
        input_method_commit_.disconnect();
        input_method_destroy_.disconnect();
        input_method_ = nullptr;
    });
    if (TextInput* input = focused_enabled()) {
        wlr_input_method_v2_send_activate(input_method_);
        send_state(*input->wlr);
    }
}

void InputMethodRelay::handle_input_method_commit() {
    TextInput* input = focused_enabled();
    if (input == nullptr || input_method_ == nullptr) {
        return; // no focused text field: what the input method typed goes nowhere
    }
    const wlr_input_method_v2_state& state = input_method_->current;
    wlr_text_input_v3* text_input = input->wlr;
    if (state.preedit.text != nullptr) {
        wlr_text_input_v3_send_preedit_string(text_input, state.preedit.text,
                                              state.preedit.cursor_begin, state.preedit.cursor_end);
    }
    if (state.commit_text != nullptr) {
        wlr_text_input_v3_send_commit_string(text_input, state.commit_text);
    }
    if (state.delete_.before_length != 0 || state.delete_.after_length != 0) {
        wlr_text_input_v3_send_delete_surrounding_text(text_input, state.delete_.before_length,
                                                       state.delete_.after_length);
    }
    wlr_text_input_v3_send_done(text_input);
}

void InputMethodRelay::send_state(const wlr_text_input_v3& text_input) {
    const wlr_text_input_v3_state& state = text_input.current;
    if ((text_input.active_features & WLR_TEXT_INPUT_V3_FEATURE_SURROUNDING_TEXT) != 0) {
        wlr_input_method_v2_send_surrounding_text(
            input_method_, state.surrounding.text != nullptr ? state.surrounding.text : "",
            state.surrounding.cursor, state.surrounding.anchor);
    }
    wlr_input_method_v2_send_text_change_cause(input_method_, state.text_change_cause);
    if ((text_input.active_features & WLR_TEXT_INPUT_V3_FEATURE_CONTENT_TYPE) != 0) {
        wlr_input_method_v2_send_content_type(input_method_, state.content_type.hint,
                                              state.content_type.purpose);
    }
    wlr_input_method_v2_send_done(input_method_);
}

void InputMethodRelay::deactivate() {
    if (input_method_ != nullptr) {
        wlr_input_method_v2_send_deactivate(input_method_);
        wlr_input_method_v2_send_done(input_method_);
    }
}

InputMethodRelay::TextInput* InputMethodRelay::focused_enabled() {
    wlr_surface* focused = seat_->keyboard_state.focused_surface;
    if (focused == nullptr) {
        return nullptr;
    }
    for (const auto& input : text_inputs_) {
        if (input->wlr->focused_surface == focused && input->wlr->current_enabled) {
            return input.get();
        }
    }
    return nullptr;
}

void InputMethodRelay::handle_focus_change(wlr_seat_keyboard_focus_change_event* event) {
    set_focus(event->new_surface);
}

void InputMethodRelay::set_focus(wlr_surface* surface) {
    const wl_client* client =
        surface != nullptr ? wl_resource_get_client(surface->resource) : nullptr;
    for (const auto& input : text_inputs_) {
        wlr_text_input_v3* text_input = input->wlr;
        if (text_input->focused_surface != nullptr && text_input->focused_surface != surface) {
            if (text_input->current_enabled) {
                deactivate();
            }
            wlr_text_input_v3_send_leave(text_input);
        }
        if (surface != nullptr && text_input->focused_surface == nullptr &&
            wl_resource_get_client(text_input->resource) == client) {
            wlr_text_input_v3_send_enter(text_input, surface);
        }
    }
}

} // namespace prism
