// prism's host-only control socket (see protocol.hpp for the wire format).
//
// The server owns a listening Unix socket and its clients, all non-blocking and driven by a
// wl_event_loop. It knows nothing about windows or VMs: the compositor registers named commands,
// each a function from the request object to a JSON result.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "sys/private_socket.hpp"
#include <nlohmann/json.hpp>
#include <sys/types.h>

struct wl_event_loop;
struct wl_event_source;

namespace prism::control {

// Thrown by a handler to produce {"ok":false,"error":<what()>,"details":<details>}.
struct CommandError : std::runtime_error {
    explicit CommandError(const std::string& message, std::vector<std::string> error_details = {})
        : std::runtime_error(message)
        , details(std::move(error_details)) {}

    std::vector<std::string> details;
};

// Gets the whole request object (including "command"); returns the reply's "result".
// Any std::exception other than CommandError becomes {"ok":false,"error":"internal error: ..."}.
// A handler must not destroy the ControlServer that called it.
using Handler = std::function<nlohmann::json(const nlohmann::json& request)>;

class ControlServer {
public:
    // Binds and listens on `path` (mode 0600) and adds the socket to `loop`. Returns nullptr and
    // logs on failure. An existing socket file is replaced only if nobody is listening on it.
    static std::unique_ptr<ControlServer> create(wl_event_loop* loop, std::filesystem::path path);

    // Closes all clients, removes the event sources and unlinks the socket (if it is still ours).
    ~ControlServer();

    ControlServer(const ControlServer&) = delete;
    ControlServer& operator=(const ControlServer&) = delete;

    // Registers (or replaces) the handler for `name`.
    void add_command(std::string name, Handler handler);

    const std::filesystem::path& path() const { return path_; }

    // Names of the registered commands, sorted.
    std::vector<std::string> command_names() const;

    // Number of connected clients.
    std::size_t client_count() const { return clients_.size(); }

private:
    struct Client;

    ControlServer(wl_event_loop* loop, sys::PrivateSocket socket);

    static int handle_listen_event(int fd, uint32_t mask, void* data);
    static int handle_client_event(int fd, uint32_t mask, void* data);
    static int handle_accept_retry(void* data);

    void accept_clients();
    void service_client(Client& client, uint32_t mask);
    void read_from_client(Client& client);
    void process_lines(Client& client);
    void handle_line(Client& client, const std::string& line);
    std::string run_command(const std::string& line);
    void queue_reply(Client& client, const std::string& reply);
    void flush(Client& client);
    void update_client(Client& client);
    void destroy_client(Client& client);

    wl_event_loop* loop_;
    std::filesystem::path path_;
    sys::PrivateSocket socket_;
    int listen_fd_; // socket_'s
    wl_event_source* listen_source_ = nullptr;
    wl_event_source* accept_retry_timer_ = nullptr;
    // Accept failures are logged at most once every kAcceptLogIntervalMs.
    std::chrono::steady_clock::time_point last_accept_log_{};
    bool accept_logged_ = false;
    unsigned long accept_unlogged_ = 0;
    std::map<std::string, Handler> commands_;
    std::vector<std::unique_ptr<Client>> clients_;
    std::uint64_t next_client_id_ = 1;
};

} // namespace prism::control
