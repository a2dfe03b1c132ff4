// The one border drawer: window frames, popup outlines, the clipboard dialog and notices.
//
// A border lies inside a box: `width` pixels of one colour on all four sides, or, with an
// accent, two tones: the outer (width + 1) / 2 pixels in the colour and the rest in the accent.
// A single-coloured VM border can never look like the host's two tones, whatever its colour.
#pragma once

#include "compositor/wlr.hpp"
#include "config/config.hpp"

#include <array>
#include <optional>

namespace prism::frame {

class Border {
public:
    // Creates the border's rectangles in `parent`, above what is already there, hidden. They go
    // with `parent`: a Border is not used after its parent tree is destroyed.
    explicit Border(wlr_scene_tree* parent);

    // Draws the border inside `outer`. An accent needs a width of at least 2.
    void place(const wlr_box& outer, int width, config::Colour colour,
               std::optional<config::Colour> accent = std::nullopt);
    void hide();

private:
    // Rectangles are only moved and resized, never switched off and on again while shown: each
    // switch damages the scene, and frames are placed for every frame a client draws.
    std::array<wlr_scene_rect*, 8> rects_{};
};

} // namespace prism::frame
