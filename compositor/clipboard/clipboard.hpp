// The clipboard subsystem: the mediator and everything around it in the compositor. It owns the
// selection bridge (the seat's sources replaced by prism's, drags included), the dialog, the
// notice and the crossing log, and wires them to each other by reference; it connects its own
// listeners. (A drag's icon is the cursor's: it follows the pointer.)
//
// A cross-origin paste goes: SelectionBridge (a receive reaches prism's source) -> Mediator
// (policy_of and decide in policy.cpp, reading the source) -> this (the dialog over the pasting
// window, placement.cpp; the seat's modal) -> Mediator (the answer; the bytes delivered) ->
// CrossingLog (the log line and, for a refusal, the notice).
#pragma once

#include "compositor/clipboard/crossing_log.hpp"
#include "compositor/clipboard/dialog.hpp"
#include "compositor/clipboard/mediator.hpp"
#include "compositor/clipboard/selection_bridge.hpp"
#include "compositor/frame/styles.hpp"
#include "compositor/input/seat.hpp"
#include "compositor/listener.hpp"
#include "compositor/model/desktop.hpp"
#include "compositor/wlr.hpp"
#include "config/config.hpp"
#include "origins/client_origins.hpp"

#include <chrono>
#include <memory>

namespace prism::clipboard {

class Clipboard {
public:
    // `overlay` is the scene tree above every window, for the dialog and the notice.
    // `config` is the running configuration (a reload assigns it in place).
    Clipboard(wl_display* display, wl_event_loop* loop, wlr_scene_tree* overlay, Seat& seat,
              const Desktop& desktop, origins::ClientOrigins& origins, const config::Config& config,
              const FrameStyles& styles);
    ~Clipboard();
    Clipboard(const Clipboard&) = delete;
    Clipboard& operator=(const Clipboard&) = delete;

    // The configuration was reloaded: new limits for new pastes.
    void apply_config();

    const Mediator& mediator() const { return *mediator_; }
    const Dialog& dialog() const { return *dialog_; }

private:
    void handle_show(const std::optional<Prompt>& prompt);
    void handle_client_destroyed(wl_client* client);

    static void take_modal_down(void* data);

    wl_event_loop* loop_;
    wl_event_source* modal_idle_ = nullptr; // takes the dialog's modal down, see handle_show()
    wlr_scene_tree* overlay_;
    Seat& seat_;
    const Desktop& desktop_;
    origins::ClientOrigins& origins_;
    const config::Config& config_;
    const FrameStyles& styles_;

    std::unique_ptr<Notice> notice_;
    std::unique_ptr<CrossingLog> crossings_;
    std::unique_ptr<Dialog> dialog_;
    std::unique_ptr<Mediator> mediator_;
    std::unique_ptr<SelectionBridge> bridge_;
};

} // namespace prism::clipboard
