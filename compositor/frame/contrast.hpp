// Colour arithmetic for the frame: readable title text on any VM colour.
#pragma once

#include "config/config.hpp"

namespace prism::frame {

// WCAG 2.x relative luminance: sRGB channels linearised, then 0.2126 R + 0.7152 G + 0.0722 B.
// 0 for black, 1 for white.
double relative_luminance(config::Colour c);

// WCAG contrast ratio (L1 + 0.05) / (L2 + 0.05) with L1 the lighter; 1 (same) to 21 (black/white).
double contrast_ratio(config::Colour a, config::Colour b);

// Black or white, whichever contrasts more with `background`; the ratio is always >= 4.5:1 (WCAG
// AA for normal text), see the .cpp for why.
config::Colour text_colour_for(config::Colour background);

// Mixes `c` toward black by `amount` in [0, 1] (0 = unchanged, 1 = black); `amount` outside
// the range is clamped and NaN counts as 0. Used for the unfocused title bar.
config::Colour darken(config::Colour c, double amount);

} // namespace prism::frame
