// Frees the wlr_keyboard that wlroots 0.15 leaks for every virtual keyboard.
//
// wlroots 0.15 callocs a wlr_keyboard for each zwp_virtual_keyboard_v1 and gives it a no-op
// destroy, so it is never freed: every `wtype` run would leak one for the session's life. Once
// the virtual keyboard is gone and wlroots has finished tearing it down (the next idle point of
// the event loop), nothing refers to that wlr_keyboard any more, and prism frees it.
#pragma once

#include "compositor/wlr.hpp"

namespace prism {

// Watches `keyboard`; owns itself and goes away with it.
void reclaim_when_destroyed(wlr_virtual_keyboard_v1* keyboard, wl_event_loop* loop);

} // namespace prism
