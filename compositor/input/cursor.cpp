#include "compositor/input/cursor.hpp"

#include <algorithm>
#include <linux/input-event-codes.h>
#include <set>

namespace prism {

Cursor::Cursor(wlr_seat* seat, wlr_output_layout* layout, Desktop& desktop, const InputRoute& route,
               wlr_scene_tree* drag_icons, std::function<void()> on_activity,
               std::function<config::VmLimits(wl_client*)> limits_of)
    : seat_(seat)
    , layout_(layout)
    , desktop_(desktop)
    , route_(route)
    , drag_icons_(drag_icons)
    , on_activity_(std::move(on_activity))
    , cursor_(wlr_cursor_create()) {
    limits_of_ = std::move(limits_of);
    wlr_cursor_attach_output_layout(cursor_, layout_);

    motion_.connect(&cursor_->events.motion, [this](wlr_pointer_motion_event* event) {
        double dx = event->delta_x, dy = event->delta_y;
        if (constrain_motion_) {
            constrain_motion_(*event, &dx, &dy);
        }
        wlr_cursor_move(cursor_, &event->pointer->base, dx, dy);
        note_activity(&event->pointer->base);
        handle_motion(event->time_msec);
    });
    motion_absolute_.connect(
        &cursor_->events.motion_absolute, [this](wlr_pointer_motion_absolute_event* event) {
            wlr_cursor_warp_absolute(cursor_, &event->pointer->base, event->x, event->y);
            note_activity(&event->pointer->base);
            handle_motion(event->time_msec);
        });
    button_.connect(&cursor_->events.button, [this](wlr_pointer_button_event* event) {
        handle_button(&event->pointer->base, event->time_msec, event->button, event->state);
    });
    axis_.connect(&cursor_->events.axis, [this](wlr_pointer_axis_event* event) {
        note_activity(&event->pointer->base);
        handle_axis(event->time_msec, event->orientation, event->delta, event->delta_discrete,
                    event->source, event->relative_direction);
    });
    frame_.connect(&cursor_->events.frame, [this](void*) { wlr_seat_pointer_notify_frame(seat_); });
    request_set_cursor_.connect(
        &seat_->events.request_set_cursor,
        [this](wlr_seat_pointer_request_set_cursor_event* event) {
            // Only the client the pointer is over may change the cursor
            // image, and none while prism's dialog is up (an image
            // offset from its hotspot could aim the user's click).
            if (event->seat_client == seat_->pointer_state.focused_client && !route_.modal_up()) {
                set_client_image(event->surface, event->hotspot_x, event->hotspot_y);
            }
        });
    start_drag_.connect(&seat_->events.start_drag,
                        [this](wlr_drag* drag) { handle_start_drag(drag); });
}

void Cursor::handle_start_drag(wlr_drag* drag) {
    drag_icon_.reset();
    if (drag->icon != nullptr) {
        wl_client* client = wl_resource_get_client(drag->icon->surface->resource);
        const auto limits = limits_of_ ? limits_of_(client) : config::VmLimits{};
        drag_icon_ = std::make_unique<DragIcon>(drag_icons_, drag->icon, cursor_->x, cursor_->y,
                                                static_cast<int>(limits.max_drag_icon_size));
    }
}

void Cursor::attach(wlr_input_device* device, bool host) {
    wlr_cursor_attach_input_device(cursor_, device);
    if (!host) {
        vm_devices_.insert(device);
        auto listener = std::make_unique<Listener<void>>();
        listener->connect(&device->events.destroy, [this, device](void*) {
            vm_devices_.erase(device);
            // Disconnected, not erased: erasing would destroy this very listener mid-call.
            vm_device_destroy_[device]->disconnect();
        });
        vm_device_destroy_[device] = std::move(listener);
    }
}

Cursor::~Cursor() {
    wlr_cursor_destroy(cursor_);
    if (manager_ != nullptr) {
        wlr_xcursor_manager_destroy(manager_);
    }
}

void Cursor::set_theme(const config::CursorConfig& config,
                       std::function<int(wlr_output*)> size_of_output) {
    config_ = config;
    size_of_output_ = std::move(size_of_output);
    refresh_image();
}

wlr_xcursor_manager* Cursor::build_manager() const {
    const char* theme = config_.theme.empty() ? nullptr : config_.theme.c_str();
    const auto base = static_cast<std::uint32_t>(config_.size);
    wlr_xcursor_manager* manager = wlr_xcursor_manager_create(theme, base);
    if (manager == nullptr) {
        return nullptr;
    }
    // wlr_cursor loads each output's theme at the manager's size times the output's scale,
    // once per scale. Loading them here first, with the size an output of that scale is
    // configured for, gives outputs of one scale the first such output's size.
    wlr_output_layout_output* entry;
    wl_list_for_each(entry, &layout_->outputs, link) {
        wlr_output* output = entry->output;
        manager->size =
            static_cast<std::uint32_t>(size_of_output_ ? size_of_output_(output) : config_.size);
        wlr_xcursor_manager_load(manager, output->scale); // a no-op for a scale already loaded
    }
    manager->size = base;
    return manager;
}

void Cursor::set_client_image(wlr_surface* surface, int hotspot_x, int hotspot_y) {
    client_image_commit_.disconnect();
    client_image_destroy_.disconnect();
    client_image_ = true;
    client_hotspot_x_ = hotspot_x;
    client_hotspot_y_ = hotspot_y;
    wlr_cursor_set_surface(cursor_, surface, hotspot_x, hotspot_y);
    if (surface == nullptr) {
        return; // hidden
    }
    // A cursor image has no frame and is drawn above everything: a client's may be no larger
    // than its origin's max_cursor_size, with its hotspot inside it, or it could cover the
    // screen with anything.
    wl_client* client = wl_resource_get_client(surface->resource);
    client_image_max_ =
        static_cast<int>((limits_of_ ? limits_of_(client) : config::VmLimits{}).max_cursor_size);
    // The client can attach a larger buffer, or move it with an offset, at any commit.
    client_image_commit_.connect(&surface->events.commit, [this, surface](void*) {
        client_hotspot_x_ -= surface->current.dx;
        client_hotspot_y_ -= surface->current.dy;
        check_client_image(surface);
    });
    client_image_destroy_.connect(&surface->events.destroy, [this](void*) {
        client_image_commit_.disconnect();
        client_image_destroy_.disconnect();
    });
    check_client_image(surface);
}

void Cursor::check_client_image(wlr_surface* surface) {
    const int max = client_image_max_;
    const bool fits = surface->current.width <= max && surface->current.height <= max &&
                      client_hotspot_x_ >= 0 && client_hotspot_y_ >= 0 && client_hotspot_x_ < max &&
                      client_hotspot_y_ < max;
    if (!fits) {
        // Debug only: a client may ask again as often as it likes.
        wlr_log(WLR_DEBUG, "cursor image %dx%d with hotspot %d,%d refused", surface->current.width,
                surface->current.height, client_hotspot_x_, client_hotspot_y_);
        set_image("left_ptr");
    }
}

void Cursor::set_client_shape(const char* name) {
    if (mode_ != Mode::Passthrough || is_modal()) {
        return;
    }
    set_image(name);
}

void Cursor::set_image(const char* name) {
    client_image_commit_.disconnect();
    client_image_destroy_.disconnect();
    image_ = name;
    client_image_ = false;
    if (manager_ == nullptr) {
        manager_ = build_manager();
    }
    if (manager_ != nullptr) {
        // Outputs whose theme lacks the image keep no image rather than a stale one.
        wlr_cursor_set_xcursor(cursor_, manager_, name);
    }
}

void Cursor::refresh_image() {
    // Outputs, scales or sizes changed: a new manager, set before the old one goes (the
    // cursor refers to the manager it shows).
    wlr_xcursor_manager* old = manager_;
    manager_ = build_manager();
    set_image(image_.c_str());
    if (old != nullptr) {
        wlr_xcursor_manager_destroy(old);
    }
}

void Cursor::begin_grab(View& view, Mode mode, std::uint32_t edges, const char* image) {
    if (is_locked()) {
        return; // no window moves under the lock, whoever asks
    }
    mode_ = mode;
    grabbed_ = &view;
    grab_x_ = cursor_->x;
    grab_y_ = cursor_->y;
    grab_box_ = view.content_box();
    resize_edges_ = edges;
    // While prism moves or resizes a window, no client sees the pointer.
    wlr_seat_pointer_notify_clear_focus(seat_);
    set_image(image);
}

void Cursor::begin_move(View& view) {
    begin_grab(view, Mode::Move, 0, "grabbing");
}

void Cursor::begin_resize(View& view, std::uint32_t edges) {
    begin_grab(view, Mode::Resize, edges,
               wlr_xcursor_get_resize_name(static_cast<wlr_edges>(edges)));
}

void Cursor::begin_interactive(View& view, std::uint32_t edges) {
    if (edges == WLR_EDGE_NONE) {
        begin_move(view);
    } else {
        begin_resize(view, edges);
    }
}

void Cursor::position(double& x, double& y) const {
    x = cursor_->x;
    y = cursor_->y;
}

void Cursor::end_interactive(const View* view) {
    if (view != nullptr && view != grabbed_) {
        return;
    }
    const bool was_grabbing = mode_ != Mode::Passthrough;
    mode_ = Mode::Passthrough;
    grabbed_ = nullptr;
    if (was_grabbing) {
        set_image("left_ptr");
    }
}

void Cursor::handle_motion(std::uint32_t time_msec) {
    if (drag_icon_) {
        drag_icon_->move_to(cursor_->x, cursor_->y);
    }
    const double dx = cursor_->x - grab_x_;
    const double dy = cursor_->y - grab_y_;
    if (mode_ == Mode::Move && grabbed_ != nullptr) {
        grabbed_->move_to(grab_box_.x + static_cast<int>(dx), grab_box_.y + static_cast<int>(dy));
        return;
    }
    if (mode_ == Mode::Resize && grabbed_ != nullptr) {
        int left = grab_box_.x, right = grab_box_.x + grab_box_.width;
        int top = grab_box_.y, bottom = grab_box_.y + grab_box_.height;
        constexpr int kMin = 32;
        if (resize_edges_ & WLR_EDGE_LEFT) {
            left = std::min(left + static_cast<int>(dx), right - kMin);
        } else if (resize_edges_ & WLR_EDGE_RIGHT) {
            right = std::max(right + static_cast<int>(dx), left + kMin);
        }
        if (resize_edges_ & WLR_EDGE_TOP) {
            top = std::min(top + static_cast<int>(dy), bottom - kMin);
        } else if (resize_edges_ & WLR_EDGE_BOTTOM) {
            bottom = std::max(bottom + static_cast<int>(dy), top + kMin);
        }
        grabbed_->move_to(left, top);
        grabbed_->request_size(right - left, bottom - top);
        return;
    }
    update_focus(time_msec);
}

void Cursor::update_focus(std::uint32_t time_msec) {
    if (mode_ != Mode::Passthrough) {
        return;
    }
    if (is_locked()) {
        // Locked: the locker's surface or nothing, whatever windows lie below the lock.
        double sx = 0, sy = 0;
        wlr_surface* surface = route_.lock()->surface_at(cursor_->x, cursor_->y, &sx, &sy);
        if (surface == nullptr) {
            wlr_seat_pointer_clear_focus(seat_);
            if (client_image_ || image_ != "left_ptr") {
                set_image("left_ptr");
            }
            return;
        }
        wlr_seat_pointer_notify_enter(seat_, surface, sx, sy);
        wlr_seat_pointer_notify_motion(seat_, time_msec, sx, sy);
        return;
    }
    if (is_modal()) {
        // Over prism's dialog nothing of any client shows or listens: prism's own arrow.
        wlr_seat_pointer_clear_focus(seat_);
        if (client_image_ || image_ != "left_ptr") {
            set_image("left_ptr");
        }
        return;
    }
    const Desktop::Hit hit = desktop_.hit_test(cursor_->x, cursor_->y);
    if (hit.surface == nullptr) {
        if (client_image_ || image_ != "left_ptr") {
            set_image("left_ptr");
        }
        wlr_seat_pointer_clear_focus(seat_);
        return;
    }
    wlr_seat_pointer_notify_enter(seat_, hit.surface, hit.sx, hit.sy);
    wlr_seat_pointer_notify_motion(seat_, time_msec, hit.sx, hit.sy);
}

namespace {

// The edges of `box` nearest to a point, for resizing from the border or with Super+right.
std::uint32_t nearest_edges(const wlr_box& box, double x, double y) {
    std::uint32_t edges = 0;
    edges |= x < box.x + box.width / 2.0 ? WLR_EDGE_LEFT : WLR_EDGE_RIGHT;
    edges |= y < box.y + box.height / 2.0 ? WLR_EDGE_TOP : WLR_EDGE_BOTTOM;
    return edges;
}

constexpr std::uint32_t kDoubleClickMs = 400;

} // namespace

void Cursor::note_activity(const wlr_input_device* device) {
    // The user's input only: a VM's virtual pointer is no sign of anyone there.
    if (vm_devices_.count(device) == 0) {
        on_activity_();
    }
}

void Cursor::handle_axis(std::uint32_t time_msec, wl_pointer_axis orientation, double delta,
                         std::int32_t delta_discrete, wl_pointer_axis_source source,
                         wl_pointer_axis_relative_direction direction) {
    if (is_modal()) {
        return; // no client scrolls under prism's dialog
    }
    wlr_seat_pointer_notify_axis(seat_, time_msec, orientation, delta, delta_discrete, source,
                                 direction);
}

void Cursor::pointer_motion_from(const wlr_input_device* device, std::uint32_t time_msec) {
    note_activity(device);
    handle_motion(time_msec);
    wlr_seat_pointer_notify_frame(seat_);
}

void Cursor::pointer_button_from(const wlr_input_device* device, std::uint32_t time_msec,
                                 std::uint32_t button, wl_pointer_button_state state) {
    handle_button(device, time_msec, button, state);
    wlr_seat_pointer_notify_frame(seat_);
}

void Cursor::pointer_scroll_from(const wlr_input_device* device, std::uint32_t time_msec,
                                 double delta, std::int32_t delta_discrete) {
    note_activity(device);
    handle_axis(time_msec, WL_POINTER_AXIS_VERTICAL_SCROLL, delta, delta_discrete,
                WL_POINTER_AXIS_SOURCE_WHEEL, WL_POINTER_AXIS_RELATIVE_DIRECTION_IDENTICAL);
    wlr_seat_pointer_notify_frame(seat_);
}

void Cursor::yield_to_tool(bool new_surface) {
    const bool had_focus = seat_->pointer_state.focused_surface != nullptr;
    if (had_focus) {
        wlr_seat_pointer_notify_clear_focus(seat_);
    }
    // The image of the client that had the pointer is not the tool's; the tool's client sets
    // its own (set_tool_image) after it is entered.
    if ((had_focus || new_surface) && (client_image_ || image_ != "left_ptr")) {
        set_image("left_ptr");
    }
}

void Cursor::set_tool_image(wlr_surface* surface, int hotspot_x, int hotspot_y) {
    // A pointer that entered a surface since has the cursor again.
    if (mode_ != Mode::Passthrough || route_.modal_up() ||
        seat_->pointer_state.focused_surface != nullptr) {
        return;
    }
    set_client_image(surface, hotspot_x, hotspot_y);
}

void Cursor::handle_button(const wlr_input_device* device, std::uint32_t time_msec,
                           std::uint32_t button, wl_pointer_button_state state) {
    note_activity(device);
    if (state == WL_POINTER_BUTTON_STATE_RELEASED) {
        // Any release ends a move or resize, also one the client asked for.
        const bool grabbing = mode_ != Mode::Passthrough;
        end_interactive();
        if (swallowed_buttons_.erase(button) > 0) {
            // The press was prism's (a grab, a frame click) and never sent: nor is this.
            update_focus(time_msec);
            return;
        }
        wlr_seat_pointer_notify_button(seat_, time_msec, button, state);
        if (grabbing) {
            update_focus(time_msec);
        }
        return;
    }

    if (is_locked()) {
        // To the locker's surface under the pointer, if any; a VM's virtual pointer clicks
        // nothing.
        if (vm_devices_.count(device) > 0) {
            swallowed_buttons_.insert(button);
            return;
        }
        wlr_seat_pointer_notify_button(seat_, time_msec, button, state);
        return;
    }
    if (Modal* modal = route_.modal()) {
        swallowed_buttons_.insert(button);
        if (vm_devices_.count(device) == 0) {
            modal->button(cursor_->x, cursor_->y, button, route_.last_host_key());
        }
        return;
    }
    const Desktop::Hit hit = desktop_.hit_test(cursor_->x, cursor_->y);
    if (hit.view == nullptr) {
        if (hit.layer != nullptr) {
            desktop_.layer_clicked(hit.layer); // a panel or launcher that takes keys on demand
        }
        wlr_seat_pointer_notify_button(seat_, time_msec, button, state);
        return;
    }
    View& view = *hit.view;
    // Click focuses and raises.
    desktop_.focus(&view);

    wlr_keyboard* keyboard = wlr_seat_get_keyboard(seat_);
    const bool super =
        keyboard != nullptr && (wlr_keyboard_get_modifiers(keyboard) & WLR_MODIFIER_LOGO);
    if (super && (button == BTN_LEFT || button == BTN_RIGHT)) {
        swallowed_buttons_.insert(button);
        if (button == BTN_LEFT) {
            begin_move(view);
        } else {
            begin_resize(view, nearest_edges(view.content_box(), cursor_->x, cursor_->y));
        }
        return;
    }
    if (hit.part != FramePart::None) {
        swallowed_buttons_.insert(button);
        if (button != BTN_LEFT) {
            return;
        }
        switch (hit.part) {
        case FramePart::CloseButton:
            view.close();
            break;
        case FramePart::TitleBar:
            if (last_title_click_view_ == &view &&
                time_msec - last_title_click_msec_ < kDoubleClickMs) {
                last_title_click_view_ = nullptr;
                view.set_maximized(!view.maximized());
            } else {
                last_title_click_view_ = &view;
                last_title_click_msec_ = time_msec;
                begin_move(view);
            }
            break;
        case FramePart::Border:
            begin_resize(view, nearest_edges(view.content_box(), cursor_->x, cursor_->y));
            break;
        case FramePart::None:
            break;
        }
        return;
    }
    wlr_seat_pointer_notify_button(seat_, time_msec, button, state);
}

void Cursor::forget(const View& view) {
    end_interactive(&view);
    if (last_title_click_view_ == &view) {
        last_title_click_view_ = nullptr;
    }
}

} // namespace prism
