#include "compositor/input/input_method.hpp"

#include <algorithm>

namespace prism {

namespace {

// Where `surface` is drawn, in layout coordinates: the first enabled scene buffer showing it.
std::optional<wlr_box> surface_box(wlr_scene* scene, wlr_surface* surface) {
    struct Search {
        wlr_surface* surface;
        std::optional<wlr_box> box;
    } search{surface, std::nullopt};
    wlr_scene_node_for_each_buffer(
        &scene->tree.node,
        [](wlr_scene_buffer* buffer, int lx, int ly, void* data) {
            auto* s = static_cast<Search*>(data);
            wlr_scene_surface* scene_surface = wlr_scene_surface_try_from_buffer(buffer);
            if (!s->box && scene_surface != nullptr && scene_surface->surface == s->surface) {
                s->box = wlr_box{lx, ly, s->surface->current.width, s->surface->current.height};
            }
        },
        &search);
    return search.box;
}

} // namespace

InputMethodRelay::InputMethodRelay(wl_display* display, wlr_seat* seat, wlr_scene* scene,
                                   wlr_output_layout* layout)
    : seat_(seat)
    , scene_(scene)
    , layout_(layout)
    , popup_tree_(wlr_scene_tree_create(&scene->tree)) {
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
    for (const auto& popup : popups_) {
        wlr_scene_node_destroy(&popup->tree->node);
    }
    popups_.clear();
    text_inputs_.clear();
    wlr_scene_node_destroy(&popup_tree_->node);
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
        update_popups();
    });
    input->commit.connect(&wlr->events.commit, [this](wlr_text_input_v3* text_input) {
        if (input_method_ != nullptr && text_input->current_enabled &&
            text_input->focused_surface != nullptr) {
            send_state(*text_input);
        }
        update_popups(); // the cursor rectangle may have moved
    });
    input->disable.connect(&wlr->events.disable, [this](wlr_text_input_v3* text_input) {
        if (text_input->focused_surface != nullptr) {
            deactivate();
            give_back_modifiers();
        }
    });
    input->destroy.connect(&wlr->events.destroy, [this, self](wlr_text_input_v3* text_input) {
        if (text_input->current_enabled && text_input->focused_surface != nullptr) {
            deactivate();
            give_back_modifiers();
        }
        text_inputs_.remove_if([self](const auto& candidate) { return candidate.get() == self; });
        update_popups();
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
    grab_keyboard_.connect(
        &method->events.grab_keyboard,
        [this](wlr_input_method_keyboard_grab_v2* grab) { handle_grab_keyboard(grab); });
    new_popup_.connect(&method->events.new_popup_surface,
                       [this](wlr_input_popup_surface_v2* popup) { handle_new_popup(popup); });
    input_method_destroy_.connect(&method->events.destroy, [this](wlr_input_method_v2*) {
        // wlroots destroys the popups before and the keyboard grab after this.
        input_method_commit_.disconnect();
        input_method_destroy_.disconnect();
        grab_keyboard_.disconnect();
        new_popup_.disconnect();
        input_method_ = nullptr;
    });
    if (TextInput* input = focused_enabled()) {
        wlr_input_method_v2_send_activate(input_method_);
        send_state(*input->wlr);
    }
}

void InputMethodRelay::handle_grab_keyboard(wlr_input_method_keyboard_grab_v2* grab) {
    // No keymap yet: the grab gets the keymap of the keyboard whose key it gets first, just
    // before that key (the seat's keyboard now may be a VM's virtual one).
    grab_destroy_.connect(&grab->events.destroy, [this](wlr_input_method_keyboard_grab_v2*) {
        grab_destroy_.disconnect();
        give_back_modifiers();
    });
}

wlr_input_method_keyboard_grab_v2* InputMethodRelay::keyboard_grab() const {
    return input_method_ != nullptr ? input_method_->keyboard_grab : nullptr;
}

wlr_input_method_keyboard_grab_v2* InputMethodRelay::keyboard_grab_for(wlr_keyboard* keyboard,
                                                                       bool host) {
    wlr_input_method_keyboard_grab_v2* grab = keyboard_grab();
    if (grab == nullptr || !host || keyboard->keymap == nullptr || focused_enabled() == nullptr) {
        return nullptr;
    }
    // The keys the input method forwards through its own virtual keyboard go to the window.
    if (wlr_virtual_keyboard_v1* virtual_keyboard =
            wlr_input_device_get_virtual_keyboard(&keyboard->base)) {
        if (wl_resource_get_client(virtual_keyboard->resource) ==
            wl_resource_get_client(input_method_->resource)) {
            return nullptr;
        }
    }
    return grab;
}

void InputMethodRelay::give_back_modifiers() {
    wlr_keyboard* keyboard = wlr_seat_get_keyboard(seat_);
    if (keyboard != nullptr) {
        wlr_seat_keyboard_notify_modifiers(seat_, &keyboard->modifiers);
    }
}

void InputMethodRelay::handle_new_popup(wlr_input_popup_surface_v2* wlr) {
    auto popup = std::make_unique<Popup>();
    Popup* self = popup.get();
    popup->wlr = wlr;
    popup->tree = wlr_scene_tree_create(popup_tree_);
    wlr_scene_node_set_enabled(&popup->tree->node, false);
    wlr_scene_subsurface_tree_create(popup->tree, wlr->surface);
    popup->commit.connect(&wlr->surface->events.commit, [this](void*) { update_popups(); });
    popup->map.connect(&wlr->surface->events.map, [this](void*) { update_popups(); });
    popup->unmap.connect(&wlr->surface->events.unmap, [this](void*) { update_popups(); });
    popup->destroy.connect(&wlr->events.destroy, [this, self](void*) {
        wlr_scene_node_destroy(&self->tree->node);
        popups_.remove_if([self](const auto& candidate) { return candidate.get() == self; });
    });
    popups_.push_back(std::move(popup));
    update_popups();
}

void InputMethodRelay::update_popups() {
    TextInput* input = focused_enabled();
    for (const auto& popup : popups_) {
        const bool shown = input != nullptr && popup->wlr->surface->mapped;
        if (shown) {
            place_popup(*popup, *input->wlr);
        }
        wlr_scene_node_set_enabled(&popup->tree->node, shown);
    }
}

void InputMethodRelay::place_popup(Popup& popup, const wlr_text_input_v3& text_input) {
    const std::optional<wlr_box> surface = surface_box(scene_, text_input.focused_surface);
    if (!surface) {
        wlr_scene_node_set_enabled(&popup.tree->node, false);
        return;
    }
    // The cursor rectangle, in layout coordinates, kept within the surface: a client cannot
    // have the popup drawn away from its own window. Without one, the whole surface.
    wlr_box anchor = *surface;
    if ((text_input.current.features & WLR_TEXT_INPUT_V3_FEATURE_CURSOR_RECTANGLE) != 0) {
        const wlr_box& cursor = text_input.current.cursor_rectangle;
        const int x = std::clamp(cursor.x, 0, surface->width);
        const int y = std::clamp(cursor.y, 0, surface->height);
        anchor = {surface->x + x, surface->y + y, std::clamp(cursor.width, 0, surface->width - x),
                  std::clamp(cursor.height, 0, surface->height - y)};
    }
    wlr_output* output = wlr_output_layout_output_at(layout_, anchor.x + anchor.width / 2.0,
                                                     anchor.y + anchor.height / 2.0);
    if (output == nullptr) {
        double x = 0, y = 0;
        wlr_output_layout_closest_point(layout_, nullptr, anchor.x, anchor.y, &x, &y);
        output = wlr_output_layout_output_at(layout_, x, y);
    }
    wlr_box area{};
    wlr_output_layout_get_box(layout_, output, &area);
    const int width = popup.wlr->surface->current.width;
    const int height = popup.wlr->surface->current.height;
    // Below the cursor, left edges aligned; above it when there is more room there; then slid
    // inside the output.
    int x = anchor.x;
    int y = anchor.y + anchor.height;
    const int room_below = area.y + area.height - y;
    const int room_above = anchor.y - area.y;
    if (room_below < height && room_above > room_below) {
        y = anchor.y - height;
    }
    if (!wlr_box_empty(&area)) {
        x = std::max(area.x, std::min(x, area.x + area.width - width));
        y = std::max(area.y, std::min(y, area.y + area.height - height));
    }
    wlr_scene_node_set_position(&popup.tree->node, x, y);
    wlr_box relative{anchor.x - x, anchor.y - y, anchor.width, anchor.height};
    if (!popup.told || !wlr_box_equal(&*popup.told, &relative)) {
        // Only when it changed: an input method that redraws on it would otherwise be told
        // again at each of its commits.
        popup.told = relative;
        wlr_input_popup_surface_v2_send_text_input_rectangle(popup.wlr, &relative);
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
    update_popups();
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
