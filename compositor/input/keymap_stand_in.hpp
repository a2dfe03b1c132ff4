// The seat's keyboard for a moment after a virtual keyboard that was the seat's goes away.
//
// The seat must always have a keymap (clients that bind wl_keyboard or get an enter without one
// crash), so another keyboard takes the seat over. Sending that keyboard's keymap at once would
// change the meaning of keys clients have received but not handled yet: toolkits such as Qt
// look a key up in the keymap they hold when they handle it, so the last keys a virtual keyboard
// typed would be read as other keys. The stand-in is a keyboard of prism's own with the departed
// keyboard's keymap (clients get the same keymap again, nothing changes meaning); after
// kHoldMs, or as soon as another keyboard is used, a real keyboard takes the seat.
#pragma once

#include "compositor/wlr.hpp"

#include <functional>

namespace prism {

class KeymapStandIn {
public:
    static constexpr int kHoldMs = 1000;

    // `expired` is called kHoldMs after take_over_from, if the stand-in is still the seat's
    // keyboard then.
    KeymapStandIn(wlr_seat* seat, std::function<void()> expired);
    ~KeymapStandIn();
    KeymapStandIn(const KeymapStandIn&) = delete;
    KeymapStandIn& operator=(const KeymapStandIn&) = delete;

    // Becomes the seat's keyboard with `gone`'s keymap and repeat info. False (and nothing
    // changes) when `gone` has no keymap.
    bool take_over_from(const wlr_keyboard* gone);
    bool is_seat_keyboard() const;

private:
    wlr_seat* seat_;
    std::function<void()> expired_;
    wlr_keyboard keyboard_{};
    wl_event_source* timer_ = nullptr;
};

} // namespace prism
