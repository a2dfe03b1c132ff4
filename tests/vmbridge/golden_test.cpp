// Golden bytes: each message's hand-written wire form parses to the expected value, the value
// builds to exactly those bytes, and every prefix of it fails the way the layout says.
#include "test_support.hpp"

#include "vmbridge/virtio_wl/le.hpp"

#include <gtest/gtest.h>
#include <set>
#include <string>

namespace prism::vmbridge::virtio_wl::test {
namespace {

template <class Message, class ParseFn> void check_golden(const Golden<Message>& g, ParseFn parse) {
    SCOPED_TRACE(g.name);
    auto parsed = parse(g.bytes, g.features);
    ASSERT_TRUE(parsed.ok()) << ::testing::PrintToString(parsed.error());
    EXPECT_TRUE(parsed.value() == g.value);
    EXPECT_EQ(message_type(parsed.value()), message_type(g.value));
}

template <class Message, class ParseFn>
void check_prefixes(const Golden<Message>& g, ParseFn parse) {
    const std::size_t full_stage = g.stages.back();
    const std::uint32_t type = load_le32(g.bytes, 0);
    for (std::size_t len = 0; len < g.bytes.size(); ++len) {
        SCOPED_TRACE(g.name + ", prefix of " + std::to_string(len) + " bytes");
        const Bytes cut = prefix(g.bytes, len);
        auto parsed = parse(cut, g.features);
        if (len < full_stage) {
            std::size_t needed = 0;
            for (std::size_t stage : g.stages) {
                if (len < stage) {
                    needed = stage;
                    break;
                }
            }
            ASSERT_FALSE(parsed.ok());
            EXPECT_EQ(parsed.error(),
                      (ParseError{ParseError::Kind::Truncated, len >= 4 ? type : 0, needed}));
            EXPECT_EQ(error_response_for(parsed.error()), Response{RespError{ErrorCode::Err}});
        } else {
            // Past the fixed part only trailing data (or unread padding) is missing.
            ASSERT_TRUE(parsed.ok()) << ::testing::PrintToString(parsed.error());
            EXPECT_TRUE(parsed.value() == with_data_size(g.value, len - full_stage));
        }
    }
}

auto parse_cmd = [](const Bytes& b, const Features& f) {
    return parse_command(b, f);
};
auto parse_resp = [](const Bytes& b, const Features& f) {
    return parse_response(b, f);
};
auto parse_in = [](const Bytes& b, const Features& f) {
    return parse_in_queue(b, f);
};

TEST(VirtioWlGolden, CommandsParse) {
    for (const auto& g : command_goldens()) {
        check_golden(g, parse_cmd);
    }
}

TEST(VirtioWlGolden, CommandsBuildExactBytes) {
    for (const auto& g : command_goldens()) {
        SCOPED_TRACE(g.name);
        EXPECT_EQ(build(g.value, g.features), g.bytes);
    }
}

TEST(VirtioWlGolden, ResponsesParse) {
    for (const auto& g : response_goldens()) {
        check_golden(g, parse_resp);
    }
}

TEST(VirtioWlGolden, ResponsesBuildExactBytes) {
    for (const auto& g : response_goldens()) {
        SCOPED_TRACE(g.name);
        EXPECT_EQ(build(g.value), g.bytes);
    }
}

TEST(VirtioWlGolden, InQueueParse) {
    for (const auto& g : in_queue_goldens()) {
        check_golden(g, parse_in);
    }
}

TEST(VirtioWlGolden, InQueueBuildExactBytes) {
    for (const auto& g : in_queue_goldens()) {
        SCOPED_TRACE(g.name);
        EXPECT_EQ(build(g.value), g.bytes);
    }
}

TEST(VirtioWlGolden, EveryMessageTypeIsCovered) {
    std::set<std::uint32_t> commands, responses, in_queue;
    for (const auto& g : command_goldens()) {
        commands.insert(message_type(g.value));
    }
    for (const auto& g : response_goldens()) {
        responses.insert(message_type(g.value));
    }
    for (const auto& g : in_queue_goldens()) {
        in_queue.insert(message_type(g.value));
    }
    EXPECT_EQ(commands,
              (std::set<std::uint32_t>{kCmdVfdNew, kCmdVfdClose, kCmdVfdSend, kCmdVfdNewCtx,
                                       kCmdVfdNewPipe, kCmdVfdNewDmabuf, kCmdVfdDmabufSync,
                                       kCmdVfdSendForeignId, kCmdVfdNewCtxNamed}));
    EXPECT_EQ(responses,
              (std::set<std::uint32_t>{kRespOk, kRespVfdNew, kRespVfdNewDmabuf, kRespErr,
                                       kRespOutOfMemory, kRespInvalidId, kRespInvalidType,
                                       kRespInvalidFlags, kRespInvalidCmd}));
    EXPECT_EQ(in_queue, (std::set<std::uint32_t>{kCmdVfdNew, kCmdVfdRecv, kCmdVfdHup}));
}

TEST(VirtioWlGolden, RoundTripBuildThenParse) {
    for (const auto& g : command_goldens()) {
        SCOPED_TRACE(g.name);
        auto again = parse_command(build(g.value, g.features), g.features);
        ASSERT_TRUE(again.ok());
        EXPECT_TRUE(again.value() == g.value);
    }
    for (const auto& g : response_goldens()) {
        SCOPED_TRACE(g.name);
        auto again = parse_response(build(g.value), g.features);
        ASSERT_TRUE(again.ok());
        EXPECT_TRUE(again.value() == g.value);
    }
    for (const auto& g : in_queue_goldens()) {
        SCOPED_TRACE(g.name);
        auto again = parse_in_queue(build(g.value), g.features);
        ASSERT_TRUE(again.ok());
        EXPECT_TRUE(again.value() == g.value);
    }
}

TEST(VirtioWlGolden, TruncatedCommandsAtEveryLength) {
    for (const auto& g : command_goldens()) {
        check_prefixes(g, parse_cmd);
    }
}

TEST(VirtioWlGolden, TruncatedResponsesAtEveryLength) {
    for (const auto& g : response_goldens()) {
        check_prefixes(g, parse_resp);
    }
}

TEST(VirtioWlGolden, TruncatedInQueueAtEveryLength) {
    for (const auto& g : in_queue_goldens()) {
        check_prefixes(g, parse_in);
    }
}

// crosvm reads less than the driver sends for some requests (§1.4): those forms parse too.
TEST(VirtioWlGolden, ShortRequestFormsCrosvmAccepts) {
    const Bytes ctx12 = B({0x04, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x09, 0x00, 0x00, 0x00});
    auto ctx = parse_command(ctx12, kAll);
    ASSERT_TRUE(ctx.ok());
    EXPECT_TRUE(ctx.value() == Command{CmdVfdNewCtx{.vfd_id = 9}});

    const Bytes new32 = B({0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x09, 0x00, 0x00,
                           0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
                           0x00, 0x00, 0x00, 0x40, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00});
    auto alloc = parse_command(new32, kAll);
    ASSERT_TRUE(alloc.ok());
    EXPECT_TRUE((alloc.value() == Command{CmdVfdNew{.vfd_id = 9, .flags = 0, .size = 0x4000}}));
}

// Status responses are 4 bytes from crosvm, but a full 8-byte header is read the same way.
TEST(VirtioWlGolden, StatusResponseWithFullHeader) {
    auto r = parse_response(B({0x02, 0x11, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00}), kAll);
    ASSERT_TRUE(r.ok());
    EXPECT_TRUE(r.value() == Response{RespError{ErrorCode::InvalidId}});
}

TEST(VirtioWlGolden, HeaderFlagsAreIgnored) {
    auto r = parse_command(
        B({0x01, 0x01, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0x07, 0x00, 0x00, 0x00}), kAll);
    ASSERT_TRUE(r.ok());
    EXPECT_TRUE(r.value() == Command{CmdVfdClose{.vfd_id = 7}});
}

TEST(VirtioWlGolden, LittleEndianHelpers) {
    Bytes b(8, 0);
    store_le32(b, 0, 0x11223344);
    EXPECT_EQ(b, B({0x44, 0x33, 0x22, 0x11, 0, 0, 0, 0}));
    store_le64(b, 0, 0x0102030405060708);
    EXPECT_EQ(b, B({0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01}));
    EXPECT_EQ(load_le16(b, 1), 0x0607);
    EXPECT_EQ(load_le32(b, 3), 0x02030405u);
    store_le16(b, 6, 0xBEEF);
    EXPECT_EQ(load_le64(b, 0), 0xBEEF030405060708u);
}

} // namespace
} // namespace prism::vmbridge::virtio_wl::test
