// Something prism shows that takes the keyboard and the pointer buttons while it is up (the
// clipboard dialog). The seat routes input to it; no client receives any of that input.
#pragma once

#include <cstdint>

#include <xkbcommon/xkbcommon.h>

namespace prism {

class Modal {
public:
    virtual ~Modal() = default;
    // A key pressed on a host keyboard (a physical one, the headless one, or a host client's
    // virtual keyboard). Keys of VM clients' virtual keyboards never get here.
    virtual void key(xkb_keysym_t keysym) = 0;
    // A pointer button pressed at layout coordinates (x, y).
    virtual void button(double x, double y, std::uint32_t button) = 0;
};

} // namespace prism
