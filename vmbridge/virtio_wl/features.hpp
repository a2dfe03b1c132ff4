// The virtio feature word as the codec sees it: what was negotiated decides flag meanings
// (TRANS_FLAGS), the VFD_SEND_FOREIGN_ID entry size (SEND_FENCES) and what a pfn means
// (USE_SHMEM). §1.2 of docs/vmbridge.md.
#pragma once

#include "vmbridge/virtio_wl/constants.hpp"

#include <cstdint>

namespace prism::vmbridge::virtio_wl {

constexpr std::uint64_t feature_bit(unsigned n) {
    return std::uint64_t{1} << n;
}

// The device-specific bits of §1.2 (bit 0 is unused).
inline constexpr std::uint64_t kWlFeatureMask = feature_bit(kFeatureTransFlags) |
                                                feature_bit(kFeatureSendFences) |
                                                feature_bit(kFeatureUseShmem);

struct Features {
    std::uint64_t bits = 0;

    static constexpr Features none() { return Features{}; }
    // TRANS_FLAGS | SEND_FENCES | USE_SHMEM: the full set the current guest driver knows.
    static constexpr Features all_wl() { return Features{kWlFeatureMask}; }
    // What both sides agreed to: the device's offer masked by the driver's acknowledgement.
    static constexpr Features negotiate(Features offered, Features acked) {
        return Features{offered.bits & acked.bits};
    }

    constexpr bool has(unsigned n) const { return (bits & feature_bit(n)) != 0; }
    constexpr Features with(unsigned n) const { return Features{bits | feature_bit(n)}; }
    constexpr Features without(unsigned n) const { return Features{bits & ~feature_bit(n)}; }
    // True if every bit here is also in `other` (a driver may only ack offered bits).
    constexpr bool subset_of(Features other) const { return (bits & ~other.bits) == 0; }
    constexpr Features wl_only() const { return Features{bits & kWlFeatureMask}; }

    constexpr bool trans_flags() const { return has(kFeatureTransFlags); }
    constexpr bool send_fences() const { return has(kFeatureSendFences); }
    constexpr bool use_shmem() const { return has(kFeatureUseShmem); }

    bool operator==(const Features&) const = default;
};

} // namespace prism::vmbridge::virtio_wl
