// What the seat asks of a session lock while it holds the input (see Seat::set_lock).
#pragma once

#include "compositor/wlr.hpp"

namespace prism {

class LockScreen {
public:
    virtual ~LockScreen() = default;
    // The locker's surface under layout coordinates (lx, ly), with surface-local (sx, sy), or
    // nullptr (over the cover, or before the locker showed anything there).
    virtual wlr_surface* surface_at(double lx, double ly, double* sx, double* sy) const = 0;
};

} // namespace prism
