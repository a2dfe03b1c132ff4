// One end of a Wayland socket: reads bytes and SCM_RIGHTS file descriptors, splits them into
// whole messages, and sends messages with their descriptors. Used by the recording proxy
// (both of its sides) and by the replayer.
#pragma once

#include "tools/trace/wire.hpp"

#include <deque>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace prism::trace {

struct RawMessage {
    WireHeader header;
    std::string bytes; // the whole message, header included
};

class Connection {
public:
    Connection() = default;
    explicit Connection(int fd); // takes ownership
    Connection(Connection&& other) noexcept;
    Connection& operator=(Connection&& other) noexcept;
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;
    ~Connection();

    int fd() const { return fd_; }
    bool open() const { return fd_ >= 0; }
    void close();

    // Reads what is available without blocking. Returns false on end of stream or error.
    bool read_some();
    // The next whole message received, if any. Sets `error` for a malformed header.
    std::optional<RawMessage> next(std::string* error);
    // Descriptors received and not yet taken by a decoded message.
    std::deque<int>& fds() { return fds_; }

    // Sends one message's bytes with its descriptors (not closed here). False on failure.
    bool send(const std::string& bytes, const std::vector<int>& fds);

private:
    int fd_ = -1;
    std::string in_;
    std::deque<int> fds_;
};

// Connects to the compositor the way libwayland does: `display` is WAYLAND_DISPLAY (an
// absolute path, or a name in XDG_RUNTIME_DIR; "wayland-0" when empty). -1 on failure.
int connect_display(const std::string& display, std::string* error);

// A listening Unix socket at `path`; -1 on failure.
int listen_unix(const std::filesystem::path& path, std::string* error);

} // namespace prism::trace
