#include "vmbridge/virtio_wl/codec.hpp"

#include <cerrno>
#include <type_traits>

namespace prism::vmbridge::virtio_wl {

std::string_view kind_name(ParseError::Kind kind) {
    using Kind = ParseError::Kind;
    switch (kind) {
    case Kind::Truncated:
        return "truncated";
    case Kind::UnknownType:
        return "unknown type";
    case Kind::Unsupported:
        return "unsupported command";
    case Kind::TooManyVfds:
        return "too many vfds";
    case Kind::InvalidId:
        return "invalid id";
    case Kind::InvalidFlags:
        return "invalid flags";
    case Kind::LegacyAllocFlags:
        return "invalid legacy allocation flags";
    case Kind::InvalidName:
        return "invalid name";
    case Kind::InvalidForeignKind:
        return "invalid foreign id kind";
    case Kind::InvalidPfn:
        return "pfn outside the shared memory region";
    case Kind::TooLarge:
        return "message too large";
    }
    return "?";
}

Response error_response_for(const ParseError& error) {
    using Kind = ParseError::Kind;
    std::uint32_t type = kRespErr;
    switch (error.kind) {
    case Kind::Truncated:
        type = kRespForTruncated;
        break;
    case Kind::UnknownType:
    case Kind::Unsupported:
        type = kRespInvalidCmd; // §1.7 "Unknown type -> INVALID_CMD"; unsupported falls through
        break;
    case Kind::TooManyVfds:
        type = kRespForTooManyVfds;
        break;
    case Kind::InvalidId:
        type = kRespInvalidId;
        break;
    case Kind::InvalidFlags:
        type = kRespInvalidFlags;
        break;
    case Kind::LegacyAllocFlags:
    case Kind::InvalidName:
    case Kind::InvalidPfn:
    case Kind::TooLarge:
        type = kRespErr;
        break;
    case Kind::InvalidForeignKind:
        type = kRespForBadForeignKind;
        break;
    }
    return RespError{static_cast<ErrorCode>(type)};
}

std::uint32_t message_type(const Command& command) {
    return std::visit([](const auto& c) { return c.kType; }, command);
}

std::uint32_t message_type(const Response& response) {
    return std::visit(
        [](const auto& r) -> std::uint32_t {
            if constexpr (std::is_same_v<std::decay_t<decltype(r)>, RespError>) {
                return static_cast<std::uint32_t>(r.code);
            } else {
                return r.kType;
            }
        },
        response);
}

std::uint32_t message_type(const InQueueMessage& message) {
    return std::visit([](const auto& m) { return m.kType; }, message);
}

std::string_view type_name(std::uint32_t type) {
    switch (type) {
    case kCmdVfdNew:
        return "VFD_NEW";
    case kCmdVfdClose:
        return "VFD_CLOSE";
    case kCmdVfdSend:
        return "VFD_SEND";
    case kCmdVfdRecv:
        return "VFD_RECV";
    case kCmdVfdNewCtx:
        return "VFD_NEW_CTX";
    case kCmdVfdNewPipe:
        return "VFD_NEW_PIPE";
    case kCmdVfdHup:
        return "VFD_HUP";
    case kCmdVfdNewDmabuf:
        return "VFD_NEW_DMABUF";
    case kCmdVfdDmabufSync:
        return "VFD_DMABUF_SYNC";
    case kCmdVfdSendForeignId:
        return "VFD_SEND_FOREIGN_ID";
    case kCmdVfdNewCtxNamed:
        return "VFD_NEW_CTX_NAMED";
    case kRespOk:
        return "RESP_OK";
    case kRespVfdNew:
        return "RESP_VFD_NEW";
    case kRespVfdNewDmabuf:
        return "RESP_VFD_NEW_DMABUF";
    case kRespErr:
        return "RESP_ERR";
    case kRespOutOfMemory:
        return "RESP_OUT_OF_MEMORY";
    case kRespInvalidId:
        return "RESP_INVALID_ID";
    case kRespInvalidType:
        return "RESP_INVALID_TYPE";
    case kRespInvalidFlags:
        return "RESP_INVALID_FLAGS";
    case kRespInvalidCmd:
        return "RESP_INVALID_CMD";
    default:
        return "UNKNOWN";
    }
}

int guest_errno_for(std::uint32_t response_type) {
    switch (response_type) {
    case kRespOk:
    case kRespVfdNew:
    case kRespVfdNewDmabuf:
        return 0;
    case kRespErr:
        return -ENODEV;
    case kRespOutOfMemory:
        return -ENOMEM;
    case kRespInvalidId:
        return -ENOENT;
    case kRespInvalidType:
        return -EINVAL;
    case kRespInvalidFlags:
        return -EPERM;
    case kRespInvalidCmd:
        return -ENOTTY;
    default:
        return -EPROTO;
    }
}

} // namespace prism::vmbridge::virtio_wl
