#include "compositor/frame/border.hpp"

#include "compositor/frame/scene_colour.hpp"

#include <algorithm>

namespace prism::frame {

namespace {

void place_rect(wlr_scene_rect* rect, int x, int y, int width, int height) {
    wlr_scene_node_set_position(&rect->node, x, y);
    wlr_scene_rect_set_size(rect, std::max(0, width), std::max(0, height));
    wlr_scene_node_set_enabled(&rect->node, width > 0 && height > 0);
}

// The four sides of a ring `width` wide inside `outer`, in rects[first..first+3].
void place_ring(std::array<wlr_scene_rect*, 8>& rects, std::size_t first, const wlr_box& outer,
                int width, config::Colour colour) {
    place_rect(rects[first], outer.x, outer.y, outer.width, width);
    place_rect(rects[first + 1], outer.x, outer.y + outer.height - width, outer.width, width);
    place_rect(rects[first + 2], outer.x, outer.y + width, width, outer.height - 2 * width);
    place_rect(rects[first + 3], outer.x + outer.width - width, outer.y + width, width,
               outer.height - 2 * width);
    for (std::size_t i = first; i < first + 4; ++i) {
        set_rect_colour(rects[i], colour);
    }
}

} // namespace

Border::Border(wlr_scene_tree* parent) {
    static constexpr float kClear[4] = {0, 0, 0, 0};
    for (auto& rect : rects_) {
        rect = wlr_scene_rect_create(parent, 0, 0, kClear);
        wlr_scene_node_set_enabled(&rect->node, false);
    }
}

void Border::place(const wlr_box& outer, int width, config::Colour colour,
                   std::optional<config::Colour> accent) {
    std::size_t used = 4;
    if (accent && width >= 2) {
        const int outer_width = (width + 1) / 2;
        place_ring(rects_, 0, outer, outer_width, colour);
        const wlr_box inner = {outer.x + outer_width, outer.y + outer_width,
                               outer.width - 2 * outer_width, outer.height - 2 * outer_width};
        place_ring(rects_, 4, inner, width - outer_width, *accent);
        used = 8;
    } else {
        place_ring(rects_, 0, outer, width, colour);
    }
    for (std::size_t i = used; i < rects_.size(); ++i) {
        wlr_scene_node_set_enabled(&rects_[i]->node, false);
    }
}

void Border::hide() {
    for (wlr_scene_rect* rect : rects_) {
        wlr_scene_node_set_enabled(&rect->node, false);
    }
}

} // namespace prism::frame
