// The dev/test transport (docs/vmbridge.md): a listening SOCK_SEQPACKET socket, mode 0600, per
// VM. One peer at a time plays the VMM side of the virtqueues: each packet it sends is one
// out-queue request or a credit of in-queue buffers; prism answers each request with one
// response packet, sends each in-queue message as one packet, and shared-memory mappings as
// MAP/UNMAP packets carrying the memfd (what vhost-user's SHMEM_MAP/UNMAP will do).
//
// A connection is one device lifetime: when the peer goes away, the device and every context
// it opened go too. A second peer is refused while one is connected.
#pragma once

#include "sys/accept_pause.hpp"

#include "sys/private_socket.hpp"
#include "vmbridge/device/device.hpp"

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <wayland-server-core.h>

namespace prism::vmbridge::device {

class SeqpacketListener {
public:
    // Creates, binds (mode 0600) and listens on `path`. A stale socket nobody answers on is
    // replaced; anything else at `path` is an error. nullptr with a message in `error`.
    static std::unique_ptr<SeqpacketListener> create(wl_event_loop* loop,
                                                     std::filesystem::path path,
                                                     DeviceOptions options, std::string* error);
    // No socket: connections arrive through adopt() only (the vhost-user backend process's
    // device sockets, vhost_user/supervisor.hpp).
    static std::unique_ptr<SeqpacketListener> create_unbound(wl_event_loop* loop,
                                                             DeviceOptions options);
    ~SeqpacketListener();
    SeqpacketListener(const SeqpacketListener&) = delete;
    SeqpacketListener& operator=(const SeqpacketListener&) = delete;

    const std::filesystem::path& path() const { return path_; }
    // Options for the next connection (the current one keeps its own).
    void set_options(DeviceOptions options) { options_ = std::move(options); }
    bool connected() const { return connection_ != nullptr; }
    // Takes a connected SOCK_SEQPACKET socket as the peer. False (the socket closes) if a peer
    // is connected already.
    bool adopt(sys::UniqueFd fd);
    // Ends the connection, its device and every context it opened.
    void disconnect();
    // The connected device's numbers; nullopt when no peer is connected or it has not started.
    std::optional<DeviceStats> stats() const;

private:
    class Connection;
    SeqpacketListener() = default;
    static int handle_accept(int fd, std::uint32_t mask, void* data);
    static void handle_drop(void* data);
    void schedule_drop();

    wl_event_loop* loop_ = nullptr;
    std::filesystem::path path_;
    DeviceOptions options_;
    sys::PrivateSocket socket_; // none for create_unbound
    wl_event_source* source_ = nullptr;
    wl_event_source* drop_idle_ = nullptr;
    std::unique_ptr<sys::AcceptPause> pause_;
    std::unique_ptr<Connection> connection_;
};

} // namespace prism::vmbridge::device
