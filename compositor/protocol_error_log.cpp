#include "compositor/protocol_error_log.hpp"

#include "compositor/wlr.hpp"

#include <cstring>
#include <string>

namespace prism {

ProtocolErrorLog::ProtocolErrorLog(wl_display* display, const origins::ClientOrigins& origins)
    : origins_(origins)
    , logger_(wl_display_add_protocol_logger(display, &ProtocolErrorLog::log, this)) {
}

ProtocolErrorLog::~ProtocolErrorLog() {
    if (logger_ != nullptr) {
        wl_protocol_logger_destroy(logger_);
    }
}

void ProtocolErrorLog::log(void* data, wl_protocol_logger_type type,
                           const wl_protocol_logger_message* message) {
    if (type != WL_PROTOCOL_LOGGER_EVENT || message->arguments_count != 3 ||
        std::strcmp(message->message->name, "error") != 0 ||
        std::strcmp(wl_resource_get_class(message->resource), "wl_display") != 0) {
        return;
    }
    auto* self = static_cast<ProtocolErrorLog*>(data);
    wl_client* client = wl_resource_get_client(message->resource);
    pid_t pid = 0;
    wl_client_get_credentials(client, &pid, nullptr, nullptr);
    const std::string origin{self->origins_.origin_of(client).display_name()};
    const std::optional<std::string> left_out = self->budget_.admit(origin);
    if (!left_out) {
        return;
    }
    wl_resource* object = reinterpret_cast<wl_resource*>(message->arguments[0].o);
    const char* text = message->arguments[2].s != nullptr ? message->arguments[2].s : "";
    wlr_log(WLR_ERROR,
            "client of %s (pid %d) disconnected for a protocol error: %s@%u error %u: %s%s",
            origin.c_str(), static_cast<int>(pid),
            object != nullptr ? wl_resource_get_class(object) : "?",
            object != nullptr ? wl_resource_get_id(object) : 0, message->arguments[1].u, text,
            left_out->c_str());
}

} // namespace prism
