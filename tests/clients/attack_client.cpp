// A Wayland client that attacks xdg-shell object lifetimes, window geometry and popup grabs as a
// hostile VM would. It maps one toplevel (white content, magenta wherever prism must not show
// it), then runs one attack:
//
//   attack-client --mode MODE [--colour RRGGBB]
//
//   plain            just the window; prints "keyboard enter" / "keyboard leave" / "key K"
//   roleless-parent  destroys the xdg_toplevel (keeps the xdg_surface), commits a magenta popup
//                    whose parent is that role-less xdg_surface, then gives the xdg_surface a
//                    new toplevel and maps it again
//   popup-chain      three nested popups, then destroys the middle one (a protocol error)
//   parent-gone      commits a popup, destroys the parent toplevel before acking the popup's
//                    configure, then acks and attaches a buffer
//   geometry         changes the window geometry on every frame (empty, outside the surface,
//                    30000x30000, negative offsets), moves a subsurface outside between commits
//                    and nests subsurfaces deeper than the window
//   configure-race   asks for maximize/fullscreen and decoration-less modes before the first
//                    commit and between commits, unmaps with a null buffer and maps again, and
//                    sets itself as its own parent
//   grab             on keyboard focus, opens a magenta popup with xdg_popup.grab, and again
//                    whenever the popup is dismissed
//   background-grab  like grab, but grabs at once (serial 0), without ever having focus
//   grab-parent-gone like grab, then destroys its toplevel while the grabbing popup is up
//   big-cursor       on pointer enter, sets an 8x8 cursor image with its hotspot at 4,4, then
//                    commits an 800x800 magenta buffer to it at an offset of -396,-396
//   resize-unmap     on keyboard focus, asks for an interactive resize, then unmaps (null
//                    buffer) while prism's resize goes on
//   huge-extent      a 900x500 buffer plus a 1x1 subsurface at 39999,39999: no window
//                    geometry, so the surfaces' extent (40000x40000) is the window
//   title-flood      four (--count) windows made 30000 px wide the same way, then titles set
//                    as fast as prism takes them, alternating "" and 60 W's, until SIGUSR1;
//                    then the W's on every window, and "flooded N" with the count
//   latency          repeats wl_display_roundtrip for 4 s; prints
//                    "latency p99 US max US n N p50 US"
//   activate-flood   every 20 ms, makes an activation token (no seat and serial, or the last
//                    serial it got) and activates its own window with it
//   activate-own     two windows; on each key press in one, activates the other with a token
//                    made from that key's serial (what a legitimate client does)
//   token-flood      once it lost the keyboard, makes and commits 300000 (--count) activation
//                    tokens (named only by its surface), then activates with bogus names for
//                    3 s, then with the first ("old token used"), and one second later
//                    with the last ("new token used")
//   fake-move        on keyboard focus, xdg_toplevel.move with a made-up serial
//   fake-resize      on keyboard focus, xdg_toplevel.resize with a made-up serial
//   fake-grab        on keyboard focus, a popup with xdg_popup.grab with a made-up serial
//   click-grab       on a button press, a popup with xdg_popup.grab with that press's serial
//   window-flood     opens a second connection with --others toplevels (default 0), then makes
//                    toplevels on its own connection, one per round trip, up to --count
//                    (default 3000); prints "others N", then "windows made M" when it stops:
//                    at the count, or when prism disconnects it ("second connection alive"
//                    if the other connection still answers)
//   surface-flood    the same with bare wl_surfaces (default count 20000): "surfaces made M"
//   nest-flood       nests subsurfaces below its window, one more per round trip, up to
//                    --count (default 20000) deep; prints "depth reached D"
//   storm            until SIGUSR1, in rounds, each on fresh connections: windows with titles
//                    until prism disconnects it, 2000 activation tokens, a data source
//                    offering 2000 MIME types, and 200 raw connections to its socket; then
//                    "storm rounds N"
//   nest-graft       nests --count (default 20) subsurfaces below its window, and --others
//                    (default 12) below a separate surface, then makes that surface a
//                    subsurface of the deepest one; prints "grafted" or "graft refused"
//   popup-extremes   popups whose positioners take the protocol's int32 limits (sizes, anchor
//                    rects and offsets of INT32_MAX and INT32_MIN, with and without adjustment),
//                    a popup of the one placed farthest right whose offset wraps the sum of the
//                    two back onto the output, then xdg_popup.reposition of each of them to each
//                    positioner in turn (xdg_wm_base v3), last over the title bar; prints
//                    "popups N" and "repositioned N"
//   popup-deep       a chain of --count popups, each a popup of the one before (none mapped),
//                    a roundtrip every 1000, then repositions the last one; prints "chain N" and
//                    "repositioned"
//
// It prints "ready" once the attack is under way and keeps running (and printing keyboard
// events) until killed or disconnected; "disconnected" when prism ends the connection.
#include "shm_buffer.hpp"
#include "xdg-activation-v1-client-protocol.h"
#include "xdg-shell-client-protocol.h"

#include <algorithm>
#include <chrono>
#include <csignal>
#include <thread>
#include <vector>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <wayland-client.h>

namespace {

constexpr std::uint32_t kMagenta = 0xffff00ff;
constexpr int kWidth = 300, kHeight = 200;

struct Client {
    std::string mode;
    long count = 300000;
    bool count_given = false;
    long others = -1; // -1: the mode's default
    std::uint32_t colour = 0xffffffff;
    wl_display* display = nullptr;
    wl_compositor* compositor = nullptr;
    wl_subcompositor* subcompositor = nullptr;
    wl_shm* shm = nullptr;
    wl_seat* seat = nullptr;
    xdg_wm_base* wm_base = nullptr;
    wl_surface* surface = nullptr;
    xdg_surface* xdg = nullptr;
    xdg_toplevel* toplevel = nullptr;
    std::uint32_t configure_serial = 0;
    bool configured = false;
    // grab
    std::uint32_t focus_serial = 0;
    bool focused = false;
    xdg_popup* grab_popup = nullptr;
    wl_surface* grab_surface = nullptr;
    xdg_surface* grab_xdg = nullptr;
    bool want_grab = false;
    int grabs = 0;
    wl_surface* cursor = nullptr;
    xdg_activation_v1* activation = nullptr;
    std::uint32_t last_serial = 0; // of any input event or enter
    bool got_serial = false;
    // activate-own: the second window, and the key press serials not yet used
    xdg_toplevel* other = nullptr;
    wl_surface* other_surface = nullptr;
    std::vector<std::uint32_t> key_serials;
    // click-grab
    std::vector<std::uint32_t> button_serials;
    // xdg_wm_base version to bind (3 for xdg_popup.reposition)
    std::uint32_t wm_version = 2;
    wl_keyboard* keyboard = nullptr;
    wl_pointer* pointer = nullptr;
};

// A serial prism never sent: input serials are small counters.
constexpr std::uint32_t kMadeUpSerial = 0x7fff1234;

void say(const char* format, auto... args) {
    std::printf(format, args...);
    std::printf("\n");
    std::fflush(stdout);
}

void global(void* data, wl_registry* registry, uint32_t name, const char* iface, uint32_t) {
    auto* c = static_cast<Client*>(data);
    if (std::strcmp(iface, "wl_compositor") == 0) {
        c->compositor = static_cast<wl_compositor*>(
            wl_registry_bind(registry, name, &wl_compositor_interface, 4));
    } else if (std::strcmp(iface, "wl_subcompositor") == 0) {
        c->subcompositor = static_cast<wl_subcompositor*>(
            wl_registry_bind(registry, name, &wl_subcompositor_interface, 1));
    } else if (std::strcmp(iface, "wl_shm") == 0) {
        c->shm = static_cast<wl_shm*>(wl_registry_bind(registry, name, &wl_shm_interface, 1));
    } else if (std::strcmp(iface, "wl_seat") == 0 && c->seat == nullptr) {
        c->seat = static_cast<wl_seat*>(wl_registry_bind(registry, name, &wl_seat_interface, 1));
    } else if (std::strcmp(iface, "xdg_activation_v1") == 0) {
        c->activation = static_cast<xdg_activation_v1*>(
            wl_registry_bind(registry, name, &xdg_activation_v1_interface, 1));
    } else if (std::strcmp(iface, "xdg_wm_base") == 0) {
        c->wm_base = static_cast<xdg_wm_base*>(
            wl_registry_bind(registry, name, &xdg_wm_base_interface, c->wm_version));
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
    auto* c = static_cast<Client*>(data);
    xdg_surface_ack_configure(xdg, serial);
    c->configure_serial = serial;
    c->configured = true;
}
const xdg_surface_listener kSurface = {surface_configure};

void toplevel_configure(void* data, xdg_toplevel*, int32_t width, int32_t height, wl_array*) {
    auto* c = static_cast<Client*>(data);
    if (c->mode.rfind("fake-", 0) == 0 && (width != 0 || height != 0)) {
        say("configure %d %d", width, height);
    }
}
void toplevel_close(void*, xdg_toplevel*) {
}
const xdg_toplevel_listener kToplevel = {toplevel_configure, toplevel_close};

// Popups: acked, and drawn magenta once, on their first configure.
struct Popup {
    Client* client = nullptr;
    wl_surface* surface = nullptr;
    xdg_surface* xdg = nullptr;
    xdg_popup* popup = nullptr;
    bool configured = false;
    bool draw = true;
    bool done = false;
};

void popup_surface_configure(void* data, xdg_surface* xdg, uint32_t serial) {
    auto* p = static_cast<Popup*>(data);
    xdg_surface_ack_configure(xdg, serial);
    if (!p->configured && p->draw) {
        wl_surface_attach(p->surface, make_buffer(p->client->shm, 80, 60, kMagenta), 0, 0);
        wl_surface_commit(p->surface);
    } else if (p->configured && p->client->wm_version >= 3) {
        wl_surface_commit(p->surface); // a reposition takes effect
    }
    p->configured = true;
}
const xdg_surface_listener kPopupSurface = {popup_surface_configure};
void popup_configure(void*, xdg_popup*, int32_t, int32_t, int32_t, int32_t) {
}
void popup_done(void* data, xdg_popup*) {
    auto* p = static_cast<Popup*>(data);
    p->done = true;
    say("popup done");
}
void popup_repositioned(void*, xdg_popup*, uint32_t) {
}
const xdg_popup_listener kPopup = {popup_configure, popup_done, popup_repositioned};

xdg_positioner* positioner(Client* c, int width, int height) {
    xdg_positioner* pos = xdg_wm_base_create_positioner(c->wm_base);
    xdg_positioner_set_size(pos, width, height);
    xdg_positioner_set_anchor_rect(pos, 10, 10, 1, 1);
    xdg_positioner_set_anchor(pos, XDG_POSITIONER_ANCHOR_TOP_LEFT);
    xdg_positioner_set_gravity(pos, XDG_POSITIONER_GRAVITY_BOTTOM_RIGHT);
    return pos;
}

// A popup of `parent`, committed (its first configure asked for); drawn when configured.
// Placed by `pos` (destroyed here) if given.
Popup* make_popup(Client* c, xdg_surface* parent, bool grab = false,
                  xdg_positioner* pos = nullptr) {
    auto* p = new Popup;
    p->client = c;
    p->surface = wl_compositor_create_surface(c->compositor);
    p->xdg = xdg_wm_base_get_xdg_surface(c->wm_base, p->surface);
    xdg_surface_add_listener(p->xdg, &kPopupSurface, p);
    if (pos == nullptr) {
        pos = positioner(c, 80, 60);
    }
    p->popup = xdg_surface_get_popup(p->xdg, parent, pos);
    xdg_positioner_destroy(pos);
    xdg_popup_add_listener(p->popup, &kPopup, p);
    if (grab) {
        xdg_popup_grab(p->popup, c->seat, c->focus_serial);
    }
    wl_surface_commit(p->surface);
    return p;
}

void destroy_popup(Popup* p) {
    xdg_popup_destroy(p->popup);
    xdg_surface_destroy(p->xdg);
    wl_surface_destroy(p->surface);
    delete p;
}

void new_toplevel(Client* c) {
    c->toplevel = xdg_surface_get_toplevel(c->xdg);
    xdg_toplevel_add_listener(c->toplevel, &kToplevel, c);
    xdg_toplevel_set_title(c->toplevel, c->mode.c_str());
}

// The first configure, then a buffer: the window maps.
void map(Client* c) {
    c->configured = false;
    wl_surface_attach(c->surface, nullptr, 0, 0);
    wl_surface_commit(c->surface);
    while (!c->configured && wl_display_dispatch(c->display) != -1) {
    }
    wl_surface_attach(c->surface, make_buffer(c->shm, kWidth, kHeight, c->colour), 0, 0);
    wl_surface_commit(c->surface);
    wl_display_roundtrip(c->display);
}

// --- keyboard -------------------------------------------------------------------------------

Popup* grab_popup = nullptr;

void open_grab(Client* c) {
    if (grab_popup != nullptr) {
        destroy_popup(grab_popup);
    }
    grab_popup = make_popup(c, c->xdg, true);
    say("grab %d", ++c->grabs);
}

void kb_keymap(void*, wl_keyboard*, uint32_t, int32_t fd, uint32_t) {
    close(fd);
}
wl_surface* keyboard_surface = nullptr;

void kb_enter(void* data, wl_keyboard*, uint32_t serial, wl_surface* surface, wl_array*) {
    auto* c = static_cast<Client*>(data);
    c->focused = true;
    c->focus_serial = serial;
    c->last_serial = serial;
    c->got_serial = true;
    keyboard_surface = surface;
    say("keyboard enter");
    if ((c->mode == "grab" || c->mode == "grab-parent-gone") && grab_popup == nullptr) {
        open_grab(c);
    }
    if (c->mode == "fake-move") {
        xdg_toplevel_move(c->toplevel, c->seat, kMadeUpSerial);
        say("move asked");
    } else if (c->mode == "fake-resize") {
        xdg_toplevel_resize(c->toplevel, c->seat, kMadeUpSerial,
                            XDG_TOPLEVEL_RESIZE_EDGE_BOTTOM_RIGHT);
        say("resize asked");
    } else if (c->mode == "fake-grab" && grab_popup == nullptr) {
        c->focus_serial = kMadeUpSerial;
        open_grab(c);
    }
}
void resize_then_unmap(Client* c) {
    xdg_toplevel_resize(c->toplevel, c->seat, c->focus_serial,
                        XDG_TOPLEVEL_RESIZE_EDGE_BOTTOM_RIGHT);
    wl_display_roundtrip(c->display);
    wl_surface_attach(c->surface, nullptr, 0, 0);
    wl_surface_commit(c->surface);
    wl_display_roundtrip(c->display);
    say("unmapped");
}

void kb_leave(void* data, wl_keyboard*, uint32_t, wl_surface*) {
    static_cast<Client*>(data)->focused = false;
    say("keyboard leave");
}
void kb_key(void* data, wl_keyboard*, uint32_t serial, uint32_t, uint32_t key, uint32_t state) {
    auto* c = static_cast<Client*>(data);
    c->last_serial = serial;
    c->got_serial = true;
    if (state == WL_KEYBOARD_KEY_STATE_PRESSED) {
        say("key %u", key);
        c->key_serials.push_back(serial);
    }
}
void kb_modifiers(void*, wl_keyboard*, uint32_t, uint32_t, uint32_t, uint32_t, uint32_t) {
}
const wl_keyboard_listener kKeyboard = {kb_keymap, kb_enter, kb_leave, kb_key, kb_modifiers};

// --- pointer --------------------------------------------------------------------------------

void ptr_enter(void* data, wl_pointer* pointer, uint32_t serial, wl_surface*, wl_fixed_t,
               wl_fixed_t) {
    auto* c = static_cast<Client*>(data);
    c->last_serial = serial;
    c->got_serial = true;
    if (c->mode != "big-cursor" || c->cursor != nullptr) {
        return;
    }
    c->cursor = wl_compositor_create_surface(c->compositor);
    wl_surface_attach(c->cursor, make_buffer(c->shm, 8, 8, kMagenta), 0, 0);
    wl_surface_commit(c->cursor);
    wl_pointer_set_cursor(pointer, serial, c->cursor, 4, 4);
    // The offset moves the hotspot to 400,400 of the new buffer.
    wl_surface_attach(c->cursor, make_buffer(c->shm, 800, 800, kMagenta), -396, -396);
    wl_surface_damage(c->cursor, 0, 0, 800, 800);
    wl_surface_commit(c->cursor);
    say("cursor set");
}
void ptr_leave(void*, wl_pointer*, uint32_t, wl_surface*) {
}
void ptr_motion(void*, wl_pointer*, uint32_t, wl_fixed_t, wl_fixed_t) {
}
void ptr_button(void* data, wl_pointer*, uint32_t serial, uint32_t, uint32_t, uint32_t state) {
    auto* c = static_cast<Client*>(data);
    c->last_serial = serial;
    c->got_serial = true;
    if (state == WL_POINTER_BUTTON_STATE_PRESSED) {
        c->button_serials.push_back(serial);
    }
}
void ptr_axis(void*, wl_pointer*, uint32_t, uint32_t, wl_fixed_t) {
}
const wl_pointer_listener kPointer = {ptr_enter, ptr_leave, ptr_motion, ptr_button, ptr_axis};

// The keyboard and pointer once the seat has them: prism's has both as soon as it has input
// devices; a headless peer such as sway, which the benchmarks run these clients against, may
// have neither.
void seat_capabilities(void* data, wl_seat* seat, uint32_t caps) {
    auto* c = static_cast<Client*>(data);
    if ((caps & WL_SEAT_CAPABILITY_KEYBOARD) != 0 && c->keyboard == nullptr) {
        c->keyboard = wl_seat_get_keyboard(seat);
        wl_keyboard_add_listener(c->keyboard, &kKeyboard, c);
    }
    if ((caps & WL_SEAT_CAPABILITY_POINTER) != 0 && c->pointer == nullptr) {
        c->pointer = wl_seat_get_pointer(seat);
        wl_pointer_add_listener(c->pointer, &kPointer, c);
    }
}
void seat_name(void*, wl_seat*, const char*) {
}
const wl_seat_listener kSeat = {seat_capabilities, seat_name};

// --- attacks --------------------------------------------------------------------------------

void roleless_parent(Client* c) {
    xdg_toplevel_destroy(c->toplevel);
    c->toplevel = nullptr;
    wl_display_roundtrip(c->display);
    Popup* orphan = make_popup(c, c->xdg);
    wl_display_roundtrip(c->display);
    wl_display_roundtrip(c->display);
    say("orphan popup configured %d", orphan->configured ? 1 : 0);
    // The same xdg_surface as a toplevel again.
    new_toplevel(c);
    map(c);
    make_popup(c, c->xdg);
    wl_display_roundtrip(c->display);
}

void popup_chain(Client* c) {
    Popup* first = make_popup(c, c->xdg);
    wl_display_roundtrip(c->display);
    Popup* middle = make_popup(c, first->xdg);
    wl_display_roundtrip(c->display);
    make_popup(c, middle->xdg);
    wl_display_roundtrip(c->display);
    say("chain up");
    xdg_popup_destroy(middle->popup);
    wl_display_roundtrip(c->display);
}

void parent_gone(Client* c) {
    auto* p = new Popup;
    p->client = c;
    p->draw = false;
    p->surface = wl_compositor_create_surface(c->compositor);
    p->xdg = xdg_wm_base_get_xdg_surface(c->wm_base, p->surface);
    xdg_surface_add_listener(p->xdg, &kPopupSurface, p);
    xdg_positioner* pos = positioner(c, 80, 60);
    p->popup = xdg_surface_get_popup(p->xdg, c->xdg, pos);
    xdg_popup_add_listener(p->popup, &kPopup, p);
    wl_surface_commit(p->surface);
    wl_display_roundtrip(c->display); // the configure arrives (and is acked)
    xdg_toplevel_destroy(c->toplevel);
    c->toplevel = nullptr;
    wl_surface_attach(p->surface, make_buffer(c->shm, 80, 60, kMagenta), 0, 0);
    wl_surface_commit(p->surface);
    wl_display_roundtrip(c->display);
}

void geometry(Client* c) {
    wl_surface* sub_surface = wl_compositor_create_surface(c->compositor);
    wl_subsurface* sub = wl_subcompositor_get_subsurface(c->subcompositor, sub_surface, c->surface);
    wl_surface_attach(sub_surface, make_buffer(c->shm, 50, 50, kMagenta), 0, 0);
    wl_surface_commit(sub_surface);
    // A chain of subsurfaces, each further out.
    wl_surface* parent = c->surface;
    for (int depth = 0; depth < 20; ++depth) {
        wl_surface* child = wl_compositor_create_surface(c->compositor);
        wl_subsurface* s = wl_subcompositor_get_subsurface(c->subcompositor, child, parent);
        wl_subsurface_set_position(s, 40, 40);
        wl_surface_attach(child, make_buffer(c->shm, 30, 30, kMagenta), 0, 0);
        wl_surface_commit(child);
        parent = child;
    }
    // A 1x1 subsurface far out: the surfaces' extent, which wlroots clips the geometry to, is
    // then 30000x30000 for the price of one pixel.
    wl_surface* far = wl_compositor_create_surface(c->compositor);
    wl_subsurface* far_sub = wl_subcompositor_get_subsurface(c->subcompositor, far, c->surface);
    wl_subsurface_set_position(far_sub, 29999, 29999);
    wl_surface_attach(far, make_buffer(c->shm, 1, 1, kMagenta), 0, 0);
    wl_surface_commit(far);
    // xdg-shell makes an empty geometry a protocol error; everything else goes.
    const int geometries[][4] = {
        {5000, 5000, 100, 100},   {0, 0, 30000, 30000},     {-200, -200, 150, 150},
        {-50, -50, 400, 300},     {10, 10, 1, 1},           {0, 0, 300, 200},
        {290, 190, 5000, 5000},   {0, 0, 29999, 30000},     {0, 0, 2147483647, 10},
        {-2147483647, 0, 10, 10}, {2147483600, 0, 100, 10}, {0, 0, 32768, 100},
    };
    const int positions[][2] = {{-100, -100}, {290, 190}, {10000, 0}, {-60, 100}, {100, -60}};
    for (int round = 0; round < 400; ++round) {
        const auto& g = geometries[round % (sizeof(geometries) / sizeof(geometries[0]))];
        xdg_surface_set_window_geometry(c->xdg, g[0], g[1], g[2], g[3]);
        const auto& p = positions[round % (sizeof(positions) / sizeof(positions[0]))];
        wl_subsurface_set_position(sub, p[0], p[1]);
        wl_surface_attach(c->surface, make_buffer(c->shm, kWidth, kHeight, c->colour), 0, 0);
        wl_surface_damage(c->surface, 0, 0, kWidth, kHeight);
        wl_surface_commit(c->surface);
        if (wl_display_roundtrip(c->display) == -1) {
            return;
        }
    }
    // It ends on a geometry larger than the surface, with the subsurface outside it.
    xdg_surface_set_window_geometry(c->xdg, 0, 0, 30000, 30000);
    wl_subsurface_set_position(sub, -100, -100);
    wl_surface_attach(c->surface, make_buffer(c->shm, kWidth, kHeight, c->colour), 0, 0);
    wl_surface_commit(c->surface);
    wl_display_roundtrip(c->display);
}

void configure_race(Client* c) {
    for (int round = 0; round < 20; ++round) {
        xdg_toplevel_set_maximized(c->toplevel);
        xdg_toplevel_set_fullscreen(c->toplevel, nullptr);
        xdg_toplevel_unset_maximized(c->toplevel);
        xdg_toplevel_set_minimized(c->toplevel);
        wl_surface_attach(c->surface, make_buffer(c->shm, kWidth, kHeight, c->colour), 0, 0);
        wl_surface_commit(c->surface);
        xdg_toplevel_unset_fullscreen(c->toplevel);
        // Unmap, and map again with the configure of the next initial commit.
        wl_surface_attach(c->surface, nullptr, 0, 0);
        wl_surface_commit(c->surface);
        xdg_toplevel_set_fullscreen(c->toplevel, nullptr);
        map(c);
    }
    // Its own parent: wlroots refuses the loop.
    xdg_toplevel_set_parent(c->toplevel, c->toplevel);
    wl_display_roundtrip(c->display);
}

// A 1x1 subsurface far out: the surfaces' extent reaches to it.
void far_pixel(Client* c, wl_surface* parent, int x, int y) {
    wl_surface* far = wl_compositor_create_surface(c->compositor);
    wl_subsurface* sub = wl_subcompositor_get_subsurface(c->subcompositor, far, parent);
    wl_subsurface_set_position(sub, x, y);
    wl_surface_attach(far, make_buffer(c->shm, 1, 1, kMagenta), 0, 0);
    wl_surface_commit(far);
}

void huge_extent(Client* c) {
    far_pixel(c, c->surface, 39999, 39999);
    wl_surface_attach(c->surface, make_buffer(c->shm, 900, 500, c->colour), 0, 0);
    wl_surface_damage(c->surface, 0, 0, 900, 500);
    wl_surface_commit(c->surface);
    wl_display_roundtrip(c->display);
}

// Another mapped toplevel of this client (acked with its own small state).
struct Window {
    wl_surface* surface = nullptr;
    xdg_surface* xdg = nullptr;
    xdg_toplevel* toplevel = nullptr;
    bool configured = false;
};
void window_configure(void* data, xdg_surface* xdg, uint32_t serial) {
    xdg_surface_ack_configure(xdg, serial);
    static_cast<Window*>(data)->configured = true;
}
const xdg_surface_listener kWindowSurface = {window_configure};
void window_toplevel_configure(void*, xdg_toplevel*, int32_t, int32_t, wl_array*) {
}
const xdg_toplevel_listener kWindowToplevel = {window_toplevel_configure, toplevel_close};

Window* new_window(Client* c, const char* title, int width, int height) {
    auto* w = new Window;
    w->surface = wl_compositor_create_surface(c->compositor);
    w->xdg = xdg_wm_base_get_xdg_surface(c->wm_base, w->surface);
    xdg_surface_add_listener(w->xdg, &kWindowSurface, w);
    w->toplevel = xdg_surface_get_toplevel(w->xdg);
    xdg_toplevel_add_listener(w->toplevel, &kWindowToplevel, w);
    xdg_toplevel_set_title(w->toplevel, title);
    wl_surface_commit(w->surface);
    while (!w->configured && wl_display_dispatch(c->display) != -1) {
    }
    wl_surface_attach(w->surface, make_buffer(c->shm, width, height, c->colour), 0, 0);
    wl_surface_commit(w->surface);
    wl_display_roundtrip(c->display);
    return w;
}

volatile std::sig_atomic_t stop_requested = 0;

void title_flood(Client* c) {
    std::signal(SIGUSR1, [](int) { stop_requested = 1; });
    std::vector<xdg_toplevel*> toplevels{c->toplevel};
    far_pixel(c, c->surface, 29999, 0);
    wl_surface_commit(c->surface);
    const long windows = c->count_given ? c->count : 4;
    for (long i = 1; i < windows; ++i) {
        Window* w = new_window(c, "", kWidth, kHeight);
        far_pixel(c, w->surface, 29999, 0);
        wl_surface_commit(w->surface);
        toplevels.push_back(w->toplevel);
    }
    wl_display_roundtrip(c->display);
    say("flooding");
    const std::string wide(60, 'W');
    long count = 0;
    while (!stop_requested) {
        for (int i = 0; i < 64; ++i, ++count) {
            for (xdg_toplevel* toplevel : toplevels) {
                xdg_toplevel_set_title(toplevel, count % 2 == 0 ? "" : wide.c_str());
            }
        }
        if (wl_display_roundtrip(c->display) == -1) {
            return;
        }
    }
    for (xdg_toplevel* toplevel : toplevels) {
        xdg_toplevel_set_title(toplevel, wide.c_str());
    }
    wl_display_roundtrip(c->display);
    say("flooded %ld", count);
}

void latency(Client* c) {
    std::vector<long> us;
    const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(4);
    while (std::chrono::steady_clock::now() < end) {
        const auto start = std::chrono::steady_clock::now();
        if (wl_display_roundtrip(c->display) == -1) {
            return;
        }
        us.push_back(std::chrono::duration_cast<std::chrono::microseconds>(
                         std::chrono::steady_clock::now() - start)
                         .count());
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    std::sort(us.begin(), us.end());
    say("latency p99 %ld max %ld n %zu p50 %ld", us[us.size() * 99 / 100], us.back(), us.size(),
        us[us.size() / 2]);
}

// A positioner of raw values: whatever xdg-shell does not forbid (wlroots wants a size and an
// anchor rect of at least 1x1).
struct Placement {
    int width, height;
    int ax, ay, aw, ah;
    int ox, oy;
    std::uint32_t anchor, gravity, adjust;
};

xdg_positioner* raw_positioner(Client* c, const Placement& p) {
    xdg_positioner* pos = xdg_wm_base_create_positioner(c->wm_base);
    xdg_positioner_set_size(pos, p.width, p.height);
    xdg_positioner_set_anchor_rect(pos, p.ax, p.ay, p.aw, p.ah);
    xdg_positioner_set_offset(pos, p.ox, p.oy);
    xdg_positioner_set_anchor(pos, p.anchor);
    xdg_positioner_set_gravity(pos, p.gravity);
    xdg_positioner_set_constraint_adjustment(pos, p.adjust);
    return pos;
}

void popup_extremes(Client* c) {
    constexpr int kMax = 2147483647, kMin = -2147483647 - 1;
    constexpr std::uint32_t kAll = 63; // slide, flip and resize on both axes
    constexpr std::uint32_t kTopLeft = XDG_POSITIONER_ANCHOR_TOP_LEFT;
    constexpr std::uint32_t kBottomRight = XDG_POSITIONER_ANCHOR_BOTTOM_RIGHT;
    constexpr std::uint32_t kDown = XDG_POSITIONER_GRAVITY_BOTTOM_RIGHT;
    constexpr std::uint32_t kUp = XDG_POSITIONER_GRAVITY_TOP_LEFT;
    const Placement placements[] = {
        {kMax, kMax, 10, 10, 1, 1, 0, 0, kTopLeft, kDown, 0},
        {kMax, kMax, 10, 10, 1, 1, 0, 0, kTopLeft, kDown, kAll},
        {kMax, kMax, 10, 10, 1, 1, 0, 0, kTopLeft, XDG_POSITIONER_GRAVITY_NONE, kAll},
        {80, 60, kMax, kMax, kMax, kMax, kMax, kMax, kBottomRight, kDown, 0},
        {80, 60, kMax, kMax, kMax, kMax, kMax, kMax, kBottomRight, kDown, kAll},
        {80, 60, kMin, kMin, 1, 1, kMin, kMin, kTopLeft, kUp, 0},
        {80, 60, kMin, kMin, 1, 1, kMin, kMin, kTopLeft, kUp, kAll},
        {kMax, 60, kMin, 10, kMax, 1, kMax, -40, kTopLeft, kUp, kAll},
        {80, 60, 10, 10, 1, 1, kMax - 100, 0, kTopLeft, kDown, 0},
    };
    std::vector<Popup*> popups;
    for (const Placement& p : placements) {
        popups.push_back(make_popup(c, c->xdg, false, raw_positioner(c, p)));
        if (wl_display_roundtrip(c->display) == -1) {
            return;
        }
    }
    // A popup of the one placed far right, as far right again: in int32 the sum of the two
    // offsets wraps round to a small number.
    const Placement wrap{80, 60, 0, 0, 1, 1, kMax, 0, kTopLeft, kDown, 0};
    popups.push_back(make_popup(c, popups.back()->xdg, false, raw_positioner(c, wrap)));
    wl_display_roundtrip(c->display);
    popups.push_back(make_popup(c, popups.back()->xdg, false, raw_positioner(c, wrap)));
    wl_display_roundtrip(c->display);
    say("popups %zu", popups.size());
    long repositions = 0;
    for (int round = 0; round < 3; ++round) {
        for (const Placement& p : placements) {
            for (Popup* popup : popups) {
                xdg_positioner* pos = raw_positioner(c, p);
                xdg_popup_reposition(popup->popup, pos, static_cast<std::uint32_t>(repositions++));
                xdg_positioner_destroy(pos);
            }
            if (wl_display_roundtrip(c->display) == -1) {
                return;
            }
        }
    }
    // Last, each one where a fake label would go: 30 px above its parent's top, where the
    // title bar is for the first ones, and allowed no adjustment. They end up where they show.
    const Placement over_title{80, 60, 10, 10, 1, 1, 0, -40, kTopLeft, kDown, 0};
    for (Popup* popup : popups) {
        xdg_positioner* pos = raw_positioner(c, over_title);
        xdg_popup_reposition(popup->popup, pos, static_cast<std::uint32_t>(repositions++));
        xdg_positioner_destroy(pos);
    }
    wl_display_roundtrip(c->display);
    say("repositioned %ld", repositions);
}

void popup_deep(Client* c, long depth) {
    xdg_surface* parent = c->xdg;
    Popup* last = nullptr;
    for (long i = 0; i < depth; ++i) {
        last = new Popup;
        last->client = c;
        last->draw = false;
        last->surface = wl_compositor_create_surface(c->compositor);
        last->xdg = xdg_wm_base_get_xdg_surface(c->wm_base, last->surface);
        xdg_surface_add_listener(last->xdg, &kPopupSurface, last);
        xdg_positioner* pos = positioner(c, 80, 60);
        last->popup = xdg_surface_get_popup(last->xdg, parent, pos);
        xdg_positioner_destroy(pos);
        xdg_popup_add_listener(last->popup, &kPopup, last);
        wl_surface_commit(last->surface);
        parent = last->xdg;
        if (i % 1000 == 999 && wl_display_roundtrip(c->display) == -1) {
            return;
        }
    }
    if (wl_display_roundtrip(c->display) == -1) {
        return;
    }
    say("chain %ld", depth);
    if (last != nullptr) {
        xdg_positioner* pos = positioner(c, 80, 60);
        xdg_popup_reposition(last->popup, pos, 1);
        xdg_positioner_destroy(pos);
        wl_display_roundtrip(c->display);
        say("repositioned");
    }
}

// --- activation -----------------------------------------------------------------------------

struct Token {
    std::string name;
    bool done = false;
};
void token_done(void* data, xdg_activation_token_v1*, const char* name) {
    auto* t = static_cast<Token*>(data);
    t->name = name;
    t->done = true;
}
const xdg_activation_token_v1_listener kToken = {token_done};

// Makes a token for `surface` (with `serial` on the seat when given) and returns its name.
std::string make_token(Client* c, wl_surface* surface, const std::uint32_t* serial) {
    Token t;
    xdg_activation_token_v1* token = xdg_activation_v1_get_activation_token(c->activation);
    xdg_activation_token_v1_add_listener(token, &kToken, &t);
    if (serial != nullptr) {
        xdg_activation_token_v1_set_serial(token, *serial, c->seat);
    }
    xdg_activation_token_v1_set_surface(token, surface);
    xdg_activation_token_v1_commit(token);
    while (!t.done && wl_display_dispatch(c->display) != -1) {
    }
    xdg_activation_token_v1_destroy(token);
    return t.name;
}

void activate_flood(Client* c) {
    say("ready");
    for (long n = 1;; ++n) {
        // Every other one with the last serial it saw (wlroots checks it only loosely).
        const bool with_serial = n % 2 == 0 && c->got_serial;
        const std::string name = make_token(c, c->surface, with_serial ? &c->last_serial : nullptr);
        xdg_activation_v1_activate(c->activation, name.c_str(), c->surface);
        if (wl_display_roundtrip(c->display) == -1) {
            return;
        }
        if (n % 50 == 0) {
            say("activations %ld", n);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
}

void activate_own(Client* c) {
    Window* other = new_window(c, "other", kWidth, kHeight);
    c->other_surface = other->surface;
    say("ready");
    while (wl_display_dispatch(c->display) != -1) {
        if (c->key_serials.empty() || keyboard_surface == nullptr) {
            continue;
        }
        const std::uint32_t serial = c->key_serials.back();
        c->key_serials.clear();
        wl_surface* target = keyboard_surface == c->surface ? other->surface : c->surface;
        const std::string name = make_token(c, keyboard_surface, &serial);
        xdg_activation_v1_activate(c->activation, name.c_str(), target);
        wl_display_roundtrip(c->display);
        say("activated %s", target == c->surface ? "first" : "other");
    }
}

void token_flood(Client* c, long total) {
    // Once another window has the keyboard: then a valid token only asks for attention.
    say("waiting for keyboard leave");
    while ((c->focused || !c->got_serial) && wl_display_dispatch(c->display) != -1) {
    }
    std::string first, last;
    constexpr long kBatch = 1000;
    std::vector<Token> tokens(kBatch);
    std::vector<xdg_activation_token_v1*> objects(kBatch);
    for (long made = 0; made < total; made += kBatch) {
        const long n = std::min(kBatch, total - made);
        for (long i = 0; i < n; ++i) {
            tokens[i] = {};
            objects[i] = xdg_activation_v1_get_activation_token(c->activation);
            xdg_activation_token_v1_add_listener(objects[i], &kToken, &tokens[i]);
            xdg_activation_token_v1_set_surface(objects[i], c->surface);
            xdg_activation_token_v1_commit(objects[i]);
        }
        if (wl_display_roundtrip(c->display) == -1) {
            return;
        }
        for (long i = 0; i < n; ++i) {
            xdg_activation_token_v1_destroy(objects[i]);
        }
        if (made == 0) {
            first = tokens[0].name;
        }
        last = tokens[n - 1].name;
    }
    say("flooded %ld", total);
    std::this_thread::sleep_for(std::chrono::seconds(1));
    // Bogus activations: each one a lookup of a token prism never made.
    const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(3);
    long bogus = 0;
    while (std::chrono::steady_clock::now() < end) {
        for (int i = 0; i < 200; ++i, ++bogus) {
            const std::string name = "bogus-" + std::to_string(bogus);
            xdg_activation_v1_activate(c->activation, name.c_str(), c->surface);
        }
        if (wl_display_roundtrip(c->display) == -1) {
            return;
        }
    }
    say("bogus activations %ld", bogus);
    xdg_activation_v1_activate(c->activation, first.c_str(), c->surface);
    wl_display_roundtrip(c->display);
    say("old token used");
    std::this_thread::sleep_for(std::chrono::seconds(1));
    xdg_activation_v1_activate(c->activation, last.c_str(), c->surface);
    wl_display_roundtrip(c->display);
    say("new token used");
}

// --- budgets ------------------------------------------------------------------------------

volatile std::sig_atomic_t stop_requested_storm = 0;

// A second connection of the same VM, with the globals the floods need.
struct Connection {
    wl_display* display = nullptr;
    wl_compositor* compositor = nullptr;
    wl_subcompositor* subcompositor = nullptr;
    xdg_wm_base* wm_base = nullptr;
    xdg_activation_v1* activation = nullptr;
    wl_data_device_manager* data = nullptr;
};
void connection_global(void* data, wl_registry* registry, uint32_t name, const char* iface,
                       uint32_t) {
    auto* c = static_cast<Connection*>(data);
    if (std::strcmp(iface, "wl_compositor") == 0) {
        c->compositor = static_cast<wl_compositor*>(
            wl_registry_bind(registry, name, &wl_compositor_interface, 4));
    } else if (std::strcmp(iface, "xdg_wm_base") == 0) {
        c->wm_base =
            static_cast<xdg_wm_base*>(wl_registry_bind(registry, name, &xdg_wm_base_interface, 1));
    } else if (std::strcmp(iface, "xdg_activation_v1") == 0) {
        c->activation = static_cast<xdg_activation_v1*>(
            wl_registry_bind(registry, name, &xdg_activation_v1_interface, 1));
    } else if (std::strcmp(iface, "wl_data_device_manager") == 0) {
        c->data = static_cast<wl_data_device_manager*>(
            wl_registry_bind(registry, name, &wl_data_device_manager_interface, 3));
    }
}
const wl_registry_listener kConnectionRegistry = {connection_global, global_remove};

// nullptr when prism refuses the connection (at limits.connections).
Connection* try_connection() {
    auto* c = new Connection;
    c->display = wl_display_connect(nullptr);
    if (c->display == nullptr) {
        delete c;
        return nullptr;
    }
    wl_registry* registry = wl_display_get_registry(c->display);
    wl_registry_add_listener(registry, &kConnectionRegistry, c);
    if (wl_display_roundtrip(c->display) == -1 || c->wm_base == nullptr) {
        wl_display_disconnect(c->display);
        delete c;
        return nullptr;
    }
    xdg_wm_base_add_listener(c->wm_base, &kWmBase, nullptr);
    return c;
}

void drop_connection(Connection* c) {
    wl_display_disconnect(c->display); // its objects go with it, on both sides
    delete c;
}

void storm(Client* c) {
    std::signal(SIGUSR1, [](int) { stop_requested_storm = 1; });
    say("storming");
    long rounds = 0;
    const std::string wide(60, 'W');
    const char* socket_name = std::getenv("WAYLAND_DISPLAY");
    while (!stop_requested_storm) {
        // Windows with titles, until the VM's windows limit disconnects this connection.
        if (Connection* w = try_connection()) {
            for (int i = 0; i < 400; ++i) {
                wl_surface* surface = wl_compositor_create_surface(w->compositor);
                xdg_toplevel* t =
                    xdg_surface_get_toplevel(xdg_wm_base_get_xdg_surface(w->wm_base, surface));
                for (int k = 0; k < 8; ++k) {
                    xdg_toplevel_set_title(t, k % 2 == 0 ? wide.c_str() : "");
                }
                wl_surface_commit(surface);
                if (i % 20 == 19 && wl_display_roundtrip(w->display) == -1) {
                    break;
                }
            }
            drop_connection(w);
        }
        // Activation tokens, committed in batches.
        if (Connection* t = try_connection(); t != nullptr && t->activation != nullptr) {
            wl_surface* surface = wl_compositor_create_surface(t->compositor);
            for (int batch = 0; batch < 4; ++batch) {
                for (int i = 0; i < 500; ++i) {
                    xdg_activation_token_v1* token =
                        xdg_activation_v1_get_activation_token(t->activation);
                    xdg_activation_token_v1_set_surface(token, surface);
                    xdg_activation_token_v1_commit(token);
                    xdg_activation_token_v1_destroy(token);
                }
                if (wl_display_roundtrip(t->display) == -1) {
                    break;
                }
            }
            drop_connection(t);
        } else if (t != nullptr) {
            drop_connection(t);
        }
        // A data source with 2000 MIME types (prism disconnects it after 256).
        if (Connection* m = try_connection(); m != nullptr && m->data != nullptr) {
            wl_data_source* source = wl_data_device_manager_create_data_source(m->data);
            for (int i = 0; i < 2000; ++i) {
                std::string type = "text/x-storm-" + std::to_string(i) + "-";
                type.resize(100, 's');
                wl_data_source_offer(source, type.c_str());
                if (i % 200 == 0) {
                    wl_display_flush(m->display);
                }
            }
            wl_display_roundtrip(m->display);
            drop_connection(m);
        } else if (m != nullptr) {
            drop_connection(m);
        }
        // Raw connections, more than the VM may hold, then closed.
        std::vector<int> fds;
        for (int i = 0; i < 200 && socket_name != nullptr; ++i) {
            const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
            sockaddr_un addr{};
            addr.sun_family = AF_UNIX;
            std::strncpy(addr.sun_path, socket_name, sizeof(addr.sun_path) - 1);
            if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
                close(fd);
                continue;
            }
            fds.push_back(fd);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        for (int fd : fds) {
            close(fd);
        }
        ++rounds;
        // Its first window's connection answers too (prism still serves this VM).
        wl_display_roundtrip(c->display);
    }
    say("storm rounds %ld", rounds);
}

Connection* second_connection() {
    auto* c = new Connection;
    c->display = wl_display_connect(nullptr);
    if (c->display == nullptr) {
        say("second connection refused");
        std::exit(1);
    }
    wl_registry* registry = wl_display_get_registry(c->display);
    wl_registry_add_listener(registry, &kConnectionRegistry, c);
    wl_display_roundtrip(c->display);
    xdg_wm_base_add_listener(c->wm_base, &kWmBase, nullptr);
    return c;
}

// A toplevel (committed, never given a buffer) or a bare surface.
void make_one(wl_compositor* compositor, xdg_wm_base* wm_base, bool toplevel) {
    wl_surface* surface = wl_compositor_create_surface(compositor);
    if (toplevel) {
        xdg_toplevel* t = xdg_surface_get_toplevel(xdg_wm_base_get_xdg_surface(wm_base, surface));
        xdg_toplevel_set_title(t, "flood");
        wl_surface_commit(surface);
    }
}

// Prints why prism ended the connection, as libwayland reports it.
void say_protocol_error(wl_display* display) {
    const wl_interface* interface = nullptr;
    std::uint32_t id = 0;
    const std::uint32_t code = wl_display_get_protocol_error(display, &interface, &id);
    say("protocol error %u on %s@%u", code, interface != nullptr ? interface->name : "?", id);
}

void object_flood(Client* c, bool toplevels) {
    const long others = c->others < 0 ? 0 : c->others;
    Connection* other = second_connection();
    for (long i = 0; i < others; ++i) {
        make_one(other->compositor, other->wm_base, toplevels);
        if (i % 50 == 0 && wl_display_roundtrip(other->display) == -1) {
            say("second connection disconnected");
            std::exit(1);
        }
    }
    if (wl_display_roundtrip(other->display) == -1) {
        say("second connection disconnected");
        std::exit(1);
    }
    say("others %ld", others);
    const long total = c->count_given ? c->count : (toplevels ? 3000 : 20000);
    long made = 0;
    bool refused = false;
    for (; made < total; ++made) {
        make_one(c->compositor, c->wm_base, toplevels);
        if (wl_display_roundtrip(c->display) == -1) {
            refused = true;
            break;
        }
    }
    say("%s made %ld", toplevels ? "windows" : "surfaces", made);
    if (refused) {
        say_protocol_error(c->display);
        say("disconnected");
        if (wl_display_roundtrip(other->display) != -1) {
            say("second connection alive");
        }
    }
    // Stays (with the second connection) until killed.
    while (wl_display_dispatch(other->display) != -1) {
    }
    _exit(0);
}

// One more level: a surface with a 4x4 buffer, a subsurface of `parent`.
wl_surface* nest(Client* c, wl_surface* parent) {
    wl_surface* child = wl_compositor_create_surface(c->compositor);
    wl_subsurface* sub = wl_subcompositor_get_subsurface(c->subcompositor, child, parent);
    wl_subsurface_set_position(sub, 1, 1);
    wl_surface_attach(child, make_buffer(c->shm, 4, 4, kMagenta), 0, 0);
    wl_surface_commit(child);
    return child;
}

void nest_flood(Client* c) {
    const long total = c->count_given ? c->count : 20000;
    wl_surface* parent = c->surface;
    long depth = 0;
    for (; depth < total; ++depth) {
        parent = nest(c, parent);
        if (wl_display_roundtrip(c->display) == -1) {
            say("depth reached %ld", depth);
            say_protocol_error(c->display);
            say("disconnected");
            _exit(0);
        }
    }
    say("depth reached %ld", depth);
}

void nest_graft(Client* c) {
    const long chain = c->count_given ? c->count : 20;
    const long below = c->others < 0 ? 12 : c->others;
    wl_surface* deepest = c->surface;
    for (long i = 0; i < chain; ++i) {
        deepest = nest(c, deepest);
    }
    // A separate tree: `root` with `below` levels under it.
    wl_surface* root = wl_compositor_create_surface(c->compositor);
    wl_surface* parent = root;
    for (long i = 0; i < below; ++i) {
        parent = nest(c, parent);
    }
    if (wl_display_roundtrip(c->display) == -1) {
        say("disconnected before the graft");
        _exit(1);
    }
    say("trees made");
    wl_subcompositor_get_subsurface(c->subcompositor, root, deepest);
    wl_surface_attach(root, make_buffer(c->shm, 4, 4, kMagenta), 0, 0);
    wl_surface_commit(root);
    if (wl_display_roundtrip(c->display) == -1) {
        say("graft refused");
        say_protocol_error(c->display);
        say("disconnected");
        _exit(0);
    }
    say("grafted");
}

} // namespace

int main(int argc, char** argv) {
    Client c;
    for (int i = 1; i + 1 < argc; i += 2) {
        const std::string arg = argv[i];
        if (arg == "--mode") {
            c.mode = argv[i + 1];
        } else if (arg == "--count") {
            c.count = std::strtol(argv[i + 1], nullptr, 10);
            c.count_given = true;
        } else if (arg == "--others") {
            c.others = std::strtol(argv[i + 1], nullptr, 10);
        } else if (arg == "--colour") {
            c.colour =
                0xff000000u | static_cast<std::uint32_t>(std::strtoul(argv[i + 1], nullptr, 16));
        } else {
            std::fprintf(stderr, "attack-client: bad argument '%s'\n", arg.c_str());
            return 2;
        }
    }
    if (c.mode.rfind("popup-", 0) == 0) {
        c.wm_version = 3; // xdg_popup.reposition
    }
    c.display = wl_display_connect(nullptr);
    if (c.display == nullptr) {
        std::perror("attack-client: wl_display_connect");
        return 1;
    }
    wl_registry* registry = wl_display_get_registry(c.display);
    wl_registry_add_listener(registry, &kRegistry, &c);
    wl_display_roundtrip(c.display);
    if (!c.compositor || !c.shm || !c.wm_base || !c.subcompositor || !c.seat) {
        std::fprintf(stderr, "attack-client: missing globals\n");
        return 1;
    }
    xdg_wm_base_add_listener(c.wm_base, &kWmBase, &c);
    wl_seat_add_listener(c.seat, &kSeat, &c);
    wl_display_roundtrip(c.display); // the seat's capabilities: its keyboard and pointer

    c.surface = wl_compositor_create_surface(c.compositor);
    c.xdg = xdg_wm_base_get_xdg_surface(c.wm_base, c.surface);
    xdg_surface_add_listener(c.xdg, &kSurface, &c);
    new_toplevel(&c);
    if (c.mode == "configure-race") {
        // Before the initial commit.
        xdg_toplevel_set_maximized(c.toplevel);
        xdg_toplevel_set_fullscreen(c.toplevel, nullptr);
        xdg_toplevel_unset_fullscreen(c.toplevel);
    }
    map(&c);

    if (c.mode == "roleless-parent") {
        roleless_parent(&c);
    } else if (c.mode == "popup-chain") {
        popup_chain(&c);
    } else if (c.mode == "parent-gone") {
        parent_gone(&c);
    } else if (c.mode == "geometry") {
        geometry(&c);
    } else if (c.mode == "configure-race") {
        configure_race(&c);
    } else if (c.mode == "background-grab") {
        open_grab(&c);
    } else if (c.mode == "huge-extent") {
        huge_extent(&c);
    } else if (c.mode == "popup-extremes") {
        popup_extremes(&c);
    } else if (c.mode == "popup-deep") {
        popup_deep(&c, c.count);
    } else if (c.mode == "title-flood") {
        title_flood(&c);
    } else if (c.mode == "latency") {
        latency(&c);
        _exit(0);
    } else if (c.mode == "window-flood" || c.mode == "surface-flood") {
        object_flood(&c, c.mode == "window-flood");
    } else if (c.mode == "storm") {
        storm(&c);
    } else if (c.mode == "nest-flood") {
        nest_flood(&c);
    } else if (c.mode == "nest-graft") {
        nest_graft(&c);
    } else if (c.mode == "activate-flood" || c.mode == "activate-own" || c.mode == "token-flood") {
        if (c.activation == nullptr) {
            std::fprintf(stderr, "attack-client: no xdg_activation_v1\n");
            return 1;
        }
        if (c.mode == "activate-flood") {
            activate_flood(&c);
        } else if (c.mode == "activate-own") {
            activate_own(&c);
        } else {
            token_flood(&c, c.count);
        }
    } else if (c.mode != "plain" && c.mode != "grab" && c.mode != "grab-parent-gone" &&
               c.mode != "resize-unmap" && c.mode != "big-cursor" && c.mode != "fake-move" &&
               c.mode != "fake-resize" && c.mode != "fake-grab" && c.mode != "click-grab") {
        std::fprintf(stderr, "attack-client: unknown mode '%s'\n", c.mode.c_str());
        return 2;
    }
    wl_display_roundtrip(c.display);
    say("ready");
    bool once = false;
    do {
        if (c.mode == "resize-unmap" && c.focused && !once) {
            once = true;
            resize_then_unmap(&c);
        }
        if (c.mode == "grab-parent-gone" && grab_popup != nullptr && !once) {
            once = true;
            wl_display_roundtrip(c.display);
            xdg_toplevel_destroy(c.toplevel);
            c.toplevel = nullptr;
            say("toplevel destroyed");
        }
        if (c.mode == "click-grab" && !c.button_serials.empty() && grab_popup == nullptr) {
            c.focus_serial = c.button_serials.back();
            open_grab(&c);
        }
        if ((c.mode == "grab" || c.mode == "background-grab") && grab_popup != nullptr &&
            grab_popup->done && c.grabs < 50) {
            // Dismissed: grab again at once.
            open_grab(&c);
        }
    } while (wl_display_dispatch(c.display) != -1);
    say("disconnected");
    std::fflush(stdout);
    _exit(0); // no leak report for what a killed client never freed
}
