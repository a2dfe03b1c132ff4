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
            // wlroots checks neither who asks nor the serial.
            if (event->device_type == WLR_CURSOR_SHAPE_MANAGER_V1_DEVICE_TYPE_TABLET_TOOL) {
                // The tool must be over the client's surface now, holding the cursor (no
                // mouse took it since), and the serial must be that of the tool's proximity_in
                // on it.
                wlr_tablet_v2_tablet_tool* tool = event->tablet_tool;
                if (tool == nullptr || tool->focused_surface == nullptr ||
                    seat_->pointer_state.focused_surface != nullptr ||
                    event->seat_client->client !=
                        wl_resource_get_client(tool->focused_surface->resource) ||
                    event->serial != tool->proximity_serial) {
                    return;
                }
                cursor_.set_client_shape(wlr_cursor_shape_v1_name(event->shape));
                return;
            }
            // The client must have the pointer over its surface now, and the serial must be one
            // prism sent it.
            if (event->seat_client != seat_->pointer_state.focused_client ||
                !wlr_seat_client_validate_event_serial(event->seat_client, event->serial)) {
                return;
            }
            cursor_.set_client_shape(wlr_cursor_shape_v1_name(event->shape));
        });
}

} // namespace prism
