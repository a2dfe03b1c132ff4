// pointer-gestures-v1: touchpad swipes, pinches and holds, passed to the client with pointer
// focus (wlroots sends them only to that client's surface), and to nobody while prism's dialog
// is up (InputRoute::modal), as scrolling is.
#pragma once

#include "compositor/input/cursor.hpp"
#include "compositor/input/input_route.hpp"
#include "compositor/listener.hpp"
#include "compositor/wlr.hpp"

namespace prism {

class PointerGestures {
public:
    PointerGestures(wl_display* display, wlr_seat* seat, Cursor& cursor, const InputRoute& route);
    PointerGestures(const PointerGestures&) = delete;
    PointerGestures& operator=(const PointerGestures&) = delete;

private:
    bool blocked() const { return route_.modal() != nullptr; }

    wlr_seat* seat_;
    Cursor& cursor_;
    const InputRoute& route_;
    wlr_pointer_gestures_v1* gestures_;
    Listener<wlr_pointer_swipe_begin_event> swipe_begin_;
    Listener<wlr_pointer_swipe_update_event> swipe_update_;
    Listener<wlr_pointer_swipe_end_event> swipe_end_;
    Listener<wlr_pointer_pinch_begin_event> pinch_begin_;
    Listener<wlr_pointer_pinch_update_event> pinch_update_;
    Listener<wlr_pointer_pinch_end_event> pinch_end_;
    Listener<wlr_pointer_hold_begin_event> hold_begin_;
    Listener<wlr_pointer_hold_end_event> hold_end_;
};

} // namespace prism
