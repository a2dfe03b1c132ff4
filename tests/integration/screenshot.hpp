// Screenshots of a headless prism, taken the way a person would: grim on the host socket.
#pragma once

#include "harness.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace prism::test {

struct Rgb {
    std::uint8_t r = 0, g = 0, b = 0;
    bool operator==(const Rgb&) const = default;
};
std::string to_string(const Rgb& colour);
Rgb rgb(std::uint32_t hex);

struct Image {
    int width = 0, height = 0;
    std::vector<std::uint8_t> pixels; // RGB, row by row
    Rgb at(int x, int y) const;
    bool contains(int x, int y) const { return x >= 0 && y >= 0 && x < width && y < height; }
};

// Takes a screenshot with grim; saves NAME.png in the test's output directory for people to
// look at, and returns the pixels.
Image screenshot(Prism& prism, const std::string& name);

} // namespace prism::test
