#include "compositor/frame/decorations.hpp"

namespace prism {

// Lives as long as the client's decoration object; deletes itself with it.
struct Decorations::Toplevel {
    Toplevel(wlr_xdg_toplevel_decoration_v1* decoration, bool force_server_side)
        : decoration(decoration)
        , force_server_side(force_server_side) {
        // Before the toplevel's first commit no configure may go out: the mode is chosen then,
        // and goes out with the first configure.
        request_mode.connect(&decoration->events.request_mode, [this](void*) {
            if (this->decoration->toplevel->base->initialized) {
                choose();
            }
        });
        commit.connect(&decoration->toplevel->base->surface->events.commit, [this](void*) {
            if (this->decoration->toplevel->base->initial_commit) {
                choose();
            }
        });
        destroy.connect(&decoration->events.destroy, [this](void*) { delete this; });
        if (decoration->toplevel->base->initialized) {
            choose();
        }
    }

    void choose() {
        wlr_xdg_toplevel_decoration_v1_mode mode = decoration->requested_mode;
        if (force_server_side || mode == WLR_XDG_TOPLEVEL_DECORATION_V1_MODE_NONE) {
            mode = WLR_XDG_TOPLEVEL_DECORATION_V1_MODE_SERVER_SIDE;
        }
        wlr_xdg_toplevel_decoration_v1_set_mode(decoration, mode);
    }

    wlr_xdg_toplevel_decoration_v1* decoration;
    bool force_server_side;
    Listener<void> request_mode, commit, destroy;
};

Decorations::Decorations(wl_display* display, const origins::ClientOrigins& origins)
    : origins_(origins) {
    wlr_server_decoration_manager* kde = wlr_server_decoration_manager_create(display);
    wlr_server_decoration_manager_set_default_mode(kde, WLR_SERVER_DECORATION_MANAGER_MODE_SERVER);
    wlr_xdg_decoration_manager_v1* xdg = wlr_xdg_decoration_manager_v1_create(display);
    new_toplevel_decoration_.connect(
        &xdg->events.new_toplevel_decoration,
        [this](wlr_xdg_toplevel_decoration_v1* decoration) { handle_new(decoration); });
}

Decorations::~Decorations() = default;

void Decorations::handle_new(wlr_xdg_toplevel_decoration_v1* decoration) {
    wl_client* client = wl_resource_get_client(decoration->resource);
    new Toplevel(decoration, !origins_.origin_of(client).is_host());
}

} // namespace prism
