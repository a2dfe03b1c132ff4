// redraw-client: one xdg toplevel of WxH, opaque (XRGB8888), for the stacked-windows benchmark.
//
//   redraw-client WIDTH HEIGHT redraw   redraws the whole window on every frame callback (a video
//                                       or a game), with full damage; SIGUSR1 prints
//                                       "frames N" (frame callbacks so far), SIGTERM prints it
//                                       and exits
//   redraw-client WIDTH HEIGHT idle     draws once and then only answers configures
// Prints "mapped" once its first buffer is committed.
#include "tests/clients/client_base.hpp"
#include "xdg-shell-client-protocol.h"

#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include <sys/mman.h>
#include <unistd.h>
#include <wayland-client.h>

namespace {

volatile std::sig_atomic_t g_stop = 0;
volatile std::sig_atomic_t g_report = 0;

void handle_term(int) {
    g_stop = 1;
}
void handle_usr1(int) {
    g_report = 1;
}

struct Buffer {
    wl_buffer* buffer = nullptr;
    std::uint32_t* pixels = nullptr;
    bool busy = false;
};

struct Client {
    wl_compositor* compositor = nullptr;
    wl_shm* shm = nullptr;
    xdg_wm_base* wm_base = nullptr;
    wl_surface* surface = nullptr;
    xdg_surface* xdg = nullptr;
    xdg_toplevel* toplevel = nullptr;
    int width = 0, height = 0;
    bool redraw = false;
    bool configured = false;
    bool mapped = false;
    // Some compositors keep a buffer until the one after next is shown: three, like
    // double buffering plus one the compositor still reads.
    static constexpr int kBuffers = 3;
    Buffer buffers[kBuffers];
    std::uint64_t frames = 0;
};

void buffer_release(void* data, wl_buffer*) {
    static_cast<Buffer*>(data)->busy = false;
}
const wl_buffer_listener kBuffer = {buffer_release};

void make_buffers(Client& c) {
    const int stride = c.width * 4;
    const std::size_t size = static_cast<std::size_t>(stride) * static_cast<std::size_t>(c.height);
    const int fd = memfd_create("redraw-client", MFD_CLOEXEC);
    if (fd < 0 || ftruncate(fd, static_cast<off_t>(Client::kBuffers * size)) < 0) {
        std::perror("memfd");
        std::exit(1);
    }
    auto* memory = static_cast<std::uint8_t*>(
        mmap(nullptr, Client::kBuffers * size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0));
    if (memory == MAP_FAILED) {
        std::perror("mmap");
        std::exit(1);
    }
    wl_shm_pool* pool =
        wl_shm_create_pool(c.shm, fd, static_cast<std::int32_t>(Client::kBuffers * size));
    for (int i = 0; i < Client::kBuffers; ++i) {
        Buffer& b = c.buffers[i];
        b.pixels = reinterpret_cast<std::uint32_t*>(memory + static_cast<std::size_t>(i) * size);
        b.buffer = wl_shm_pool_create_buffer(pool, static_cast<std::int32_t>(i * size), c.width,
                                             c.height, stride, WL_SHM_FORMAT_XRGB8888);
        wl_buffer_add_listener(b.buffer, &kBuffer, &b);
    }
    wl_shm_pool_destroy(pool);
    close(fd);
}

void draw(Client& c);

void frame_done(void* data, wl_callback* callback, std::uint32_t) {
    wl_callback_destroy(callback);
    auto* c = static_cast<Client*>(data);
    ++c->frames;
    draw(*c);
}
const wl_callback_listener kFrame = {frame_done};

void draw(Client& c) {
    Buffer* b = nullptr;
    for (Buffer& candidate : c.buffers) {
        if (!candidate.busy) {
            b = &candidate;
            break;
        }
    }
    if (b == nullptr) {
        std::fprintf(stderr, "redraw-client: every buffer busy\n");
        std::exit(1);
    }
    // A different colour every frame: every pixel changes.
    const std::uint32_t colour = 0xff000000u | static_cast<std::uint32_t>(c.frames * 0x030507u);
    const std::size_t count =
        static_cast<std::size_t>(c.width) * static_cast<std::size_t>(c.height);
    for (std::size_t i = 0; i < count; ++i) {
        b->pixels[i] = colour;
    }
    if (c.redraw) {
        wl_callback_add_listener(wl_surface_frame(c.surface), &kFrame, &c);
    }
    wl_surface_attach(c.surface, b->buffer, 0, 0);
    wl_surface_damage_buffer(c.surface, 0, 0, c.width, c.height);
    wl_surface_commit(c.surface);
    b->busy = true;
    if (!c.mapped) {
        c.mapped = true;
        say("mapped");
    }
}

void xdg_configure(void* data, xdg_surface* xdg, std::uint32_t serial) {
    auto* c = static_cast<Client*>(data);
    xdg_surface_ack_configure(xdg, serial);
    if (!c->configured) {
        c->configured = true;
        draw(*c);
    } else if (!c->redraw) {
        wl_surface_commit(c->surface);
    }
}
const xdg_surface_listener kXdgSurface = {xdg_configure};

void toplevel_configure(void*, xdg_toplevel*, std::int32_t, std::int32_t, wl_array*) {
}
void toplevel_close(void*, xdg_toplevel*) {
    g_stop = 1;
}
void toplevel_bounds(void*, xdg_toplevel*, std::int32_t, std::int32_t) {
}
void toplevel_capabilities(void*, xdg_toplevel*, wl_array*) {
}
const xdg_toplevel_listener kToplevel = {toplevel_configure, toplevel_close, toplevel_bounds,
                                         toplevel_capabilities};

void ping(void*, xdg_wm_base* wm_base, std::uint32_t serial) {
    xdg_wm_base_pong(wm_base, serial);
}
const xdg_wm_base_listener kWmBase = {ping};

void global(void* data, wl_registry* registry, std::uint32_t name, const char* iface,
            std::uint32_t) {
    auto* c = static_cast<Client*>(data);
    if (std::strcmp(iface, "wl_compositor") == 0) {
        c->compositor = static_cast<wl_compositor*>(
            wl_registry_bind(registry, name, &wl_compositor_interface, 4));
    } else if (std::strcmp(iface, "wl_shm") == 0) {
        c->shm = static_cast<wl_shm*>(wl_registry_bind(registry, name, &wl_shm_interface, 1));
    } else if (std::strcmp(iface, "xdg_wm_base") == 0) {
        c->wm_base =
            static_cast<xdg_wm_base*>(wl_registry_bind(registry, name, &xdg_wm_base_interface, 4));
    }
}
void global_remove(void*, wl_registry*, std::uint32_t) {
}
const wl_registry_listener kRegistry = {global, global_remove};

} // namespace

int main(int argc, char** argv) {
    if (argc != 4 || (std::strcmp(argv[3], "redraw") != 0 && std::strcmp(argv[3], "idle") != 0)) {
        std::fprintf(stderr, "usage: redraw-client WIDTH HEIGHT redraw|idle\n");
        return 2;
    }
    Client c;
    c.width = std::atoi(argv[1]);
    c.height = std::atoi(argv[2]);
    c.redraw = std::strcmp(argv[3], "redraw") == 0;
    if (c.width <= 0 || c.height <= 0) {
        std::fprintf(stderr, "redraw-client: bad size\n");
        return 2;
    }
    std::signal(SIGTERM, handle_term);
    std::signal(SIGINT, handle_term);
    std::signal(SIGUSR1, handle_usr1);
    wl_display* display = wl_display_connect(nullptr);
    if (display == nullptr) {
        std::fprintf(stderr, "redraw-client: cannot connect\n");
        return 1;
    }
    wl_registry* registry = wl_display_get_registry(display);
    wl_registry_add_listener(registry, &kRegistry, &c);
    wl_display_roundtrip(display);
    if (c.compositor == nullptr || c.shm == nullptr || c.wm_base == nullptr) {
        std::fprintf(stderr, "redraw-client: missing globals\n");
        return 1;
    }
    xdg_wm_base_add_listener(c.wm_base, &kWmBase, &c);
    make_buffers(c);
    c.surface = wl_compositor_create_surface(c.compositor);
    c.xdg = xdg_wm_base_get_xdg_surface(c.wm_base, c.surface);
    xdg_surface_add_listener(c.xdg, &kXdgSurface, &c);
    c.toplevel = xdg_surface_get_toplevel(c.xdg);
    xdg_toplevel_add_listener(c.toplevel, &kToplevel, &c);
    xdg_toplevel_set_title(c.toplevel, c.redraw ? "bench-redraw" : "bench-idle");
    xdg_toplevel_set_app_id(c.toplevel, "bench");
    wl_surface_commit(c.surface);

    bool connected = true;
    while (!g_stop && connected) {
        connected = dispatch_once(display, 100);
        if (g_report) {
            g_report = 0;
            say("frames %llu", static_cast<unsigned long long>(c.frames));
        }
    }
    say("frames %llu", static_cast<unsigned long long>(c.frames));
    quit(connected ? 0 : 1);
}
