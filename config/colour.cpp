#include "config/config.hpp"
#include "config/toml_util.hpp"

#include <array>
#include <cstdio>

namespace prism::config {

namespace {

struct NamedColour {
    std::string_view name;
    Colour colour;
};

// The label colours (Tango palette), in the order they are listed to the user.
constexpr std::array kNamedColours = {
    NamedColour{"red", {0xcc, 0x00, 0x00}},    NamedColour{"orange", {0xf5, 0x79, 0x00}},
    NamedColour{"yellow", {0xed, 0xd4, 0x00}}, NamedColour{"green", {0x73, 0xd2, 0x16}},
    NamedColour{"gray", {0x55, 0x57, 0x53}},   NamedColour{"blue", {0x34, 0x65, 0xa4}},
    NamedColour{"purple", {0x75, 0x50, 0x7b}}, NamedColour{"black", {0x00, 0x00, 0x00}},
};

std::optional<std::uint8_t> hex_digit(char c) {
    if (c >= '0' && c <= '9') {
        return static_cast<std::uint8_t>(c - '0');
    }
    if (c >= 'a' && c <= 'f') {
        return static_cast<std::uint8_t>(c - 'a' + 10);
    }
    if (c >= 'A' && c <= 'F') {
        return static_cast<std::uint8_t>(c - 'A' + 10);
    }
    return std::nullopt;
}

} // namespace

std::string Colour::hex() const {
    char text[8];
    std::snprintf(text, sizeof text, "#%02x%02x%02x", static_cast<unsigned>(r),
                  static_cast<unsigned>(g), static_cast<unsigned>(b));
    return text;
}

std::optional<Colour> parse_colour(std::string_view text) {
    if (text.size() == 7 && text[0] == '#') {
        std::uint8_t channels[3];
        for (std::size_t i = 0; i < 3; ++i) {
            const auto high = hex_digit(text[1 + 2 * i]);
            const auto low = hex_digit(text[2 + 2 * i]);
            if (!high || !low) {
                return std::nullopt;
            }
            channels[i] = static_cast<std::uint8_t>(*high << 4 | *low);
        }
        return Colour{channels[0], channels[1], channels[2]};
    }
    for (const NamedColour& named : kNamedColours) {
        if (detail::iequals(text, named.name)) {
            return named.colour;
        }
    }
    return std::nullopt;
}

} // namespace prism::config
