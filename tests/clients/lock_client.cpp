// lock-client: a screen locker for tests, speaking ext-session-lock-v1 as swaylock does.
//
//   lock-client [COLOUR]   locks, covers every output with COLOUR (hex RRGGBB, default 00c000)
//                          and logs what it is told:
//                            "locked" / "finished"      the lock's events
//                            "surface WxH"              a lock surface configured and drawn
//                            "keyboard-enter" / "key N down|up"   keys it receives
//                            "pointer-enter" / "button N"         the pointer
//                          SIGUSR1 unlocks (unlock_and_destroy) and exits 0 ("unlocked").
//                          Exits 2 when the compositor refuses the lock (finished).
#include "client_base.hpp"
#include "ext-session-lock-v1-client-protocol.h"
#include "shm_buffer.hpp"

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <list>

#include <wayland-client.h>

namespace {

volatile std::sig_atomic_t g_unlock = 0;

void handle_usr1(int) {
    g_unlock = 1;
}

struct Client;

struct LockOutput {
    Client* client = nullptr;
    wl_output* output = nullptr;
    wl_surface* surface = nullptr;
    ext_session_lock_surface_v1* lock_surface = nullptr;
};

struct Client {
    wl_compositor* compositor = nullptr;
    wl_shm* shm = nullptr;
    wl_seat* seat = nullptr;
    ext_session_lock_manager_v1* manager = nullptr;
    ext_session_lock_v1* lock = nullptr;
    std::list<LockOutput> outputs;
    std::uint32_t colour = 0xff00c000;
    bool finished = false;
};

void lock_surface_configure(void* data, ext_session_lock_surface_v1* lock_surface,
                            std::uint32_t serial, std::uint32_t width, std::uint32_t height) {
    auto* out = static_cast<LockOutput*>(data);
    ext_session_lock_surface_v1_ack_configure(lock_surface, serial);
    wl_buffer* buffer = make_buffer(out->client->shm, static_cast<int>(width),
                                    static_cast<int>(height), out->client->colour);
    wl_surface_attach(out->surface, buffer, 0, 0);
    wl_surface_damage_buffer(out->surface, 0, 0, static_cast<std::int32_t>(width),
                             static_cast<std::int32_t>(height));
    wl_surface_commit(out->surface);
    say("surface %ux%u", width, height);
}
const ext_session_lock_surface_v1_listener kLockSurface = {lock_surface_configure};

void lock_locked(void*, ext_session_lock_v1*) {
    say("locked");
}
void lock_finished(void* data, ext_session_lock_v1*) {
    static_cast<Client*>(data)->finished = true;
    say("finished");
}
const ext_session_lock_v1_listener kLock = {lock_locked, lock_finished};

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
    } else if (std::strcmp(iface, "wl_output") == 0) {
        LockOutput& out = c->outputs.emplace_back();
        out.client = c;
        out.output =
            static_cast<wl_output*>(wl_registry_bind(registry, name, &wl_output_interface, 1));
    } else if (std::strcmp(iface, ext_session_lock_manager_v1_interface.name) == 0) {
        c->manager = static_cast<ext_session_lock_manager_v1*>(
            wl_registry_bind(registry, name, &ext_session_lock_manager_v1_interface, 1));
    }
}
void global_remove(void*, wl_registry*, std::uint32_t) {
}
const wl_registry_listener kRegistry = {global, global_remove};

} // namespace

int main(int argc, char** argv) {
    Client c;
    if (argc > 2) {
        std::fprintf(stderr, "usage: lock-client [RRGGBB]\n");
        quit(2);
    }
    if (argc == 2) {
        c.colour = 0xff000000u | static_cast<std::uint32_t>(std::strtoul(argv[1], nullptr, 16));
    }
    std::signal(SIGUSR1, handle_usr1);
    alarm(120);
    wl_display* display = wl_display_connect(nullptr);
    if (display == nullptr) {
        std::perror("lock-client: wl_display_connect");
        quit(1);
    }
    wl_registry* registry = wl_display_get_registry(display);
    wl_registry_add_listener(registry, &kRegistry, &c);
    wl_display_roundtrip(display);
    if (c.compositor == nullptr || c.shm == nullptr || c.seat == nullptr || c.manager == nullptr) {
        std::fprintf(stderr, "lock-client: missing globals (ext_session_lock_manager_v1: %s)\n",
                     c.manager != nullptr ? "yes" : "no");
        quit(1);
    }
    wl_keyboard_add_listener(wl_seat_get_keyboard(c.seat), &logged_input::kKeyboard, &c);
    wl_pointer_add_listener(wl_seat_get_pointer(c.seat), &logged_input::kPointer, &c);

    c.lock = ext_session_lock_manager_v1_lock(c.manager);
    ext_session_lock_v1_add_listener(c.lock, &kLock, &c);
    for (LockOutput& out : c.outputs) {
        out.surface = wl_compositor_create_surface(c.compositor);
        out.lock_surface = ext_session_lock_v1_get_lock_surface(c.lock, out.surface, out.output);
        ext_session_lock_surface_v1_add_listener(out.lock_surface, &kLockSurface, &out);
    }
    while (!c.finished && !g_unlock) {
        if (!dispatch_once(display, 50)) {
            break;
        }
    }
    if (c.finished) {
        quit(2);
    }
    if (!g_unlock) {
        std::fprintf(stderr, "lock-client: connection lost\n");
        quit(1);
    }
    ext_session_lock_v1_unlock_and_destroy(c.lock);
    wl_display_roundtrip(display);
    say("unlocked");
    wl_display_disconnect(display);
    quit(0);
}
