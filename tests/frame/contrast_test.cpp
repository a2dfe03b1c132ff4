#include "compositor/frame/contrast.hpp"

#include <gtest/gtest.h>

namespace prism::frame {
namespace {

using config::Colour;

constexpr Colour kBlack{0, 0, 0};
constexpr Colour kWhite{255, 255, 255};

TEST(Contrast, Luminance) {
    EXPECT_DOUBLE_EQ(relative_luminance(kBlack), 0.0);
    EXPECT_DOUBLE_EQ(relative_luminance(kWhite), 1.0);
    EXPECT_NEAR(relative_luminance({255, 0, 0}), 0.2126, 1e-9);
    EXPECT_NEAR(relative_luminance({0, 255, 0}), 0.7152, 1e-9);
    EXPECT_NEAR(relative_luminance({0, 0, 255}), 0.0722, 1e-9);
    // Mid grey is far darker than half: sRGB is not linear.
    EXPECT_NEAR(relative_luminance({128, 128, 128}), 0.2158605, 1e-6);
    // Linear segment at the bottom.
    EXPECT_NEAR(relative_luminance({10, 10, 10}), 10 / 255.0 / 12.92, 1e-12);
}

TEST(Contrast, Ratio) {
    EXPECT_DOUBLE_EQ(contrast_ratio(kBlack, kWhite), 21.0);
    EXPECT_DOUBLE_EQ(contrast_ratio(kWhite, kBlack), 21.0);
    EXPECT_DOUBLE_EQ(contrast_ratio({52, 101, 164}, {52, 101, 164}), 1.0);
    // #777777 on white is the classic "just fails AA" example: about 4.48.
    EXPECT_NEAR(contrast_ratio({0x77, 0x77, 0x77}, kWhite), 4.48, 0.01);
}

TEST(Contrast, LabelColoursGetReadableText) {
    struct Case {
        const char* name;
        Colour colour;
        Colour expected;
    };
    const Case cases[] = {
        {"red", {0xcc, 0x00, 0x00}, kWhite},    {"orange", {0xf5, 0x79, 0x00}, kBlack},
        {"yellow", {0xed, 0xd4, 0x00}, kBlack}, {"green", {0x73, 0xd2, 0x16}, kBlack},
        {"gray", {0x55, 0x57, 0x53}, kWhite},   {"blue", {0x34, 0x65, 0xa4}, kWhite},
        {"purple", {0x75, 0x50, 0x7b}, kWhite}, {"black", {0x00, 0x00, 0x00}, kWhite},
    };
    for (const Case& c : cases) {
        const Colour text = text_colour_for(c.colour);
        EXPECT_EQ(text, c.expected) << c.name;
        EXPECT_GE(contrast_ratio(text, c.colour), 4.5) << c.name;
    }
}

TEST(Contrast, EveryShortHexColourGetsAtLeastAA) {
    double worst = 21.0;
    for (int r = 0; r < 16; ++r) {
        for (int g = 0; g < 16; ++g) {
            for (int b = 0; b < 16; ++b) {
                const Colour bg{static_cast<std::uint8_t>(r * 17),
                                static_cast<std::uint8_t>(g * 17),
                                static_cast<std::uint8_t>(b * 17)};
                const Colour text = text_colour_for(bg);
                ASSERT_TRUE(text == kBlack || text == kWhite) << bg.hex();
                const double ratio = contrast_ratio(text, bg);
                ASSERT_GE(ratio, 4.5) << bg.hex();
                // Never the worse of the two.
                ASSERT_GE(ratio, contrast_ratio(text == kBlack ? kWhite : kBlack, bg)) << bg.hex();
                worst = std::min(worst, ratio);
            }
        }
    }
    EXPECT_LT(worst, 5.0); // the sweep does reach the hard middle
}

TEST(Contrast, Darken) {
    const Colour blue{0x34, 0x65, 0xa4};
    EXPECT_EQ(darken(blue, 0.0), blue);
    EXPECT_EQ(darken(blue, 1.0), kBlack);
    EXPECT_EQ(darken(kWhite, 0.5), (Colour{128, 128, 128}));
    EXPECT_EQ(darken({200, 100, 50}, 0.25), (Colour{150, 75, 38}));
    // Out of range amounts are clamped.
    EXPECT_EQ(darken(blue, -1.0), blue);
    EXPECT_EQ(darken(blue, 2.0), kBlack);
    // Monotonic: more darkening never lightens.
    double previous = relative_luminance(blue);
    for (int i = 1; i <= 10; ++i) {
        const double l = relative_luminance(darken(blue, i / 10.0));
        EXPECT_LE(l, previous);
        previous = l;
    }
}

} // namespace
} // namespace prism::frame
