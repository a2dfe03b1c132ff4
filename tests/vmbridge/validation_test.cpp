// Malformed input: every error class, the exact response §1.7 requires for it, and the
// feature-dependent rules.
#include "test_support.hpp"

#include "vmbridge/virtio_wl/le.hpp"

#include <cerrno>
#include <gtest/gtest.h>

namespace prism::vmbridge::virtio_wl::test {
namespace {

using Kind = ParseError::Kind;

Response resp(ErrorCode code) {
    return Response{RespError{code}};
}

// A zeroed request of `size` bytes: type, vfd_id, and the u32 at offset 12 (flags or count).
Bytes request(std::uint32_t type, std::size_t size, std::uint32_t vfd_id, std::uint32_t word12) {
    Bytes b(size, 0);
    store_le32(b, 0, type);
    if (size >= 12) {
        store_le32(b, 8, vfd_id);
    }
    if (size >= 16) {
        store_le32(b, 12, word12);
    }
    return b;
}

// Expects `parsed` to fail with `kind` (and `detail`), answered by `code`.
template <class T>
void expect_error(const Parsed<T>& parsed, Kind kind, std::uint64_t detail, ErrorCode code) {
    ASSERT_FALSE(parsed.ok());
    EXPECT_EQ(parsed.error().kind, kind) << ::testing::PrintToString(parsed.error());
    EXPECT_EQ(parsed.error().detail, detail) << ::testing::PrintToString(parsed.error());
    EXPECT_EQ(error_response_for(parsed.error()), resp(code));
}

constexpr std::uint32_t kCreationTypes[] = {kCmdVfdNew, kCmdVfdNewCtx, kCmdVfdNewPipe,
                                            kCmdVfdNewDmabuf, kCmdVfdNewCtxNamed};

// ---- type / support -----------------------------------------------------------------------------

TEST(VirtioWlValidation, UnknownCommandTypeIsInvalidCmd) {
    for (std::uint32_t type :
         {0u, 0xFFu, 0x103u /* in-queue only */, 0x106u, 0x10Bu, 0x1000u, 0x1105u, 0xFFFFFFFFu}) {
        SCOPED_TRACE(type);
        for (std::size_t size : {8u, 64u}) {
            auto r = parse_command(request(type, size, 1, 0), kAll);
            expect_error(r, Kind::UnknownType, 0, ErrorCode::InvalidCmd);
            EXPECT_EQ(r.error().message_type, type);
        }
    }
}

TEST(VirtioWlValidation, UnsupportedCommandsAreInvalidCmdBeforeAnyOtherCheck) {
    const DeviceSupport none{.dmabuf = false, .foreign_id = false};
    for (std::uint32_t type : {kCmdVfdNewDmabuf, kCmdVfdDmabufSync, kCmdVfdSendForeignId}) {
        SCOPED_TRACE(type);
        // Even with a truncated body and a bad id: sommelier's probe needs ENOTTY (§1.7, §3.3).
        expect_error(parse_command(request(type, 8, 0, 0), kAll, none), Kind::Unsupported, 0,
                     ErrorCode::InvalidCmd);
        expect_error(parse_command(request(type, 64, 0xFFFFFFFF, 0xFF), kAll, none),
                     Kind::Unsupported, 0, ErrorCode::InvalidCmd);
    }
    EXPECT_TRUE(parse_command(request(kCmdVfdNewDmabuf, 64, 1, 0), kAll,
                              DeviceSupport{.dmabuf = true, .foreign_id = false})
                    .ok());
    EXPECT_TRUE(parse_command(request(kCmdVfdSendForeignId, 16, 1, 0), kAll,
                              DeviceSupport{.dmabuf = false, .foreign_id = true})
                    .ok());
    // The sommelier probe itself: width = height = format = 0 parses on a dmabuf device.
    EXPECT_TRUE(parse_command(request(kCmdVfdNewDmabuf, 64, 1, 0), kAll).ok());
}

TEST(VirtioWlValidation, ShortHeaderIsTruncated) {
    for (std::size_t size = 0; size < 8; ++size) {
        expect_error(parse_command(Bytes(size, 0xFF), kAll), Kind::Truncated, 8, ErrorCode::Err);
        expect_error(parse_in_queue(Bytes(size, 0xFF), kAll), Kind::Truncated, 8, ErrorCode::Err);
    }
    for (std::size_t size = 0; size < 4; ++size) {
        expect_error(parse_response(Bytes(size, 0x10), kAll), Kind::Truncated, 4, ErrorCode::Err);
    }
}

// ---- counts -------------------------------------------------------------------------------------

TEST(VirtioWlValidation, TooManyVfdsIsInvalidCmd) {
    for (std::uint32_t type : {kCmdVfdSend, kCmdVfdSendForeignId}) {
        SCOPED_TRACE(type);
        for (Features f : {kAll, kLegacy}) {
            // 29 entries announced and present: the count alone is the error.
            Bytes b = request(type, 16 + 29 * 16, 1, 29);
            expect_error(parse_command(b, f), Kind::TooManyVfds, 29, ErrorCode::InvalidCmd);
            // A huge count is rejected without reading (or overflowing) anything.
            expect_error(parse_command(request(type, 16, 1, 0xFFFFFFFF), f), Kind::TooManyVfds,
                         0xFFFFFFFF, ErrorCode::InvalidCmd);
            expect_error(parse_command(request(type, 16, 1, 0x40000000), f), Kind::TooManyVfds,
                         0x40000000, ErrorCode::InvalidCmd);
        }
    }
}

TEST(VirtioWlValidation, TwentyEightVfdsIsTheMaximum) {
    CmdVfdSend send{.vfd_id = 1, .vfd_ids = {}, .data = {1, 2, 3}};
    CmdVfdSendForeignId foreign{.vfd_id = 1, .vfds = {}, .data = {}};
    for (std::uint32_t i = 1; i <= kSendMaxAllocs; ++i) {
        send.vfd_ids.push_back(i);
        foreign.vfds.push_back({ForeignKind::Local, i, 0});
    }
    for (Features f : {kAll, kLegacy}) {
        auto s = parse_command(build(send, f), f);
        ASSERT_TRUE(s.ok());
        EXPECT_TRUE(s.value() == Command{send});
        auto fi = parse_command(build(foreign, f), f);
        ASSERT_TRUE(fi.ok());
        EXPECT_TRUE(fi.value() == Command{foreign});
    }
    send.vfd_ids.push_back(29);
    expect_error(parse_command(build(send, kAll), kAll), Kind::TooManyVfds, 29,
                 ErrorCode::InvalidCmd);
}

TEST(VirtioWlValidation, CountLongerThanBufferIsTruncated) {
    // Two ids announced, one present.
    Bytes b = request(kCmdVfdSend, 20, 1, 2);
    store_le32(b, 16, 2);
    expect_error(parse_command(b, kAll), Kind::Truncated, 24, ErrorCode::Err);
    // Foreign entries are 8 bytes without SEND_FENCES and 16 with it.
    Bytes f = request(kCmdVfdSendForeignId, 16 + 8, 1, 1);
    store_le32(f, 16, kForeignKindVirtgpu);
    EXPECT_TRUE(parse_command(f, kTransOnly).ok());
    expect_error(parse_command(f, kAll), Kind::Truncated, 32, ErrorCode::Err);
}

// ---- ids ----------------------------------------------------------------------------------------

TEST(VirtioWlValidation, CreationIdsMustBeGuestIds) {
    for (std::uint32_t type : kCreationTypes) {
        SCOPED_TRACE(type);
        const std::uint32_t flags = type == kCmdVfdNewPipe ? kVfdWrite : 0;
        for (std::uint32_t id :
             {0u, 0x800u, 0x3FFFFFFFu, 0x40000000u, 0x40000005u, 0x80000000u, 0xFFFFFFFFu}) {
            SCOPED_TRACE(id);
            expect_error(parse_command(request(type, 64, id, flags), kAll), Kind::InvalidId, id,
                         ErrorCode::InvalidId);
        }
        for (std::uint32_t id : {1u, 0x7FFu}) {
            EXPECT_TRUE(parse_command(request(type, 64, id, flags), kAll).ok());
        }
    }
}

TEST(VirtioWlValidation, ExistingIdsMustBeGuestOrHostIds) {
    const Bytes sync_template = request(kCmdVfdDmabufSync, 16, 0, 0);
    for (std::uint32_t id : {0u, 0x800u, 0x3FFFFFFFu, 0x80000000u, 0xC0000000u, 0xFFFFFFFFu}) {
        SCOPED_TRACE(id);
        expect_error(parse_command(request(kCmdVfdClose, 12, id, 0), kAll), Kind::InvalidId, id,
                     ErrorCode::InvalidId);
        expect_error(parse_command(request(kCmdVfdDmabufSync, 16, id, 0), kAll), Kind::InvalidId,
                     id, ErrorCode::InvalidId);
        // As the target of a send.
        expect_error(parse_command(request(kCmdVfdSend, 16, id, 0), kAll), Kind::InvalidId, id,
                     ErrorCode::InvalidId);
        expect_error(parse_command(request(kCmdVfdSendForeignId, 16, id, 0), kAll), Kind::InvalidId,
                     id, ErrorCode::InvalidId);
        // As a sent VFD.
        Bytes send = request(kCmdVfdSend, 24, 1, 2);
        store_le32(send, 16, 0x40000000);
        store_le32(send, 20, id);
        expect_error(parse_command(send, kAll), Kind::InvalidId, id, ErrorCode::InvalidId);
        // As a LOCAL foreign entry (v1 and v2).
        CmdVfdSendForeignId foreign{.vfd_id = 1, .vfds = {{ForeignKind::Local, id, 0}}, .data = {}};
        for (Features f : {kTransOnly, kAll}) {
            expect_error(parse_command(build(foreign, f), f), Kind::InvalidId, id,
                         ErrorCode::InvalidId);
        }
        // In the in queue.
        expect_error(parse_in_queue(request(kCmdVfdHup, 12, id, 0), kAll), Kind::InvalidId, id,
                     ErrorCode::InvalidId);
    }
    for (std::uint32_t id : {1u, 0x7FFu, 0x40000000u, 0x7FFFFFFFu}) {
        SCOPED_TRACE(id);
        EXPECT_TRUE(parse_command(request(kCmdVfdClose, 12, id, 0), kAll).ok());
        EXPECT_TRUE(parse_command(request(kCmdVfdDmabufSync, 16, id, 0), kAll).ok());
        EXPECT_TRUE(parse_command(request(kCmdVfdSend, 16, id, 0), kAll).ok());
        EXPECT_TRUE(parse_in_queue(request(kCmdVfdHup, 12, id, 0), kAll).ok());
    }
}

TEST(VirtioWlValidation, VirtgpuResourceIdsAreNotVfdIds) {
    for (std::uint32_t id : {0u, 0x800u, 0x80000000u, 0xFFFFFFFFu}) {
        CmdVfdSendForeignId foreign{
            .vfd_id = 1, .vfds = {{ForeignKind::Virtgpu, id, 0}}, .data = {}};
        for (Features f : {kTransOnly, kAll}) {
            auto r = parse_command(build(foreign, f), f);
            ASSERT_TRUE(r.ok());
            EXPECT_TRUE(r.value() == Command{foreign});
        }
    }
}

TEST(VirtioWlValidation, HostMessagesCarryHostIds) {
    for (std::uint32_t id : {0u, 5u, 0x7FFu, 0x3FFFFFFFu, 0x80000000u, 0xC0000000u}) {
        SCOPED_TRACE(id);
        expect_error(
            parse_in_queue(build(InVfdNew{.vfd_id = id, .flags = 0, .pfn = 0, .size = 0}), kAll),
            Kind::InvalidId, id, ErrorCode::InvalidId);
        expect_error(
            parse_in_queue(build(InVfdRecv{.vfd_id = 1, .vfd_ids = {0x40000000, id}, .data = {}}),
                           kAll),
            Kind::InvalidId, id, ErrorCode::InvalidId);
    }
    // A response to a creation request echoes a guest id.
    expect_error(
        parse_response(build(RespVfdNew{.vfd_id = 0x40000001, .flags = 0, .pfn = 0, .size = 0}),
                       kAll),
        Kind::InvalidId, 0x40000001, ErrorCode::InvalidId);
    EXPECT_TRUE(is_host_vfd_id(kHostIdBase));
    EXPECT_FALSE(is_guest_vfd_id(kHostIdBase));
    EXPECT_TRUE(is_guest_vfd_id(kGuestIdMax));
    EXPECT_FALSE(is_vfd_id(0));
}

// ---- flags --------------------------------------------------------------------------------------

TEST(VirtioWlValidation, VfdNewFlagsDependOnTransFlags) {
    for (std::uint32_t flags : {1u, 2u, 3u, 4u, 8u, 0x80000000u}) {
        SCOPED_TRACE(flags);
        expect_error(parse_command(request(kCmdVfdNew, 64, 1, flags), kAll), Kind::InvalidFlags,
                     flags, ErrorCode::InvalidFlags);
    }
    // Legacy: WRITE|MAP at most, and anything else is RESP_ERR, not INVALID_FLAGS (§1.7).
    for (std::uint32_t flags : {4u, 5u, 7u, 8u, 0x80000000u}) {
        SCOPED_TRACE(flags);
        expect_error(parse_command(request(kCmdVfdNew, 64, 1, flags), kLegacy),
                     Kind::LegacyAllocFlags, flags, ErrorCode::Err);
    }
    for (std::uint32_t flags : {0u, 1u, 2u, 3u}) {
        EXPECT_TRUE(parse_command(request(kCmdVfdNew, 64, 1, flags), kLegacy).ok());
    }
    EXPECT_TRUE(parse_command(request(kCmdVfdNew, 64, 1, 0), kAll).ok());
}

TEST(VirtioWlValidation, PipeFlagsAreExactlyReadOrWrite) {
    for (Features f : {kAll, kLegacy}) {
        for (std::uint32_t flags : {0u, 3u, 4u, 8u, 9u, 0x80000001u}) {
            SCOPED_TRACE(flags);
            expect_error(parse_command(request(kCmdVfdNewPipe, 64, 1, flags), f),
                         Kind::InvalidFlags, flags, ErrorCode::InvalidFlags);
        }
        EXPECT_TRUE(parse_command(request(kCmdVfdNewPipe, 64, 1, kVfdRead), f).ok());
        EXPECT_TRUE(parse_command(request(kCmdVfdNewPipe, 64, 1, kVfdWrite), f).ok());
    }
}

TEST(VirtioWlValidation, DmabufSyncFlagsWithinValidMask) {
    for (std::uint32_t flags = 0; flags <= kDmabufSyncValidMask; ++flags) {
        EXPECT_TRUE(parse_command(request(kCmdVfdDmabufSync, 16, 1, flags), kAll).ok());
    }
    for (std::uint32_t flags : {8u, 9u, 0x10u, 0xFFFFFFFFu}) {
        // Flags are checked before the id (§1.7 order).
        expect_error(parse_command(request(kCmdVfdDmabufSync, 16, 0, flags), kAll),
                     Kind::InvalidFlags, flags, ErrorCode::InvalidFlags);
    }
}

TEST(VirtioWlValidation, ResponseAndHostFlagsFollowTheFeatures) {
    // FENCE only exists with TRANS_FLAGS, CONTROL only without.
    const RespVfdNew fence{.vfd_id = 1, .flags = kVfdFence, .pfn = 0, .size = 0};
    EXPECT_TRUE(parse_response(build(fence), kTransOnly).ok());
    expect_error(parse_response(build(fence), kLegacy), Kind::InvalidFlags, kVfdFence,
                 ErrorCode::InvalidFlags);
    const RespVfdNew control{.vfd_id = 1, .flags = kVfdLegacyControl, .pfn = 0, .size = 0};
    EXPECT_TRUE(parse_response(build(control), kLegacy).ok());
    expect_error(parse_response(build(control), kTransOnly), Kind::InvalidFlags, kVfdLegacyControl,
                 ErrorCode::InvalidFlags);
    const InVfdNew host{.vfd_id = 0x40000000, .flags = 0x10, .pfn = 0, .size = 0};
    expect_error(parse_in_queue(build(host), kAll), Kind::InvalidFlags, 0x10,
                 ErrorCode::InvalidFlags);
    expect_error(parse_in_queue(build(host), kLegacy), Kind::InvalidFlags, 0x10,
                 ErrorCode::InvalidFlags);
    RespVfdNewDmabuf dmabuf{};
    dmabuf.vfd_id = 1;
    dmabuf.flags = kVfdFence | kVfdLegacyControl;
    expect_error(parse_response(build(dmabuf), kAll), Kind::InvalidFlags, 0xC,
                 ErrorCode::InvalidFlags);
    EXPECT_EQ(valid_vfd_flags(kAll), 0xBu);
    EXPECT_EQ(valid_vfd_flags(kLegacy), 0x7u);
}

// ---- foreign ids --------------------------------------------------------------------------------

TEST(VirtioWlValidation, FenceKindsNeedSendFences) {
    for (std::uint32_t kind : {kForeignKindVirtgpuFence, kForeignKindVirtgpuSignaledFence}) {
        Bytes v1 = request(kCmdVfdSendForeignId, 24, 1, 1);
        store_le32(v1, 16, kind);
        store_le32(v1, 20, 7);
        expect_error(parse_command(v1, kTransOnly), Kind::InvalidForeignKind, kind,
                     ErrorCode::InvalidType);
        expect_error(parse_command(v1, kLegacy), Kind::InvalidForeignKind, kind,
                     ErrorCode::InvalidType);
        Bytes v2 = request(kCmdVfdSendForeignId, 32, 1, 1);
        store_le32(v2, 16, kind);
        store_le64(v2, 24, 0xFFFFFFFFFFFFFFFF);
        auto r = parse_command(v2, kAll);
        ASSERT_TRUE(r.ok());
        const auto& cmd = std::get<CmdVfdSendForeignId>(r.value());
        ASSERT_EQ(cmd.vfds.size(), 1u);
        EXPECT_EQ(cmd.vfds[0].seqno, 0xFFFFFFFFFFFFFFFFu);
        EXPECT_EQ(static_cast<std::uint32_t>(cmd.vfds[0].kind), kind);
    }
}

TEST(VirtioWlValidation, UnknownForeignKindIsInvalidType) {
    for (std::uint32_t kind : {4u, 0x100u, 0xFFFFFFFFu}) {
        Bytes v1 = request(kCmdVfdSendForeignId, 24, 1, 1);
        store_le32(v1, 16, kind);
        expect_error(parse_command(v1, kTransOnly), Kind::InvalidForeignKind, kind,
                     ErrorCode::InvalidType);
        Bytes v2 = request(kCmdVfdSendForeignId, 32, 1, 1);
        store_le32(v2, 16, kind);
        expect_error(parse_command(v2, kAll), Kind::InvalidForeignKind, kind,
                     ErrorCode::InvalidType);
    }
}

// ---- names --------------------------------------------------------------------------------------

Bytes named(std::initializer_list<int> name) {
    Bytes b = request(kCmdVfdNewCtxNamed, 64, 1, kVfdNewCtxRequestFlags);
    std::size_t at = layout::kName;
    for (int c : name) {
        b[at++] = static_cast<std::uint8_t>(c);
    }
    return b;
}

std::string parsed_name(const Bytes& b) {
    auto r = parse_command(b, kAll);
    EXPECT_TRUE(r.ok());
    return r.ok() ? std::get<CmdVfdNewCtxNamed>(r.value()).name : std::string("<error>");
}

TEST(VirtioWlValidation, NamesMustBeUtf8) {
    for (auto bad : {named({0xFF}), named({'a', 0x80}), named({0xC0, 0x80}) /* overlong NUL */,
                     named({0xE0, 0x80, 0xAF}) /* overlong */, named({0xED, 0xA0, 0x80}),
                     named({0xF4, 0x90, 0x80, 0x80}) /* > U+10FFFF */, named({0xE2, 0x82}),
                     named({0xF8, 0x88, 0x80, 0x80, 0x80})}) {
        expect_error(parse_command(bad, kAll), Kind::InvalidName, 0, ErrorCode::Err);
    }
    EXPECT_EQ(parsed_name(named({0xE2, 0x82, 0xAC})), "\xE2\x82\xAC");
    EXPECT_EQ(parsed_name(named({0xF0, 0x9F, 0x98, 0x80})), "\xF0\x9F\x98\x80");
    EXPECT_EQ(parsed_name(named({0xF4, 0x8F, 0xBF, 0xBF})), "\xF4\x8F\xBF\xBF");
    // A multi-byte character cut by the end of the 32-byte field is not UTF-8.
    Bytes cut = named({});
    for (std::size_t i = 0; i < 31; ++i) {
        cut[layout::kName + i] = 'x';
    }
    cut[layout::kName + 31] = 0xC3;
    expect_error(parse_command(cut, kAll), Kind::InvalidName, 0, ErrorCode::Err);
}

TEST(VirtioWlValidation, NameStopsAtFirstNul) {
    EXPECT_EQ(parsed_name(named({'a', 'b', 0, 'c', 'd'})), "ab");
    EXPECT_EQ(parsed_name(named({})), "");
    // Bytes after the NUL are not looked at, even if they are not UTF-8.
    EXPECT_EQ(parsed_name(named({'w', 0, 0xFF})), "w");
}

TEST(VirtioWlValidation, BuildCutsLongNamesToTheField) {
    CmdVfdNewCtxNamed cmd{.vfd_id = 1, .name = std::string(40, 'n')};
    auto r = parse_command(build(cmd, kAll), kAll);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(std::get<CmdVfdNewCtxNamed>(r.value()).name, std::string(32, 'n'));
}

// ---- pfns (USE_SHMEM) ---------------------------------------------------------------------------

TEST(VirtioWlValidation, PfnsMustLieInTheRegionWithUseShmem) {
    auto resp_new = [](std::uint64_t pfn, std::uint32_t size) {
        return build(RespVfdNew{.vfd_id = 1, .flags = 0, .pfn = pfn, .size = size});
    };
    EXPECT_TRUE(parse_response(resp_new(0, 0x1000), kAll).ok()); // offset 0 of the region
    EXPECT_TRUE(parse_response(resp_new(0xFFFFF, 0x1000), kAll).ok());
    EXPECT_TRUE(parse_response(resp_new(kShmemNoMemoryPfn, 0), kAll).ok());
    expect_error(parse_response(resp_new(0xFFFFF, 0x1001), kAll), Kind::InvalidPfn, 0xFFFFF,
                 ErrorCode::Err);
    expect_error(parse_response(resp_new(0x100001, 0), kAll), Kind::InvalidPfn, 0x100001,
                 ErrorCode::Err);
    expect_error(parse_response(resp_new(0xFFFFFFFFFFFFFFFF, 0xFFFFFFFF), kAll), Kind::InvalidPfn,
                 0xFFFFFFFFFFFFFFFF, ErrorCode::Err);
    // Without USE_SHMEM pfns are guest-physical: anything goes.
    EXPECT_TRUE(parse_response(resp_new(0xFFFFFFFFFFFFFFFF, 0xFFFFFFFF), kTransOnly).ok());
    // The in-queue VFD_NEW follows the same rule.
    const InVfdNew host{.vfd_id = 0x40000000, .flags = 0, .pfn = 0x100001, .size = 0};
    expect_error(parse_in_queue(build(host), kAll), Kind::InvalidPfn, 0x100001, ErrorCode::Err);
    EXPECT_TRUE(parse_in_queue(build(host), kTransOnly).ok());
    EXPECT_EQ(no_memory_pfn(kAll), 0x100000u);
    EXPECT_EQ(no_memory_pfn(kTransOnly), 0u);
}

// ---- in-queue size ------------------------------------------------------------------------------

TEST(VirtioWlValidation, VfdRecvFitsOneInBuffer) {
    InVfdRecv full{.vfd_id = 3, .vfd_ids = {}, .data = Bytes(kInRecvMaxData, 0x5A)};
    for (std::uint32_t i = 0; i < kSendMaxAllocs; ++i) {
        full.vfd_ids.push_back(kHostIdBase + i);
    }
    const Bytes bytes = build(full);
    ASSERT_EQ(bytes.size(), kInBufferSize);
    auto r = parse_in_queue(bytes, kAll);
    ASSERT_TRUE(r.ok());
    EXPECT_TRUE(r.value() == InQueueMessage{full});

    full.data.push_back(0);
    expect_error(parse_in_queue(build(full), kAll), Kind::TooLarge, kInBufferSize, ErrorCode::Err);
    full.data.pop_back();
    full.vfd_ids.push_back(kHostIdBase + 28);
    full.data.resize(8);
    expect_error(parse_in_queue(build(full), kAll), Kind::TooManyVfds, 29, ErrorCode::InvalidCmd);
}

TEST(VirtioWlValidation, UnknownResponseAndInQueueTypes) {
    for (std::uint32_t type : {0u, kCmdVfdNew, 0x1003u, 0x1106u, 0xFFFFFFFFu}) {
        expect_error(parse_response(request(type, 64, 1, 0), kAll), Kind::UnknownType, 0,
                     ErrorCode::InvalidCmd);
    }
    for (std::uint32_t type : {kCmdVfdClose, kCmdVfdSend, kCmdVfdNewCtx, kRespOk, 0u}) {
        expect_error(parse_in_queue(request(type, 64, 1, 0), kAll), Kind::UnknownType, 0,
                     ErrorCode::InvalidCmd);
    }
}

// ---- mappings -----------------------------------------------------------------------------------

TEST(VirtioWlValidation, ErrorResponseForEveryKind) {
    const std::pair<Kind, ErrorCode> table[] = {
        {Kind::Truncated, ErrorCode::Err},
        {Kind::UnknownType, ErrorCode::InvalidCmd},
        {Kind::Unsupported, ErrorCode::InvalidCmd},
        {Kind::TooManyVfds, ErrorCode::InvalidCmd},
        {Kind::InvalidId, ErrorCode::InvalidId},
        {Kind::InvalidFlags, ErrorCode::InvalidFlags},
        {Kind::LegacyAllocFlags, ErrorCode::Err},
        {Kind::InvalidName, ErrorCode::Err},
        {Kind::InvalidForeignKind, ErrorCode::InvalidType},
        {Kind::InvalidPfn, ErrorCode::Err},
        {Kind::TooLarge, ErrorCode::Err},
    };
    for (auto [kind, code] : table) {
        SCOPED_TRACE(std::string(kind_name(kind)));
        EXPECT_EQ(error_response_for(ParseError{kind, 0, 0}), resp(code));
        // Built, the response is the 4-byte status crosvm writes.
        const Bytes bytes = build(error_response_for(ParseError{kind, 0, 0}));
        ASSERT_EQ(bytes.size(), kStatusResponseSize);
        EXPECT_EQ(load_le32(bytes, 0), static_cast<std::uint32_t>(code));
    }
}

TEST(VirtioWlValidation, GuestErrnoTable) {
    EXPECT_EQ(guest_errno_for(kRespOk), 0);
    EXPECT_EQ(guest_errno_for(kRespVfdNew), 0);
    EXPECT_EQ(guest_errno_for(kRespVfdNewDmabuf), 0);
    EXPECT_EQ(guest_errno_for(kRespErr), -ENODEV);
    EXPECT_EQ(guest_errno_for(kRespOutOfMemory), -ENOMEM);
    EXPECT_EQ(guest_errno_for(kRespInvalidId), -ENOENT);
    EXPECT_EQ(guest_errno_for(kRespInvalidType), -EINVAL);
    EXPECT_EQ(guest_errno_for(kRespInvalidFlags), -EPERM);
    EXPECT_EQ(guest_errno_for(kRespInvalidCmd), -ENOTTY);
    EXPECT_EQ(guest_errno_for(0x1106), -EPROTO);
    EXPECT_EQ(guest_errno_for(kCmdVfdNew), -EPROTO);
}

TEST(VirtioWlValidation, TypeNames) {
    EXPECT_EQ(type_name(kCmdVfdSendForeignId), "VFD_SEND_FOREIGN_ID");
    EXPECT_EQ(type_name(kRespInvalidCmd), "RESP_INVALID_CMD");
    EXPECT_EQ(type_name(0x42), "UNKNOWN");
    EXPECT_EQ(message_type(Response{RespError{ErrorCode::OutOfMemory}}), kRespOutOfMemory);
}

// ---- features -----------------------------------------------------------------------------------

TEST(VirtioWlFeatures, BitsAndNegotiation) {
    EXPECT_EQ(Features::all_wl().bits, 0xEu);
    const Features offered = Features::all_wl().with(kFeatureVersion1);
    EXPECT_EQ(offered.bits, 0x1'0000'000Eu);
    // The AOSP driver knows only TRANS_FLAGS (plus VERSION_1).
    const Features acked = Features::none().with(kFeatureTransFlags).with(kFeatureVersion1);
    const Features agreed = Features::negotiate(offered, acked);
    EXPECT_TRUE(agreed.trans_flags());
    EXPECT_FALSE(agreed.send_fences());
    EXPECT_FALSE(agreed.use_shmem());
    EXPECT_TRUE(agreed.has(kFeatureVersion1));
    EXPECT_EQ(agreed.wl_only(), kTransOnly);
    EXPECT_TRUE(acked.subset_of(offered));
    EXPECT_FALSE(Features::none().with(kFeatureRingEventIdx).subset_of(offered));
    EXPECT_EQ(offered.without(kFeatureVersion1), Features::all_wl());
    EXPECT_TRUE(kAll.use_shmem() && kAll.send_fences() && kAll.trans_flags());
}

} // namespace
} // namespace prism::vmbridge::virtio_wl::test
