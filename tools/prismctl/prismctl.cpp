// prismctl: query and control a running prism over its control socket.
//
// Exit codes: 0 success, 1 the compositor replied with an error, 2 usage error, 3 could not talk
// to the compositor (no socket, connection refused, timeout, garbled reply).

#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <iostream>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "compositor/control/protocol.hpp"

#ifndef PRISM_VERSION
#define PRISM_VERSION "unknown"
#endif

namespace prism::control {
namespace {

using nlohmann::json;

constexpr int kExitOk = 0;
constexpr int kExitErrorReply = 1;
constexpr int kExitUsage = 2;
constexpr int kExitNoConnection = 3;

constexpr int kDefaultTimeoutMs = 10'000;

// Longest title shown in a table cell, in characters.
constexpr std::size_t kMaxTitleWidth = 48;
// Longest other free-text cell (app ids, labels), in characters.
constexpr std::size_t kMaxTextWidth = 32;

constexpr std::string_view kCommands[] = {"vms",  "windows", "outputs", "clipboard",
                                          "idle", "reload",  "lock",    "quit"};

void print_usage(std::FILE* out) {
    std::fputs("usage: prismctl [--json] [--socket PATH] COMMAND\n"
               "\n"
               "Commands:\n"
               "  vms       list the configured VMs\n"
               "  windows   list the open windows\n"
               "  outputs   list the outputs\n"
               "  clipboard who owns the clipboard and primary selection, and past crossings\n"
               "  idle      who keeps the screen from going idle (idle inhibitors)\n"
               "  reload    reload the configuration\n"
               "  lock      lock the session and start the locker ([general] locker)\n"
               "  quit      exit the compositor\n"
               "\n"
               "Options:\n"
               "  --json         print the result as JSON\n"
               "  --socket PATH  control socket to use (default: $PRISM_SOCKET, else\n"
               "                 $XDG_RUNTIME_DIR/prism-ipc.sock)\n"
               "  --help         show this help\n"
               "  --version      show the version\n"
               "\n"
               "Exit status: 0 success, 1 the compositor reported an error, 2 usage error,\n"
               "3 cannot reach the compositor (also after waiting 10 s for a reply).\n",
               out);
}

[[noreturn]] void usage_error(const std::string& message) {
    std::fprintf(stderr, "prismctl: %s\n", message.c_str());
    std::fputs("Try 'prismctl --help' for more information.\n", stderr);
    std::exit(kExitUsage);
}

struct Options {
    bool json_output = false;
    std::optional<std::string> socket;
    std::string command;
};

Options parse_arguments(int argc, char** argv) {
    Options options;
    std::vector<std::string> positional;
    bool options_done = false;
    for (int i = 1; i < argc; ++i) {
        const std::string_view arg(argv[i]);
        if (options_done || !arg.starts_with('-') || arg == "-") {
            positional.emplace_back(arg);
        } else if (arg == "--") {
            options_done = true;
        } else if (arg == "--help" || arg == "-h") {
            print_usage(stdout);
            std::exit(kExitOk);
        } else if (arg == "--version") {
            std::printf("prismctl %s\n", PRISM_VERSION);
            std::exit(kExitOk);
        } else if (arg == "--json") {
            options.json_output = true;
        } else if (arg == "--socket") {
            if (i + 1 >= argc) {
                usage_error("option '" + std::string(arg) + "' needs a PATH");
            }
            options.socket = argv[++i];
        } else if (arg.starts_with("--socket=")) {
            options.socket = std::string(arg.substr(std::strlen("--socket=")));
        } else {
            usage_error("unknown option '" + std::string(arg) + "'");
        }
    }
    if (options.socket && options.socket->empty()) {
        usage_error("the socket path must not be empty");
    }
    if (positional.empty()) {
        usage_error("no command given");
    }
    if (positional.size() > 1) {
        usage_error("unexpected argument '" + positional[1] + "'");
    }
    options.command = positional.front();
    if (std::find(std::begin(kCommands), std::end(kCommands), options.command) ==
        std::end(kCommands)) {
        usage_error("unknown command '" + options.command + "'");
    }
    return options;
}

// ---------------------------------------------------------------------------------------------
// Talking to the compositor

struct ConnectionFailure {
    std::string message;
    bool hint = false; // whether to remind the user where the socket is looked for
};

class Connection {
public:
    Connection(const std::filesystem::path& path, int timeout_ms)
        : path_(path)
        , timeout_ms_(timeout_ms)
        , deadline_(std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms)) {
        sockaddr_un address{};
        address.sun_family = AF_UNIX;
        if (path.native().size() >= sizeof(address.sun_path)) {
            throw ConnectionFailure{"cannot connect to " + path.native() +
                                        ": path is too long for a Unix socket",
                                    true};
        }
        std::memcpy(address.sun_path, path.c_str(), path.native().size() + 1);

        fd_ = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd_ < 0) {
            throw ConnectionFailure{std::string("cannot create a socket: ") + std::strerror(errno)};
        }
        // A blocking connect() waits while the listener's backlog is full; bound that wait.
        timeval timeout{};
        timeout.tv_sec = timeout_ms / 1000;
        timeout.tv_usec = (timeout_ms % 1000) * 1000;
        setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof(timeout));
        int rc;
        do {
            rc = connect(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof(address));
        } while (rc != 0 && errno == EINTR);
        if (rc != 0) {
            const int error = errno;
            close(fd_);
            fd_ = -1;
            std::string why = error == EAGAIN ? std::string("timed out") : std::strerror(error);
            throw ConnectionFailure{"cannot connect to " + path.native() + ": " + why, true};
        }
    }

    ~Connection() {
        if (fd_ >= 0) {
            close(fd_);
        }
    }

    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;

    // Sends all of `data`. If the compositor already closed the connection (it may have sent an
    // error such as "too many control connections" first), returns the failure instead of
    // throwing, so the caller can still look for that reply.
    std::optional<ConnectionFailure> send_all(std::string_view data) {
        while (!data.empty()) {
            const ssize_t n = send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
            if (n < 0) {
                if (errno == EINTR) {
                    continue;
                }
                const int error = errno;
                ConnectionFailure failure{"cannot send the request to " + path_.native() + ": " +
                                          (error == EAGAIN ? std::string("timed out")
                                                           : std::string(std::strerror(error)))};
                if (error == EPIPE || error == ECONNRESET) {
                    return failure;
                }
                throw failure;
            }
            data.remove_prefix(static_cast<std::size_t>(n));
        }
        return std::nullopt;
    }

    std::string read_line() {
        LineBuffer buffer(kMaxReplyLine);
        char chunk[64 * 1024];
        for (;;) {
            if (auto line = buffer.next_line()) {
                return *line;
            }
            if (buffer.overflowed()) {
                throw ConnectionFailure{"reply from " + path_.native() + " is too long"};
            }
            wait_readable();
            const ssize_t n = recv(fd_, chunk, sizeof(chunk), 0);
            if (n < 0) {
                if (errno == EINTR || errno == EAGAIN) {
                    continue;
                }
                throw ConnectionFailure{"cannot read the reply from " + path_.native() + ": " +
                                        std::strerror(errno)};
            }
            if (n == 0) {
                throw ConnectionFailure{"the compositor closed the connection on " +
                                        path_.native() + " without replying"};
            }
            buffer.append(std::string_view(chunk, static_cast<std::size_t>(n)));
        }
    }

private:
    void wait_readable() {
        for (;;) {
            const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
                deadline_ - std::chrono::steady_clock::now());
            if (left.count() <= 0) {
                char seconds[32];
                std::snprintf(seconds, sizeof(seconds), "%g", timeout_ms_ / 1000.0);
                throw ConnectionFailure{"timed out after " + std::string(seconds) +
                                        " s waiting for a reply from " + path_.native()};
            }
            pollfd pfd{fd_, POLLIN, 0};
            const int rc = poll(&pfd, 1, static_cast<int>(left.count()));
            if (rc > 0) {
                return;
            }
            if (rc < 0 && errno != EINTR) {
                throw ConnectionFailure{std::string("poll: ") + std::strerror(errno)};
            }
        }
    }

    std::filesystem::path path_;
    int timeout_ms_;
    std::chrono::steady_clock::time_point deadline_;
    int fd_ = -1;
};

// For tests and scripts: PRISMCTL_TIMEOUT_MS overrides the 10 s reply timeout.
int reply_timeout_ms() {
    if (const char* value = std::getenv("PRISMCTL_TIMEOUT_MS"); value != nullptr && *value) {
        char* end = nullptr;
        const long ms = std::strtol(value, &end, 10);
        if (*end == '\0' && ms > 0 && ms <= 3'600'000) {
            return static_cast<int>(ms);
        }
    }
    return kDefaultTimeoutMs;
}

// ---------------------------------------------------------------------------------------------
// Human-readable output

// Whether the UTF-8 sequence at `text[i]` is a bidirectional control (U+061C, U+200E, U+200F,
// U+202A..U+202E, U+2066..U+2069), which could reorder what the terminal shows; sets its length.
bool is_bidi_control(std::string_view text, std::size_t i, std::size_t* length) {
    auto at = [&](std::size_t k) {
        return i + k < text.size() ? static_cast<unsigned char>(text[i + k]) : 0u;
    };
    if (at(0) == 0xD8 && at(1) == 0x9C) {
        *length = 2;
        return true;
    }
    if (at(0) != 0xE2) {
        return false;
    }
    *length = 3;
    return (at(1) == 0x80 &&
            (at(2) == 0x8E || at(2) == 0x8F || (at(2) >= 0xAA && at(2) <= 0xAE))) ||
           (at(1) == 0x81 && at(2) >= 0xA6 && at(2) <= 0xA9);
}

// Makes text from the compositor (window titles come from VM clients) safe to print on a
// terminal: control characters and bidirectional controls become U+FFFD, so no escape sequence
// reaches the user's terminal and no title can reorder the table around it.
std::string sanitise(std::string_view text) {
    // decode_reply() has already checked that the reply is valid UTF-8.
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto byte = static_cast<unsigned char>(text[i]);
        std::size_t length = 0;
        if (is_bidi_control(text, i, &length)) {
            out += "\uFFFD";
            i += length - 1;
        } else if (byte < 0x20 || byte == 0x7F) {
            out += "\uFFFD";
        } else if (byte == 0xC2 && i + 1 < text.size() &&
                   static_cast<unsigned char>(text[i + 1]) < 0xA0) {
            out += "\uFFFD"; // C1 control (U+0080..U+009F)
            ++i;
        } else {
            out += text[i];
        }
    }
    return out;
}

// Number of code points; good enough for aligning columns of mostly-Latin text.
std::size_t display_width(std::string_view text) {
    return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
        return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
    }));
}

// Shortens `text` to at most `width` code points, marking the cut with an ellipsis.
std::string truncate(const std::string& text, std::size_t width) {
    if (display_width(text) <= width || width == 0) {
        return text;
    }
    std::size_t kept = 0;
    std::size_t end = 0;
    while (end < text.size()) {
        std::size_t next = end + 1;
        while (next < text.size() && (static_cast<unsigned char>(text[next]) & 0xC0) == 0x80) {
            ++next;
        }
        if (kept + 1 > width - 1) {
            break;
        }
        ++kept;
        end = next;
    }
    return text.substr(0, end) + "\u2026";
}

std::string text_cell(const json& value, std::size_t width) {
    return truncate(sanitise(value.get<std::string>()), width);
}

std::string format_scale(double scale) {
    char buffer[32];
    std::snprintf(buffer, sizeof(buffer), "%.2f", scale);
    std::string text(buffer);
    while (text.ends_with('0')) {
        text.pop_back();
    }
    if (text.ends_with('.')) {
        text.pop_back();
    }
    return text;
}

std::string format_geometry(const json& item) {
    const auto x = item.at("x").get<long long>();
    const auto y = item.at("y").get<long long>();
    return std::to_string(item.at("width").get<long long>()) + "x" +
           std::to_string(item.at("height").get<long long>()) + (x < 0 ? "" : "+") +
           std::to_string(x) + (y < 0 ? "" : "+") + std::to_string(y);
}

using Row = std::vector<std::string>;

void print_table(const Row& header, const std::vector<Row>& rows) {
    std::vector<std::size_t> widths(header.size(), 0);
    auto measure = [&widths](const Row& row) {
        for (std::size_t i = 0; i < row.size(); ++i) {
            widths[i] = std::max(widths[i], display_width(row[i]));
        }
    };
    measure(header);
    std::for_each(rows.begin(), rows.end(), measure);

    auto print_row = [&widths](const Row& row) {
        std::string line;
        for (std::size_t i = 0; i < row.size(); ++i) {
            line += row[i];
            if (i + 1 < row.size()) {
                line.append(widths[i] - display_width(row[i]) + 2, ' ');
            }
        }
        while (line.ends_with(' ')) {
            line.pop_back();
        }
        std::cout << line << '\n';
    };
    print_row(header);
    std::for_each(rows.begin(), rows.end(), print_row);
}

enum class Kind { String, Integer, Number, Boolean };

bool has_members(const json& item, std::initializer_list<std::pair<const char*, Kind>> members) {
    if (!item.is_object()) {
        return false;
    }
    for (const auto& [name, kind] : members) {
        const auto it = item.find(name);
        if (it == item.end()) {
            return false;
        }
        const bool ok = (kind == Kind::String && it->is_string()) ||
                        (kind == Kind::Integer && it->is_number_integer()) ||
                        (kind == Kind::Number && it->is_number()) ||
                        (kind == Kind::Boolean && it->is_boolean());
        if (!ok) {
            return false;
        }
    }
    return true;
}

// Each returns false if the result does not have the expected shape.
bool print_vms(const json& result) {
    if (!result.is_array()) {
        return false;
    }
    std::vector<Row> rows;
    for (const auto& vm : result) {
        if (!has_members(vm, {{"name", Kind::String},
                              {"label", Kind::String},
                              {"colour", Kind::String},
                              {"socket", Kind::String},
                              {"clients", Kind::Integer},
                              {"windows", Kind::Integer}})) {
            return false;
        }
        // The virtio-wl device (docs/vmbridge.md): off, waiting for its VMM, or its load.
        std::string bridge = "-";
        if (const auto it = vm.find("vmbridge"); it != vm.end() && it->is_object()) {
            bridge = "waiting";
            // vhost-user: the backend's state and the VMM's pid and features come first.
            std::string vhost;
            if (has_members(*it, {{"backend", Kind::String},
                                  {"vmm_pid", Kind::Integer},
                                  {"features", Kind::Integer}})) {
                const std::string backend = (*it)["backend"].get<std::string>();
                const long long pid = (*it)["vmm_pid"].get<long long>();
                if (backend == "waiting") {
                    bridge = "waiting for the VMM";
                } else if (backend == "restarting") {
                    bridge = "restarting";
                } else {
                    char features[32];
                    std::snprintf(features, sizeof(features), "%llx",
                                  (*it)["features"].get<unsigned long long>());
                    vhost = "VMM " + std::to_string(pid) + ", features " + features;
                    bridge = vhost + (backend == "running" ? "" : ", negotiating");
                }
            }
            if (has_members(*it, {{"connected", Kind::Boolean},
                                  {"contexts", Kind::Integer},
                                  {"vfds", Kind::Integer}}) &&
                (*it)["connected"].get<bool>()) {
                bridge = (vhost.empty() ? "" : vhost + ", ") +
                         std::to_string((*it)["contexts"].get<long long>()) + " ctx, " +
                         std::to_string((*it)["vfds"].get<long long>()) + " vfds";
                if (it->contains("reading") && (*it)["reading"].is_boolean() &&
                    !(*it)["reading"].get<bool>()) {
                    bridge += ", paused";
                }
            }
        }
        rows.push_back({text_cell(vm["name"], kMaxTextWidth), text_cell(vm["label"], kMaxTextWidth),
                        text_cell(vm["colour"], kMaxTextWidth),
                        sanitise(vm["socket"].get<std::string>()),
                        std::to_string(vm["clients"].get<long long>()),
                        std::to_string(vm["windows"].get<long long>()), bridge});
    }
    print_table({"NAME", "LABEL", "COLOUR", "SOCKET", "CLIENTS", "WINDOWS", "VMBRIDGE"}, rows);
    return true;
}

bool print_windows(const json& result) {
    if (!result.is_array()) {
        return false;
    }
    std::vector<Row> rows;
    for (const auto& window : result) {
        if (!has_members(window, {{"id", Kind::Integer},
                                  {"vm", Kind::String},
                                  {"title", Kind::String},
                                  {"app_id", Kind::String},
                                  {"x", Kind::Integer},
                                  {"y", Kind::Integer},
                                  {"width", Kind::Integer},
                                  {"height", Kind::Integer},
                                  {"focused", Kind::Boolean},
                                  {"urgent", Kind::Boolean}})) {
            return false;
        }
        std::string flags;
        if (window["focused"].get<bool>()) {
            flags = "focused";
        }
        if (window["urgent"].get<bool>()) {
            flags += flags.empty() ? "urgent" : ",urgent";
        }
        rows.push_back(
            {std::to_string(window["id"].get<long long>()), text_cell(window["vm"], kMaxTextWidth),
             text_cell(window["app_id"], kMaxTextWidth), text_cell(window["title"], kMaxTitleWidth),
             format_geometry(window), flags.empty() ? "-" : flags});
    }
    print_table({"ID", "VM", "APP_ID", "TITLE", "GEOMETRY", "FLAGS"}, rows);
    return true;
}

bool print_outputs(const json& result) {
    if (!result.is_array()) {
        return false;
    }
    std::vector<Row> rows;
    for (const auto& output : result) {
        if (!has_members(output, {{"name", Kind::String},
                                  {"x", Kind::Integer},
                                  {"y", Kind::Integer},
                                  {"width", Kind::Integer},
                                  {"height", Kind::Integer},
                                  {"scale", Kind::Number},
                                  {"enabled", Kind::Boolean}})) {
            return false;
        }
        rows.push_back({text_cell(output["name"], kMaxTextWidth), format_geometry(output),
                        format_scale(output["scale"].get<double>()),
                        output["enabled"].get<bool>() ? "yes" : "no"});
    }
    print_table({"NAME", "GEOMETRY", "SCALE", "ENABLED"}, rows);
    return true;
}

bool print_clipboard(const json& result) {
    if (!result.is_object() || !result.contains("selections") || !result["selections"].is_array() ||
        !result.contains("crossings") || !result["crossings"].is_array()) {
        return false;
    }
    std::vector<Row> rows;
    for (const auto& selection : result["selections"]) {
        if (!has_members(selection, {{"selection", Kind::String}, {"owner", Kind::String}}) ||
            !selection.contains("mime_types") || !selection["mime_types"].is_array()) {
            return false;
        }
        std::string types;
        for (const auto& type : selection["mime_types"]) {
            if (!type.is_string()) {
                return false;
            }
            types += (types.empty() ? "" : " ") + type.get<std::string>();
        }
        rows.push_back({text_cell(selection["selection"], kMaxTextWidth),
                        text_cell(selection["owner"], kMaxTextWidth),
                        text_cell(json(types), kMaxTitleWidth)});
    }
    print_table({"SELECTION", "OWNER", "TYPES"}, rows);

    rows.clear();
    for (const auto& crossing : result["crossings"]) {
        if (!has_members(crossing, {{"selection", Kind::String},
                                    {"from", Kind::String},
                                    {"to", Kind::String},
                                    {"mime_type", Kind::String},
                                    {"bytes", Kind::Integer},
                                    {"decision", Kind::String},
                                    {"rule", Kind::String}})) {
            return false;
        }
        rows.push_back({text_cell(crossing["selection"], kMaxTextWidth),
                        text_cell(crossing["from"], kMaxTextWidth),
                        text_cell(crossing["to"], kMaxTextWidth),
                        text_cell(crossing["mime_type"], kMaxTextWidth),
                        std::to_string(crossing["bytes"].get<long long>()),
                        text_cell(crossing["decision"], kMaxTextWidth),
                        text_cell(crossing["rule"], kMaxTitleWidth)});
    }
    std::cout << '\n';
    print_table({"CROSSING", "FROM", "INTO", "TYPE", "BYTES", "DECISION", "RULE"}, rows);
    return true;
}

bool print_idle(const json& result) {
    if (!has_members(result, {{"inhibited", Kind::Boolean}}) || !result.contains("inhibitors") ||
        !result["inhibitors"].is_array()) {
        return false;
    }
    std::vector<std::vector<std::string>> rows;
    for (const auto& inhibitor : result["inhibitors"]) {
        if (!has_members(
                inhibitor,
                {{"vm", Kind::String}, {"title", Kind::String}, {"active", Kind::Boolean}})) {
            return false;
        }
        rows.push_back({text_cell(inhibitor["vm"], kMaxTextWidth),
                        inhibitor["active"].get<bool>() ? "yes" : "no",
                        text_cell(inhibitor["title"], kMaxTitleWidth)});
    }
    std::cout << (result["inhibited"].get<bool>() ? "idle is inhibited\n"
                                                  : "idle is not inhibited\n");
    if (!rows.empty()) {
        std::cout << '\n';
        print_table({"VM", "HOLDS", "TITLE"}, rows);
    }
    return true;
}

bool print_reload(const json& result) {
    if (!has_members(result, {{"vms", Kind::Integer}})) {
        return false;
    }
    std::cout << "configuration reloaded (" << result["vms"].get<long long>() << " VMs)\n";
    return true;
}

bool print_lock(const json& result) {
    if (!has_members(result, {{"state", Kind::String}})) {
        return false;
    }
    std::cout << "session " << result["state"].get<std::string>() << '\n';
    return true;
}

bool print_quit(const json& result) {
    return result.is_null() || (result.is_object() && result.empty());
}

void print_human(const std::string& command, const json& result) {
    bool printed = false;
    if (command == "vms") {
        printed = print_vms(result);
    } else if (command == "windows") {
        printed = print_windows(result);
    } else if (command == "outputs") {
        printed = print_outputs(result);
    } else if (command == "clipboard") {
        printed = print_clipboard(result);
    } else if (command == "idle") {
        printed = print_idle(result);
    } else if (command == "reload") {
        printed = print_reload(result);
    } else if (command == "lock") {
        printed = print_lock(result);
    } else if (command == "quit") {
        printed = print_quit(result);
    }
    if (!printed) {
        std::cout << dump_json(result, 2) << '\n';
    }
}

int run(int argc, char** argv) {
    const Options options = parse_arguments(argc, argv);

    std::filesystem::path socket_path =
        options.socket ? std::filesystem::path(*options.socket) : default_socket_path();
    if (socket_path.empty()) {
        std::fputs("prismctl: cannot find the control socket: neither PRISM_SOCKET nor "
                   "XDG_RUNTIME_DIR is set (use --socket PATH)\n",
                   stderr);
        return kExitNoConnection;
    }

    Reply reply;
    try {
        Connection connection(socket_path, reply_timeout_ms());
        const auto send_failure = connection.send_all(encode_request(options.command));
        std::string line;
        try {
            line = connection.read_line();
        } catch (const ConnectionFailure&) {
            if (send_failure) {
                throw *send_failure;
            }
            throw;
        }
        try {
            reply = decode_reply(line);
        } catch (const ProtocolError& e) {
            throw ConnectionFailure{"malformed reply from " + socket_path.native() + ": " +
                                    e.what()};
        }
    } catch (const ConnectionFailure& failure) {
        std::fprintf(stderr, "prismctl: %s\n", failure.message.c_str());
        if (failure.hint) {
            std::fprintf(stderr,
                         "prismctl: is prism running? The socket is $PRISM_SOCKET if set, else "
                         "$XDG_RUNTIME_DIR/%s; --socket PATH overrides both.\n",
                         std::string(kSocketFileName).c_str());
        }
        return kExitNoConnection;
    }

    if (!reply.ok) {
        std::fprintf(stderr, "prismctl: %s\n", sanitise(reply.error).c_str());
        for (const auto& detail : reply.details) {
            std::fprintf(stderr, "  %s\n", sanitise(detail).c_str());
        }
        return kExitErrorReply;
    }
    if (options.json_output) {
        std::cout << dump_json(reply.result, 2) << '\n';
    } else {
        print_human(options.command, reply.result);
    }
    std::cout.flush();
    return std::cout ? kExitOk : kExitErrorReply;
}

} // namespace
} // namespace prism::control

int main(int argc, char** argv) {
    try {
        return prism::control::run(argc, argv);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "prismctl: %s\n", e.what());
        return prism::control::kExitErrorReply;
    }
}
