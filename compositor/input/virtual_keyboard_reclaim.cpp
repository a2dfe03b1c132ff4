#include "compositor/input/virtual_keyboard_reclaim.hpp"

#include "compositor/listener.hpp"

namespace prism {

namespace {

struct Reclaim {
    Reclaim(wlr_virtual_keyboard_v1* keyboard, wl_event_loop* loop) {
        destroy.connect(&keyboard->events.destroy, [this, keyboard, loop](void*) {
            // wlr_input_device_destroy() still uses the wlr_keyboard after this signal.
            wl_event_loop_add_idle(
                loop, [](void* data) { std::free(data); }, keyboard->input_device.keyboard);
            delete this;
        });
    }
    Listener<void> destroy;
};

} // namespace

void reclaim_when_destroyed(wlr_virtual_keyboard_v1* keyboard, wl_event_loop* loop) {
    new Reclaim(keyboard, loop);
}

} // namespace prism
