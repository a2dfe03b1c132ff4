#include "compositor/model/popup.hpp"

#include "compositor/model/desktop.hpp"

#include <algorithm>

namespace prism {

namespace {

constexpr int kOutlineWidth = 2;

} // namespace

wlr_box window_geometry(wlr_xdg_surface* xdg, const SizeLimit& limit) {
    wlr_box geometry{};
    // The geometry the client set, within the extent of its surfaces; their extent if it set
    // none.
    wlr_xdg_surface_get_geometry(xdg, &geometry);
    if (geometry.width <= 0 || geometry.height <= 0) {
        return {};
    }
    // One pixel far out makes the surfaces' extent huge: the window is cut to the limit, from
    // its top-left corner.
    geometry.width = std::min(geometry.width, limit.width);
    geometry.height = std::min(geometry.height, limit.height);
    return geometry;
}

void clip_to_geometry(wlr_scene_tree* surface_tree, wlr_xdg_surface* xdg, const SizeLimit& limit) {
    const wlr_box geometry = window_geometry(xdg, limit);
    // wlroots takes an empty clip as "no clip": an empty geometry hides everything instead.
    const bool empty = geometry.width <= 0 || geometry.height <= 0;
    wlr_scene_node_set_enabled(&surface_tree->node, !empty);
    wlr_scene_node_set_position(&surface_tree->node, -geometry.x, -geometry.y);
    if (!empty) {
        wlr_scene_subsurface_tree_set_clip(&surface_tree->node, &geometry);
    }
}

void Popup::create(wlr_xdg_popup* popup, const Desktop& desktop,
                   std::optional<config::Colour> outline, SizeLimit limit) {
    // The parent's popup tree: a window's, another popup's, or a layer surface's (a panel's
    // menu). None when the parent is a surface prism does not show (its role is gone).
    void* tree = nullptr;
    if (popup->parent != nullptr) {
        if (wlr_xdg_surface* parent = wlr_xdg_surface_try_from_wlr_surface(popup->parent)) {
            tree = parent->data;
        } else if (wlr_layer_surface_v1* layer =
                       wlr_layer_surface_v1_try_from_wlr_surface(popup->parent)) {
            tree = layer->data;
        }
    }
    if (tree == nullptr) {
        return; // never shown; wlroots still answers the client
    }
    new Popup(popup, static_cast<wlr_scene_tree*>(tree), desktop, outline, limit);
}

Popup::Popup(wlr_xdg_popup* popup, wlr_scene_tree* parent, const Desktop& desktop,
             std::optional<config::Colour> outline, SizeLimit limit)
    : popup_(popup)
    , desktop_(desktop)
    , outline_colour_(outline)
    , limit_(limit)
    , tree_(wlr_scene_tree_create(parent))
    , surface_tree_(wlr_scene_subsurface_tree_create(tree_, popup->base->surface))
    , outline_(std::in_place, tree_) {
    // Nested popups find the tree to go in here, and only while it exists.
    popup_->base->data = tree_;
    commit_.connect(&popup_->base->surface->events.commit, [this](void*) { handle_commit(); });
    destroy_.connect(&popup_->events.destroy, [this](void*) { delete this; });
    // The parent's tree can go first (its window closed, or its role was destroyed).
    tree_destroy_.connect(&tree_->node.events.destroy, [this](void*) { forget_tree(); });
    update();
}

Popup::~Popup() {
    wlr_scene_tree* tree = tree_;
    forget_tree();
    if (tree != nullptr) {
        wlr_scene_node_destroy(&tree->node); // nested popups' trees go with it
    }
}

void Popup::forget_tree() {
    // From now on this popup shows nothing, and no wlroots object keeps a pointer to the tree.
    if (tree_ != nullptr && popup_->base->data == tree_) {
        popup_->base->data = nullptr;
    }
    tree_ = nullptr;
    surface_tree_ = nullptr;
    outline_.reset();
    tree_destroy_.disconnect();
}

void Popup::handle_commit() {
    if (popup_->base->initial_commit) {
        // The first configure goes out now, moved inside the output of its window.
        std::optional<wlr_box> box = constraint();
        if (box) {
            wlr_xdg_popup_unconstrain_from_box(popup_, &*box);
        }
        wlr_xdg_surface_schedule_configure(popup_->base);
    }
    update();
}

std::optional<wlr_box> Popup::constraint() const {
    wlr_xdg_surface* root = popup_->base;
    while (root->role == WLR_XDG_SURFACE_ROLE_POPUP && root->popup != nullptr &&
           root->popup->parent != nullptr) {
        wlr_xdg_surface* parent = wlr_xdg_surface_try_from_wlr_surface(root->popup->parent);
        if (parent == nullptr) {
            return std::nullopt;
        }
        root = parent;
    }
    const View* view = View::from_surface(root->surface);
    if (view == nullptr) {
        return std::nullopt;
    }
    // wlroots adds nested popups' offsets itself; the view's tree sits at the window
    // geometry's corner.
    const wlr_box area = desktop_.output_box_for(view);
    return wlr_box{area.x - view->geometry_x() + root->current.geometry.x,
                   area.y - view->geometry_y() + root->current.geometry.y, area.width, area.height};
}

void Popup::update() {
    if (tree_ == nullptr) {
        return;
    }
    // The tree's origin is the popup's geometry corner, relative to the parent's.
    wlr_scene_node_set_position(&tree_->node, popup_->current.geometry.x,
                                popup_->current.geometry.y);
    clip_to_geometry(surface_tree_, popup_->base, limit_);
    const wlr_box geometry = window_geometry(popup_->base, limit_);
    if (!outline_colour_ || geometry.width <= 0 || geometry.height <= 0) {
        outline_->hide();
        return;
    }
    // Around the geometry, outside it.
    const int w = kOutlineWidth;
    outline_->place({-w, -w, geometry.width + 2 * w, geometry.height + 2 * w}, w, *outline_colour_);
}

} // namespace prism
