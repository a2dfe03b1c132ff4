#include "compositor/input/activation_requests.hpp"

namespace prism {

ActivationRequests::ActivationRequests(wlr_xdg_activation_v1* activation,
                                       const origins::ClientOrigins& origins,
                                       const InputSerials& serials, Desktop& desktop,
                                       wlr_seat* seat)
    : origins_(origins)
    , serials_(serials)
    , desktop_(desktop)
    , seat_(seat) {
    request_activate_.connect(&activation->events.request_activate,
                              [this](wlr_xdg_activation_v1_request_activate_event* event) {
                                  handle_request_activate(event);
                              });
}

void ActivationRequests::handle_request_activate(
    wlr_xdg_activation_v1_request_activate_event* event) {
    View* view = View::from_surface(event->surface);
    if (view == nullptr || !view->mapped()) {
        return;
    }
    // Who vouched for this activation: the client whose surface asked for the token.
    origins::Origin requester = origins::Origin::unknown();
    bool vouched = false;
    const wlr_xdg_activation_token_v1* token = event->token;
    if (token->surface != nullptr) {
        wl_client* client = wl_resource_get_client(token->surface->resource);
        requester = origins_.origin_of(client);
        // Made from the user's input to that client on this seat, after it got the keyboard.
        vouched =
            token->seat == seat_ && serials_.is_input_since_focus_change(client, token->serial);
    }
    desktop_.activate(*view, requester, vouched);
}

} // namespace prism
