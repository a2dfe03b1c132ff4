#include "compositor/frame/contrast.hpp"

#include <algorithm>
#include <cmath>

namespace prism::frame {
namespace {

// sRGB transfer function inverted. WCAG 2.0 printed the threshold as 0.03928, later corrected
// to the sRGB standard's 0.04045; no 8-bit value (10/255 = 0.0392, 11/255 = 0.0431) lies
// between the two, so the choice makes no difference here.
double linearise(std::uint8_t channel) {
    const double v = channel / 255.0;
    return v <= 0.04045 ? v / 12.92 : std::pow((v + 0.055) / 1.055, 2.4);
}

} // namespace

double relative_luminance(config::Colour c) {
    return 0.2126 * linearise(c.r) + 0.7152 * linearise(c.g) + 0.0722 * linearise(c.b);
}

double contrast_ratio(config::Colour a, config::Colour b) {
    const double la = relative_luminance(a);
    const double lb = relative_luminance(b);
    return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

// Why the winner always reaches 4.5:1: with L the background's luminance (0..1), black text gives
// (L + 0.05) / 0.05, which grows with L, and white text gives 1.05 / (L + 0.05), which shrinks
// with L. The better of the two is smallest where they are equal, (L + 0.05)^2 = 1.05 * 0.05,
// i.e. L + 0.05 = sqrt(0.0525) ~ 0.2291, where both ratios are sqrt(21) ~ 4.58 > 4.5. So
// whichever background, one of black and white reaches at least 4.58:1 and we pick that one.
config::Colour text_colour_for(config::Colour background) {
    constexpr config::Colour black{0, 0, 0};
    constexpr config::Colour white{255, 255, 255};
    return contrast_ratio(background, black) >= contrast_ratio(background, white) ? black : white;
}

config::Colour darken(config::Colour c, double amount) {
    if (std::isnan(amount)) {
        amount = 0.0;
    }
    const double keep = 1.0 - std::clamp(amount, 0.0, 1.0);
    const auto scale = [keep](std::uint8_t channel) {
        return static_cast<std::uint8_t>(std::lround(channel * keep));
    };
    return {scale(c.r), scale(c.g), scale(c.b)};
}

} // namespace prism::frame
