// The dev/test transport's packets (docs/vmbridge.md, "The test transport"): one
// SOCK_SEQPACKET connection per VM, one packet per queue buffer. Shared by prism's side
// (seqpacket_transport.cpp) and the guest-driver double. All fields little-endian.
#pragma once

#include <cstddef>
#include <cstdint>

namespace prism::vmbridge::device::test_wire {

// Peer (the VMM, or the test double) -> prism.
inline constexpr std::uint32_t kRequest = 1;  // tag, then one out-queue request
inline constexpr std::uint32_t kCredit = 2;   // tag, u32 count: in-queue buffers newly posted
inline constexpr std::uint32_t kFeatures = 3; // tag, u32 pad, u64 acked features
inline constexpr std::uint32_t kRequests = 4; // tag, u32 count, count x (u32 length, request)
// prism -> peer.
inline constexpr std::uint32_t kHello = 0x80;     // tag, u32 pad, u64 offered, u64 region size
inline constexpr std::uint32_t kResponse = 0x81;  // tag, then the response to the last request
inline constexpr std::uint32_t kIn = 0x82;        // tag, then one in-queue message
inline constexpr std::uint32_t kMap = 0x83;       // tag, u32 flags, u64 offset, u64 size; + 1 fd
inline constexpr std::uint32_t kUnmap = 0x84;     // tag, u32 pad, u64 offset, u64 size
inline constexpr std::uint32_t kResponses = 0x85; // tag, u32 count, count x (u32 length, response)

inline constexpr std::size_t kTag = 0;
inline constexpr std::size_t kBody = 4;        // request, response and in-queue bytes
inline constexpr std::size_t kCreditCount = 4; // u32
inline constexpr std::size_t kCreditSize = 8;
inline constexpr std::size_t kFeaturesBits = 8; // u64
inline constexpr std::size_t kFeaturesSize = 16;
inline constexpr std::size_t kHelloOffered = 8;     // u64
inline constexpr std::size_t kHelloRegionSize = 16; // u64
inline constexpr std::size_t kHelloSize = 24;
inline constexpr std::size_t kMapFlags = 4; // u32, bit 0: writable
inline constexpr std::size_t kMapOffset = 8;
inline constexpr std::size_t kMapSize = 16;
inline constexpr std::size_t kMapPacketSize = 24;
inline constexpr std::uint32_t kMapWritable = 0x1;
// REQUESTS and RESPONSES: a u32 count at kBatchCount, then from kBatchEntries each entry as a
// u32 length and that many bytes, packed. A REQUESTS packet is answered by RESPONSES packets
// whose counts add up to its own (more than one when a MAP or IN has to go out in between).
inline constexpr std::size_t kBatchCount = 4;
inline constexpr std::size_t kBatchEntries = 8;
inline constexpr std::size_t kBatchEntryHeader = 4;
inline constexpr std::uint32_t kMaxBatch = 64; // entries in one packet
// Largest RESPONSES packet (a response is at most 64 bytes: a VFD_NEW's).
inline constexpr std::size_t kMaxResponse = 64;
inline constexpr std::size_t kMaxResponsesPacket =
    kBatchEntries + kMaxBatch * (kBatchEntryHeader + kMaxResponse);

// Largest request packet prism accepts (a VFD_SEND's payload is not bounded by the protocol,
// §1.11; this bounds it for the test transport). Larger packets end the connection.
inline constexpr std::size_t kMaxRequestPacket = kBody + 65536;
// Largest REQUESTS packet: one request of the largest size, or several that add up to no more.
inline constexpr std::size_t kMaxRequestsPacket = kBatchEntries + kBatchEntryHeader + 65536;
// Most in-queue buffers a peer may have posted at once (crosvm's largest queue, §1.1).
inline constexpr std::uint32_t kMaxCredits = 32768;
// Packets read per wake-up, so one busy VM cannot starve the rest of the loop.
inline constexpr int kPacketsPerWakeup = 32;

} // namespace prism::vmbridge::device::test_wire
