#include "compositor/frame/title.hpp"

#include <cstddef>
#include <string>

#include <gtest/gtest.h>

namespace prism::frame {
namespace {

const std::string kFffd = "\xEF\xBF\xBD";     // U+FFFD REPLACEMENT CHARACTER
const std::string kEllipsis = "\xE2\x80\xA6"; // U+2026

std::size_t codepoints(const std::string& s) {
    std::size_t n = 0;
    for (const char c : s) {
        n += (static_cast<unsigned char>(c) & 0xC0) != 0x80 ? 1 : 0;
    }
    return n;
}

// UTF-8 for one code point, written independently of the code under test.
std::string utf8(char32_t cp) {
    std::string s;
    if (cp < 0x80) {
        s += static_cast<char>(cp);
    } else if (cp < 0x800) {
        s += static_cast<char>(0xC0 | (cp >> 6));
        s += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
        s += static_cast<char>(0xE0 | (cp >> 12));
        s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        s += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
        s += static_cast<char>(0xF0 | (cp >> 18));
        s += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
        s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
        s += static_cast<char>(0x80 | (cp & 0x3F));
    }
    return s;
}

TEST(SanitizeTitle, KeepsOrdinaryText) {
    EXPECT_EQ(sanitize_title("Terminal"), "Terminal");
    EXPECT_EQ(sanitize_title("~/src/prism - vim"), "~/src/prism - vim");
    const std::string unicode =
        "\xC3\x9Cn\xC3\xAF\x63\xC3\xB8\x64\xC3\xA9 \xE6\x97\xA5\xE6\x9C\xAC "
        "\xF0\x9F\x8E\x89 \xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D";
    EXPECT_EQ(sanitize_title(unicode), unicode);
    EXPECT_EQ(sanitize_title("[host] Terminal"), "[host] Terminal"); // just text
    EXPECT_EQ(sanitize_title("<b>bold</b> &amp;"), "<b>bold</b> &amp;");
}

TEST(SanitizeTitle, EmptyInput) {
    EXPECT_EQ(sanitize_title(""), "");
    EXPECT_EQ(sanitize_title(" \t\r\n "), "");
    EXPECT_EQ(sanitize_title("\x01\x1b\x7f"), "");
    EXPECT_EQ(sanitize_title(utf8(0x202E) + utf8(0x2028) + " "), "");
}

TEST(SanitizeTitle, RemovesC0ControlsAndDel) {
    for (char32_t cp = 0; cp < 0x20; ++cp) {
        if (cp >= 0x09 && cp <= 0x0D) {
            continue; // whitespace, see below
        }
        EXPECT_EQ(sanitize_title(std::string("a") + static_cast<char>(cp) + "b"), "ab")
            << "U+" << std::hex << static_cast<unsigned>(cp);
    }
    EXPECT_EQ(sanitize_title("a\x7f"
                             "b"),
              "ab");
    EXPECT_EQ(sanitize_title("\x1b[31mred\x1b[0m"), "[31mred[0m");
    EXPECT_EQ(sanitize_title(std::string("nul\0byte", 8)), "nulbyte");
}

TEST(SanitizeTitle, RemovesC1Controls) {
    for (char32_t cp = 0x80; cp <= 0x9F; ++cp) {
        if (cp == 0x85) {
            continue; // NEL is a line break: whitespace
        }
        EXPECT_EQ(sanitize_title("a" + utf8(cp) + "b"), "ab")
            << "U+" << std::hex << static_cast<unsigned>(cp);
    }
    EXPECT_EQ(sanitize_title("a" + utf8(0x85) + "b"), "a b");
}

TEST(SanitizeTitle, RemovesBidirectionalControls) {
    const char32_t controls[] = {0x061C, 0x200E, 0x200F, 0x202A, 0x202B, 0x202C,
                                 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069};
    for (const char32_t cp : controls) {
        EXPECT_EQ(sanitize_title("a" + utf8(cp) + "b"), "ab")
            << "U+" << std::hex << static_cast<unsigned>(cp);
    }
    // RIGHT-TO-LEFT OVERRIDE would draw "invoice_exe.pdf" as "invoice_fdp.exe".
    EXPECT_EQ(sanitize_title("invoice_" + utf8(0x202E) + "fdp.exe"), "invoice_fdp.exe");
    // Neighbours of the ranges are ordinary characters.
    EXPECT_EQ(sanitize_title("a" + utf8(0x2070) + "b"), "a" + utf8(0x2070) + "b");
    EXPECT_EQ(sanitize_title("a" + utf8(0x061B) + "b"), "a" + utf8(0x061B) + "b");
}

TEST(SanitizeTitle, LineBreaksAndTabsBecomeOneSpace) {
    EXPECT_EQ(sanitize_title("a\tb"), "a b");
    EXPECT_EQ(sanitize_title("line one\nline two"), "line one line two");
    EXPECT_EQ(sanitize_title("a\r\nb\vc\fd"), "a b c d");
    EXPECT_EQ(sanitize_title("a" + utf8(0x2028) + "b" + utf8(0x2029) + "c"), "a b c");
    EXPECT_EQ(sanitize_title("a" + utf8(0xA0) + utf8(0x3000) + "b"), "a b");
}

TEST(SanitizeTitle, CollapsesAndTrimsWhitespace) {
    EXPECT_EQ(sanitize_title("   padded   "), "padded");
    EXPECT_EQ(sanitize_title("a    b \t\n c"), "a b c");
    // A removed character does not split a run of whitespace.
    EXPECT_EQ(sanitize_title("a \x01 b"), "a b");
    EXPECT_EQ(sanitize_title("a " + utf8(0x202E) + " b"), "a b");
    EXPECT_EQ(sanitize_title(utf8(0x200F) + " x " + utf8(0x200E)), "x");
}

TEST(SanitizeTitle, InvalidBytesBecomeReplacementCharacters) {
    EXPECT_EQ(sanitize_title("a\xFF"
                             "b"),
              "a" + kFffd + "b");
    EXPECT_EQ(sanitize_title("\x80"), kFffd);             // lone continuation byte
    EXPECT_EQ(sanitize_title("\xFE\xFF"), kFffd + kFffd); // never valid
    EXPECT_EQ(sanitize_title("x\xE2\x82"), "x" + kFffd);  // truncated at the end
    EXPECT_EQ(sanitize_title("\xE2\x82x"), kFffd + "x");  // truncated: x is kept
    EXPECT_EQ(sanitize_title("\xF0\x9F\x8E"), kFffd);     // truncated 4-byte sequence
    EXPECT_EQ(sanitize_title("\xC3(\xC3\xA9"), kFffd + "(\xC3\xA9");
}

TEST(SanitizeTitle, RejectsOverlongEncodings) {
    // "/" and NUL in two bytes: must neither decode to themselves nor smuggle a NUL through.
    EXPECT_EQ(sanitize_title("\xC0\xAF"), kFffd + kFffd);
    EXPECT_EQ(sanitize_title("\xC0\x80"), kFffd + kFffd);
    EXPECT_EQ(sanitize_title("\xC1\xBF"), kFffd + kFffd);
    EXPECT_EQ(sanitize_title("\xE0\x80\xAF"), kFffd + kFffd + kFffd);
    EXPECT_EQ(sanitize_title("\xF0\x80\x80\xAF"), kFffd + kFffd + kFffd + kFffd);
    // An overlong U+202E must not survive as a valid one either.
    EXPECT_EQ(sanitize_title("\xF0\x82\x80\xAE"), kFffd + kFffd + kFffd + kFffd);
    // The shortest forms just above the overlong range are fine.
    EXPECT_EQ(sanitize_title("\xC2\xA9"), "\xC2\xA9");
    EXPECT_EQ(sanitize_title("\xE0\xA0\x80"), "\xE0\xA0\x80");
    EXPECT_EQ(sanitize_title("\xF0\x90\x80\x80"), "\xF0\x90\x80\x80");
}

TEST(SanitizeTitle, RejectsSurrogatesAndCodePointsAboveUnicode) {
    EXPECT_EQ(sanitize_title("\xED\xA0\x80"), kFffd + kFffd + kFffd);  // U+D800
    EXPECT_EQ(sanitize_title("\xED\xBF\xBF"), kFffd + kFffd + kFffd);  // U+DFFF
    EXPECT_EQ(sanitize_title("\xED\x9F\xBF"), "\xED\x9F\xBF");         // U+D7FF is fine
    EXPECT_EQ(sanitize_title("\xF4\x8F\xBF\xBF"), "\xF4\x8F\xBF\xBF"); // U+10FFFF is fine
    EXPECT_EQ(sanitize_title("\xF4\x90\x80\x80"), kFffd + kFffd + kFffd + kFffd);
    EXPECT_EQ(sanitize_title("\xF5\x80\x80\x80"), kFffd + kFffd + kFffd + kFffd);
}

TEST(SanitizeTitle, CapsLengthWithEllipsis) {
    const std::string long_title(300, 'a');
    const std::string capped = sanitize_title(long_title);
    EXPECT_EQ(codepoints(capped), 256u);
    EXPECT_EQ(capped, std::string(255, 'a') + kEllipsis);

    EXPECT_EQ(sanitize_title("abcdefgh", 5), "abcd" + kEllipsis);
    EXPECT_EQ(sanitize_title("abcde", 5), "abcde");       // exactly the cap: not cut
    EXPECT_EQ(sanitize_title("  abcde \t ", 5), "abcde"); // trimmed whitespace does not count
    EXPECT_EQ(sanitize_title("abc defg", 5), "abc" + kEllipsis); // no space before the "…"
    EXPECT_EQ(sanitize_title("abcdef", 1), kEllipsis);
    EXPECT_EQ(sanitize_title("abcdef", 0), "");
    // Counted in code points, not bytes.
    const std::string wide = utf8(0x65E5) + utf8(0x672C) + utf8(0x8A9E);
    EXPECT_EQ(sanitize_title(wide, 3), wide);
    EXPECT_EQ(sanitize_title(wide, 2), utf8(0x65E5) + kEllipsis);
}

TEST(SanitizeTitle, HugeInputIsCappedToo) {
    std::string huge;
    for (int i = 0; i < 100000; ++i) {
        huge += "x \x01\t";
    }
    const std::string capped = sanitize_title(huge, 10);
    EXPECT_EQ(capped, "x x x x x" + kEllipsis);
}

TEST(FrameTitle, LabelThenTitle) {
    EXPECT_EQ(frame_title("work", "Terminal"), "[work] Terminal");
    EXPECT_EQ(frame_title("work", ""), "[work]");
    EXPECT_EQ(frame_title("work", " \t\n"), "[work]");
    EXPECT_EQ(frame_title("work", utf8(0x202E)), "[work]");
}

TEST(FrameTitle, TitleCannotPoseAsAnotherLabel) {
    const std::string shown = frame_title("work", "[host] x");
    EXPECT_EQ(shown.rfind("[work] ", 0), 0u) << shown;
    EXPECT_EQ(shown, "[work] [host] x");
    // Nor by hiding or reordering the real one.
    EXPECT_EQ(frame_title("work", utf8(0x202E) + "[host]"), "[work] [host]");
    EXPECT_EQ(frame_title("work", "\r[host]"), "[work] [host]");
    EXPECT_EQ(frame_title("work", "\n\n\n[host]").rfind("[work] ", 0), 0u);
}

TEST(FrameTitle, SanitizesTheLabelAndTitle) {
    EXPECT_EQ(frame_title(" my\tvm ", "a\x01"
                                      "b"),
              "[my vm] ab");
    EXPECT_EQ(frame_title("w" + utf8(0x202E) + "ork", "t"), "[work] t");
    EXPECT_EQ(frame_title("bad\xFF", "t"), "[bad" + kFffd + "] t");
    EXPECT_EQ(codepoints(frame_title("work", std::string(1000, 'x'))), 7u + 256u);
}

} // namespace
} // namespace prism::frame
