// Something prism shows that takes the keyboard and the pointer buttons while it is up (the
// clipboard dialog). The seat routes input to it; no client receives any of that input.
#pragma once

#include <chrono>
#include <cstdint>

#include <xkbcommon/xkbcommon.h>

namespace prism {

class Modal {
public:
    virtual ~Modal() = default;
    using Clock = std::chrono::steady_clock;
    // A key pressed on a host keyboard (a physical one, the headless one, or a host client's
    // virtual keyboard), with the modifiers held (WLR_MODIFIER_* bits) and when the previous
    // non-modifier key was pressed on any host keyboard (to tell type-ahead from a deliberate
    // answer). Keys of VM clients' virtual keyboards never get here.
    virtual void key(xkb_keysym_t keysym, std::uint32_t modifiers,
                     Clock::time_point previous_key) = 0;
    // A pointer button pressed at layout coordinates (x, y); `previous_key` as for key().
    virtual void button(double x, double y, std::uint32_t button,
                        Clock::time_point previous_key) = 0;
};

} // namespace prism
