// libFuzzer target for prism-vhost-wl's parsers of untrusted input (docs/vmbridge.md,
// "vhost-user"): the vhost-user message header and memory table (from the VMM), and the split
// virtqueue walker over guest memory (from the guest).
//
// The input is used three ways: as a message header, as a SET_MEM_TABLE payload, and as 64 KiB
// of guest memory holding one queue whose size and starting index come from its first bytes.
// The walker pops chains until the queue is empty or broken, answering each.
//
// Invariants checked (a violation traps): a parsed header's payload is at most kMaxPayload; a
// parsed memory table has one region per fd, none empty or wrapping; the walker returns heads
// inside the queue, never more readable bytes than asked, only writable buffers inside guest
// memory, and moves the used index by one per answered chain; and it always ends.
#include "vmbridge/vhost_user/protocol.hpp"
#include "vmbridge/vhost_user/virtqueue.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

namespace {

using namespace prism::vmbridge::vhost_user;

void check(bool condition) {
    if (!condition) {
        __builtin_trap();
    }
}

constexpr std::uint64_t kMemory = 64 * 1024;
constexpr std::uint64_t kBase = 0x100000; // guest-physical address of the memory
constexpr std::uint64_t kAvail = 0x4000;
constexpr std::uint64_t kUsed = 0x6000;
constexpr std::size_t kMaxReadable = 4096;

void fuzz_messages(std::span<const std::uint8_t> input) {
    std::string why;
    if (const auto header = parse_header(input, &why)) {
        check(header->size <= kMaxPayload);
    }
    if (input.empty()) {
        return;
    }
    const std::size_t fds = input[0] % (kMaxMemRegions + 2);
    if (const auto regions = parse_mem_table(input.subspan(1), fds, &why)) {
        check(regions->size() == fds);
        for (const MemRegion& region : *regions) {
            check(region.size > 0);
            check(region.guest_phys_addr + region.size > region.guest_phys_addr);
        }
    }
}

void fuzz_ring(std::span<const std::uint8_t> input) {
    if (input.size() < 5) {
        return;
    }
    // Guest memory: the rest of the input, repeated.
    std::vector<std::uint8_t> bytes(kMemory);
    const std::span<const std::uint8_t> pattern = input.subspan(4);
    for (std::size_t at = 0; at < bytes.size(); at += pattern.size()) {
        std::memcpy(bytes.data() + at, pattern.data(),
                    std::min<std::size_t>(pattern.size(), bytes.size() - at));
    }
    const std::uint32_t size = 1u << (input[0] % 9); // 1 .. 256
    std::uint16_t next_avail = 0;
    std::memcpy(&next_avail, input.data() + 1, 2);
    const auto memory = GuestMemory::wrap(bytes.data(), kMemory, kBase, 0x7f0000000000);
    const VringLayout layout{size, kBase, kBase + kAvail, kBase + kUsed};
    std::string why;
    check(SplitQueue::valid(*memory, layout, &why));
    SplitQueue queue(*memory, layout, next_avail);
    const std::uint8_t answer[64] = {1, 2, 3};
    // Answers may land on the rings themselves (the guest chose the buffers), so the
    // available index can move while we walk: bound the walk instead.
    bool disturbed = false; // an answer overwrote the used index
    for (int turn = 0; turn < 1024; ++turn) {
        Chain chain;
        const SplitQueue::Pop result = queue.pop(&chain, kMaxReadable, &why);
        if (result != SplitQueue::Pop::Chain) {
            break;
        }
        check(chain.readable.size() <= kMaxReadable);
        check(chain.head < size);
        bool over_used_ring = false;
        for (const Chain::Segment& segment : chain.writable) {
            check(segment.size == 0 ||
                  (segment.addr >= kBase && segment.addr - kBase + segment.size <= kMemory));
            over_used_ring = over_used_ring || (segment.addr < kBase + kUsed + 4 &&
                                                kBase + kUsed < segment.addr + segment.size);
        }
        std::uint16_t used_before = 0;
        std::memcpy(&used_before, bytes.data() + kUsed + 2, 2);
        check(queue.complete(chain, std::span<const std::uint8_t>(answer, input[3] % 65)));
        check(queue.publish_used());
        std::uint16_t used_after = 0;
        std::memcpy(&used_after, bytes.data() + kUsed + 2, 2);
        disturbed = disturbed || over_used_ring;
        check(disturbed || static_cast<std::uint16_t>(used_before + 1) == used_after);
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::span<const std::uint8_t> input(data, size);
    fuzz_messages(input);
    fuzz_ring(input);
    return 0;
}
