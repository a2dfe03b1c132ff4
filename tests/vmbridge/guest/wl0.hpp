// A double of the guest kernel driver behind /dev/wl0 (docs/vmbridge.md §3): what
// sommelier or wayland-proxy-virtwl would see, driving a device through a GuestLink.
//
// NEW (CTX, CTX_NAMED, ALLOC, PIPE_READ, PIPE_WRITE, DMABUF) sends the request and keeps what
// the response says; SEND and CLOSE wait for the response; RECV returns what in-queue
// VFD_RECV messages delivered for a VFD, and EOF after VFD_HUP once drained; mmap maps an
// ALLOC'd (or host) VFD through the shared-memory region, checking pfn and size as the driver
// does. Every call returns 0 or the driver's negative errno (§1.3).
//
// In-queue buffers (§1.1): `in_buffers` are posted at start. A buffer holding VFD_NEW or
// VFD_HUP is re-posted as soon as it is parsed; one holding a VFD_RECV is held until RECV has
// returned its data and ids (or the VFD is closed), as the driver does. With `repost` false
// nothing is given back: a guest that never reads its in queue.
#pragma once

#include "link.hpp"
#include "vmbridge/virtio_wl/codec.hpp"

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace prism::vmbridge::guest {

class GuestDriver {
public:
    struct Options {
        virtio_wl::Features features = virtio_wl::Features::all_wl();
        std::uint32_t in_buffers = 64;
        bool repost = true;
    };
    explicit GuestDriver(GuestLink& link);
    GuestDriver(GuestLink& link, Options options);
    ~GuestDriver();
    GuestDriver(const GuestDriver&) = delete;
    GuestDriver& operator=(const GuestDriver&) = delete;

    struct Vfd {
        std::uint32_t id = 0;
        std::uint32_t flags = 0;
        std::uint64_t pfn = 0;
        std::uint32_t size = 0;
        bool host = false; // created by the device (VFD_NEW on the in queue)
        bool hup = false;
        struct Chunk {
            std::vector<std::uint8_t> data;
            std::vector<std::uint32_t> ids;
        };
        std::deque<Chunk> received;
    };

    // VIRTWL_IOCTL_NEW: the new VFD's id in `*id`.
    int new_ctx(std::uint32_t* id);
    int new_ctx_named(const std::string& name, std::uint32_t* id);
    int new_alloc(std::uint32_t size, std::uint32_t* id);
    int new_pipe_read(std::uint32_t* id);
    int new_pipe_write(std::uint32_t* id);
    int new_dmabuf(std::uint32_t width, std::uint32_t height, std::uint32_t format,
                   std::uint32_t* id);
    // VIRTWL_IOCTL_SEND on VFD `id`, with VFDs `ids` (at most 28 unless testing the device).
    int send(std::uint32_t id, std::span<const std::uint8_t> data,
             const std::vector<std::uint32_t>& ids = {});
    // close(): VFD_CLOSE (the response is returned, not ignored, so tests can check it).
    int close(std::uint32_t id);

    // VIRTWL_IOCTL_RECV: waits up to `timeout` for data or ids on `id`; returns 0 with what
    // one VFD_RECV delivered, 0 with `eof` after a hang-up once drained, -EAGAIN on timeout,
    // -EBADF for an unknown VFD.
    struct Received {
        std::vector<std::uint8_t> data;
        std::vector<std::uint32_t> ids;
        bool eof = false;
    };
    int recv(std::uint32_t id, Received* out,
             std::chrono::milliseconds timeout = std::chrono::seconds(10));

    // mmap(): the VFD's memory through the region. nullopt (with `*err`) like the driver:
    // EACCES when it has no memory, EINVAL when `length` exceeds it.
    struct Mapping {
        void* address = nullptr;
        std::size_t length = 0;
        Mapping() = default;
        Mapping(Mapping&& other) noexcept;
        Mapping& operator=(Mapping&& other) noexcept;
        ~Mapping();
        std::uint8_t* bytes() const { return static_cast<std::uint8_t*>(address); }
    };
    std::optional<Mapping> mmap(std::uint32_t id, bool writable, int* err = nullptr,
                                std::size_t length = 0);

    // A raw request; returns the raw response (for error tests).
    std::vector<std::uint8_t> raw_request(std::span<const std::uint8_t> bytes);
    // Lets the device run; true if anything arrived.
    bool pump(std::chrono::milliseconds timeout = std::chrono::milliseconds(50));
    // Gives back `count` in-queue buffers (for a guest created with repost = false).
    void post_in_buffers(std::uint32_t count) { link_.post_in_buffers(count); }

    const Vfd* vfd(std::uint32_t id) const;
    const virtio_wl::Features& features() const { return options_.features; }
    std::size_t in_messages() const { return in_messages_; }
    std::size_t region_mappings() const { return region_.size(); }

private:
    int create(const virtio_wl::Command& command, std::uint32_t id);
    std::uint32_t allocate_id();
    void repost(std::size_t buffers);
    void on_in(std::vector<std::uint8_t> message);

    struct RegionEntry {
        std::uint64_t size = 0;
        sys::UniqueFd fd;
        bool writable = false;
    };

    GuestLink& link_;
    Options options_;
    std::map<std::uint32_t, Vfd> vfds_;
    std::map<std::uint64_t, RegionEntry> region_; // offset -> memory
    std::size_t in_messages_ = 0;
};

} // namespace prism::vmbridge::guest
