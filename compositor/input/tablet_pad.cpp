#include "compositor/input/tablet_pad.hpp"

namespace prism {

TabletPad::TabletPad(wlr_input_device* device, wlr_tablet_v2_tablet_pad* pad,
                     const InputRoute& route, std::function<void()> on_activity)
    : device_(device)
    , wlr_pad_(wlr_tablet_pad_from_input_device(device))
    , pad_(pad)
    , route_(route)
    , on_activity_(std::move(on_activity)) {
    button_.connect(&wlr_pad_->events.button, [this](wlr_tablet_pad_button_event* event) {
        on_activity_();
        if (focus_ == nullptr || route_.modal() != nullptr) {
            return;
        }
        // wlroots indexes the pad's groups by this without checking it.
        if (event->group < pad_->group_count) {
            wlr_tablet_v2_tablet_pad_notify_mode(pad_, event->group, event->mode, event->time_msec);
        }
        wlr_tablet_v2_tablet_pad_notify_button(pad_, event->button, event->time_msec,
                                               event->state == WLR_BUTTON_PRESSED
                                                   ? ZWP_TABLET_PAD_V2_BUTTON_STATE_PRESSED
                                                   : ZWP_TABLET_PAD_V2_BUTTON_STATE_RELEASED);
    });
    ring_.connect(&wlr_pad_->events.ring, [this](wlr_tablet_pad_ring_event* event) {
        on_activity_();
        if (focus_ == nullptr || route_.modal() != nullptr || event->ring >= wlr_pad_->ring_count) {
            return;
        }
        wlr_tablet_v2_tablet_pad_notify_ring(pad_, event->ring, event->position,
                                             event->source == WLR_TABLET_PAD_RING_SOURCE_FINGER,
                                             event->time_msec);
    });
    strip_.connect(&wlr_pad_->events.strip, [this](wlr_tablet_pad_strip_event* event) {
        on_activity_();
        if (focus_ == nullptr || route_.modal() != nullptr ||
            event->strip >= wlr_pad_->strip_count) {
            return;
        }
        wlr_tablet_v2_tablet_pad_notify_strip(pad_, event->strip, event->position,
                                              event->source == WLR_TABLET_PAD_STRIP_SOURCE_FINGER,
                                              event->time_msec);
    });
}

void TabletPad::detach() {
    set_focus(nullptr);
    tablet_ = nullptr;
    button_.disconnect();
    ring_.disconnect();
    strip_.disconnect();
}

void TabletPad::set_tablet(wlr_tablet_v2_tablet* tablet, wlr_surface* keyboard_focus) {
    if (tablet == tablet_) {
        return;
    }
    set_focus(nullptr);
    tablet_ = tablet;
    set_focus(keyboard_focus);
}

void TabletPad::set_focus(wlr_surface* surface) {
    if (surface == focus_) {
        return;
    }
    if (focus_ != nullptr) {
        wlr_tablet_v2_tablet_pad_notify_leave(pad_, focus_);
        focus_destroy_.disconnect();
        focus_ = nullptr;
    }
    if (surface == nullptr || tablet_ == nullptr || pad_ == nullptr ||
        !wlr_surface_accepts_tablet_v2(tablet_, surface)) {
        return;
    }
    wlr_tablet_v2_tablet_pad_notify_enter(pad_, tablet_, surface);
    focus_ = surface;
    focus_destroy_.connect(&surface->events.destroy, [this](void*) {
        focus_destroy_.disconnect();
        focus_ = nullptr;
    });
}

} // namespace prism
