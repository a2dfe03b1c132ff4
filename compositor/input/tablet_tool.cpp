#include "compositor/input/tablet_tool.hpp"

#include <cmath>
#include <linux/input-event-codes.h>

namespace prism {

namespace {

wl_client* client_of(wlr_surface* surface) {
    return wl_resource_get_client(surface->resource);
}

zwp_tablet_pad_v2_button_state tablet_state(wlr_button_state state) {
    return state == WLR_BUTTON_PRESSED ? ZWP_TABLET_PAD_V2_BUTTON_STATE_PRESSED
                                       : ZWP_TABLET_PAD_V2_BUTTON_STATE_RELEASED;
}

} // namespace

TabletTool::TabletTool(wlr_tablet_tool* wlr_tool, wlr_tablet_v2_tablet_tool* tool, wlr_seat* seat,
                       Cursor& cursor, Desktop& desktop, const InputRoute& route)
    : wlr_tool_(wlr_tool)
    , tool_(tool)
    , seat_(seat)
    , cursor_(cursor)
    , desktop_(desktop)
    , route_(route) {
    if (tool_ == nullptr) {
        return;
    }
    set_cursor_.connect(&tool_->events.set_cursor, [this](wlr_tablet_v2_event_cursor* event) {
        // Only the client the tool is over, with the serial of the tool's proximity_in on it
        // (wlroots checks neither), as for a pointer's cursor image.
        wlr_surface* surface = focus();
        if (surface == nullptr || event->seat_client == nullptr ||
            event->seat_client->client != client_of(surface) ||
            event->serial != tool_->proximity_serial) {
            return;
        }
        cursor_.set_tool_image(event->surface, event->hotspot_x, event->hotspot_y);
    });
}

std::uint32_t TabletTool::pointer_button_for(std::uint32_t tool_button) {
    switch (tool_button) {
    case BTN_STYLUS:
        return BTN_RIGHT;
    case BTN_STYLUS2:
        return BTN_MIDDLE;
    case BTN_LEFT:
    case BTN_RIGHT:
    case BTN_MIDDLE:
    case BTN_SIDE:
    case BTN_EXTRA:
    case BTN_FORWARD:
    case BTN_BACK:
    case BTN_TASK:
        return tool_button; // the buttons of a tablet's mouse
    default:
        return 0;
    }
}

bool TabletTool::held_as_tablet() const {
    if (tip_ && tip_->route == Route::Tablet) {
        return true;
    }
    for (const auto& [button, press] : buttons_) {
        if (press.route == Route::Tablet) {
            return true;
        }
    }
    return false;
}

bool TabletTool::held_as_pointer() const {
    if (tip_ && tip_->route == Route::Pointer) {
        return true;
    }
    for (const auto& [button, press] : buttons_) {
        if (press.route == Route::Pointer) {
            return true;
        }
    }
    return false;
}

bool TabletTool::super_held() const {
    wlr_keyboard* keyboard = wlr_seat_get_keyboard(seat_);
    return keyboard != nullptr && (wlr_keyboard_get_modifiers(keyboard) & WLR_MODIFIER_LOGO);
}

void TabletTool::move_cursor(wlr_tablet* device, std::uint32_t axes, double x, double y, double dx,
                             double dy) {
    wlr_cursor* cursor = cursor_.wlr();
    if (wlr_tool_->type == WLR_TABLET_TOOL_TYPE_MOUSE ||
        wlr_tool_->type == WLR_TABLET_TOOL_TYPE_LENS) {
        // A puck on the tablet is used like a mouse: it moves the cursor by its motion.
        wlr_cursor_move(cursor, &device->base, (axes & WLR_TABLET_TOOL_AXIS_X) ? dx : 0,
                        (axes & WLR_TABLET_TOOL_AXIS_Y) ? dy : 0);
    } else {
        // NaN keeps that coordinate where it is.
        wlr_cursor_warp_absolute(cursor, &device->base, (axes & WLR_TABLET_TOOL_AXIS_X) ? x : NAN,
                                 (axes & WLR_TABLET_TOOL_AXIS_Y) ? y : NAN);
    }
    lx_ = cursor->x;
    ly_ = cursor->y;
}

wlr_surface* TabletTool::target_at(double lx, double ly, wlr_tablet_v2_tablet* tablet, double* sx,
                                   double* sy) const {
    if (tool_ == nullptr || tablet == nullptr) {
        return nullptr;
    }
    // A move or resize, a menu's grab or a drag: the pointer's rules.
    if (cursor_.interactive() || seat_->pointer_state.grab != seat_->pointer_state.default_grab) {
        return nullptr;
    }
    wlr_surface* surface = nullptr;
    if (LockScreen* lock = route_.lock()) {
        surface = lock->surface_at(lx, ly, sx, sy); // the locker's surfaces only
    } else if (route_.modal() != nullptr) {
        return nullptr; // prism's dialog takes the taps
    } else {
        // A frame part has no surface: the frame acts on the tool as on a pointer.
        const Desktop::Hit hit = desktop_.hit_test(lx, ly);
        surface = hit.surface;
        *sx = hit.sx;
        *sy = hit.sy;
    }
    if (surface == nullptr || !wlr_surface_accepts_tablet_v2(tablet, surface)) {
        return nullptr;
    }
    return surface;
}

void TabletTool::leave() {
    if (focus() != nullptr) {
        wlr_tablet_v2_tablet_tool_notify_proximity_out(tool_);
    }
}

void TabletTool::route_position(wlr_tablet* device, wlr_tablet_v2_tablet* tablet,
                                std::uint32_t time_msec) {
    if (!in_proximity_) {
        leave(); // on its way out of proximity: nothing is entered any more
        return;
    }
    double sx = 0, sy = 0;
    // A press sent as a pointer button goes on as the pointer until it is released.
    wlr_surface* target = held_as_pointer() ? nullptr : target_at(lx_, ly_, tablet, &sx, &sy);
    if (target != nullptr && target != focus() && held_as_tablet() &&
        client_of(target) != stroke_client_) {
        target = nullptr; // a stroke never crosses into another client
    }
    if (target == nullptr) {
        leave();
        cursor_.pointer_motion_from(&device->base, time_msec);
        return;
    }
    const bool entering = target != focus();
    if (entering) {
        wlr_tablet_v2_tablet_tool_notify_proximity_in(tool_, tablet, target);
    }
    cursor_.yield_to_tool(entering);
    wlr_tablet_v2_tablet_tool_notify_motion(tool_, sx, sy);
}

void TabletTool::focus_window_under() {
    if (route_.lock() != nullptr) {
        return; // the locker's surfaces are not windows
    }
    const Desktop::Hit hit = desktop_.hit_test(lx_, ly_);
    if (hit.view != nullptr) {
        desktop_.focus(hit.view);
    } else if (hit.layer != nullptr) {
        desktop_.layer_clicked(hit.layer);
    }
}

void TabletTool::proximity(const wlr_tablet_tool_proximity_event& event,
                           wlr_tablet_v2_tablet* tablet) {
    tablet_ = tablet;
    in_proximity_ = event.state == WLR_TABLET_TOOL_PROXIMITY_IN;
    if (in_proximity_) {
        move_cursor(event.tablet, WLR_TABLET_TOOL_AXIS_X | WLR_TABLET_TOOL_AXIS_Y, event.x, event.y,
                    0, 0);
        route_position(event.tablet, tablet, event.time_msec);
        return;
    }
    // Out of proximity: the tablet reports the tip up and the buttons released first; if it
    // did not, they are released here, each the way it was pressed.
    if (tip_) {
        wlr_tablet_tool_tip_event up{};
        up.tablet = event.tablet;
        up.tool = event.tool;
        up.time_msec = event.time_msec;
        up.state = WLR_TABLET_TOOL_TIP_UP;
        tip(up, tablet);
    }
    while (!buttons_.empty()) {
        wlr_tablet_tool_button_event release{};
        release.tablet = event.tablet;
        release.tool = event.tool;
        release.time_msec = event.time_msec;
        release.button = buttons_.begin()->first;
        release.state = WLR_BUTTON_RELEASED;
        button(release, tablet);
    }
    leave();
}

void TabletTool::axis(const wlr_tablet_tool_axis_event& event, wlr_tablet_v2_tablet* tablet) {
    tablet_ = tablet;
    const std::uint32_t axes = event.updated_axes;
    if (axes & (WLR_TABLET_TOOL_AXIS_X | WLR_TABLET_TOOL_AXIS_Y)) {
        move_cursor(event.tablet, axes, event.x, event.y, event.dx, event.dy);
        route_position(event.tablet, tablet, event.time_msec);
    }
    if (focus() == nullptr) {
        // Acting as a pointer: a tablet mouse's wheel scrolls.
        if ((axes & WLR_TABLET_TOOL_AXIS_WHEEL) && !held_as_tablet()) {
            cursor_.pointer_scroll_from(&event.tablet->base, event.time_msec, event.wheel_delta,
                                        event.wheel_delta >= 0 ? 1 : -1);
        }
        return;
    }
    if (axes & WLR_TABLET_TOOL_AXIS_PRESSURE) {
        wlr_tablet_v2_tablet_tool_notify_pressure(tool_, event.pressure);
    }
    if (axes & WLR_TABLET_TOOL_AXIS_DISTANCE) {
        wlr_tablet_v2_tablet_tool_notify_distance(tool_, event.distance);
    }
    if (axes & (WLR_TABLET_TOOL_AXIS_TILT_X | WLR_TABLET_TOOL_AXIS_TILT_Y)) {
        wlr_tablet_v2_tablet_tool_notify_tilt(tool_, event.tilt_x, event.tilt_y);
    }
    if (axes & WLR_TABLET_TOOL_AXIS_ROTATION) {
        wlr_tablet_v2_tablet_tool_notify_rotation(tool_, event.rotation);
    }
    if (axes & WLR_TABLET_TOOL_AXIS_SLIDER) {
        wlr_tablet_v2_tablet_tool_notify_slider(tool_, event.slider);
    }
    if (axes & WLR_TABLET_TOOL_AXIS_WHEEL) {
        wlr_tablet_v2_tablet_tool_notify_wheel(tool_, event.wheel_delta, 0);
    }
}

void TabletTool::tip(const wlr_tablet_tool_tip_event& event, wlr_tablet_v2_tablet* tablet) {
    tablet_ = tablet;
    if (event.state == WLR_TABLET_TOOL_TIP_DOWN) {
        if (tip_) {
            return;
        }
        // Where the tool is now decides (a window may have opened under a still pen).
        route_position(event.tablet, tablet, event.time_msec);
        if (focus() != nullptr && !held_as_pointer() && !super_held()) {
            tip_ = Press{Route::Tablet, 0};
            if (stroke_client_ == nullptr) {
                stroke_client_ = client_of(focus());
            }
            focus_window_under();
            wlr_tablet_v2_tablet_tool_notify_down(tool_);
        } else {
            tip_ = Press{Route::Pointer, BTN_LEFT};
            leave();
            cursor_.pointer_button_from(&event.tablet->base, event.time_msec, BTN_LEFT,
                                        WL_POINTER_BUTTON_STATE_PRESSED);
        }
        return;
    }
    if (!tip_) {
        return;
    }
    const Press press = *tip_;
    tip_.reset();
    if (press.route == Route::Tablet) {
        wlr_tablet_v2_tablet_tool_notify_up(tool_); // sent only if the tool is still on it
    } else {
        cursor_.pointer_button_from(&event.tablet->base, event.time_msec, press.pointer_button,
                                    WL_POINTER_BUTTON_STATE_RELEASED);
    }
    if (!held_as_tablet()) {
        stroke_client_ = nullptr;
    }
    // Released: the surface under the tool may be entered now.
    route_position(event.tablet, tablet, event.time_msec);
}

void TabletTool::button(const wlr_tablet_tool_button_event& event, wlr_tablet_v2_tablet* tablet) {
    tablet_ = tablet;
    if (event.state == WLR_BUTTON_PRESSED) {
        if (buttons_.count(event.button) > 0) {
            return;
        }
        route_position(event.tablet, tablet, event.time_msec);
        if (focus() != nullptr && !held_as_pointer() && !super_held()) {
            buttons_[event.button] = Press{Route::Tablet, 0};
            if (stroke_client_ == nullptr) {
                stroke_client_ = client_of(focus());
            }
            focus_window_under();
            wlr_tablet_v2_tablet_tool_notify_button(tool_, event.button, tablet_state(event.state));
            return;
        }
        const std::uint32_t pointer_button = pointer_button_for(event.button);
        buttons_[event.button] = Press{Route::Pointer, pointer_button};
        leave();
        if (pointer_button != 0) {
            cursor_.pointer_button_from(&event.tablet->base, event.time_msec, pointer_button,
                                        WL_POINTER_BUTTON_STATE_PRESSED);
        }
        return;
    }
    const auto held = buttons_.find(event.button);
    if (held == buttons_.end()) {
        return;
    }
    const Press press = held->second;
    buttons_.erase(held);
    if (press.route == Route::Tablet) {
        wlr_tablet_v2_tablet_tool_notify_button(tool_, event.button, tablet_state(event.state));
    } else if (press.pointer_button != 0) {
        cursor_.pointer_button_from(&event.tablet->base, event.time_msec, press.pointer_button,
                                    WL_POINTER_BUTTON_STATE_RELEASED);
    }
    if (!held_as_tablet()) {
        stroke_client_ = nullptr;
    }
    route_position(event.tablet, tablet, event.time_msec);
}

void TabletTool::check_focus() {
    wlr_surface* surface = focus();
    if (surface == nullptr) {
        return;
    }
    double sx = 0, sy = 0;
    if (target_at(lx_, ly_, tablet_, &sx, &sy) != surface) {
        leave();
    }
}

void TabletTool::forget_tablet(const wlr_tablet_v2_tablet* tablet) {
    if (tablet_ != tablet) {
        return;
    }
    leave();
    tablet_ = nullptr;
}

} // namespace prism
