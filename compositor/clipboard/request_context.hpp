// Which client sent the request libwayland is dispatching right now.
//
// wlroots reports a new selection (request_set_selection) and a paste (wlr_data_source_send)
// without saying which client asked: both run synchronously inside the handler of that client's
// request. A protocol logger sees every request just before its handler runs, so it can tell.
// Only the requests a caller names are remembered, and take() consumes the record, so a stale
// record can never be mistaken for the current request.
#pragma once

#include <initializer_list>
#include <string_view>

#include <wayland-server-core.h>

namespace prism::clipboard {

class RequestContext {
public:
    struct Request {
        wl_client* client = nullptr;
        const char* interface = nullptr; // e.g. "wl_data_offer"; static strings of libwayland
        const char* message = nullptr;   // e.g. "receive"
    };

    explicit RequestContext(wl_display* display);
    ~RequestContext();
    RequestContext(const RequestContext&) = delete;
    RequestContext& operator=(const RequestContext&) = delete;

    // The request being dispatched, if it is one of `wanted` ("interface.message"); consumed.
    // An empty Request (client nullptr) otherwise.
    Request take(std::initializer_list<std::string_view> wanted);

private:
    static void log(void* data, wl_protocol_logger_type type,
                    const wl_protocol_logger_message* message);

    wl_protocol_logger* logger_ = nullptr;
    Request current_;
};

} // namespace prism::clipboard
