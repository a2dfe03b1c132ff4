// A Wayland client that tries what a hostile VM would: a spoofed title, a subsurface outside
// its window, a huge popup, pixels beyond its window geometry, fullscreen. Everything it
// draws outside its plain content is magenta (#ff00ff), so a screenshot shows where it got to.
//
//   hostile-client [--title T] [--size WxH] [--colour RRGGBB] [--opaque] [--subsurface X,Y]
//                  [--popup WxH] [--popup-at X,Y] [--popup-up] [--popup-adjust]
//                  [--popup-reposition] [--popup-reactive]
//                  [--csd-margin N] [--explicit-geometry] [--fullscreen] [--tall-content N]
//                  [--fixed-size] [--dialog WxH] [--activate-self] [--keyboard]
//                  [--xdg-version N]
//
// --popup-at X,Y anchors the popup at X,Y of the window (default 10,10); --popup-up makes it
// grow upwards from there, as a menu flipped up does; --popup-adjust lets the compositor slide
// and flip it (otherwise it may not be moved at all). --popup-reposition then moves the shown
// popup (xdg_popup.reposition, xdg_wm_base v3) to grow upwards from the same anchor with no
// adjustment allowed, and prints "repositioned" when the compositor says it did.
// --popup-reactive asks for the popup to be placed again when its window changes
// (xdg_positioner.set_reactive, xdg_wm_base v3). Every popup configure is printed as
// "popup-configure X Y W H".
// --opaque marks the window opaque (wl_surface.set_opaque_region), so it hides what is below.
// --fixed-size keeps the size it chose whatever the compositor configures.
// --dialog WxH opens a second toplevel, a dialog of the first (xdg_toplevel.set_parent).
// --activate-self asks xdg-activation to activate its own window with a token that names no
// surface, as Firefox does when it starts.
// --keyboard prints "keymap FORMAT SIZE at MS", "key KEY STATE at MS", "enter" and "leave" for
// its wl_keyboard's events (MS: milliseconds since it started).
// --xdg-version N binds xdg_wm_base at version N (default 2). Every toplevel configure is
// printed as "configure W H", and from version 4 "bounds W H" and "capabilities ..." too.
//
// --tall-content N draws the window's content in a subsurface N pixels taller than the window
// geometry, redrawn on every frame callback, as Firefox does; it prints "content frames K" every
// 10 frames.
//
// It runs until killed, and prints "ready" once everything it asked for is committed.
#include "shm_buffer.hpp"
#include "xdg-activation-v1-client-protocol.h"
#include "xdg-shell-client-protocol.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <sys/mman.h>
#include <unistd.h>
#include <wayland-client.h>

namespace {

constexpr std::uint32_t kMagenta = 0xffff00ff;

struct Options {
    std::string title = "hostile";
    int width = 300, height = 200;
    std::uint32_t colour = 0xffffffff;
    bool subsurface = false;
    int sub_x = 0, sub_y = 0;
    int popup_width = 0, popup_height = 0;
    int csd_margin = 0;
    bool explicit_geometry = false;
    bool fullscreen = false;
    int tall_content = 0;
    int popup_x = 10, popup_y = 10;
    bool popup_up = false;
    bool popup_adjust = false;
    bool popup_reposition = false;
    bool popup_reactive = false;
    bool fixed_size = false;
    bool opaque = false;
    int dialog_width = 0, dialog_height = 0;
    bool activate_self = false;
    bool keyboard = false;
    int xdg_version = 2;
};

struct Client {
    wl_display* display = nullptr;
    wl_compositor* compositor = nullptr;
    wl_subcompositor* subcompositor = nullptr;
    wl_shm* shm = nullptr;
    xdg_wm_base* wm_base = nullptr;
    std::uint32_t wm_base_version = 0;
    xdg_activation_v1* activation = nullptr;
    wl_seat* seat = nullptr;
    wl_keyboard* keyboard = nullptr;
    bool want_keyboard = false;
    wl_surface* surface = nullptr;
    xdg_surface* xdg = nullptr;
    xdg_toplevel* toplevel = nullptr;
    bool configured = false;
    int configured_width = 0, configured_height = 0;
    wl_surface* popup_surface = nullptr;
    xdg_surface* popup_xdg = nullptr;
    bool popup_configured = false;
    int popup_w = 0, popup_h = 0;
    // --tall-content
    wl_surface* content = nullptr;
    int content_width = 0, content_height = 0;
    int content_frames = 0;
};

void draw_content(Client* c);

void content_frame_done(void* data, wl_callback* callback, uint32_t) {
    wl_callback_destroy(callback);
    auto* c = static_cast<Client*>(data);
    if (++c->content_frames % 10 == 0) {
        std::printf("content frames %d\n", c->content_frames);
        std::fflush(stdout);
    }
    draw_content(c);
}
const wl_callback_listener kContentFrame = {content_frame_done};

void release_buffer(void*, wl_buffer* buffer) {
    wl_buffer_destroy(buffer);
}
const wl_buffer_listener kReleaseBuffer = {release_buffer};

// A new buffer each frame, alternating two shades, and a frame callback for the next one.
void draw_content(Client* c) {
    const std::uint32_t shade = c->content_frames % 2 == 0 ? 0xff20a020 : 0xff30b030;
    wl_buffer* buffer = make_buffer(c->shm, c->content_width, c->content_height, shade, 0, shade);
    wl_buffer_add_listener(buffer, &kReleaseBuffer, nullptr);
    wl_surface_attach(c->content, buffer, 0, 0);
    wl_surface_damage(c->content, 0, 0, c->content_width, c->content_height);
    wl_callback_add_listener(wl_surface_frame(c->content), &kContentFrame, c);
    wl_surface_commit(c->content);
}

// Milliseconds since the client started, for the order and spacing of keyboard events.
long long now_ms() {
    static const auto start = std::chrono::steady_clock::now();
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                                 start)
        .count();
}

void keyboard_keymap(void*, wl_keyboard*, uint32_t format, int32_t fd, uint32_t size) {
    std::printf("keymap %u %u at %lld\n", format, size, now_ms());
    std::fflush(stdout);
    close(fd);
}
void keyboard_enter(void*, wl_keyboard*, uint32_t, wl_surface*, wl_array*) {
    std::printf("enter\n");
    std::fflush(stdout);
}
void keyboard_leave(void*, wl_keyboard*, uint32_t, wl_surface*) {
    std::printf("leave\n");
    std::fflush(stdout);
}
void keyboard_key(void*, wl_keyboard*, uint32_t, uint32_t, uint32_t key, uint32_t state) {
    std::printf("key %u %u at %lld\n", key, state, now_ms());
    std::fflush(stdout);
}
void keyboard_modifiers(void*, wl_keyboard*, uint32_t, uint32_t, uint32_t, uint32_t, uint32_t) {
}
void keyboard_repeat(void*, wl_keyboard*, int32_t, int32_t) {
}
const wl_keyboard_listener kKeyboard = {keyboard_keymap, keyboard_enter,     keyboard_leave,
                                        keyboard_key,    keyboard_modifiers, keyboard_repeat};

void seat_capabilities(void* data, wl_seat* seat, uint32_t caps) {
    auto* c = static_cast<Client*>(data);
    if ((caps & WL_SEAT_CAPABILITY_KEYBOARD) != 0 && c->keyboard == nullptr) {
        c->keyboard = wl_seat_get_keyboard(seat);
        wl_keyboard_add_listener(c->keyboard, &kKeyboard, c);
    }
}
void seat_name(void*, wl_seat*, const char*) {
}
const wl_seat_listener kSeat = {seat_capabilities, seat_name};

void global(void* data, wl_registry* registry, uint32_t name, const char* iface, uint32_t version) {
    auto* c = static_cast<Client*>(data);
    if (std::strcmp(iface, "wl_compositor") == 0) {
        c->compositor = static_cast<wl_compositor*>(
            wl_registry_bind(registry, name, &wl_compositor_interface, 4));
    } else if (std::strcmp(iface, "wl_subcompositor") == 0) {
        c->subcompositor = static_cast<wl_subcompositor*>(
            wl_registry_bind(registry, name, &wl_subcompositor_interface, 1));
    } else if (std::strcmp(iface, "wl_shm") == 0) {
        c->shm = static_cast<wl_shm*>(wl_registry_bind(registry, name, &wl_shm_interface, 1));
    } else if (std::strcmp(iface, "xdg_wm_base") == 0) {
        c->wm_base_version = std::min(version, c->wm_base_version);
        c->wm_base = static_cast<xdg_wm_base*>(
            wl_registry_bind(registry, name, &xdg_wm_base_interface, c->wm_base_version));
    } else if (std::strcmp(iface, "xdg_activation_v1") == 0) {
        c->activation = static_cast<xdg_activation_v1*>(
            wl_registry_bind(registry, name, &xdg_activation_v1_interface, 1));
    } else if (std::strcmp(iface, "wl_seat") == 0 && c->want_keyboard) {
        c->seat = static_cast<wl_seat*>(wl_registry_bind(registry, name, &wl_seat_interface, 5));
        wl_seat_add_listener(c->seat, &kSeat, c);
    }
}
void global_remove(void*, wl_registry*, uint32_t) {
}
const wl_registry_listener kRegistry = {global, global_remove};

void ping(void*, xdg_wm_base* base, uint32_t serial) {
    xdg_wm_base_pong(base, serial);
}
const xdg_wm_base_listener kWmBase = {ping};

void surface_configure(void* data, xdg_surface* xdg, uint32_t serial) {
    xdg_surface_ack_configure(xdg, serial);
    static_cast<Client*>(data)->configured = true;
}
const xdg_surface_listener kSurface = {surface_configure};

void toplevel_configure(void* data, xdg_toplevel*, int32_t w, int32_t h, wl_array* states) {
    auto* c = static_cast<Client*>(data);
    c->configured_width = w;
    c->configured_height = h;
    std::string names;
    const auto* values = static_cast<const std::uint32_t*>(states->data);
    for (std::size_t i = 0; i < states->size / sizeof(std::uint32_t); ++i) {
        switch (values[i]) {
        case XDG_TOPLEVEL_STATE_MAXIMIZED:
            names += " maximized";
            break;
        case XDG_TOPLEVEL_STATE_FULLSCREEN:
            names += " fullscreen";
            break;
        case XDG_TOPLEVEL_STATE_ACTIVATED:
            names += " activated";
            break;
        case XDG_TOPLEVEL_STATE_SUSPENDED:
            names += " suspended";
            break;
        default:
            break;
        }
    }
    std::printf("configure %d %d%s\n", w, h, names.c_str());
    std::fflush(stdout);
}
void toplevel_close(void*, xdg_toplevel*) {
    std::exit(0);
}
void toplevel_bounds(void*, xdg_toplevel*, int32_t w, int32_t h) {
    std::printf("bounds %d %d\n", w, h);
    std::fflush(stdout);
}
void toplevel_capabilities(void*, xdg_toplevel*, wl_array* capabilities) {
    std::string names;
    const auto* values = static_cast<const std::uint32_t*>(capabilities->data);
    for (std::size_t i = 0; i < capabilities->size / sizeof(std::uint32_t); ++i) {
        switch (values[i]) {
        case XDG_TOPLEVEL_WM_CAPABILITIES_WINDOW_MENU:
            names += " window_menu";
            break;
        case XDG_TOPLEVEL_WM_CAPABILITIES_MAXIMIZE:
            names += " maximize";
            break;
        case XDG_TOPLEVEL_WM_CAPABILITIES_FULLSCREEN:
            names += " fullscreen";
            break;
        case XDG_TOPLEVEL_WM_CAPABILITIES_MINIMIZE:
            names += " minimize";
            break;
        default:
            names += " " + std::to_string(values[i]);
        }
    }
    std::printf("capabilities%s\n", names.c_str());
    std::fflush(stdout);
}
const xdg_toplevel_listener kToplevel = {toplevel_configure, toplevel_close, toplevel_bounds,
                                         toplevel_capabilities};

// The dialog (--dialog) keeps its size.
void dialog_configure(void*, xdg_toplevel*, int32_t, int32_t, wl_array*) {
}
void dialog_bounds(void*, xdg_toplevel*, int32_t, int32_t) {
}
void dialog_capabilities(void*, xdg_toplevel*, wl_array*) {
}
const xdg_toplevel_listener kDialog = {dialog_configure, toplevel_close, dialog_bounds,
                                       dialog_capabilities};
bool dialog_configured = false;
void dialog_surface_configure(void*, xdg_surface* xdg, uint32_t serial) {
    xdg_surface_ack_configure(xdg, serial);
    dialog_configured = true;
}
const xdg_surface_listener kDialogSurface = {dialog_surface_configure};

void activation_done(void* data, xdg_activation_token_v1* token, const char* text) {
    auto* c = static_cast<Client*>(data);
    xdg_activation_v1_activate(c->activation, text, c->surface);
    xdg_activation_token_v1_destroy(token);
    std::printf("activated\n");
    std::fflush(stdout);
}
const xdg_activation_token_v1_listener kToken = {activation_done};

void popup_surface_configure(void* data, xdg_surface* xdg, uint32_t serial) {
    auto* c = static_cast<Client*>(data);
    xdg_surface_ack_configure(xdg, serial);
    if (c->popup_configured) {
        wl_surface_commit(c->popup_surface); // a later configure (reposition) takes effect
    }
    c->popup_configured = true;
}
const xdg_surface_listener kPopupSurface = {popup_surface_configure};
void popup_configure(void* data, xdg_popup*, int32_t x, int32_t y, int32_t w, int32_t h) {
    auto* c = static_cast<Client*>(data);
    c->popup_w = w;
    c->popup_h = h;
    std::printf("popup-configure %d %d %d %d\n", x, y, w, h);
    std::fflush(stdout);
}
void popup_done(void*, xdg_popup*) {
}
void popup_repositioned(void*, xdg_popup*, uint32_t) {
    std::printf("repositioned\n");
    std::fflush(stdout);
}
const xdg_popup_listener kPopup = {popup_configure, popup_done, popup_repositioned};

bool parse_pair(const char* text, char sep, int* a, int* b) {
    return std::sscanf(text, sep == 'x' ? "%dx%d" : "%d,%d", a, b) == 2;
}

} // namespace

int main(int argc, char** argv) {
    Options opt;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        const char* value = i + 1 < argc ? argv[i + 1] : "";
        if (arg == "--title") {
            opt.title = value;
            ++i;
        } else if (arg == "--size" && parse_pair(value, 'x', &opt.width, &opt.height)) {
            ++i;
        } else if (arg == "--colour") {
            opt.colour = 0xff000000u | static_cast<std::uint32_t>(std::strtoul(value, nullptr, 16));
            ++i;
        } else if (arg == "--subsurface" && parse_pair(value, ',', &opt.sub_x, &opt.sub_y)) {
            opt.subsurface = true;
            ++i;
        } else if (arg == "--popup" &&
                   parse_pair(value, 'x', &opt.popup_width, &opt.popup_height)) {
            ++i;
        } else if (arg == "--csd-margin") {
            opt.csd_margin = std::atoi(value);
            ++i;
        } else if (arg == "--explicit-geometry") {
            opt.explicit_geometry = true;
        } else if (arg == "--fullscreen") {
            opt.fullscreen = true;
        } else if (arg == "--tall-content") {
            opt.tall_content = std::atoi(value);
            opt.explicit_geometry = true;
            ++i;
        } else if (arg == "--popup-at" && parse_pair(value, ',', &opt.popup_x, &opt.popup_y)) {
            ++i;
        } else if (arg == "--popup-up") {
            opt.popup_up = true;
        } else if (arg == "--popup-reposition") {
            opt.popup_reposition = true;
        } else if (arg == "--popup-reactive") {
            opt.popup_reactive = true;
        } else if (arg == "--popup-adjust") {
            opt.popup_adjust = true;
        } else if (arg == "--opaque") {
            opt.opaque = true;
        } else if (arg == "--fixed-size") {
            opt.fixed_size = true;
        } else if (arg == "--dialog" &&
                   parse_pair(value, 'x', &opt.dialog_width, &opt.dialog_height)) {
            ++i;
        } else if (arg == "--activate-self") {
            opt.activate_self = true;
        } else if (arg == "--keyboard") {
            opt.keyboard = true;
        } else if (arg == "--xdg-version") {
            opt.xdg_version = std::atoi(value);
            ++i;
        } else {
            std::fprintf(stderr, "hostile-client: bad argument '%s'\n", arg.c_str());
            return 2;
        }
    }

    Client c;
    c.wm_base_version = static_cast<std::uint32_t>(std::max(1, opt.xdg_version));
    c.want_keyboard = opt.keyboard;
    c.display = wl_display_connect(nullptr);
    if (c.display == nullptr) {
        std::perror("hostile-client: wl_display_connect");
        return 1;
    }
    wl_registry* registry = wl_display_get_registry(c.display);
    wl_registry_add_listener(registry, &kRegistry, &c);
    wl_display_roundtrip(c.display);
    if (!c.compositor || !c.shm || !c.wm_base || !c.subcompositor) {
        std::fprintf(stderr, "hostile-client: missing globals\n");
        return 1;
    }
    xdg_wm_base_add_listener(c.wm_base, &kWmBase, &c);

    c.surface = wl_compositor_create_surface(c.compositor);
    c.xdg = xdg_wm_base_get_xdg_surface(c.wm_base, c.surface);
    xdg_surface_add_listener(c.xdg, &kSurface, &c);
    c.toplevel = xdg_surface_get_toplevel(c.xdg);
    xdg_toplevel_add_listener(c.toplevel, &kToplevel, &c);
    xdg_toplevel_set_title(c.toplevel, opt.title.c_str());
    xdg_toplevel_set_app_id(c.toplevel, "hostile");
    if (opt.fullscreen) {
        xdg_toplevel_set_fullscreen(c.toplevel, nullptr);
    }
    wl_surface_commit(c.surface);
    while (!c.configured && wl_display_dispatch(c.display) != -1) {
    }

    int width = opt.width, height = opt.height;
    if (c.configured_width > 0 && c.configured_height > 0 && !opt.fixed_size) {
        width = c.configured_width;
        height = c.configured_height;
    }
    // With a margin, the surface reaches beyond its window geometry, as client-side shadows do;
    // the margin is magenta.
    const int m = opt.csd_margin;
    if (m > 0 || opt.explicit_geometry) {
        // Without it, wlroots counts subsurfaces into the window geometry.
        xdg_surface_set_window_geometry(c.xdg, m, m, width, height);
    }
    wl_surface_attach(c.surface,
                      make_buffer(c.shm, width + 2 * m, height + 2 * m, kMagenta, m, opt.colour), 0,
                      0);
    if (opt.opaque) {
        wl_region* region = wl_compositor_create_region(c.compositor);
        wl_region_add(region, 0, 0, width + 2 * m, height + 2 * m);
        wl_surface_set_opaque_region(c.surface, region);
        wl_region_destroy(region);
    }

    if (opt.subsurface) {
        wl_surface* child = wl_compositor_create_surface(c.compositor);
        wl_subsurface* sub = wl_subcompositor_get_subsurface(c.subcompositor, child, c.surface);
        wl_subsurface_set_position(sub, opt.sub_x, opt.sub_y);
        wl_subsurface_set_desync(sub);
        wl_surface_attach(child, make_buffer(c.shm, 60, 60, kMagenta, 0, kMagenta), 0, 0);
        wl_surface_commit(child);
    }
    if (opt.tall_content > 0) {
        c.content = wl_compositor_create_surface(c.compositor);
        wl_subsurface* sub = wl_subcompositor_get_subsurface(c.subcompositor, c.content, c.surface);
        wl_subsurface_set_position(sub, m, m);
        wl_subsurface_set_desync(sub);
        c.content_width = width;
        c.content_height = height + opt.tall_content;
        draw_content(&c);
    }
    wl_surface_commit(c.surface);
    wl_display_roundtrip(c.display);

    if (opt.popup_width > 0) {
        xdg_positioner* positioner = xdg_wm_base_create_positioner(c.wm_base);
        xdg_positioner_set_size(positioner, opt.popup_width, opt.popup_height);
        xdg_positioner_set_anchor_rect(positioner, opt.popup_x, opt.popup_y, 1, 1);
        xdg_positioner_set_anchor(positioner, XDG_POSITIONER_ANCHOR_TOP_LEFT);
        xdg_positioner_set_gravity(positioner, opt.popup_up ? XDG_POSITIONER_GRAVITY_TOP_RIGHT
                                                            : XDG_POSITIONER_GRAVITY_BOTTOM_RIGHT);
        if (opt.popup_adjust) {
            xdg_positioner_set_constraint_adjustment(
                positioner, XDG_POSITIONER_CONSTRAINT_ADJUSTMENT_SLIDE_X |
                                XDG_POSITIONER_CONSTRAINT_ADJUSTMENT_SLIDE_Y |
                                XDG_POSITIONER_CONSTRAINT_ADJUSTMENT_FLIP_Y);
        }
        if (opt.popup_reactive) {
            xdg_positioner_set_reactive(positioner);
        }
        c.popup_surface = wl_compositor_create_surface(c.compositor);
        c.popup_xdg = xdg_wm_base_get_xdg_surface(c.wm_base, c.popup_surface);
        xdg_surface_add_listener(c.popup_xdg, &kPopupSurface, &c);
        xdg_popup* popup = xdg_surface_get_popup(c.popup_xdg, c.xdg, positioner);
        xdg_popup_add_listener(popup, &kPopup, &c);
        xdg_positioner_destroy(positioner);
        wl_surface_commit(c.popup_surface);
        while (!c.popup_configured && wl_display_dispatch(c.display) != -1) {
        }
        const int pw = c.popup_w > 0 ? c.popup_w : opt.popup_width;
        const int ph = c.popup_h > 0 ? c.popup_h : opt.popup_height;
        wl_surface_attach(c.popup_surface, make_buffer(c.shm, pw, ph, kMagenta, 0, kMagenta), 0, 0);
        wl_surface_commit(c.popup_surface);
        if (opt.popup_reposition) {
            wl_display_roundtrip(c.display);
            xdg_positioner* up = xdg_wm_base_create_positioner(c.wm_base);
            xdg_positioner_set_size(up, opt.popup_width, opt.popup_height);
            xdg_positioner_set_anchor_rect(up, opt.popup_x, opt.popup_y, 1, 1);
            xdg_positioner_set_anchor(up, XDG_POSITIONER_ANCHOR_TOP_LEFT);
            xdg_positioner_set_gravity(up, XDG_POSITIONER_GRAVITY_TOP_RIGHT);
            xdg_popup_reposition(popup, up, 1);
            xdg_positioner_destroy(up);
        }
    }
    if (opt.dialog_width > 0) {
        wl_surface* surface = wl_compositor_create_surface(c.compositor);
        xdg_surface* xdg = xdg_wm_base_get_xdg_surface(c.wm_base, surface);
        xdg_surface_add_listener(xdg, &kDialogSurface, &c);
        xdg_toplevel* dialog = xdg_surface_get_toplevel(xdg);
        xdg_toplevel_add_listener(dialog, &kDialog, &c);
        xdg_toplevel_set_parent(dialog, c.toplevel);
        xdg_toplevel_set_title(dialog, "dialog");
        wl_surface_commit(surface);
        while (!dialog_configured && wl_display_dispatch(c.display) != -1) {
        }
        wl_surface_attach(
            surface,
            make_buffer(c.shm, opt.dialog_width, opt.dialog_height, opt.colour, 0, opt.colour), 0,
            0);
        wl_surface_commit(surface);
    }
    if (opt.activate_self && c.activation != nullptr) {
        // A token asked for without naming a surface or a serial.
        xdg_activation_token_v1* token = xdg_activation_v1_get_activation_token(c.activation);
        xdg_activation_token_v1_add_listener(token, &kToken, &c);
        xdg_activation_token_v1_commit(token);
    }
    wl_display_roundtrip(c.display);
    std::printf("ready\n");
    std::fflush(stdout);
    // Follow the compositor's size requests (maximize, fullscreen), as real clients do.
    do {
        if (c.configured_width > 0 && c.configured_height > 0 && !opt.fixed_size &&
            (c.configured_width != width || c.configured_height != height)) {
            width = c.configured_width;
            height = c.configured_height;
            if (m > 0 || opt.explicit_geometry) {
                xdg_surface_set_window_geometry(c.xdg, m, m, width, height);
            }
            wl_surface_attach(
                c.surface,
                make_buffer(c.shm, width + 2 * m, height + 2 * m, kMagenta, m, opt.colour), 0, 0);
            wl_surface_commit(c.surface);
        }
    } while (wl_display_dispatch(c.display) != -1);
    return 0;
}
