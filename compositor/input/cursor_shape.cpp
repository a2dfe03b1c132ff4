#include "compositor/input/cursor_shape.hpp"

namespace prism {

namespace {
constexpr std::uint32_t kCursorShapeVersion = 1;
}

CursorShape::CursorShape(wl_display* display, wlr_seat* seat, Cursor& cursor)
    : seat_(seat)
    , cursor_(cursor) {
    wlr_cursor_shape_manager_v1* manager =
        wlr_cursor_shape_manager_v1_create(display, kCursorShapeVersion);
    request_set_shape_.connect(
        &manager->events.request_set_shape,
        [this](wlr_cursor_shape_manager_v1_request_set_shape_event* event) {
            if (event->device_type != WLR_CURSOR_SHAPE_MANAGER_V1_DEVICE_TYPE_POINTER) {
                return;
            }
            // wlroots checks neither who asks nor the serial: the client must have the pointer
            // over its surface now, and the serial must be one prism sent it.
            if (event->seat_client != seat_->pointer_state.focused_client ||
                !wlr_seat_client_validate_event_serial(event->seat_client, event->serial)) {
                return;
            }
            cursor_.set_client_shape(wlr_cursor_shape_v1_name(event->shape));
        });
}

} // namespace prism
