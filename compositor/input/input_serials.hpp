// The serials of the input events prism sent, and to whom: what a client must show to be
// allowed to start a grab (xdg_popup.grab) or to move the keyboard focus (xdg-activation).
//
// wlroots checks neither: xdg_popup.grab takes any serial, and an activation token's serial
// only has to be "older than now" once the client's ring of serials is full. A protocol logger
// sees every event prism sends (wl_keyboard.key, wl_pointer.button, wl_touch.down,
// zwp_tablet_tool_v2.down and .button, and wl_keyboard.enter for focus changes) and every request
// just before its handler runs, so it can tell which serial an xdg_popup.grab carries and who
// commits an activation token.
#pragma once

#include <array>
#include <cstdint>
#include <optional>

#include <wayland-server-core.h>

namespace prism {

class InputSerials {
public:
    // How many of the latest input events are remembered (all clients together).
    static constexpr std::size_t kRecent = 128;

    explicit InputSerials(wl_display* display);
    ~InputSerials();
    InputSerials(const InputSerials&) = delete;
    InputSerials& operator=(const InputSerials&) = delete;

    // Whether `serial` is that of one of the last kRecent key, button, touch-down or tablet
    // tool down/button events (a press or a release) prism sent to `client`.
    bool is_recent_input(const wl_client* client, std::uint32_t serial) const;
    // The same, and sent after the keyboard focus last moved (to any client): the client had
    // the keyboard when the user gave it that input, and nobody got it since.
    bool is_input_since_focus_change(const wl_client* client, std::uint32_t serial) const;

    struct GrabRequest {
        wl_client* client = nullptr;
        std::uint32_t serial = 0;
    };
    // The xdg_popup.grab being dispatched now, if it is one; consumed.
    std::optional<GrabRequest> take_popup_grab();
    // The client whose xdg_activation_token_v1.commit is being dispatched now, or nullptr.
    wl_client* token_committer() const { return token_committer_; }

private:
    static void log(void* data, wl_protocol_logger_type type,
                    const wl_protocol_logger_message* message);

    struct Entry {
        const wl_client* client = nullptr;
        std::uint32_t serial = 0;
        std::uint64_t order = 0; // 1, 2, ...: when it was sent, compared with focus_order_
    };
    const Entry* find(const wl_client* client, std::uint32_t serial) const;
    wl_protocol_logger* logger_ = nullptr;
    std::array<Entry, kRecent> recent_{};
    std::size_t next_ = 0;
    std::uint64_t order_ = 0;
    std::uint64_t focus_order_ = 0; // order_ at the last wl_keyboard.enter
    std::optional<GrabRequest> grab_;
    wl_client* token_committer_ = nullptr;
};

} // namespace prism
