#include "vmbridge/virtio_wl/codec.hpp"
#include "vmbridge/virtio_wl/le.hpp"

#include <algorithm>
#include <cstring>

namespace prism::vmbridge::virtio_wl {

namespace {

using Out = std::vector<std::uint8_t>;

// A zeroed message of `size` bytes with its header type set (header flags stay 0, §1.4).
Out message(std::uint32_t type, std::size_t size) {
    Out out(size, 0);
    store_le32(out, layout::kHdrType, type);
    return out;
}

Out ctrl_vfd(std::uint32_t type, std::uint32_t vfd_id) {
    Out out = message(type, layout::kCtrlVfdSize);
    store_le32(out, layout::kVfdId, vfd_id);
    return out;
}

Out vfd_new(std::uint32_t type, std::size_t size, std::uint32_t vfd_id, std::uint32_t flags,
            std::uint64_t pfn, std::uint32_t bytes) {
    Out out = message(type, size);
    store_le32(out, layout::kVfdId, vfd_id);
    store_le32(out, layout::kNewFlags, flags);
    store_le64(out, layout::kNewPfn, pfn);
    store_le32(out, layout::kNewSize, bytes);
    return out;
}

// vfd_send / vfd_recv: header, `ids`, then `data`.
Out with_ids(std::uint32_t type, std::uint32_t vfd_id, const std::vector<std::uint32_t>& ids,
             const std::vector<std::uint8_t>& data) {
    const std::size_t ids_end = layout::kCtrlVfdSendSize + ids.size() * layout::kVfdIdEntrySize;
    Out out = message(type, ids_end + data.size());
    store_le32(out, layout::kVfdId, vfd_id);
    store_le32(out, layout::kVfdCount, static_cast<std::uint32_t>(ids.size()));
    for (std::size_t i = 0; i < ids.size(); ++i) {
        store_le32(out, layout::kCtrlVfdSendSize + i * layout::kVfdIdEntrySize, ids[i]);
    }
    std::copy(data.begin(), data.end(), out.begin() + static_cast<std::ptrdiff_t>(ids_end));
    return out;
}

struct CommandBuilder {
    const Features& features;

    Out operator()(const CmdVfdNew& c) const {
        return vfd_new(c.kType, layout::kCtrlVfdNewSize, c.vfd_id, c.flags, 0, c.size);
    }
    Out operator()(const CmdVfdClose& c) const { return ctrl_vfd(c.kType, c.vfd_id); }
    Out operator()(const CmdVfdSend& c) const {
        return with_ids(c.kType, c.vfd_id, c.vfd_ids, c.data);
    }
    Out operator()(const CmdVfdNewCtx& c) const {
        return vfd_new(c.kType, layout::kCtrlVfdNewSize, c.vfd_id, kVfdNewCtxRequestFlags, 0, 0);
    }
    Out operator()(const CmdVfdNewPipe& c) const {
        return vfd_new(c.kType, layout::kCtrlVfdNewSize, c.vfd_id, c.flags, 0, 0);
    }
    Out operator()(const CmdVfdNewDmabuf& c) const {
        Out out = vfd_new(c.kType, layout::kCtrlVfdNewSize, c.vfd_id, c.flags, 0, 0);
        store_le32(out, layout::kDmabufWidth, c.width);
        store_le32(out, layout::kDmabufHeight, c.height);
        store_le32(out, layout::kDmabufFormat, c.format);
        return out;
    }
    Out operator()(const CmdVfdDmabufSync& c) const {
        Out out = message(c.kType, layout::kCtrlVfdDmabufSyncSize);
        store_le32(out, layout::kVfdId, c.vfd_id);
        store_le32(out, layout::kSyncFlags, c.flags);
        return out;
    }
    Out operator()(const CmdVfdSendForeignId& c) const {
        const bool v2 = features.send_fences();
        const std::size_t entry = v2 ? layout::kSendVfdV2Size : layout::kSendVfdSize;
        const std::size_t entries_end = layout::kCtrlVfdSendSize + c.vfds.size() * entry;
        Out out = message(c.kType, entries_end + c.data.size());
        store_le32(out, layout::kVfdId, c.vfd_id);
        store_le32(out, layout::kVfdCount, static_cast<std::uint32_t>(c.vfds.size()));
        for (std::size_t i = 0; i < c.vfds.size(); ++i) {
            const ForeignVfd& vfd = c.vfds[i];
            const std::size_t at = layout::kCtrlVfdSendSize + i * entry;
            const bool fence = vfd.kind == ForeignKind::VirtgpuFence ||
                               vfd.kind == ForeignKind::VirtgpuSignaledFence;
            if (v2) {
                store_le32(out, at + layout::kSendVfdV2Kind, static_cast<std::uint32_t>(vfd.kind));
                store_le64(out, at + layout::kSendVfdV2Value, fence ? vfd.seqno : vfd.id);
            } else {
                // v1 has no seqno: a fence entry is written as {kind, id}, which parse rejects.
                store_le32(out, at + layout::kSendVfdKind, static_cast<std::uint32_t>(vfd.kind));
                store_le32(out, at + layout::kSendVfdId, vfd.id);
            }
        }
        std::copy(c.data.begin(), c.data.end(),
                  out.begin() + static_cast<std::ptrdiff_t>(entries_end));
        return out;
    }
    Out operator()(const CmdVfdNewCtxNamed& c) const {
        Out out = vfd_new(c.kType, layout::kCtrlVfdNewSize, c.vfd_id, kVfdNewCtxRequestFlags, 0, 0);
        // A name longer than the field is cut to 32 bytes (then it has no NUL, §1.4).
        const std::size_t len = std::min(c.name.size(), layout::kNameSize);
        std::memcpy(out.data() + layout::kName, c.name.data(), len);
        return out;
    }
};

struct ResponseBuilder {
    Out operator()(const RespOk& r) const { return message(r.kType, kStatusResponseSize); }
    Out operator()(const RespVfdNew& r) const {
        return vfd_new(r.kType, kRespVfdNewSize, r.vfd_id, r.flags, r.pfn, r.size);
    }
    Out operator()(const RespVfdNewDmabuf& r) const {
        Out out = vfd_new(r.kType, kRespVfdNewDmabufSize, r.vfd_id, r.flags, r.pfn, r.size);
        store_le32(out, layout::kDmabufWidth, r.width);
        store_le32(out, layout::kDmabufHeight, r.height);
        store_le32(out, layout::kDmabufFormat, r.format);
        for (std::size_t i = 0; i < layout::kDmabufPlanes; ++i) {
            store_le32(out, layout::kDmabufStride0 + 4 * i, r.strides[i]);
            store_le32(out, layout::kDmabufOffset0 + 4 * i, r.offsets[i]);
        }
        return out;
    }
    Out operator()(const RespError& r) const {
        return message(static_cast<std::uint32_t>(r.code), kStatusResponseSize);
    }
};

struct InQueueBuilder {
    Out operator()(const InVfdNew& m) const {
        return vfd_new(m.kType, kInVfdNewSize, m.vfd_id, m.flags, m.pfn, m.size);
    }
    Out operator()(const InVfdRecv& m) const {
        return with_ids(m.kType, m.vfd_id, m.vfd_ids, m.data);
    }
    Out operator()(const InVfdHup& m) const { return ctrl_vfd(m.kType, m.vfd_id); }
};

} // namespace

std::vector<std::uint8_t> build(const Command& command, const Features& features) {
    return std::visit(CommandBuilder{features}, command);
}

std::vector<std::uint8_t> build(const Response& response) {
    return std::visit(ResponseBuilder{}, response);
}

std::vector<std::uint8_t> build(const InQueueMessage& message) {
    return std::visit(InQueueBuilder{}, message);
}

} // namespace prism::vmbridge::virtio_wl
