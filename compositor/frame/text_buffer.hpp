// Renders a line of text (a title bar) into a wlr_buffer for the scene graph.
#pragma once

#include <string>

#include "compositor/wlr.hpp"
#include "config/config.hpp"

namespace prism::frame {

struct TextSpec {
    int width = 0, height = 0; // logical size
    float scale = 1.0f; // output scale: the buffer is ceil(width*scale) x ceil(height*scale) pixels
    config::Colour background;
    double background_alpha = 1.0; // 0..1; premultiplied correctly in the buffer
    config::Colour text;
    std::string utf8;             // already sanitized
    std::string font = "sans 10"; // pango font description
    bool bold = false;
    bool centred = false;      // false: left-aligned after `padding`
    int padding = 6;           // logical px
    bool close_button = false; // draw an X in a square of height x height at the right end; text
                               // never overlaps it
};

// Renders `spec` into a new wlr_buffer (ARGB8888 premultiplied, DRM_FORMAT_ARGB8888) whose pixels
// are readable through wlr_buffer_begin_data_ptr_access. The buffer is
// ceil(double(width) * scale) x ceil(double(height) * scale) pixels; a scale that is not a
// positive finite number counts as 1.
//
// The text is drawn as plain text (never as Pango markup), left to right as the base direction,
// ellipsized at the end to fit between `padding` and the right edge (less `padding`, less the
// close button), clipped to that area, and vertically centred. When `centred`, it is centred in
// that area rather than in the whole bar. Invalid UTF-8 in `utf8` is sanitized defensively.
//
// The caller owns the buffer and releases it with wlr_buffer_drop(). Returns nullptr if
// width/height <= 0 or the buffer cannot be created (cairo limits sides to 32767 pixels).
wlr_buffer* render_text(const TextSpec& spec);

// Renders `spec` into a new scene buffer node in `parent`, at (x, y) and spec.width x spec.height
// logical pixels (the buffer holds the output's scale). nullptr, and no node, when render_text
// gives nothing.
wlr_scene_buffer* add_text_node(wlr_scene_tree* parent, const TextSpec& spec, int x, int y);

// The logical height of one line of text in `font` (pango ascent+descent, rounded up); the title
// bar is this plus 2 * padding.
int line_height(const std::string& font);

// Where the close button is, in logical coordinates within a title bar of that size:
// the height x height square at the right end (narrowed to the bar when the bar is narrower).
struct Rect {
    int x, y, width, height;
};
Rect close_button_rect(int width, int height);

} // namespace prism::frame
