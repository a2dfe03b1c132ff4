#include "screenshot.hpp"

#include <cstdio>
#include <fstream>
#include <gtest/gtest.h>
#include <sstream>
#include <sys/wait.h>

namespace prism::test {

std::string to_string(const Rgb& c) {
    char text[8];
    std::snprintf(text, sizeof(text), "#%02x%02x%02x", c.r, c.g, c.b);
    return text;
}

Rgb rgb(std::uint32_t hex) {
    return {static_cast<std::uint8_t>(hex >> 16), static_cast<std::uint8_t>(hex >> 8),
            static_cast<std::uint8_t>(hex)};
}

Rgb Image::at(int x, int y) const {
    const std::size_t i = (static_cast<std::size_t>(y) * static_cast<std::size_t>(width) +
                           static_cast<std::size_t>(x)) *
                          3;
    return {pixels[i], pixels[i + 1], pixels[i + 2]};
}

namespace {

void run_grim(Prism& prism, const std::vector<std::string>& args, const std::string& label) {
    std::vector<std::string> argv{"grim"};
    argv.insert(argv.end(), args.begin(), args.end());
    Child grim = prism.client(argv, prism.host_socket(), label);
    const auto status = grim.wait(std::chrono::seconds(30));
    ASSERT_TRUE(status && WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << grim.output();
}

// Binary PPM (P6), as grim writes it.
Image read_ppm(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::string magic;
    int max = 0;
    Image image;
    in >> magic >> image.width >> image.height >> max;
    in.get(); // the single whitespace after the header
    EXPECT_EQ(magic, "P6");
    EXPECT_EQ(max, 255);
    image.pixels.resize(static_cast<std::size_t>(image.width) *
                        static_cast<std::size_t>(image.height) * 3);
    in.read(reinterpret_cast<char*>(image.pixels.data()),
            static_cast<std::streamsize>(image.pixels.size()));
    EXPECT_TRUE(in.good()) << "truncated screenshot " << path;
    return image;
}

} // namespace

Image screenshot(Prism& prism, const std::string& name) {
    const auto dir = test_output_dir();
    const auto ppm = dir / (name + ".ppm");
    run_grim(prism, {"-t", "png", (dir / (name + ".png")).string()}, "grim-png");
    run_grim(prism, {"-t", "ppm", ppm.string()}, "grim-ppm");
    return read_ppm(ppm);
}

} // namespace prism::test
