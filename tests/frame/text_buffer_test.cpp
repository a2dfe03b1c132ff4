#include "compositor/frame/text_buffer.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include <drm_fourcc.h>
#include <gtest/gtest.h>

namespace prism::frame {
namespace {

using config::Colour;

constexpr Colour kBlue{0x34, 0x65, 0xa4};
constexpr Colour kWhite{255, 255, 255};
constexpr Colour kBlack{0, 0, 0};

std::uint32_t opaque(Colour c) {
    return 0xFF000000u | (std::uint32_t{c.r} << 16) | (std::uint32_t{c.g} << 8) | c.b;
}

// A copy of a rendered buffer's pixels, read through the wlr_buffer data-pointer API.
struct Image {
    int width = 0, height = 0;
    std::uint32_t format = 0;
    std::size_t stride = 0;
    std::vector<std::uint32_t> pixels;

    std::uint32_t at(int x, int y) const {
        return pixels[static_cast<std::size_t>(y) * static_cast<std::size_t>(width) +
                      static_cast<std::size_t>(x)];
    }
};

// Renders, copies the pixels out and drops the buffer (so every test also checks the release).
Image render(const TextSpec& spec) {
    wlr_buffer* buffer = render_text(spec);
    EXPECT_NE(buffer, nullptr);
    Image image;
    if (buffer == nullptr) {
        return image;
    }
    image.width = buffer->width;
    image.height = buffer->height;
    void* data = nullptr;
    EXPECT_TRUE(wlr_buffer_begin_data_ptr_access(buffer, WLR_BUFFER_DATA_PTR_ACCESS_READ, &data,
                                                 &image.format, &image.stride));
    EXPECT_NE(data, nullptr);
    EXPECT_GE(image.stride, static_cast<std::size_t>(image.width) * 4);
    image.pixels.resize(static_cast<std::size_t>(image.width) *
                        static_cast<std::size_t>(image.height));
    for (int y = 0; y < image.height; ++y) {
        std::memcpy(&image.pixels[static_cast<std::size_t>(y) * image.width],
                    static_cast<const std::uint8_t*>(data) + y * image.stride,
                    static_cast<std::size_t>(image.width) * 4);
    }
    wlr_buffer_end_data_ptr_access(buffer);
    wlr_buffer_drop(buffer);
    return image;
}

bool near(std::uint32_t pixel, std::uint32_t expected, int tolerance) {
    for (int shift = 0; shift < 32; shift += 8) {
        const int a = static_cast<int>((pixel >> shift) & 0xFF);
        const int b = static_cast<int>((expected >> shift) & 0xFF);
        if (std::abs(a - b) > tolerance) {
            return false;
        }
    }
    return true;
}

// The bounding box of the pixels that differ from `background`; x1/y1 exclusive.
struct Ink {
    int x0 = 0, y0 = 0, x1 = 0, y1 = 0, count = 0;
};
Ink ink(const Image& image, std::uint32_t background, int x_begin = 0, int x_end = -1) {
    Ink box{image.width, image.height, 0, 0, 0};
    if (x_end < 0) {
        x_end = image.width;
    }
    for (int y = 0; y < image.height; ++y) {
        for (int x = x_begin; x < x_end; ++x) {
            if (image.at(x, y) != background) {
                box.x0 = std::min(box.x0, x);
                box.y0 = std::min(box.y0, y);
                box.x1 = std::max(box.x1, x + 1);
                box.y1 = std::max(box.y1, y + 1);
                ++box.count;
            }
        }
    }
    return box;
}

int count_near(const Image& image, std::uint32_t colour, int tolerance) {
    return static_cast<int>(
        std::count_if(image.pixels.begin(), image.pixels.end(),
                      [&](std::uint32_t p) { return near(p, colour, tolerance); }));
}

TextSpec title_spec(std::string text, int width = 300) {
    TextSpec spec;
    spec.font = "sans 10";
    spec.height = line_height(spec.font) + 2 * spec.padding;
    spec.width = width;
    spec.background = kBlue;
    spec.text = kWhite;
    spec.utf8 = std::move(text);
    return spec;
}

TEST(RenderText, RejectsEmptySizes) {
    TextSpec spec = title_spec("x");
    spec.width = 0;
    EXPECT_EQ(render_text(spec), nullptr);
    spec.width = 10;
    spec.height = -1;
    EXPECT_EQ(render_text(spec), nullptr);
}

TEST(RenderText, BufferSizeFollowsScale) {
    TextSpec spec = title_spec("Terminal", 200);
    spec.height = 24;
    Image one = render(spec);
    EXPECT_EQ(one.width, 200);
    EXPECT_EQ(one.height, 24);
    EXPECT_EQ(one.format, static_cast<std::uint32_t>(DRM_FORMAT_ARGB8888));

    spec.scale = 2.0f;
    Image two = render(spec);
    EXPECT_EQ(two.width, 400);
    EXPECT_EQ(two.height, 48);

    spec.width = 101;
    spec.height = 25;
    spec.scale = 1.5f;
    Image frac = render(spec);
    EXPECT_EQ(frac.width, 152); // ceil(151.5)
    EXPECT_EQ(frac.height, 38); // ceil(37.5)
}

TEST(RenderText, PaddingIsExactlyTheBackground) {
    for (const float scale : {1.0f, 2.0f}) {
        TextSpec spec = title_spec("Terminal");
        spec.scale = scale;
        const Image image = render(spec);
        const auto s = static_cast<int>(scale);
        EXPECT_EQ(image.at(0, 0), opaque(kBlue));
        EXPECT_EQ(image.at(2 * s, image.height / 2), opaque(kBlue));
        EXPECT_EQ(image.at(image.width - 1, image.height - 1), opaque(kBlue));
        EXPECT_EQ(image.at(image.width / 2, 1), opaque(kBlue));
        // The whole rows of the top padding.
        for (int y = 0; y < 2 * s; ++y) {
            for (int x = 0; x < image.width; ++x) {
                ASSERT_EQ(image.at(x, y), opaque(kBlue)) << x << "," << y;
            }
        }
    }
}

TEST(RenderText, DrawsTextInTheTextColour) {
    TextSpec spec = title_spec("[work] Terminal");
    const Image image = render(spec);
    const Ink box = ink(image, opaque(kBlue));
    ASSERT_GT(box.count, 50);
    EXPECT_GT(count_near(image, opaque(kWhite), 16), 10);
    // Left-aligned after the padding, inside the bar.
    EXPECT_GE(box.x0, spec.padding - 1);
    EXPECT_LE(box.x0, spec.padding + 3);
    EXPECT_LT(box.x1, spec.width / 2);
    // Vertically centred: the ink stays out of the top and bottom padding (give or take a
    // pixel of antialiasing) and its margins are similar.
    EXPECT_GE(box.y0, spec.padding - 1);
    EXPECT_LE(box.y1, spec.height - spec.padding + 1);
    EXPECT_LE(std::abs(box.y0 - (spec.height - box.y1)), 4);

    // Another colour pair: the text really is drawn in spec.text.
    spec.background = kWhite;
    spec.text = Colour{0xcc, 0x00, 0x00};
    const Image red = render(spec);
    EXPECT_GT(count_near(red, opaque(spec.text), 16), 10);
    EXPECT_EQ(red.at(0, 0), opaque(kWhite));
}

TEST(RenderText, EmptyTextIsJustTheBackground) {
    const Image image = render(title_spec(""));
    for (const std::uint32_t p : image.pixels) {
        ASSERT_EQ(p, opaque(kBlue));
    }
}

TEST(RenderText, TranslucentBackgroundIsPremultiplied) {
    TextSpec spec = title_spec("");
    spec.background = Colour{200, 100, 50};
    spec.background_alpha = 0.5;
    const Image image = render(spec);
    const std::uint32_t p = image.at(3, 3);
    const int a = static_cast<int>(p >> 24), r = static_cast<int>((p >> 16) & 0xFF),
              g = static_cast<int>((p >> 8) & 0xFF), b = static_cast<int>(p & 0xFF);
    EXPECT_NEAR(a, 128, 1);
    EXPECT_NEAR(r, 100, 1);
    EXPECT_NEAR(g, 50, 1);
    EXPECT_NEAR(b, 25, 1);

    spec.background_alpha = 0.0;
    EXPECT_EQ(render(spec).at(3, 3), 0u);
}

TEST(RenderText, ScaleTwoDrawsLargerText) {
    TextSpec spec = title_spec("Terminal");
    const Ink one = ink(render(spec), opaque(kBlue));
    spec.scale = 2.0f;
    const Ink two = ink(render(spec), opaque(kBlue));
    const double ratio = static_cast<double>(two.x1 - two.x0) / (one.x1 - one.x0);
    EXPECT_GT(ratio, 1.7);
    EXPECT_LT(ratio, 2.3);
    EXPECT_GT(two.count, 2 * one.count); // the area grows 4x, the antialiased edges only 2x
}

TEST(RenderText, BoldHasMoreInk) {
    TextSpec spec = title_spec("Terminal window");
    const Ink regular = ink(render(spec), opaque(kBlue));
    spec.bold = true;
    const Ink bold = ink(render(spec), opaque(kBlue));
    EXPECT_GT(bold.count, regular.count);
    EXPECT_GT(bold.x1 - bold.x0, regular.x1 - regular.x0);
}

TEST(RenderText, CentredText) {
    TextSpec spec = title_spec("Terminal", 400);
    spec.centred = true;
    const Ink box = ink(render(spec), opaque(kBlue));
    ASSERT_GT(box.count, 0);
    EXPECT_GT(box.x0, 100);
    EXPECT_LE(std::abs(box.x0 - (spec.width - box.x1)), 4);
}

TEST(RenderText, LongTextIsEllipsizedWithinThePadding) {
    TextSpec spec = title_spec(std::string(200, 'W'), 200);
    const Image image = render(spec);
    const Ink box = ink(image, opaque(kBlue));
    ASSERT_GT(box.count, 0);
    EXPECT_LE(box.x1, spec.width - spec.padding);
    // Text (the "…") reaches close to the end of the text area.
    EXPECT_GT(box.x1, spec.width - spec.padding - 20);
}

TEST(RenderText, MarkupIsNotInterpreted) {
    // Drawn literally, "<b>x</b>" is much wider than a bold "x".
    const Ink literal = ink(render(title_spec("<b>x</b>")), opaque(kBlue));
    const Ink plain = ink(render(title_spec("x")), opaque(kBlue));
    EXPECT_GT(literal.x1 - literal.x0, 4 * (plain.x1 - plain.x0));
}

TEST(RenderText, InvalidUtf8DoesNotBreakRendering) {
    const Ink box = ink(render(title_spec("bad \xFF\xC0 bytes")), opaque(kBlue));
    EXPECT_GT(box.count, 0);
}

TEST(CloseButton, Rect) {
    const Rect r = close_button_rect(300, 24);
    EXPECT_EQ(r.x, 276);
    EXPECT_EQ(r.y, 0);
    EXPECT_EQ(r.width, 24);
    EXPECT_EQ(r.height, 24);
    const Rect narrow = close_button_rect(10, 24);
    EXPECT_EQ(narrow.x, 0);
    EXPECT_EQ(narrow.width, 10);
}

TEST(CloseButton, DrawnAndNeverOverlappedByText) {
    for (const float scale : {1.0f, 2.0f}) {
        const int s = static_cast<int>(scale);
        TextSpec spec = title_spec("", 300);
        spec.background = kBlack;
        spec.text = kWhite;
        spec.close_button = true;
        spec.scale = scale;
        const Image empty = render(spec);
        spec.utf8 = std::string(300, 'W');
        const Image full = render(spec);

        const Rect close = close_button_rect(spec.width, spec.height);
        const int cx0 = close.x * s, cx1 = (close.x + close.width) * s;
        const int cy1 = close.height * s;

        // The X is there: its centre is in the text colour.
        EXPECT_TRUE(near(full.at((cx0 + cx1) / 2, cy1 / 2), opaque(kWhite), 32))
            << std::hex << full.at((cx0 + cx1) / 2, cy1 / 2);
        EXPECT_GT(ink(full, opaque(kBlack), cx0, cx1).count, 10);
        // Around the X the square is background: its corners and edges.
        for (int i = 0; i < cx1 - cx0; ++i) {
            ASSERT_EQ(full.at(cx0 + i, 0), opaque(kBlack));
            ASSERT_EQ(full.at(cx0 + i, cy1 - 1), opaque(kBlack));
        }
        for (int y = 0; y < cy1; ++y) {
            ASSERT_EQ(full.at(cx0, y), opaque(kBlack)) << y;
            ASSERT_EQ(full.at(cx0 + 1, y), opaque(kBlack)) << y;
            ASSERT_EQ(full.at(cx1 - 1, y), opaque(kBlack)) << y;
        }
        // The text does reach the padding before the button, but never beyond it: from there
        // on, every pixel is what it is without any text.
        const int text_end = (close.x - spec.padding) * s;
        EXPECT_GT(ink(full, opaque(kBlack), 0, text_end).x1, text_end - 20 * s);
        for (int y = 0; y < full.height; ++y) {
            for (int x = text_end; x < full.width; ++x) {
                ASSERT_EQ(full.at(x, y), empty.at(x, y)) << x << "," << y << " scale " << scale;
            }
        }
    }
}

TEST(CloseButton, CentredTextAvoidsItToo) {
    TextSpec spec = title_spec(std::string(300, 'W'), 300);
    spec.close_button = true;
    spec.centred = true;
    const Image image = render(spec);
    const Rect close = close_button_rect(spec.width, spec.height);
    const Ink text = ink(image, opaque(kBlue), 0, close.x);
    EXPECT_LE(text.x1, close.x - spec.padding);
}

TEST(LineHeight, PositiveAndGrowsWithFontSize) {
    const int small = line_height("sans 10");
    const int large = line_height("sans 20");
    EXPECT_GT(small, 0);
    EXPECT_GT(large, small);
    EXPECT_NEAR(static_cast<double>(large) / small, 2.0, 0.3);
    EXPECT_GE(line_height("sans 12"), small);
    // Roughly a 10 pt font at 96 dpi: 13.3 px em plus some leading.
    EXPECT_GE(small, 13);
    EXPECT_LE(small, 24);
}

TEST(TextBuffer, DestroyedOnlyWhenDroppedAndUnlocked) {
    wlr_buffer* buffer = render_text(title_spec("x"));
    ASSERT_NE(buffer, nullptr);
    struct Flag {
        wl_listener listener;
        bool destroyed = false;
    } flag{};
    flag.listener.notify = [](wl_listener* listener, void*) {
        Flag* f = wl_container_of(listener, f, listener);
        f->destroyed = true;
        wl_list_remove(&f->listener.link);
    };
    wl_signal_add(&buffer->events.destroy, &flag.listener);

    wlr_buffer_lock(buffer); // as the scene graph does
    wlr_buffer_drop(buffer);
    EXPECT_FALSE(flag.destroyed);
    wlr_buffer_unlock(buffer);
    EXPECT_TRUE(flag.destroyed);
}

} // namespace
} // namespace prism::frame
