#include "compositor/input/pointer_gestures.hpp"

namespace prism {

PointerGestures::PointerGestures(wl_display* display, wlr_seat* seat, Cursor& cursor,
                                 const InputRoute& route)
    : seat_(seat)
    , cursor_(cursor)
    , route_(route)
    , gestures_(wlr_pointer_gestures_v1_create(display)) {
    wlr_cursor* wlr = cursor_.wlr();
    // Begins and updates are held back while a dialog is up; ends always pass, so no client
    // is left in the middle of a gesture.
    swipe_begin_.connect(&wlr->events.swipe_begin, [this](wlr_pointer_swipe_begin_event* event) {
        if (!blocked()) {
            wlr_pointer_gestures_v1_send_swipe_begin(gestures_, seat_, event->time_msec,
                                                     event->fingers);
        }
    });
    swipe_update_.connect(&wlr->events.swipe_update, [this](wlr_pointer_swipe_update_event* event) {
        if (!blocked()) {
            wlr_pointer_gestures_v1_send_swipe_update(gestures_, seat_, event->time_msec, event->dx,
                                                      event->dy);
        }
    });
    swipe_end_.connect(&wlr->events.swipe_end, [this](wlr_pointer_swipe_end_event* event) {
        wlr_pointer_gestures_v1_send_swipe_end(gestures_, seat_, event->time_msec,
                                               event->cancelled);
    });
    pinch_begin_.connect(&wlr->events.pinch_begin, [this](wlr_pointer_pinch_begin_event* event) {
        if (!blocked()) {
            wlr_pointer_gestures_v1_send_pinch_begin(gestures_, seat_, event->time_msec,
                                                     event->fingers);
        }
    });
    pinch_update_.connect(&wlr->events.pinch_update, [this](wlr_pointer_pinch_update_event* event) {
        if (!blocked()) {
            wlr_pointer_gestures_v1_send_pinch_update(gestures_, seat_, event->time_msec, event->dx,
                                                      event->dy, event->scale, event->rotation);
        }
    });
    pinch_end_.connect(&wlr->events.pinch_end, [this](wlr_pointer_pinch_end_event* event) {
        wlr_pointer_gestures_v1_send_pinch_end(gestures_, seat_, event->time_msec,
                                               event->cancelled);
    });
    hold_begin_.connect(&wlr->events.hold_begin, [this](wlr_pointer_hold_begin_event* event) {
        if (!blocked()) {
            wlr_pointer_gestures_v1_send_hold_begin(gestures_, seat_, event->time_msec,
                                                    event->fingers);
        }
    });
    hold_end_.connect(&wlr->events.hold_end, [this](wlr_pointer_hold_end_event* event) {
        wlr_pointer_gestures_v1_send_hold_end(gestures_, seat_, event->time_msec, event->cancelled);
    });
}

} // namespace prism
