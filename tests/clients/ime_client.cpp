// Both ends of an input method, for the tests:
//
//   ime-client text [TITLE]   a window (white, 200x100) with a text-input-v3 field that is
//                             enabled while the window has the keyboard. Prints
//                             "text-input: enter", "text-input: leave" and, on each done,
//                             "commit: <string>" / "preedit: <string>".
//   ime-client ime STRING     an input method (input-method-v2): on each activation it commits
//                             STRING once and prints "ime: activate", "ime: committed",
//                             "ime: deactivate" or "ime: unavailable".
//
// input-method-unstable-v2 is not in Debian's wayland-protocols: its two interfaces are written
// out below from the protocol's wire description (requests and events in protocol order).
#include "shm_buffer.hpp"
#include "text-input-unstable-v3-client-protocol.h"
#include "xdg-shell-client-protocol.h"

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <wayland-client.h>

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

const wl_interface zwp_input_method_v2_interface = {"zwp_input_method_v2", 1, 7,
                                                    kInputMethodRequests,  7, kInputMethodEvents};
const wl_interface zwp_input_popup_surface_v2_interface = {
    "zwp_input_popup_surface_v2", 1, 1, kNoMessages, 0, nullptr};
const wl_interface zwp_input_method_keyboard_grab_v2_interface = {
    "zwp_input_method_keyboard_grab_v2", 1, 1, kNoMessages, 0, nullptr};
const wl_interface zwp_input_method_manager_v2_interface = {
    "zwp_input_method_manager_v2", 1, 2, kManagerRequests, 0, nullptr};

enum InputMethodRequest : std::uint32_t { kCommitString = 0, kCommit = 3, kDestroy = 6 };

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
    bool running = true;

    // text
    zwp_text_input_v3* text_input = nullptr;
    wl_surface* surface = nullptr;
    std::string pending_commit, pending_preedit;

    // ime
    std::string to_commit;
    bool active = false, pending_active = false, committed = false;
    std::uint32_t done_count = 0;
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
    say("text-input: enter");
    zwp_text_input_v3_enable(text_input);
    zwp_text_input_v3_set_content_type(text_input, ZWP_TEXT_INPUT_V3_CONTENT_HINT_NONE,
                                       ZWP_TEXT_INPUT_V3_CONTENT_PURPOSE_NORMAL);
    zwp_text_input_v3_commit(text_input);
    (void)data;
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
void ti_done(void* data, zwp_text_input_v3*, std::uint32_t) {
    auto* s = static_cast<State*>(data);
    if (!s->pending_commit.empty()) {
        say("commit: " + s->pending_commit);
    }
    if (!s->pending_preedit.empty()) {
        say("preedit: " + s->pending_preedit);
    }
    s->pending_commit.clear();
    s->pending_preedit.clear();
}
const zwp_text_input_v3_listener kTextInput = {ti_enter,  ti_leave,  ti_preedit,
                                               ti_commit, ti_delete, ti_done};

void wm_ping(void*, xdg_wm_base* wm_base, std::uint32_t serial) {
    xdg_wm_base_pong(wm_base, serial);
}
const xdg_wm_base_listener kWmBase = {wm_ping};

void surface_configure(void* data, xdg_surface* xdg, std::uint32_t serial) {
    auto* s = static_cast<State*>(data);
    xdg_surface_ack_configure(xdg, serial);
    wl_surface_attach(s->surface, make_buffer(s->shm, 200, 100, 0xffffffff), 0, 0);
    wl_surface_damage(s->surface, 0, 0, 200, 100);
    wl_surface_commit(s->surface);
}
const xdg_surface_listener kXdgSurface = {surface_configure};

void toplevel_configure(void*, xdg_toplevel*, std::int32_t, std::int32_t, wl_array*) {
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
    s.surface = wl_compositor_create_surface(s.compositor);
    xdg_surface* xdg = xdg_wm_base_get_xdg_surface(s.wm_base, s.surface);
    xdg_surface_add_listener(xdg, &kXdgSurface, &s);
    xdg_toplevel* toplevel = xdg_surface_get_toplevel(xdg);
    xdg_toplevel_add_listener(toplevel, &kToplevel, &s);
    xdg_toplevel_set_title(toplevel, title);
    wl_surface_commit(s.surface);
    while (s.running && wl_display_dispatch(display) != -1) {
    }
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
    if (s->active && !s->committed) {
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

int run_ime(wl_display* display, State& s) {
    if (s.input_methods == nullptr || s.seat == nullptr) {
        say("ime: no zwp_input_method_manager_v2");
        return 3;
    }
    wl_proxy* input_method = wl_proxy_marshal_flags(
        s.input_methods, 0, &zwp_input_method_v2_interface, 1, 0, s.seat, nullptr);
    wl_proxy_add_listener(
        input_method,
        reinterpret_cast<void (**)(void)>(const_cast<InputMethodListener*>(&kInputMethod)), &s);
    say("ime: ready");
    while (s.running && wl_display_dispatch(display) != -1) {
    }
    wl_proxy_marshal_flags(input_method, kDestroy, nullptr, 1, WL_MARSHAL_FLAG_DESTROY);
    return 0;
}

} // namespace

int main(int argc, char** argv) {
    if (argc < 2 || (std::strcmp(argv[1], "ime") == 0 && argc < 3)) {
        std::fprintf(stderr, "usage: %s text [TITLE] | ime STRING\n", argv[0]);
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
        status = run_ime(display, s);
    } else {
        status = run_text(display, s, argc > 2 ? argv[2] : "text");
    }
    for (void* proxy : {static_cast<void*>(s.compositor), static_cast<void*>(s.shm),
                        static_cast<void*>(s.seat), static_cast<void*>(s.wm_base),
                        static_cast<void*>(s.text_inputs), static_cast<void*>(s.input_methods)}) {
        if (proxy != nullptr) {
            wl_proxy_destroy(static_cast<wl_proxy*>(proxy));
        }
    }
    wl_registry_destroy(registry);
    wl_display_disconnect(display);
    return status;
}
