// The vhost-user wire protocol as prism-vhost-wl speaks it with a VMM's frontend (crosvm's
// `--vhost-user wl,socket=...`, or QEMU's vhost-user-device): message numbers, feature bits
// and payload layouts. Every number lives here. vhost-user is in the host's byte order (not
// little-endian like virtio-wl), so fields are read with native loads.
//
// A message is a 12-byte header {u32 request, u32 flags, u32 size} and `size` payload bytes,
// with any fds in SCM_RIGHTS on the header's sendmsg.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace prism::vmbridge::vhost_user {

// ---- frontend -> backend requests -------------------------------------------------------------
enum class Request : std::uint32_t {
    GetFeatures = 1,
    SetFeatures = 2,
    SetOwner = 3,
    ResetOwner = 4,
    SetMemTable = 5,
    SetVringNum = 8,
    SetVringAddr = 9,
    SetVringBase = 10,
    GetVringBase = 11,
    SetVringKick = 12,
    SetVringCall = 13,
    SetVringErr = 14,
    GetProtocolFeatures = 15,
    SetProtocolFeatures = 16,
    GetQueueNum = 17,
    SetVringEnable = 18,
    SetBackendReqFd = 21,
    ResetDevice = 34,
    GetShmemConfig = 44,
};

// ---- backend -> frontend requests (on the SET_BACKEND_REQ_FD channel) -------------------------
enum class BackendRequest : std::uint32_t {
    ShmemMap = 9,
    ShmemUnmap = 10,
};

// ---- header -----------------------------------------------------------------------------------
inline constexpr std::size_t kHeaderSize = 12;
inline constexpr std::uint32_t kFlagVersion = 0x1; // bits 0-1: protocol version, always 1
inline constexpr std::uint32_t kFlagVersionMask = 0x3;
inline constexpr std::uint32_t kFlagReply = 0x4;
inline constexpr std::uint32_t kFlagNeedReply = 0x8;
// Largest payload prism-vhost-wl reads: SET_MEM_TABLE with 8 regions is 264 bytes; anything
// past this is a broken frontend.
inline constexpr std::uint32_t kMaxPayload = 4096;
// fds one message may carry (a memory table: one per region).
inline constexpr std::size_t kMaxFds = 8;

// ---- virtio feature bits (GET/SET_FEATURES) ---------------------------------------------------
inline constexpr unsigned kFeatureProtocolFeatures = 30; // VHOST_USER_F_PROTOCOL_FEATURES
inline constexpr unsigned kFeatureVersion1 = 32;         // VIRTIO_F_VERSION_1

// ---- protocol feature bits (GET/SET_PROTOCOL_FEATURES) ----------------------------------------
inline constexpr unsigned kProtocolReplyAck = 3;
inline constexpr unsigned kProtocolBackendReq = 5;
inline constexpr unsigned kProtocolBackendSendFd = 10;
// The SHMEM bit is not stable across VMMs: 22 in current crosvm and QEMU, 20 and 21 in earlier
// crosvm. The configured bit ([vmbridge] shmem_protocol_bit) is used; these are the choices.
inline constexpr unsigned kProtocolShmemDefault = 22;
inline constexpr unsigned kProtocolShmemChoices[] = {20, 21, 22};

constexpr std::uint64_t bit(unsigned n) {
    return std::uint64_t{1} << n;
}

// ---- payload layouts (byte offsets) -----------------------------------------------------------
inline constexpr std::size_t kU64Size = 8;
// vring state: u32 index, u32 num
inline constexpr std::size_t kVringStateSize = 8;
// vring address: u32 index, u32 flags, u64 descriptor, u64 used, u64 available, u64 log
inline constexpr std::size_t kVringAddrSize = 40;
inline constexpr std::size_t kVringAddrDesc = 8;
inline constexpr std::size_t kVringAddrUsed = 16;
inline constexpr std::size_t kVringAddrAvail = 24;
// SET_VRING_KICK/CALL/ERR: u64; bits 0-7 the queue index, bit 8 "no fd attached".
inline constexpr std::uint64_t kVringIndexMask = 0xff;
inline constexpr std::uint64_t kVringNoFd = 0x100;
// memory table: u32 count, u32 pad, then `count` regions of {u64 guest_phys_addr,
// u64 memory_size, u64 user_addr, u64 mmap_offset}, one fd per region.
inline constexpr std::size_t kMemTableHeader = 8;
inline constexpr std::size_t kMemRegionSize = 32;
inline constexpr std::size_t kMaxMemRegions = 8;
// GET_SHMEM_CONFIG reply: u32 count, u32 pad, u64 sizes[256].
inline constexpr std::size_t kShmemConfigSize = 8 + 256 * 8;
// SHMEM_MAP / SHMEM_UNMAP: u8 shmid, 7 pad, u64 fd_offset, u64 shm_offset, u64 len, u64 flags.
inline constexpr std::size_t kShmemMapSize = 40;
inline constexpr std::size_t kShmemMapFdOffset = 8;
inline constexpr std::size_t kShmemMapShmOffset = 16;
inline constexpr std::size_t kShmemMapLen = 24;
inline constexpr std::size_t kShmemMapFlags = 32;
inline constexpr std::uint64_t kShmemMapWritable = 0x1;

// virtio-wl has two queues; a split queue holds at most 32768 entries.
inline constexpr std::uint32_t kQueueCount = 2;
inline constexpr std::uint32_t kMaxQueueSize = 32768;

template <class T> T load(std::span<const std::uint8_t> bytes, std::size_t offset) {
    T value{};
    std::memcpy(&value, bytes.data() + offset, sizeof(T));
    return value;
}
template <class T> void store(std::span<std::uint8_t> bytes, std::size_t offset, T value) {
    std::memcpy(bytes.data() + offset, &value, sizeof(T));
}

struct Header {
    std::uint32_t request = 0;
    std::uint32_t flags = 0;
    std::uint32_t size = 0;
    bool need_reply() const { return (flags & kFlagNeedReply) != 0; }
    bool is_reply() const { return (flags & kFlagReply) != 0; }
};

// Parses a header; nullopt (with `*why`) if it is not one prism-vhost-wl accepts: wrong version,
// reserved bits set, or a payload larger than kMaxPayload.
std::optional<Header> parse_header(std::span<const std::uint8_t> bytes, std::string* why);
// A message: header plus payload.
std::vector<std::uint8_t> build_message(std::uint32_t request, std::uint32_t flags,
                                        std::span<const std::uint8_t> payload);
std::vector<std::uint8_t> build_u64(std::uint64_t value);

// One region of a SET_MEM_TABLE.
struct MemRegion {
    std::uint64_t guest_phys_addr = 0;
    std::uint64_t size = 0;
    std::uint64_t user_addr = 0;
    std::uint64_t mmap_offset = 0;
};
// Parses a SET_MEM_TABLE payload that came with `fd_count` fds: one per region, 1 to 8
// regions, no empty region, no address range that wraps. nullopt with `*why` otherwise.
std::optional<std::vector<MemRegion>> parse_mem_table(std::span<const std::uint8_t> payload,
                                                      std::size_t fd_count, std::string* why);

// The name of a request, for log lines ("request 77" for unknown ones).
std::string request_name(std::uint32_t request);

} // namespace prism::vmbridge::vhost_user
