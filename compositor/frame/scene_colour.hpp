// Colouring a scene rectangle with a configured colour.
#pragma once

#include "compositor/wlr.hpp"
#include "config/config.hpp"

namespace prism::frame {

// `colour` at `alpha` (0..1); scene colours are premultiplied.
inline void set_rect_colour(wlr_scene_rect* rect, config::Colour colour, float alpha = 1.0f) {
    const float rgba[4] = {colour.r / 255.0f * alpha, colour.g / 255.0f * alpha,
                           colour.b / 255.0f * alpha, alpha};
    wlr_scene_rect_set_color(rect, rgba);
}

} // namespace prism::frame
