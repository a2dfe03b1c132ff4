// The Wayland wire format: an 8-byte header (object id; size << 16 | opcode) and 32-bit
// aligned arguments. File descriptors travel beside the bytes (SCM_RIGHTS), in order.
#pragma once

#include "tools/trace/message.hpp"

#include <deque>
#include <string>
#include <variant>

namespace prism::trace {

constexpr std::uint32_t kServerIdStart = 0xff000000;
constexpr size_t kMaxMessageSize = 4096; // libwayland's limit for one message

struct WireHeader {
    std::uint32_t object = 0;
    std::uint16_t opcode = 0;
    std::uint16_t size = 0; // whole message, header included
};

// Reads the header at the front of `bytes`; nullopt if fewer than 8 bytes.
std::optional<WireHeader> peek_header(const std::string& bytes);

// Decodes one whole message (header included) with the signature `spec`. Fd arguments take
// descriptors from the front of `fds`. Returns an error text on malformed input.
std::variant<Message, std::string> decode(const std::string& bytes, const MessageSpec& spec,
                                          std::deque<int>& fds);

// Encodes `message`; the fds to send with it are appended to `fds` in argument order.
std::string encode(const Message& message, std::vector<int>& fds);

} // namespace prism::trace
