// The trace text format: libwayland's WAYLAND_DEBUG notation, the annotations, and errors that
// name the line for every kind of malformed input.
#include "tests/traces/test_protocols.hpp"
#include "tools/trace/text_format.hpp"

#include <gtest/gtest.h>
#include <random>

namespace prism::trace {
namespace {

TraceLine parse(const std::string& text) {
    auto parsed = parse_line(text, test_protocols());
    if (auto* error = std::get_if<std::string>(&parsed)) {
        ADD_FAILURE() << text << ": " << *error;
        return TraceLine{};
    }
    return std::get<TraceLine>(parsed);
}

std::string error_of(const std::string& text) {
    auto parsed = parse_trace(text, test_protocols(), "t.trace");
    if (!std::holds_alternative<std::string>(parsed)) {
        ADD_FAILURE() << "parsed, but should not have: " << text;
        return "";
    }
    return std::get<std::string>(parsed);
}

TEST(TextFormat, ReadsAndWritesLibwaylandNotation) {
    const std::vector<std::string> lines = {
        "-> wl_display@1.get_registry(new id wl_registry@2)",
        "wl_registry@2.global(1, \"wl_shm\", 1)",
        "-> wl_registry@2.bind(20, \"wl_seat\", 5, new id wl_seat@13)",
        "wl_pointer@5.motion(1234, 10.50000000, -0.00390625)",
        "wl_data_device@3.selection(nil)",
        "xdg_toplevel@8.configure(0, 0, array[4]{04000000})",
        "wl_keyboard@3.keymap(1, fd 6 {file 4 hex:01020304}, 4)",
        "-> wl_surface@7.attach(nil, 0, 0)",
        "wl_display@1.error(wl_registry@2, 0, \"a \\\"quoted\\\" \\\\ word\\n\")",
    };
    for (const auto& text : lines) {
        EXPECT_EQ(format_line(parse(text)), text);
    }
    const TraceLine motion = parse("wl_pointer@5.motion(1234, 10.50000000, -0.00390625)");
    EXPECT_EQ(static_cast<std::int32_t>(motion.message.args[1].word), 10 * 256 + 128);
    EXPECT_EQ(static_cast<std::int32_t>(motion.message.args[2].word), -1);
    const TraceLine bind = parse("-> wl_registry@2.bind(1, \"wl_shm\", 1, new id [unknown]@4)");
    EXPECT_EQ(bind.message.args[3].interface, "wl_shm");
}

TEST(TextFormat, AcceptsWaylandDebugOutputAndConnectionPrefixes) {
    const TraceLine event = parse("[1234567.890]  wl_registry@2.global(1, \"wl_shm\", 1)");
    EXPECT_EQ(event.message.direction, Direction::Event);
    EXPECT_EQ(event.message.object, 2u);
    const TraceLine request = parse("[  12.001] -> wl_display@1.sync(new id wl_callback@3)");
    EXPECT_EQ(request.message.direction, Direction::Request);
    const TraceLine second = parse("c2 -> wl_display@1.sync(new id wl_callback@3)");
    EXPECT_EQ(second.connection, 2u);
    EXPECT_EQ(parse("c3 -> disconnect").kind, TraceLine::Kind::Disconnect);
}

TEST(TextFormat, Annotations) {
    const TraceLine line =
        parse("wl_output@4.geometry(0, 0, 0, 0, =0, *, *, 0)  # optional any output of a VM");
    EXPECT_TRUE(line.optional);
    EXPECT_TRUE(line.any);
    EXPECT_EQ(line.comment, "output of a VM");
    EXPECT_TRUE(line.message.args[4].pinned);
    EXPECT_TRUE(line.message.args[5].any);
    EXPECT_EQ(format_line(line),
              "wl_output@4.geometry(0, 0, 0, 0, =0, *, *, 0)  # any optional output of a VM");
}

TEST(TextFormat, ErrorsNameTheLine) {
    const std::string header = "# prism-trace: 1\n# socket: host\n";
    EXPECT_NE(error_of(header + "wl_nothing@2.global()\n").find("t.trace:3: unknown interface"),
              std::string::npos);
    EXPECT_NE(error_of(header + "\nwl_registry@2.bind(1)\n")
                  .find("t.trace:4: wl_registry has no "
                        "event bind"),
              std::string::npos);
    EXPECT_NE(error_of(header + "wl_registry@2.global(1, \"wl_shm\")\n").find("t.trace:3:"),
              std::string::npos);
    EXPECT_NE(error_of("wl_registry@2.global(1, \"wl_shm\", 1, 2)\n").find("t.trace:1:"),
              std::string::npos);
    EXPECT_NE(error_of("wl_registry@2.global(x, \"wl_shm\", 1)\n").find("expected a number"),
              std::string::npos);
    EXPECT_NE(error_of("wl_registry@2.global(99999999999, \"wl_shm\", 1)\n").find("t.trace:1:"),
              std::string::npos);
    EXPECT_NE(error_of("wl_registry@2.global(1, \"wl_shm, 1)\n").find("unterminated string"),
              std::string::npos);
    EXPECT_NE(
        error_of("-> wl_display@1.sync(new id wl_callback@3)  # optional\n").find("events only"),
        std::string::npos);
    EXPECT_NE(error_of("wl_registry@0.global(1, \"a\", 1)\n").find("bad object id"),
              std::string::npos);
    EXPECT_NE(error_of("wl_keyboard@3.keymap(1, fd 6 {socket}, 4)\n").find("fd kind"),
              std::string::npos);
    EXPECT_NE(error_of("xdg_toplevel@8.configure(0, 0, array[4]{0400})\n").find("array"),
              std::string::npos);
    EXPECT_NE(error_of("wl_registry@2.global(1, \"wl_shm\", 1) trailing\n")
                  .find("after the "
                        "message"),
              std::string::npos);
}

// Random damage to a real trace never crashes the parser: it parses or names a line.
TEST(TextFormat, RandomDamageIsAnErrorNotACrash) {
    const std::string good = "# prism-trace: 1\n"
                             "-> wl_display@1.get_registry(new id wl_registry@2)\n"
                             "wl_registry@2.global(1, \"wl_shm\", 1)\n"
                             "-> wl_registry@2.bind(1, \"wl_shm\", 1, new id [unknown]@4)\n"
                             "xdg_toplevel@8.configure(0, 0, array[4]{04000000})\n"
                             "wl_keyboard@3.keymap(1, fd 6 {file 4 hex:01020304}, 4)\n"
                             "wl_pointer@5.motion(1234, 10.50000000, -0.00390625)  # optional\n"
                             "c2 -> disconnect\n";
    ASSERT_TRUE(std::holds_alternative<Trace>(parse_trace(good, test_protocols(), "t")));
    std::mt19937 random(1234);
    const std::string alphabet = "()[]{}@.,#*=\"\\-> 0123456789abcfxnil\n\t\x01\xff";
    for (int round = 0; round < 3000; ++round) {
        std::string text = good;
        const int edits = 1 + static_cast<int>(random() % 4);
        for (int i = 0; i < edits; ++i) {
            const size_t at = random() % text.size();
            switch (random() % 3) {
            case 0:
                text[at] = alphabet[random() % alphabet.size()];
                break;
            case 1:
                text.erase(at, 1 + random() % 8);
                break;
            default:
                text.insert(at, 1, alphabet[random() % alphabet.size()]);
                break;
            }
        }
        auto parsed = parse_trace(text, test_protocols(), "t");
        if (auto* error = std::get_if<std::string>(&parsed)) {
            EXPECT_EQ(error->rfind("t:", 0), 0u) << *error;
        }
    }
}

} // namespace
} // namespace prism::trace
