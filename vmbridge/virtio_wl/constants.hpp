// Every number of the virtio-wl wire protocol, in one place.
//
// Source: docs/vmbridge.md, "Protocol reference"; "§" references are to its numbered
// sections. Everything on the wire is little-endian (its conventions). Numbers it calls
// uncertain or version dependent (§4), and choices it leaves open, are marked UNCERTAIN with
// the reason: change them here and nowhere else.
#pragma once

#include <cstddef>
#include <cstdint>

namespace prism::vmbridge::virtio_wl {

// ---- §1.1 device identity, queues, uapi limits ------------------------------------------------

inline constexpr std::uint32_t kVirtioIdWl = 63;
inline constexpr std::uint16_t kQueueIn = 0;  // device -> driver (VIRTWL_VQ_IN)
inline constexpr std::uint16_t kQueueOut = 1; // driver -> device (VIRTWL_VQ_OUT)
inline constexpr std::uint16_t kQueueCount = 2;
inline constexpr std::size_t kInBufferSize = 4096;  // VIRTWL_IN_BUFFER_SIZE: one in-queue message
inline constexpr std::size_t kOutBufferSize = 4096; // VIRTWL_OUT_BUFFER_SIZE
inline constexpr std::uint32_t kMaxAlloc = 0x800;   // VIRTWL_MAX_ALLOC (§1.1, §1.6)
inline constexpr unsigned kPfnShift = 12;           // VIRTWL_PFN_SHIFT
inline constexpr std::uint64_t kPageSize = std::uint64_t{1} << kPfnShift;
inline constexpr std::uint32_t kSendMaxAllocs = 28; // VIRTWL_SEND_MAX_ALLOCS (§1.1, §1.11)

// ---- §1.2 feature bits (bit numbers) ----------------------------------------------------------

inline constexpr unsigned kFeatureTransFlags = 1; // VIRTIO_WL_F_TRANS_FLAGS
inline constexpr unsigned kFeatureSendFences = 2; // VIRTIO_WL_F_SEND_FENCES
// UNCERTAIN (§4): no uapi header revision defining VIRTIO_WL_F_USE_SHMEM was
// found; bit 3 comes from crosvm and from the guest driver code that tests it (consistent).
inline constexpr unsigned kFeatureUseShmem = 3; // VIRTIO_WL_F_USE_SHMEM
// Base virtio bits crosvm offers next to the wl ones (§1.2).
inline constexpr unsigned kFeatureRingEventIdx = 29; // VIRTIO_RING_F_EVENT_IDX
inline constexpr unsigned kFeatureVersion1 = 32;     // VIRTIO_F_VERSION_1
inline constexpr unsigned kFeatureSuspend = 42;      // VIRTIO_F_SUSPEND (crosvm-specific)

// ---- §1.3 message types (enum virtio_wl_ctrl_type) --------------------------------------------

inline constexpr std::uint32_t kCmdVfdNew = 0x100;
inline constexpr std::uint32_t kCmdVfdClose = 0x101;
inline constexpr std::uint32_t kCmdVfdSend = 0x102;
inline constexpr std::uint32_t kCmdVfdRecv = 0x103; // in-queue only
inline constexpr std::uint32_t kCmdVfdNewCtx = 0x104;
inline constexpr std::uint32_t kCmdVfdNewPipe = 0x105;
inline constexpr std::uint32_t kCmdVfdHup = 0x106; // in-queue only
inline constexpr std::uint32_t kCmdVfdNewDmabuf = 0x107;
inline constexpr std::uint32_t kCmdVfdDmabufSync = 0x108;
inline constexpr std::uint32_t kCmdVfdSendForeignId = 0x109;
inline constexpr std::uint32_t kCmdVfdNewCtxNamed = 0x10A;

inline constexpr std::uint32_t kRespOk = 0x1000;
inline constexpr std::uint32_t kRespVfdNew = 0x1001;
inline constexpr std::uint32_t kRespVfdNewDmabuf = 0x1002;
inline constexpr std::uint32_t kRespErr = 0x1100;
inline constexpr std::uint32_t kRespOutOfMemory = 0x1101;
inline constexpr std::uint32_t kRespInvalidId = 0x1102;
inline constexpr std::uint32_t kRespInvalidType = 0x1103;
inline constexpr std::uint32_t kRespInvalidFlags = 0x1104;
inline constexpr std::uint32_t kRespInvalidCmd = 0x1105;

// ---- §1.4 struct layouts: byte offsets and sizes ----------------------------------------------

namespace layout {

// virtio_wl_ctrl_hdr (8)
inline constexpr std::size_t kHdrType = 0;
inline constexpr std::size_t kHdrFlags = 4;
inline constexpr std::size_t kHdrSize = 8;

// virtio_wl_ctrl_vfd (12): hdr, vfd_id
inline constexpr std::size_t kVfdId = 8;
inline constexpr std::size_t kCtrlVfdSize = 12;

// virtio_wl_ctrl_vfd_new (64): hdr, vfd_id, flags, pfn, size, union
inline constexpr std::size_t kNewFlags = 12;
inline constexpr std::size_t kNewPfn = 16;
inline constexpr std::size_t kNewSize = 24;
inline constexpr std::size_t kNewUnion = 28;
inline constexpr std::size_t kNewUnionSize = 36;
// UNCERTAIN (§1.4): 64 in current headers, 32 in the oldest ones. The guest driver always sends
// 64 and supplies a 64-byte response buffer; this is what build() writes for requests.
inline constexpr std::size_t kCtrlVfdNewSize = 64;
// crosvm's CtrlVfdNew: hdr, id, flags, pfn, size, pad u32 (§1.4). Written for RESP_VFD_NEW and
// in-queue CMD_VFD_NEW; the most crosvm reads for VFD_NEW / VFD_NEW_PIPE.
inline constexpr std::size_t kCtrlVfdNewPrefixSize = 32;
// dmabuf arm of the union
inline constexpr std::size_t kDmabufWidth = 28;
inline constexpr std::size_t kDmabufHeight = 32;
inline constexpr std::size_t kDmabufFormat = 36;
inline constexpr std::size_t kDmabufStride0 = 40; // stride1 @44, stride2 @48
inline constexpr std::size_t kDmabufOffset0 = 52; // offset1 @56, offset2 @60
inline constexpr std::size_t kDmabufPlanes = 3;
// name arm of the union (NEW_CTX_NAMED): NUL-terminated unless all 32 bytes are used
inline constexpr std::size_t kName = 28;
inline constexpr std::size_t kNameSize = 32;

// virtio_wl_ctrl_vfd_send (16) / virtio_wl_ctrl_vfd_recv (16): hdr, vfd_id, vfd_count, entries
inline constexpr std::size_t kVfdCount = 12;
inline constexpr std::size_t kCtrlVfdSendSize = 16;
inline constexpr std::size_t kCtrlVfdRecvSize = 16;
inline constexpr std::size_t kVfdIdEntrySize = 4; // VFD_SEND / VFD_RECV entries: u32 ids

// virtio_wl_ctrl_vfd_send_vfd (8): kind, id
inline constexpr std::size_t kSendVfdKind = 0;
inline constexpr std::size_t kSendVfdId = 4;
inline constexpr std::size_t kSendVfdSize = 8;
// virtio_wl_ctrl_vfd_send_vfd_v2 (16, SEND_FENCES): kind, pad, union { id u32; seqno u64 }
inline constexpr std::size_t kSendVfdV2Kind = 0;
inline constexpr std::size_t kSendVfdV2Value = 8;
inline constexpr std::size_t kSendVfdV2Size = 16;

// virtio_wl_ctrl_vfd_dmabuf_sync (16): hdr, vfd_id, flags
inline constexpr std::size_t kSyncFlags = 12;
inline constexpr std::size_t kCtrlVfdDmabufSyncSize = 16;

static_assert(kHdrFlags + 4 == kHdrSize);
static_assert(kVfdId == kHdrSize && kVfdId + 4 == kCtrlVfdSize);
static_assert(kNewFlags == kCtrlVfdSize && kNewPfn == kNewFlags + 4 && kNewSize == kNewPfn + 8);
static_assert(kNewUnion == kNewSize + 4 && kNewUnion + kNewUnionSize == kCtrlVfdNewSize);
static_assert(kCtrlVfdNewSize == 64 && kCtrlVfdNewPrefixSize == kNewUnion + 4);
static_assert(kDmabufHeight == kDmabufWidth + 4 && kDmabufFormat == kDmabufHeight + 4);
static_assert(kDmabufStride0 == kDmabufFormat + 4);
static_assert(kDmabufOffset0 == kDmabufStride0 + 4 * kDmabufPlanes);
static_assert(kDmabufOffset0 + 4 * kDmabufPlanes == kCtrlVfdNewSize);
static_assert(kName == kNewUnion && kName + kNameSize + 4 == kCtrlVfdNewSize);
static_assert(kVfdCount == kCtrlVfdSize && kCtrlVfdSendSize == 16 && kCtrlVfdRecvSize == 16);
static_assert(kSendVfdId + 4 == kSendVfdSize && kSendVfdSize == 8);
static_assert(kSendVfdV2Value + 8 == kSendVfdV2Size && kSendVfdV2Size == 16);
static_assert(kSyncFlags == kCtrlVfdSize && kSyncFlags + 4 == kCtrlVfdDmabufSyncSize);

} // namespace layout

// ---- §1.4 / §1.7 minimum request lengths the device accepts (what crosvm reads) ---------------
// UNCERTAIN (§1.4): the driver always sends 64 bytes for every vfd_new-based request; crosvm
// reads less for some of them. Accepting exactly what crosvm reads keeps old guests working.

inline constexpr std::size_t kMinVfdNew = layout::kCtrlVfdNewPrefixSize;     // 32-byte prefix
inline constexpr std::size_t kMinVfdNewPipe = layout::kCtrlVfdNewPrefixSize; // 32-byte prefix
inline constexpr std::size_t kMinVfdNewCtx = layout::kCtrlVfdSize; // "reads only the first 12"
inline constexpr std::size_t kMinVfdNewDmabuf = layout::kCtrlVfdNewSize;   // full 64
inline constexpr std::size_t kMinVfdNewCtxNamed = layout::kCtrlVfdNewSize; // full 64 (4 B tail)

// ---- §1.7 response sizes -----------------------------------------------------------------------

// UNCERTAIN (§1.7, §3.4): crosvm writes only the 4-byte type for OK and every error code (used
// len 4) although the header is 8 bytes; the driver reads only hdr.type. build() copies crosvm.
inline constexpr std::size_t kStatusResponseSize = 4;
inline constexpr std::size_t kRespVfdNewSize = layout::kCtrlVfdNewPrefixSize; // 32 (§1.7)
inline constexpr std::size_t kRespVfdNewDmabufSize = layout::kCtrlVfdNewSize; // 64 (§1.7)
inline constexpr std::size_t kInVfdNewSize = layout::kCtrlVfdNewPrefixSize;   // 32 (§1.8)

// ---- §1.5 VFD flags ----------------------------------------------------------------------------

// Legacy (TRANS_FLAGS not negotiated)
inline constexpr std::uint32_t kVfdLegacyWrite = 0x1;
inline constexpr std::uint32_t kVfdLegacyMap = 0x2;
inline constexpr std::uint32_t kVfdLegacyControl = 0x4;
inline constexpr std::uint32_t kVfdLegacyMask = kVfdLegacyWrite | kVfdLegacyMap | kVfdLegacyControl;
// TRANS_FLAGS negotiated (READ shares its value with legacy MAP)
inline constexpr std::uint32_t kVfdWrite = 0x1;
inline constexpr std::uint32_t kVfdRead = 0x2;
inline constexpr std::uint32_t kVfdFence = 0x8;
inline constexpr std::uint32_t kVfdTransMask = kVfdWrite | kVfdRead | kVfdFence;
// §1.7 VFD_NEW without TRANS_FLAGS: flags other than these are answered RESP_ERR (not
// INVALID_FLAGS).
inline constexpr std::uint32_t kVfdNewLegacyAllowed = kVfdLegacyWrite | kVfdLegacyMap;
// §3.2: flags the driver puts in VFD_NEW_CTX (crosvm ignores them: it reads 12 bytes). The
// document does not say what the driver sends for VFD_NEW_CTX_NAMED; build() uses the same.
inline constexpr std::uint32_t kVfdNewCtxRequestFlags = kVfdRead | kVfdWrite;

// §1.4 VFD_DMABUF_SYNC flags (DMA_BUF_SYNC_*)
inline constexpr std::uint32_t kDmabufSyncRead = 0x1;
inline constexpr std::uint32_t kDmabufSyncWrite = 0x2;
inline constexpr std::uint32_t kDmabufSyncEnd = 0x4;
inline constexpr std::uint32_t kDmabufSyncValidMask = 0x7;

// §1.4 VFD_SEND_FOREIGN_ID entry kinds
inline constexpr std::uint32_t kForeignKindLocal = 0;
inline constexpr std::uint32_t kForeignKindVirtgpu = 1;
inline constexpr std::uint32_t kForeignKindVirtgpuFence = 2;
inline constexpr std::uint32_t kForeignKindVirtgpuSignaledFence = 3;

// ---- §1.6 VFD ids ------------------------------------------------------------------------------

inline constexpr std::uint32_t kGuestIdMin = 1;             // idr_alloc(.., 1, VIRTWL_MAX_ALLOC)
inline constexpr std::uint32_t kGuestIdMax = kMaxAlloc - 1; // 0x7FF
inline constexpr std::uint32_t kVfdIdHostMask = 0x40000000; // VFD_ID_HOST_MASK
inline constexpr std::uint32_t kVfdIllegalSignBit = 0x80000000; // VFD_ILLEGAL_SIGN_BIT
inline constexpr std::uint32_t kHostIdBase = 0x40000000;        // crosvm NEXT_VFD_ID_BASE
// UNCERTAIN (§1.6): the device rule is only "a creation id with the host bit is INVALID_ID";
// crosvm accepts any other id. The guest driver allocates only 1..0x7FF, so prism also answers
// INVALID_ID for creation ids outside that range (and treats ids that are neither a guest id
// nor a host id as unknown). Set false to accept exactly what crosvm accepts.
inline constexpr bool kStrictGuestIdRange = true;

// ---- §1.8 in-queue limits ----------------------------------------------------------------------

// IN_BUFFER_LEN: the most data one VFD_RECV carries next to 28 ids.
inline constexpr std::size_t kInRecvMaxData =
    kInBufferSize - layout::kCtrlVfdRecvSize - kSendMaxAllocs * layout::kVfdIdEntrySize;
static_assert(kInRecvMaxData == 3968);

// ---- §1.9 shared memory ------------------------------------------------------------------------

// UNCERTAIN (§1.9): crosvm's WL_SHMEM_SIZE (region shmid 0). The size is the device's choice;
// with USE_SHMEM, "no memory" is encoded as the first pfn past the region.
inline constexpr std::uint8_t kShmemRegionId = 0;
inline constexpr std::uint64_t kShmemRegionSize = std::uint64_t{1} << 32;
inline constexpr std::uint64_t kShmemNoMemoryPfn = kShmemRegionSize >> kPfnShift;
static_assert(kShmemNoMemoryPfn == 0x100000);
inline constexpr std::uint64_t kLegacyNoMemoryPfn = 0; // without USE_SHMEM (§1.9)
// A choice of prism's (§1.9): the device never places memory at region offset 0, so pfn 0
// means "no memory" in every response (contexts and pipes carry a literal 0, §1.9) and a guest
// can never mistake a context for mapped memory.
inline constexpr std::uint64_t kShmemFirstOffset = kPageSize;

// ---- §1.7 malformed input -> response code -----------------------------------------------------
// Where the document names the response these are exact; where it is silent they are choices.

// "Internal failures (..., bad UTF-8 name, parse error) -> RESP_ERR": truncated requests.
inline constexpr std::uint32_t kRespForTruncated = kRespErr;
// "vfd_count > 28 -> INVALID_CMD (added 2025)". UNCERTAIN: older crosvm differed.
inline constexpr std::uint32_t kRespForTooManyVfds = kRespInvalidCmd;
// UNCERTAIN (§1.4, §1.7 silent): an unknown VFD_SEND_FOREIGN_ID kind, or a fence kind without
// SEND_FENCES (v1 entries have no seqno). INVALID_TYPE ("not a sendable kind of fd", -EINVAL).
inline constexpr std::uint32_t kRespForBadForeignKind = kRespInvalidType;

} // namespace prism::vmbridge::virtio_wl
