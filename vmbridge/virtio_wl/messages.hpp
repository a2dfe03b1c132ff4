// One plain struct per virtio-wl message (§1.3, §1.4 of docs/vmbridge.md), grouped by
// where it travels:
//   Command        out queue, driver -> device: the requests the device parses
//   Response       out queue, device -> driver: the reply written into the request's chain
//   InQueueMessage in queue,  device -> driver: host-initiated VFD_NEW, VFD_RECV, VFD_HUP
// Fields hold values, not wire bytes; codec.hpp turns them into bytes and back. Header flags are
// always 0 on the wire (§1.4) and are not represented.
#pragma once

#include "vmbridge/virtio_wl/constants.hpp"

#include <array>
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace prism::vmbridge::virtio_wl {

// ---- out queue: requests ----------------------------------------------------------------------

// VIRTIO_WL_CMD_VFD_NEW: allocate `size` bytes of shared memory as guest VFD `vfd_id`.
struct CmdVfdNew {
    static constexpr std::uint32_t kType = kCmdVfdNew;
    std::uint32_t vfd_id = 0;
    std::uint32_t flags = 0; // TRANS_FLAGS: must be 0; legacy: WRITE|MAP at most (§1.7)
    std::uint32_t size = 0;
    bool operator==(const CmdVfdNew&) const = default;
};

// VIRTIO_WL_CMD_VFD_CLOSE
struct CmdVfdClose {
    static constexpr std::uint32_t kType = kCmdVfdClose;
    std::uint32_t vfd_id = 0;
    bool operator==(const CmdVfdClose&) const = default;
};

// VIRTIO_WL_CMD_VFD_SEND: `data` and the VFDs `vfd_ids` to VFD `vfd_id`.
struct CmdVfdSend {
    static constexpr std::uint32_t kType = kCmdVfdSend;
    std::uint32_t vfd_id = 0;
    std::vector<std::uint32_t> vfd_ids; // at most kSendMaxAllocs
    std::vector<std::uint8_t> data;
    bool operator==(const CmdVfdSend&) const = default;
};

// VIRTIO_WL_CMD_VFD_NEW_CTX: a new connection to the unnamed Wayland socket. The request's
// other vfd_new fields are not read (§1.3).
struct CmdVfdNewCtx {
    static constexpr std::uint32_t kType = kCmdVfdNewCtx;
    std::uint32_t vfd_id = 0;
    bool operator==(const CmdVfdNewCtx&) const = default;
};

// VIRTIO_WL_CMD_VFD_NEW_PIPE
struct CmdVfdNewPipe {
    static constexpr std::uint32_t kType = kCmdVfdNewPipe;
    std::uint32_t vfd_id = 0;
    std::uint32_t flags = 0; // exactly kVfdWrite or exactly kVfdRead (§1.7)
    bool operator==(const CmdVfdNewPipe&) const = default;
};

// VIRTIO_WL_CMD_VFD_NEW_DMABUF. Strides and offsets are outputs (RespVfdNewDmabuf).
struct CmdVfdNewDmabuf {
    static constexpr std::uint32_t kType = kCmdVfdNewDmabuf;
    std::uint32_t vfd_id = 0;
    std::uint32_t flags = 0;
    std::uint32_t width = 0;
    std::uint32_t height = 0;
    std::uint32_t format = 0; // DRM fourcc
    bool operator==(const CmdVfdNewDmabuf&) const = default;
};

// VIRTIO_WL_CMD_VFD_DMABUF_SYNC
struct CmdVfdDmabufSync {
    static constexpr std::uint32_t kType = kCmdVfdDmabufSync;
    std::uint32_t vfd_id = 0;
    std::uint32_t flags = 0; // DMA_BUF_SYNC_* within kDmabufSyncValidMask
    bool operator==(const CmdVfdDmabufSync&) const = default;
};

enum class ForeignKind : std::uint32_t {
    Local = kForeignKindLocal,                              // id = a VFD id
    Virtgpu = kForeignKindVirtgpu,                          // id = a virtio-gpu resource id
    VirtgpuFence = kForeignKindVirtgpuFence,                // seqno (SEND_FENCES only)
    VirtgpuSignaledFence = kForeignKindVirtgpuSignaledFence // seqno (SEND_FENCES only)
};

// One virtio_wl_ctrl_vfd_send_vfd[_v2] entry. `id` is used by Local and Virtgpu, `seqno` by
// the fence kinds; the other one is 0.
struct ForeignVfd {
    ForeignKind kind = ForeignKind::Local;
    std::uint32_t id = 0;
    std::uint64_t seqno = 0;
    bool operator==(const ForeignVfd&) const = default;
};

// VIRTIO_WL_CMD_VFD_SEND_FOREIGN_ID: like VFD_SEND, with typed entries (8 bytes each, 16 with
// SEND_FENCES).
struct CmdVfdSendForeignId {
    static constexpr std::uint32_t kType = kCmdVfdSendForeignId;
    std::uint32_t vfd_id = 0;
    std::vector<ForeignVfd> vfds; // at most kSendMaxAllocs
    std::vector<std::uint8_t> data;
    bool operator==(const CmdVfdSendForeignId&) const = default;
};

// VIRTIO_WL_CMD_VFD_NEW_CTX_NAMED: a connection to the Wayland socket called `name`.
struct CmdVfdNewCtxNamed {
    static constexpr std::uint32_t kType = kCmdVfdNewCtxNamed;
    std::uint32_t vfd_id = 0;
    std::string name; // UTF-8, at most 32 bytes, no NUL
    bool operator==(const CmdVfdNewCtxNamed&) const = default;
};

using Command =
    std::variant<CmdVfdNew, CmdVfdClose, CmdVfdSend, CmdVfdNewCtx, CmdVfdNewPipe, CmdVfdNewDmabuf,
                 CmdVfdDmabufSync, CmdVfdSendForeignId, CmdVfdNewCtxNamed>;

// ---- out queue: responses ---------------------------------------------------------------------

// VIRTIO_WL_RESP_OK
struct RespOk {
    static constexpr std::uint32_t kType = kRespOk;
    bool operator==(const RespOk&) const = default;
};

// VIRTIO_WL_RESP_VFD_NEW: answers VFD_NEW, VFD_NEW_PIPE, VFD_NEW_CTX[_NAMED].
struct RespVfdNew {
    static constexpr std::uint32_t kType = kRespVfdNew;
    std::uint32_t vfd_id = 0;
    std::uint32_t flags = 0;
    std::uint64_t pfn = 0;
    std::uint32_t size = 0;
    bool operator==(const RespVfdNew&) const = default;
};

// VIRTIO_WL_RESP_VFD_NEW_DMABUF
struct RespVfdNewDmabuf {
    static constexpr std::uint32_t kType = kRespVfdNewDmabuf;
    std::uint32_t vfd_id = 0;
    std::uint32_t flags = 0;
    std::uint64_t pfn = 0;
    std::uint32_t size = 0;
    std::uint32_t width = 0; // crosvm answers 0 for width, height and format (§1.7)
    std::uint32_t height = 0;
    std::uint32_t format = 0;
    std::array<std::uint32_t, layout::kDmabufPlanes> strides{};
    std::array<std::uint32_t, layout::kDmabufPlanes> offsets{};
    bool operator==(const RespVfdNewDmabuf&) const = default;
};

// The RESP_ERR family; the value is the wire type.
enum class ErrorCode : std::uint32_t {
    Err = kRespErr,
    OutOfMemory = kRespOutOfMemory,
    InvalidId = kRespInvalidId,
    InvalidType = kRespInvalidType,
    InvalidFlags = kRespInvalidFlags,
    InvalidCmd = kRespInvalidCmd,
};

// VIRTIO_WL_RESP_ERR, _OUT_OF_MEMORY, _INVALID_ID, _INVALID_TYPE, _INVALID_FLAGS, _INVALID_CMD
struct RespError {
    ErrorCode code = ErrorCode::Err;
    bool operator==(const RespError&) const = default;
};

using Response = std::variant<RespOk, RespVfdNew, RespVfdNewDmabuf, RespError>;

// ---- in queue ---------------------------------------------------------------------------------

// VIRTIO_WL_CMD_VFD_NEW on the in queue: the host announces host VFD `vfd_id` (§1.8).
struct InVfdNew {
    static constexpr std::uint32_t kType = kCmdVfdNew;
    std::uint32_t vfd_id = 0; // a host id (bit 30 set, bit 31 clear)
    std::uint32_t flags = 0;
    std::uint64_t pfn = 0;
    std::uint32_t size = 0;
    bool operator==(const InVfdNew&) const = default;
};

// VIRTIO_WL_CMD_VFD_RECV: `data` and new host VFDs `vfd_ids` arrived on VFD `vfd_id`.
struct InVfdRecv {
    static constexpr std::uint32_t kType = kCmdVfdRecv;
    std::uint32_t vfd_id = 0;
    std::vector<std::uint32_t> vfd_ids; // host ids, at most kSendMaxAllocs
    std::vector<std::uint8_t> data;
    bool operator==(const InVfdRecv&) const = default;
};

// VIRTIO_WL_CMD_VFD_HUP
struct InVfdHup {
    static constexpr std::uint32_t kType = kCmdVfdHup;
    std::uint32_t vfd_id = 0;
    bool operator==(const InVfdHup&) const = default;
};

using InQueueMessage = std::variant<InVfdNew, InVfdRecv, InVfdHup>;

} // namespace prism::vmbridge::virtio_wl
