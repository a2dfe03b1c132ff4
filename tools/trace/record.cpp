#include "tools/trace/record.hpp"

#include "tools/trace/fd_info.hpp"
#include "tools/trace/object_map.hpp"
#include "tools/trace/text_format.hpp"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <fstream>
#include <map>
#include <memory>
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

namespace prism::trace {

namespace {

using Clock = std::chrono::steady_clock;

// Fields that legitimately differ between machines and runs of the same prism: the recorder
// writes '*' for them, so the trace says so itself.
struct VolatileField {
    const char* interface;
    const char* message;
    const char* arg;
};
constexpr VolatileField kVolatileFields[] = {
    {"wl_output", "name", "name"},
    {"wl_output", "description", "description"},
    {"wl_output", "geometry", "make"},
    {"wl_output", "geometry", "model"},
    {"zxdg_output_v1", "name", "name"},
    {"zxdg_output_v1", "description", "description"},
    // 128 random bits each time (a replayed activate carries the recorded token, which prism
    // refuses as it refuses any unknown one).
    {"xdg_activation_token_v1", "done", "token"},
};

void mark_volatile(Message& message, const MessageSpec& spec) {
    const auto args = wire_args(spec);
    for (const auto& field : kVolatileFields) {
        if (message.interface != field.interface || message.name != field.message) {
            continue;
        }
        for (size_t i = 0; i < args.size() && i < message.args.size(); ++i) {
            if (args[i].name == field.arg) {
                message.args[i].any = true;
            }
        }
    }
}

// Copies what goes through a pipe the recorder interposed, and remembers it for the trace.
struct Pump {
    int from = -1; // our read end
    int to = -1;   // the write end the client or compositor passed
    size_t line = 0, arg = 0;
    std::string data;
    std::uint64_t total = 0;
};

// One client connection and its twin to the compositor.
struct Session {
    unsigned id = 0;
    Connection client, upstream;
    ObjectMap objects;
    bool draining = false; // the client left; waiting for our sync's done
    std::uint32_t sync_id = 0;
    Clock::time_point drain_deadline;
};

class Recorder {
public:
    Recorder(const RecordOptions& options, const Protocols& protocols)
        : options_(options)
        , protocols_(protocols) {}

    int run();

private:
    void add_line(unsigned connection, TraceLine line) {
        line.connection = connection;
        lines_.push_back(std::move(line));
    }
    void warn(unsigned connection, const std::string& text) {
        std::fprintf(stderr, "prism-trace: c%u: %s\n", connection, text.c_str());
    }
    void accept_client();
    void from_client(Session& session);
    void from_upstream(Session& session);
    // Decodes and forwards one message; interposes pipes; records it.
    void forward(Session& session, const RawMessage& raw, Direction direction);
    void start_drain(Session& session);
    void finish(Session& session, bool client_left);
    void run_pump(Pump& pump);
    void finish_pump(Pump& pump);
    bool write_trace();

    const RecordOptions& options_;
    const Protocols& protocols_;
    std::string upstream_display_;
    int listen_fd_ = -1;
    std::filesystem::path dir_;
    std::map<unsigned, std::unique_ptr<Session>> sessions_;
    std::vector<Pump> pumps_;
    std::vector<TraceLine> lines_;
    unsigned next_session_ = 1;
    bool failed_ = false;
};

void Recorder::accept_client() {
    const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) {
        return;
    }
    std::string error;
    const int up = connect_display(upstream_display_, &error);
    if (up < 0) {
        std::fprintf(stderr, "prism-trace: %s\n", error.c_str());
        ::close(fd);
        failed_ = true;
        return;
    }
    auto session = std::make_unique<Session>();
    session->id = next_session_++;
    session->client = Connection(fd);
    session->upstream = Connection(up);
    sessions_[session->id] = std::move(session);
}

void Recorder::forward(Session& session, const RawMessage& raw, Direction direction) {
    Connection& source = direction == Direction::Request ? session.client : session.upstream;
    Connection& target = direction == Direction::Request ? session.upstream : session.client;
    auto decoded = session.objects.decode(raw, direction, protocols_, source.fds());
    if (auto* error = std::get_if<std::string>(&decoded)) {
        // Pass it on untouched; the trace cannot hold it.
        warn(session.id, "cannot decode a " +
                             std::string(direction == Direction::Request ? "request" : "event") +
                             ": " + *error);
        failed_ = true;
        target.send(raw.bytes, {});
        return;
    }
    Message message = std::move(std::get<Message>(decoded));

    if (session.draining && direction == Direction::Event && message.object == session.sync_id &&
        message.interface == "wl_callback") {
        finish(session, true);
        return;
    }

    // Describe the descriptors, and put our own pipe in place of each pipe write end.
    std::vector<int> send_fds, close_after;
    const size_t line_index = lines_.size();
    for (size_t i = 0; i < message.args.size(); ++i) {
        Value& arg = message.args[i];
        if (arg.type != ArgType::Fd) {
            continue;
        }
        arg.fd_info = describe_fd(arg.fd);
        int pass = arg.fd;
        int ends[2];
        if (is_pipe_write_end(arg.fd) && pipe2(ends, O_CLOEXEC) == 0) {
            pumps_.push_back(Pump{ends[0], arg.fd, line_index, i, {}, 0});
            pass = ends[1];
        } else {
            close_after.push_back(arg.fd);
        }
        if (pass != arg.fd) {
            close_after.push_back(pass);
        }
        send_fds.push_back(pass);
    }
    if (!session.draining) {
        target.send(raw.bytes, send_fds);
    }
    for (int fd : close_after) {
        ::close(fd);
    }

    const InterfaceSpec* interface = protocols_.find(message.interface);
    const auto& list = direction == Direction::Request ? interface->requests : interface->events;
    if (direction == Direction::Event) {
        mark_volatile(message, list[message.opcode]);
    }
    TraceLine line;
    line.message = std::move(message);
    add_line(session.id, std::move(line));
}

void Recorder::from_client(Session& session) {
    const bool alive = session.client.read_some();
    std::string error;
    while (auto raw = session.client.next(&error)) {
        forward(session, *raw, Direction::Request);
    }
    if (!error.empty()) {
        warn(session.id, "client: " + error);
        failed_ = true;
    }
    if (!alive || !error.empty()) {
        start_drain(session);
    }
}

void Recorder::from_upstream(Session& session) {
    const bool alive = session.upstream.read_some();
    std::string error;
    while (session.upstream.open()) {
        auto raw = session.upstream.next(&error);
        if (!raw) {
            break;
        }
        forward(session, *raw, Direction::Event);
    }
    if (!session.upstream.open()) {
        return; // finished while forwarding
    }
    if (!alive || !error.empty()) {
        finish(session, false);
    }
}

// The client has gone. Ask the compositor for a roundtrip with an id of our own, so that the
// trace holds every event prism sent in answer to the client's last requests: the replayer
// does the same roundtrip at the "-> disconnect" line and compares.
void Recorder::start_drain(Session& session) {
    session.client.close();
    session.draining = true;
    session.sync_id = session.objects.next_client_id();
    Message sync;
    sync.object = 1;
    sync.opcode = 0; // wl_display.sync
    Value id;
    id.type = ArgType::NewId;
    id.word = session.sync_id;
    id.interface = "wl_callback";
    sync.args.push_back(id);
    session.objects.learn(sync);
    std::vector<int> none;
    if (!session.upstream.send(encode(sync, none), {})) {
        finish(session, true);
        return;
    }
    session.drain_deadline = Clock::now() + std::chrono::seconds(5);
}

void Recorder::finish(Session& session, bool client_left) {
    if (client_left) {
        TraceLine line;
        line.kind = TraceLine::Kind::Disconnect;
        add_line(session.id, std::move(line));
    } else {
        warn(session.id, "the compositor closed the connection");
    }
    session.client.close();
    session.upstream.close();
}

void Recorder::run_pump(Pump& pump) {
    char buffer[4096];
    const ssize_t n = read(pump.from, buffer, sizeof(buffer));
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
        return;
    }
    if (n <= 0) {
        finish_pump(pump);
        return;
    }
    pump.total += static_cast<std::uint64_t>(n);
    if (pump.data.size() < (1u << 20)) {
        pump.data.append(buffer, static_cast<size_t>(n));
    }
    for (ssize_t done = 0; done < n;) {
        const ssize_t w = write(pump.to, buffer + done, static_cast<size_t>(n - done));
        if (w <= 0) {
            break; // the reader went away: keep counting what was sent
        }
        done += w;
    }
}

void Recorder::finish_pump(Pump& pump) {
    if (pump.from < 0) {
        return;
    }
    ::close(pump.from);
    ::close(pump.to);
    pump.from = pump.to = -1;
    FdInfo& info = lines_[pump.line].message.args[pump.arg].fd_info;
    set_content(info, pump.data, pump.total);
}

bool Recorder::write_trace() {
    Trace trace;
    trace.header.emplace_back("prism-trace", "1");
    std::string command;
    for (const auto& word : options_.command) {
        const bool plain = !word.empty() && word.find_first_of(" \t'\"\\;&|$") == std::string::npos;
        command += (command.empty() ? "" : " ") + (plain ? word : "'" + word + "'");
    }
    trace.header.emplace_back("command", command);
    char date[64];
    const std::time_t now = std::time(nullptr);
    std::strftime(date, sizeof(date), "%Y-%m-%d %H:%M UTC", std::gmtime(&now));
    trace.header.emplace_back("recorded", date);
    for (const auto& entry : options_.header) {
        trace.header.push_back(entry);
    }
    trace.lines = lines_;
    std::ofstream out(options_.output);
    out << format_trace(trace);
    return static_cast<bool>(out);
}

int Recorder::run() {
    const char* display = std::getenv("WAYLAND_DISPLAY");
    upstream_display_ = display != nullptr ? display : "";
    std::string error;
    const int probe = connect_display(upstream_display_, &error);
    if (probe < 0) {
        std::fprintf(stderr, "prism-trace record: %s\n", error.c_str());
        return 1;
    }
    ::close(probe);

    char dir_template[] = "/tmp/prism-trace-XXXXXX";
    if (mkdtemp(dir_template) == nullptr) {
        std::perror("prism-trace record: mkdtemp");
        return 1;
    }
    dir_ = dir_template;
    const auto socket_path = dir_ / "wayland-trace";
    listen_fd_ = listen_unix(socket_path, &error);
    if (listen_fd_ < 0) {
        std::fprintf(stderr, "prism-trace record: %s\n", error.c_str());
        std::filesystem::remove_all(dir_);
        return 1;
    }

    const pid_t child = fork();
    if (child == 0) {
        setpgid(0, 0);
        signal(SIGPIPE, SIG_DFL); // ignored in prism-trace, and an ignored signal survives exec
        setenv("WAYLAND_DISPLAY", socket_path.c_str(), 1);
        unsetenv("WAYLAND_SOCKET");
        std::vector<char*> argv;
        for (const auto& word : options_.command) {
            argv.push_back(const_cast<char*>(word.c_str()));
        }
        argv.push_back(nullptr);
        execvp(argv[0], argv.data());
        std::fprintf(stderr, "prism-trace record: cannot run %s: %s\n", argv[0],
                     std::strerror(errno));
        _exit(127);
    }
    setpgid(child, child);

    const auto started = Clock::now();
    std::optional<Clock::time_point> exited_at;
    int child_status = 0;
    bool terminated = false;
    while (true) {
        if (!exited_at && waitpid(child, &child_status, WNOHANG) == child) {
            exited_at = Clock::now();
        }
        const auto now = Clock::now();
        if (options_.duration > 0 && !terminated && !exited_at &&
            now - started > std::chrono::duration<double>(options_.duration)) {
            kill(-child, SIGTERM);
            terminated = true;
        }
        for (auto it = sessions_.begin(); it != sessions_.end();) {
            Session& session = *it->second;
            if (session.draining && now > session.drain_deadline) {
                warn(session.id, "no answer to the closing roundtrip");
                finish(session, true);
            }
            it = session.upstream.open() ? std::next(it) : sessions_.erase(it);
        }
        if (exited_at && sessions_.empty()) {
            break;
        }
        if (exited_at && now - *exited_at > std::chrono::duration<double>(options_.linger)) {
            // Something the command left behind still holds a connection: end it, and close
            // what is still open (each with its closing roundtrip).
            kill(-child, SIGTERM);
            for (auto& [id, session] : sessions_) {
                if (session->client.open()) {
                    start_drain(*session);
                }
            }
        }

        std::vector<pollfd> fds;
        std::vector<std::pair<Session*, bool>> owners; // session, is-client
        fds.push_back({listen_fd_, POLLIN, 0});
        owners.emplace_back(nullptr, false);
        for (auto& [id, session] : sessions_) {
            if (session->client.open()) {
                fds.push_back({session->client.fd(), POLLIN, 0});
                owners.emplace_back(session.get(), true);
            }
            fds.push_back({session->upstream.fd(), POLLIN, 0});
            owners.emplace_back(session.get(), false);
        }
        const size_t first_pump = fds.size();
        for (auto& pump : pumps_) {
            fds.push_back({pump.from, static_cast<short>(pump.from >= 0 ? POLLIN : 0), 0});
        }
        if (poll(fds.data(), fds.size(), 100) < 0 && errno != EINTR) {
            break;
        }
        for (size_t i = 0; i < first_pump; ++i) {
            if (fds[i].revents == 0) {
                continue;
            }
            Session* session = owners[i].first;
            if (session == nullptr) {
                accept_client();
            } else if (owners[i].second && session->client.open()) {
                from_client(*session);
            } else if (!owners[i].second && session->upstream.open()) {
                from_upstream(*session);
            }
        }
        for (size_t i = first_pump; i < fds.size(); ++i) {
            if (fds[i].revents != 0) {
                run_pump(pumps_[i - first_pump]);
            }
        }
    }
    for (auto& pump : pumps_) {
        finish_pump(pump);
    }
    ::close(listen_fd_);
    std::filesystem::remove_all(dir_);
    if (!write_trace()) {
        std::fprintf(stderr, "prism-trace record: cannot write %s\n", options_.output.c_str());
        return 1;
    }
    std::fprintf(stderr, "prism-trace record: %zu messages written to %s\n", lines_.size(),
                 options_.output.c_str());
    if (failed_) {
        return 1;
    }
    if (terminated) {
        return 0; // we stopped the command ourselves
    }
    return WIFEXITED(child_status) ? WEXITSTATUS(child_status) : 1;
}

} // namespace

int record(const RecordOptions& options, const Protocols& protocols) {
    Recorder recorder(options, protocols);
    return recorder.run();
}

} // namespace prism::trace
