#include "compositor/frame/title.hpp"

#include <vector>

namespace prism::frame {
namespace {

constexpr char32_t kReplacement = 0xFFFD;
constexpr char32_t kEllipsis = 0x2026;

// Decodes the code point starting at s[i] and advances i past it. An ill-formed subsequence
// yields U+FFFD and consumes its maximal subpart: the longest prefix that could still have
// begun a well-formed sequence (at least one byte). The second-byte ranges below are those of
// Unicode's table of well-formed byte sequences; they exclude overlong forms (E0 80..9F,
// F0 80..8F), surrogates (ED A0..BF) and code points above U+10FFFF (F4 90..BF, F5..FF).
char32_t decode_one(std::string_view s, std::size_t& i) {
    const auto lead = static_cast<unsigned char>(s[i++]);
    if (lead < 0x80) {
        return lead;
    }
    int continuation = 0;
    char32_t cp = 0;
    unsigned char low = 0x80, high = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
        continuation = 1;
        cp = lead & 0x1Fu;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        continuation = 2;
        cp = lead & 0x0Fu;
        if (lead == 0xE0) {
            low = 0xA0;
        } else if (lead == 0xED) {
            high = 0x9F;
        }
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        continuation = 3;
        cp = lead & 0x07u;
        if (lead == 0xF0) {
            low = 0x90;
        } else if (lead == 0xF4) {
            high = 0x8F;
        }
    } else {
        return kReplacement; // 80..C1 (continuation or overlong lead), F5..FF
    }
    for (int k = 0; k < continuation; ++k) {
        if (i >= s.size()) {
            return kReplacement;
        }
        const auto byte = static_cast<unsigned char>(s[i]);
        if (byte < low || byte > high) {
            return kReplacement; // `byte` is not consumed: it may start the next sequence
        }
        low = 0x80;
        high = 0xBF;
        cp = (cp << 6) | (byte & 0x3Fu);
        ++i;
    }
    return cp;
}

void append_utf8(std::string& out, char32_t cp) {
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xC0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xE0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        out += static_cast<char>(0xF0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        out += static_cast<char>(0x80 | (cp & 0x3F));
    }
}

// Unicode's White_Space property.
bool is_whitespace(char32_t cp) {
    return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
           (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F ||
           cp == 0x205F || cp == 0x3000;
}

// Checked after is_whitespace, so the whitespace among the controls (tab, LF, CR, NEL, ...)
// becomes a space rather than disappearing.
bool is_removed(char32_t cp) {
    const bool control = cp < 0x20 || (cp >= 0x7F && cp <= 0x9F); // C0, DEL, C1
    const bool bidi = cp == 0x061C || cp == 0x200E || cp == 0x200F ||
                      (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
    return control || bidi;
}

} // namespace

std::string sanitize_title(std::string_view raw, std::size_t max_codepoints) {
    if (max_codepoints == 0) {
        return {};
    }
    // Collapsed and left-trimmed; a space is only emitted before a following visible character,
    // so the result is right-trimmed too. Stops at max_codepoints + 1: enough to know it is cut.
    std::vector<char32_t> kept;
    bool pending_space = false;
    for (std::size_t i = 0; i < raw.size() && kept.size() <= max_codepoints;) {
        const char32_t cp = decode_one(raw, i);
        if (is_whitespace(cp)) {
            pending_space = !kept.empty();
            continue;
        }
        if (is_removed(cp)) {
            continue;
        }
        if (pending_space) {
            kept.push_back(U' ');
            pending_space = false;
            if (kept.size() > max_codepoints) {
                break;
            }
        }
        kept.push_back(cp);
    }
    if (kept.size() > max_codepoints) {
        kept.resize(max_codepoints - 1);
        while (!kept.empty() && kept.back() == U' ') {
            kept.pop_back();
        }
        kept.push_back(kEllipsis);
    }
    std::string out;
    out.reserve(kept.size());
    for (const char32_t cp : kept) {
        append_utf8(out, cp);
    }
    return out;
}

std::string frame_title(std::string_view label, std::string_view raw_title) {
    std::string out = "[" + sanitize_title(label) + "]";
    const std::string title = sanitize_title(raw_title);
    if (!title.empty()) {
        out += ' ';
        out += title;
    }
    return out;
}

} // namespace prism::frame
