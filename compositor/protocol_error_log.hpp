// Logs every protocol error prism sends, with the offending client's origin.
//
// libwayland disconnects a client right after posting a protocol error to it, and says
// nothing in the compositor's log; this watches the wl_display.error events on their way out
// so a misbehaving client leaves a line saying who it was and why it was cut off. A VM that
// reconnects and errs again and again cannot flood the log: at most kBurst lines per origin
// every kInterval, and the next line says how many were left out.
#pragma once

#include "compositor/log_budget.hpp"
#include "origins/client_origins.hpp"

#include <chrono>
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

    static constexpr int kBurst = 5;
    static constexpr std::chrono::seconds kInterval{10};

    const origins::ClientOrigins& origins_;
    wl_protocol_logger* logger_;
    LogBudget budget_{kBurst, kInterval};
};

} // namespace prism
