#include "vmbridge/vhost_user/virtqueue.hpp"

#include <algorithm>
#include <atomic>

namespace prism::vmbridge::vhost_user {

namespace {

// virtq_desc: u64 addr, u32 len, u16 flags, u16 next (little-endian on every host we run on:
// VERSION_1 rings are little-endian, and vhost-user is only spoken between same-host peers).
constexpr std::uint64_t kDescSize = 16;
constexpr std::uint16_t kDescNext = 0x1;
constexpr std::uint16_t kDescWrite = 0x2;
constexpr std::uint16_t kDescIndirect = 0x4;
// virtq_avail: u16 flags, u16 idx, u16 ring[size], u16 used_event.
constexpr std::uint64_t kAvailIdx = 2;
constexpr std::uint64_t kAvailRing = 4;
// virtq_used: u16 flags, u16 idx, {u32 id, u32 len} ring[size], u16 avail_event.
constexpr std::uint64_t kUsedFlags = 0;
constexpr std::uint16_t kUsedNoNotify = 0x1;
constexpr std::uint64_t kUsedIdx = 2;
constexpr std::uint64_t kUsedRing = 4;
constexpr std::uint64_t kUsedElemSize = 8;

std::uint64_t avail_bytes(std::uint32_t size) {
    return kAvailRing + 2ull * size + 2;
}
std::uint64_t used_bytes(std::uint32_t size) {
    return kUsedRing + kUsedElemSize * size + 2;
}

} // namespace

SplitQueue::SplitQueue(const GuestMemory& memory, VringLayout layout, std::uint16_t next_avail)
    : memory_(memory)
    , layout_(layout)
    , next_avail_(next_avail) {
    // The used index continues where the guest saw it (0 on a fresh queue).
    std::uint16_t used_idx = 0;
    if (memory_.read_u16(layout_.used + kUsedIdx, &used_idx)) {
        next_used_ = used_idx;
    }
    set_kicks(true); // a queue starts wanting kicks, whatever an earlier device left there
}

bool SplitQueue::set_kicks(bool wanted) {
    kicks_ = wanted;
    const std::uint16_t flags = wanted ? 0 : kUsedNoNotify;
    const bool ok = memory_.write_u16(layout_.used + kUsedFlags, flags);
    // The flag is visible before the available index is read again (the driver orders its
    // index update before reading the flag the same way).
    std::atomic_thread_fence(std::memory_order_seq_cst);
    return ok;
}

bool SplitQueue::valid(const GuestMemory& memory, const VringLayout& layout, std::string* why) {
    if (layout.size == 0 || layout.size > kMaxQueueSize || (layout.size & (layout.size - 1)) != 0) {
        *why = "queue size " + std::to_string(layout.size);
        return false;
    }
    // The indexes and flags are read and written as aligned 16-bit accesses (virtio 1.x 2.7:
    // the available ring is 2-byte aligned, the used ring 4-byte).
    if (layout.avail % 2 != 0 || layout.used % 4 != 0) {
        *why = "queue rings misaligned";
        return false;
    }
    // Each ring lies inside guest memory (every later access is checked again).
    const auto inside = [&](std::uint64_t addr, std::uint64_t bytes) {
        return memory.contains(addr, bytes);
    };
    if (!inside(layout.desc, kDescSize * layout.size) ||
        !inside(layout.avail, avail_bytes(layout.size)) ||
        !inside(layout.used, used_bytes(layout.size))) {
        *why = "queue rings outside guest memory";
        return false;
    }
    return true;
}

SplitQueue::Pop SplitQueue::available(std::uint32_t* count, std::string* why) {
    std::uint16_t idx = 0;
    if (!memory_.read_u16(layout_.avail + kAvailIdx, &idx)) {
        *why = "available ring unreadable";
        return Pop::Broken;
    }
    std::atomic_thread_fence(std::memory_order_acquire); // ring entries after the index
    const std::uint16_t pending = static_cast<std::uint16_t>(idx - next_avail_);
    if (pending > layout_.size) {
        *why = "available index ran " + std::to_string(pending) + " entries ahead of a queue of " +
               std::to_string(layout_.size);
        return Pop::Broken;
    }
    *count = pending;
    return pending == 0 ? Pop::Empty : Pop::Chain;
}

SplitQueue::Pop SplitQueue::pop(Chain* chain, std::size_t max_readable, std::string* why) {
    std::uint32_t count = 0;
    const Pop state = available(&count, why);
    if (state != Pop::Chain) {
        return state;
    }
    std::uint16_t head = 0;
    const std::uint64_t slot = layout_.avail + kAvailRing + 2ull * (next_avail_ % layout_.size);
    if (!memory_.read(slot, &head, sizeof(head))) {
        *why = "available ring unreadable";
        return Pop::Broken;
    }
    if (head >= layout_.size) {
        *why = "chain head " + std::to_string(head) + " outside a queue of " +
               std::to_string(layout_.size);
        return Pop::Broken;
    }
    chain->head = head;
    chain->readable.clear();
    chain->writable.clear();
    chain->writable_size = 0;
    std::uint16_t index = head;
    for (std::uint32_t walked = 0;; ++walked) {
        if (walked == layout_.size) {
            *why = "descriptor chain longer than the queue (a loop)";
            return Pop::Broken;
        }
        std::uint8_t raw[kDescSize];
        if (!memory_.read(layout_.desc + kDescSize * index, raw, sizeof(raw))) {
            *why = "descriptor table unreadable";
            return Pop::Broken;
        }
        const std::span<const std::uint8_t> desc(raw);
        const auto addr = load<std::uint64_t>(desc, 0);
        const auto len = load<std::uint32_t>(desc, 8);
        const auto flags = load<std::uint16_t>(desc, 12);
        const auto next = load<std::uint16_t>(desc, 14);
        if ((flags & kDescIndirect) != 0) {
            *why = "indirect descriptor (not offered)";
            return Pop::Broken;
        }
        if ((flags & kDescWrite) != 0) {
            // Writable: checked now, written when the response is ready.
            if (len != 0 && !memory_.contains(addr, len)) {
                *why = "writable buffer outside guest memory";
                return Pop::Broken;
            }
            chain->writable.push_back({addr, len});
            chain->writable_size += len;
        } else {
            if (!chain->writable.empty()) {
                *why = "readable descriptor after a writable one";
                return Pop::Broken;
            }
            if (len > max_readable - chain->readable.size()) {
                *why = "request of more than " + std::to_string(max_readable) + " bytes";
                return Pop::Broken;
            }
            const std::size_t at = chain->readable.size();
            chain->readable.resize(at + len);
            if (!memory_.read(addr, chain->readable.data() + at, len)) {
                *why = "readable buffer outside guest memory";
                return Pop::Broken;
            }
        }
        if ((flags & kDescNext) == 0) {
            break;
        }
        if (next >= layout_.size) {
            *why = "descriptor " + std::to_string(next) + " outside the queue";
            return Pop::Broken;
        }
        index = next;
    }
    ++next_avail_;
    return Pop::Chain;
}

bool SplitQueue::complete(const Chain& chain, std::span<const std::uint8_t> bytes) {
    std::size_t written = 0;
    for (const Chain::Segment& segment : chain.writable) {
        if (written == bytes.size()) {
            break;
        }
        const std::size_t n = std::min<std::size_t>(segment.size, bytes.size() - written);
        if (!memory_.write(segment.addr, bytes.data() + written, n)) {
            return false;
        }
        written += n;
    }
    std::uint8_t elem[kUsedElemSize];
    store<std::uint32_t>(elem, 0, chain.head);
    store<std::uint32_t>(elem, 4, static_cast<std::uint32_t>(written));
    const std::uint64_t slot =
        layout_.used + kUsedRing + kUsedElemSize * (next_used_ % layout_.size);
    if (!memory_.write(slot, elem, sizeof(elem))) {
        return false;
    }
    ++next_used_;
    return true;
}

bool SplitQueue::publish_used() {
    std::atomic_thread_fence(std::memory_order_release); // the entries before the index
    return memory_.write_u16(layout_.used + kUsedIdx, next_used_);
}

} // namespace prism::vmbridge::vhost_user
