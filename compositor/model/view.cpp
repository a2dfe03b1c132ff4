#include "compositor/model/view.hpp"

#include "compositor/model/desktop.hpp"
#include "compositor/model/popup.hpp"

#include <algorithm>
#include <string_view>

namespace prism {

namespace {

// How long the VM's label stays up after a window enters fullscreen.
constexpr int kFullscreenLabelMs = 3000;

} // namespace

View::View(Desktop& desktop, wlr_xdg_toplevel* toplevel, origins::Origin origin, std::uint64_t id)
    : desktop_(desktop)
    , toplevel_(toplevel)
    , xdg_(toplevel->base)
    , origin_(std::move(origin))
    , id_(id)
    , tag_{this}
    , style_(desktop.styles().of(origin_))
    , size_limit_(desktop.styles().size_limit(origin_))
    , max_title_bytes_(desktop.styles().limits(origin_).max_title_bytes) {
    tree_ = wlr_scene_tree_create(desktop_.windows_tree());
    // Hidden until mapped, and hidden before anything goes in: wlroots then skips the
    // visibility and damage work for each node added below (the frame's dozen nodes), which a
    // VM making windows in a loop would otherwise cost prism across the whole scene each time.
    wlr_scene_node_set_enabled(&tree_->node, false);
    tree_->node.data = &tag_;
    surface_tree_ = wlr_scene_subsurface_tree_create(tree_, xdg_->surface);
    // Created after the surface, the frame is drawn above it: no pixel of the window covers it.
    frame_ = std::make_unique<Frame>(tree_, desktop_.event_loop());
    frame_->set_title_budget(&desktop_.title_budget(origin_));
    // The popups (menus) go above the border, so a menu reaching over the window's edge shows
    // whole in its own outline, and under the title bar: no popup covers the VM's label.
    popups_ = wlr_scene_tree_create(tree_);
    wlr_scene_node_place_above(&popups_->node, &frame_->border_layer()->node);
    // Popups find the tree to go in through xdg->data; the destructor clears it.
    xdg_->data = popups_;

    map_.connect(&xdg_->surface->events.map, [this](void*) { handle_map(); });
    unmap_.connect(&xdg_->surface->events.unmap, [this](void*) { handle_unmap(); });
    destroy_.connect(&toplevel_->events.destroy, [this](void*) { handle_destroy(); });
    commit_.connect(&xdg_->surface->events.commit, [this](void*) { handle_commit(); });
    set_title_.connect(&toplevel_->events.set_title, [this](void*) { handle_set_title(); });
    set_app_id_.connect(&toplevel_->events.set_app_id, [this](void*) {
        if (mapped_) {
            desktop_.notify_changed(*this);
        }
    });
    request_move_.connect(
        &toplevel_->events.request_move,
        [this](wlr_xdg_toplevel_move_event* event) { handle_request_move(event); });
    request_resize_.connect(
        &toplevel_->events.request_resize,
        [this](wlr_xdg_toplevel_resize_event* event) { handle_request_resize(event); });
    request_maximize_.connect(&toplevel_->events.request_maximize,
                              [this](void*) { handle_request_maximize(); });
    request_fullscreen_.connect(&toplevel_->events.request_fullscreen,
                                [this](void*) { handle_request_fullscreen(); });
}

View::~View() {
    if (label_timer_ != nullptr) {
        wl_event_source_remove(label_timer_);
    }
    if (title_idle_ != nullptr) {
        wl_event_source_remove(title_idle_);
    }
    // The xdg_surface can outlive its toplevel role: it must not point at a freed tree.
    if (xdg_->data == popups_) {
        xdg_->data = nullptr;
    }
    frame_.reset();
    // The whole tree is ours: the surface tree and the popups' trees go with it.
    wlr_scene_node_destroy(&tree_->node);
}

void View::handle_destroy() {
    // The toplevel role can go while its xdg_surface stays: the view goes with the role.
    desktop_.remove_view(*this);
}

void View::handle_set_title() {
    // A client may send hundreds of set_title in one buffer, and libwayland dispatches them
    // all before anyone else's requests: each only marks the title changed, and the frame and
    // the title's watchers (foreign toplevels, idle) see the latest title once the loop is
    // idle, once per turn of the loop however many titles came in it.
    if (!mapped_ || title_idle_ != nullptr) {
        return;
    }
    if (desktop_.event_loop() != nullptr) {
        title_idle_ = wl_event_loop_add_idle(
            desktop_.event_loop(),
            [](void* data) {
                auto* self = static_cast<View*>(data);
                self->title_idle_ = nullptr; // an idle source is gone once it ran
                if (self->mapped_) {
                    self->update_frame();
                    self->desktop_.notify_changed(*self);
                }
            },
            this);
    }
    if (title_idle_ == nullptr) {
        update_frame();
        desktop_.notify_changed(*this);
    }
}

bool View::grab_serial_valid(wlr_seat_client* seat_client, std::uint32_t serial) const {
    // The serial of the button press (or touch) still held on this client's surface: a drag of
    // its title bar. Anything else (a made-up serial, a released button) is no grab.
    if (seat_client == nullptr) {
        return false;
    }
    wlr_seat* seat = seat_client->seat;
    wl_client* client = wl_resource_get_client(xdg_->surface->resource);
    wlr_surface* pointer_focus = seat->pointer_state.focused_surface;
    if (pointer_focus != nullptr && wl_resource_get_client(pointer_focus->resource) == client &&
        wlr_seat_validate_pointer_grab_serial(seat, nullptr, serial)) {
        return true;
    }
    wlr_touch_point* point = nullptr;
    return wlr_seat_validate_touch_grab_serial(seat, nullptr, serial, &point) && point != nullptr &&
           point->client != nullptr && point->client->client == client;
}

void View::handle_request_move(wlr_xdg_toplevel_move_event* event) {
    if (!grab_serial_valid(event->seat, event->serial)) {
        wlr_log(WLR_DEBUG, "%s: xdg_toplevel.move with serial %u, not a held button: ignored",
                std::string(origin_.display_name()).c_str(), event->serial);
        return;
    }
    desktop_.request_interactive(*this, WLR_EDGE_NONE);
}

void View::handle_request_resize(wlr_xdg_toplevel_resize_event* event) {
    if (!grab_serial_valid(event->seat, event->serial)) {
        wlr_log(WLR_DEBUG, "%s: xdg_toplevel.resize with serial %u, not a held button: ignored",
                std::string(origin_.display_name()).c_str(), event->serial);
        return;
    }
    desktop_.request_interactive(*this, event->edges);
}

// Before the first commit there is nothing to configure yet: the initial commit reads what was
// requested. Before the map, the configure in reply is all xdg-shell asks.
void View::handle_request_maximize() {
    if (mapped_) {
        set_maximized(toplevel_->requested.maximized);
    } else if (xdg_->initialized) {
        wlr_xdg_surface_schedule_configure(xdg_);
    }
}

void View::handle_request_fullscreen() {
    if (mapped_) {
        set_fullscreen(toplevel_->requested.fullscreen);
    } else if (xdg_->initialized) {
        wlr_xdg_surface_schedule_configure(xdg_);
    }
}

void View::handle_commit() {
    if (xdg_->initial_commit) {
        // The first configure: prism's capabilities, and let the client choose its size (a
        // maximize or fullscreen asked for before now is applied when it maps) within the
        // bounds of the output it opens on, less the frame (configure_bounds, xdg_toplevel
        // v4). One that maps larger anyway is fitted then (Desktop::place_new_view).
        send_wm_capabilities();
        wlr_xdg_toplevel_set_size(toplevel_, 0, 0);
        const View* dialog_of = parent();
        const wlr_box area = desktop_.usable_area_for(dialog_of);
        const Frame::Margins frame = frame_margins();
        wlr_xdg_toplevel_set_bounds(toplevel_, std::max(0, area.width - frame.left - frame.right),
                                    std::max(0, area.height - frame.top - frame.bottom));
        return;
    }
    clip_to_geometry(surface_tree_, xdg_, size_limit_);
    if (mapped_) {
        update_frame();
    }
    // Only a window whose size changed can cover or uncover others: a window redrawn at 60 Hz
    // (a video) must not make prism look at every window on every frame.
    const wlr_box geometry = window_geometry(xdg_, size_limit_);
    if (geometry.width != committed_size_.width || geometry.height != committed_size_.height) {
        committed_size_ = geometry;
        desktop_.schedule_visibility_check();
    }
}

std::string View::title() const {
    const char* title = toplevel_->title;
    if (title == nullptr) {
        return "";
    }
    // [limits] max_title_bytes, cut where a UTF-8 sequence starts (the frame sanitizes the
    // rest).
    std::string_view text(title);
    if (text.size() > max_title_bytes_) {
        std::size_t end = max_title_bytes_;
        while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) {
            --end;
        }
        text = text.substr(0, end);
    }
    return std::string(text);
}

std::string View::app_id() const {
    const char* app_id = toplevel_->app_id;
    return app_id != nullptr ? app_id : "";
}

wlr_box View::extent() const {
    // The tree's origin is the geometry's corner.
    const wlr_box geometry = window_geometry(xdg_, size_limit_);
    return {0, 0, geometry.width, geometry.height};
}

wlr_box View::content_box() const {
    const wlr_box local = extent();
    return {x_ + local.x, y_ + local.y, local.width, local.height};
}

wlr_box View::outer_box() const {
    const wlr_box outer = frame_->outer_box();
    return {x_ + outer.x, y_ + outer.y, outer.width, outer.height};
}

wlr_box View::title_band() const {
    const wlr_box outer = outer_box();
    const wlr_box content = content_box();
    return {outer.x, outer.y, outer.width, content.y - outer.y};
}

namespace {

// The shown popups of `xdg`, and theirs, in stacking order.
void collect_popups(wlr_xdg_surface* xdg, const SizeLimit& limit, std::vector<wlr_box>* boxes) {
    wlr_xdg_popup* popup = nullptr;
    wl_list_for_each(popup, &xdg->popups, link) {
        // A popup prism shows keeps its tree in xdg_surface::data (popup.cpp).
        auto* tree = static_cast<wlr_scene_tree*>(popup->base->data);
        if (tree == nullptr || !popup->base->surface->mapped) {
            continue;
        }
        int x = 0, y = 0;
        if (wlr_scene_node_coords(&tree->node, &x, &y)) {
            const wlr_box geometry = window_geometry(popup->base, limit);
            boxes->push_back({x, y, geometry.width, geometry.height});
        }
        collect_popups(popup->base, limit, boxes);
    }
}

} // namespace

std::vector<wlr_box> View::popup_boxes() const {
    std::vector<wlr_box> boxes;
    collect_popups(xdg_, size_limit_, &boxes);
    return boxes;
}

void View::move_to(int x, int y) {
    const wlr_box local = extent();
    x_ = x - local.x;
    y_ = y - local.y;
    wlr_scene_node_set_position(&tree_->node, x_, y_);
    place_popups_again();
    desktop_.schedule_visibility_check();
}

void View::place_popups_again() {
    // A popup is placed against its window's title bar and output: where the frame is. Only a
    // change counts (a window redrawn at 60 Hz must not re-place its menus every frame).
    const wlr_box outer = outer_box();
    const wlr_box content = content_box();
    auto same = [](const wlr_box& a, const wlr_box& b) {
        return a.x == b.x && a.y == b.y && a.width == b.width && a.height == b.height;
    };
    if (same(outer, popups_outer_) && same(content, popups_content_)) {
        return;
    }
    popups_outer_ = outer;
    popups_content_ = content;
    Popup::place_popups_of(xdg_);
}

void View::move_outer_to(int x, int y) {
    const wlr_box content = content_box();
    const wlr_box outer = outer_box();
    move_to(x + (content.x - outer.x), y + (content.y - outer.y));
}

void View::request_size(int width, int height) {
    // 0 lets the client choose that dimension, as xdg-shell defines; never more than the
    // origin's limit (a window that large would only be cut).
    wlr_xdg_toplevel_set_size(toplevel_, std::clamp(width, 0, size_limit_.width),
                              std::clamp(height, 0, size_limit_.height));
}

void View::set_activated(bool activated) {
    wlr_xdg_toplevel_set_activated(toplevel_, activated);
    if (mapped_) {
        update_frame();
    }
}

bool View::shown() const {
    bool shown = false;
    wlr_scene_node_for_each_buffer(
        &surface_tree_->node,
        [](wlr_scene_buffer* buffer, int, int, void* data) {
            // The scene gives a buffer an output only where some of it is visible there.
            if (buffer->primary_output != nullptr) {
                *static_cast<bool*>(data) = true;
            }
        },
        &shown);
    return shown;
}

void View::set_suspended(bool suspended) {
    if (suspended == suspended_ || !mapped_) {
        return;
    }
    suspended_ = suspended;
    // Older clients have no such state: no configure for nothing.
    if (wl_resource_get_version(toplevel_->resource) >=
        XDG_TOPLEVEL_STATE_SUSPENDED_SINCE_VERSION) {
        wlr_xdg_toplevel_set_suspended(toplevel_, suspended);
    }
}

void View::set_urgent(bool urgent) {
    urgent_ = urgent && desktop_.focused() != this;
}

void View::update_frame() {
    Frame::Mode mode = Frame::Mode::Normal;
    if (fullscreen_) {
        mode = origin_.is_host() ? Frame::Mode::Hidden : Frame::Mode::Fullscreen;
    }
    const wlr_box content = content_box();
    frame_->update(style_, extent(), title(), desktop_.focused() == this,
                   desktop_.scale_at(content.x + content.width / 2, content.y + content.height / 2),
                   mode);
    place_popups_again();
}

void View::send_wm_capabilities() {
    std::uint32_t capabilities = WLR_XDG_TOPLEVEL_WM_CAPABILITIES_MAXIMIZE;
    if (desktop_.fullscreen_allowed(origin_)) {
        capabilities |= WLR_XDG_TOPLEVEL_WM_CAPABILITIES_FULLSCREEN;
    }
    if (capabilities != wm_capabilities_) {
        wm_capabilities_ = capabilities;
        wlr_xdg_toplevel_set_wm_capabilities(toplevel_, capabilities);
    }
}

View* View::parent() const {
    wlr_xdg_toplevel* parent = toplevel_->parent;
    if (parent == nullptr ||
        wl_resource_get_client(parent->resource) != wl_resource_get_client(toplevel_->resource)) {
        return nullptr;
    }
    View* view = from_surface(parent->base->surface);
    return view != nullptr && view->mapped() ? view : nullptr;
}

void View::fit_into(const wlr_box& area) {
    const Frame::Margins frame = frame_margins();
    const wlr_box content = content_box();
    const int max_width = std::max(1, area.width - frame.left - frame.right);
    const int max_height = std::max(1, area.height - frame.top - frame.bottom);
    if (content.width > max_width || content.height > max_height) {
        request_size(std::min(content.width, max_width), std::min(content.height, max_height));
    }
}

void View::refresh_style() {
    style_ = desktop_.styles().of(origin_);
    size_limit_ = desktop_.styles().size_limit(origin_);
    max_title_bytes_ = desktop_.styles().limits(origin_).max_title_bytes;
    frame_->set_title_budget(&desktop_.title_budget(origin_)); // its rate may have changed
    clip_to_geometry(surface_tree_, xdg_, size_limit_);
    if (xdg_->initialized) {
        send_wm_capabilities(); // [vm] allow_fullscreen may have changed
    }
    if (mapped_) {
        update_frame();
    }
}

View* View::from_surface(wlr_surface* surface) {
    // The view keeps its popup tree in xdg_surface::data (and clears it when it goes); the
    // popup tree's parent is the view's tree, tagged with the view.
    wlr_xdg_toplevel* toplevel =
        surface != nullptr ? wlr_xdg_toplevel_try_from_wlr_surface(surface) : nullptr;
    if (toplevel == nullptr || toplevel->base->data == nullptr) {
        return nullptr;
    }
    auto* popups = static_cast<wlr_scene_tree*>(toplevel->base->data);
    return from_node(&popups->node);
}

View* View::from_node(wlr_scene_node* node) {
    for (wlr_scene_node* walk = node; walk != nullptr;
         walk = walk->parent != nullptr ? &walk->parent->node : nullptr) {
        // Only a view's own tree carries data: its SceneTag (scene_tag.hpp).
        if (walk->type == WLR_SCENE_NODE_TREE && walk->data != nullptr) {
            return static_cast<const SceneTag*>(walk->data)->view;
        }
    }
    return nullptr;
}

FramePart View::frame_part_at(double lx, double ly) const {
    return frame_->part_at(lx - x_, ly - y_);
}

void View::handle_map() {
    mapped_ = true;
    clip_to_geometry(surface_tree_, xdg_, size_limit_);
    update_frame();
    wlr_scene_node_set_enabled(&tree_->node, true);
    desktop_.view_mapped(*this);
    // A client may ask for these before it maps; honour them now.
    if (toplevel_->requested.fullscreen) {
        set_fullscreen(true);
    } else if (toplevel_->requested.maximized) {
        set_maximized(true);
    }
}

void View::handle_unmap() {
    suspended_ = false; // a window that maps again starts afresh
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
    // The geometry from before, exactly, when it fits the usable area with the frame. A window
    // that was maximized before it ever showed (Firefox on a small output) saved only the size
    // it asked for first, which may not: it is restored to the largest size that fits, moved
    // as little as keeps its frame inside the area.
    wlr_box box = saved_;
    const wlr_box area = desktop_.usable_area_for(this);
    const Frame::Margins frame = frame_margins();
    const int max_width = area.width - frame.left - frame.right;
    const int max_height = area.height - frame.top - frame.bottom;
    if (max_width > 0 && max_height > 0 && (box.width > max_width || box.height > max_height)) {
        box.width = std::min(box.width, max_width);
        box.height = std::min(box.height, max_height);
        box.x =
            std::clamp(box.x, area.x + frame.left, area.x + area.width - frame.right - box.width);
        box.y =
            std::clamp(box.y, area.y + frame.top, area.y + area.height - frame.bottom - box.height);
    }
    move_to(box.x, box.y);
    request_size(box.width, box.height);
}

void View::set_maximized(bool maximized) {
    if (maximized == maximized_ || fullscreen_) {
        wlr_xdg_surface_schedule_configure(xdg_);
        return;
    }
    if (maximized) {
        fill(desktop_.usable_area_for(this), true);
    }
    maximized_ = maximized;
    if (!maximized) {
        restore();
    }
    wlr_xdg_toplevel_set_maximized(toplevel_, maximized);
    update_frame();
    desktop_.notify_changed(*this);
}

void View::refit() {
    if (maximized_ && !fullscreen_) {
        fill(desktop_.usable_area_for(this), true);
    }
}

void View::set_fullscreen(bool fullscreen) {
    if (fullscreen && !desktop_.fullscreen_allowed(origin_)) {
        // Fullscreen hides the frame: a VM not trusted with it gets maximize instead.
        if (!fullscreen_refusal_logged_) {
            // Once per window: the client may ask as often as it likes.
            fullscreen_refusal_logged_ = true;
            wlr_log(WLR_INFO, "vm %s may not go fullscreen; maximizing instead",
                    origin_.vm_name().c_str());
        }
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
            fill(desktop_.usable_area_for(this), true);
        } else {
            restore();
        }
    }
    wlr_xdg_toplevel_set_fullscreen(toplevel_, fullscreen);
    update_frame();
    desktop_.notify_changed(*this);
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
    wlr_xdg_toplevel_send_close(toplevel_);
}

} // namespace prism
