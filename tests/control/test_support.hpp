// Helpers shared by the control socket tests: temporary directories, an event loop, raw client
// sockets that pump the loop while they wait, and running prismctl as a child process.
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

struct wl_event_loop;

namespace prism::control::test {

using namespace std::chrono_literals;

class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

struct LoopDeleter {
    void operator()(wl_event_loop* loop) const;
};
using LoopPtr = std::unique_ptr<wl_event_loop, LoopDeleter>;
LoopPtr make_loop();

// Dispatches `loop` until `done` returns true or `timeout` passes; returns done().
bool pump_until(wl_event_loop* loop, const std::function<bool()>& done,
                std::chrono::milliseconds timeout = 10s);

// A connected client socket (SOCK_CLOEXEC, non-blocking) that drives the server's loop on the
// calling thread whenever it waits.
class RawClient {
public:
    RawClient(wl_event_loop* loop, const std::filesystem::path& path);
    ~RawClient();
    RawClient(const RawClient&) = delete;
    RawClient& operator=(const RawClient&) = delete;

    int fd() const { return fd_; }

    // Sends all of `bytes`, pumping the loop if the socket buffer is full.
    void send(std::string_view bytes);
    // Half-closes the connection (no more requests).
    void shutdown_write();
    // Reads until a full line (including "\n") arrived; nullopt on EOF/error/timeout.
    std::optional<std::string> read_line(std::chrono::milliseconds timeout = 10s);
    // send() then read_line().
    std::optional<std::string> request(std::string_view line);
    // Reads whatever arrives until the server closes the connection; nullopt on timeout.
    std::optional<std::string> read_until_closed(std::chrono::milliseconds timeout = 10s);
    // Bytes available right now, without running the loop.
    std::string read_available();

private:
    wl_event_loop* loop_;
    int fd_ = -1;
    std::string pending_;
};

struct ProcessResult {
    int exit_code = -1; // -1 if killed by a signal or timed out
    std::string out;
    std::string err;
};

// Runs `argv` with the current environment minus PRISM_SOCKET, XDG_RUNTIME_DIR and
// PRISMCTL_TIMEOUT_MS, plus `env`. Pumps `loop` (if not null) while the child runs.
ProcessResult run_process(wl_event_loop* loop, const std::vector<std::string>& argv,
                          const std::map<std::string, std::string>& env = {},
                          std::chrono::milliseconds timeout = 20s);

// Path of the prismctl binary under test (from $PRISMCTL).
std::string prismctl_path();

} // namespace prism::control::test
