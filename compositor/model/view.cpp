#include "compositor/model/view.hpp"

#include "compositor/model/desktop.hpp"

#include <algorithm>

namespace prism {

View::View(Desktop& desktop, wlr_xdg_surface* xdg, vmbridge::Origin origin, std::uint64_t id)
    : desktop_(desktop)
    , xdg_(xdg)
    , origin_(std::move(origin))
    , id_(id) {
    tree_ = wlr_scene_tree_create(&desktop_.windows_tree()->node);
    tree_->node.data = this;
    surface_node_ = wlr_scene_xdg_surface_create(&tree_->node, xdg_);
    // Popups find their parent's scene node through xdg->data.
    xdg_->data = surface_node_;
    wlr_scene_node_set_enabled(&tree_->node, false);

    map_.connect(&xdg_->events.map, [this](void*) { handle_map(); });
    unmap_.connect(&xdg_->events.unmap, [this](void*) { handle_unmap(); });
    destroy_.connect(&xdg_->events.destroy, [this](void*) { desktop_.remove_view(*this); });

    wlr_xdg_toplevel* toplevel = xdg_->toplevel;
    request_move_.connect(&toplevel->events.request_move,
                          [this](auto*) { desktop_.request_interactive(*this, WLR_EDGE_NONE); });
    request_resize_.connect(&toplevel->events.request_resize,
                            [this](wlr_xdg_toplevel_resize_event* event) {
                                desktop_.request_interactive(*this, event->edges);
                            });
    request_maximize_.connect(&toplevel->events.request_maximize, [this](void*) {
        if (mapped_) {
            set_maximized(xdg_->toplevel->requested.maximized);
        } else {
            // xdg-shell requires a configure in reply, even before the first map.
            wlr_xdg_surface_schedule_configure(xdg_);
        }
    });
    request_fullscreen_.connect(&toplevel->events.request_fullscreen, [this](void*) {
        if (mapped_) {
            set_fullscreen(xdg_->toplevel->requested.fullscreen);
        } else {
            wlr_xdg_surface_schedule_configure(xdg_);
        }
    });
}

View::~View() {
    // The scene node of the xdg surface is destroyed by wlroots with the surface; the tree
    // holding it is ours.
    wlr_scene_node_destroy(&tree_->node);
}

std::string View::title() const {
    const char* title = xdg_->toplevel->title;
    return title != nullptr ? title : "";
}

std::string View::app_id() const {
    const char* app_id = xdg_->toplevel->app_id;
    return app_id != nullptr ? app_id : "";
}

wlr_box View::content_box() const {
    wlr_box geometry;
    wlr_xdg_surface_get_geometry(xdg_, &geometry);
    return {x_, y_, geometry.width, geometry.height};
}

void View::move_to(int x, int y) {
    x_ = x;
    y_ = y;
    wlr_scene_node_set_position(&tree_->node, x, y);
}

void View::request_size(int width, int height) {
    // 0 lets the client choose that dimension, as xdg-shell defines.
    wlr_xdg_toplevel_set_size(xdg_, std::max(0, width), std::max(0, height));
}

void View::set_activated(bool activated) {
    wlr_xdg_toplevel_set_activated(xdg_, activated);
}

void View::handle_map() {
    mapped_ = true;
    wlr_scene_node_set_enabled(&tree_->node, true);
    desktop_.view_mapped(*this);
    // A client may ask for these before it maps; honour them now.
    if (xdg_->toplevel->requested.fullscreen) {
        set_fullscreen(true);
    } else if (xdg_->toplevel->requested.maximized) {
        set_maximized(true);
    }
}

void View::handle_unmap() {
    mapped_ = false;
    wlr_scene_node_set_enabled(&tree_->node, false);
    desktop_.view_unmapped(*this);
}

void View::fill(const wlr_box& area) {
    if (!maximized_ && !fullscreen_) {
        saved_ = content_box();
    }
    move_to(area.x, area.y);
    request_size(area.width, area.height);
}

void View::restore() {
    move_to(saved_.x, saved_.y);
    request_size(saved_.width, saved_.height);
}

void View::set_maximized(bool maximized) {
    if (maximized == maximized_ || fullscreen_) {
        wlr_xdg_surface_schedule_configure(xdg_);
        return;
    }
    if (maximized) {
        fill(desktop_.output_box_for(this));
    }
    maximized_ = maximized;
    if (!maximized) {
        restore();
    }
    wlr_xdg_toplevel_set_maximized(xdg_, maximized);
}

void View::set_fullscreen(bool fullscreen) {
    if (fullscreen == fullscreen_) {
        wlr_xdg_surface_schedule_configure(xdg_);
        return;
    }
    if (fullscreen) {
        fill(desktop_.output_box_for(this));
    }
    fullscreen_ = fullscreen;
    if (!fullscreen) {
        if (maximized_) {
            fill(desktop_.output_box_for(this));
        } else {
            restore();
        }
    }
    wlr_xdg_toplevel_set_fullscreen(xdg_, fullscreen);
}

void View::close() {
    wlr_xdg_toplevel_send_close(xdg_);
}

} // namespace prism
