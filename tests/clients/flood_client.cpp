// A Wayland client that floods the clipboard as a hostile VM would, and the victim that watches
// from another VM. Every window is 200x200, in one colour.
//
//   flood-client paste-on-key      one window; on the first key pressed in it, pastes the
//                                  clipboard (text/plain;charset=utf-8); prints "key down" for
//                                  every key pressed and "pasted: TEXT" when the paste ends
//   flood-client paste-spam COUNT  opens COUNT connections, one every 300 ms, each with its own
//                                  window that pastes the clipboard as soon as it has the
//                                  keyboard; prints "paste I: N bytes" as each paste ends, and
//                                  "opened COUNT" when the last connection is up
//   flood-client offer COUNT LEN   one window; on keyboard focus, sets the clipboard to a source
//                                  offering a 1000-byte type and then COUNT types of LEN bytes
//                                  (text/x-flood-...); prints "offered" (or "disconnected")
//   flood-client offer-loop COUNT LEN  one window; on keyboard focus, for 3 s: sets the
//                                  clipboard to a new source offering COUNT types of LEN bytes,
//                                  and opens a fresh connection whose source offers 257 types
//                                  (prism disconnects it), again and again; then prints
//                                  "looped N, disconnected M"
//   flood-client victim            one window; prints "selection N types, longest L" for every
//                                  selection it is offered, and "roundtrip K" every 200 ms
//
// It runs until killed; prints "disconnected" and exits 1 when prism ends a connection it needs.
#include "shm_buffer.hpp"
#include "xdg-shell-client-protocol.h"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>
#include <wayland-client.h>

namespace {

constexpr const char* kText = "text/plain;charset=utf-8";
constexpr int kSize = 200;

void say(const char* format, auto... args) {
    std::printf(format, args...);
    std::printf("\n");
    std::fflush(stdout);
}

struct Offer {
    std::size_t types = 0;
    std::size_t longest = 0;
};

// One connection with one window.
struct Window {
    std::string mode;
    int index = 0;
    wl_display* display = nullptr;
    wl_compositor* compositor = nullptr;
    wl_shm* shm = nullptr;
    wl_seat* seat = nullptr;
    wl_data_device_manager* manager = nullptr;
    xdg_wm_base* wm_base = nullptr;
    wl_surface* surface = nullptr;
    wl_keyboard* keyboard = nullptr;
    wl_data_device* device = nullptr;
    bool configured = false;
    bool focused = false;
    std::uint32_t enter_serial = 0;
    wl_data_offer* selection = nullptr;
    int paste_fd = -1;
    bool pasted = false;
    bool want_paste = false; // paste-on-key: a key was pressed
    std::string received;
    bool offered = false;
    int offer_count = 0, offer_length = 0;
    Offer last_offer;
};

void offer_offer(void* data, wl_data_offer*, const char* mime_type) {
    auto* counts = static_cast<Offer*>(data);
    ++counts->types;
    counts->longest = std::max(counts->longest, std::strlen(mime_type));
}
void offer_source_actions(void*, wl_data_offer*, uint32_t) {
}
void offer_action(void*, wl_data_offer*, uint32_t) {
}
const wl_data_offer_listener kOffer = {offer_offer, offer_source_actions, offer_action};

void start_paste(Window* w) {
    if (w->selection == nullptr || w->paste_fd >= 0 || w->pasted) {
        return;
    }
    int fds[2];
    if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0) {
        std::exit(1);
    }
    wl_data_offer_receive(w->selection, kText, fds[1]);
    close(fds[1]);
    w->paste_fd = fds[0];
    wl_display_flush(w->display);
}

void maybe_paste(Window* w) {
    if (w->mode == "paste-spam" && w->focused) {
        start_paste(w);
    } else if (w->mode == "paste-on-key" && w->want_paste) {
        start_paste(w);
    }
}

void device_data_offer(void* data, wl_data_device*, wl_data_offer* offer) {
    auto* w = static_cast<Window*>(data);
    w->last_offer = {};
    wl_data_offer_add_listener(offer, &kOffer, &w->last_offer);
}
void device_enter(void*, wl_data_device*, uint32_t, wl_surface*, wl_fixed_t, wl_fixed_t,
                  wl_data_offer*) {
}
void device_leave(void*, wl_data_device*) {
}
void device_motion(void*, wl_data_device*, uint32_t, wl_fixed_t, wl_fixed_t) {
}
void device_drop(void*, wl_data_device*) {
}
void device_selection(void* data, wl_data_device*, wl_data_offer* offer) {
    auto* w = static_cast<Window*>(data);
    if (w->selection != nullptr && w->selection != offer) {
        wl_data_offer_destroy(w->selection);
    }
    w->selection = offer;
    if (w->mode == "victim" && offer != nullptr) {
        say("selection %zu types, longest %zu", w->last_offer.types, w->last_offer.longest);
    }
    maybe_paste(w);
}
const wl_data_device_listener kDevice = {device_data_offer, device_enter, device_leave,
                                         device_motion,     device_drop,  device_selection};

void source_target(void*, wl_data_source*, const char*) {
}
void source_send(void*, wl_data_source*, const char*, int32_t fd) {
    (void)!write(fd, "flood", 5);
    close(fd);
}
void source_cancelled(void*, wl_data_source*) {
}
void source_dnd_drop_performed(void*, wl_data_source*) {
}
void source_dnd_finished(void*, wl_data_source*) {
}
void source_action(void*, wl_data_source*, uint32_t) {
}
const wl_data_source_listener kSource = {source_target,       source_send,
                                         source_cancelled,    source_dnd_drop_performed,
                                         source_dnd_finished, source_action};

void set_flood_selection(Window* w, bool report = true) {
    if (w->offered) {
        return;
    }
    w->offered = true;
    wl_data_source* source = wl_data_device_manager_create_data_source(w->manager);
    wl_data_source_add_listener(source, &kSource, w);
    wl_data_source_offer(source, ("text/x-long-" + std::string(988, 'l')).c_str());
    for (int i = 0; i < w->offer_count; ++i) {
        std::string type = "text/x-flood-" + std::to_string(i) + "-";
        type.resize(static_cast<std::size_t>(std::max<int>(w->offer_length, 20)), 'f');
        wl_data_source_offer(source, type.c_str());
        if (i % 256 == 0) {
            wl_display_flush(w->display); // the socket buffer drains as prism reads
        }
    }
    wl_data_source_offer(source, kText);
    wl_data_device_set_selection(w->device, source, w->enter_serial);
    if (wl_display_roundtrip(w->display) < 0) {
        say("disconnected");
        std::exit(1);
    }
    if (report) {
        say("offered");
    }
}

void keyboard_keymap(void*, wl_keyboard*, uint32_t, int32_t fd, uint32_t) {
    close(fd);
}
void keyboard_enter(void* data, wl_keyboard*, uint32_t serial, wl_surface*, wl_array*) {
    auto* w = static_cast<Window*>(data);
    w->focused = true;
    w->enter_serial = serial;
    maybe_paste(w);
}
void keyboard_leave(void* data, wl_keyboard*, uint32_t, wl_surface*) {
    static_cast<Window*>(data)->focused = false;
}
void keyboard_key(void* data, wl_keyboard*, uint32_t, uint32_t, uint32_t, uint32_t state) {
    auto* w = static_cast<Window*>(data);
    if (state == WL_KEYBOARD_KEY_STATE_PRESSED) {
        say("key down");
        w->want_paste = true;
        maybe_paste(w);
    }
}
void keyboard_modifiers(void*, wl_keyboard*, uint32_t, uint32_t, uint32_t, uint32_t, uint32_t) {
}
void keyboard_repeat_info(void*, wl_keyboard*, int32_t, int32_t) {
}
const wl_keyboard_listener kKeyboard = {keyboard_keymap, keyboard_enter,     keyboard_leave,
                                        keyboard_key,    keyboard_modifiers, keyboard_repeat_info};

void global(void* data, wl_registry* registry, uint32_t name, const char* iface, uint32_t) {
    auto* w = static_cast<Window*>(data);
    if (std::strcmp(iface, "wl_compositor") == 0) {
        w->compositor = static_cast<wl_compositor*>(
            wl_registry_bind(registry, name, &wl_compositor_interface, 4));
    } else if (std::strcmp(iface, "wl_shm") == 0) {
        w->shm = static_cast<wl_shm*>(wl_registry_bind(registry, name, &wl_shm_interface, 1));
    } else if (std::strcmp(iface, "wl_seat") == 0) {
        w->seat = static_cast<wl_seat*>(wl_registry_bind(registry, name, &wl_seat_interface, 5));
    } else if (std::strcmp(iface, "wl_data_device_manager") == 0) {
        w->manager = static_cast<wl_data_device_manager*>(
            wl_registry_bind(registry, name, &wl_data_device_manager_interface, 3));
    } else if (std::strcmp(iface, "xdg_wm_base") == 0) {
        w->wm_base =
            static_cast<xdg_wm_base*>(wl_registry_bind(registry, name, &xdg_wm_base_interface, 1));
    }
}
void global_remove(void*, wl_registry*, uint32_t) {
}
const wl_registry_listener kRegistry = {global, global_remove};

// A fresh connection offering one more type than prism takes on one source: whether prism
// disconnected it.
bool offer_too_many() {
    Window w;
    w.display = wl_display_connect(nullptr);
    if (w.display == nullptr) {
        return false;
    }
    wl_registry* registry = wl_display_get_registry(w.display);
    wl_registry_add_listener(registry, &kRegistry, &w);
    bool disconnected = wl_display_roundtrip(w.display) < 0;
    if (!disconnected && w.manager != nullptr) {
        wl_data_source* source = wl_data_device_manager_create_data_source(w.manager);
        for (int i = 0; i <= 256; ++i) {
            wl_data_source_offer(source, ("text/x-many-" + std::to_string(i)).c_str());
            if (i % 256 == 0) {
                wl_display_flush(w.display);
            }
        }
        disconnected = wl_display_roundtrip(w.display) < 0;
    }
    wl_display_disconnect(w.display);
    return disconnected;
}

void offer_loop(Window* w) {
    int looped = 0, disconnected = 0;
    const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(3);
    while (std::chrono::steady_clock::now() < end) {
        w->offered = false;
        set_flood_selection(w, false);
        disconnected += offer_too_many() ? 1 : 0;
        ++looped;
    }
    say("looped %d, disconnected %d", looped, disconnected);
}

void ping(void*, xdg_wm_base* base, uint32_t serial) {
    xdg_wm_base_pong(base, serial);
}
const xdg_wm_base_listener kWmBase = {ping};

void surface_configure(void* data, xdg_surface* xdg, uint32_t serial) {
    xdg_surface_ack_configure(xdg, serial);
    static_cast<Window*>(data)->configured = true;
}
const xdg_surface_listener kSurface = {surface_configure};

void toplevel_configure(void*, xdg_toplevel*, int32_t, int32_t, wl_array*) {
}
void toplevel_close(void*, xdg_toplevel*) {
}
const xdg_toplevel_listener kToplevel = {toplevel_configure, toplevel_close};

// Connects and maps the window; nullptr when prism refuses the connection.
std::unique_ptr<Window> open_window(const std::string& mode, int index) {
    auto w = std::make_unique<Window>();
    w->mode = mode;
    w->index = index;
    w->display = wl_display_connect(nullptr);
    if (w->display == nullptr) {
        return nullptr;
    }
    wl_registry* registry = wl_display_get_registry(w->display);
    wl_registry_add_listener(registry, &kRegistry, w.get());
    if (wl_display_roundtrip(w->display) < 0 || w->compositor == nullptr || w->shm == nullptr ||
        w->seat == nullptr || w->manager == nullptr || w->wm_base == nullptr) {
        return nullptr;
    }
    xdg_wm_base_add_listener(w->wm_base, &kWmBase, nullptr);
    w->keyboard = wl_seat_get_keyboard(w->seat);
    wl_keyboard_add_listener(w->keyboard, &kKeyboard, w.get());
    w->device = wl_data_device_manager_get_data_device(w->manager, w->seat);
    wl_data_device_add_listener(w->device, &kDevice, w.get());
    w->surface = wl_compositor_create_surface(w->compositor);
    xdg_surface* xdg = xdg_wm_base_get_xdg_surface(w->wm_base, w->surface);
    xdg_surface_add_listener(xdg, &kSurface, w.get());
    xdg_toplevel* toplevel = xdg_surface_get_toplevel(xdg);
    xdg_toplevel_add_listener(toplevel, &kToplevel, w.get());
    xdg_toplevel_set_title(toplevel, ("flood " + mode + " " + std::to_string(index)).c_str());
    wl_surface_commit(w->surface);
    while (!w->configured) {
        if (wl_display_dispatch(w->display) < 0) {
            return nullptr;
        }
    }
    const std::uint32_t colour = mode == "victim" ? 0xff208020 : 0xff802020;
    wl_surface_attach(w->surface, make_buffer(w->shm, kSize, kSize, colour), 0, 0);
    wl_surface_commit(w->surface);
    if (wl_display_roundtrip(w->display) < 0) {
        return nullptr;
    }
    return w;
}

// Reads what has arrived of a paste; true once it has ended.
bool read_paste(Window& w) {
    char buffer[4096];
    ssize_t n;
    while ((n = read(w.paste_fd, buffer, sizeof buffer)) > 0) {
        w.received.append(buffer, static_cast<std::size_t>(n));
    }
    if (n == 0) {
        close(w.paste_fd);
        w.paste_fd = -1;
        w.pasted = true;
        return true;
    }
    return false;
}

} // namespace

int main(int argc, char** argv) {
    const std::string mode = argc >= 2 ? argv[1] : "";
    int count = 1, length = 0;
    if (mode == "paste-spam" && argc == 3) {
        count = std::atoi(argv[2]);
    } else if ((mode == "offer" || mode == "offer-loop") && argc == 4) {
        count = std::atoi(argv[2]);
        length = std::atoi(argv[3]);
    } else if (!((mode == "paste-on-key" || mode == "victim") && argc == 2)) {
        std::fprintf(stderr, "usage: flood-client paste-on-key | paste-spam COUNT | "
                             "offer COUNT LEN | offer-loop COUNT LEN | victim\n");
        return 2;
    }
    std::signal(SIGPIPE, SIG_IGN);
    alarm(120);

    std::vector<std::unique_ptr<Window>> windows;
    auto add = [&](int index) {
        std::unique_ptr<Window> w = open_window(mode, index);
        if (!w) {
            say("disconnected");
            std::exit(1);
        }
        w->offer_count = count;
        w->offer_length = length;
        windows.push_back(std::move(w));
    };
    add(0);
    say("ready");
    const int wanted = mode == "paste-spam" ? count : 1;
    auto next_open = std::chrono::steady_clock::now() + std::chrono::milliseconds(300);
    auto next_roundtrip = std::chrono::steady_clock::now();
    int roundtrips = 0;
    for (;;) {
        const auto now = std::chrono::steady_clock::now();
        if (static_cast<int>(windows.size()) < wanted && now >= next_open) {
            add(static_cast<int>(windows.size()));
            next_open = now + std::chrono::milliseconds(300);
            if (static_cast<int>(windows.size()) == wanted) {
                say("opened %d", wanted);
            }
        }
        if (mode == "victim" && now >= next_roundtrip) {
            if (wl_display_roundtrip(windows[0]->display) < 0) {
                say("disconnected");
                return 1;
            }
            say("roundtrip %d", ++roundtrips);
            next_roundtrip = now + std::chrono::milliseconds(200);
        }
        if (mode == "offer" && windows[0]->focused) {
            set_flood_selection(windows[0].get());
        }
        if (mode == "offer-loop" && windows[0]->focused && !windows[0]->offered) {
            offer_loop(windows[0].get());
        }
        std::vector<pollfd> fds;
        for (auto& w : windows) {
            wl_display_flush(w->display);
            fds.push_back({wl_display_get_fd(w->display), POLLIN, 0});
            fds.push_back({w->paste_fd, POLLIN, 0});
        }
        if (poll(fds.data(), fds.size(), 50) < 0 && errno != EINTR) {
            return 1;
        }
        for (std::size_t i = 0; i < windows.size(); ++i) {
            Window& w = *windows[i];
            if ((fds[2 * i].revents & (POLLIN | POLLHUP | POLLERR)) != 0 &&
                wl_display_dispatch(w.display) < 0) {
                say("disconnected");
                return 1;
            }
            if (wl_display_dispatch_pending(w.display) < 0) {
                say("disconnected");
                return 1;
            }
            if (w.paste_fd >= 0 && (fds[2 * i + 1].revents & (POLLIN | POLLHUP)) != 0 &&
                read_paste(w)) {
                if (mode == "paste-spam") {
                    say("paste %d: %zu bytes", w.index, w.received.size());
                } else {
                    say("pasted: %s", w.received.c_str());
                }
            }
        }
    }
}
