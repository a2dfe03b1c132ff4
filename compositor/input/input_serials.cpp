#include "compositor/input/input_serials.hpp"

#include <cstring>

namespace prism {

InputSerials::InputSerials(wl_display* display)
    : logger_(wl_display_add_protocol_logger(display, &InputSerials::log, this)) {
}

InputSerials::~InputSerials() {
    if (logger_ != nullptr) {
        wl_protocol_logger_destroy(logger_);
    }
}

const InputSerials::Entry* InputSerials::find(const wl_client* client, std::uint32_t serial) const {
    if (client == nullptr) {
        return nullptr;
    }
    for (const Entry& entry : recent_) {
        if (entry.order != 0 && entry.client == client && entry.serial == serial) {
            return &entry;
        }
    }
    return nullptr;
}

bool InputSerials::is_recent_input(const wl_client* client, std::uint32_t serial) const {
    return find(client, serial) != nullptr;
}

bool InputSerials::is_input_since_focus_change(const wl_client* client,
                                               std::uint32_t serial) const {
    const Entry* entry = find(client, serial);
    return entry != nullptr && entry->order > focus_order_;
}

std::optional<InputSerials::GrabRequest> InputSerials::take_popup_grab() {
    std::optional<GrabRequest> grab = grab_;
    grab_.reset();
    return grab;
}

void InputSerials::log(void* data, wl_protocol_logger_type type,
                       const wl_protocol_logger_message* message) {
    auto* self = static_cast<InputSerials*>(data);
    const char* interface = wl_resource_get_class(message->resource);
    const char* name = message->message->name;
    if (type == WL_PROTOCOL_LOGGER_REQUEST) {
        // Only the request being dispatched counts: anything else clears the records.
        self->grab_.reset();
        self->token_committer_ = nullptr;
        if (std::strcmp(name, "grab") == 0 && std::strcmp(interface, "xdg_popup") == 0 &&
            message->arguments_count >= 2) {
            self->grab_ =
                GrabRequest{wl_resource_get_client(message->resource), message->arguments[1].u};
        } else if (std::strcmp(name, "commit") == 0 &&
                   std::strcmp(interface, "xdg_activation_token_v1") == 0) {
            self->token_committer_ = wl_resource_get_client(message->resource);
        }
        return;
    }
    if (message->arguments_count < 1) {
        return;
    }
    // A pen's tip and buttons are input as a mouse's buttons are: GTK opens a context menu
    // with the serial of the pen's button.
    const bool input =
        (std::strcmp(name, "key") == 0 && std::strcmp(interface, "wl_keyboard") == 0) ||
        (std::strcmp(name, "button") == 0 && std::strcmp(interface, "wl_pointer") == 0) ||
        (std::strcmp(name, "down") == 0 && std::strcmp(interface, "wl_touch") == 0) ||
        ((std::strcmp(name, "down") == 0 || std::strcmp(name, "button") == 0) &&
         std::strcmp(interface, "zwp_tablet_tool_v2") == 0);
    if (input) {
        const wl_client* client = wl_resource_get_client(message->resource);
        const std::uint32_t serial = message->arguments[0].u;
        // One event goes to every wl_keyboard (wl_pointer, ...) the client has: once is enough.
        const std::size_t last = (self->next_ + kRecent - 1) % kRecent;
        if (self->recent_[last].order != 0 && self->recent_[last].client == client &&
            self->recent_[last].serial == serial) {
            return;
        }
        self->recent_[self->next_] = Entry{client, serial, ++self->order_};
        self->next_ = (self->next_ + 1) % kRecent;
    } else if (std::strcmp(name, "enter") == 0 && std::strcmp(interface, "wl_keyboard") == 0) {
        self->focus_order_ = ++self->order_;
    }
}

} // namespace prism
