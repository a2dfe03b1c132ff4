#include "tools/trace/matcher.hpp"

#include "tools/trace/fd_info.hpp"
#include "tools/trace/wire.hpp"

namespace prism::trace {

bool is_serial_arg(const std::string& name) {
    return name == "serial";
}

bool is_time_arg(const std::string& name) {
    static const char* const kNames[] = {"time",      "callback_data", "tv_sec_hi",
                                         "tv_sec_lo", "tv_nsec",       "seq_hi",
                                         "seq_lo",    "utime_hi",      "utime_lo"};
    for (const char* known : kNames) {
        if (name == known) {
            return true;
        }
    }
    return false;
}

namespace {

bool is_global_name(const Message& message, size_t arg) {
    return arg == 0 && message.interface == "wl_registry" &&
           (message.name == "global" || message.name == "global_remove" || message.name == "bind");
}

bool creates(const TraceLine& line, std::uint32_t id) {
    if (line.kind != TraceLine::Kind::Message) {
        return false;
    }
    for (const auto& arg : line.message.args) {
        if (arg.type == ArgType::NewId && arg.word == id) {
            return true;
        }
    }
    return false;
}

} // namespace

Matcher::Matcher(const Trace& trace, const Protocols& protocols)
    : trace_(trace)
    , protocols_(protocols)
    , matched_(trace.lines.size(), false) {
}

std::vector<ArgSpec> Matcher::args_of(const Message& message) const {
    const InterfaceSpec* interface = protocols_.find(message.interface);
    if (interface == nullptr) {
        return {};
    }
    const auto& list =
        message.direction == Direction::Request ? interface->requests : interface->events;
    const MessageSpec* spec = find_message(list, message.name);
    return spec == nullptr ? std::vector<ArgSpec>{} : wire_args(*spec);
}

std::uint32_t Matcher::actual_id(unsigned connection, std::uint32_t recorded) const {
    auto conn = ids_.find(connection);
    if (recorded < kServerIdStart || conn == ids_.end()) {
        return recorded;
    }
    auto it = conn->second.to_actual.find(recorded);
    return it == conn->second.to_actual.end() ? recorded : it->second;
}

std::optional<std::uint32_t> Matcher::recorded_id(unsigned connection, std::uint32_t actual) const {
    if (actual < kServerIdStart) {
        return actual;
    }
    auto conn = ids_.find(connection);
    if (conn == ids_.end()) {
        return std::nullopt;
    }
    auto it = conn->second.to_recorded.find(actual);
    if (it == conn->second.to_recorded.end()) {
        return std::nullopt;
    }
    return it->second;
}

Message Matcher::rewrite_request(const TraceLine& line) const {
    Message message = line.message;
    message.object = actual_id(line.connection, message.object);
    const auto specs = args_of(message);
    for (size_t i = 0; i < message.args.size(); ++i) {
        Value& arg = message.args[i];
        if (arg.type == ArgType::Object && arg.word != 0) {
            arg.word = actual_id(line.connection, arg.word);
        } else if (is_global_name(message, i)) {
            auto it = globals_.find(arg.word);
            if (it != globals_.end()) {
                arg.word = it->second;
            }
        } else if (arg.type == ArgType::Uint && !arg.pinned && i < specs.size() &&
                   is_serial_arg(specs[i].name)) {
            auto it = serials_.find(arg.word);
            if (it != serials_.end()) {
                arg.word = it->second;
            }
        }
    }
    return message;
}

Message Matcher::to_recorded(unsigned connection, const Message& message) const {
    Message out = message;
    out.object = recorded_id(connection, message.object).value_or(message.object);
    for (auto& arg : out.args) {
        if ((arg.type == ArgType::Object || arg.type == ArgType::NewId) && arg.word != 0) {
            arg.word = recorded_id(connection, arg.word).value_or(arg.word);
        }
        if (arg.type == ArgType::Fd && arg.fd >= 0) {
            arg.fd_info = describe_fd(arg.fd);
            arg.fd = -1;
        }
    }
    return out;
}

std::optional<std::string> Matcher::compare(const TraceLine& expected, const Message& got) const {
    const Message& want = expected.message;
    if (want.interface != got.interface || want.name != got.name) {
        return "a different event";
    }
    if (expected.any) {
        return std::nullopt;
    }
    const auto specs = args_of(want);
    if (specs.size() != want.args.size() || want.args.size() != got.args.size()) {
        return "a different number of arguments";
    }
    for (size_t i = 0; i < want.args.size(); ++i) {
        const Value& w = want.args[i];
        const Value& g = got.args[i];
        const std::string which =
            "argument " + std::to_string(i + 1) + " ('" + specs[i].name + "')";
        if (w.any) {
            continue;
        }
        switch (w.type) {
        case ArgType::Int:
        case ArgType::Uint:
            if (!w.pinned && (is_serial_arg(specs[i].name) || is_time_arg(specs[i].name) ||
                              is_global_name(want, i))) {
                if (want.name == "global_remove" && is_global_name(want, i)) {
                    auto it = globals_.find(w.word);
                    if (it != globals_.end() && it->second != g.word) {
                        return which + " names another global";
                    }
                }
                continue;
            }
            if (w.word != g.word) {
                return which + " differs";
            }
            break;
        case ArgType::Fixed:
            if (w.word != g.word) {
                return which + " differs";
            }
            break;
        case ArgType::String:
            if (w.text != g.text) {
                return which + " differs";
            }
            break;
        case ArgType::Object:
            if ((w.word == 0) != (g.word == 0) ||
                (w.word != 0 && actual_id(expected.connection, w.word) != g.word)) {
                return which + " is another object";
            }
            if (w.word != 0 && !w.interface.empty() && w.interface != g.interface) {
                return which + " has another interface";
            }
            break;
        case ArgType::NewId:
            if (w.interface != g.interface) {
                return which + " creates another interface";
            }
            if ((w.word == 0) != (g.word == 0) || (w.word < kServerIdStart && w.word != g.word)) {
                return which + " is another id";
            }
            break;
        case ArgType::Array:
            if (w.array_size != g.array_size) {
                return which + " has another size";
            }
            if (w.array && g.array && *w.array != *g.array) {
                return which + " has other contents";
            }
            break;
        case ArgType::Fd: {
            if (g.fd < 0) {
                return which + ": no file descriptor came";
            }
            const FdInfo info = describe_fd(g.fd);
            if (w.fd_info.kind != FdInfo::Kind::Unknown && w.fd_info.kind != info.kind) {
                return which + " is another kind of file";
            }
            if (w.fd_info.kind == FdInfo::Kind::File && w.fd_info.size && info.size &&
                *w.fd_info.size != *info.size) {
                return which + " is a file of another size";
            }
            break;
        }
        }
    }
    return std::nullopt;
}

void Matcher::learn(const TraceLine& expected, const Message& got) {
    const Message& want = expected.message;
    const auto specs = args_of(want);
    for (size_t i = 0; i < want.args.size() && i < got.args.size(); ++i) {
        const Value& w = want.args[i];
        const Value& g = got.args[i];
        if (w.type == ArgType::NewId && w.word >= kServerIdStart && g.word != 0) {
            auto& ids = ids_[expected.connection];
            ids.to_actual[w.word] = g.word;
            ids.to_recorded[g.word] = w.word;
        } else if (w.type == ArgType::Uint && !w.any && i < specs.size() &&
                   is_serial_arg(specs[i].name)) {
            serials_[w.word] = g.word;
        } else if (!w.any && want.name == "global" && is_global_name(want, i)) {
            globals_[w.word] = g.word;
        }
    }
}

std::variant<std::optional<size_t>, std::string>
Matcher::on_event(unsigned connection, const Message& got, size_t next_line, bool closing) {
    const auto recorded = recorded_id(connection, got.object);
    std::optional<std::string> first_problem;
    size_t first_index = 0;
    for (size_t i = 0; recorded && i < trace_.lines.size(); ++i) {
        const TraceLine& line = trace_.lines[i];
        if (line.connection != connection) {
            continue;
        }
        if (i >= next_line &&
            (creates(line, *recorded) || line.kind == TraceLine::Kind::Disconnect)) {
            break; // past here the id is another object's
        }
        if (matched_[i] || line.kind != TraceLine::Kind::Message ||
            line.message.direction != Direction::Event || line.message.object != *recorded) {
            continue;
        }
        auto problem = compare(line, got);
        if (!problem) {
            matched_[i] = true;
            learn(line, got);
            return std::optional<size_t>(i);
        }
        if (!first_problem) {
            first_problem = problem;
            first_index = i;
        }
        if (!line.optional) {
            break;
        }
    }
    if (closing && got.interface == "wl_callback") {
        return std::optional<size_t>(); // a frame callback the recorded client did not wait for
    }
    const std::string received = format_message(to_recorded(connection, got));
    const std::string prefix = connection == 1 ? "" : "c" + std::to_string(connection) + " ";
    if (first_problem) {
        const TraceLine& line = trace_.lines[first_index];
        return std::to_string(line.number) + ": the event differs: " + *first_problem +
               "\n  expected: " + prefix + format_message(line.message) +
               "\n  got:      " + prefix + received;
    }
    const size_t before = next_line < trace_.lines.size() ? trace_.lines[next_line].number : 0;
    return (before ? std::to_string(before) + ": unexpected event before this line"
                   : std::string("end: unexpected event after the last line")) +
           "\n  got:      " + prefix + received;
}

std::optional<size_t> Matcher::first_pending(size_t limit, bool lazy_too,
                                             std::optional<unsigned> connection) const {
    for (size_t i = 0; i < limit && i < trace_.lines.size(); ++i) {
        const TraceLine& line = trace_.lines[i];
        if (matched_[i] || line.kind != TraceLine::Kind::Message ||
            line.message.direction != Direction::Event || line.optional) {
            continue;
        }
        if (connection && line.connection != *connection) {
            continue;
        }
        const bool lazy =
            line.message.interface == "wl_display" && line.message.name == "delete_id";
        if (!lazy || lazy_too) {
            return i;
        }
    }
    return std::nullopt;
}

size_t Matcher::matched_count() const {
    size_t count = 0;
    for (bool matched : matched_) {
        count += matched ? 1 : 0;
    }
    return count;
}

} // namespace prism::trace
