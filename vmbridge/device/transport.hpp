// What the virtio-wl device core needs from whatever carries its queues (a virtqueue pair
// behind vhost-user, or the test transport of docs/vmbridge.md). The core never sees
// descriptors, rings or sockets: it is handed one out-queue request at a time
// (Device::handle_request, which returns the response bytes) and gives the transport one
// in-queue message at a time through push_in().
//
// The shared-memory region (virtio shmid 0, docs/vmbridge.md §1.9) belongs to the
// transport: the core decides where in it each VFD's memory lies (ShmemRegion) and asks the
// transport to make the memory appear there (vhost-user: SHMEM_MAP / SHMEM_UNMAP).
#pragma once

#include <cstdint>
#include <span>

namespace prism::vmbridge::device {

class Transport {
public:
    virtual ~Transport() = default;

    // Whether push_in() would succeed now: the driver has posted an in-queue buffer that is
    // not used yet, and the transport can take the message.
    virtual bool in_queue_has_room() const = 0;
    // Puts one message (at most kInBufferSize bytes) into one in-queue buffer. Returns false,
    // taking nothing, when there is no room: the transport then calls Device::in_queue_ready()
    // once there is.
    virtual bool push_in(std::span<const std::uint8_t> message) = 0;

    // Makes `size` bytes of `fd` (from offset 0) appear at `offset` in the shared-memory
    // region, writable or read-only. `fd` is borrowed (the transport dups it if it keeps it).
    // False if the memory cannot be mapped.
    virtual bool map_shmem(std::uint64_t offset, int fd, std::uint64_t size, bool writable) = 0;
    // Removes what map_shmem() put at `offset`.
    virtual void unmap_shmem(std::uint64_t offset, std::uint64_t size) = 0;
};

} // namespace prism::vmbridge::device
