// xdg_activation_v1.activate: who may raise and focus a window.
//
// The host may activate any window. A client of a VM (or sandbox) may activate only its own
// origin's windows, and takes the keyboard only with a token it made from an input serial of
// this seat that it got while it had the keyboard (the user was typing or clicking in it).
// Any other activation only marks the window urgent (Desktop::activate).
#pragma once

#include "compositor/input/input_serials.hpp"
#include "compositor/listener.hpp"
#include "compositor/model/desktop.hpp"
#include "compositor/wlr.hpp"
#include "origins/client_origins.hpp"

namespace prism {

class ActivationRequests {
public:
    ActivationRequests(wlr_xdg_activation_v1* activation, const origins::ClientOrigins& origins,
                       const InputSerials& serials, Desktop& desktop, wlr_seat* seat);
    ActivationRequests(const ActivationRequests&) = delete;
    ActivationRequests& operator=(const ActivationRequests&) = delete;

private:
    void handle_request_activate(wlr_xdg_activation_v1_request_activate_event* event);

    const origins::ClientOrigins& origins_;
    const InputSerials& serials_;
    Desktop& desktop_;
    wlr_seat* seat_;
    Listener<wlr_xdg_activation_v1_request_activate_event> request_activate_;
};

} // namespace prism
