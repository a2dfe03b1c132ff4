#include "config/config.hpp"

#include <gtest/gtest.h>

namespace prism::config {
namespace {

TEST(ColourTest, HexIsLowerCaseWithLeadingZeros) {
    EXPECT_EQ((Colour{0x34, 0x65, 0xa4}).hex(), "#3465a4");
    EXPECT_EQ((Colour{0, 0, 0}).hex(), "#000000");
    EXPECT_EQ((Colour{0xff, 0x0a, 0xcd}).hex(), "#ff0acd");
}

TEST(ColourTest, ParsesHexInEitherCase) {
    EXPECT_EQ(parse_colour("#3465a4"), (Colour{0x34, 0x65, 0xa4}));
    EXPECT_EQ(parse_colour("#3465A4"), (Colour{0x34, 0x65, 0xa4}));
    EXPECT_EQ(parse_colour("#FFFFFF"), (Colour{0xff, 0xff, 0xff}));
    EXPECT_EQ(parse_colour("#000000"), (Colour{0, 0, 0}));
}

TEST(ColourTest, ParsesEveryLabelColourName) {
    EXPECT_EQ(parse_colour("red")->hex(), "#cc0000");
    EXPECT_EQ(parse_colour("orange")->hex(), "#f57900");
    EXPECT_EQ(parse_colour("yellow")->hex(), "#edd400");
    EXPECT_EQ(parse_colour("green")->hex(), "#73d216");
    EXPECT_EQ(parse_colour("gray")->hex(), "#555753");
    EXPECT_EQ(parse_colour("blue")->hex(), "#3465a4");
    EXPECT_EQ(parse_colour("purple")->hex(), "#75507b");
    EXPECT_EQ(parse_colour("black")->hex(), "#000000");
}

TEST(ColourTest, NamesAreCaseInsensitive) {
    EXPECT_EQ(parse_colour("Blue"), parse_colour("blue"));
    EXPECT_EQ(parse_colour("RED"), parse_colour("red"));
}

TEST(ColourTest, RejectsAnythingElse) {
    for (const char* text : {"", "blu", "grey", "white", "#", "#12345", "#1234567", "#gg0000",
                             "3465a4", "#3465a4 ", " blue", "#34 5a4", "rgb(1,2,3)"}) {
        EXPECT_EQ(parse_colour(text), std::nullopt) << text;
    }
}

} // namespace
} // namespace prism::config
