#include "vmbridge/virtio_wl/codec.hpp"
#include "vmbridge/virtio_wl/le.hpp"

#include <cstddef>
#include <optional>

namespace prism::vmbridge::virtio_wl {

namespace {

// Host-order mirrors of the C structs of §1.4 with their natural alignment, only to check that
// the offsets in constants.hpp are the ones a C compiler gives those structs. Never used for I/O.
namespace mirror {
struct CtrlHdr {
    std::uint32_t type;
    std::uint32_t flags;
};
struct CtrlVfd {
    CtrlHdr hdr;
    std::uint32_t vfd_id;
};
struct Dmabuf {
    std::uint32_t width, height, format;
    std::uint32_t stride0, stride1, stride2;
    std::uint32_t offset0, offset1, offset2;
};
union NewUnion {
    Dmabuf dmabuf;
    char name[32];
};
struct CtrlVfdNew {
    CtrlHdr hdr;
    std::uint32_t vfd_id;
    std::uint32_t flags;
    std::uint64_t pfn;
    std::uint32_t size;
    NewUnion u;
};
struct CtrlVfdSend {
    CtrlHdr hdr;
    std::uint32_t vfd_id;
    std::uint32_t vfd_count;
};
struct SendVfd {
    std::uint32_t kind;
    std::uint32_t id;
};
union SendVfdV2Value {
    std::uint32_t id;
    std::uint64_t seqno;
};
struct SendVfdV2 {
    std::uint32_t kind;
    std::uint32_t pad;
    SendVfdV2Value value;
};
struct CtrlVfdDmabufSync {
    CtrlHdr hdr;
    std::uint32_t vfd_id;
    std::uint32_t flags;
};

static_assert(sizeof(CtrlHdr) == layout::kHdrSize && offsetof(CtrlHdr, flags) == layout::kHdrFlags);
static_assert(sizeof(CtrlVfd) == layout::kCtrlVfdSize &&
              offsetof(CtrlVfd, vfd_id) == layout::kVfdId);
static_assert(sizeof(CtrlVfdNew) == layout::kCtrlVfdNewSize);
static_assert(offsetof(CtrlVfdNew, flags) == layout::kNewFlags);
static_assert(offsetof(CtrlVfdNew, pfn) == layout::kNewPfn);
static_assert(offsetof(CtrlVfdNew, size) == layout::kNewSize);
static_assert(offsetof(CtrlVfdNew, u) == layout::kNewUnion &&
              sizeof(NewUnion) == layout::kNewUnionSize);
static_assert(offsetof(CtrlVfdNew, u) + offsetof(Dmabuf, height) == layout::kDmabufHeight);
static_assert(offsetof(CtrlVfdNew, u) + offsetof(Dmabuf, format) == layout::kDmabufFormat);
static_assert(offsetof(CtrlVfdNew, u) + offsetof(Dmabuf, stride0) == layout::kDmabufStride0);
static_assert(offsetof(CtrlVfdNew, u) + offsetof(Dmabuf, offset0) == layout::kDmabufOffset0);
static_assert(sizeof(CtrlVfdSend) == layout::kCtrlVfdSendSize);
static_assert(offsetof(CtrlVfdSend, vfd_count) == layout::kVfdCount);
static_assert(sizeof(SendVfd) == layout::kSendVfdSize &&
              offsetof(SendVfd, id) == layout::kSendVfdId);
static_assert(sizeof(SendVfdV2) == layout::kSendVfdV2Size);
static_assert(offsetof(SendVfdV2, value) == layout::kSendVfdV2Value);
static_assert(sizeof(CtrlVfdDmabufSync) == layout::kCtrlVfdDmabufSyncSize);
static_assert(offsetof(CtrlVfdDmabufSync, flags) == layout::kSyncFlags);
} // namespace mirror

using Bytes = std::span<const std::uint8_t>;
using Kind = ParseError::Kind;

ParseError error(Kind kind, Bytes b, std::uint64_t detail = 0) {
    const std::uint32_t type = b.size() >= 4 ? load_le32(b, layout::kHdrType) : 0;
    return ParseError{kind, type, detail};
}

std::optional<ParseError> need(Bytes b, std::size_t size) {
    if (b.size() < size) {
        return error(Kind::Truncated, b, size);
    }
    return std::nullopt;
}

std::uint32_t vfd_id_of(Bytes b) {
    return load_le32(b, layout::kVfdId);
}

// An id in a request that creates a VFD (§1.6): the guest's own range, never the host bit.
std::optional<ParseError> check_new_id(Bytes b, std::uint32_t id) {
    if ((id & kVfdIdHostMask) != 0 || !is_guest_vfd_id(id)) {
        return error(Kind::InvalidId, b, id);
    }
    return std::nullopt;
}

// An id that must name an existing VFD: anything no side can create is unknown (INVALID_ID).
std::optional<ParseError> check_existing_id(Bytes b, std::uint32_t id) {
    if (!is_vfd_id(id)) {
        return error(Kind::InvalidId, b, id);
    }
    return std::nullopt;
}

// RFC 3629 UTF-8: no overlong forms, no surrogates, nothing above U+10FFFF.
bool valid_utf8(Bytes s) {
    std::size_t i = 0;
    while (i < s.size()) {
        const std::uint8_t c = s[i];
        if (c < 0x80) {
            ++i;
            continue;
        }
        std::size_t len = 0;
        std::uint32_t cp = 0;
        std::uint32_t min = 0;
        if ((c & 0xE0) == 0xC0) {
            len = 2;
            cp = c & 0x1Fu;
            min = 0x80;
        } else if ((c & 0xF0) == 0xE0) {
            len = 3;
            cp = c & 0x0Fu;
            min = 0x800;
        } else if ((c & 0xF8) == 0xF0) {
            len = 4;
            cp = c & 0x07u;
            min = 0x10000;
        } else {
            return false;
        }
        if (s.size() - i < len) {
            return false;
        }
        for (std::size_t k = 1; k < len; ++k) {
            const std::uint8_t cc = s[i + k];
            if ((cc & 0xC0) != 0x80) {
                return false;
            }
            cp = (cp << 6) | (cc & 0x3Fu);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
            return false;
        }
        i += len;
    }
    return true;
}

// vfd_count of a vfd_send / vfd_recv header (already length-checked), bounded by §1.7.
std::optional<ParseError> check_count(Bytes b, std::uint32_t count) {
    if (count > kSendMaxAllocs) {
        return error(Kind::TooManyVfds, b, count);
    }
    return std::nullopt;
}

std::vector<std::uint8_t> tail(Bytes b, std::size_t from) {
    return {b.begin() + static_cast<std::ptrdiff_t>(from), b.end()};
}

// ---- commands ---------------------------------------------------------------------------------

Parsed<Command> parse_vfd_new(Bytes b, const Features& features) {
    if (auto e = need(b, kMinVfdNew)) {
        return *e;
    }
    CmdVfdNew cmd;
    cmd.vfd_id = vfd_id_of(b);
    cmd.flags = load_le32(b, layout::kNewFlags);
    cmd.size = load_le32(b, layout::kNewSize);
    if (auto e = check_new_id(b, cmd.vfd_id)) {
        return *e;
    }
    if (features.trans_flags()) {
        if (cmd.flags != 0) {
            return error(Kind::InvalidFlags, b, cmd.flags);
        }
    } else if ((cmd.flags & ~kVfdNewLegacyAllowed) != 0) {
        return error(Kind::LegacyAllocFlags, b, cmd.flags);
    }
    return cmd;
}

Parsed<Command> parse_vfd_close(Bytes b) {
    if (auto e = need(b, layout::kCtrlVfdSize)) {
        return *e;
    }
    CmdVfdClose cmd{.vfd_id = vfd_id_of(b)};
    if (auto e = check_existing_id(b, cmd.vfd_id)) {
        return *e;
    }
    return cmd;
}

Parsed<Command> parse_vfd_send(Bytes b) {
    if (auto e = need(b, layout::kCtrlVfdSendSize)) {
        return *e;
    }
    const std::uint32_t count = load_le32(b, layout::kVfdCount);
    if (auto e = check_count(b, count)) {
        return *e;
    }
    const std::size_t ids_end = layout::kCtrlVfdSendSize + count * layout::kVfdIdEntrySize;
    if (auto e = need(b, ids_end)) {
        return *e;
    }
    CmdVfdSend cmd;
    cmd.vfd_id = vfd_id_of(b);
    cmd.vfd_ids.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
        const std::uint32_t id =
            load_le32(b, layout::kCtrlVfdSendSize + i * layout::kVfdIdEntrySize);
        if (auto e = check_existing_id(b, id)) {
            return *e;
        }
        cmd.vfd_ids.push_back(id);
    }
    if (auto e = check_existing_id(b, cmd.vfd_id)) {
        return *e;
    }
    cmd.data = tail(b, ids_end);
    return cmd;
}

Parsed<Command> parse_vfd_new_ctx(Bytes b) {
    if (auto e = need(b, kMinVfdNewCtx)) {
        return *e;
    }
    CmdVfdNewCtx cmd{.vfd_id = vfd_id_of(b)};
    if (auto e = check_new_id(b, cmd.vfd_id)) {
        return *e;
    }
    return cmd;
}

Parsed<Command> parse_vfd_new_pipe(Bytes b) {
    if (auto e = need(b, kMinVfdNewPipe)) {
        return *e;
    }
    CmdVfdNewPipe cmd{.vfd_id = vfd_id_of(b), .flags = load_le32(b, layout::kNewFlags)};
    if (auto e = check_new_id(b, cmd.vfd_id)) {
        return *e;
    }
    // Exactly WRITE or exactly READ, whatever TRANS_FLAGS says (§1.7).
    if (cmd.flags != kVfdWrite && cmd.flags != kVfdRead) {
        return error(Kind::InvalidFlags, b, cmd.flags);
    }
    return cmd;
}

Parsed<Command> parse_vfd_new_dmabuf(Bytes b) {
    if (auto e = need(b, kMinVfdNewDmabuf)) {
        return *e;
    }
    CmdVfdNewDmabuf cmd;
    cmd.vfd_id = vfd_id_of(b);
    cmd.flags = load_le32(b, layout::kNewFlags);
    cmd.width = load_le32(b, layout::kDmabufWidth);
    cmd.height = load_le32(b, layout::kDmabufHeight);
    cmd.format = load_le32(b, layout::kDmabufFormat);
    if (auto e = check_new_id(b, cmd.vfd_id)) {
        return *e;
    }
    return cmd;
}

Parsed<Command> parse_vfd_dmabuf_sync(Bytes b) {
    if (auto e = need(b, layout::kCtrlVfdDmabufSyncSize)) {
        return *e;
    }
    CmdVfdDmabufSync cmd{.vfd_id = vfd_id_of(b), .flags = load_le32(b, layout::kSyncFlags)};
    if ((cmd.flags & ~kDmabufSyncValidMask) != 0) {
        return error(Kind::InvalidFlags, b, cmd.flags);
    }
    if (auto e = check_existing_id(b, cmd.vfd_id)) {
        return *e;
    }
    return cmd;
}

Parsed<Command> parse_vfd_send_foreign_id(Bytes b, const Features& features) {
    if (auto e = need(b, layout::kCtrlVfdSendSize)) {
        return *e;
    }
    const std::uint32_t count = load_le32(b, layout::kVfdCount);
    if (auto e = check_count(b, count)) {
        return *e;
    }
    const bool v2 = features.send_fences();
    const std::size_t entry = v2 ? layout::kSendVfdV2Size : layout::kSendVfdSize;
    const std::size_t entries_end = layout::kCtrlVfdSendSize + count * entry;
    if (auto e = need(b, entries_end)) {
        return *e;
    }
    CmdVfdSendForeignId cmd;
    cmd.vfd_id = vfd_id_of(b);
    cmd.vfds.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
        const std::size_t at = layout::kCtrlVfdSendSize + i * entry;
        const std::uint32_t kind =
            load_le32(b, at + (v2 ? layout::kSendVfdV2Kind : layout::kSendVfdKind));
        ForeignVfd vfd;
        switch (kind) {
        case kForeignKindLocal:
        case kForeignKindVirtgpu:
            vfd.kind = static_cast<ForeignKind>(kind);
            // In the v2 union, id is the low half of the little-endian u64.
            vfd.id = load_le32(b, at + (v2 ? layout::kSendVfdV2Value : layout::kSendVfdId));
            break;
        case kForeignKindVirtgpuFence:
        case kForeignKindVirtgpuSignaledFence:
            if (!v2) {
                return error(Kind::InvalidForeignKind, b, kind); // v1 entries carry no seqno
            }
            vfd.kind = static_cast<ForeignKind>(kind);
            vfd.seqno = load_le64(b, at + layout::kSendVfdV2Value);
            break;
        default:
            return error(Kind::InvalidForeignKind, b, kind);
        }
        if (vfd.kind == ForeignKind::Local) {
            if (auto e = check_existing_id(b, vfd.id)) {
                return *e;
            }
        }
        cmd.vfds.push_back(vfd);
    }
    if (auto e = check_existing_id(b, cmd.vfd_id)) {
        return *e;
    }
    cmd.data = tail(b, entries_end);
    return cmd;
}

Parsed<Command> parse_vfd_new_ctx_named(Bytes b) {
    if (auto e = need(b, kMinVfdNewCtxNamed)) {
        return *e;
    }
    CmdVfdNewCtxNamed cmd;
    cmd.vfd_id = vfd_id_of(b);
    if (auto e = check_new_id(b, cmd.vfd_id)) {
        return *e;
    }
    Bytes name = b.subspan(layout::kName, layout::kNameSize);
    std::size_t len = 0;
    while (len < name.size() && name[len] != 0) {
        ++len;
    }
    name = name.first(len);
    if (!valid_utf8(name)) {
        return error(Kind::InvalidName, b);
    }
    cmd.name.assign(name.begin(), name.end());
    return cmd;
}

// ---- responses and in-queue messages ----------------------------------------------------------

struct VfdNewFields {
    std::uint32_t vfd_id;
    std::uint32_t flags;
    std::uint64_t pfn;
    std::uint32_t size;
};

// The vfd_new prefix of a device -> driver message, with the checks both directions share.
std::optional<ParseError> read_vfd_new(Bytes b, std::size_t min_size, const Features& features,
                                       VfdNewFields& out) {
    if (auto e = need(b, min_size)) {
        return e;
    }
    out.vfd_id = vfd_id_of(b);
    out.flags = load_le32(b, layout::kNewFlags);
    out.pfn = load_le64(b, layout::kNewPfn);
    out.size = load_le32(b, layout::kNewSize);
    if ((out.flags & ~valid_vfd_flags(features)) != 0) {
        return error(Kind::InvalidFlags, b, out.flags);
    }
    if (!pfn_range_valid(out.pfn, out.size, features)) {
        return error(Kind::InvalidPfn, b, out.pfn);
    }
    return std::nullopt;
}

Parsed<Response> parse_resp_vfd_new(Bytes b, const Features& features) {
    VfdNewFields f{};
    if (auto e = read_vfd_new(b, kRespVfdNewSize, features, f)) {
        return *e;
    }
    if (auto e = check_new_id(b, f.vfd_id)) { // echoes the guest's creation id
        return *e;
    }
    return RespVfdNew{.vfd_id = f.vfd_id, .flags = f.flags, .pfn = f.pfn, .size = f.size};
}

Parsed<Response> parse_resp_vfd_new_dmabuf(Bytes b, const Features& features) {
    VfdNewFields f{};
    if (auto e = read_vfd_new(b, kRespVfdNewDmabufSize, features, f)) {
        return *e;
    }
    if (auto e = check_new_id(b, f.vfd_id)) {
        return *e;
    }
    RespVfdNewDmabuf resp;
    resp.vfd_id = f.vfd_id;
    resp.flags = f.flags;
    resp.pfn = f.pfn;
    resp.size = f.size;
    resp.width = load_le32(b, layout::kDmabufWidth);
    resp.height = load_le32(b, layout::kDmabufHeight);
    resp.format = load_le32(b, layout::kDmabufFormat);
    for (std::size_t i = 0; i < layout::kDmabufPlanes; ++i) {
        resp.strides[i] = load_le32(b, layout::kDmabufStride0 + 4 * i);
        resp.offsets[i] = load_le32(b, layout::kDmabufOffset0 + 4 * i);
    }
    return resp;
}

Parsed<InQueueMessage> parse_in_vfd_new(Bytes b, const Features& features) {
    VfdNewFields f{};
    if (auto e = read_vfd_new(b, kInVfdNewSize, features, f)) {
        return *e;
    }
    // The driver ignores ids that are 0, lack bit 30 or have bit 31 (§1.6).
    if (!is_host_vfd_id(f.vfd_id)) {
        return error(Kind::InvalidId, b, f.vfd_id);
    }
    return InVfdNew{.vfd_id = f.vfd_id, .flags = f.flags, .pfn = f.pfn, .size = f.size};
}

Parsed<InQueueMessage> parse_in_vfd_recv(Bytes b) {
    if (auto e = need(b, layout::kCtrlVfdRecvSize)) {
        return *e;
    }
    const std::uint32_t count = load_le32(b, layout::kVfdCount);
    if (auto e = check_count(b, count)) {
        return *e;
    }
    const std::size_t ids_end = layout::kCtrlVfdRecvSize + count * layout::kVfdIdEntrySize;
    if (auto e = need(b, ids_end)) {
        return *e;
    }
    InVfdRecv msg;
    msg.vfd_id = vfd_id_of(b);
    if (auto e = check_existing_id(b, msg.vfd_id)) {
        return *e;
    }
    msg.vfd_ids.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
        const std::uint32_t id =
            load_le32(b, layout::kCtrlVfdRecvSize + i * layout::kVfdIdEntrySize);
        if (!is_host_vfd_id(id)) { // only new host VFDs are listed (§1.8)
            return error(Kind::InvalidId, b, id);
        }
        msg.vfd_ids.push_back(id);
    }
    msg.data = tail(b, ids_end);
    return msg;
}

Parsed<InQueueMessage> parse_in_vfd_hup(Bytes b) {
    if (auto e = need(b, layout::kCtrlVfdSize)) {
        return *e;
    }
    InVfdHup msg{.vfd_id = vfd_id_of(b)};
    if (auto e = check_existing_id(b, msg.vfd_id)) {
        return *e;
    }
    return msg;
}

} // namespace

Parsed<Command> parse_command(std::span<const std::uint8_t> b, const Features& features,
                              const DeviceSupport& support) {
    if (auto e = need(b, layout::kHdrSize)) {
        return *e;
    }
    // Header flags are "always 0" (§1.4); like crosvm, the device does not look at them.
    switch (load_le32(b, layout::kHdrType)) {
    case kCmdVfdNew:
        return parse_vfd_new(b, features);
    case kCmdVfdClose:
        return parse_vfd_close(b);
    case kCmdVfdSend:
        return parse_vfd_send(b);
    case kCmdVfdNewCtx:
        return parse_vfd_new_ctx(b);
    case kCmdVfdNewPipe:
        return parse_vfd_new_pipe(b);
    case kCmdVfdNewDmabuf:
        if (!support.dmabuf) {
            return error(Kind::Unsupported, b);
        }
        return parse_vfd_new_dmabuf(b);
    case kCmdVfdDmabufSync:
        if (!support.dmabuf) {
            return error(Kind::Unsupported, b);
        }
        return parse_vfd_dmabuf_sync(b);
    case kCmdVfdSendForeignId:
        if (!support.foreign_id) {
            return error(Kind::Unsupported, b);
        }
        return parse_vfd_send_foreign_id(b, features);
    case kCmdVfdNewCtxNamed:
        return parse_vfd_new_ctx_named(b);
    default:
        return error(Kind::UnknownType, b); // includes in-queue-only and response types
    }
}

Parsed<Response> parse_response(std::span<const std::uint8_t> b, const Features& features) {
    if (auto e = need(b, kStatusResponseSize)) {
        return *e;
    }
    const std::uint32_t type = load_le32(b, layout::kHdrType);
    switch (type) {
    case kRespOk:
        return RespOk{};
    case kRespVfdNew:
        return parse_resp_vfd_new(b, features);
    case kRespVfdNewDmabuf:
        return parse_resp_vfd_new_dmabuf(b, features);
    case kRespErr:
    case kRespOutOfMemory:
    case kRespInvalidId:
    case kRespInvalidType:
    case kRespInvalidFlags:
    case kRespInvalidCmd:
        return RespError{static_cast<ErrorCode>(type)};
    default:
        return error(Kind::UnknownType, b);
    }
}

Parsed<InQueueMessage> parse_in_queue(std::span<const std::uint8_t> b, const Features& features) {
    if (b.size() > kInBufferSize) {
        return error(Kind::TooLarge, b, kInBufferSize);
    }
    if (auto e = need(b, layout::kHdrSize)) {
        return *e;
    }
    switch (load_le32(b, layout::kHdrType)) {
    case kCmdVfdNew:
        return parse_in_vfd_new(b, features);
    case kCmdVfdRecv:
        return parse_in_vfd_recv(b);
    case kCmdVfdHup:
        return parse_in_vfd_hup(b);
    default:
        return error(Kind::UnknownType, b);
    }
}

} // namespace prism::vmbridge::virtio_wl
