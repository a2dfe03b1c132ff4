#include "vmbridge/device/shmem_region.hpp"

#include "vmbridge/virtio_wl/constants.hpp"

namespace prism::vmbridge::device {

ShmemRegion::ShmemRegion(std::uint64_t size)
    : size_(size) {
}

std::uint64_t ShmemRegion::page_round(std::uint64_t size) {
    const std::uint64_t page = virtio_wl::kPageSize;
    if (size > UINT64_MAX - (page - 1)) {
        return 0;
    }
    return (size + page - 1) & ~(page - 1);
}

std::optional<std::uint64_t> ShmemRegion::allocate(std::uint64_t size) {
    const std::uint64_t length = page_round(size);
    if (length == 0 || length > size_ - virtio_wl::kShmemFirstOffset) {
        return std::nullopt;
    }
    std::uint64_t candidate = virtio_wl::kShmemFirstOffset;
    for (const auto& [offset, used] : ranges_) {
        if (offset >= candidate && offset - candidate >= length) {
            break;
        }
        candidate = offset + used;
    }
    if (candidate > size_ - length) {
        return std::nullopt;
    }
    ranges_.emplace(candidate, length);
    used_ += length;
    return candidate;
}

bool ShmemRegion::free(std::uint64_t offset) {
    auto it = ranges_.find(offset);
    if (it == ranges_.end()) {
        return false;
    }
    used_ -= it->second;
    ranges_.erase(it);
    return true;
}

} // namespace prism::vmbridge::device
