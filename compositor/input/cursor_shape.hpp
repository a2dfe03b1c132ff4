// cursor-shape-v1: a client names a cursor shape ("text", "grab", ...) instead of drawing one;
// prism draws it from the host's cursor theme at the configured size.
//
// For the pointer only the client with pointer focus, with a serial prism gave that client; for
// a tablet tool only the client whose surface the tool is on, with the serial of the tool's
// proximity_in there: a client cannot change the cursor over another's window.
#pragma once

#include "compositor/input/cursor.hpp"
#include "compositor/listener.hpp"
#include "compositor/wlr.hpp"

namespace prism {

class CursorShape {
public:
    CursorShape(wl_display* display, wlr_seat* seat, Cursor& cursor);
    CursorShape(const CursorShape&) = delete;
    CursorShape& operator=(const CursorShape&) = delete;

private:
    wlr_seat* seat_;
    Cursor& cursor_;
    Listener<wlr_cursor_shape_manager_v1_request_set_shape_event> request_set_shape_;
};

} // namespace prism
