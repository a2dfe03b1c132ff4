// `prism-trace replay`: sends a trace's requests to the compositor named by WAYLAND_DISPLAY
// and checks that the events coming back match the recorded ones (matcher.hpp).
#pragma once

#include "tools/trace/protocol.hpp"

#include <filesystem>

namespace prism::trace {

struct ReplayOptions {
    std::filesystem::path trace;
    double timeout = 10; // seconds to wait for an expected event
    bool verbose = false;
};

// 0 when every event matched; 1 on a mismatch (a report on stderr); 2 when the trace cannot
// be read or the compositor cannot be reached.
int replay(const ReplayOptions& options, const Protocols& protocols);

} // namespace prism::trace
