#include "compositor/model/view.hpp"

#include "compositor/model/desktop.hpp"
#include "compositor/model/popup.hpp"

#include <algorithm>

namespace prism {

namespace {

// How long the VM's label stays up after a window enters fullscreen.
constexpr int kFullscreenLabelMs = 3000;

} // namespace

View::View(Desktop& desktop, wlr_xdg_surface* xdg, vmbridge::Origin origin, std::uint64_t id)
    : desktop_(desktop)
    , xdg_(xdg)
    , origin_(std::move(origin))
    , id_(id)
    , tag_{SceneTag::Kind::View, this} {
    tree_ = wlr_scene_tree_create(&desktop_.windows_tree()->node);
    tree_->node.data = &tag_;
    surface_node_ = wlr_scene_xdg_surface_create(&tree_->node, xdg_);
    // Popups find their parent's scene node through xdg->data.
    xdg_->data = surface_node_;
    // Created after the surface, the frame is drawn above it: no client pixel covers it.
    frame_ = std::make_unique<Frame>(tree_, this);
    wlr_scene_node_set_enabled(&tree_->node, false);

    map_.connect(&xdg_->events.map, [this](void*) { handle_map(); });
    unmap_.connect(&xdg_->events.unmap, [this](void*) { handle_unmap(); });
    destroy_.connect(&xdg_->events.destroy, [this](void*) { desktop_.remove_view(*this); });
    commit_.connect(&xdg_->surface->events.commit, [this](void*) {
        if (mapped_) {
            update_frame();
        }
    });

    wlr_xdg_toplevel* toplevel = xdg_->toplevel;
    set_title_.connect(&toplevel->events.set_title, [this](void*) {
        if (mapped_) {
            update_frame();
        }
    });
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
    if (label_timer_ != nullptr) {
        wl_event_source_remove(label_timer_);
    }
    frame_.reset();
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

wlr_box View::extent() const {
    return framed_extent(xdg_);
}

wlr_box View::content_box() const {
    const wlr_box local = extent();
    return {x_ + local.x, y_ + local.y, local.width, local.height};
}

wlr_box View::outer_box() const {
    const wlr_box outer = frame_->outer_box();
    return {x_ + outer.x, y_ + outer.y, outer.width, outer.height};
}

void View::move_to(int x, int y) {
    const wlr_box local = extent();
    x_ = x - local.x;
    y_ = y - local.y;
    wlr_scene_node_set_position(&tree_->node, x_, y_);
}

void View::move_outer_to(int x, int y) {
    const wlr_box content = content_box();
    const wlr_box outer = outer_box();
    move_to(x + (content.x - outer.x), y + (content.y - outer.y));
}

void View::request_size(int width, int height) {
    // 0 lets the client choose that dimension, as xdg-shell defines.
    wlr_xdg_toplevel_set_size(xdg_, std::max(0, width), std::max(0, height));
}

void View::set_activated(bool activated) {
    wlr_xdg_toplevel_set_activated(xdg_, activated);
    if (mapped_) {
        update_frame();
    }
}

void View::update_frame() {
    Frame::Mode mode = Frame::Mode::Normal;
    if (fullscreen_) {
        mode = origin_.is_host() ? Frame::Mode::Hidden : Frame::Mode::Fullscreen;
    }
    const wlr_box content = content_box();
    frame_->update(desktop_.frame_style(origin_), extent(), title(), desktop_.focused() == this,
                   desktop_.scale_at(content.x + content.width / 2, content.y + content.height / 2),
                   mode);
}

FramePart View::frame_part_at(double lx, double ly) const {
    return frame_->part_at(lx - x_, ly - y_);
}

void View::enforce_containment() {
    std::optional<config::Colour> outline;
    if (!origin_.is_host()) {
        outline = desktop_.frame_style(origin_).colour;
    }
    contain_surfaces(surface_node_, xdg_->surface, extent(), outline);
}

void View::handle_map() {
    mapped_ = true;
    update_frame();
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

void View::fill(const wlr_box& area, bool with_frame) {
    if (!maximized_ && !fullscreen_) {
        saved_ = content_box();
    }
    int left = 0, top = 0, right = 0, bottom = 0;
    if (with_frame) {
        const wlr_box content = content_box();
        const wlr_box outer = outer_box();
        left = content.x - outer.x;
        top = content.y - outer.y;
        right = outer.x + outer.width - (content.x + content.width);
        bottom = outer.y + outer.height - (content.y + content.height);
    }
    move_to(area.x + left, area.y + top);
    request_size(area.width - left - right, area.height - top - bottom);
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
        fill(desktop_.output_box_for(this), true);
    }
    maximized_ = maximized;
    if (!maximized) {
        restore();
    }
    wlr_xdg_toplevel_set_maximized(xdg_, maximized);
    update_frame();
}

void View::set_fullscreen(bool fullscreen) {
    if (fullscreen && !desktop_.fullscreen_allowed(origin_)) {
        // Fullscreen hides the frame: a VM not trusted with it gets maximize instead.
        wlr_log(WLR_INFO, "vm %s may not go fullscreen; maximizing instead",
                origin_.vm_name().c_str());
        set_maximized(true);
        wlr_xdg_surface_schedule_configure(xdg_);
        return;
    }
    if (fullscreen == fullscreen_) {
        wlr_xdg_surface_schedule_configure(xdg_);
        return;
    }
    if (fullscreen) {
        fill(desktop_.output_box_for(this), false);
    }
    fullscreen_ = fullscreen;
    if (!fullscreen) {
        if (maximized_) {
            fill(desktop_.output_box_for(this), true);
        } else {
            restore();
        }
    }
    wlr_xdg_toplevel_set_fullscreen(xdg_, fullscreen);
    update_frame();
    if (fullscreen && !origin_.is_host()) {
        // Say whose fullscreen this is, for a moment.
        frame_->show_fullscreen_label(true);
        if (label_timer_ == nullptr) {
            label_timer_ = wl_event_loop_add_timer(
                desktop_.event_loop(),
                [](void* data) {
                    static_cast<View*>(data)->frame_->show_fullscreen_label(false);
                    return 0;
                },
                this);
        }
        wl_event_source_timer_update(label_timer_, kFullscreenLabelMs);
    } else {
        frame_->show_fullscreen_label(false);
    }
}

void View::close() {
    wlr_xdg_toplevel_send_close(xdg_);
}

} // namespace prism
