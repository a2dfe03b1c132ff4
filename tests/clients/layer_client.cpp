// layer-client: a panel, launcher or notification for tests, speaking wlr-layer-shell as waybar,
// fuzzel and mako do. It fills its surface with one colour and logs what it is told:
//   "configured WxH"                  each configure (after drawing at that size)
//   "keyboard-enter" / "key N down|up" keys it receives
//   "pointer-enter" / "button N"       the pointer
//   "closed"                           the compositor closed the surface (it then exits 0)
//   "popup configured X,Y WxH"         its popup's configure (--popup)
//
//   layer-client [--layer background|bottom|top|overlay] [--anchor top,bottom,left,right]
//                [--size WxH] [--exclusive N] [--keyboard none|exclusive|on_demand]
//                [--colour RRGGBB] [--namespace NAME] [--popup WxH]
// --popup: after the first configure, a menu (xdg_popup, magenta) of that size anchored at the
// surface's bottom-right corner, opening down and to the right, allowed to slide and flip.
// A size of 0 along an axis anchored on both sides fills the output along it. Exits 1 when the
// compositor lacks the global.
#include "client_base.hpp"
#include "shm_buffer.hpp"
// The generated header names a parameter `namespace`, a C++ keyword.
#define namespace namespace_
#include "wlr-layer-shell-unstable-v1-client-protocol.h"
#undef namespace
#include "xdg-shell-client-protocol.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include <wayland-client.h>

namespace {

struct Client {
    wl_compositor* compositor = nullptr;
    wl_shm* shm = nullptr;
    wl_seat* seat = nullptr;
    zwlr_layer_shell_v1* shell = nullptr;
    wl_surface* surface = nullptr;
    zwlr_layer_surface_v1* layer_surface = nullptr;
    std::uint32_t colour = 0xff2060c0;
    bool closed = false;
    // --popup
    xdg_wm_base* wm_base = nullptr;
    int popup_width = 0, popup_height = 0;
    std::uint32_t width = 0, height = 0; // the layer surface's, as configured
    wl_surface* popup_surface = nullptr;
    xdg_surface* popup_xdg = nullptr;
    xdg_popup* popup = nullptr;
};

void popup_surface_configure(void* data, xdg_surface* xdg, std::uint32_t serial) {
    auto* c = static_cast<Client*>(data);
    xdg_surface_ack_configure(xdg, serial);
    wl_surface_attach(c->popup_surface,
                      make_buffer(c->shm, c->popup_width, c->popup_height, 0xffff00ff), 0, 0);
    wl_surface_damage_buffer(c->popup_surface, 0, 0, c->popup_width, c->popup_height);
    wl_surface_commit(c->popup_surface);
}
const xdg_surface_listener kPopupSurface = {popup_surface_configure};
void popup_configure(void*, xdg_popup*, std::int32_t x, std::int32_t y, std::int32_t width,
                     std::int32_t height) {
    say("popup configured %d,%d %dx%d", x, y, width, height);
}
void popup_done(void*, xdg_popup*) {
    say("popup done");
}
void popup_repositioned(void*, xdg_popup*, std::uint32_t) {
}
const xdg_popup_listener kPopup = {popup_configure, popup_done, popup_repositioned};
void wm_ping(void*, xdg_wm_base* wm_base, std::uint32_t serial) {
    xdg_wm_base_pong(wm_base, serial);
}
const xdg_wm_base_listener kWmBase = {wm_ping};

void open_popup(Client& c) {
    xdg_positioner* positioner = xdg_wm_base_create_positioner(c.wm_base);
    xdg_positioner_set_size(positioner, c.popup_width, c.popup_height);
    xdg_positioner_set_anchor_rect(positioner, static_cast<std::int32_t>(c.width) - 1,
                                   static_cast<std::int32_t>(c.height) - 1, 1, 1);
    xdg_positioner_set_anchor(positioner, XDG_POSITIONER_ANCHOR_BOTTOM_RIGHT);
    xdg_positioner_set_gravity(positioner, XDG_POSITIONER_GRAVITY_BOTTOM_RIGHT);
    xdg_positioner_set_constraint_adjustment(positioner,
                                             XDG_POSITIONER_CONSTRAINT_ADJUSTMENT_SLIDE_X |
                                                 XDG_POSITIONER_CONSTRAINT_ADJUSTMENT_SLIDE_Y |
                                                 XDG_POSITIONER_CONSTRAINT_ADJUSTMENT_FLIP_X |
                                                 XDG_POSITIONER_CONSTRAINT_ADJUSTMENT_FLIP_Y);
    c.popup_surface = wl_compositor_create_surface(c.compositor);
    c.popup_xdg = xdg_wm_base_get_xdg_surface(c.wm_base, c.popup_surface);
    xdg_surface_add_listener(c.popup_xdg, &kPopupSurface, &c);
    c.popup = xdg_surface_get_popup(c.popup_xdg, nullptr, positioner);
    xdg_popup_add_listener(c.popup, &kPopup, &c);
    zwlr_layer_surface_v1_get_popup(c.layer_surface, c.popup);
    xdg_positioner_destroy(positioner);
    wl_surface_commit(c.popup_surface);
}

void layer_configure(void* data, zwlr_layer_surface_v1* layer_surface, std::uint32_t serial,
                     std::uint32_t width, std::uint32_t height) {
    auto* c = static_cast<Client*>(data);
    zwlr_layer_surface_v1_ack_configure(layer_surface, serial);
    if (width == 0 || height == 0) {
        return;
    }
    wl_buffer* buffer =
        make_buffer(c->shm, static_cast<int>(width), static_cast<int>(height), c->colour);
    wl_surface_attach(c->surface, buffer, 0, 0);
    wl_surface_damage_buffer(c->surface, 0, 0, static_cast<std::int32_t>(width),
                             static_cast<std::int32_t>(height));
    wl_surface_commit(c->surface);
    say("configured %ux%u", width, height);
    c->width = width;
    c->height = height;
    if (c->popup_width > 0 && c->popup == nullptr) {
        open_popup(*c);
    }
}
void layer_closed(void* data, zwlr_layer_surface_v1*) {
    static_cast<Client*>(data)->closed = true;
    say("closed");
}
const zwlr_layer_surface_v1_listener kLayerSurface = {layer_configure, layer_closed};

void global(void* data, wl_registry* registry, std::uint32_t name, const char* iface,
            std::uint32_t) {
    auto* c = static_cast<Client*>(data);
    if (std::strcmp(iface, "wl_compositor") == 0) {
        c->compositor = static_cast<wl_compositor*>(
            wl_registry_bind(registry, name, &wl_compositor_interface, 4));
    } else if (std::strcmp(iface, "wl_shm") == 0) {
        c->shm = static_cast<wl_shm*>(wl_registry_bind(registry, name, &wl_shm_interface, 1));
    } else if (std::strcmp(iface, "wl_seat") == 0) {
        c->seat = static_cast<wl_seat*>(wl_registry_bind(registry, name, &wl_seat_interface, 1));
    } else if (std::strcmp(iface, zwlr_layer_shell_v1_interface.name) == 0) {
        c->shell = static_cast<zwlr_layer_shell_v1*>(
            wl_registry_bind(registry, name, &zwlr_layer_shell_v1_interface, 4));
    } else if (std::strcmp(iface, xdg_wm_base_interface.name) == 0) {
        c->wm_base =
            static_cast<xdg_wm_base*>(wl_registry_bind(registry, name, &xdg_wm_base_interface, 1));
        xdg_wm_base_add_listener(c->wm_base, &kWmBase, c);
    }
}
void global_remove(void*, wl_registry*, std::uint32_t) {
}
const wl_registry_listener kRegistry = {global, global_remove};

[[noreturn]] void usage() {
    std::fprintf(stderr, "usage: layer-client [--layer L] [--anchor EDGES] [--size WxH] "
                         "[--exclusive N] [--keyboard none|exclusive|on_demand] "
                         "[--colour RRGGBB] [--namespace NAME] [--popup WxH]\n");
    quit(2);
}

std::uint32_t parse_layer(const std::string& name) {
    if (name == "background") {
        return ZWLR_LAYER_SHELL_V1_LAYER_BACKGROUND;
    }
    if (name == "bottom") {
        return ZWLR_LAYER_SHELL_V1_LAYER_BOTTOM;
    }
    if (name == "top") {
        return ZWLR_LAYER_SHELL_V1_LAYER_TOP;
    }
    if (name == "overlay") {
        return ZWLR_LAYER_SHELL_V1_LAYER_OVERLAY;
    }
    usage();
}

std::uint32_t parse_anchor(const std::string& edges) {
    std::uint32_t anchor = 0;
    std::size_t start = 0;
    while (start <= edges.size()) {
        const std::size_t end = std::min(edges.find(',', start), edges.size());
        const std::string edge = edges.substr(start, end - start);
        if (edge == "top") {
            anchor |= ZWLR_LAYER_SURFACE_V1_ANCHOR_TOP;
        } else if (edge == "bottom") {
            anchor |= ZWLR_LAYER_SURFACE_V1_ANCHOR_BOTTOM;
        } else if (edge == "left") {
            anchor |= ZWLR_LAYER_SURFACE_V1_ANCHOR_LEFT;
        } else if (edge == "right") {
            anchor |= ZWLR_LAYER_SURFACE_V1_ANCHOR_RIGHT;
        } else if (!edge.empty()) {
            usage();
        }
        start = end + 1;
    }
    return anchor;
}

std::uint32_t parse_keyboard(const std::string& mode) {
    if (mode == "none") {
        return ZWLR_LAYER_SURFACE_V1_KEYBOARD_INTERACTIVITY_NONE;
    }
    if (mode == "exclusive") {
        return ZWLR_LAYER_SURFACE_V1_KEYBOARD_INTERACTIVITY_EXCLUSIVE;
    }
    if (mode == "on_demand") {
        return ZWLR_LAYER_SURFACE_V1_KEYBOARD_INTERACTIVITY_ON_DEMAND;
    }
    usage();
}

} // namespace

int main(int argc, char** argv) {
    Client c;
    std::uint32_t layer = ZWLR_LAYER_SHELL_V1_LAYER_TOP;
    std::uint32_t anchor = ZWLR_LAYER_SURFACE_V1_ANCHOR_TOP | ZWLR_LAYER_SURFACE_V1_ANCHOR_LEFT |
                           ZWLR_LAYER_SURFACE_V1_ANCHOR_RIGHT;
    std::uint32_t width = 0, height = 30;
    std::int32_t exclusive = 0;
    std::uint32_t keyboard = ZWLR_LAYER_SURFACE_V1_KEYBOARD_INTERACTIVITY_NONE;
    std::string name_space = "layer-client";
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (i + 1 >= argc) {
            usage();
        }
        const std::string value = argv[++i];
        if (arg == "--layer") {
            layer = parse_layer(value);
        } else if (arg == "--anchor") {
            anchor = parse_anchor(value);
        } else if (arg == "--size") {
            if (std::sscanf(value.c_str(), "%ux%u", &width, &height) != 2) {
                usage();
            }
        } else if (arg == "--exclusive") {
            exclusive = static_cast<std::int32_t>(std::strtol(value.c_str(), nullptr, 10));
        } else if (arg == "--keyboard") {
            keyboard = parse_keyboard(value);
        } else if (arg == "--colour") {
            c.colour =
                0xff000000u | static_cast<std::uint32_t>(std::strtoul(value.c_str(), nullptr, 16));
        } else if (arg == "--namespace") {
            name_space = value;
        } else if (arg == "--popup") {
            if (std::sscanf(value.c_str(), "%dx%d", &c.popup_width, &c.popup_height) != 2 ||
                c.popup_width <= 0 || c.popup_height <= 0) {
                usage();
            }
        } else {
            usage();
        }
    }
    alarm(120);
    wl_display* display = wl_display_connect(nullptr);
    if (display == nullptr) {
        std::perror("layer-client: wl_display_connect");
        quit(1);
    }
    wl_registry* registry = wl_display_get_registry(display);
    wl_registry_add_listener(registry, &kRegistry, &c);
    wl_display_roundtrip(display);
    if (c.compositor == nullptr || c.shm == nullptr || c.seat == nullptr || c.shell == nullptr) {
        std::fprintf(stderr, "layer-client: missing globals (zwlr_layer_shell_v1: %s)\n",
                     c.shell != nullptr ? "yes" : "no");
        quit(1);
    }
    wl_display_roundtrip(display); // the seat's capabilities
    wl_keyboard_add_listener(wl_seat_get_keyboard(c.seat), &logged_input::kKeyboard, &c);
    wl_pointer_add_listener(wl_seat_get_pointer(c.seat), &logged_input::kPointer, &c);

    c.surface = wl_compositor_create_surface(c.compositor);
    c.layer_surface = zwlr_layer_shell_v1_get_layer_surface(c.shell, c.surface, nullptr, layer,
                                                            name_space.c_str());
    zwlr_layer_surface_v1_add_listener(c.layer_surface, &kLayerSurface, &c);
    zwlr_layer_surface_v1_set_size(c.layer_surface, width, height);
    zwlr_layer_surface_v1_set_anchor(c.layer_surface, anchor);
    zwlr_layer_surface_v1_set_exclusive_zone(c.layer_surface, exclusive);
    zwlr_layer_surface_v1_set_keyboard_interactivity(c.layer_surface, keyboard);
    wl_surface_commit(c.surface);

    while (!c.closed) {
        if (!dispatch_once(display, 50)) {
            break;
        }
    }
    if (!c.closed) {
        std::fprintf(stderr, "layer-client: connection lost\n");
        quit(1);
    }
    quit(0);
}
