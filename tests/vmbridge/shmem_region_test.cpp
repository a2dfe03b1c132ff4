// Placement of VFD memory in the shared-memory region.
#include "vmbridge/device/shmem_region.hpp"
#include "vmbridge/virtio_wl/constants.hpp"

#include <gtest/gtest.h>

namespace prism::vmbridge::device {
namespace {

using virtio_wl::kPageSize;
using virtio_wl::kShmemFirstOffset;

TEST(ShmemRegion, PageRoundsAndNeverUsesOffsetZero) {
    ShmemRegion region(16 * kPageSize);
    EXPECT_EQ(region.allocate(0), std::nullopt);
    EXPECT_EQ(region.allocate(1), kShmemFirstOffset);
    EXPECT_EQ(region.allocate(kPageSize + 1), kShmemFirstOffset + kPageSize);
    EXPECT_EQ(region.used_bytes(), 3 * kPageSize);
}

TEST(ShmemRegion, FirstFitReusesFreedGapsAndRefusesWhenFull) {
    ShmemRegion region(8 * kPageSize); // 7 usable pages
    const auto a = region.allocate(2 * kPageSize);
    const auto b = region.allocate(2 * kPageSize);
    const auto c = region.allocate(3 * kPageSize);
    ASSERT_TRUE(a && b && c);
    EXPECT_EQ(region.allocate(1), std::nullopt);
    EXPECT_TRUE(region.free(*b));
    EXPECT_FALSE(region.free(*b));
    EXPECT_EQ(region.allocate(3 * kPageSize), std::nullopt);
    EXPECT_EQ(region.allocate(2 * kPageSize), b);
    EXPECT_EQ(region.allocate(UINT64_MAX), std::nullopt);
    EXPECT_EQ(region.allocations(), 3u);
}

} // namespace
} // namespace prism::vmbridge::device
