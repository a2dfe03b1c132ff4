// tablet-host: a minimal Wayland compositor with a graphics tablet, for prism to run nested in
// (WLR_BACKENDS=wayland), so that the real prism binary gets a real tablet device: wlroots'
// Wayland backend turns this compositor's tablet-v2 events on prism's output window into the
// tablet, tool and pad events libinput would give it. Headless wlroots has no tablets.
//
//   XDG_RUNTIME_DIR=DIR tablet-host SOCKET FIFO
//
// It offers wl_compositor, wl_shm, xdg_wm_base, a wl_seat with a keyboard (so prism's seat has
// one), and zwp_tablet_manager_v2 with one tablet, one pen (with pressure) and one pad. Every
// toplevel is configured 1024x768. It reads commands from FIFO, one a line, and acts on the
// first toplevel's surface (prism's output), in surface coordinates:
//
//   in X Y          the pen comes into proximity at (X, Y)
//   move X Y        the pen moves to (X, Y)
//   pressure P      0..1
//   down | up       the tip touches the tablet / leaves it
//   button B 1|0    the pen's button B (an evdev code, BTN_STYLUS is 331) is pressed / released
//   out             the pen leaves proximity
//   pad-enter       the pad is on prism's window
//   pad-button N 1|0
//
// It prints "listening", "toplevel" (once prism's window is configured), and "done COMMAND"
// once a command's events are sent (wlroots adds each tool event's frame).
#include "compositor/wlr.hpp"

extern "C" {
#define static
#include <wlr/interfaces/wlr_tablet_pad.h>
#include <wlr/interfaces/wlr_tablet_tool.h>
#include <wlr/types/wlr_shm.h>
#undef static
}

#include <csignal>
#include <cstdio>
#include <drm_fourcc.h>
#include <fcntl.h>
#include <sstream>
#include <string>
#include <sys/stat.h>

namespace {

constexpr int kWidth = 1024;
constexpr int kHeight = 768;

const wlr_keyboard_impl kKeyboardImpl = {
    .name = "tablet-host-keyboard",
    .led_update = nullptr,
};
const wlr_tablet_impl kTabletImpl = {
    .name = "tablet-host-tablet",
};
const wlr_tablet_pad_impl kPadImpl = {
    .name = "tablet-host-pad",
};

struct Host {
    wl_display* display = nullptr;
    wlr_seat* seat = nullptr;
    wlr_tablet_manager_v2* manager = nullptr;
    wlr_tablet tablet{};
    wlr_tablet_tool tool{};
    wlr_tablet_pad pad{};
    wlr_keyboard keyboard{};
    wlr_tablet_v2_tablet* tablet_v2 = nullptr;
    wlr_tablet_v2_tablet_tool* tool_v2 = nullptr;
    wlr_tablet_v2_tablet_pad* pad_v2 = nullptr;
    wlr_surface* output_surface = nullptr; // prism's output window
    wl_event_source* frame_timer = nullptr;
    std::string pending; // a command line read in part
    wl_listener new_toplevel{};
    wl_listener commit{};
    wl_listener surface_destroy{};
};

std::uint32_t now_msec() {
    timespec now{};
    clock_gettime(CLOCK_MONOTONIC, &now);
    return static_cast<std::uint32_t>(now.tv_sec * 1000 + now.tv_nsec / 1000000);
}

void say(const std::string& line) {
    std::printf("%s\n", line.c_str());
    std::fflush(stdout);
}

// Frame callbacks, every 16 ms, so that prism's output keeps drawing.
int send_frames(void* data) {
    auto* host = static_cast<Host*>(data);
    if (host->output_surface != nullptr) {
        timespec now{};
        clock_gettime(CLOCK_MONOTONIC, &now);
        wlr_surface_send_frame_done(host->output_surface, &now);
    }
    wl_event_source_timer_update(host->frame_timer, 16);
    return 0;
}

void handle_commit(wl_listener* listener, void*) {
    Host* host = wl_container_of(listener, host, commit);
    wlr_xdg_toplevel* toplevel = wlr_xdg_toplevel_try_from_wlr_surface(host->output_surface);
    if (toplevel != nullptr && toplevel->base->initial_commit) {
        wlr_xdg_toplevel_set_size(toplevel, kWidth, kHeight);
        wlr_xdg_toplevel_set_activated(toplevel, true);
        say("toplevel");
    }
}

void handle_surface_destroy(wl_listener* listener, void*) {
    Host* host = wl_container_of(listener, host, surface_destroy);
    wl_list_remove(&host->commit.link);
    wl_list_remove(&host->surface_destroy.link);
    host->output_surface = nullptr;
}

void handle_new_toplevel(wl_listener* listener, void* data) {
    Host* host = wl_container_of(listener, host, new_toplevel);
    auto* toplevel = static_cast<wlr_xdg_toplevel*>(data);
    if (host->output_surface != nullptr) {
        return;
    }
    host->output_surface = toplevel->base->surface;
    host->commit.notify = handle_commit;
    wl_signal_add(&host->output_surface->events.commit, &host->commit);
    host->surface_destroy.notify = handle_surface_destroy;
    wl_signal_add(&host->output_surface->events.destroy, &host->surface_destroy);
}

void run(Host* host, const std::string& line) {
    std::istringstream in(line);
    std::string command;
    in >> command;
    if (host->output_surface == nullptr) {
        say("error no window: " + line);
        return;
    }
    double x = 0, y = 0;
    if (command == "in" && (in >> x >> y)) {
        wlr_send_tablet_v2_tablet_tool_proximity_in(host->tool_v2, host->tablet_v2,
                                                    host->output_surface);
        wlr_send_tablet_v2_tablet_tool_motion(host->tool_v2, x, y);
    } else if (command == "move" && (in >> x >> y)) {
        wlr_send_tablet_v2_tablet_tool_motion(host->tool_v2, x, y);
    } else if (command == "pressure" && (in >> x)) {
        wlr_send_tablet_v2_tablet_tool_pressure(host->tool_v2, x);
    } else if (command == "down") {
        wlr_send_tablet_v2_tablet_tool_down(host->tool_v2);
    } else if (command == "up") {
        wlr_send_tablet_v2_tablet_tool_up(host->tool_v2);
    } else if (command == "out") {
        wlr_send_tablet_v2_tablet_tool_proximity_out(host->tool_v2);
    } else if (command == "button") {
        std::uint32_t button = 0;
        int pressed = 0;
        if (!(in >> button >> pressed)) {
            say("error: " + line);
            return;
        }
        wlr_send_tablet_v2_tablet_tool_button(host->tool_v2, button,
                                              pressed != 0
                                                  ? ZWP_TABLET_PAD_V2_BUTTON_STATE_PRESSED
                                                  : ZWP_TABLET_PAD_V2_BUTTON_STATE_RELEASED);
    } else if (command == "pad-enter") {
        wlr_send_tablet_v2_tablet_pad_enter(host->pad_v2, host->tablet_v2, host->output_surface);
    } else if (command == "pad-button") {
        std::size_t button = 0;
        int pressed = 0;
        if (!(in >> button >> pressed)) {
            say("error: " + line);
            return;
        }
        wlr_send_tablet_v2_tablet_pad_button(host->pad_v2, button, now_msec(),
                                             pressed != 0
                                                 ? ZWP_TABLET_PAD_V2_BUTTON_STATE_PRESSED
                                                 : ZWP_TABLET_PAD_V2_BUTTON_STATE_RELEASED);
    } else {
        say("error: " + line);
        return;
    }
    // The tool's frame goes out from an idle callback: flushed after it.
    wl_event_loop_dispatch_idle(wl_display_get_event_loop(host->display));
    wl_display_flush_clients(host->display);
    say("done " + line);
}

int read_commands(int fd, std::uint32_t, void* data) {
    auto* host = static_cast<Host*>(data);
    char buffer[512];
    const ssize_t n = read(fd, buffer, sizeof buffer);
    if (n <= 0) {
        return 0;
    }
    host->pending.append(buffer, static_cast<std::size_t>(n));
    for (auto end = host->pending.find('\n'); end != std::string::npos;
         end = host->pending.find('\n')) {
        const std::string line = host->pending.substr(0, end);
        host->pending.erase(0, end + 1);
        if (!line.empty()) {
            run(host, line);
        }
    }
    return 0;
}

int quit(int, void*) {
    std::fflush(stdout);
    _exit(0); // the test's compositor: everything goes with the process
}

} // namespace

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: tablet-host SOCKET FIFO\n");
        return 2;
    }
    wlr_log_init(WLR_ERROR, nullptr);
    Host host;
    host.display = wl_display_create();
    wl_event_loop* loop = wl_display_get_event_loop(host.display);
    if (wl_display_add_socket(host.display, argv[1]) != 0) {
        std::perror("tablet-host: socket");
        return 1;
    }
    const int fifo = open(argv[2], O_RDWR | O_NONBLOCK | O_CLOEXEC);
    if (fifo < 0) {
        std::perror("tablet-host: fifo");
        return 1;
    }
    wl_event_loop_add_fd(loop, fifo, WL_EVENT_READABLE, read_commands, &host);
    wl_event_loop_add_signal(loop, SIGTERM, quit, nullptr);

    const std::uint32_t formats[] = {DRM_FORMAT_ARGB8888, DRM_FORMAT_XRGB8888};
    wlr_shm_create(host.display, 1, formats, 2);
    wlr_compositor_create(host.display, 5, nullptr);
    wlr_subcompositor_create(host.display);
    wlr_xdg_shell* shell = wlr_xdg_shell_create(host.display, 3);
    host.new_toplevel.notify = handle_new_toplevel;
    wl_signal_add(&shell->events.new_toplevel, &host.new_toplevel);

    host.seat = wlr_seat_create(host.display, "seat0");
    xkb_context* context = xkb_context_new(XKB_CONTEXT_NO_FLAGS);
    xkb_keymap* keymap = xkb_keymap_new_from_names(context, nullptr, XKB_KEYMAP_COMPILE_NO_FLAGS);
    wlr_keyboard_init(&host.keyboard, &kKeyboardImpl, kKeyboardImpl.name);
    wlr_keyboard_set_keymap(&host.keyboard, keymap);
    wlr_seat_set_keyboard(host.seat, &host.keyboard);
    wlr_seat_set_capabilities(host.seat, WL_SEAT_CAPABILITY_KEYBOARD);

    host.manager = wlr_tablet_v2_create(host.display);
    wlr_tablet_init(&host.tablet, &kTabletImpl, kTabletImpl.name);
    host.tablet_v2 = wlr_tablet_create(host.manager, host.seat, &host.tablet.base);
    host.tool.type = WLR_TABLET_TOOL_TYPE_PEN;
    host.tool.pressure = true;
    wl_signal_init(&host.tool.events.destroy);
    host.tool_v2 = wlr_tablet_tool_create(host.manager, host.seat, &host.tool);
    wlr_tablet_pad_init(&host.pad, &kPadImpl, kPadImpl.name);
    host.pad.button_count = 2;
    host.pad_v2 = wlr_tablet_pad_create(host.manager, host.seat, &host.pad.base);
    if (host.tablet_v2 == nullptr || host.tool_v2 == nullptr || host.pad_v2 == nullptr) {
        std::fprintf(stderr, "tablet-host: cannot create the tablet\n");
        return 1;
    }

    host.frame_timer = wl_event_loop_add_timer(loop, send_frames, &host);
    wl_event_source_timer_update(host.frame_timer, 16);
    say("listening");
    wl_display_run(host.display);
    return 0;
}
