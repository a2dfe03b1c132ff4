// Compares the events a replay receives with those a trace expects, and translates the trace's
// requests into what this run of the compositor needs. The rules (docs/testing.md):
//
// - Object ids the server allocates, serials ("serial" arguments), global names
//   (wl_registry.global) are mapped from recorded to received values as events match, and
//   requests that use them are rewritten; times ("time", "callback_data", presentation and
//   relative-pointer clocks) are not compared. Everything else must be equal: interface,
//   message, version, enum values, sizes, strings, fd kind and size.
// - Events on one object come in the recorded order (wl_display.delete_id may come later:
//   the replayer does not wait for it before sending a request, only before a disconnect). Events
//   on different objects may come in any order, and an event may come earlier than recorded (before
//   requests recorded before it), but never after a request recorded after it: the replayer waits
//   for it first.
// - '*' for an argument accepts any value; '=' before one compares even a serial or a time;
//   '# any' accepts any arguments; '# optional' lets an event not come at all.
#pragma once

#include "tools/trace/text_format.hpp"

#include <map>
#include <optional>

namespace prism::trace {

class Matcher {
public:
    Matcher(const Trace& trace, const Protocols& protocols);

    // The request of `line` as it must be sent now: server-allocated ids, serials and global
    // names replaced by this run's. Fd arguments are left for the caller.
    Message rewrite_request(const TraceLine& line) const;

    // Matches one received event of `connection` (with the ids this run has). `next_line` is
    // the index of the first trace line not yet sent; `closing` is set during a connection's
    // final roundtrip, where a frame callback that fires late is forgiven. Returns the index
    // of the trace line it matched (or nullopt when forgiven); an error report when it matches
    // nothing.
    std::variant<std::optional<size_t>, std::string>
    on_event(unsigned connection, const Message& got, size_t next_line, bool closing);

    // The index of the first expected, not optional event before line `limit` that has not
    // come yet. Lazy events (wl_display.delete_id: libwayland queues them until it sends
    // another event, so when they arrive depends on how the compositor read the requests) are
    // counted only with `lazy_too`, and only for `connection` when it is given.
    std::optional<size_t> first_pending(size_t limit, bool lazy_too = true,
                                        std::optional<unsigned> connection = {}) const;
    size_t matched_count() const;

    // `message` with this run's ids replaced by the trace's, for reports.
    Message to_recorded(unsigned connection, const Message& message) const;

private:
    struct Ids {
        std::map<std::uint32_t, std::uint32_t> to_actual, to_recorded;
    };
    std::uint32_t actual_id(unsigned connection, std::uint32_t recorded) const;
    std::optional<std::uint32_t> recorded_id(unsigned connection, std::uint32_t actual) const;
    // Why `got` does not match `expected`, or nullopt when it does.
    std::optional<std::string> compare(const TraceLine& expected, const Message& got) const;
    void learn(const TraceLine& expected, const Message& got);
    std::vector<ArgSpec> args_of(const Message& message) const;

    const Trace& trace_;
    const Protocols& protocols_;
    std::vector<bool> matched_;
    std::map<unsigned, Ids> ids_;
    std::map<std::uint32_t, std::uint32_t> serials_; // recorded -> received
    std::map<std::uint32_t, std::uint32_t> globals_; // recorded name -> received name
};

// Argument names whose values vary from run to run.
bool is_serial_arg(const std::string& name);
bool is_time_arg(const std::string& name);

} // namespace prism::trace
