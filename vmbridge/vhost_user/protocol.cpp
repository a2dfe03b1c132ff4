#include "vmbridge/vhost_user/protocol.hpp"

namespace prism::vmbridge::vhost_user {

std::optional<Header> parse_header(std::span<const std::uint8_t> bytes, std::string* why) {
    if (bytes.size() < kHeaderSize) {
        *why = "short header";
        return std::nullopt;
    }
    Header header{load<std::uint32_t>(bytes, 0), load<std::uint32_t>(bytes, 4),
                  load<std::uint32_t>(bytes, 8)};
    if ((header.flags & kFlagVersionMask) != kFlagVersion) {
        *why = "protocol version " + std::to_string(header.flags & kFlagVersionMask);
        return std::nullopt;
    }
    if ((header.flags & ~(kFlagVersionMask | kFlagReply | kFlagNeedReply)) != 0) {
        *why = "reserved header flags set";
        return std::nullopt;
    }
    if (header.size > kMaxPayload) {
        *why = "payload of " + std::to_string(header.size) + " bytes";
        return std::nullopt;
    }
    return header;
}

std::vector<std::uint8_t> build_message(std::uint32_t request, std::uint32_t flags,
                                        std::span<const std::uint8_t> payload) {
    std::vector<std::uint8_t> bytes(kHeaderSize + payload.size());
    store<std::uint32_t>(bytes, 0, request);
    store<std::uint32_t>(bytes, 4, flags | kFlagVersion);
    store<std::uint32_t>(bytes, 8, static_cast<std::uint32_t>(payload.size()));
    if (!payload.empty()) {
        std::memcpy(bytes.data() + kHeaderSize, payload.data(), payload.size());
    }
    return bytes;
}

std::vector<std::uint8_t> build_u64(std::uint64_t value) {
    std::vector<std::uint8_t> bytes(kU64Size);
    store<std::uint64_t>(bytes, 0, value);
    return bytes;
}

std::optional<std::vector<MemRegion>> parse_mem_table(std::span<const std::uint8_t> payload,
                                                      std::size_t fd_count, std::string* why) {
    if (payload.size() < kMemTableHeader) {
        *why = "memory table too short";
        return std::nullopt;
    }
    const std::uint32_t count = load<std::uint32_t>(payload, 0);
    if (count == 0 || count > kMaxMemRegions) {
        *why = "memory table with " + std::to_string(count) + " regions";
        return std::nullopt;
    }
    if (payload.size() != kMemTableHeader + count * kMemRegionSize) {
        *why = "memory table of " + std::to_string(payload.size()) + " bytes for " +
               std::to_string(count) + " regions";
        return std::nullopt;
    }
    if (fd_count != count) {
        *why = "memory table with " + std::to_string(count) + " regions and " +
               std::to_string(fd_count) + " fds";
        return std::nullopt;
    }
    std::vector<MemRegion> regions;
    for (std::uint32_t i = 0; i < count; ++i) {
        const std::size_t at = kMemTableHeader + i * kMemRegionSize;
        MemRegion region{load<std::uint64_t>(payload, at), load<std::uint64_t>(payload, at + 8),
                         load<std::uint64_t>(payload, at + 16),
                         load<std::uint64_t>(payload, at + 24)};
        if (region.size == 0 || region.guest_phys_addr + region.size < region.guest_phys_addr ||
            region.user_addr + region.size < region.user_addr ||
            region.mmap_offset + region.size < region.mmap_offset) {
            *why = "memory region " + std::to_string(i) + " is empty or wraps";
            return std::nullopt;
        }
        regions.push_back(region);
    }
    return regions;
}

std::string request_name(std::uint32_t request) {
    switch (static_cast<Request>(request)) {
    case Request::GetFeatures:
        return "GET_FEATURES";
    case Request::SetFeatures:
        return "SET_FEATURES";
    case Request::SetOwner:
        return "SET_OWNER";
    case Request::ResetOwner:
        return "RESET_OWNER";
    case Request::SetMemTable:
        return "SET_MEM_TABLE";
    case Request::SetVringNum:
        return "SET_VRING_NUM";
    case Request::SetVringAddr:
        return "SET_VRING_ADDR";
    case Request::SetVringBase:
        return "SET_VRING_BASE";
    case Request::GetVringBase:
        return "GET_VRING_BASE";
    case Request::SetVringKick:
        return "SET_VRING_KICK";
    case Request::SetVringCall:
        return "SET_VRING_CALL";
    case Request::SetVringErr:
        return "SET_VRING_ERR";
    case Request::GetProtocolFeatures:
        return "GET_PROTOCOL_FEATURES";
    case Request::SetProtocolFeatures:
        return "SET_PROTOCOL_FEATURES";
    case Request::GetQueueNum:
        return "GET_QUEUE_NUM";
    case Request::SetVringEnable:
        return "SET_VRING_ENABLE";
    case Request::SetBackendReqFd:
        return "SET_BACKEND_REQ_FD";
    case Request::ResetDevice:
        return "RESET_DEVICE";
    case Request::GetShmemConfig:
        return "GET_SHMEM_CONFIG";
    }
    return "request " + std::to_string(request);
}

} // namespace prism::vmbridge::vhost_user
