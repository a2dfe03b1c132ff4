// virtio-wl wire codec: bytes <-> messages.hpp structs, with every stateless check the protocol
// allows (docs/vmbridge.md §1.3-§1.9). No device state: whether an id is in use, what
// kind of VFD it names, or whether an allocation succeeds is the device's business.
//
// Parsing never throws on bad input and never reads outside the buffer; it returns a ParseError
// whose kind maps to the response §1.7 requires (error_response_for). Building never fails: it
// writes what the value says, even a count the parser would reject, so test doubles can send
// malformed requests.
#pragma once

#include "vmbridge/virtio_wl/constants.hpp"
#include "vmbridge/virtio_wl/features.hpp"
#include "vmbridge/virtio_wl/messages.hpp"

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace prism::vmbridge::virtio_wl {

struct ParseError {
    enum class Kind {
        Truncated,          // shorter than the header, the body or a count says   -> RESP_ERR
        UnknownType,        // not a message of this direction                      -> INVALID_CMD
        Unsupported,        // a command this device does not implement (§1.7)      -> INVALID_CMD
        TooManyVfds,        // vfd_count > 28                                       -> INVALID_CMD
        InvalidId,          // id outside the range its role allows (§1.6)          -> INVALID_ID
        InvalidFlags,       // flags not valid for the message / features (§1.5)   -> INVALID_FLAGS
        LegacyAllocFlags,   // VFD_NEW without TRANS_FLAGS, flags beyond WRITE|MAP  -> RESP_ERR
        InvalidName,        // VFD_NEW_CTX_NAMED name is not UTF-8                  -> RESP_ERR
        InvalidForeignKind, // unknown kind, or a fence kind without SEND_FENCES    -> INVALID_TYPE
        InvalidPfn,         // pfn/size outside the shared-memory region (USE_SHMEM) -> RESP_ERR
        TooLarge,           // in-queue message longer than one 4096-byte buffer    -> RESP_ERR
    };
    Kind kind = Kind::Truncated;
    // The header's type when the buffer held at least 4 bytes, else 0.
    std::uint32_t message_type = 0;
    // Truncated: bytes needed; TooLarge: the limit; TooManyVfds: the count; InvalidId: the id;
    // InvalidFlags, LegacyAllocFlags: the flags; InvalidForeignKind: the kind; InvalidPfn: the
    // pfn; otherwise 0.
    std::uint64_t detail = 0;

    bool operator==(const ParseError&) const = default;
};

std::string_view kind_name(ParseError::Kind kind);

// A parsed value or the reason there is none.
template <class T> class Parsed {
public:
    // From T or anything that converts to it (a message struct), built in place.
    template <std::convertible_to<T> U>
    Parsed(U&& value)
        : v_(std::in_place_index<0>, std::forward<U>(value)) {}
    Parsed(ParseError error)
        : v_(std::in_place_index<1>, error) {}

    bool ok() const { return v_.index() == 0; }
    explicit operator bool() const { return ok(); }
    // Preconditions: ok() for value(), !ok() for error().
    const T& value() const& { return *std::get_if<0>(&v_); }
    T&& value() && { return std::move(*std::get_if<0>(&v_)); }
    const ParseError& error() const { return *std::get_if<1>(&v_); }

private:
    std::variant<T, ParseError> v_;
};

// Commands the device implements; the others are answered INVALID_CMD before anything else
// is looked at, as §1.7 describes (sommelier's dmabuf probe depends on it).
struct DeviceSupport {
    bool dmabuf = true;     // VFD_NEW_DMABUF and VFD_DMABUF_SYNC
    bool foreign_id = true; // VFD_SEND_FOREIGN_ID (needs a virtio-gpu resource bridge)
};

// One request read from the out queue (the whole device-readable part of the chain).
Parsed<Command> parse_command(std::span<const std::uint8_t> buffer, const Features& features,
                              const DeviceSupport& support = {});
// One response as written into the chain's writable part (for the guest-driver double).
Parsed<Response> parse_response(std::span<const std::uint8_t> buffer, const Features& features);
// One in-queue message: the used bytes of one in-buffer.
Parsed<InQueueMessage> parse_in_queue(std::span<const std::uint8_t> buffer,
                                      const Features& features);

// `features` decides the VFD_SEND_FOREIGN_ID entry size. Requests use the 64-byte vfd_new form
// the driver sends.
std::vector<std::uint8_t> build(const Command& command, const Features& features);
std::vector<std::uint8_t> build(const Response& response);
std::vector<std::uint8_t> build(const InQueueMessage& message);

// The response a device must give for a request that failed to parse (§1.7).
Response error_response_for(const ParseError& error);

// Wire type of a message.
std::uint32_t message_type(const Command& command);
std::uint32_t message_type(const Response& response);
std::uint32_t message_type(const InQueueMessage& message);
// "VFD_NEW", "RESP_INVALID_ID", ...; "UNKNOWN" for anything else. For logs.
std::string_view type_name(std::uint32_t type);

// The guest driver's errno for a response type (§1.3): 0 or a negative errno.
int guest_errno_for(std::uint32_t response_type);

// ---- ids (§1.6) -------------------------------------------------------------------------------

// An id the guest may create (see kStrictGuestIdRange).
constexpr bool is_guest_vfd_id(std::uint32_t id) {
    if constexpr (kStrictGuestIdRange) {
        return id >= kGuestIdMin && id <= kGuestIdMax;
    } else {
        return (id & kVfdIdHostMask) == 0;
    }
}
// An id the host may create: bit 30 set, bit 31 clear (what the driver accepts).
constexpr bool is_host_vfd_id(std::uint32_t id) {
    return (id & kVfdIdHostMask) != 0 && (id & kVfdIllegalSignBit) == 0;
}
// An id that can name an existing VFD.
constexpr bool is_vfd_id(std::uint32_t id) {
    return is_guest_vfd_id(id) || is_host_vfd_id(id);
}

// ---- feature-dependent values (§1.5, §1.9) ----------------------------------------------------

// Every VFD flag that has a meaning under `features`.
constexpr std::uint32_t valid_vfd_flags(const Features& features) {
    return features.trans_flags() ? kVfdTransMask : kVfdLegacyMask;
}
// The pfn that says "no memory".
constexpr std::uint64_t no_memory_pfn(const Features& features) {
    return features.use_shmem() ? kShmemNoMemoryPfn : kLegacyNoMemoryPfn;
}
// With USE_SHMEM a pfn is a page offset into region 0: [pfn, pfn + size) must lie inside it, or
// pfn is the "no memory" value. Without it pfns are guest-physical and cannot be checked here.
constexpr bool pfn_range_valid(std::uint64_t pfn, std::uint32_t size, const Features& features) {
    if (!features.use_shmem() || pfn == kShmemNoMemoryPfn) {
        return true;
    }
    return pfn < kShmemNoMemoryPfn && (pfn << kPfnShift) + size <= kShmemRegionSize;
}

} // namespace prism::vmbridge::virtio_wl
