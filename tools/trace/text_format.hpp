// The trace file: text, one message a line, in the notation libwayland prints with
// WAYLAND_DEBUG=1, plus a '#' header and a few annotations (docs/testing.md has the grammar).
//
//   # prism-trace 1
//   # socket: vm work
//   -> wl_display@1.get_registry(new id wl_registry@2)
//   wl_registry@2.global(1, "wl_shm", 1)
//   c2 -> wl_display@1.sync(new id wl_callback@3)       (a second client connection)
//   wl_output@5.name(*)                                  (any value)
//   wl_callback@3.done(=7)  # optional                   (pinned value; may not come)
//   -> disconnect                                        (the client closed its socket)
#pragma once

#include "tools/trace/message.hpp"

#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace prism::trace {

struct TraceLine {
    size_t number = 0; // 1-based line number in the file
    enum class Kind { Message, Disconnect };
    Kind kind = Kind::Message;
    unsigned connection = 1;
    Message message;
    bool any = false;      // '# any': only the object, interface and message name are compared
    bool optional = false; // '# optional': the event may not come
    std::string comment;   // the rest of a trailing '#' comment
};

struct Trace {
    std::vector<std::pair<std::string, std::string>> header; // "# key: value" lines
    std::vector<TraceLine> lines;

    std::string header_value(const std::string& key) const;
};

std::string format_value(const Value& value);
// libwayland's notation: "-> wl_display@1.sync(new id wl_callback@3)" for a request.
std::string format_message(const Message& message);
std::string format_line(const TraceLine& line);
std::string format_trace(const Trace& trace);

// Parses one line holding a message or a directive (not a comment or blank line). An error
// says what is wrong, without the line number.
std::variant<TraceLine, std::string> parse_line(const std::string& text,
                                                const Protocols& protocols);

// Parses a whole trace. WAYLAND_DEBUG=1 output is accepted as is: a "[1234.567]" timestamp
// before a message is ignored. Errors are "ORIGIN:LINE: problem".
std::variant<Trace, std::string> parse_trace(const std::string& text, const Protocols& protocols,
                                             const std::string& origin);

} // namespace prism::trace
