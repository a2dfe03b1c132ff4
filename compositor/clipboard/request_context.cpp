#include "compositor/clipboard/request_context.hpp"

#include <cstring>

namespace prism::clipboard {
namespace {

// The requests the clipboard needs to attribute. Anything else is not recorded, so the logger
// costs one comparison per message.
bool interesting(const char* message) {
    return std::strcmp(message, "receive") == 0 || std::strcmp(message, "set_selection") == 0 ||
           std::strcmp(message, "set_primary_selection") == 0;
}

} // namespace

RequestContext::RequestContext(wl_display* display) {
    logger_ = wl_display_add_protocol_logger(display, &RequestContext::log, this);
}

RequestContext::~RequestContext() {
    if (logger_ != nullptr) {
        wl_protocol_logger_destroy(logger_);
    }
}

void RequestContext::log(void* data, wl_protocol_logger_type type,
                         const wl_protocol_logger_message* message) {
    if (type != WL_PROTOCOL_LOGGER_REQUEST) {
        return;
    }
    auto* self = static_cast<RequestContext*>(data);
    if (!interesting(message->message->name)) {
        self->current_ = {};
        return;
    }
    self->current_ = Request{wl_resource_get_client(message->resource),
                             wl_resource_get_class(message->resource), message->message->name};
}

RequestContext::Request RequestContext::take(std::initializer_list<std::string_view> wanted) {
    const Request request = current_;
    if (request.client == nullptr) {
        return {};
    }
    for (std::string_view name : wanted) {
        const std::size_t dot = name.find('.');
        if (dot != std::string_view::npos && name.substr(0, dot) == request.interface &&
            name.substr(dot + 1) == request.message) {
            current_ = {};
            return request;
        }
    }
    return {};
}

} // namespace prism::clipboard
