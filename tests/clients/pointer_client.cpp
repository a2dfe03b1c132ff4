// Moves and clicks the pointer through the host's virtual-pointer global, as a person with a
// mouse would. Actions run in order:
//
//   pointer-client WIDTHxHEIGHT ACTION...
//     move X Y        move to layout position X, Y (the layout is WIDTHxHEIGHT)
//     rel DX DY       move by DX, DY, as a mouse does (relative motion)
//     press | release the left button
//     click           press and release
//     rpress | rrelease | rclick   the same with the right button
//     sleep MS
#include "wlr-virtual-pointer-unstable-v1-client-protocol.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <linux/input-event-codes.h>
#include <string>
#include <thread>
#include <wayland-client.h>

namespace {

zwlr_virtual_pointer_manager_v1* manager = nullptr;

void global(void*, wl_registry* registry, uint32_t name, const char* iface, uint32_t) {
    if (std::strcmp(iface, zwlr_virtual_pointer_manager_v1_interface.name) == 0) {
        manager = static_cast<zwlr_virtual_pointer_manager_v1*>(
            wl_registry_bind(registry, name, &zwlr_virtual_pointer_manager_v1_interface, 1));
    }
}
void global_remove(void*, wl_registry*, uint32_t) {
}
const wl_registry_listener kRegistry = {global, global_remove};

uint32_t now_ms() {
    return static_cast<uint32_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                     std::chrono::steady_clock::now().time_since_epoch())
                                     .count());
}

} // namespace

int main(int argc, char** argv) {
    int width = 0, height = 0;
    if (argc < 2 || std::sscanf(argv[1], "%dx%d", &width, &height) != 2) {
        std::fprintf(stderr, "usage: pointer-client WIDTHxHEIGHT ACTION...\n");
        return 2;
    }
    wl_display* display = wl_display_connect(nullptr);
    if (display == nullptr) {
        std::perror("pointer-client: wl_display_connect");
        return 1;
    }
    wl_registry* registry = wl_display_get_registry(display);
    wl_registry_add_listener(registry, &kRegistry, nullptr);
    wl_display_roundtrip(display);
    if (manager == nullptr) {
        std::fprintf(stderr, "pointer-client: no zwlr_virtual_pointer_manager_v1\n");
        return 1;
    }
    zwlr_virtual_pointer_v1* pointer =
        zwlr_virtual_pointer_manager_v1_create_virtual_pointer(manager, nullptr);
    auto button = [&](uint32_t state, uint32_t which = BTN_LEFT) {
        zwlr_virtual_pointer_v1_button(pointer, now_ms(), which, state);
        zwlr_virtual_pointer_v1_frame(pointer);
        wl_display_roundtrip(display);
    };
    for (int i = 2; i < argc; ++i) {
        const std::string action = argv[i];
        if (action == "move" && i + 2 < argc) {
            const auto x = static_cast<uint32_t>(std::atoi(argv[++i]));
            const auto y = static_cast<uint32_t>(std::atoi(argv[++i]));
            zwlr_virtual_pointer_v1_motion_absolute(pointer, now_ms(), x, y,
                                                    static_cast<uint32_t>(width),
                                                    static_cast<uint32_t>(height));
            zwlr_virtual_pointer_v1_frame(pointer);
            wl_display_roundtrip(display);
        } else if (action == "rel" && i + 2 < argc) {
            const double dx = std::atof(argv[++i]);
            const double dy = std::atof(argv[++i]);
            zwlr_virtual_pointer_v1_motion(pointer, now_ms(), wl_fixed_from_double(dx),
                                           wl_fixed_from_double(dy));
            zwlr_virtual_pointer_v1_frame(pointer);
            wl_display_roundtrip(display);
        } else if (action == "press") {
            button(WL_POINTER_BUTTON_STATE_PRESSED);
        } else if (action == "release") {
            button(WL_POINTER_BUTTON_STATE_RELEASED);
        } else if (action == "click") {
            button(WL_POINTER_BUTTON_STATE_PRESSED);
            button(WL_POINTER_BUTTON_STATE_RELEASED);
        } else if (action == "rpress") {
            button(WL_POINTER_BUTTON_STATE_PRESSED, BTN_RIGHT);
        } else if (action == "rrelease") {
            button(WL_POINTER_BUTTON_STATE_RELEASED, BTN_RIGHT);
        } else if (action == "rclick") {
            button(WL_POINTER_BUTTON_STATE_PRESSED, BTN_RIGHT);
            button(WL_POINTER_BUTTON_STATE_RELEASED, BTN_RIGHT);
        } else if (action == "sleep" && i + 1 < argc) {
            std::this_thread::sleep_for(std::chrono::milliseconds(std::atoi(argv[++i])));
        } else {
            std::fprintf(stderr, "pointer-client: bad action '%s'\n", action.c_str());
            return 2;
        }
    }
    zwlr_virtual_pointer_v1_destroy(pointer);
    zwlr_virtual_pointer_manager_v1_destroy(manager);
    wl_registry_destroy(registry);
    wl_display_roundtrip(display);
    wl_display_disconnect(display);
    return 0;
}
