// `prism-trace record`: a proxy between one command's clients and the compositor named by
// WAYLAND_DISPLAY, writing every message that passes to a trace.
#pragma once

#include "tools/trace/protocol.hpp"

#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace prism::trace {

struct RecordOptions {
    std::filesystem::path output;
    std::vector<std::string> command;
    double duration = 0; // > 0: send SIGTERM to the command after this many seconds
    double linger = 10;  // how long clients may stay connected after the command exits
    std::vector<std::pair<std::string, std::string>> header; // extra "# key: value" lines
};

// Returns the process exit code: 0 when the trace was written.
int record(const RecordOptions& options, const Protocols& protocols);

} // namespace prism::trace
