#include "compositor/model/popup.hpp"

#include "compositor/frame/scene_colour.hpp"
#include "compositor/model/desktop.hpp"

#include <algorithm>
#include <string>
#include <unordered_map>

namespace prism {

namespace {

constexpr int kOutlineWidth = 2;

// Farther than any output layout reaches, and small enough that prism's sums of a few such
// values stay within int32: what a positioner's anchor rect and offset are clamped to, and how
// far outside the output a popup may be placed.
constexpr int kFar = 1 << 20;

// A sum of popup offsets down a chain, within what place_popup() bounds it to anyway.
int bounded_int(long long value) {
    return static_cast<int>(std::clamp<long long>(value, -kFar * 4LL, kFar * 4LL));
}

// The x-ray tint's opacity, as on windows (frame.cpp).
constexpr float kTintAlpha = 0.45f;

// Whether x-ray is on, and the popups to tint when it changes (there is one desktop).
bool xray_on = false;
std::unordered_map<wlr_xdg_popup*, Popup*>& all_popups() {
    static std::unordered_map<wlr_xdg_popup*, Popup*> popups;
    return popups;
}

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
                   std::optional<config::Colour> outline, SizeLimit limit,
                   std::uint32_t max_depth) {
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
    // Each popup nests its tree in its parent's, and placing it walks up to its window: a chain
    // of thousands would cost a walk of thousands for every popup added or moved, and overflow
    // the stack in the scene graph's recursion. Menus nest a few deep. Chains are kept within
    // the limit, so this walk stops at most one past it.
    std::uint32_t depth = 0;
    wlr_xdg_surface* root = popup->base;
    while (depth <= max_depth && root != nullptr && root->role == WLR_XDG_SURFACE_ROLE_POPUP &&
           root->popup != nullptr && root->popup->parent != nullptr) {
        ++depth;
        root = wlr_xdg_surface_try_from_wlr_surface(root->popup->parent);
    }
    if (depth > max_depth) {
        // ProtocolErrorLog logs it with the client's origin, rate-limited per origin: a VM
        // doing this in a loop cannot flood the log.
        wl_resource_post_error(popup->base->client->resource,
                               XDG_WM_BASE_ERROR_INVALID_POPUP_PARENT,
                               "limits.max_popup_depth = %u reached", max_depth);
        return;
    }
    new Popup(popup, static_cast<wlr_scene_tree*>(tree), desktop, outline, limit, max_depth);
}

Popup::Popup(wlr_xdg_popup* popup, wlr_scene_tree* parent, const Desktop& desktop,
             std::optional<config::Colour> outline, SizeLimit limit, std::uint32_t max_depth)
    : popup_(popup)
    , desktop_(desktop)
    , outline_colour_(outline)
    , limit_(limit)
    , max_depth_(max_depth)
    , tree_(wlr_scene_tree_create(parent))
    , surface_tree_(wlr_scene_subsurface_tree_create(tree_, popup->base->surface))
    , outline_(std::in_place, tree_) {
    if (outline_colour_) {
        static constexpr float kClear[4] = {0, 0, 0, 0};
        tint_ = wlr_scene_rect_create(tree_, 0, 0, kClear);
        frame::set_rect_colour(tint_, *outline_colour_, kTintAlpha);
    }
    all_popups().emplace(popup_, this);
    // Nested popups find the tree to go in here, and only while it exists.
    popup_->base->data = tree_;
    commit_.connect(&popup_->base->surface->events.commit, [this](void*) { handle_commit(); });
    destroy_.connect(&popup_->events.destroy, [this](void*) { delete this; });
    // xdg_popup.reposition (xdg_wm_base v3): the new positioner goes through the same rules.
    reposition_.connect(&popup_->events.reposition, [this](void*) { unconstrain(); });
    // The parent's tree can go first (its window closed, or its role was destroyed).
    tree_destroy_.connect(&tree_->node.events.destroy, [this](void*) { forget_tree(); });
    update();
}

Popup::~Popup() {
    all_popups().erase(popup_);
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
    tint_ = nullptr;
    outline_.reset();
    tree_destroy_.disconnect();
}

void Popup::handle_commit() {
    if (popup_->base->initial_commit) {
        // The first configure goes out now, moved inside the output of its window.
        unconstrain();
        wlr_xdg_surface_schedule_configure(popup_->base);
    }
    update();
}

void Popup::unconstrain() {
    // The root toplevel, and where the popup's parent is in its tree (whose origin is the
    // window geometry's corner): the popups' own offsets added up.
    // (Summed in 64 bits: place_popup() bounds the result, whatever the chain's depth.)
    long long parent_x = 0, parent_y = 0;
    wlr_xdg_surface* root = popup_->base;
    while (root->role == WLR_XDG_SURFACE_ROLE_POPUP && root->popup != nullptr &&
           root->popup->parent != nullptr) {
        wlr_xdg_surface* parent = wlr_xdg_surface_try_from_wlr_surface(root->popup->parent);
        if (parent == nullptr) {
            unconstrain_in_layer(root->popup->parent, bounded_int(parent_x), bounded_int(parent_y));
            return;
        }
        if (parent->role == WLR_XDG_SURFACE_ROLE_POPUP && parent->popup != nullptr) {
            parent_x += parent->popup->current.geometry.x;
            parent_y += parent->popup->current.geometry.y;
        }
        root = parent;
    }
    const View* view = View::from_surface(root->surface);
    if (view == nullptr) {
        return;
    }
    // Its output (a menu may cover a panel) and the title bar, in the view's tree coordinates.
    const int gx = view->geometry_x(), gy = view->geometry_y();
    const wlr_box output = desktop_.output_box_for(view);
    const wlr_box area{output.x - gx, output.y - gy, output.width, output.height};
    const wlr_box title = view->title_band();
    const wlr_box band{title.x - gx, title.y - gy, title.width, title.height};
    popup_->scheduled.geometry = place_popup(popup_->scheduled.rules, bounded_int(parent_x),
                                             bounded_int(parent_y), area, band, limit_);
    wlr_xdg_surface_schedule_configure(popup_->base);
}

void Popup::unconstrain_in_layer(wlr_surface* surface, int parent_x, int parent_y) {
    // A panel's menu: inside the panel's output, in the layer surface's coordinates (its tree,
    // the layer surface's data, is where the surface is drawn). No title bar to keep clear.
    wlr_layer_surface_v1* layer = wlr_layer_surface_v1_try_from_wlr_surface(surface);
    if (layer == nullptr || layer->output == nullptr || layer->data == nullptr) {
        return;
    }
    int lx = 0, ly = 0;
    wlr_scene_node_coords(&static_cast<wlr_scene_tree*>(layer->data)->node, &lx, &ly);
    wlr_box output{};
    wlr_output_layout_get_box(desktop_.layout(), layer->output, &output);
    if (wlr_box_empty(&output)) {
        return;
    }
    const wlr_box area{output.x - lx, output.y - ly, output.width, output.height};
    popup_->scheduled.geometry =
        place_popup(popup_->scheduled.rules, parent_x, parent_y, area, {}, limit_);
    wlr_xdg_surface_schedule_configure(popup_->base);
}

namespace {

bool overlaps(const wlr_box& a, const wlr_box& b) {
    return a.width > 0 && a.height > 0 && b.width > 0 && b.height > 0 && a.x < b.x + b.width &&
           b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

bool inside(const wlr_box& box, const wlr_box& area) {
    return box.x >= area.x && box.y >= area.y && box.x + box.width <= area.x + area.width &&
           box.y + box.height <= area.y + area.height;
}

} // namespace

wlr_box place_popup(const wlr_xdg_positioner_rules& client_rules, int parent_x, int parent_y,
                    const wlr_box& area, const wlr_box& title_band, const SizeLimit& limit) {
    // xdg-shell allows any int32 anchor rect and offset, and any positive size: sums of them
    // overflow. Nothing real is that far out or that large: the rules are bounded first (a
    // popup is never larger than a window of its origin may be), and so are the parent's
    // offsets (prism placed the parents, but they add up down a chain of popups).
    wlr_xdg_positioner_rules rules = client_rules;
    rules.size.width = std::clamp(rules.size.width, 1, limit.width);
    rules.size.height = std::clamp(rules.size.height, 1, limit.height);
    rules.anchor_rect.x = std::clamp(rules.anchor_rect.x, -kFar, kFar);
    rules.anchor_rect.y = std::clamp(rules.anchor_rect.y, -kFar, kFar);
    rules.anchor_rect.width = std::clamp(rules.anchor_rect.width, 0, kFar);
    rules.anchor_rect.height = std::clamp(rules.anchor_rect.height, 0, kFar);
    rules.offset.x = std::clamp(rules.offset.x, -kFar, kFar);
    rules.offset.y = std::clamp(rules.offset.y, -kFar, kFar);
    parent_x = std::clamp(parent_x, area.x - kFar, area.x + area.width + kFar);
    parent_y = std::clamp(parent_y, area.y - kFar, area.y + area.height + kFar);

    // In the parent's coordinates (what the positioner and the configure use).
    auto local = [&](const wlr_box& box) {
        return wlr_box{box.x - parent_x, box.y - parent_y, box.width, box.height};
    };
    auto in = [&](const wlr_box& constraint) {
        wlr_box box{};
        wlr_xdg_positioner_rules_get_geometry(&rules, &box);
        const wlr_box local_constraint = local(constraint);
        wlr_xdg_positioner_rules_unconstrain_box(&rules, &local_constraint, &box);
        return box;
    };
    // Never farther out than kFar from the area (a popup allowed no adjustment stays where it
    // asked to be, within that), so that popups of this one are placed from bounded offsets.
    auto bounded = [&](wlr_box box) {
        box.x = std::clamp(box.x, area.x - kFar - parent_x, area.x + area.width + kFar - parent_x);
        box.y = std::clamp(box.y, area.y - kFar - parent_y, area.y + area.height + kFar - parent_y);
        return box;
    };
    const wlr_box band = local(title_band);
    const wlr_box anywhere = bounded(in(area));
    if (!overlaps(anywhere, band)) {
        return anywhere;
    }
    const int band_bottom = title_band.y + title_band.height;
    const int area_bottom = area.y + area.height;
    const wlr_box below{area.x, std::max(area.y, band_bottom), area.width,
                        area_bottom - std::max(area.y, band_bottom)};
    wlr_box box = bounded(in(below));
    if (below.height > 0 && inside(box, local(below))) {
        return box;
    }
    const wlr_box above{area.x, area.y, area.width, std::min(title_band.y, area_bottom) - area.y};
    if (above.height > 0) {
        const wlr_box candidate = bounded(in(above));
        if (inside(candidate, local(above))) {
            return candidate;
        }
    }
    // Nothing holds it (or it may not move): below the title bar, whatever else it covers.
    if (overlaps(box, band)) {
        box.y = band.y + band.height;
    }
    return box;
}

int Popup::below_title_bar(const wlr_box& box) const {
    // A popup is placed off the title bar from where its parent was (unconstrain()); the parent
    // can move after that (its own reposition), taking this one along, or its window can grow
    // or move (a popup beside the title row is then over it), and the client may never ack the
    // configure that places this one again, or get none (a popup that is not reactive). Where
    // it would then show over the title bar, it shows right below it instead.
    wlr_scene_tree* parent = tree_->node.parent;
    wlr_xdg_surface* root = popup_->base;
    for (std::uint32_t depth = 0;
         depth <= max_depth_ && root != nullptr && root->role == WLR_XDG_SURFACE_ROLE_POPUP &&
         root->popup != nullptr && root->popup->parent != nullptr;
         ++depth) {
        root = wlr_xdg_surface_try_from_wlr_surface(root->popup->parent);
    }
    const View* view = root != nullptr ? View::from_surface(root->surface) : nullptr;
    if (view == nullptr || parent == nullptr || box.width <= 0 || box.height <= 0) {
        return box.y;
    }
    const wlr_box band = view->title_band();
    // The parent's origin relative to the view's tree (whose origin is at the view's geometry
    // corner), in 64 bits: placement bounds each popup, not their sums down a chain.
    int px = 0, py = 0, vx = 0, vy = 0;
    wlr_scene_node_coords(&parent->node, &px, &py);
    wlr_scene_node_coords(&view->tree()->node, &vx, &vy);
    const long long left = static_cast<long long>(view->geometry_x()) + px - vx + box.x;
    const long long top = static_cast<long long>(view->geometry_y()) + py - vy + box.y;
    const long long band_bottom = static_cast<long long>(band.y) + band.height;
    if (band.width > 0 && band.height > 0 && left < static_cast<long long>(band.x) + band.width &&
        left + box.width > band.x && top < band_bottom && top + box.height > band.y) {
        return static_cast<int>(box.y + (band_bottom - top));
    }
    return box.y;
}

void Popup::set_xray(bool on) {
    xray_on = on;
    for (const auto& [popup, shown] : all_popups()) {
        shown->update();
    }
}

void Popup::place_popups_of(wlr_xdg_surface* xdg) {
    wlr_xdg_popup* child = nullptr;
    wl_list_for_each(child, &xdg->popups, link) {
        if (auto it = all_popups().find(child); it != all_popups().end()) {
            it->second->place_again();
        }
    }
}

void Popup::place_again() {
    if (tree_ == nullptr) {
        return; // shows nothing, and neither do its popups
    }
    // The positioner's rules are the client's latest (xdg_popup.reposition replaces them).
    if (popup_->base->initialized && popup_->scheduled.rules.reactive) {
        unconstrain();
    }
    update_self();
    // Its popups are carried along whether it moved or not: their window changed.
    place_popups_of(popup_->base);
}

void Popup::update() {
    if (update_self()) {
        // Its popups moved with it: they are kept off the title bar from where they are now.
        place_popups_of(popup_->base);
    }
}

bool Popup::update_self() {
    if (tree_ == nullptr) {
        return false;
    }
    // The tree's origin is the popup's geometry corner, relative to the parent's.
    const wlr_box geometry = window_geometry(popup_->base, limit_);
    const int x = popup_->current.geometry.x;
    const int y = below_title_bar({x, popup_->current.geometry.y, geometry.width, geometry.height});
    const bool moved = tree_->node.x != x || tree_->node.y != y;
    wlr_scene_node_set_position(&tree_->node, x, y);
    clip_to_geometry(surface_tree_, popup_->base, limit_);
    if (tint_ != nullptr) {
        wlr_scene_rect_set_size(tint_, std::max(0, geometry.width), std::max(0, geometry.height));
        wlr_scene_node_set_enabled(&tint_->node,
                                   xray_on && geometry.width > 0 && geometry.height > 0);
    }
    if (!outline_colour_ || geometry.width <= 0 || geometry.height <= 0) {
        outline_->hide();
        return moved;
    }
    // Around the geometry, outside it.
    const int w = kOutlineWidth;
    outline_->place({-w, -w, geometry.width + 2 * w, geometry.height + 2 * w}, w, *outline_colour_);
    return moved;
}

} // namespace prism
