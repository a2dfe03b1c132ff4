// tablet-client: one window (WIDTHxHEIGHT of one colour) that takes tablet input
// (tablet-v2), or, with --no-tablet, does not bind the tablet manager at all, as most
// applications do not. It logs what it is told, one line each:
//
//   tablet-client [--colour RRGGBB] [--size WxH] [--title TITLE] [--no-tablet]
//
//   "ready"                          the window has been drawn
//   "tablet-added", "tool-added", "pad-added"
//   "tool proximity-in own|other"    on its window's surface, or another of its surfaces
//   "tool proximity-out", "tool down", "tool up", "tool frame"
//   "tool motion X Y"                surface coordinates, rounded
//   "tool pressure P"                0..65535
//   "tool button B pressed|released"
//   "pad enter", "pad leave", "pad button B pressed|released"
//   "pointer enter X Y", "pointer leave", "pointer motion X Y"
//   "pointer button B pressed|released"
//   "keyboard enter", "keyboard leave"
// Runs until killed.
#include "shm_buffer.hpp"
#include "tablet-v2-client-protocol.h"
#include "xdg-shell-client-protocol.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>
#include <wayland-client.h>

namespace {

struct App {
    wl_compositor* compositor = nullptr;
    wl_shm* shm = nullptr;
    wl_seat* seat = nullptr;
    xdg_wm_base* wm = nullptr;
    zwp_tablet_manager_v2* tablets = nullptr;

    wl_surface* surface = nullptr;
    bool configured = false;
    int width = 300, height = 200;
    std::uint32_t colour = 0xff3060c0;
    std::string title = "tablet-client";
    bool no_tablet = false;
};

void say(const std::string& line) {
    std::printf("%s\n", line.c_str());
    std::fflush(stdout);
}

std::string coords(wl_fixed_t x, wl_fixed_t y) {
    return std::to_string(std::lround(wl_fixed_to_double(x))) + " " +
           std::to_string(std::lround(wl_fixed_to_double(y)));
}

const char* pressed(std::uint32_t state) {
    return state != 0 ? "pressed" : "released";
}

void global(void* data, wl_registry* registry, uint32_t name, const char* iface, uint32_t) {
    auto* app = static_cast<App*>(data);
    auto bind = [&](const wl_interface* interface, uint32_t version) {
        return wl_registry_bind(registry, name, interface, version);
    };
    if (std::strcmp(iface, wl_compositor_interface.name) == 0) {
        app->compositor = static_cast<wl_compositor*>(bind(&wl_compositor_interface, 4));
    } else if (std::strcmp(iface, wl_shm_interface.name) == 0) {
        app->shm = static_cast<wl_shm*>(bind(&wl_shm_interface, 1));
    } else if (std::strcmp(iface, wl_seat_interface.name) == 0) {
        app->seat = static_cast<wl_seat*>(bind(&wl_seat_interface, 5));
    } else if (std::strcmp(iface, xdg_wm_base_interface.name) == 0) {
        app->wm = static_cast<xdg_wm_base*>(bind(&xdg_wm_base_interface, 1));
    } else if (std::strcmp(iface, zwp_tablet_manager_v2_interface.name) == 0 && !app->no_tablet) {
        app->tablets =
            static_cast<zwp_tablet_manager_v2*>(bind(&zwp_tablet_manager_v2_interface, 1));
    }
}
void global_remove(void*, wl_registry*, uint32_t) {
}
const wl_registry_listener kRegistry = {global, global_remove};

void wm_ping(void*, xdg_wm_base* wm, uint32_t serial) {
    xdg_wm_base_pong(wm, serial);
}
const xdg_wm_base_listener kWm = {wm_ping};

void xdg_configure(void* data, xdg_surface* xdg, uint32_t serial) {
    auto* app = static_cast<App*>(data);
    xdg_surface_ack_configure(xdg, serial);
    if (!app->configured) {
        wl_buffer* buffer = make_buffer(app->shm, app->width, app->height, app->colour);
        wl_surface_attach(app->surface, buffer, 0, 0);
        wl_surface_damage_buffer(app->surface, 0, 0, app->width, app->height);
    }
    wl_surface_commit(app->surface);
    app->configured = true;
}
const xdg_surface_listener kXdgSurface = {xdg_configure};

void toplevel_configure(void*, xdg_toplevel*, int32_t, int32_t, wl_array*) {
}
void toplevel_close(void*, xdg_toplevel*) {
}
const xdg_toplevel_listener kToplevel = {toplevel_configure, toplevel_close, nullptr, nullptr};

// The tool.
void tool_type(void*, zwp_tablet_tool_v2*, uint32_t) {
}
void tool_serial(void*, zwp_tablet_tool_v2*, uint32_t, uint32_t) {
}
void tool_id_wacom(void*, zwp_tablet_tool_v2*, uint32_t, uint32_t) {
}
void tool_capability(void*, zwp_tablet_tool_v2*, uint32_t) {
}
void tool_done(void*, zwp_tablet_tool_v2*) {
}
void tool_removed(void*, zwp_tablet_tool_v2*) {
    say("tool removed");
}
void tool_proximity_in(void* data, zwp_tablet_tool_v2*, uint32_t, zwp_tablet_v2*,
                       wl_surface* surface) {
    say(std::string("tool proximity-in ") +
        (surface == static_cast<App*>(data)->surface ? "own" : "other"));
}
void tool_proximity_out(void*, zwp_tablet_tool_v2*) {
    say("tool proximity-out");
}
void tool_down(void*, zwp_tablet_tool_v2*, uint32_t) {
    say("tool down");
}
void tool_up(void*, zwp_tablet_tool_v2*) {
    say("tool up");
}
void tool_motion(void*, zwp_tablet_tool_v2*, wl_fixed_t x, wl_fixed_t y) {
    say("tool motion " + coords(x, y));
}
void tool_pressure(void*, zwp_tablet_tool_v2*, uint32_t pressure) {
    say("tool pressure " + std::to_string(pressure));
}
void tool_distance(void*, zwp_tablet_tool_v2*, uint32_t) {
}
void tool_tilt(void*, zwp_tablet_tool_v2*, wl_fixed_t, wl_fixed_t) {
}
void tool_rotation(void*, zwp_tablet_tool_v2*, wl_fixed_t) {
}
void tool_slider(void*, zwp_tablet_tool_v2*, int32_t) {
}
void tool_wheel(void*, zwp_tablet_tool_v2*, wl_fixed_t, int32_t) {
}
void tool_button(void*, zwp_tablet_tool_v2*, uint32_t, uint32_t button, uint32_t state) {
    say("tool button " + std::to_string(button) + " " + pressed(state));
}
void tool_frame(void*, zwp_tablet_tool_v2*, uint32_t) {
    say("tool frame");
}
const zwp_tablet_tool_v2_listener kTool = {
    tool_type,    tool_serial,       tool_id_wacom,      tool_capability, tool_done,
    tool_removed, tool_proximity_in, tool_proximity_out, tool_down,       tool_up,
    tool_motion,  tool_pressure,     tool_distance,      tool_tilt,       tool_rotation,
    tool_slider,  tool_wheel,        tool_button,        tool_frame,
};

// The pad.
void pad_group(void*, zwp_tablet_pad_v2*, zwp_tablet_pad_group_v2*) {
}
void pad_path(void*, zwp_tablet_pad_v2*, const char*) {
}
void pad_buttons(void*, zwp_tablet_pad_v2*, uint32_t) {
}
void pad_done(void*, zwp_tablet_pad_v2*) {
}
void pad_button(void*, zwp_tablet_pad_v2*, uint32_t, uint32_t button, uint32_t state) {
    say("pad button " + std::to_string(button) + " " + pressed(state));
}
void pad_enter(void*, zwp_tablet_pad_v2*, uint32_t, zwp_tablet_v2*, wl_surface*) {
    say("pad enter");
}
void pad_leave(void*, zwp_tablet_pad_v2*, uint32_t, wl_surface*) {
    say("pad leave");
}
void pad_removed(void*, zwp_tablet_pad_v2*) {
}
const zwp_tablet_pad_v2_listener kPad = {pad_group,  pad_path,  pad_buttons, pad_done,
                                         pad_button, pad_enter, pad_leave,   pad_removed};

void tablet_added(void*, zwp_tablet_seat_v2*, zwp_tablet_v2*) {
    say("tablet-added");
}
void tool_added(void* data, zwp_tablet_seat_v2*, zwp_tablet_tool_v2* tool) {
    zwp_tablet_tool_v2_add_listener(tool, &kTool, data);
    say("tool-added");
}
void pad_added(void* data, zwp_tablet_seat_v2*, zwp_tablet_pad_v2* pad) {
    zwp_tablet_pad_v2_add_listener(pad, &kPad, data);
    say("pad-added");
}
const zwp_tablet_seat_v2_listener kTabletSeat = {tablet_added, tool_added, pad_added};

// The pointer and the keyboard.
void pointer_enter(void*, wl_pointer*, uint32_t, wl_surface*, wl_fixed_t x, wl_fixed_t y) {
    say("pointer enter " + coords(x, y));
}
void pointer_leave(void*, wl_pointer*, uint32_t, wl_surface*) {
    say("pointer leave");
}
void pointer_motion(void*, wl_pointer*, uint32_t, wl_fixed_t x, wl_fixed_t y) {
    say("pointer motion " + coords(x, y));
}
void pointer_button(void*, wl_pointer*, uint32_t, uint32_t, uint32_t button, uint32_t state) {
    say("pointer button " + std::to_string(button) + " " + pressed(state));
}
void pointer_axis(void*, wl_pointer*, uint32_t, uint32_t, wl_fixed_t) {
}
void pointer_frame(void*, wl_pointer*) {
}
void pointer_axis_source(void*, wl_pointer*, uint32_t) {
}
void pointer_axis_stop(void*, wl_pointer*, uint32_t, uint32_t) {
}
void pointer_axis_discrete(void*, wl_pointer*, uint32_t, int32_t) {
}
const wl_pointer_listener kPointer = {
    pointer_enter, pointer_leave,       pointer_motion,    pointer_button,       pointer_axis,
    pointer_frame, pointer_axis_source, pointer_axis_stop, pointer_axis_discrete};

void keymap(void*, wl_keyboard*, uint32_t, int32_t fd, uint32_t) {
    close(fd);
}
void keyboard_enter(void*, wl_keyboard*, uint32_t, wl_surface*, wl_array*) {
    say("keyboard enter");
}
void keyboard_leave(void*, wl_keyboard*, uint32_t, wl_surface*) {
    say("keyboard leave");
}
void key(void*, wl_keyboard*, uint32_t, uint32_t, uint32_t, uint32_t) {
}
void modifiers(void*, wl_keyboard*, uint32_t, uint32_t, uint32_t, uint32_t, uint32_t) {
}
void repeat_info(void*, wl_keyboard*, int32_t, int32_t) {
}
const wl_keyboard_listener kKeyboard = {keymap, keyboard_enter, keyboard_leave,
                                        key,    modifiers,      repeat_info};

struct Seat {
    App* app;
    wl_pointer* pointer = nullptr;
    wl_keyboard* keyboard = nullptr;
};

void seat_capabilities(void* data, wl_seat* seat, uint32_t caps) {
    auto* s = static_cast<Seat*>(data);
    if ((caps & WL_SEAT_CAPABILITY_POINTER) && s->pointer == nullptr) {
        s->pointer = wl_seat_get_pointer(seat);
        wl_pointer_add_listener(s->pointer, &kPointer, s->app);
    }
    if ((caps & WL_SEAT_CAPABILITY_KEYBOARD) && s->keyboard == nullptr) {
        s->keyboard = wl_seat_get_keyboard(seat);
        wl_keyboard_add_listener(s->keyboard, &kKeyboard, s->app);
    }
}
void seat_name(void*, wl_seat*, const char*) {
}
const wl_seat_listener kSeat = {seat_capabilities, seat_name};

void need(const void* global, const char* name) {
    if (global == nullptr) {
        std::fprintf(stderr, "tablet-client: no %s\n", name);
        std::exit(1);
    }
}

} // namespace

int main(int argc, char** argv) {
    App app;
    std::vector<std::string> args(argv + 1, argv + argc);
    for (std::size_t i = 0; i < args.size(); ++i) {
        if (args[i] == "--colour" && i + 1 < args.size()) {
            app.colour =
                0xff000000u | static_cast<std::uint32_t>(std::stoul(args[++i], nullptr, 16));
        } else if (args[i] == "--size" && i + 1 < args.size()) {
            if (std::sscanf(args[++i].c_str(), "%dx%d", &app.width, &app.height) != 2) {
                return 2;
            }
        } else if (args[i] == "--title" && i + 1 < args.size()) {
            app.title = args[++i];
        } else if (args[i] == "--no-tablet") {
            app.no_tablet = true;
        } else {
            std::fprintf(stderr, "usage: tablet-client [--colour RRGGBB] [--size WxH] "
                                 "[--title TITLE] [--no-tablet]\n");
            return 2;
        }
    }

    wl_display* display = wl_display_connect(nullptr);
    if (display == nullptr) {
        std::perror("tablet-client: wl_display_connect");
        return 1;
    }
    wl_registry* registry = wl_display_get_registry(display);
    wl_registry_add_listener(registry, &kRegistry, &app);
    wl_display_roundtrip(display);
    need(app.compositor, "wl_compositor");
    need(app.shm, "wl_shm");
    need(app.seat, "wl_seat");
    need(app.wm, "xdg_wm_base");
    xdg_wm_base_add_listener(app.wm, &kWm, nullptr);
    Seat seat{&app};
    wl_seat_add_listener(app.seat, &kSeat, &seat);
    if (!app.no_tablet) {
        need(app.tablets, "zwp_tablet_manager_v2");
        zwp_tablet_seat_v2* tablet_seat =
            zwp_tablet_manager_v2_get_tablet_seat(app.tablets, app.seat);
        zwp_tablet_seat_v2_add_listener(tablet_seat, &kTabletSeat, &app);
    }
    wl_display_roundtrip(display);

    app.surface = wl_compositor_create_surface(app.compositor);
    xdg_surface* xdg = xdg_wm_base_get_xdg_surface(app.wm, app.surface);
    xdg_surface_add_listener(xdg, &kXdgSurface, &app);
    xdg_toplevel* toplevel = xdg_surface_get_toplevel(xdg);
    xdg_toplevel_add_listener(toplevel, &kToplevel, &app);
    xdg_toplevel_set_title(toplevel, app.title.c_str());
    wl_surface_commit(app.surface);
    while (!app.configured) {
        if (wl_display_dispatch(display) < 0) {
            return 1;
        }
    }
    wl_display_roundtrip(display);
    say("ready");
    while (wl_display_dispatch(display) >= 0) {
    }
    std::fprintf(stderr, "tablet-client: disconnected: %s\n",
                 std::strerror(wl_display_get_error(display)));
    return 1;
}
