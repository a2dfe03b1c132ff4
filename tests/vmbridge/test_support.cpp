#include "test_support.hpp"

namespace prism::vmbridge::virtio_wl {

void PrintTo(const ParseError& error, std::ostream* os) {
    *os << "ParseError{" << kind_name(error.kind) << ", type " << type_name(error.message_type)
        << " (0x" << std::hex << error.message_type << "), detail 0x" << error.detail << std::dec
        << "}";
}

} // namespace prism::vmbridge::virtio_wl

namespace prism::vmbridge::virtio_wl::test {

Bytes B(std::initializer_list<int> bytes, std::size_t pad_to) {
    Bytes out;
    for (int b : bytes) {
        out.push_back(static_cast<std::uint8_t>(b));
    }
    if (out.size() < pad_to) {
        out.resize(pad_to, 0);
    }
    return out;
}

Bytes prefix(const Bytes& bytes, std::size_t n) {
    return Bytes(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(n));
}

// Every byte below is written from the offsets in §1.4; little-endian throughout.

std::vector<Golden<Command>> command_goldens() {
    std::vector<Golden<Command>> g;
    g.push_back({"VFD_NEW (TRANS_FLAGS)",
                 kAll,
                 B({0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // hdr: type 0x100, flags 0
                    0xFE, 0x07, 0x00, 0x00,                         // vfd_id 0x7FE
                    0x00, 0x00, 0x00, 0x00,                         // flags 0
                    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // pfn 0
                    0x00, 0x20, 0x01, 0x00},                        // size 0x12000
                   64),                                             // union: zeros to 64
                 CmdVfdNew{.vfd_id = 0x7FE, .flags = 0, .size = 0x12000},
                 {8, 32}});
    g.push_back({"VFD_NEW (legacy WRITE|MAP)",
                 kLegacy,
                 B({0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // hdr
                    0x01, 0x00, 0x00, 0x00,                         // vfd_id 1
                    0x03, 0x00, 0x00, 0x00,                         // flags WRITE|MAP
                    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // pfn 0
                    0x00, 0x10, 0x00, 0x00},                        // size 0x1000
                   64),
                 CmdVfdNew{.vfd_id = 1, .flags = 3, .size = 0x1000},
                 {8, 32}});
    g.push_back({"VFD_CLOSE (host id)",
                 kAll,
                 B({0x01, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // hdr: type 0x101
                    0x03, 0x00, 0x00, 0x40}),                       // vfd_id 0x40000003
                 CmdVfdClose{.vfd_id = 0x40000003},
                 {8, 12}});
    g.push_back({"VFD_SEND",
                 kAll,
                 B({0x02, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // hdr: type 0x102
                    0x2A, 0x00, 0x00, 0x00,                         // vfd_id 42
                    0x02, 0x00, 0x00, 0x00,                         // vfd_count 2
                    0xFF, 0x07, 0x00, 0x00,                         // id 0x7FF
                    0x01, 0x00, 0x00, 0x40,                         // id 0x40000001
                    0x68, 0x69, 0x21}),                             // data "hi!"
                 CmdVfdSend{.vfd_id = 42, .vfd_ids = {0x7FF, 0x40000001}, .data = {'h', 'i', '!'}},
                 {8, 16, 24}});
    g.push_back({"VFD_SEND (no ids, no data)",
                 kLegacy,
                 B({0x02, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // hdr
                    0x00, 0x00, 0x00, 0x40,                         // vfd_id 0x40000000
                    0x00, 0x00, 0x00, 0x00}),                       // vfd_count 0
                 CmdVfdSend{.vfd_id = 0x40000000, .vfd_ids = {}, .data = {}},
                 {8, 16}});
    g.push_back({"VFD_NEW_CTX",
                 kAll,
                 B({0x04, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // hdr: type 0x104
                    0x03, 0x00, 0x00, 0x00,                         // vfd_id 3
                    0x03, 0x00, 0x00, 0x00},                        // flags READ|WRITE (driver)
                   64),
                 CmdVfdNewCtx{.vfd_id = 3},
                 {8, 12}});
    g.push_back({"VFD_NEW_PIPE (READ)",
                 kAll,
                 B({0x05, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // hdr: type 0x105
                    0x10, 0x00, 0x00, 0x00,                         // vfd_id 0x10
                    0x02, 0x00, 0x00, 0x00},                        // flags READ
                   64),
                 CmdVfdNewPipe{.vfd_id = 0x10, .flags = kVfdRead},
                 {8, 32}});
    g.push_back({"VFD_NEW_PIPE (WRITE, legacy)",
                 kLegacy,
                 B({0x05, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // hdr
                    0x11, 0x00, 0x00, 0x00,                         // vfd_id 0x11
                    0x01, 0x00, 0x00, 0x00},                        // flags WRITE
                   64),
                 CmdVfdNewPipe{.vfd_id = 0x11, .flags = kVfdWrite},
                 {8, 32}});
    g.push_back(
        {"VFD_NEW_DMABUF",
         kAll,
         B({0x07, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // hdr: type 0x107
            0x11, 0x00, 0x00, 0x00,                         // vfd_id 0x11
            0x00, 0x00, 0x00, 0x00,                         // flags 0
            0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // pfn 0
            0x00, 0x00, 0x00, 0x00,                         // size 0
            0x80, 0x07, 0x00, 0x00,                         // width 1920
            0x38, 0x04, 0x00, 0x00,                         // height 1080
            0x58, 0x52, 0x32, 0x34},                        // format 'XR24'
           64),                                             // strides/offsets 0
         CmdVfdNewDmabuf{
             .vfd_id = 0x11, .flags = 0, .width = 1920, .height = 1080, .format = 0x34325258},
         {8, 64}});
    g.push_back({"VFD_DMABUF_SYNC",
                 kAll,
                 B({0x08, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // hdr: type 0x108
                    0x11, 0x00, 0x00, 0x00,                         // vfd_id 0x11
                    0x05, 0x00, 0x00, 0x00}),                       // flags READ|END
                 CmdVfdDmabufSync{.vfd_id = 0x11, .flags = kDmabufSyncRead | kDmabufSyncEnd},
                 {8, 16}});
    g.push_back({"VFD_SEND_FOREIGN_ID (v1 entries)",
                 kTransOnly,
                 B({0x09, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // hdr: type 0x109
                    0x2A, 0x00, 0x00, 0x00,                         // vfd_id 42
                    0x02, 0x00, 0x00, 0x00,                         // vfd_count 2
                    0x00, 0x00, 0x00, 0x00, 0x05, 0x00, 0x00, 0x00, // LOCAL, id 5
                    0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x80, // VIRTGPU, id 0x80000001
                    0xAB}),                                         // data
                 CmdVfdSendForeignId{
                     .vfd_id = 42,
                     .vfds = {{ForeignKind::Local, 5, 0}, {ForeignKind::Virtgpu, 0x80000001, 0}},
                     .data = {0xAB}},
                 {8, 16, 32}});
    g.push_back({"VFD_SEND_FOREIGN_ID (v2 entries, SEND_FENCES)",
                 kAll,
                 B({0x09, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,   // hdr
                    0x02, 0x00, 0x00, 0x40,                           // vfd_id 0x40000002
                    0x04, 0x00, 0x00, 0x00,                           // vfd_count 4
                    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,   // LOCAL, pad
                    0xFF, 0x07, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,   //   id 0x7FF
                    0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,   // VIRTGPU, pad
                    0x34, 0x12, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,   //   id 0x1234
                    0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,   // VIRTGPU_FENCE, pad
                    0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01,   //   seqno
                    0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,   // VIRTGPU_SIGNALED_FENCE
                    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00}), //   seqno 0
                 CmdVfdSendForeignId{.vfd_id = 0x40000002,
                                     .vfds = {{ForeignKind::Local, 0x7FF, 0},
                                              {ForeignKind::Virtgpu, 0x1234, 0},
                                              {ForeignKind::VirtgpuFence, 0, 0x0102030405060708},
                                              {ForeignKind::VirtgpuSignaledFence, 0, 0}},
                                     .data = {}},
                 {8, 16, 80}});
    g.push_back({"VFD_NEW_CTX_NAMED",
                 kAll,
                 B({0x0A, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // hdr: type 0x10A
                    0x20, 0x00, 0x00, 0x00,                         // vfd_id 0x20
                    0x03, 0x00, 0x00, 0x00,                         // flags READ|WRITE (driver)
                    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // pfn 0
                    0x00, 0x00, 0x00, 0x00,                         // size 0
                    0x63, 0x61, 0x6D, 0xC3, 0xA9},                  // name "camé", NUL...
                   64),
                 CmdVfdNewCtxNamed{.vfd_id = 0x20, .name = "cam\xC3\xA9"},
                 {8, 64}});
    g.push_back({"VFD_NEW_CTX_NAMED (32-byte name, no NUL)",
                 kLegacy,
                 B({0x0A, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // hdr
                    0x21, 0x00, 0x00, 0x00,                         // vfd_id 0x21
                    0x03, 0x00, 0x00, 0x00,                         // flags READ|WRITE
                    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // pfn 0
                    0x00, 0x00, 0x00, 0x00,                         // size 0
                    0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, // "abcdefgh"
                    0x69, 0x6A, 0x6B, 0x6C, 0x6D, 0x6E, 0x6F, 0x70, // "ijklmnop"
                    0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, // "qrstuvwx"
                    0x79, 0x7A, 0x30, 0x31, 0x32, 0x33, 0x34, 0x35, // "yz012345"
                    0x00, 0x00, 0x00, 0x00}),                       // tail padding
                 CmdVfdNewCtxNamed{.vfd_id = 0x21, .name = "abcdefghijklmnopqrstuvwxyz012345"},
                 {8, 64}});
    return g;
}

std::vector<Golden<Response>> response_goldens() {
    std::vector<Golden<Response>> g;
    g.push_back({"RESP_OK", kAll, B({0x00, 0x10, 0x00, 0x00}), RespOk{}, {4}});
    g.push_back({"RESP_ERR", kAll, B({0x00, 0x11, 0x00, 0x00}), RespError{ErrorCode::Err}, {4}});
    g.push_back({"RESP_OUT_OF_MEMORY",
                 kAll,
                 B({0x01, 0x11, 0x00, 0x00}),
                 RespError{ErrorCode::OutOfMemory},
                 {4}});
    g.push_back({"RESP_INVALID_ID",
                 kAll,
                 B({0x02, 0x11, 0x00, 0x00}),
                 RespError{ErrorCode::InvalidId},
                 {4}});
    g.push_back({"RESP_INVALID_TYPE",
                 kLegacy,
                 B({0x03, 0x11, 0x00, 0x00}),
                 RespError{ErrorCode::InvalidType},
                 {4}});
    g.push_back({"RESP_INVALID_FLAGS",
                 kAll,
                 B({0x04, 0x11, 0x00, 0x00}),
                 RespError{ErrorCode::InvalidFlags},
                 {4}});
    g.push_back({"RESP_INVALID_CMD",
                 kAll,
                 B({0x05, 0x11, 0x00, 0x00}),
                 RespError{ErrorCode::InvalidCmd},
                 {4}});
    g.push_back({"RESP_VFD_NEW (shm, USE_SHMEM)",
                 kAll,
                 B({0x01, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // hdr: type 0x1001
                    0x05, 0x00, 0x00, 0x00,                         // vfd_id 5
                    0x00, 0x00, 0x00, 0x00,                         // flags 0
                    0xDE, 0xBC, 0x0A, 0x00, 0x00, 0x00, 0x00, 0x00, // pfn 0xABCDE
                    0x00, 0x30, 0x00, 0x00,                         // size 0x3000
                    0x00, 0x00, 0x00, 0x00}),                       // pad
                 RespVfdNew{.vfd_id = 5, .flags = 0, .pfn = 0xABCDE, .size = 0x3000},
                 {4, 32}});
    g.push_back({"RESP_VFD_NEW (legacy ctx, CONTROL)",
                 kLegacy,
                 B({0x01, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // hdr
                    0x07, 0x00, 0x00, 0x00,                         // vfd_id 7
                    0x04, 0x00, 0x00, 0x00,                         // flags CONTROL
                    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // pfn 0
                    0x00, 0x00, 0x00, 0x00,                         // size 0
                    0x00, 0x00, 0x00, 0x00}),                       // pad
                 RespVfdNew{.vfd_id = 7, .flags = kVfdLegacyControl, .pfn = 0, .size = 0},
                 {4, 32}});
    g.push_back({"RESP_VFD_NEW (legacy shm, absolute pfn)",
                 kLegacy,
                 B({0x01, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // hdr
                    0x08, 0x00, 0x00, 0x00,                         // vfd_id 8
                    0x03, 0x00, 0x00, 0x00,                         // flags WRITE|MAP
                    0x89, 0x67, 0x45, 0x23, 0x01, 0x00, 0x00, 0x00, // pfn 0x123456789
                    0x00, 0x10, 0x00, 0x00,                         // size 0x1000
                    0x00, 0x00, 0x00, 0x00}),                       // pad
                 RespVfdNew{.vfd_id = 8, .flags = 3, .pfn = 0x123456789, .size = 0x1000},
                 {4, 32}});
    g.push_back({"RESP_VFD_NEW_DMABUF",
                 kAll,
                 B({0x02, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // hdr: type 0x1002
                    0x11, 0x00, 0x00, 0x00,                         // vfd_id 0x11
                    0x00, 0x00, 0x00, 0x00,                         // flags 0
                    0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // pfn 0x100
                    0x00, 0x90, 0x7E, 0x00,                         // size 0x7E9000
                    0x00, 0x00, 0x00, 0x00,                         // width 0
                    0x00, 0x00, 0x00, 0x00,                         // height 0
                    0x00, 0x00, 0x00, 0x00,                         // format 0
                    0x00, 0x1E, 0x00, 0x00,                         // stride0 7680
                    0x00, 0x0F, 0x00, 0x00,                         // stride1 3840
                    0x44, 0x33, 0x22, 0x11,                         // stride2
                    0x00, 0x00, 0x00, 0x00,                         // offset0
                    0x00, 0x90, 0x7E, 0x00,                         // offset1
                    0x88, 0x77, 0x66, 0x55}),                       // offset2
                 RespVfdNewDmabuf{.vfd_id = 0x11,
                                  .flags = 0,
                                  .pfn = 0x100,
                                  .size = 0x7E9000,
                                  .width = 0,
                                  .height = 0,
                                  .format = 0,
                                  .strides = {7680, 3840, 0x11223344},
                                  .offsets = {0, 0x7E9000, 0x55667788}},
                 {4, 64}});
    return g;
}

std::vector<Golden<InQueueMessage>> in_queue_goldens() {
    std::vector<Golden<InQueueMessage>> g;
    g.push_back({"in VFD_NEW (socket, no memory)",
                 kAll,
                 B({0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // hdr: type 0x100
                    0x00, 0x00, 0x00, 0x40,                         // vfd_id 0x40000000
                    0x03, 0x00, 0x00, 0x00,                         // flags READ|WRITE
                    0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00, // pfn 0x100000 (none)
                    0x00, 0x00, 0x00, 0x00,                         // size 0
                    0x00, 0x00, 0x00, 0x00}),                       // pad
                 InVfdNew{.vfd_id = 0x40000000, .flags = 3, .pfn = 0x100000, .size = 0},
                 {8, 32}});
    g.push_back({"in VFD_NEW (shm)",
                 kAll,
                 B({0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // hdr
                    0x01, 0x00, 0x00, 0x40,                         // vfd_id 0x40000001
                    0x00, 0x00, 0x00, 0x00,                         // flags 0
                    0x20, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // pfn 0x20
                    0x00, 0x10, 0x00, 0x00,                         // size 0x1000
                    0x00, 0x00, 0x00, 0x00}),                       // pad
                 InVfdNew{.vfd_id = 0x40000001, .flags = 0, .pfn = 0x20, .size = 0x1000},
                 {8, 32}});
    g.push_back({"in VFD_NEW (fence)",
                 kTransOnly,
                 B({0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // hdr
                    0xFF, 0xFF, 0xFF, 0x7F,                         // vfd_id 0x7FFFFFFF
                    0x08, 0x00, 0x00, 0x00,                         // flags FENCE
                    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // pfn 0
                    0x00, 0x00, 0x00, 0x00,                         // size 0
                    0x00, 0x00, 0x00, 0x00}),                       // pad
                 InVfdNew{.vfd_id = 0x7FFFFFFF, .flags = kVfdFence, .pfn = 0, .size = 0},
                 {8, 32}});
    g.push_back({"VFD_RECV",
                 kAll,
                 B({0x03, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // hdr: type 0x103
                    0x03, 0x00, 0x00, 0x00,                         // vfd_id 3
                    0x02, 0x00, 0x00, 0x00,                         // vfd_count 2
                    0x00, 0x00, 0x00, 0x40,                         // id 0x40000000
                    0x01, 0x00, 0x00, 0x40,                         // id 0x40000001
                    0x6F, 0x6B}),                                   // data "ok"
                 InVfdRecv{.vfd_id = 3, .vfd_ids = {0x40000000, 0x40000001}, .data = {'o', 'k'}},
                 {8, 16, 24}});
    g.push_back({"VFD_HUP",
                 kLegacy,
                 B({0x06, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // hdr: type 0x106
                    0x05, 0x00, 0x00, 0x40}),                       // vfd_id 0x40000005
                 InVfdHup{.vfd_id = 0x40000005},
                 {8, 12}});
    return g;
}

} // namespace prism::vmbridge::virtio_wl::test
