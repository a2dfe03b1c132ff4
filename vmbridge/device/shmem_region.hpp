// Page-aligned placement of VFD memory in the device's shared-memory region (virtio shmid 0,
// kShmemRegionSize bytes). With USE_SHMEM a VFD's pfn is its offset here >> kPfnShift
// (docs/vmbridge.md §1.9); nothing is placed below kShmemFirstOffset. First fit; the
// number of allocations is bounded by the device's max_vfds, so linear scans are fine.
#pragma once

#include <cstdint>
#include <map>
#include <optional>

namespace prism::vmbridge::device {

class ShmemRegion {
public:
    explicit ShmemRegion(std::uint64_t size);

    // The offset of a new range of `size` bytes (rounded up to whole pages), or nullopt when
    // the size is 0 or no gap is large enough.
    std::optional<std::uint64_t> allocate(std::uint64_t size);
    // Frees the range that starts at `offset`; false if none does.
    bool free(std::uint64_t offset);

    std::uint64_t size() const { return size_; }
    std::uint64_t used_bytes() const { return used_; }
    std::size_t allocations() const { return ranges_.size(); }

    static std::uint64_t page_round(std::uint64_t size);

private:
    std::uint64_t size_;
    std::uint64_t used_ = 0;
    std::map<std::uint64_t, std::uint64_t> ranges_; // offset -> page-rounded length
};

} // namespace prism::vmbridge::device
