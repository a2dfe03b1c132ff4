// Logs every protocol error prism sends, with the offending client's origin.
//
// libwayland disconnects a client right after posting a protocol error to it, and says
// nothing in the compositor's log; this watches the wl_display.error events on their way out
// so a misbehaving client leaves a line saying who it was and why it was cut off.
#pragma once

#include "origins/client_origins.hpp"

#include <wayland-server-core.h>

namespace prism {

class ProtocolErrorLog {
public:
    ProtocolErrorLog(wl_display* display, const origins::ClientOrigins& origins);
    ~ProtocolErrorLog();
    ProtocolErrorLog(const ProtocolErrorLog&) = delete;
    ProtocolErrorLog& operator=(const ProtocolErrorLog&) = delete;

private:
    static void log(void* data, wl_protocol_logger_type type, const wl_protocol_logger_message*);

    const origins::ClientOrigins& origins_;
    wl_protocol_logger* logger_;
};

} // namespace prism
