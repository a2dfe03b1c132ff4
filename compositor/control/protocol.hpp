// Wire format of prism's control socket, shared by the compositor side (ControlServer) and the
// `prismctl` client.
//
// Newline-delimited JSON, UTF-8. A request is one JSON object per line with a string member
// "command" and optional further members (its arguments). Each request gets exactly one reply
// line, in order:
//
//     {"ok":true,"result":<json>}
//     {"ok":false,"error":"<message>","details":["<string>", ...]}     (details optional)
//
// Nothing here depends on wlroots or wayland, so prismctl can link it on its own.
#pragma once

#include <cstddef>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace prism::control {

// Longest request line the server accepts, in bytes, not counting the terminating newline.
inline constexpr std::size_t kMaxRequestLine = 64 * 1024;

// Most reply bytes the server keeps queued for one client before disconnecting it.
inline constexpr std::size_t kMaxQueuedReplyBytes = 16 * 1024 * 1024;

// Most clients the server keeps connected at once; more are turned away with an error reply, so
// a runaway script cannot use up the compositor's file descriptors.
inline constexpr std::size_t kMaxClients = 64;

// Longest reply line prismctl is willing to buffer.
inline constexpr std::size_t kMaxReplyLine = 256 * 1024 * 1024;

// File name of the socket inside $XDG_RUNTIME_DIR.
inline constexpr std::string_view kSocketFileName = "prism-ipc.sock";

// Environment variable that overrides the socket path; prism exports it to its children.
inline constexpr std::string_view kSocketEnvVar = "PRISM_SOCKET";

// $PRISM_SOCKET if set and non-empty, else $XDG_RUNTIME_DIR/prism-ipc.sock, else an empty path.
std::filesystem::path default_socket_path();

// Raised by the decode helpers for input that does not follow the wire format.
struct ProtocolError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

// True if `text` is well-formed UTF-8 (no overlong forms, surrogates or code points past U+10FFFF).
bool is_valid_utf8(std::string_view text);

// Serialises `value` compactly (indent < 0) or pretty-printed. Never throws on strings that are
// not valid UTF-8: offending bytes become U+FFFD, so text taken from clients cannot break a reply.
std::string dump_json(const nlohmann::json& value, int indent = -1);

// One request line, including the trailing newline.
std::string encode_request(std::string_view command,
                           const nlohmann::json& arguments = nlohmann::json::object());

// One reply line each, including the trailing newline. Members appear in the documented order.
std::string encode_ok_reply(const nlohmann::json& result);
std::string encode_error_reply(std::string_view error,
                               const std::vector<std::string>& details = {});

// Parses one request line (without its newline). Checks UTF-8, JSON syntax, that it is an object
// and that "command" is a string; the returned object is the whole request. Throws ProtocolError
// with a message suitable for an error reply.
nlohmann::json decode_request(std::string_view line);

struct Reply {
    bool ok = false;
    nlohmann::json result;            // when ok
    std::string error;                // when !ok
    std::vector<std::string> details; // when !ok; may be empty
};

// Parses one reply line (without its newline). Throws ProtocolError if it is not a reply.
Reply decode_reply(std::string_view line);

// Splits a byte stream into lines, holding at most `max_line` bytes of an unfinished line.
class LineBuffer {
public:
    explicit LineBuffer(std::size_t max_line)
        : max_line_(max_line) {}

    void append(std::string_view bytes) { data_.append(bytes); }

    // The next complete line without its "\n", or nullopt if there is none yet (a "\r" before the
    // newline is kept; JSON treats it as whitespace). Once it returns nullopt with overflowed()
    // true, the stream is unusable.
    std::optional<std::string> next_line();

    // A line longer than max_line was seen (complete or not).
    bool overflowed() const { return overflowed_; }

    // Whatever follows the last complete line (an unterminated final line at end of stream).
    std::string take_rest();

    std::size_t buffered() const { return data_.size() - start_; }

private:
    std::size_t max_line_;
    std::string data_;
    std::size_t start_ = 0; // consumed prefix of data_
    std::size_t scan_ = 0;  // no '\n' in data_[start_, scan_)
    bool overflowed_ = false;
};

} // namespace prism::control
