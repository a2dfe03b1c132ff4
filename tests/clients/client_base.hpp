// What every test client does the same way: say what happened on stdout (one line each, which
// the integration tests read), leave at once, run the event loop, and log the input it gets.
#pragma once

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <string>

#include <poll.h>
#include <unistd.h>
#include <wayland-client.h>

// One line on stdout, flushed: printf-style, or a string as it is.
template <class... Args> void say(const char* format, Args... args) {
    if constexpr (sizeof...(Args) == 0) {
        std::fputs(format, stdout);
    } else {
        std::printf(format, args...);
    }
    std::fputc('\n', stdout);
    std::fflush(stdout);
}
inline void say(const std::string& line) {
    say("%s", line.c_str());
}

// A short-lived test program: its buffers and proxies go with the process (and LeakSanitizer,
// which would call them leaks, does not run).
[[noreturn]] inline void quit(int status) {
    std::fflush(stdout);
    _exit(status);
}

// Sends what is queued, waits up to `timeout_ms` for events and dispatches them. False when the
// connection is lost (or broken by a protocol error).
inline bool dispatch_once(wl_display* display, int timeout_ms) {
    while (wl_display_prepare_read(display) != 0) {
        wl_display_dispatch_pending(display);
    }
    wl_display_flush(display);
    pollfd fd = {wl_display_get_fd(display), POLLIN, 0};
    const int ready = poll(&fd, 1, timeout_ms);
    if (ready > 0) {
        if (wl_display_read_events(display) < 0) {
            return false;
        }
    } else {
        wl_display_cancel_read(display);
        if (ready < 0 && errno != EINTR) {
            return false;
        }
    }
    return wl_display_dispatch_pending(display) >= 0;
}

// Listeners that log the input a client gets: "keyboard-enter", "key N down|up",
// "keyboard-leave", "pointer-enter", "button N" (presses only).
namespace logged_input {

inline void keymap(void*, wl_keyboard*, std::uint32_t, std::int32_t fd, std::uint32_t) {
    close(fd);
}
inline void keyboard_enter(void*, wl_keyboard*, std::uint32_t, wl_surface*, wl_array*) {
    say("keyboard-enter");
}
inline void keyboard_leave(void*, wl_keyboard*, std::uint32_t, wl_surface*) {
    say("keyboard-leave");
}
inline void key(void*, wl_keyboard*, std::uint32_t, std::uint32_t, std::uint32_t key,
                std::uint32_t state) {
    say("key %u %s", key, state == WL_KEYBOARD_KEY_STATE_PRESSED ? "down" : "up");
}
inline void modifiers(void*, wl_keyboard*, std::uint32_t, std::uint32_t, std::uint32_t,
                      std::uint32_t, std::uint32_t) {
}
inline void repeat_info(void*, wl_keyboard*, std::int32_t, std::int32_t) {
}
inline constexpr wl_keyboard_listener kKeyboard = {keymap, keyboard_enter, keyboard_leave,
                                                   key,    modifiers,      repeat_info};

inline void pointer_enter(void*, wl_pointer*, std::uint32_t, wl_surface*, wl_fixed_t, wl_fixed_t) {
    say("pointer-enter");
}
inline void pointer_leave(void*, wl_pointer*, std::uint32_t, wl_surface*) {
}
inline void motion(void*, wl_pointer*, std::uint32_t, wl_fixed_t, wl_fixed_t) {
}
inline void button(void*, wl_pointer*, std::uint32_t, std::uint32_t, std::uint32_t button,
                   std::uint32_t state) {
    if (state == WL_POINTER_BUTTON_STATE_PRESSED) {
        say("button %u", button);
    }
}
inline void axis(void*, wl_pointer*, std::uint32_t, std::uint32_t, wl_fixed_t) {
}
inline constexpr wl_pointer_listener kPointer = {pointer_enter, pointer_leave, motion, button,
                                                 axis};

} // namespace logged_input
