#include "tools/trace/replay.hpp"

#include "tools/trace/fd_info.hpp"
#include "tools/trace/matcher.hpp"
#include "tools/trace/object_map.hpp"

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fcntl.h>
#include <fstream>
#include <functional>
#include <map>
#include <poll.h>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

namespace prism::trace {

namespace {

using Clock = std::chrono::steady_clock;

// What the replayer writes at most into a pipe whose content was not recorded, only its size.
constexpr std::uint64_t kMaxPipePayload = 1u << 20;

struct ClientConnection {
    Connection socket;
    ObjectMap objects;
    bool dead = false;              // the compositor closed it
    bool got_error = false;         // ... after a protocol error (wl_display.error)
    std::uint32_t closing_sync = 0; // our final roundtrip's callback, while it runs
    bool closing_done = false;
    std::map<std::uint32_t, int> pools; // wl_shm_pool id -> its memfd, for resize
};

// A pipe read end we sent in a request: what comes through must be what was recorded.
struct ExpectedPipe {
    int fd = -1;
    size_t line = 0;
    FdInfo expected;
    std::string got;
    std::uint64_t total = 0;
    bool done = false;
};

class Replayer {
public:
    Replayer(const ReplayOptions& options, const Protocols& protocols, const Trace& trace)
        : options_(options)
        , trace_(trace)
        , protocols_(protocols)
        , matcher_(trace, protocols) {}

    int run();

private:
    int fail(const std::string& report) {
        std::fprintf(stderr, "%s:%s\n", options_.trace.c_str(), report.c_str());
        return 1;
    }
    ClientConnection* connection(unsigned id, std::string* error);
    // Reads and matches events until `done()` holds or the timeout passes. Returns an error
    // report, or "" when done() came true.
    std::string pump(const std::function<bool()>& done, size_t next_line);
    std::string handle_event(unsigned id, ClientConnection& conn, const RawMessage& raw,
                             size_t next_line);
    std::string send_request(const TraceLine& line);
    std::string close_connection(unsigned id, size_t next_line);
    std::string check_pipes();

    const ReplayOptions& options_;
    const Trace& trace_;
    const Protocols& protocols_;
    Matcher matcher_;
    std::map<unsigned, ClientConnection> connections_;
    std::vector<ExpectedPipe> pipes_;
    std::string display_;
};

ClientConnection* Replayer::connection(unsigned id, std::string* error) {
    auto it = connections_.find(id);
    if (it != connections_.end()) {
        return &it->second;
    }
    const int fd = connect_display(display_, error);
    if (fd < 0) {
        return nullptr;
    }
    ClientConnection& conn = connections_[id];
    conn.socket = Connection(fd);
    return &conn;
}

std::string Replayer::handle_event(unsigned id, ClientConnection& conn, const RawMessage& raw,
                                   size_t next_line) {
    // After our closing roundtrip the connection is as good as closed, but for an event another
    // connection's request causes (a paste's wl_data_source.send): that one is still matched,
    // and its pipe written; anything else is ignored.
    const bool after_close = conn.closing_done;
    auto decoded = conn.objects.decode(raw, Direction::Event, protocols_, conn.socket.fds());
    if (auto* error = std::get_if<std::string>(&decoded)) {
        return " cannot decode an event from the compositor: " + *error;
    }
    const Message& got = std::get<Message>(decoded);
    struct CloseFds {
        const Message& message;
        ~CloseFds() {
            for (const auto& arg : message.args) {
                if (arg.type == ArgType::Fd && arg.fd >= 0) {
                    close(arg.fd);
                }
            }
        }
    } close_fds{got};

    if (conn.closing_sync != 0 && got.object == conn.closing_sync &&
        got.interface == "wl_callback") {
        conn.closing_done = true;
        return "";
    }
    if (got.interface == "wl_display" && got.name == "error") {
        conn.got_error = true;
    }
    auto result = matcher_.on_event(id, got, next_line, conn.closing_sync != 0);
    if (auto* report = std::get_if<std::string>(&result)) {
        return after_close ? std::string() : *report;
    }
    const auto& index = std::get<std::optional<size_t>>(result);
    if (!index) {
        return "";
    }
    const TraceLine& line = trace_.lines[*index];
    if (options_.verbose) {
        std::fprintf(stderr, "%zu: matched %s\n", line.number,
                     format_message(line.message).c_str());
    }
    // A pipe the compositor hands us (wl_data_source.send): write what the recorded client
    // wrote, then close it.
    for (size_t i = 0; i < got.args.size() && i < line.message.args.size(); ++i) {
        const FdInfo& info = line.message.args[i].fd_info;
        if (got.args[i].type != ArgType::Fd || info.kind != FdInfo::Kind::Pipe) {
            continue;
        }
        std::string payload = info.content == FdInfo::Content::Bytes ? info.bytes : std::string();
        if (info.content != FdInfo::Content::Bytes && info.size) {
            payload.assign(std::min<std::uint64_t>(*info.size, kMaxPipePayload), '\0');
        }
        for (size_t done = 0; done < payload.size();) {
            const ssize_t n = write(got.args[i].fd, payload.data() + done, payload.size() - done);
            if (n <= 0) {
                break;
            }
            done += static_cast<size_t>(n);
        }
    }
    return "";
}

std::string Replayer::pump(const std::function<bool()>& done, size_t next_line) {
    const auto deadline =
        Clock::now() + std::chrono::milliseconds(static_cast<long>(options_.timeout * 1000));
    while (!done()) {
        const auto now = Clock::now();
        if (now >= deadline) {
            return "timeout";
        }
        std::vector<pollfd> fds;
        std::vector<unsigned> owners;
        for (auto& [id, conn] : connections_) {
            if (conn.socket.open()) {
                fds.push_back({conn.socket.fd(), POLLIN, 0});
                owners.push_back(id);
            }
        }
        for (auto& pipe : pipes_) {
            fds.push_back({pipe.fd, static_cast<short>(pipe.done ? 0 : POLLIN), 0});
        }
        const auto wait =
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count();
        if (poll(fds.data(), fds.size(), static_cast<int>(std::min<long>(wait, 100))) < 0 &&
            errno != EINTR) {
            return " poll failed";
        }
        for (size_t i = 0; i < owners.size(); ++i) {
            if (fds[i].revents == 0) {
                continue;
            }
            ClientConnection& conn = connections_[owners[i]];
            const bool alive = conn.socket.read_some();
            std::string error;
            while (auto raw = conn.socket.next(&error)) {
                auto report = handle_event(owners[i], conn, *raw, next_line);
                if (!report.empty()) {
                    return report;
                }
            }
            if (!error.empty()) {
                return " the compositor sent a malformed message: " + error;
            }
            if (!alive) {
                conn.socket.close();
                conn.dead = true;
                if (!conn.got_error) {
                    const size_t before = next_line < trace_.lines.size()
                                              ? trace_.lines[next_line].number
                                          : trace_.lines.empty() ? 0
                                                                 : trace_.lines.back().number;
                    return std::to_string(before) + ": c" + std::to_string(owners[i]) +
                           ": the compositor closed the connection without a protocol error";
                }
            }
        }
        for (size_t i = owners.size(); i < fds.size(); ++i) {
            ExpectedPipe& pipe = pipes_[i - owners.size()];
            if (fds[i].revents == 0 || pipe.done) {
                continue;
            }
            char buffer[4096];
            const ssize_t n = read(pipe.fd, buffer, sizeof(buffer));
            if (n > 0) {
                pipe.total += static_cast<std::uint64_t>(n);
                if (pipe.got.size() < (1u << 20)) {
                    pipe.got.append(buffer, static_cast<size_t>(n));
                }
            } else if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
                pipe.done = true;
            }
        }
    }
    return "";
}

std::string Replayer::send_request(const TraceLine& line) {
    std::string error;
    ClientConnection* conn = connection(line.connection, &error);
    if (conn == nullptr) {
        return " " + error;
    }
    if (conn->dead) {
        return std::to_string(line.number) +
               ": the compositor has closed this connection; the request cannot be sent";
    }
    Message message = matcher_.rewrite_request(line);
    // Descriptors: files are made anew with the recorded size and content; for a pipe we keep
    // the read end and check later what came through it.
    std::vector<int> to_close;
    std::uint32_t fallback_size = 0;
    const InterfaceSpec* interface = protocols_.find(message.interface);
    const auto specs = wire_args(interface->requests[message.opcode]);
    for (size_t i = 0; i < message.args.size(); ++i) {
        if (specs[i].name == "size" && message.args[i].type == ArgType::Int) {
            fallback_size = message.args[i].word;
        }
    }
    for (auto& arg : message.args) {
        if (arg.type != ArgType::Fd) {
            continue;
        }
        if (arg.fd_info.kind == FdInfo::Kind::Pipe) {
            int ends[2];
            if (pipe2(ends, O_CLOEXEC | O_NONBLOCK) != 0) {
                return std::to_string(line.number) + ": cannot make a pipe";
            }
            fcntl(ends[1], F_SETFL, 0);
            pipes_.push_back(ExpectedPipe{ends[0], line.number, arg.fd_info, {}, 0, false});
            arg.fd = ends[1];
        } else {
            arg.fd = make_file(arg.fd_info, fallback_size);
            if (arg.fd < 0) {
                return std::to_string(line.number) + ": cannot make a file for the fd";
            }
        }
        to_close.push_back(arg.fd);
    }
    // A shm pool keeps its memfd so that a resize can grow it, as the client would have.
    if (message.interface == "wl_shm" && message.name == "create_pool" && !to_close.empty()) {
        conn->pools[message.args[0].word] = dup(to_close.front());
    } else if (message.interface == "wl_shm_pool" && message.name == "resize") {
        auto pool = conn->pools.find(message.object);
        if (pool != conn->pools.end()) {
            struct stat st{};
            const auto size = static_cast<std::int32_t>(message.args[0].word);
            if (fstat(pool->second, &st) == 0 && st.st_size < size) {
                if (ftruncate(pool->second, size) != 0) {
                    return std::to_string(line.number) + ": cannot grow the pool's file";
                }
            }
        }
    } else if (message.interface == "wl_shm_pool" && message.name == "destroy") {
        auto pool = conn->pools.find(message.object);
        if (pool != conn->pools.end()) {
            close(pool->second);
            conn->pools.erase(pool);
        }
    }
    std::vector<int> fds;
    const std::string bytes = encode(message, fds);
    const bool sent = conn->socket.send(bytes, fds);
    for (int fd : to_close) {
        close(fd);
    }
    if (!sent) {
        return std::to_string(line.number) + ": the compositor closed the connection";
    }
    conn->objects.learn(message);
    if (options_.verbose) {
        std::fprintf(stderr, "%zu: sent %s\n", line.number, format_message(message).c_str());
    }
    return "";
}

// A roundtrip, so every event prism sends in answer to this client's requests is checked;
// then the connection is closed, as the recorded client closed it.
std::string Replayer::close_connection(unsigned id, size_t next_line) {
    auto it = connections_.find(id);
    if (it == connections_.end()) {
        return "";
    }
    ClientConnection& conn = it->second;
    if (!conn.dead && conn.socket.open()) {
        conn.closing_sync = conn.objects.next_client_id();
        Message sync;
        sync.object = 1;
        sync.opcode = 0;
        Value callback;
        callback.type = ArgType::NewId;
        callback.word = conn.closing_sync;
        callback.interface = "wl_callback";
        sync.args.push_back(callback);
        conn.objects.learn(sync);
        std::vector<int> none;
        // If the compositor has closed the connection the send fails, but what it sent last
        // (a protocol error) is still to be read and matched.
        conn.socket.send(encode(sync, none), {});
        auto report = pump([&conn] { return conn.closing_done || conn.dead; }, next_line);
        if (report == "timeout") {
            return " c" + std::to_string(id) + ": no answer to the closing roundtrip";
        }
        if (!report.empty()) {
            return report;
        }
        // After a roundtrip every event prism queued for this client in answer to its own
        // requests has come, delete_id too. An event caused by another connection's request
        // (a paste's wl_data_source.send) may still be on its way: requests on different
        // sockets reach prism in no set order (through prism-trace record, certainly), so
        // that one is waited for, within the usual timeout.
        if (matcher_.first_pending(next_line, true, id) && !conn.dead) {
            pump([&] { return conn.dead || !matcher_.first_pending(next_line, true, id); },
                 next_line);
        }
        if (auto missing = matcher_.first_pending(next_line, true, id)) {
            return std::to_string(trace_.lines[*missing].number) +
                   ": an expected event did not come before the connection closed" +
                   "\n  expected: " + format_line(trace_.lines[*missing]);
        }
    }
    for (auto& [pool, fd] : conn.pools) {
        close(fd);
    }
    conn.pools.clear();
    conn.socket.close();
    return "";
}

std::string Replayer::check_pipes() {
    auto report = pump(
        [this] {
            for (const auto& pipe : pipes_) {
                if (!pipe.done) {
                    return false;
                }
            }
            return true;
        },
        trace_.lines.size());
    for (auto& pipe : pipes_) {
        close(pipe.fd);
        if (!pipe.done) {
            return std::to_string(pipe.line) + ": the pipe sent in this request never closed";
        }
        FdInfo got;
        set_content(got, pipe.got, pipe.total);
        const FdInfo& want = pipe.expected;
        const bool size_ok = !want.size || *want.size == pipe.total;
        const bool content_ok = want.content != FdInfo::Content::Bytes || want.bytes == pipe.got;
        if (!size_ok || !content_ok) {
            got.kind = FdInfo::Kind::Pipe;
            Value expected_value, got_value;
            expected_value.type = got_value.type = ArgType::Fd;
            expected_value.fd_info = want;
            got_value.fd_info = got;
            return std::to_string(pipe.line) +
                   ": other data came through the pipe sent in this request" +
                   "\n  expected: " + format_value(expected_value) +
                   "\n  got:      " + format_value(got_value);
        }
    }
    pipes_.clear();
    return report == "timeout" ? "" : report;
}

int Replayer::run() {
    const char* display = std::getenv("WAYLAND_DISPLAY");
    display_ = display != nullptr ? display : "";

    for (size_t i = 0; i < trace_.lines.size(); ++i) {
        const TraceLine& line = trace_.lines[i];
        if (line.kind == TraceLine::Kind::Message && line.message.direction == Direction::Event) {
            continue;
        }
        // A disconnect starts with its roundtrip: the events the recorder saw after the client
        // left (delete_id, which libwayland only queues) come only once something is sent.
        std::string report =
            line.kind == TraceLine::Kind::Disconnect ? close_connection(line.connection, i) : "";
        if (report.empty()) {
            report = pump([this, i] { return !matcher_.first_pending(i, false); }, i);
        }
        if (report == "timeout") {
            const TraceLine& missing = trace_.lines[*matcher_.first_pending(i, false)];
            return fail(std::to_string(missing.number) +
                        ": an expected event did not come (waited " +
                        std::to_string(static_cast<int>(options_.timeout)) +
                        " s)\n  expected: " + format_line(missing));
        }
        if (!report.empty()) {
            return fail(report);
        }
        report = line.kind == TraceLine::Kind::Disconnect ? "" : send_request(line);
        if (!report.empty()) {
            return fail(report);
        }
    }
    const size_t end = trace_.lines.size();
    auto report = pump([this, end] { return !matcher_.first_pending(end, false); }, end);
    if (report == "timeout") {
        const TraceLine& missing = trace_.lines[*matcher_.first_pending(end, false)];
        return fail(std::to_string(missing.number) + ": an expected event did not come (waited " +
                    std::to_string(static_cast<int>(options_.timeout)) +
                    " s)\n  expected: " + format_line(missing));
    }
    if (!report.empty()) {
        return fail(report);
    }
    // A connection the trace never disconnects (an imported WAYLAND_DEBUG log, which lacks
    // the events its client never read) is closed without a closing roundtrip.
    for (auto& [id, conn] : connections_) {
        for (auto& [pool, fd] : conn.pools) {
            close(fd);
        }
        conn.pools.clear();
        conn.socket.close();
    }
    report = check_pipes();
    if (!report.empty()) {
        return fail(report);
    }
    std::fprintf(stderr, "prism-trace replay: %s: %zu lines, %zu events matched\n",
                 options_.trace.c_str(), trace_.lines.size(), matcher_.matched_count());
    return 0;
}

} // namespace

int replay(const ReplayOptions& options, const Protocols& protocols) {
    std::ifstream in(options.trace, std::ios::binary);
    if (!in) {
        std::fprintf(stderr, "prism-trace replay: cannot read %s\n", options.trace.c_str());
        return 2;
    }
    std::stringstream text;
    text << in.rdbuf();
    auto parsed = parse_trace(text.str(), protocols, options.trace.string());
    if (auto* error = std::get_if<std::string>(&parsed)) {
        std::fprintf(stderr, "prism-trace replay: %s\n", error->c_str());
        return 2;
    }
    const Trace& trace = std::get<Trace>(parsed);
    Replayer replayer(options, protocols, trace);
    return replayer.run();
}

} // namespace prism::trace
