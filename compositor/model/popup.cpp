#include "compositor/model/popup.hpp"

#include <algorithm>

namespace prism {

namespace {

constexpr int kOutlineWidth = 2;

// The position of `node` relative to `ancestor` (which must be one of its ancestors).
void offset_within(wlr_scene_node* node, wlr_scene_node* ancestor, int* x, int* y) {
    *x = 0;
    *y = 0;
    for (wlr_scene_node* walk = node; walk != nullptr && walk != ancestor; walk = walk->parent) {
        *x += walk->state.x;
        *y += walk->state.y;
    }
}

void walk(wlr_scene_node* root, wlr_scene_node* node, wlr_surface* main, const wlr_box& box,
          std::optional<config::Colour> outline) {
    wlr_scene_node* child;
    wl_list_for_each(child, &node->state.children, state.link) {
        auto* tag = static_cast<SceneTag*>(child->data);
        if (tag != nullptr && tag->kind == SceneTag::Kind::Popup) {
            static_cast<Popup*>(tag->owner)->enforce_containment(outline);
            continue;
        }
        if (child->type == WLR_SCENE_NODE_SURFACE) {
            wlr_surface* surface = wlr_scene_surface_from_node(child)->surface;
            if (surface != main) {
                int x = 0, y = 0;
                offset_within(child, root, &x, &y);
                const bool inside = x >= box.x && y >= box.y &&
                                    x + surface->current.width <= box.x + box.width &&
                                    y + surface->current.height <= box.y + box.height;
                // wlroots toggles the subsurface's tree for mapping; the surface node itself
                // is prism's to show or hide.
                wlr_scene_node_set_enabled(child, inside);
            }
        }
        walk(root, child, main, box, outline);
    }
}

} // namespace

wlr_box framed_extent(wlr_xdg_surface* xdg) {
    wlr_box geometry;
    wlr_xdg_surface_get_geometry(xdg, &geometry);
    // The scene node's origin is the geometry's top-left corner.
    const int left = std::min(0, -geometry.x);
    const int top = std::min(0, -geometry.y);
    const int right = std::max(geometry.width, xdg->surface->current.width - geometry.x);
    const int bottom = std::max(geometry.height, xdg->surface->current.height - geometry.y);
    return {left, top, right - left, bottom - top};
}

void contain_surfaces(wlr_scene_node* node, wlr_surface* main, const wlr_box& box,
                      std::optional<config::Colour> outline) {
    walk(node, node, main, box, outline);
}

Popup* Popup::create(wlr_xdg_surface* xdg, wlr_scene_node* parent_node) {
    return new Popup(xdg, parent_node);
}

Popup::Popup(wlr_xdg_surface* xdg, wlr_scene_node* parent_node)
    : xdg_(xdg)
    , node_(wlr_scene_xdg_surface_create(parent_node, xdg))
    , tag_{SceneTag::Kind::Popup, this} {
    node_->data = &tag_;
    // Nested popups find their parent's node here.
    xdg_->data = node_;
    static constexpr float kClear[4] = {0, 0, 0, 0};
    for (auto& rect : outline_) {
        rect = wlr_scene_rect_create(node_, 0, 0, kClear);
        wlr_scene_node_set_enabled(&rect->node, false);
    }
    // The scene node (and the outline in it) goes with the surface; this goes with it too.
    destroy_.connect(&xdg_->events.destroy, [this](void*) { delete this; });
}

void Popup::enforce_containment(std::optional<config::Colour> outline) {
    const wlr_box box = framed_extent(xdg_);
    if (outline) {
        const float rgba[4] = {outline->r / 255.0f, outline->g / 255.0f, outline->b / 255.0f, 1.0f};
        const int w = kOutlineWidth;
        const wlr_box rings[4] = {
            {box.x - w, box.y - w, box.width + 2 * w, w},
            {box.x - w, box.y + box.height, box.width + 2 * w, w},
            {box.x - w, box.y, w, box.height},
            {box.x + box.width, box.y, w, box.height},
        };
        for (std::size_t i = 0; i < outline_.size(); ++i) {
            wlr_scene_node_set_position(&outline_[i]->node, rings[i].x, rings[i].y);
            wlr_scene_rect_set_size(outline_[i], rings[i].width, rings[i].height);
            wlr_scene_rect_set_color(outline_[i], rgba);
            wlr_scene_node_set_enabled(&outline_[i]->node, true);
        }
    }
    contain_surfaces(node_, xdg_->surface, box, outline);
}

} // namespace prism
