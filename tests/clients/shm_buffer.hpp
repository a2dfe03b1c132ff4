// ARGB8888 wl_buffers in shared memory for the test clients.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include <sys/mman.h>
#include <unistd.h>
#include <wayland-client.h>

// `inner` inside a margin of `inner_margin` pixels, `fill` in the margin (with no margin, all of
// it is `inner`).
inline wl_buffer* make_buffer(wl_shm* shm, int width, int height, std::uint32_t fill,
                              int inner_margin, std::uint32_t inner) {
    const int stride = width * 4;
    const auto size = static_cast<size_t>(stride) * static_cast<size_t>(height);
    int fd = memfd_create("test-client-buffer", MFD_CLOEXEC);
    if (fd < 0 || ftruncate(fd, static_cast<off_t>(size)) < 0) {
        std::perror("memfd");
        std::exit(1);
    }
    auto* pixels =
        static_cast<std::uint32_t*>(mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0));
    for (int y = 0; y < height; ++y) {
        for (int x = 0; x < width; ++x) {
            const bool in = x >= inner_margin && y >= inner_margin && x < width - inner_margin &&
                            y < height - inner_margin;
            pixels[y * width + x] = in ? inner : fill;
        }
    }
    munmap(pixels, size);
    wl_shm_pool* pool = wl_shm_create_pool(shm, fd, static_cast<int32_t>(size));
    wl_buffer* buffer =
        wl_shm_pool_create_buffer(pool, 0, width, height, stride, WL_SHM_FORMAT_ARGB8888);
    wl_shm_pool_destroy(pool);
    close(fd);
    return buffer;
}

// All of it `colour`.
inline wl_buffer* make_buffer(wl_shm* shm, int width, int height, std::uint32_t colour) {
    return make_buffer(shm, width, height, colour, 0, colour);
}
