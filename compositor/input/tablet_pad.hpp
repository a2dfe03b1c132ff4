// A tablet's pad: the buttons, rings and strips on the tablet itself (tablet-v2).
//
// A pad has no position: as in sway, its events go to the surface with the keyboard focus,
// when that surface's client takes tablet input, and to nobody otherwise. It follows the
// keyboard focus only (Tablets tells it), which no VM can take from another while the user
// types, and which no surface has while prism's dialog is up or the session is locked (but
// the locker's): so neither do pads.
#pragma once

#include "compositor/input/input_route.hpp"
#include "compositor/listener.hpp"
#include "compositor/wlr.hpp"

#include <functional>

namespace prism {

class TabletPad {
public:
    // `pad` is the pad's tablet-v2 object (made by Tablets); `on_activity` is told of every
    // event.
    TabletPad(wlr_input_device* device, wlr_tablet_v2_tablet_pad* pad, const InputRoute& route,
              std::function<void()> on_activity);
    TabletPad(const TabletPad&) = delete;
    TabletPad& operator=(const TabletPad&) = delete;

    wlr_input_device* device() const { return device_; }
    wlr_tablet_v2_tablet* tablet() const { return tablet_; }

    // The tablet this pad is part of (nullptr: none known; a pad enters a surface as part of
    // a tablet, so it enters none), and the surface with keyboard focus now.
    void set_tablet(wlr_tablet_v2_tablet* tablet, wlr_surface* keyboard_focus);
    // The keyboard focus moved to `surface` (nullptr: nobody has it).
    void set_focus(wlr_surface* surface);
    // The device is going (or prism is): leaves the surface it is on and lets go of the
    // device, whose signals wlroots frees with it.
    void detach();

private:
    wlr_input_device* device_;
    wlr_tablet_pad* wlr_pad_;
    wlr_tablet_v2_tablet_pad* pad_;
    const InputRoute& route_;
    std::function<void()> on_activity_;
    wlr_tablet_v2_tablet* tablet_ = nullptr;
    // The surface the pad entered, or nullptr. Kept by prism: wlroots goes on sending a pad's
    // events to the client it entered last, even after leave.
    wlr_surface* focus_ = nullptr;
    Listener<void> focus_destroy_;
    Listener<wlr_tablet_pad_button_event> button_;
    Listener<wlr_tablet_pad_ring_event> ring_;
    Listener<wlr_tablet_pad_strip_event> strip_;
};

} // namespace prism
