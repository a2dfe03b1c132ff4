// The matcher: what may vary between a recording and a replay (server ids, serials, global
// names, times, the order of events on different objects) and what may not.
#include "tests/traces/test_protocols.hpp"
#include "tools/trace/matcher.hpp"

#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

namespace prism::trace {
namespace {

Trace make_trace(const std::string& text) {
    auto parsed = parse_trace(text, test_protocols(), "t");
    if (auto* error = std::get_if<std::string>(&parsed)) {
        ADD_FAILURE() << *error;
        return Trace{};
    }
    return std::get<Trace>(parsed);
}

// An event as the replayer would receive it (ids as this run has them).
Message got(const std::string& text) {
    auto parsed = parse_line(text, test_protocols());
    EXPECT_TRUE(std::holds_alternative<TraceLine>(parsed)) << text;
    return std::get<TraceLine>(parsed).message;
}

size_t index_of(const Trace& trace, size_t line_number) {
    for (size_t i = 0; i < trace.lines.size(); ++i) {
        if (trace.lines[i].number == line_number) {
            return i;
        }
    }
    return trace.lines.size();
}

// Feeds `event` and expects it to match the trace line `line_number`.
void expect_match(Matcher& matcher, const Trace& trace, const std::string& event,
                  size_t line_number, size_t next_line, unsigned connection = 1) {
    auto result = matcher.on_event(connection, got(event), next_line, false);
    ASSERT_TRUE(std::holds_alternative<std::optional<size_t>>(result))
        << event << ":\n"
        << std::get<std::string>(result);
    ASSERT_TRUE(std::get<std::optional<size_t>>(result).has_value());
    EXPECT_EQ(trace.lines[*std::get<std::optional<size_t>>(result)].number, line_number);
}

std::string expect_mismatch(Matcher& matcher, const std::string& event, size_t next_line,
                            bool closing = false) {
    auto result = matcher.on_event(1, got(event), next_line, closing);
    EXPECT_TRUE(std::holds_alternative<std::string>(result)) << event << " matched";
    return std::holds_alternative<std::string>(result) ? std::get<std::string>(result) : "";
}

const char kRegistry[] = "-> wl_display@1.get_registry(new id wl_registry@2)\n" // 1
                         "wl_registry@2.global(1, \"wl_shm\", 1)\n"             // 2
                         "wl_registry@2.global(2, \"wl_seat\", 7)\n"            // 3
                         "-> wl_registry@2.bind(2, \"wl_seat\", 7, new id [unknown]@3)\n"
                         "wl_seat@3.name(\"seat0\")\n"  // 5
                         "wl_seat@3.capabilities(3)\n"; // 6

TEST(Matcher, GlobalNamesAreMappedByInterfaceAndBindIsRewritten) {
    const Trace trace = make_trace(kRegistry);
    Matcher matcher(trace, test_protocols());
    EXPECT_EQ(matcher.first_pending(1), std::nullopt);
    EXPECT_EQ(matcher.first_pending(3), std::optional<size_t>(1));
    expect_match(matcher, trace, "wl_registry@2.global(11, \"wl_shm\", 1)", 2, 3);
    expect_match(matcher, trace, "wl_registry@2.global(17, \"wl_seat\", 7)", 3, 3);
    EXPECT_EQ(matcher.first_pending(3), std::nullopt);
    const Message bind = matcher.rewrite_request(trace.lines[3]);
    EXPECT_EQ(bind.args[0].word, 17u);
    EXPECT_EQ(matcher.matched_count(), 2u);
}

TEST(Matcher, AVersionAnInterfaceOrAValueIsAMismatchNamingTheLine) {
    const Trace trace = make_trace(kRegistry);
    Matcher matcher(trace, test_protocols());
    std::string report = expect_mismatch(matcher, "wl_registry@2.global(1, \"wl_shm\", 2)", 3);
    EXPECT_NE(report.find("2: the event differs: argument 3 ('version') differs"),
              std::string::npos)
        << report;
    EXPECT_NE(report.find("expected: wl_registry@2.global(1, \"wl_shm\", 1)"), std::string::npos);
    EXPECT_NE(report.find("got:      wl_registry@2.global(1, \"wl_shm\", 2)"), std::string::npos);
    report = expect_mismatch(matcher, "wl_registry@2.global(1, \"wl_drm\", 1)", 3);
    EXPECT_NE(report.find("('interface') differs"), std::string::npos) << report;
    expect_match(matcher, trace, "wl_registry@2.global(1, \"wl_shm\", 1)", 2, 3);
    expect_match(matcher, trace, "wl_registry@2.global(2, \"wl_seat\", 7)", 3, 3);
    report = expect_mismatch(matcher, "wl_seat@3.capabilities(1)", 4);
    EXPECT_NE(report.find("a different event"), std::string::npos) << report;
}

TEST(Matcher, AnEventNoLineExpectsIsReported) {
    const Trace trace = make_trace(kRegistry);
    Matcher matcher(trace, test_protocols());
    const std::string report = expect_mismatch(matcher, "wl_display@1.delete_id(3)", 1);
    EXPECT_NE(report.find("2: unexpected event before this line"), std::string::npos) << report;
    EXPECT_NE(report.find("got:      wl_display@1.delete_id(3)"), std::string::npos) << report;
}

TEST(Matcher, EventsOnDifferentObjectsMayReorderButNotOnOneObject) {
    const Trace trace = make_trace("-> wl_display@1.sync(new id wl_callback@3)\n"   // 1
                                   "wl_seat@5.name(\"seat0\")\n"                    // 2
                                   "wl_seat@5.capabilities(3)\n"                    // 3
                                   "wl_callback@3.done(99)\n"                       // 4
                                   "-> wl_display@1.sync(new id wl_callback@4)\n"); // 5
    Matcher matcher(trace, test_protocols());
    // The first sync is sent: the next line to send is the second (index 4).
    expect_match(matcher, trace, "wl_callback@3.done(12345)", 4, 4); // another object: fine
    // capabilities before name, on the same object: not fine.
    const std::string report = expect_mismatch(matcher, "wl_seat@5.capabilities(3)", 4);
    EXPECT_NE(report.find("2: the event differs"), std::string::npos) << report;
    expect_match(matcher, trace, "wl_seat@5.name(\"seat0\")", 2, 4);
    expect_match(matcher, trace, "wl_seat@5.capabilities(3)", 3, 4);
}

// A recording only knows the order in which the proxy read requests and events: an event
// written after a request may have been sent before prism read it (wayland-info's xdg_output
// events come after its get_keyboard in vm-wayland-info.trace). So an event may match a line
// after requests not sent yet, still in its object's order.
TEST(Matcher, AnEventMayComeBeforeRequestsRecordedBeforeIt) {
    const Trace trace = make_trace("-> wl_display@1.sync(new id wl_callback@3)\n" // 1
                                   "-> wl_seat@7.get_keyboard(new id wl_keyboard@10)\n"
                                   "zxdg_output_v1@9.name(*)\n" // 3
                                   "zxdg_output_v1@9.done()\n"  // 4
                                   "wl_callback@3.done(0)\n");  // 5
    Matcher matcher(trace, test_protocols());
    // Only the sync is sent; get_keyboard (index 1) is next.
    const std::string report = expect_mismatch(matcher, "zxdg_output_v1@9.done()", 1);
    EXPECT_NE(report.find("3: the event differs: a different event"), std::string::npos) << report;
    expect_match(matcher, trace, "zxdg_output_v1@9.name(\"HEADLESS-1\")", 3, 1);
    expect_match(matcher, trace, "wl_callback@3.done(7)", 5, 1);
    expect_match(matcher, trace, "zxdg_output_v1@9.done()", 4, 1);
}

TEST(Matcher, SerialsAndServerIdsAreMappedAndRequestsRewritten) {
    const Trace trace =
        make_trace("xdg_surface@3.configure(41)\n"                                      // 1
                   "-> xdg_surface@3.ack_configure(41)\n"                               // 2
                   "wl_data_device@6.data_offer(new id wl_data_offer@4278190080)\n"     // 3
                   "wl_data_device@6.selection(wl_data_offer@4278190080)\n"             // 4
                   "-> wl_data_offer@4278190080.receive(\"text/plain\", fd 9 {pipe})\n" // 5
                   "-> xdg_surface@3.ack_configure(=41)\n");                            // 6
    Matcher matcher(trace, test_protocols());
    expect_match(matcher, trace, "xdg_surface@3.configure(7)", 1, 1);
    EXPECT_EQ(matcher.rewrite_request(trace.lines[1]).args[0].word, 7u);
    expect_match(matcher, trace, "wl_data_device@6.data_offer(new id wl_data_offer@4278190085)", 3,
                 4);
    // The offer is known by this run's id now; another id is another object.
    const std::string report =
        expect_mismatch(matcher, "wl_data_device@6.selection(wl_data_offer@4278190086)", 4);
    EXPECT_NE(report.find("is another object"), std::string::npos) << report;
    expect_match(matcher, trace, "wl_data_device@6.selection(wl_data_offer@4278190085)", 4, 4);
    EXPECT_EQ(matcher.rewrite_request(trace.lines[4]).object, 4278190085u);
    // '=' pins a serial: it is sent as written.
    EXPECT_EQ(matcher.rewrite_request(trace.lines[5]).args[0].word, 41u);
}

TEST(Matcher, TimesAreNotComparedButPinnedOnesAre) {
    const Trace trace = make_trace("wl_callback@3.done(100)\n"
                                   "wl_callback@4.done(=100)\n");
    Matcher matcher(trace, test_protocols());
    expect_match(matcher, trace, "wl_callback@3.done(5)", 1, 2);
    const std::string report = expect_mismatch(matcher, "wl_callback@4.done(5)", 2);
    EXPECT_NE(report.find("('callback_data') differs"), std::string::npos) << report;
}

TEST(Matcher, AnnotationsRelaxAnArgumentAWholeEventOrItsPresence) {
    const Trace trace = make_trace("wl_output@4.name(*)\n"                          // 1
                                   "wl_output@4.scale(2)  # any\n"                  // 2
                                   "wl_surface@5.enter(wl_output@4)  # optional\n"  // 3
                                   "wl_surface@5.leave(wl_output@4)\n"              // 4
                                   "-> wl_display@1.sync(new id wl_callback@6)\n"); // 5
    Matcher matcher(trace, test_protocols());
    EXPECT_EQ(matcher.first_pending(4), std::optional<size_t>(0));
    expect_match(matcher, trace, "wl_output@4.name(\"HEADLESS-7\")", 1, 4);
    expect_match(matcher, trace, "wl_output@4.scale(1)", 2, 4);
    // The optional enter does not come; leave matches the next line on that object.
    expect_match(matcher, trace, "wl_surface@5.leave(wl_output@4)", 4, 4);
    EXPECT_EQ(matcher.first_pending(4), std::nullopt);
}

TEST(Matcher, FdsAreCheckedForKindAndSize) {
    const Trace trace = make_trace("wl_keyboard@3.keymap(1, fd 6 {file 16 zero}, 16)\n"
                                   "wl_keyboard@3.keymap(1, fd 6 {file 16 zero}, 16)\n");
    Matcher matcher(trace, test_protocols());
    const int fd = memfd_create("keymap", MFD_CLOEXEC);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(ftruncate(fd, 32), 0);
    Message event = got("wl_keyboard@3.keymap(1, fd, 16)");
    event.args[1].fd = fd;
    auto result = matcher.on_event(1, event, 2, false);
    ASSERT_TRUE(std::holds_alternative<std::string>(result));
    EXPECT_NE(std::get<std::string>(result).find("a file of another size"), std::string::npos);
    ASSERT_EQ(ftruncate(fd, 16), 0);
    result = matcher.on_event(1, event, 2, false);
    EXPECT_TRUE(std::holds_alternative<std::optional<size_t>>(result));
    close(fd);
}

TEST(Matcher, ALateFrameCallbackIsForgivenOnlyWhileClosing) {
    const Trace trace = make_trace("-> wl_surface@5.frame(new id wl_callback@7)\n"
                                   "-> disconnect\n");
    Matcher matcher(trace, test_protocols());
    expect_mismatch(matcher, "wl_callback@7.done(1)", 1, false);
    auto result = matcher.on_event(1, got("wl_callback@7.done(1)"), 1, true);
    ASSERT_TRUE(std::holds_alternative<std::optional<size_t>>(result));
    EXPECT_FALSE(std::get<std::optional<size_t>>(result).has_value());
    expect_mismatch(matcher, "wl_display@1.delete_id(7)", 1, true);
}

TEST(Matcher, ConnectionsAreSeparate) {
    const Trace trace = make_trace("wl_callback@3.done(1)\n"
                                   "c2 wl_callback@3.done(1)\n");
    Matcher matcher(trace, test_protocols());
    expect_match(matcher, trace, "wl_callback@3.done(1)", 2, 2, 2);
    expect_match(matcher, trace, "wl_callback@3.done(1)", 1, 2, 1);
    EXPECT_EQ(index_of(trace, 2), 1u);
}

} // namespace
} // namespace prism::trace
