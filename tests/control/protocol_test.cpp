#include "compositor/control/protocol.hpp"

#include <cstdlib>
#include <optional>
#include <string>

#include <gtest/gtest.h>

namespace prism::control {
namespace {

using nlohmann::json;

// Sets or clears an environment variable for the lifetime of the object.
class ScopedEnv {
public:
    ScopedEnv(const char* name, const char* value)
        : name_(name) {
        if (const char* old = std::getenv(name)) {
            old_ = old;
        }
        if (value != nullptr) {
            setenv(name, value, 1);
        } else {
            unsetenv(name);
        }
    }
    ~ScopedEnv() {
        if (old_) {
            setenv(name_, old_->c_str(), 1);
        } else {
            unsetenv(name_);
        }
    }

private:
    const char* name_;
    std::optional<std::string> old_;
};

TEST(DefaultSocketPath, PrismSocketWins) {
    ScopedEnv socket("PRISM_SOCKET", "/run/custom/prism.sock");
    ScopedEnv runtime("XDG_RUNTIME_DIR", "/run/user/1000");
    EXPECT_EQ(default_socket_path(), "/run/custom/prism.sock");
}

TEST(DefaultSocketPath, FallsBackToRuntimeDir) {
    ScopedEnv socket("PRISM_SOCKET", nullptr);
    ScopedEnv runtime("XDG_RUNTIME_DIR", "/run/user/1000");
    EXPECT_EQ(default_socket_path(), "/run/user/1000/prism-ipc.sock");
}

TEST(DefaultSocketPath, EmptyPrismSocketIsIgnored) {
    ScopedEnv socket("PRISM_SOCKET", "");
    ScopedEnv runtime("XDG_RUNTIME_DIR", "/run/user/1000");
    EXPECT_EQ(default_socket_path(), "/run/user/1000/prism-ipc.sock");
}

TEST(DefaultSocketPath, EmptyWhenNeitherIsSet) {
    ScopedEnv socket("PRISM_SOCKET", nullptr);
    ScopedEnv runtime("XDG_RUNTIME_DIR", nullptr);
    EXPECT_TRUE(default_socket_path().empty());
}

TEST(Utf8, AcceptsWellFormedText) {
    EXPECT_TRUE(is_valid_utf8(""));
    EXPECT_TRUE(is_valid_utf8("plain ascii"));
    EXPECT_TRUE(is_valid_utf8("caf\xC3\xA9"));                  // é
    EXPECT_TRUE(is_valid_utf8("\xE2\x82\xAC"));                 // €
    EXPECT_TRUE(is_valid_utf8("\xF0\x9F\x98\x80"));             // 😀
    EXPECT_TRUE(is_valid_utf8("\xF4\x8F\xBF\xBF"));             // U+10FFFF
    EXPECT_TRUE(is_valid_utf8(std::string("nul\0inside", 10))); // NUL is valid UTF-8
}

TEST(Utf8, RejectsMalformedText) {
    EXPECT_FALSE(is_valid_utf8("\xFF"));
    EXPECT_FALSE(is_valid_utf8("\x80"));             // lone continuation byte
    EXPECT_FALSE(is_valid_utf8("\xC3"));             // truncated sequence
    EXPECT_FALSE(is_valid_utf8("\xC3(x"));           // bad continuation
    EXPECT_FALSE(is_valid_utf8("\xC0\xAF"));         // overlong '/'
    EXPECT_FALSE(is_valid_utf8("\xE0\x80\xAF"));     // overlong '/'
    EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));     // surrogate U+D800
    EXPECT_FALSE(is_valid_utf8("\xF4\x90\x80\x80")); // past U+10FFFF
    EXPECT_FALSE(is_valid_utf8("\xF8\x88\x80\x80\x80"));
}

TEST(Encode, Request) {
    EXPECT_EQ(encode_request("windows"), "{\"command\":\"windows\"}\n");
    EXPECT_EQ(encode_request("move", json{{"id", 3}}), "{\"command\":\"move\",\"id\":3}\n");
}

TEST(Encode, OkReplyKeepsDocumentedOrder) {
    EXPECT_EQ(encode_ok_reply(json::object()), "{\"ok\":true,\"result\":{}}\n");
    EXPECT_EQ(encode_ok_reply(json{{"vms", 2}}), "{\"ok\":true,\"result\":{\"vms\":2}}\n");
}

TEST(Encode, ErrorReply) {
    EXPECT_EQ(encode_error_reply("nope"), "{\"ok\":false,\"error\":\"nope\"}\n");
    EXPECT_EQ(
        encode_error_reply("bad \"config\"", {"line 1", "line 2"}),
        "{\"ok\":false,\"error\":\"bad \\\"config\\\"\",\"details\":[\"line 1\",\"line 2\"]}\n");
}

TEST(Encode, InvalidUtf8InResultIsReplacedNotThrown) {
    const json result = {{"title", "bad\xFF"}};
    std::string line;
    ASSERT_NO_THROW(line = encode_ok_reply(result));
    EXPECT_EQ(line, "{\"ok\":true,\"result\":{\"title\":\"bad\xEF\xBF\xBD\"}}\n");
    EXPECT_TRUE(is_valid_utf8(line));
}

TEST(Encode, ControlCharactersAreEscaped) {
    EXPECT_EQ(encode_ok_reply("a\nb"), "{\"ok\":true,\"result\":\"a\\nb\"}\n");
}

std::string decode_request_error(std::string_view line) {
    try {
        decode_request(line);
    } catch (const ProtocolError& e) {
        return e.what();
    }
    return "<no error>";
}

TEST(DecodeRequest, AcceptsObjectWithStringCommand) {
    const json request = decode_request(R"({"command":"windows","verbose":true})");
    EXPECT_EQ(request["command"], "windows");
    EXPECT_EQ(request["verbose"], true);
}

TEST(DecodeRequest, RejectsMalformedRequests) {
    EXPECT_TRUE(decode_request_error("hello").starts_with("request is not valid JSON ("));
    EXPECT_TRUE(decode_request_error(R"({"command":)").starts_with("request is not valid JSON ("));
    EXPECT_EQ(decode_request_error("[1,2]"), "request must be a JSON object, got array");
    EXPECT_EQ(decode_request_error("\"windows\""), "request must be a JSON object, got string");
    EXPECT_EQ(decode_request_error("{}"), R"(request has no "command" member)");
    EXPECT_EQ(decode_request_error(R"({"command":7})"),
              R"(request member "command" must be a string, got number)");
    EXPECT_EQ(decode_request_error("{\"command\":\"\xFF\"}"), "request is not valid UTF-8");
}

TEST(DecodeReply, Ok) {
    const Reply reply = decode_reply(R"({"ok":true,"result":[1,2]})");
    EXPECT_TRUE(reply.ok);
    EXPECT_EQ(reply.result, json::array({1, 2}));
}

TEST(DecodeReply, Error) {
    const Reply reply = decode_reply(R"({"ok":false,"error":"broken","details":["a","b"]})");
    EXPECT_FALSE(reply.ok);
    EXPECT_EQ(reply.error, "broken");
    EXPECT_EQ(reply.details, (std::vector<std::string>{"a", "b"}));
}

TEST(DecodeReply, RejectsGarbage) {
    EXPECT_THROW(decode_reply("nonsense"), ProtocolError);
    EXPECT_THROW(decode_reply("[]"), ProtocolError);
    EXPECT_THROW(decode_reply(R"({"result":1})"), ProtocolError);
    EXPECT_THROW(decode_reply(R"({"ok":"yes"})"), ProtocolError);
    EXPECT_THROW(decode_reply(R"({"ok":false,"error":"x","details":"y"})"), ProtocolError);
}

TEST(LineBuffer, SplitsLinesAcrossAppends) {
    LineBuffer buffer(100);
    buffer.append("one\ntw");
    EXPECT_EQ(buffer.next_line(), "one");
    EXPECT_EQ(buffer.next_line(), std::nullopt);
    buffer.append("o\n\nthree");
    EXPECT_EQ(buffer.next_line(), "two");
    EXPECT_EQ(buffer.next_line(), "");
    EXPECT_EQ(buffer.next_line(), std::nullopt);
    EXPECT_FALSE(buffer.overflowed());
    EXPECT_EQ(buffer.take_rest(), "three");
    EXPECT_EQ(buffer.buffered(), 0u);
}

TEST(LineBuffer, LineOfExactlyTheLimitIsAccepted) {
    LineBuffer buffer(8);
    buffer.append("12345678");
    EXPECT_EQ(buffer.next_line(), std::nullopt);
    EXPECT_FALSE(buffer.overflowed());
    buffer.append("\n");
    EXPECT_EQ(buffer.next_line(), "12345678");
}

TEST(LineBuffer, OverflowsOnLongUnterminatedLine) {
    LineBuffer buffer(8);
    buffer.append("123456789");
    EXPECT_EQ(buffer.next_line(), std::nullopt);
    EXPECT_TRUE(buffer.overflowed());
}

TEST(LineBuffer, OverflowsOnLongCompleteLineAfterGoodOnes) {
    LineBuffer buffer(8);
    buffer.append("ok\n123456789\nlater\n");
    EXPECT_EQ(buffer.next_line(), "ok");
    EXPECT_EQ(buffer.next_line(), std::nullopt);
    EXPECT_TRUE(buffer.overflowed());
    EXPECT_EQ(buffer.next_line(), std::nullopt);
}

TEST(LineBuffer, ManySmallLinesKeepMemoryBounded) {
    LineBuffer buffer(64);
    for (int i = 0; i < 10000; ++i) {
        buffer.append("line " + std::to_string(i) + "\n");
        ASSERT_EQ(buffer.next_line(), "line " + std::to_string(i));
    }
    EXPECT_EQ(buffer.buffered(), 0u);
}

} // namespace
} // namespace prism::control
