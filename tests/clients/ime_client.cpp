// Both ends of an input method, for the tests:
//
//   ime-client text [TITLE] [--once]
//       a window (white, 200x100) with a text-input-v3 field that is enabled while the window
//       has the keyboard, its cursor rectangle at (40,30) 4x20. Prints "text-input: enter",
//       "text-input: leave", on each done "commit: <string>" / "preedit: <string>", and
//       "key N down|up" for each key its wl_keyboard gets. --once: the field is disabled after
//       its first commit ("text-input: disabled"), as a form moves on from a filled field.
//       --corner: the window takes the size it is configured to, and the cursor rectangle
//       follows its bottom-right corner (w-4,h-20) 4x20.
//   ime-client ime STRING [--grab] [--popup]
//       an input method (input-method-v2): on each activation it commits STRING once (unless
//       empty) and prints "ime: activate", "ime: committed", "ime: deactivate" or
//       "ime: unavailable".
//       --grab: it grabs the keyboard at once ("ime: grabbed") and keeps the grab; it prints
//       "grab: keymap" and "grab: key NAME down|up" (NAME the keysym's), composes each letter
//       a-z pressed into its fullwidth form (commits it: "ime: composed"), and forwards every
//       other key through a virtual keyboard with the grab's keymap ("ime: forwarded NAME").
//       --popup: it shows a candidate popup, 80x30 magenta, and prints the text input
//       rectangle it is told: "popup: rectangle X Y W H".
//
// input-method-unstable-v2 and virtual-keyboard-unstable-v1 are not in Debian's
// wayland-protocols: their interfaces are written out below from the protocols' wire
// descriptions (requests and events in protocol order).
#include "shm_buffer.hpp"
#include "text-input-unstable-v3-client-protocol.h"
#include "xdg-shell-client-protocol.h"

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <set>
#include <string>
#include <sys/mman.h>
#include <unistd.h>
#include <wayland-client.h>
#include <xkbcommon/xkbcommon.h>

namespace {

// ---- input-method-unstable-v2, client side, the parts this client uses ----------------------

extern const wl_interface zwp_input_method_v2_interface;
extern const wl_interface zwp_input_popup_surface_v2_interface;
extern const wl_interface zwp_input_method_keyboard_grab_v2_interface;

const wl_interface* kNoTypes[] = {nullptr, nullptr, nullptr};
const wl_interface* kPopupTypes[] = {&zwp_input_popup_surface_v2_interface, &wl_surface_interface};
const wl_interface* kGrabTypes[] = {&zwp_input_method_keyboard_grab_v2_interface};
const wl_interface* kManagerTypes[] = {&wl_seat_interface, &zwp_input_method_v2_interface};

const wl_message kInputMethodRequests[] = {
    {"commit_string", "s", kNoTypes},
    {"set_preedit_string", "sii", kNoTypes},
    {"delete_surrounding_text", "uu", kNoTypes},
    {"commit", "u", kNoTypes},
    {"get_input_popup_surface", "no", kPopupTypes},
    {"grab_keyboard", "n", kGrabTypes},
    {"destroy", "", kNoTypes},
};
const wl_message kInputMethodEvents[] = {
    {"activate", "", kNoTypes},
    {"deactivate", "", kNoTypes},
    {"surrounding_text", "suu", kNoTypes},
    {"text_change_cause", "u", kNoTypes},
    {"content_type", "uu", kNoTypes},
    {"done", "", kNoTypes},
    {"unavailable", "", kNoTypes},
};
const wl_message kManagerRequests[] = {
    {"get_input_method", "on", kManagerTypes},
    {"destroy", "", kNoTypes},
};
const wl_message kNoMessages[] = {{"destroy", "", kNoTypes}};
const wl_message kGrabRequests[] = {{"release", "", kNoTypes}};
const wl_message kGrabEvents[] = {
    {"keymap", "uhu", kNoTypes},
    {"key", "uuuu", kNoTypes},
    {"modifiers", "uuuuu", kNoTypes},
    {"repeat_info", "ii", kNoTypes},
};
const wl_message kPopupEvents[] = {{"text_input_rectangle", "iiii", kNoTypes}};

const wl_interface zwp_input_method_v2_interface = {"zwp_input_method_v2", 1, 7,
                                                    kInputMethodRequests,  7, kInputMethodEvents};
const wl_interface zwp_input_popup_surface_v2_interface = {
    "zwp_input_popup_surface_v2", 1, 1, kNoMessages, 1, kPopupEvents};
const wl_interface zwp_input_method_keyboard_grab_v2_interface = {
    "zwp_input_method_keyboard_grab_v2", 1, 1, kGrabRequests, 4, kGrabEvents};
const wl_interface zwp_input_method_manager_v2_interface = {
    "zwp_input_method_manager_v2", 1, 2, kManagerRequests, 0, nullptr};

enum InputMethodRequest : std::uint32_t {
    kCommitString = 0,
    kCommit = 3,
    kGetPopupSurface = 4,
    kGrabKeyboard = 5,
    kDestroy = 6,
};

struct GrabListener {
    void (*keymap)(void*, wl_proxy*, std::uint32_t, std::int32_t, std::uint32_t);
    void (*key)(void*, wl_proxy*, std::uint32_t, std::uint32_t, std::uint32_t, std::uint32_t);
    void (*modifiers)(void*, wl_proxy*, std::uint32_t, std::uint32_t, std::uint32_t, std::uint32_t,
                      std::uint32_t);
    void (*repeat_info)(void*, wl_proxy*, std::int32_t, std::int32_t);
};
struct PopupListener {
    void (*text_input_rectangle)(void*, wl_proxy*, std::int32_t, std::int32_t, std::int32_t,
                                 std::int32_t);
};

// ---- virtual-keyboard-unstable-v1, client side -------------------------------------------------

extern const wl_interface zwp_virtual_keyboard_v1_interface;
const wl_interface* kVirtualKeyboardTypes[] = {&wl_seat_interface,
                                               &zwp_virtual_keyboard_v1_interface};
const wl_message kVirtualKeyboardRequests[] = {
    {"keymap", "uhu", kNoTypes},
    {"key", "uuu", kNoTypes},
    {"modifiers", "uuuu", kNoTypes},
    {"destroy", "", kNoTypes},
};
const wl_message kVirtualKeyboardManagerRequests[] = {
    {"create_virtual_keyboard", "on", kVirtualKeyboardTypes},
};
const wl_interface zwp_virtual_keyboard_v1_interface = {"zwp_virtual_keyboard_v1", 1, 4,
                                                        kVirtualKeyboardRequests,  0, nullptr};
const wl_interface zwp_virtual_keyboard_manager_v1_interface = {
    "zwp_virtual_keyboard_manager_v1", 1, 1, kVirtualKeyboardManagerRequests, 0, nullptr};

enum VirtualKeyboardRequest : std::uint32_t {
    kVkKeymap = 0,
    kVkKey = 1,
    kVkModifiers = 2,
    kVkDestroy = 3,
};

struct InputMethodListener {
    void (*activate)(void*, wl_proxy*);
    void (*deactivate)(void*, wl_proxy*);
    void (*surrounding_text)(void*, wl_proxy*, const char*, std::uint32_t, std::uint32_t);
    void (*text_change_cause)(void*, wl_proxy*, std::uint32_t);
    void (*content_type)(void*, wl_proxy*, std::uint32_t, std::uint32_t);
    void (*done)(void*, wl_proxy*);
    void (*unavailable)(void*, wl_proxy*);
};

// ---- shared ------------------------------------------------------------------------------------

struct State {
    wl_compositor* compositor = nullptr;
    wl_shm* shm = nullptr;
    wl_seat* seat = nullptr;
    xdg_wm_base* wm_base = nullptr;
    zwp_text_input_manager_v3* text_inputs = nullptr;
    wl_proxy* input_methods = nullptr;
    wl_proxy* virtual_keyboards = nullptr;
    bool running = true;

    // text
    zwp_text_input_v3* text_input = nullptr;
    wl_surface* surface = nullptr;
    wl_keyboard* keyboard = nullptr;
    std::string pending_commit, pending_preedit;
    bool once = false, disabled = false, corner = false;
    int width = 200, height = 100; // the size the compositor configured, 200x100 by default

    // ime
    wl_proxy* input_method = nullptr;
    std::string to_commit;
    bool active = false, pending_active = false, committed = false;
    std::uint32_t done_count = 0;
    // --grab
    wl_proxy* grab = nullptr;
    wl_proxy* forward = nullptr; // the virtual keyboard keys are forwarded through
    xkb_context* xkb = nullptr;
    xkb_keymap* keymap = nullptr;
    xkb_state* key_state = nullptr;
    std::set<std::uint32_t> composed; // keys pressed that were composed, not forwarded
    // --popup
    wl_surface* popup_surface = nullptr;
    wl_proxy* popup = nullptr;
};

void global(void* data, wl_registry* registry, std::uint32_t name, const char* interface,
            std::uint32_t version) {
    auto* s = static_cast<State*>(data);
    if (std::strcmp(interface, wl_compositor_interface.name) == 0) {
        s->compositor = static_cast<wl_compositor*>(
            wl_registry_bind(registry, name, &wl_compositor_interface, 4));
    } else if (std::strcmp(interface, wl_shm_interface.name) == 0) {
        s->shm = static_cast<wl_shm*>(wl_registry_bind(registry, name, &wl_shm_interface, 1));
    } else if (std::strcmp(interface, wl_seat_interface.name) == 0 && s->seat == nullptr) {
        s->seat = static_cast<wl_seat*>(wl_registry_bind(registry, name, &wl_seat_interface, 1));
    } else if (std::strcmp(interface, xdg_wm_base_interface.name) == 0) {
        s->wm_base =
            static_cast<xdg_wm_base*>(wl_registry_bind(registry, name, &xdg_wm_base_interface, 1));
    } else if (std::strcmp(interface, zwp_text_input_manager_v3_interface.name) == 0) {
        s->text_inputs = static_cast<zwp_text_input_manager_v3*>(
            wl_registry_bind(registry, name, &zwp_text_input_manager_v3_interface, 1));
    } else if (std::strcmp(interface, zwp_input_method_manager_v2_interface.name) == 0) {
        s->input_methods = static_cast<wl_proxy*>(
            wl_registry_bind(registry, name, &zwp_input_method_manager_v2_interface, 1));
    } else if (std::strcmp(interface, zwp_virtual_keyboard_manager_v1_interface.name) == 0) {
        s->virtual_keyboards = static_cast<wl_proxy*>(
            wl_registry_bind(registry, name, &zwp_virtual_keyboard_manager_v1_interface, 1));
    }
    (void)version;
}
void global_remove(void*, wl_registry*, std::uint32_t) {
}
const wl_registry_listener kRegistry = {global, global_remove};

void say(const std::string& line) {
    std::printf("%s\n", line.c_str());
    std::fflush(stdout);
}

// ---- text --------------------------------------------------------------------------------------

void ti_enter(void* data, zwp_text_input_v3* text_input, wl_surface*) {
    auto* s = static_cast<State*>(data);
    say("text-input: enter");
    if (s->disabled) {
        return;
    }
    zwp_text_input_v3_enable(text_input);
    zwp_text_input_v3_set_content_type(text_input, ZWP_TEXT_INPUT_V3_CONTENT_HINT_NONE,
                                       ZWP_TEXT_INPUT_V3_CONTENT_PURPOSE_NORMAL);
    if (s->corner) {
        zwp_text_input_v3_set_cursor_rectangle(text_input, s->width - 4, s->height - 20, 4, 20);
    } else {
        zwp_text_input_v3_set_cursor_rectangle(text_input, 40, 30, 4, 20);
    }
    zwp_text_input_v3_commit(text_input);
}
void ti_leave(void*, zwp_text_input_v3* text_input, wl_surface*) {
    say("text-input: leave");
    zwp_text_input_v3_disable(text_input);
    zwp_text_input_v3_commit(text_input);
}
void ti_preedit(void* data, zwp_text_input_v3*, const char* text, std::int32_t, std::int32_t) {
    static_cast<State*>(data)->pending_preedit = text != nullptr ? text : "";
}
void ti_commit(void* data, zwp_text_input_v3*, const char* text) {
    static_cast<State*>(data)->pending_commit = text != nullptr ? text : "";
}
void ti_delete(void*, zwp_text_input_v3*, std::uint32_t, std::uint32_t) {
}
void ti_done(void* data, zwp_text_input_v3* text_input, std::uint32_t) {
    auto* s = static_cast<State*>(data);
    if (!s->pending_commit.empty()) {
        say("commit: " + s->pending_commit);
        if (s->once && !s->disabled) {
            s->disabled = true;
            zwp_text_input_v3_disable(text_input);
            zwp_text_input_v3_commit(text_input);
            wl_display_roundtrip(wl_proxy_get_display(reinterpret_cast<wl_proxy*>(text_input)));
            say("text-input: disabled");
        }
    }
    if (!s->pending_preedit.empty()) {
        say("preedit: " + s->pending_preedit);
    }
    s->pending_commit.clear();
    s->pending_preedit.clear();
}
const zwp_text_input_v3_listener kTextInput = {ti_enter,  ti_leave,  ti_preedit,
                                               ti_commit, ti_delete, ti_done};

void kb_keymap(void*, wl_keyboard*, std::uint32_t, std::int32_t fd, std::uint32_t) {
    close(fd);
}
void kb_enter(void*, wl_keyboard*, std::uint32_t, wl_surface*, wl_array*) {
}
void kb_leave(void*, wl_keyboard*, std::uint32_t, wl_surface*) {
}
void kb_key(void*, wl_keyboard*, std::uint32_t, std::uint32_t, std::uint32_t key,
            std::uint32_t state) {
    say("key " + std::to_string(key) + (state == WL_KEYBOARD_KEY_STATE_PRESSED ? " down" : " up"));
}
void kb_modifiers(void*, wl_keyboard*, std::uint32_t, std::uint32_t, std::uint32_t, std::uint32_t,
                  std::uint32_t) {
}
void kb_repeat(void*, wl_keyboard*, std::int32_t, std::int32_t) {
}
const wl_keyboard_listener kKeyboard = {kb_keymap, kb_enter,     kb_leave,
                                        kb_key,    kb_modifiers, kb_repeat};

void wm_ping(void*, xdg_wm_base* wm_base, std::uint32_t serial) {
    xdg_wm_base_pong(wm_base, serial);
}
const xdg_wm_base_listener kWmBase = {wm_ping};

void surface_configure(void* data, xdg_surface* xdg, std::uint32_t serial) {
    auto* s = static_cast<State*>(data);
    xdg_surface_ack_configure(xdg, serial);
    wl_surface_attach(s->surface, make_buffer(s->shm, s->width, s->height, 0xffffffff), 0, 0);
    wl_surface_damage(s->surface, 0, 0, s->width, s->height);
    wl_surface_commit(s->surface);
    if (s->corner && s->text_input != nullptr && !s->disabled) {
        // The cursor follows the bottom-right corner of the window.
        zwp_text_input_v3_set_cursor_rectangle(s->text_input, s->width - 4, s->height - 20, 4, 20);
        zwp_text_input_v3_commit(s->text_input);
    }
}
const xdg_surface_listener kXdgSurface = {surface_configure};

void toplevel_configure(void* data, xdg_toplevel*, std::int32_t width, std::int32_t height,
                        wl_array*) {
    auto* s = static_cast<State*>(data);
    if (s->corner && width > 0 && height > 0) {
        s->width = width;
        s->height = height;
    }
}
void toplevel_close(void* data, xdg_toplevel*) {
    static_cast<State*>(data)->running = false;
}
const xdg_toplevel_listener kToplevel = {toplevel_configure, toplevel_close, nullptr, nullptr};

int run_text(wl_display* display, State& s, const char* title) {
    if (s.compositor == nullptr || s.wm_base == nullptr || s.text_inputs == nullptr ||
        s.seat == nullptr || s.shm == nullptr) {
        say("text: missing globals");
        return 3;
    }
    xdg_wm_base_add_listener(s.wm_base, &kWmBase, &s);
    s.text_input = zwp_text_input_manager_v3_get_text_input(s.text_inputs, s.seat);
    zwp_text_input_v3_add_listener(s.text_input, &kTextInput, &s);
    s.keyboard = wl_seat_get_keyboard(s.seat);
    wl_keyboard_add_listener(s.keyboard, &kKeyboard, &s);
    s.surface = wl_compositor_create_surface(s.compositor);
    xdg_surface* xdg = xdg_wm_base_get_xdg_surface(s.wm_base, s.surface);
    xdg_surface_add_listener(xdg, &kXdgSurface, &s);
    xdg_toplevel* toplevel = xdg_surface_get_toplevel(xdg);
    xdg_toplevel_add_listener(toplevel, &kToplevel, &s);
    xdg_toplevel_set_title(toplevel, title);
    wl_surface_commit(s.surface);
    while (s.running && wl_display_dispatch(display) != -1) {
    }
    wl_keyboard_destroy(s.keyboard);
    return 0;
}

// ---- ime ---------------------------------------------------------------------------------------

void im_activate(void* data, wl_proxy*) {
    static_cast<State*>(data)->pending_active = true;
}
void im_deactivate(void* data, wl_proxy*) {
    static_cast<State*>(data)->pending_active = false;
}
void im_surrounding(void*, wl_proxy*, const char*, std::uint32_t, std::uint32_t) {
}
void im_cause(void*, wl_proxy*, std::uint32_t) {
}
void im_content(void*, wl_proxy*, std::uint32_t, std::uint32_t) {
}
void im_done(void* data, wl_proxy* input_method) {
    auto* s = static_cast<State*>(data);
    ++s->done_count;
    if (s->pending_active != s->active) {
        s->active = s->pending_active;
        say(s->active ? "ime: activate" : "ime: deactivate");
        if (s->active) {
            s->committed = false;
        }
    }
    if (s->active && !s->committed && !s->to_commit.empty()) {
        wl_proxy_marshal_flags(input_method, kCommitString, nullptr, 1, 0, s->to_commit.c_str());
        wl_proxy_marshal_flags(input_method, kCommit, nullptr, 1, 0, s->done_count);
        s->committed = true;
        say("ime: committed");
    }
}
void im_unavailable(void* data, wl_proxy*) {
    say("ime: unavailable");
    static_cast<State*>(data)->running = false;
}
const InputMethodListener kInputMethod = {im_activate, im_deactivate, im_surrounding, im_cause,
                                          im_content,  im_done,       im_unavailable};

void commit_text(State& s, const std::string& text) {
    wl_proxy_marshal_flags(s.input_method, kCommitString, nullptr, 1, 0, text.c_str());
    wl_proxy_marshal_flags(s.input_method, kCommit, nullptr, 1, 0, s.done_count);
}

void grab_keymap(void* data, wl_proxy*, std::uint32_t format, std::int32_t fd, std::uint32_t size) {
    auto* s = static_cast<State*>(data);
    if (format != WL_KEYBOARD_KEYMAP_FORMAT_XKB_V1) {
        close(fd);
        return;
    }
    void* map = mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (map == MAP_FAILED) {
        close(fd);
        return;
    }
    xkb_state_unref(s->key_state);
    xkb_keymap_unref(s->keymap);
    s->keymap = xkb_keymap_new_from_string(s->xkb, static_cast<const char*>(map),
                                           XKB_KEYMAP_FORMAT_TEXT_V1, XKB_KEYMAP_COMPILE_NO_FLAGS);
    munmap(map, size);
    s->key_state = s->keymap != nullptr ? xkb_state_new(s->keymap) : nullptr;
    // Forwarded keys are typed with the same keymap.
    if (s->forward != nullptr) {
        wl_proxy_marshal_flags(s->forward, kVkKeymap, nullptr, 1, 0, format, fd, size);
    }
    close(fd);
    say("grab: keymap");
}
void grab_key(void* data, wl_proxy*, std::uint32_t, std::uint32_t time, std::uint32_t key,
              std::uint32_t state) {
    auto* s = static_cast<State*>(data);
    if (s->key_state == nullptr) {
        return;
    }
    const xkb_keysym_t sym = xkb_state_key_get_one_sym(s->key_state, key + 8);
    char name[64] = "";
    xkb_keysym_get_name(sym, name, sizeof name);
    const bool pressed = state == WL_KEYBOARD_KEY_STATE_PRESSED;
    say(std::string("grab: key ") + name + (pressed ? " down" : " up"));
    if (pressed && sym >= XKB_KEY_a && sym <= XKB_KEY_z) {
        // Fullwidth a-z: U+FF41 + n, three bytes of UTF-8.
        const std::uint32_t cp = 0xff41 + (sym - XKB_KEY_a);
        const char utf8[] = {static_cast<char>(0xe0 | (cp >> 12)),
                             static_cast<char>(0x80 | ((cp >> 6) & 0x3f)),
                             static_cast<char>(0x80 | (cp & 0x3f)), 0};
        s->composed.insert(key);
        commit_text(*s, utf8);
        say("ime: composed");
        return;
    }
    if (!pressed && s->composed.erase(key) != 0) {
        return;
    }
    if (s->forward != nullptr) {
        wl_proxy_marshal_flags(s->forward, kVkKey, nullptr, 1, 0, time, key, state);
        if (pressed) {
            say(std::string("ime: forwarded ") + name);
        }
    }
}
void grab_modifiers(void* data, wl_proxy*, std::uint32_t, std::uint32_t depressed,
                    std::uint32_t latched, std::uint32_t locked, std::uint32_t group) {
    auto* s = static_cast<State*>(data);
    if (s->key_state != nullptr) {
        xkb_state_update_mask(s->key_state, depressed, latched, locked, 0, 0, group);
    }
    if (s->forward != nullptr && s->keymap != nullptr) {
        wl_proxy_marshal_flags(s->forward, kVkModifiers, nullptr, 1, 0, depressed, latched, locked,
                               group);
    }
}
void grab_repeat(void*, wl_proxy*, std::int32_t, std::int32_t) {
}
const GrabListener kGrab = {grab_keymap, grab_key, grab_modifiers, grab_repeat};

void popup_rectangle(void*, wl_proxy*, std::int32_t x, std::int32_t y, std::int32_t w,
                     std::int32_t h) {
    say("popup: rectangle " + std::to_string(x) + " " + std::to_string(y) + " " +
        std::to_string(w) + " " + std::to_string(h));
}
const PopupListener kPopup = {popup_rectangle};

template <typename Listener> void listen(wl_proxy* proxy, const Listener& listener, State& s) {
    wl_proxy_add_listener(proxy,
                          reinterpret_cast<void (**)(void)>(const_cast<Listener*>(&listener)), &s);
}

int run_ime(wl_display* display, State& s, bool grab, bool popup) {
    if (s.input_methods == nullptr || s.seat == nullptr) {
        say("ime: no zwp_input_method_manager_v2");
        return 3;
    }
    wl_proxy* input_method = wl_proxy_marshal_flags(
        s.input_methods, 0, &zwp_input_method_v2_interface, 1, 0, s.seat, nullptr);
    s.input_method = input_method;
    listen(input_method, kInputMethod, s);
    if (grab) {
        if (s.virtual_keyboards == nullptr) {
            say("ime: no zwp_virtual_keyboard_manager_v1");
            return 3;
        }
        s.xkb = xkb_context_new(XKB_CONTEXT_NO_FLAGS);
        s.forward = wl_proxy_marshal_flags(
            s.virtual_keyboards, 0, &zwp_virtual_keyboard_v1_interface, 1, 0, s.seat, nullptr);
        s.grab =
            wl_proxy_marshal_flags(input_method, kGrabKeyboard,
                                   &zwp_input_method_keyboard_grab_v2_interface, 1, 0, nullptr);
        listen(s.grab, kGrab, s);
        wl_display_roundtrip(display);
        say("ime: grabbed");
    }
    if (popup) {
        s.popup_surface = wl_compositor_create_surface(s.compositor);
        s.popup = wl_proxy_marshal_flags(input_method, kGetPopupSurface,
                                         &zwp_input_popup_surface_v2_interface, 1, 0, nullptr,
                                         s.popup_surface);
        listen(s.popup, kPopup, s);
        wl_surface_attach(s.popup_surface, make_buffer(s.shm, 80, 30, 0xffff00ff), 0, 0);
        wl_surface_damage(s.popup_surface, 0, 0, 80, 30);
        wl_surface_commit(s.popup_surface);
        wl_display_roundtrip(display);
        say("ime: popup");
    }
    say("ime: ready");
    while (s.running && wl_display_dispatch(display) != -1) {
    }
    if (s.grab != nullptr) {
        wl_proxy_marshal_flags(s.grab, 0, nullptr, 1, WL_MARSHAL_FLAG_DESTROY);
        wl_proxy_marshal_flags(s.forward, kVkDestroy, nullptr, 1, WL_MARSHAL_FLAG_DESTROY);
        xkb_state_unref(s.key_state);
        xkb_keymap_unref(s.keymap);
        xkb_context_unref(s.xkb);
    }
    if (s.popup != nullptr) {
        wl_proxy_marshal_flags(s.popup, 0, nullptr, 1, WL_MARSHAL_FLAG_DESTROY);
        wl_surface_destroy(s.popup_surface);
    }
    wl_proxy_marshal_flags(input_method, kDestroy, nullptr, 1, WL_MARSHAL_FLAG_DESTROY);
    return 0;
}

bool has_flag(int argc, char** argv, const char* flag) {
    for (int i = 2; i < argc; ++i) {
        if (std::strcmp(argv[i], flag) == 0) {
            return true;
        }
    }
    return false;
}

} // namespace

int main(int argc, char** argv) {
    if (argc < 2 || (std::strcmp(argv[1], "ime") == 0 && argc < 3)) {
        std::fprintf(stderr,
                     "usage: %s text [TITLE] [--once] [--corner] | ime STRING [--grab] [--popup]\n",
                     argv[0]);
        return 2;
    }
    wl_display* display = wl_display_connect(nullptr);
    if (display == nullptr) {
        std::fprintf(stderr, "ime-client: cannot connect\n");
        return 3;
    }
    State s;
    wl_registry* registry = wl_display_get_registry(display);
    wl_registry_add_listener(registry, &kRegistry, &s);
    wl_display_roundtrip(display);
    int status;
    if (std::strcmp(argv[1], "ime") == 0) {
        s.to_commit = argv[2];
        status =
            run_ime(display, s, has_flag(argc, argv, "--grab"), has_flag(argc, argv, "--popup"));
    } else {
        s.once = has_flag(argc, argv, "--once");
        s.corner = has_flag(argc, argv, "--corner");
        const bool titled = argc > 2 && std::strncmp(argv[2], "--", 2) != 0;
        status = run_text(display, s, titled ? argv[2] : "text");
    }
    for (void* proxy :
         {static_cast<void*>(s.compositor), static_cast<void*>(s.shm), static_cast<void*>(s.seat),
          static_cast<void*>(s.wm_base), static_cast<void*>(s.text_inputs),
          static_cast<void*>(s.input_methods), static_cast<void*>(s.virtual_keyboards)}) {
        if (proxy != nullptr) {
            wl_proxy_destroy(static_cast<wl_proxy*>(proxy));
        }
    }
    wl_registry_destroy(registry);
    wl_display_disconnect(display);
    return status;
}
