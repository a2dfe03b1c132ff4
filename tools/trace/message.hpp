// One Wayland message as prism-trace sees it: decoded from the wire, read from a trace line,
// or expected by the replayer. Plain data; the codec (wire.hpp) and the text format
// (text_format.hpp) convert it.
#pragma once

#include "tools/trace/protocol.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace prism::trace {

// What a trace says about a file descriptor (see docs/testing.md, "File descriptors").
struct FdInfo {
    enum class Kind { Unknown, File, Pipe, Other };
    Kind kind = Kind::Unknown;
    std::optional<std::uint64_t> size; // a file's size, or the bytes that went through a pipe
    // What the bytes were: all zero, the bytes themselves (small), or only their hash.
    enum class Content { Unknown, Zero, Bytes, Hash };
    Content content = Content::Unknown;
    std::string bytes;
    std::uint64_t hash = 0; // FNV-1a 64
};

struct Value {
    ArgType type = ArgType::Int;
    std::uint32_t word = 0;           // Int, Uint, Fixed (raw 24.8), Object and NewId ids
    std::optional<std::string> text;  // String; nullopt is nil
    std::string interface;            // Object, NewId: the interface printed; may be empty
    std::uint32_t array_size = 0;     // Array
    std::optional<std::string> array; // Array contents, when known
    int fd = -1;                      // Fd: the descriptor (owned by whoever decoded it)
    FdInfo fd_info;                   // Fd: what the trace records of it
    bool any = false;                 // annotation '*': any value matches
    bool pinned = false;              // annotation '=': compare even a serial or a time
};

enum class Direction { Request, Event };

struct Message {
    Direction direction = Direction::Request;
    std::uint32_t object = 0;
    std::string interface; // of `object`
    std::string name;
    std::uint16_t opcode = 0;
    std::vector<Value> args; // one per wire argument (an untyped new_id is three)
};

// The arguments as they appear on the wire and in libwayland's debug output: an untyped
// new_id (wl_registry.bind) is a string (interface), a uint (version) and the new id.
std::vector<ArgSpec> wire_args(const MessageSpec& spec);

} // namespace prism::trace
