// idle-client: idle notification as swayidle uses it, and idle inhibition as a video player
// uses it, for tests.
//
//   idle-client notify MS               asks to be told after MS ms without user input; logs
//                                       "idled" and "resumed" as they come
//   idle-client inhibit                 an idle inhibitor on a bare surface (no window)
//   idle-client inhibit --window TITLE  an idle inhibitor on a window titled TITLE, drawn
//                                       200x150; SIGUSR1 unmaps the window ("hidden")
// Logs "ready" once its requests are sent. Exits 1 when a global is missing.
#include "client_base.hpp"
#include "ext-idle-notify-v1-client-protocol.h"
#include "idle-inhibit-unstable-v1-client-protocol.h"
#include "shm_buffer.hpp"
#include "xdg-shell-client-protocol.h"

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include <wayland-client.h>

namespace {

volatile std::sig_atomic_t g_hide = 0;

void handle_usr1(int) {
    g_hide = 1;
}

struct Client {
    wl_compositor* compositor = nullptr;
    wl_shm* shm = nullptr;
    wl_seat* seat = nullptr;
    xdg_wm_base* wm_base = nullptr;
    ext_idle_notifier_v1* notifier = nullptr;
    zwp_idle_inhibit_manager_v1* inhibit_manager = nullptr;
    wl_surface* surface = nullptr;
};

void idled(void*, ext_idle_notification_v1*) {
    say("idled");
}
void resumed(void*, ext_idle_notification_v1*) {
    say("resumed");
}
const ext_idle_notification_v1_listener kNotification = {idled, resumed};

void wm_base_ping(void*, xdg_wm_base* wm_base, std::uint32_t serial) {
    xdg_wm_base_pong(wm_base, serial);
}
const xdg_wm_base_listener kWmBase = {wm_base_ping};

void surface_configure(void* data, xdg_surface* surface, std::uint32_t serial) {
    auto* c = static_cast<Client*>(data);
    xdg_surface_ack_configure(surface, serial);
    wl_surface_attach(c->surface, make_buffer(c->shm, 200, 150, 0xff806000), 0, 0);
    wl_surface_damage_buffer(c->surface, 0, 0, 200, 150);
    wl_surface_commit(c->surface);
}
const xdg_surface_listener kXdgSurface = {surface_configure};

void toplevel_configure(void*, xdg_toplevel*, std::int32_t, std::int32_t, wl_array*) {
}
void toplevel_close(void*, xdg_toplevel*) {
}
void toplevel_bounds(void*, xdg_toplevel*, std::int32_t, std::int32_t) {
}
void toplevel_capabilities(void*, xdg_toplevel*, wl_array*) {
}
const xdg_toplevel_listener kToplevel = {toplevel_configure, toplevel_close, toplevel_bounds,
                                         toplevel_capabilities};

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
    } else if (std::strcmp(iface, xdg_wm_base_interface.name) == 0) {
        c->wm_base =
            static_cast<xdg_wm_base*>(wl_registry_bind(registry, name, &xdg_wm_base_interface, 1));
    } else if (std::strcmp(iface, ext_idle_notifier_v1_interface.name) == 0) {
        c->notifier = static_cast<ext_idle_notifier_v1*>(
            wl_registry_bind(registry, name, &ext_idle_notifier_v1_interface, 1));
    } else if (std::strcmp(iface, zwp_idle_inhibit_manager_v1_interface.name) == 0) {
        c->inhibit_manager = static_cast<zwp_idle_inhibit_manager_v1*>(
            wl_registry_bind(registry, name, &zwp_idle_inhibit_manager_v1_interface, 1));
    }
}
void global_remove(void*, wl_registry*, std::uint32_t) {
}
const wl_registry_listener kRegistry = {global, global_remove};

[[noreturn]] void usage() {
    std::fprintf(stderr, "usage: idle-client notify MS | inhibit [--window TITLE]\n");
    quit(2);
}

} // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        usage();
    }
    const std::string mode = argv[1];
    const bool notify = mode == "notify";
    if ((notify && argc != 3) || (!notify && mode != "inhibit")) {
        usage();
    }
    const bool window = !notify && argc == 4 && std::string(argv[2]) == "--window";
    if (!notify && argc != 2 && !window) {
        usage();
    }
    std::signal(SIGUSR1, handle_usr1);
    alarm(120);
    Client c;
    wl_display* display = wl_display_connect(nullptr);
    if (display == nullptr) {
        std::perror("idle-client: wl_display_connect");
        quit(1);
    }
    wl_registry* registry = wl_display_get_registry(display);
    wl_registry_add_listener(registry, &kRegistry, &c);
    wl_display_roundtrip(display);
    if (c.compositor == nullptr || c.shm == nullptr || c.seat == nullptr || c.wm_base == nullptr) {
        std::fprintf(stderr, "idle-client: missing core globals\n");
        quit(1);
    }
    if (notify) {
        if (c.notifier == nullptr) {
            std::fprintf(stderr, "idle-client: no ext_idle_notifier_v1\n");
            quit(1);
        }
        const auto timeout = static_cast<std::uint32_t>(std::strtoul(argv[2], nullptr, 10));
        ext_idle_notification_v1* notification =
            ext_idle_notifier_v1_get_idle_notification(c.notifier, timeout, c.seat);
        ext_idle_notification_v1_add_listener(notification, &kNotification, &c);
    } else {
        if (c.inhibit_manager == nullptr) {
            std::fprintf(stderr, "idle-client: no zwp_idle_inhibit_manager_v1\n");
            quit(1);
        }
        c.surface = wl_compositor_create_surface(c.compositor);
        if (window) {
            xdg_wm_base_add_listener(c.wm_base, &kWmBase, &c);
            xdg_surface* xdg = xdg_wm_base_get_xdg_surface(c.wm_base, c.surface);
            xdg_surface_add_listener(xdg, &kXdgSurface, &c);
            xdg_toplevel* toplevel = xdg_surface_get_toplevel(xdg);
            xdg_toplevel_add_listener(toplevel, &kToplevel, &c);
            xdg_toplevel_set_title(toplevel, argv[3]);
            wl_surface_commit(c.surface);
        }
        zwp_idle_inhibit_manager_v1_create_inhibitor(c.inhibit_manager, c.surface);
    }
    wl_display_roundtrip(display);
    say("ready");

    bool hidden = false;
    for (;;) {
        if (g_hide && window && !hidden) {
            hidden = true;
            wl_surface_attach(c.surface, nullptr, 0, 0);
            wl_surface_commit(c.surface);
            wl_display_roundtrip(display);
            say("hidden");
        }
        if (!dispatch_once(display, 50)) {
            break;
        }
    }
    std::fprintf(stderr, "idle-client: connection lost\n");
    quit(1);
}
