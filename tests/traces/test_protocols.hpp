// The protocol XMLs prism-trace loads by default, loaded once for the unit tests.
#pragma once

#include "tools/trace/protocol.hpp"

namespace prism::trace {

inline const Protocols& test_protocols() {
    static const Protocols loaded = [] {
        Protocols p;
        for (const auto& path : default_protocol_paths()) {
            p.load_dir(path);
        }
        return p;
    }();
    return loaded;
}

} // namespace prism::trace
