// A listening Unix socket for one VM: $XDG_RUNTIME_DIR/wayland-vm-<name> by default.
//
// The VMM (crosvm --wayland-sock) connects here for every Wayland connection of the guest.
// Every connection accepted on it is handed to `on_accept`, which makes it a client with this
// VM's origin.
#pragma once

#include "sys/accept_pause.hpp"
#include "sys/private_socket.hpp"

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <sys/types.h>
#include <wayland-server-core.h>

namespace prism::origins {

class VmSocket {
public:
    // Makes a client of the accepted `fd` (taken). False when it could not, with errno set: out
    // of descriptors (libwayland dups each client's fd), the socket pauses as if accept had
    // failed.
    using AcceptFn = std::function<bool(int fd)>;

    // Creates, binds (mode 0600) and listens on `path`, and watches it on `loop`.
    // An existing file at `path` is replaced only if it is a socket nobody answers on (left by
    // a crashed compositor); a live socket or any other file is an error. A lock file
    // `<path>.lock` is held while the socket exists, as libwayland does for wayland-N.
    // Returns nullptr with a message in `error` on failure.
    // `log` gets accept failures (rate-limited, see AcceptPause).
    static std::unique_ptr<VmSocket> create(wl_event_loop* loop, std::filesystem::path path,
                                            AcceptFn on_accept, std::string* error,
                                            sys::AcceptPause::LogFn log = {});
    ~VmSocket();
    VmSocket(const VmSocket&) = delete;
    VmSocket& operator=(const VmSocket&) = delete;

    const std::filesystem::path& path() const { return path_; }

private:
    VmSocket() = default;
    static int handle_readable(int fd, uint32_t mask, void* data);

    std::filesystem::path path_;
    std::filesystem::path lock_path_;
    sys::PrivateSocket socket_;
    int lock_fd_ = -1;
    wl_event_source* source_ = nullptr;
    std::unique_ptr<sys::AcceptPause> pause_;
    AcceptFn on_accept_;
};

} // namespace prism::origins
