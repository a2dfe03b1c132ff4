// Decoration negotiation (xdg-decoration and KDE server-decoration).
//
// VM clients are always told the compositor draws the decorations: prism's frame is the only
// trustworthy one, and a client that draws its own anyway still gets prism's frame around it.
// Host clients get what they ask for.
#pragma once

#include "compositor/listener.hpp"
#include "compositor/wlr.hpp"
#include "origins/client_origins.hpp"

namespace prism {

class Decorations {
public:
    Decorations(wl_display* display, const origins::ClientOrigins& origins);
    ~Decorations();
    Decorations(const Decorations&) = delete;
    Decorations& operator=(const Decorations&) = delete;

private:
    struct Toplevel;
    void handle_new(wlr_xdg_toplevel_decoration_v1* decoration);

    const origins::ClientOrigins& origins_;
    Listener<wlr_xdg_toplevel_decoration_v1> new_toplevel_decoration_;
};

} // namespace prism
