// One split virtqueue in guest memory, walked from the device side (virtio 1.x, 2.7). The
// guest writes the descriptor table and the available ring, the device the used ring. Nothing
// read from guest memory is trusted: descriptors are copied out one at a time, a chain may be
// at most `size` descriptors long (so a loop ends), every buffer must lie inside one memory
// region, readable descriptors must come before writable ones, and indirect descriptors (not
// offered) are refused. A bad queue is reported, never followed.
#pragma once

#include "vmbridge/vhost_user/guest_memory.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace prism::vmbridge::vhost_user {

// Where a queue lies, in guest-physical addresses.
struct VringLayout {
    std::uint32_t size = 0; // entries, a power of two, 1 .. 32768
    std::uint64_t desc = 0;
    std::uint64_t avail = 0;
    std::uint64_t used = 0;
};

// One buffer chain popped from the available ring.
struct Chain {
    std::uint16_t head = 0;
    std::vector<std::uint8_t> readable; // the device-readable bytes, copied out
    struct Segment {
        std::uint64_t addr = 0;
        std::uint32_t size = 0;
    };
    std::vector<Segment> writable;
    std::uint64_t writable_size = 0;
};

class SplitQueue {
public:
    enum class Pop { Chain, Empty, Broken };

    // `memory` must outlive the queue. `next_avail` is SET_VRING_BASE's value.
    SplitQueue(const GuestMemory& memory, VringLayout layout, std::uint16_t next_avail);

    // Whether the layout fits in guest memory (size a power of two, rings inside regions).
    static bool valid(const GuestMemory& memory, const VringLayout& layout, std::string* why);

    // How many chains the guest has made available and we have not popped; Broken (with
    // `*why`) if the ring cannot be read or claims more than `size` new entries.
    Pop available(std::uint32_t* count, std::string* why);
    // Pops the next chain, copying at most `max_readable` readable bytes (more: Broken).
    Pop pop(Chain* chain, std::size_t max_readable, std::string* why);
    // Writes `bytes` into the chain's writable buffers (as much as fits) and the used-ring
    // entry for it with the number of bytes written; the guest sees it (and every entry
    // completed before it) once publish_used() has run. False if guest memory failed.
    bool complete(const Chain& chain, std::span<const std::uint8_t> bytes);
    // Publishes the used entries completed so far: one store of the used index.
    bool publish_used();

    // Whether the guest should kick this queue (virtio 1.x 2.7.10): false sets
    // VIRTQ_USED_F_NO_NOTIFY in the used ring's flags, a hint the driver may ignore. After
    // turning kicks back on, look at the available ring again: the guest may have added a chain
    // while they were off. False if guest memory failed.
    bool set_kicks(bool wanted);
    bool kicks_wanted() const { return kicks_; }

    std::uint16_t next_avail() const { return next_avail_; }

private:
    const GuestMemory& memory_;
    VringLayout layout_;
    std::uint16_t next_avail_;
    std::uint16_t next_used_ = 0;
    bool kicks_ = true;
};

} // namespace prism::vmbridge::vhost_user
