// wp_security_context_v1 (host-only): a host sandbox engine (Flatpak, `waypipe --secctx`)
// opens a listening socket for the apps it runs. Their clients get an origin of their own
// (origins::Origin::sandbox): the VM-safe globals only, clipboard mediation like a VM, and a
// frame style of their own.
#pragma once

#include "compositor/listener.hpp"
#include "compositor/wlr.hpp"
#include "origins/client_origins.hpp"

namespace prism {

class SecurityContext {
public:
    // Creates the global on `display`; wlroots destroys it with the display.
    explicit SecurityContext(wl_display* display);
    SecurityContext(const SecurityContext&) = delete;
    SecurityContext& operator=(const SecurityContext&) = delete;

    // The sandbox a client came through, for ClientOrigins: what its engine committed, or
    // nullopt for a client of no security context. Valid while this object lives.
    origins::ClientOrigins::SandboxLookup lookup() const;

private:
    wlr_security_context_manager_v1* manager_; // nullptr once the display destroyed it
    Listener<void> destroy_;
};

} // namespace prism
