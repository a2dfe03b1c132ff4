// apps-protocols-client: one window (WIDTHxHEIGHT of one colour) using the protocols prism
// offers VMs for applications, logging what it is told, one line each:
//
//   apps-protocols-client [--colour RRGGBB] [--size WxH] MODE [ARGS]
//     shape NAME[,NAME...]   on each wl_pointer.enter asks for the next cursor shape
//                            (cursor-shape-v1; names: default, text, wait, crosshair, pointer,
//                            move) and logs "shape NAME"; logs "enter" / "leave" too
//       --steal NAME         also, while the pointer is NOT over the window, asks for NAME
//                            every 50 ms with the serial of its last enter ("steal" logged once)
//     lock                   locks the pointer on its surface at the first enter (persistent,
//                            pointer-constraints-v1) and logs "locked" / "unlocked"; logs
//                            "relative DX DY" for each relative-pointer-v1 motion
//     scale                  asks for its fractional scale (fractional-scale-v1) and logs
//                            "preferred-scale N" (N in 120ths) for each preferred_scale
//     export                 exports its toplevel (xdg-foreign v2) and logs "handle HANDLE"
//     import HANDLE          imports HANDLE, makes its toplevel a child of it, and logs
//                            "import destroyed" (the handle is unknown to it) or, a second
//                            later, "import alive"
//   "ready" is logged once the window has been drawn. Runs until killed.
#include "cursor-shape-v1-client-protocol.h"
#include "fractional-scale-v1-client-protocol.h"
#include "pointer-constraints-unstable-v1-client-protocol.h"
#include "relative-pointer-unstable-v1-client-protocol.h"
#include "shm_buffer.hpp"
#include "xdg-foreign-unstable-v2-client-protocol.h"
#include "xdg-shell-client-protocol.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <poll.h>
#include <sstream>
#include <string>
#include <vector>
#include <wayland-client.h>

namespace {

struct App {
    wl_compositor* compositor = nullptr;
    wl_shm* shm = nullptr;
    wl_seat* seat = nullptr;
    xdg_wm_base* wm = nullptr;
    wp_cursor_shape_manager_v1* shapes = nullptr;
    zwp_pointer_constraints_v1* constraints = nullptr;
    zwp_relative_pointer_manager_v1* relative = nullptr;
    zxdg_exporter_v2* exporter = nullptr;
    wp_fractional_scale_manager_v1* fractional = nullptr;
    zxdg_importer_v2* importer = nullptr;

    wl_surface* surface = nullptr;
    xdg_surface* xdg = nullptr;
    xdg_toplevel* toplevel = nullptr;
    wl_pointer* pointer = nullptr;
    wp_cursor_shape_device_v1* shape_device = nullptr;
    bool configured = false, drawn = false;
    int width = 200, height = 150;
    std::uint32_t colour = 0xff20a040;

    std::string mode;
    std::vector<std::string> shape_names;
    std::size_t next_shape = 0;
    std::string steal;
    bool stole = false;
    bool over = false;
    std::uint32_t enter_serial = 0;
    bool lock_requested = false;
    std::string handle;
    zxdg_imported_v2* imported = nullptr;
    bool import_destroyed = false;
    std::chrono::steady_clock::time_point import_time;
    bool import_reported = false;
};

void say(const std::string& line) {
    std::printf("%s\n", line.c_str());
    std::fflush(stdout);
}

std::uint32_t shape_of(const std::string& name) {
    static const std::map<std::string, std::uint32_t> kShapes = {
        {"default", WP_CURSOR_SHAPE_DEVICE_V1_SHAPE_DEFAULT},
        {"text", WP_CURSOR_SHAPE_DEVICE_V1_SHAPE_TEXT},
        {"wait", WP_CURSOR_SHAPE_DEVICE_V1_SHAPE_WAIT},
        {"crosshair", WP_CURSOR_SHAPE_DEVICE_V1_SHAPE_CROSSHAIR},
        {"pointer", WP_CURSOR_SHAPE_DEVICE_V1_SHAPE_POINTER},
        {"move", WP_CURSOR_SHAPE_DEVICE_V1_SHAPE_MOVE},
    };
    auto it = kShapes.find(name);
    if (it == kShapes.end()) {
        std::fprintf(stderr, "apps-protocols-client: unknown shape '%s'\n", name.c_str());
        std::exit(2);
    }
    return it->second;
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
    } else if (std::strcmp(iface, wp_cursor_shape_manager_v1_interface.name) == 0) {
        app->shapes = static_cast<wp_cursor_shape_manager_v1*>(
            bind(&wp_cursor_shape_manager_v1_interface, 1));
    } else if (std::strcmp(iface, zwp_pointer_constraints_v1_interface.name) == 0) {
        app->constraints = static_cast<zwp_pointer_constraints_v1*>(
            bind(&zwp_pointer_constraints_v1_interface, 1));
    } else if (std::strcmp(iface, zwp_relative_pointer_manager_v1_interface.name) == 0) {
        app->relative = static_cast<zwp_relative_pointer_manager_v1*>(
            bind(&zwp_relative_pointer_manager_v1_interface, 1));
    } else if (std::strcmp(iface, wp_fractional_scale_manager_v1_interface.name) == 0) {
        app->fractional = static_cast<wp_fractional_scale_manager_v1*>(
            bind(&wp_fractional_scale_manager_v1_interface, 1));
    } else if (std::strcmp(iface, zxdg_exporter_v2_interface.name) == 0) {
        app->exporter = static_cast<zxdg_exporter_v2*>(bind(&zxdg_exporter_v2_interface, 1));
    } else if (std::strcmp(iface, zxdg_importer_v2_interface.name) == 0) {
        app->importer = static_cast<zxdg_importer_v2*>(bind(&zxdg_importer_v2_interface, 1));
    }
}
void global_remove(void*, wl_registry*, uint32_t) {
}
const wl_registry_listener kRegistry = {global, global_remove};

void wm_ping(void*, xdg_wm_base* wm, uint32_t serial) {
    xdg_wm_base_pong(wm, serial);
}
const xdg_wm_base_listener kWm = {wm_ping};

void draw(App* app) {
    wl_buffer* buffer = make_buffer(app->shm, app->width, app->height, app->colour);
    wl_surface_attach(app->surface, buffer, 0, 0);
    wl_surface_damage_buffer(app->surface, 0, 0, app->width, app->height);
    wl_surface_commit(app->surface);
}

void xdg_configure(void* data, xdg_surface* xdg, uint32_t serial) {
    auto* app = static_cast<App*>(data);
    xdg_surface_ack_configure(xdg, serial);
    app->configured = true;
    draw(app);
}
const xdg_surface_listener kXdgSurface = {xdg_configure};

void toplevel_configure(void*, xdg_toplevel*, int32_t, int32_t, wl_array*) {
}
void toplevel_close(void*, xdg_toplevel*) {
}
void toplevel_bounds(void*, xdg_toplevel*, int32_t, int32_t) {
}
void toplevel_capabilities(void*, xdg_toplevel*, wl_array*) {
}
const xdg_toplevel_listener kToplevel = {toplevel_configure, toplevel_close, toplevel_bounds,
                                         toplevel_capabilities};

void locked(void*, zwp_locked_pointer_v1*) {
    say("locked");
}
void unlocked(void*, zwp_locked_pointer_v1*) {
    say("unlocked");
}
const zwp_locked_pointer_v1_listener kLocked = {locked, unlocked};

void relative_motion(void*, zwp_relative_pointer_v1*, uint32_t, uint32_t, wl_fixed_t dx,
                     wl_fixed_t dy, wl_fixed_t, wl_fixed_t) {
    std::ostringstream line;
    line << "relative " << wl_fixed_to_double(dx) << " " << wl_fixed_to_double(dy);
    say(line.str());
}
const zwp_relative_pointer_v1_listener kRelative = {relative_motion};

void pointer_enter(void* data, wl_pointer*, uint32_t serial, wl_surface*, wl_fixed_t, wl_fixed_t) {
    auto* app = static_cast<App*>(data);
    app->over = true;
    app->enter_serial = serial;
    say("enter");
    if (app->mode == "shape" && !app->shape_names.empty()) {
        const std::string& name = app->shape_names[app->next_shape % app->shape_names.size()];
        ++app->next_shape;
        wp_cursor_shape_device_v1_set_shape(app->shape_device, serial, shape_of(name));
        say("shape " + name);
    }
    if (app->mode == "lock" && !app->lock_requested) {
        app->lock_requested = true;
        zwp_locked_pointer_v1* lock = zwp_pointer_constraints_v1_lock_pointer(
            app->constraints, app->surface, app->pointer, nullptr,
            ZWP_POINTER_CONSTRAINTS_V1_LIFETIME_PERSISTENT);
        zwp_locked_pointer_v1_add_listener(lock, &kLocked, app);
    }
}
void pointer_leave(void* data, wl_pointer*, uint32_t, wl_surface*) {
    static_cast<App*>(data)->over = false;
    say("leave");
}
void pointer_motion(void*, wl_pointer*, uint32_t, wl_fixed_t, wl_fixed_t) {
}
void pointer_button(void*, wl_pointer*, uint32_t, uint32_t, uint32_t, uint32_t) {
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

void exported_handle(void* data, zxdg_exported_v2*, const char* handle) {
    static_cast<App*>(data)->handle = handle;
    say(std::string("handle ") + handle);
}
const zxdg_exported_v2_listener kExported = {exported_handle};

void imported_destroyed(void* data, zxdg_imported_v2*) {
    auto* app = static_cast<App*>(data);
    app->import_destroyed = true;
    app->import_reported = true;
    say("import destroyed");
}
const zxdg_imported_v2_listener kImported = {imported_destroyed};

void preferred_scale(void*, wp_fractional_scale_v1*, uint32_t scale) {
    say("preferred-scale " + std::to_string(scale));
}
const wp_fractional_scale_v1_listener kFractional = {preferred_scale};

void need(const void* global, const char* name) {
    if (global == nullptr) {
        std::fprintf(stderr, "apps-protocols-client: no %s\n", name);
        std::exit(1);
    }
}

} // namespace

int main(int argc, char** argv) {
    App app;
    std::vector<std::string> args(argv + 1, argv + argc);
    std::size_t i = 0;
    for (; i < args.size(); ++i) {
        if (args[i] == "--colour" && i + 1 < args.size()) {
            app.colour =
                0xff000000u | static_cast<std::uint32_t>(std::stoul(args[++i], nullptr, 16));
        } else if (args[i] == "--size" && i + 1 < args.size()) {
            if (std::sscanf(args[++i].c_str(), "%dx%d", &app.width, &app.height) != 2) {
                return 2;
            }
        } else {
            break;
        }
    }
    if (i >= args.size()) {
        std::fprintf(stderr, "usage: apps-protocols-client [--colour RRGGBB] [--size WxH] MODE\n");
        return 2;
    }
    app.mode = args[i++];
    if (app.mode == "shape") {
        if (i >= args.size()) {
            return 2;
        }
        std::stringstream names(args[i++]);
        for (std::string name; std::getline(names, name, ',');) {
            shape_of(name);
            app.shape_names.push_back(name);
        }
        if (i + 1 < args.size() && args[i] == "--steal") {
            app.steal = args[i + 1];
            shape_of(app.steal);
        }
    } else if (app.mode == "import") {
        if (i >= args.size()) {
            return 2;
        }
        app.handle = args[i];
    } else if (app.mode != "lock" && app.mode != "export" && app.mode != "scale") {
        std::fprintf(stderr, "apps-protocols-client: unknown mode '%s'\n", app.mode.c_str());
        return 2;
    }

    wl_display* display = wl_display_connect(nullptr);
    if (display == nullptr) {
        std::perror("apps-protocols-client: wl_display_connect");
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

    app.pointer = wl_seat_get_pointer(app.seat);
    wl_pointer_add_listener(app.pointer, &kPointer, &app);
    if (app.mode == "shape") {
        need(app.shapes, "wp_cursor_shape_manager_v1");
        app.shape_device = wp_cursor_shape_manager_v1_get_pointer(app.shapes, app.pointer);
    } else if (app.mode == "lock") {
        need(app.constraints, "zwp_pointer_constraints_v1");
        need(app.relative, "zwp_relative_pointer_manager_v1");
        zwp_relative_pointer_v1* relative =
            zwp_relative_pointer_manager_v1_get_relative_pointer(app.relative, app.pointer);
        zwp_relative_pointer_v1_add_listener(relative, &kRelative, &app);
    } else if (app.mode == "export") {
        need(app.exporter, "zxdg_exporter_v2");
    } else if (app.mode == "scale") {
        need(app.fractional, "wp_fractional_scale_manager_v1");
    } else if (app.mode == "import") {
        need(app.importer, "zxdg_importer_v2");
    }

    app.surface = wl_compositor_create_surface(app.compositor);
    app.xdg = xdg_wm_base_get_xdg_surface(app.wm, app.surface);
    xdg_surface_add_listener(app.xdg, &kXdgSurface, &app);
    if (app.mode == "scale") {
        wp_fractional_scale_v1* scale =
            wp_fractional_scale_manager_v1_get_fractional_scale(app.fractional, app.surface);
        wp_fractional_scale_v1_add_listener(scale, &kFractional, &app);
    }
    app.toplevel = xdg_surface_get_toplevel(app.xdg);
    xdg_toplevel_add_listener(app.toplevel, &kToplevel, &app);
    xdg_toplevel_set_title(app.toplevel, ("apps-protocols " + app.mode).c_str());
    wl_surface_commit(app.surface);
    while (!app.configured) {
        if (wl_display_dispatch(display) < 0) {
            return 1;
        }
    }
    wl_display_roundtrip(display);
    say("ready");

    if (app.mode == "export") {
        zxdg_exported_v2* exported = zxdg_exporter_v2_export_toplevel(app.exporter, app.surface);
        zxdg_exported_v2_add_listener(exported, &kExported, &app);
    } else if (app.mode == "import") {
        app.imported = zxdg_importer_v2_import_toplevel(app.importer, app.handle.c_str());
        zxdg_imported_v2_add_listener(app.imported, &kImported, &app);
        zxdg_imported_v2_set_parent_of(app.imported, app.surface);
        app.import_time = std::chrono::steady_clock::now();
    }

    const int fd = wl_display_get_fd(display);
    for (;;) {
        while (wl_display_prepare_read(display) != 0) {
            wl_display_dispatch_pending(display);
        }
        if (wl_display_flush(display) < 0) {
            wl_display_cancel_read(display);
            break;
        }
        pollfd pfd{fd, POLLIN, 0};
        if (poll(&pfd, 1, 50) > 0) {
            if (wl_display_read_events(display) < 0) {
                break;
            }
        } else {
            wl_display_cancel_read(display);
        }
        if (wl_display_dispatch_pending(display) < 0) {
            break;
        }
        if (!app.steal.empty() && !app.over && app.enter_serial != 0) {
            wp_cursor_shape_device_v1_set_shape(app.shape_device, app.enter_serial,
                                                shape_of(app.steal));
            if (!app.stole) {
                app.stole = true;
                say("steal");
            }
        }
        if (app.imported != nullptr && !app.import_reported &&
            std::chrono::steady_clock::now() - app.import_time > std::chrono::seconds(1)) {
            app.import_reported = true;
            say("import alive");
        }
    }
    std::fprintf(stderr, "apps-protocols-client: disconnected: %s\n",
                 std::strerror(wl_display_get_error(display)));
    return 1;
}
