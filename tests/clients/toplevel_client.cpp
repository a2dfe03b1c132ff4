// toplevel-client: a panel's window list (waybar's taskbar) for tests, speaking
// wlr-foreign-toplevel-management.
//
//   toplevel-client [activate|close TITLE]
// Logs "toplevel TITLE | APP_ID | STATE" each time a window's details are complete (STATE lists
// "activated", "maximized", "fullscreen"), "gone TITLE" when a window leaves the list, and
// "output-enter TITLE" when a window enters an output. With activate or close, it asks that of
// the first window whose title is exactly TITLE ("asked TITLE"), once.
// Exits 1 when the compositor lacks the global.
#include "client_base.hpp"
#include "wlr-foreign-toplevel-management-unstable-v1-client-protocol.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <list>
#include <string>

#include <unistd.h>
#include <wayland-client.h>

namespace {

struct Client;

struct Toplevel {
    Client* client = nullptr;
    zwlr_foreign_toplevel_handle_v1* handle = nullptr;
    std::string title, app_id, state;
};

struct Client {
    wl_seat* seat = nullptr;
    zwlr_foreign_toplevel_manager_v1* manager = nullptr;
    std::list<Toplevel> toplevels;
    std::string action, target;
    bool acted = false;
};

void handle_title(void* data, zwlr_foreign_toplevel_handle_v1*, const char* title) {
    static_cast<Toplevel*>(data)->title = title;
}
void handle_app_id(void* data, zwlr_foreign_toplevel_handle_v1*, const char* app_id) {
    static_cast<Toplevel*>(data)->app_id = app_id;
}
void handle_output_enter(void* data, zwlr_foreign_toplevel_handle_v1*, wl_output*) {
    say("output-enter " + static_cast<Toplevel*>(data)->title);
}
void handle_output_leave(void*, zwlr_foreign_toplevel_handle_v1*, wl_output*) {
}
void handle_state(void* data, zwlr_foreign_toplevel_handle_v1*, wl_array* states) {
    auto* toplevel = static_cast<Toplevel*>(data);
    toplevel->state.clear();
    const auto* entries = static_cast<const std::uint32_t*>(states->data);
    for (std::size_t i = 0; i < states->size / sizeof(std::uint32_t); ++i) {
        const char* name =
            entries[i] == ZWLR_FOREIGN_TOPLEVEL_HANDLE_V1_STATE_ACTIVATED    ? "activated"
            : entries[i] == ZWLR_FOREIGN_TOPLEVEL_HANDLE_V1_STATE_MAXIMIZED  ? "maximized"
            : entries[i] == ZWLR_FOREIGN_TOPLEVEL_HANDLE_V1_STATE_FULLSCREEN ? "fullscreen"
                                                                             : "other";
        toplevel->state += (toplevel->state.empty() ? "" : " ") + std::string(name);
    }
}
void handle_done(void* data, zwlr_foreign_toplevel_handle_v1* handle) {
    auto* toplevel = static_cast<Toplevel*>(data);
    say("toplevel " + toplevel->title + " | " + toplevel->app_id + " | " + toplevel->state);
    Client* c = toplevel->client;
    if (!c->acted && !c->action.empty() && toplevel->title == c->target) {
        c->acted = true;
        if (c->action == "activate") {
            zwlr_foreign_toplevel_handle_v1_activate(handle, c->seat);
        } else {
            zwlr_foreign_toplevel_handle_v1_close(handle);
        }
        say("asked " + toplevel->title);
    }
}
void handle_closed(void* data, zwlr_foreign_toplevel_handle_v1* handle) {
    auto* toplevel = static_cast<Toplevel*>(data);
    say("gone " + toplevel->title);
    zwlr_foreign_toplevel_handle_v1_destroy(handle);
    toplevel->client->toplevels.remove_if(
        [toplevel](const Toplevel& candidate) { return &candidate == toplevel; });
}
void handle_parent(void*, zwlr_foreign_toplevel_handle_v1*, zwlr_foreign_toplevel_handle_v1*) {
}
const zwlr_foreign_toplevel_handle_v1_listener kHandle = {
    handle_title, handle_app_id, handle_output_enter, handle_output_leave,
    handle_state, handle_done,   handle_closed,       handle_parent};

void manager_toplevel(void* data, zwlr_foreign_toplevel_manager_v1*,
                      zwlr_foreign_toplevel_handle_v1* handle) {
    auto* c = static_cast<Client*>(data);
    Toplevel& toplevel = c->toplevels.emplace_back();
    toplevel.client = c;
    toplevel.handle = handle;
    zwlr_foreign_toplevel_handle_v1_add_listener(handle, &kHandle, &toplevel);
}
void manager_finished(void*, zwlr_foreign_toplevel_manager_v1*) {
}
const zwlr_foreign_toplevel_manager_v1_listener kManager = {manager_toplevel, manager_finished};

void global(void* data, wl_registry* registry, std::uint32_t name, const char* iface,
            std::uint32_t) {
    auto* c = static_cast<Client*>(data);
    if (std::strcmp(iface, "wl_seat") == 0) {
        c->seat = static_cast<wl_seat*>(wl_registry_bind(registry, name, &wl_seat_interface, 1));
    } else if (std::strcmp(iface, "wl_output") == 0) {
        wl_registry_bind(registry, name, &wl_output_interface, 1);
    } else if (std::strcmp(iface, zwlr_foreign_toplevel_manager_v1_interface.name) == 0) {
        c->manager = static_cast<zwlr_foreign_toplevel_manager_v1*>(
            wl_registry_bind(registry, name, &zwlr_foreign_toplevel_manager_v1_interface, 3));
    }
}
void global_remove(void*, wl_registry*, std::uint32_t) {
}
const wl_registry_listener kRegistry = {global, global_remove};

} // namespace

int main(int argc, char** argv) {
    Client c;
    if (argc == 3 &&
        (std::strcmp(argv[1], "activate") == 0 || std::strcmp(argv[1], "close") == 0)) {
        c.action = argv[1];
        c.target = argv[2];
    } else if (argc != 1) {
        std::fprintf(stderr, "usage: toplevel-client [activate|close TITLE]\n");
        quit(2);
    }
    alarm(120);
    wl_display* display = wl_display_connect(nullptr);
    if (display == nullptr) {
        std::perror("toplevel-client: wl_display_connect");
        quit(1);
    }
    wl_registry* registry = wl_display_get_registry(display);
    wl_registry_add_listener(registry, &kRegistry, &c);
    wl_display_roundtrip(display);
    if (c.manager == nullptr || c.seat == nullptr) {
        std::fprintf(stderr, "toplevel-client: no zwlr_foreign_toplevel_manager_v1\n");
        quit(1);
    }
    zwlr_foreign_toplevel_manager_v1_add_listener(c.manager, &kManager, &c);
    wl_display_roundtrip(display);
    say("ready");
    while (dispatch_once(display, 50)) {
    }
    std::fprintf(stderr, "toplevel-client: connection lost\n");
    quit(1);
}
