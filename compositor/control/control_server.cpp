#include "compositor/control/control_server.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <optional>
#include <utility>

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "compositor/control/protocol.hpp"
#include "compositor/wlr.hpp"

namespace prism::control {

using nlohmann::json;

namespace {

// How much one wakeup reads from a client. Level-triggered polling brings us back for the rest,
// so a chatty client cannot hold the compositor for long.
constexpr std::size_t kReadChunk = 64 * 1024;

// Connections accepted per wakeup of the listening socket.
constexpr int kAcceptBatch = 16;

// Pause before accepting again after running out of file descriptors.
constexpr int kAcceptRetryMs = 250;

// At most one line about failing accepts (or refused connections) this often.
constexpr int kAcceptLogIntervalMs = 10000;

// Once this many sent bytes sit at the front of a client's output buffer, drop them.
constexpr std::size_t kCompactThreshold = 64 * 1024;

std::string errno_text(int error) {
    return std::strerror(error);
}

bool is_blank(const std::string& line) {
    return std::all_of(line.begin(), line.end(),
                       [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; });
}

} // namespace

struct ControlServer::Client {
    ControlServer* server = nullptr;
    std::uint64_t id = 0;
    int fd = -1;
    wl_event_source* source = nullptr;
    std::uint32_t mask = 0;
    LineBuffer input{kMaxRequestLine};
    std::string output;
    std::size_t output_sent = 0; // bytes at the front of `output` already written
    bool read_closed = false;    // peer sent EOF (or we stopped reading)
    bool dead = false;           // to be destroyed at the end of the current event
    bool log_drop = false;       // whether the reason deserves an error-level log line
    std::string drop_reason;

    std::size_t pending() const { return output.size() - output_sent; }

    void drop(std::string reason, bool is_error) {
        if (!dead) {
            dead = true;
            log_drop = is_error;
            drop_reason = std::move(reason);
        }
    }
};

std::unique_ptr<ControlServer> ControlServer::create(wl_event_loop* loop,
                                                     std::filesystem::path path) {
    std::string error;
    sys::PrivateSocket::Failure failure{};
    auto socket = sys::PrivateSocket::listen(path, SOCK_STREAM, 32, &error, &failure);
    if (!socket) {
        if (failure == sys::PrivateSocket::Failure::InUse) {
            wlr_log(WLR_ERROR,
                    "control: %s (is prism already running?); set PRISM_SOCKET to use "
                    "a different path",
                    error.c_str());
        } else {
            wlr_log(WLR_ERROR, "control: %s", error.c_str());
        }
        return nullptr;
    }
    const int fd = socket.fd();
    std::unique_ptr<ControlServer> server(new ControlServer(loop, std::move(socket)));
    server->listen_source_ = wl_event_loop_add_fd(
        loop, fd, WL_EVENT_READABLE, &ControlServer::handle_listen_event, server.get());
    server->accept_retry_timer_ =
        wl_event_loop_add_timer(loop, &ControlServer::handle_accept_retry, server.get());
    if (server->listen_source_ == nullptr || server->accept_retry_timer_ == nullptr) {
        wlr_log(WLR_ERROR, "control: cannot add %s to the event loop", server->path_.c_str());
        return nullptr; // the destructor cleans up
    }
    wlr_log(WLR_INFO, "control: listening on %s", server->path_.c_str());
    return server;
}

ControlServer::ControlServer(wl_event_loop* loop, sys::PrivateSocket socket)
    : loop_(loop)
    , path_(socket.path())
    , socket_(std::move(socket))
    , listen_fd_(socket_.fd()) {
}

ControlServer::~ControlServer() {
    while (!clients_.empty()) {
        Client& client = *clients_.back();
        flush(client); // last chance for replies already produced; never blocks
        destroy_client(client);
    }
    if (accept_retry_timer_ != nullptr) {
        wl_event_source_remove(accept_retry_timer_);
    }
    if (listen_source_ != nullptr) {
        wl_event_source_remove(listen_source_);
    }
    // socket_ closes and removes the file if it is still the socket we created.
}

void ControlServer::add_command(std::string name, Handler handler) {
    commands_[std::move(name)] = std::move(handler);
}

std::vector<std::string> ControlServer::command_names() const {
    std::vector<std::string> names;
    names.reserve(commands_.size());
    for (const auto& entry : commands_) {
        names.push_back(entry.first);
    }
    return names;
}

int ControlServer::handle_listen_event(int /*fd*/, uint32_t mask, void* data) {
    auto* server = static_cast<ControlServer*>(data);
    if ((mask & (WL_EVENT_ERROR | WL_EVENT_HANGUP)) != 0) {
        wlr_log(WLR_ERROR, "control: error on listening socket %s", server->path_.c_str());
    }
    server->accept_clients();
    return 0;
}

int ControlServer::handle_accept_retry(void* data) {
    auto* server = static_cast<ControlServer*>(data);
    wl_event_source_fd_update(server->listen_source_, WL_EVENT_READABLE);
    return 0;
}

void ControlServer::accept_clients() {
    for (int i = 0; i < kAcceptBatch; ++i) {
        const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            const int error = errno;
            if (error == EINTR || error == ECONNABORTED) {
                continue;
            }
            if (error == EAGAIN || error == EWOULDBLOCK) {
                return;
            }
            // Typically out of file descriptors. The pending connection keeps the socket
            // readable, so stop polling it for a moment rather than spin.
            const auto now = std::chrono::steady_clock::now();
            if (!accept_logged_ ||
                now - last_accept_log_ >= std::chrono::milliseconds(kAcceptLogIntervalMs)) {
                wlr_log(WLR_ERROR,
                        "control: accept on %s failed: %s; pausing for %d ms at a time (%lu "
                        "failures not logged since the last line)",
                        path_.c_str(), errno_text(error).c_str(), kAcceptRetryMs, accept_unlogged_);
                accept_logged_ = true;
                last_accept_log_ = now;
                accept_unlogged_ = 0;
            } else {
                ++accept_unlogged_;
            }
            wl_event_source_fd_update(listen_source_, 0);
            wl_event_source_timer_update(accept_retry_timer_, kAcceptRetryMs);
            return;
        }
        if (clients_.size() >= kMaxClients) {
            const std::string reply = encode_error_reply("too many control connections");
            (void)send(fd, reply.data(), reply.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
            close(fd);
            wlr_log(WLR_ERROR, "control: refused a connection: %zu clients already connected",
                    clients_.size());
            continue;
        }
        auto client = std::make_unique<Client>();
        client->server = this;
        client->id = next_client_id_++;
        client->fd = fd;
        client->mask = WL_EVENT_READABLE;
        client->source = wl_event_loop_add_fd(loop_, fd, client->mask,
                                              &ControlServer::handle_client_event, client.get());
        if (client->source == nullptr) {
            wlr_log(WLR_ERROR, "control: cannot add a client to the event loop");
            close(fd);
            continue;
        }
        wlr_log(WLR_DEBUG, "control: client %llu connected",
                static_cast<unsigned long long>(client->id));
        clients_.push_back(std::move(client));
    }
}

int ControlServer::handle_client_event(int /*fd*/, uint32_t mask, void* data) {
    auto* client = static_cast<Client*>(data);
    client->server->service_client(*client, mask);
    return 0;
}

void ControlServer::service_client(Client& client, uint32_t mask) {
    if ((mask & WL_EVENT_ERROR) != 0) {
        int error = 0;
        socklen_t length = sizeof(error);
        getsockopt(client.fd, SOL_SOCKET, SO_ERROR, &error, &length);
        client.drop(std::string("socket error: ") + errno_text(error), false);
    }
    if (!client.dead && (mask & WL_EVENT_WRITABLE) != 0) {
        flush(client);
    }
    if (!client.dead && !client.read_closed && (mask & (WL_EVENT_READABLE | WL_EVENT_HANGUP))) {
        read_from_client(client);
    }
    if (!client.dead && client.read_closed && (mask & WL_EVENT_HANGUP) != 0) {
        // Both directions are shut: nobody is left to read what we still hold.
        client.drop("hung up", false);
    }
    update_client(client);
}

void ControlServer::read_from_client(Client& client) {
    std::array<char, kReadChunk> buffer;
    ssize_t n;
    do {
        n = recv(client.fd, buffer.data(), buffer.size(), MSG_DONTWAIT);
    } while (n < 0 && errno == EINTR);

    if (n > 0) {
        client.input.append(std::string_view(buffer.data(), static_cast<std::size_t>(n)));
        process_lines(client);
        return;
    }
    if (n < 0) {
        const int error = errno;
        if (error == EAGAIN || error == EWOULDBLOCK) {
            return;
        }
        client.drop("read failed: " + errno_text(error), error != ECONNRESET);
        return;
    }

    // EOF. An unterminated last line still counts as a request; replies already queued are
    // flushed before the connection is closed.
    client.read_closed = true;
    std::string rest = client.input.take_rest();
    if (rest.size() > kMaxRequestLine) {
        queue_reply(client, encode_error_reply("request line too long (limit is " +
                                               std::to_string(kMaxRequestLine) + " bytes)"));
        client.drop("sent a request line longer than " + std::to_string(kMaxRequestLine) + " bytes",
                    true);
    } else if (!is_blank(rest)) {
        handle_line(client, rest);
    }
}

void ControlServer::process_lines(Client& client) {
    while (!client.dead) {
        std::optional<std::string> line = client.input.next_line();
        if (!line) {
            break;
        }
        if (!is_blank(*line)) {
            handle_line(client, *line);
        }
    }
    if (!client.dead && client.input.overflowed()) {
        // The rest of the stream cannot be framed reliably, so answer once and hang up.
        queue_reply(client, encode_error_reply("request line too long (limit is " +
                                               std::to_string(kMaxRequestLine) + " bytes)"));
        client.drop("sent a request line longer than " + std::to_string(kMaxRequestLine) + " bytes",
                    true);
    }
}

void ControlServer::handle_line(Client& client, const std::string& line) {
    queue_reply(client, run_command(line));
}

std::string ControlServer::run_command(const std::string& line) {
    json request;
    try {
        request = decode_request(line);
    } catch (const ProtocolError& e) {
        return encode_error_reply(e.what());
    } catch (const std::exception& e) {
        return encode_error_reply(std::string("internal error: ") + e.what());
    }

    const std::string name = request["command"].get<std::string>();
    const auto entry = commands_.find(name);
    if (entry == commands_.end()) {
        return encode_error_reply("unknown command '" + name + "'", command_names());
    }
    // A copy, so the handler may re-register commands without pulling the rug from under itself.
    const Handler handler = entry->second;
    try {
        return encode_ok_reply(handler(request));
    } catch (const CommandError& e) {
        return encode_error_reply(e.what(), e.details);
    } catch (const std::exception& e) {
        wlr_log(WLR_ERROR, "control: command '%s' failed: %s", name.c_str(), e.what());
        return encode_error_reply(std::string("internal error: ") + e.what());
    } catch (...) {
        wlr_log(WLR_ERROR, "control: command '%s' threw a non-standard exception", name.c_str());
        return encode_error_reply("internal error: unknown exception");
    }
}

void ControlServer::queue_reply(Client& client, const std::string& reply) {
    if (client.dead) {
        return;
    }
    client.output += reply;
    // Write right away: the handler may have asked the display to terminate, in which case the
    // loop will not come back for this client.
    flush(client);
    if (!client.dead && client.pending() > kMaxQueuedReplyBytes) {
        client.drop("more than " + std::to_string(kMaxQueuedReplyBytes) +
                        " bytes of replies queued (client is not reading)",
                    true);
    }
}

void ControlServer::flush(Client& client) {
    while (client.pending() > 0) {
        const ssize_t n = send(client.fd, client.output.data() + client.output_sent,
                               client.pending(), MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n >= 0) {
            client.output_sent += static_cast<std::size_t>(n);
            continue;
        }
        const int error = errno;
        if (error == EINTR) {
            continue;
        }
        if (error != EAGAIN && error != EWOULDBLOCK) {
            client.drop("write failed: " + errno_text(error),
                        error != EPIPE && error != ECONNRESET);
        }
        break;
    }
    if (client.pending() == 0) {
        client.output.clear();
        client.output_sent = 0;
    } else if (client.output_sent >= kCompactThreshold) {
        client.output.erase(0, client.output_sent);
        client.output_sent = 0;
    }
}

void ControlServer::update_client(Client& client) {
    if (!client.dead && client.read_closed && client.pending() == 0) {
        client.drop("closed the connection", false);
    }
    if (client.dead) {
        wlr_log(client.log_drop ? WLR_ERROR : WLR_DEBUG, "control: disconnecting client %llu: %s",
                static_cast<unsigned long long>(client.id), client.drop_reason.c_str());
        destroy_client(client);
        return;
    }
    std::uint32_t mask = client.read_closed ? 0 : WL_EVENT_READABLE;
    if (client.pending() > 0) {
        mask |= WL_EVENT_WRITABLE;
    }
    if (mask != client.mask) {
        wl_event_source_fd_update(client.source, mask);
        client.mask = mask;
    }
}

void ControlServer::destroy_client(Client& client) {
    // Removing an event source from inside its own callback is fine: libwayland frees it only
    // after the dispatch, and closes its own duplicate of the fd.
    wl_event_source_remove(client.source);
    close(client.fd);
    const auto it = std::find_if(clients_.begin(), clients_.end(),
                                 [&client](const auto& owned) { return owned.get() == &client; });
    if (it != clients_.end()) {
        clients_.erase(it);
    }
}

} // namespace prism::control
