// Drag and drop as a real client does it, for tests. One window of SIZExSIZE pixels:
//
//   dnd-client source TEXT [ICON]
//                            on a left button press in the window, starts a drag offering
//                            text/plain;charset=utf-8 (copy) with a magenta icon of ICON x ICON
//                            pixels (16 by default); writes TEXT when asked; prints "finished"
//                            or "cancelled" and exits when it ends
//   dnd-client target        accepts text/plain;charset=utf-8 (copy) on enter; on drop reads the
//                            data, prints "dropped: " and it, calls finish and exits
//   dnd-client reuse         hostile: drags one and the same source on every press, onto
//                            itself, accepting but never finishing; prints "drag N" each time
//   dnd-client paste         pastes the clipboard (text/plain;charset=utf-8) as soon as it has
//                            keyboard focus, printing "key N" for every key it is sent; prints
//                            "pasted: " and the text, then exits after the next key
//
// Both print "ready" once their window is shown, and exit 3 after 60 s.
#include "shm_buffer.hpp"
#include "xdg-shell-client-protocol.h"

#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include <fcntl.h>
#include <linux/input-event-codes.h>
#include <poll.h>
#include <sys/mman.h>
#include <unistd.h>
#include <wayland-client.h>

namespace {

constexpr int kSize = 200;
constexpr const char* kType = "text/plain;charset=utf-8";

struct Client {
    int icon_size = 16;
    bool paster = false;
    bool pasted = false;
    wl_data_offer* selection = nullptr;
    wl_keyboard* keyboard = nullptr;
    bool source = false;
    bool reuse = false;
    wl_data_source* reused = nullptr;
    int drags = 0;
    std::string text;
    wl_compositor* compositor = nullptr;
    wl_shm* shm = nullptr;
    wl_seat* seat = nullptr;
    wl_data_device_manager* manager = nullptr;
    xdg_wm_base* wm_base = nullptr;
    wl_surface* surface = nullptr;
    wl_pointer* pointer = nullptr;
    wl_data_device* device = nullptr;
    bool configured = false;
    bool dragging = false;
    wl_data_offer* offer = nullptr;
    std::uint32_t enter_serial = 0;
    int receive_fd = -1;
    wl_data_offer* dropped = nullptr;
    std::string received;
    bool done = false;
};

// --- the source side -------------------------------------------------------------------------

void source_target(void*, wl_data_source*, const char*) {
}
void source_send(void* data, wl_data_source*, const char* mime_type, int32_t fd) {
    auto* c = static_cast<Client*>(data);
    if (std::strcmp(mime_type, kType) == 0) {
        const char* p = c->text.data();
        size_t left = c->text.size();
        while (left > 0) {
            const ssize_t n = write(fd, p, left);
            if (n <= 0) {
                break;
            }
            p += n;
            left -= static_cast<size_t>(n);
        }
    }
    close(fd);
}
void source_cancelled(void* data, wl_data_source* source) {
    std::puts("cancelled");
    std::fflush(stdout);
    wl_data_source_destroy(source);
    static_cast<Client*>(data)->done = true;
}
void source_dnd_drop_performed(void*, wl_data_source*) {
}
void source_dnd_finished(void* data, wl_data_source* source) {
    std::puts("finished");
    std::fflush(stdout);
    wl_data_source_destroy(source);
    static_cast<Client*>(data)->done = true;
}
void source_action(void*, wl_data_source*, uint32_t) {
}
const wl_data_source_listener kSource = {source_target,       source_send,
                                         source_cancelled,    source_dnd_drop_performed,
                                         source_dnd_finished, source_action};

void pointer_enter(void*, wl_pointer*, uint32_t, wl_surface*, wl_fixed_t, wl_fixed_t) {
}
void pointer_leave(void*, wl_pointer*, uint32_t, wl_surface*) {
}
void pointer_motion(void*, wl_pointer*, uint32_t, wl_fixed_t, wl_fixed_t) {
}
void pointer_button(void* data, wl_pointer*, uint32_t serial, uint32_t, uint32_t button,
                    uint32_t state) {
    auto* c = static_cast<Client*>(data);
    if (c->reuse && button == BTN_LEFT && state == WL_POINTER_BUTTON_STATE_PRESSED) {
        if (c->reused == nullptr) {
            c->reused = wl_data_device_manager_create_data_source(c->manager);
            wl_data_source_offer(c->reused, kType);
            wl_data_source_set_actions(c->reused, WL_DATA_DEVICE_MANAGER_DND_ACTION_COPY);
        }
        wl_data_device_start_drag(c->device, c->reused, c->surface, nullptr, serial);
        std::printf("drag %d\n", ++c->drags);
        std::fflush(stdout);
        return;
    }
    if (!c->source || c->dragging || button != BTN_LEFT ||
        state != WL_POINTER_BUTTON_STATE_PRESSED) {
        return;
    }
    c->dragging = true;
    wl_data_source* source = wl_data_device_manager_create_data_source(c->manager);
    wl_data_source_add_listener(source, &kSource, c);
    wl_data_source_offer(source, kType);
    wl_data_source_set_actions(source, WL_DATA_DEVICE_MANAGER_DND_ACTION_COPY);
    wl_surface* icon = wl_compositor_create_surface(c->compositor);
    wl_data_device_start_drag(c->device, source, c->surface, icon, serial);
    wl_surface_attach(icon, make_buffer(c->shm, c->icon_size, c->icon_size, 0xffff00ff), 0, 0);
    wl_surface_commit(icon);
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

// --- the target side -------------------------------------------------------------------------

void offer_offer(void*, wl_data_offer*, const char*) {
}
void offer_source_actions(void*, wl_data_offer*, uint32_t) {
}
void offer_action(void*, wl_data_offer*, uint32_t) {
}
const wl_data_offer_listener kOffer = {offer_offer, offer_source_actions, offer_action};

void device_data_offer(void*, wl_data_device*, wl_data_offer* offer) {
    wl_data_offer_add_listener(offer, &kOffer, nullptr);
}
void device_enter(void* data, wl_data_device*, uint32_t serial, wl_surface*, wl_fixed_t, wl_fixed_t,
                  wl_data_offer* offer) {
    auto* c = static_cast<Client*>(data);
    c->offer = offer;
    c->enter_serial = serial;
    if (offer != nullptr && (!c->source || c->reuse)) {
        wl_data_offer_accept(offer, serial, kType);
        wl_data_offer_set_actions(offer, WL_DATA_DEVICE_MANAGER_DND_ACTION_COPY,
                                  WL_DATA_DEVICE_MANAGER_DND_ACTION_COPY);
    }
}
void device_leave(void* data, wl_data_device*) {
    static_cast<Client*>(data)->offer = nullptr;
}
void device_motion(void*, wl_data_device*, uint32_t, wl_fixed_t, wl_fixed_t) {
}
void device_drop(void* data, wl_data_device*) {
    auto* c = static_cast<Client*>(data);
    if (c->source || c->reuse || c->offer == nullptr) {
        return; // reuse: holds the dropped offer, never finishing
    }
    int fds[2];
    if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0) {
        std::exit(1);
    }
    wl_data_offer_receive(c->offer, kType, fds[1]);
    close(fds[1]);
    c->receive_fd = fds[0]; // read by the main loop: the compositor may ask the user first
    c->dropped = c->offer;  // a leave follows the drop and forgets c->offer
}
void start_paste(Client* c) {
    if (!c->paster || c->selection == nullptr || c->receive_fd >= 0 || c->pasted) {
        return;
    }
    int fds[2];
    if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0) {
        std::exit(1);
    }
    wl_data_offer_receive(c->selection, kType, fds[1]);
    close(fds[1]);
    c->receive_fd = fds[0];
}
void device_selection(void* data, wl_data_device*, wl_data_offer* offer) {
    auto* c = static_cast<Client*>(data);
    c->selection = offer;
    start_paste(c); // the selection comes with the keyboard focus
}
const wl_data_device_listener kDevice = {device_data_offer, device_enter, device_leave,
                                         device_motion,     device_drop,  device_selection};

// --- the keyboard (paste mode) -----------------------------------------------------------------

void keyboard_keymap(void*, wl_keyboard*, uint32_t, int32_t fd, uint32_t) {
    close(fd);
}
void keyboard_enter(void*, wl_keyboard*, uint32_t, wl_surface*, wl_array*) {
}
void keyboard_leave(void*, wl_keyboard*, uint32_t, wl_surface*) {
}
void keyboard_key(void* data, wl_keyboard*, uint32_t, uint32_t, uint32_t key, uint32_t state) {
    auto* c = static_cast<Client*>(data);
    std::printf("key %u %s\n", key, state == WL_KEYBOARD_KEY_STATE_PRESSED ? "down" : "up");
    std::fflush(stdout);
    if (c->pasted && state == WL_KEYBOARD_KEY_STATE_RELEASED) {
        c->done = true;
    }
}
void keyboard_modifiers(void*, wl_keyboard*, uint32_t, uint32_t, uint32_t, uint32_t, uint32_t) {
}
void keyboard_repeat_info(void*, wl_keyboard*, int32_t, int32_t) {
}
const wl_keyboard_listener kKeyboard = {keyboard_keymap, keyboard_enter,     keyboard_leave,
                                        keyboard_key,    keyboard_modifiers, keyboard_repeat_info};

// --- the window --------------------------------------------------------------------------------

void global(void* data, wl_registry* registry, uint32_t name, const char* iface, uint32_t) {
    auto* c = static_cast<Client*>(data);
    if (std::strcmp(iface, "wl_compositor") == 0) {
        c->compositor = static_cast<wl_compositor*>(
            wl_registry_bind(registry, name, &wl_compositor_interface, 4));
    } else if (std::strcmp(iface, "wl_shm") == 0) {
        c->shm = static_cast<wl_shm*>(wl_registry_bind(registry, name, &wl_shm_interface, 1));
    } else if (std::strcmp(iface, "wl_seat") == 0) {
        c->seat = static_cast<wl_seat*>(wl_registry_bind(registry, name, &wl_seat_interface, 5));
    } else if (std::strcmp(iface, "wl_data_device_manager") == 0) {
        c->manager = static_cast<wl_data_device_manager*>(
            wl_registry_bind(registry, name, &wl_data_device_manager_interface, 3));
    } else if (std::strcmp(iface, "xdg_wm_base") == 0) {
        c->wm_base =
            static_cast<xdg_wm_base*>(wl_registry_bind(registry, name, &xdg_wm_base_interface, 1));
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

void toplevel_configure(void*, xdg_toplevel*, int32_t, int32_t, wl_array*) {
}
void toplevel_close(void*, xdg_toplevel*) {
    std::exit(0);
}
const xdg_toplevel_listener kToplevel = {toplevel_configure, toplevel_close};

} // namespace

int main(int argc, char** argv) {
    Client c;
    if ((argc == 3 || argc == 4) && std::strcmp(argv[1], "source") == 0) {
        c.source = true;
        c.text = argv[2];
        if (argc == 4) {
            c.icon_size = std::atoi(argv[3]);
        }
    } else if (argc == 2 && std::strcmp(argv[1], "reuse") == 0) {
        c.reuse = true;
    } else if (argc == 2 && std::strcmp(argv[1], "paste") == 0) {
        c.paster = true;
    } else if (!(argc == 2 && std::strcmp(argv[1], "target") == 0)) {
        std::fprintf(stderr, "usage: dnd-client source TEXT [ICON] | target | reuse | paste\n");
        return 2;
    }
    std::signal(SIGPIPE, SIG_IGN);
    alarm(60);
    wl_display* display = wl_display_connect(nullptr);
    if (display == nullptr) {
        std::perror("dnd-client: wl_display_connect");
        return 1;
    }
    wl_registry* registry = wl_display_get_registry(display);
    wl_registry_add_listener(registry, &kRegistry, &c);
    wl_display_roundtrip(display);
    if (c.compositor == nullptr || c.shm == nullptr || c.seat == nullptr || c.manager == nullptr ||
        c.wm_base == nullptr) {
        std::fprintf(stderr, "dnd-client: missing globals\n");
        return 1;
    }
    xdg_wm_base_add_listener(c.wm_base, &kWmBase, nullptr);
    c.pointer = wl_seat_get_pointer(c.seat);
    if (c.paster) {
        c.keyboard = wl_seat_get_keyboard(c.seat);
        wl_keyboard_add_listener(c.keyboard, &kKeyboard, &c);
    }
    wl_pointer_add_listener(c.pointer, &kPointer, &c);
    c.device = wl_data_device_manager_get_data_device(c.manager, c.seat);
    wl_data_device_add_listener(c.device, &kDevice, &c);

    c.surface = wl_compositor_create_surface(c.compositor);
    xdg_surface* xdg = xdg_wm_base_get_xdg_surface(c.wm_base, c.surface);
    xdg_surface_add_listener(xdg, &kSurface, &c);
    xdg_toplevel* toplevel = xdg_surface_get_toplevel(xdg);
    xdg_toplevel_add_listener(toplevel, &kToplevel, &c);
    xdg_toplevel_set_title(toplevel, c.paster   ? "dnd paste"
                                     : c.reuse  ? "dnd reuse"
                                     : c.source ? "dnd source"
                                                : "dnd target");
    wl_surface_commit(c.surface);
    while (!c.configured && wl_display_dispatch(display) >= 0) {
    }
    wl_surface_attach(c.surface,
                      make_buffer(c.shm, kSize, kSize, c.source ? 0xff804000 : 0xff004080), 0, 0);
    wl_surface_commit(c.surface);
    wl_display_roundtrip(display);
    std::puts("ready");
    std::fflush(stdout);
    while (!c.done) {
        while (wl_display_prepare_read(display) != 0) {
            wl_display_dispatch_pending(display);
        }
        wl_display_flush(display);
        pollfd fds[2] = {{wl_display_get_fd(display), POLLIN, 0}, {c.receive_fd, POLLIN, 0}};
        if (poll(fds, c.receive_fd >= 0 ? 2 : 1, -1) < 0 && errno != EINTR) {
            wl_display_cancel_read(display);
            return 1;
        }
        if (fds[0].revents & POLLIN) {
            if (wl_display_read_events(display) < 0) {
                return 1;
            }
        } else {
            wl_display_cancel_read(display);
        }
        if (wl_display_dispatch_pending(display) < 0) {
            return 1;
        }
        if (c.receive_fd >= 0 && (fds[1].revents & (POLLIN | POLLHUP))) {
            char buffer[4096];
            ssize_t n;
            while ((n = read(c.receive_fd, buffer, sizeof buffer)) > 0) {
                c.received.append(buffer, static_cast<size_t>(n));
            }
            if (n == 0) {
                close(c.receive_fd);
                c.receive_fd = -1;
                if (c.paster) {
                    std::printf("pasted: %s\n", c.received.c_str());
                    std::fflush(stdout);
                    c.pasted = true; // exits after the next key
                } else {
                    std::printf("dropped: %s\n", c.received.c_str());
                    std::fflush(stdout);
                    wl_data_offer_finish(c.dropped);
                    c.done = true;
                }
            }
        }
    }
    wl_display_roundtrip(display);
    wl_display_disconnect(display);
    // A short-lived test program: its buffers and proxies go with the process.
    std::fflush(stdout);
    _exit(c.done ? 0 : 1);
}
