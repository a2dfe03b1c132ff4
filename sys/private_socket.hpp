// The one way prism listens on a Unix socket path only its user may reach: VM sockets, the
// control socket, the virtio-wl test transport and the vhost-user socket.
//
// - The path must fit a Unix socket address.
// - Whatever is at the path already: a socket somebody answers on is in use (an error); a
//   socket nobody answers on (connect says ECONNREFUSED) is stale, left by a process that died,
//   and is replaced; anything else, or a probe that cannot tell, is an error.
// - bind() runs under a 0177 umask, so the file is mode 0600 from its first instant.
// - On destruction the file is removed only if it is still the one bound (same device and
//   inode): a socket another process put there since stays.
#pragma once

#include "sys/unique_fd.hpp"

#include <filesystem>
#include <string>
#include <sys/types.h>

namespace prism::sys {

class PrivateSocket {
public:
    enum class Failure {
        None,
        PathTooLong,
        NotASocket, // something else is at the path: it is never replaced
        InUse,      // another process answers on the socket at the path
        System,     // a system call failed; the message says which and why
    };

    // Listens on `path` with a socket of `type` (SOCK_STREAM or SOCK_SEQPACKET), non-blocking
    // and close-on-exec. On failure the result is empty, `error` says what went wrong (the path
    // first) and `failure` (if given) which kind of failure it was.
    static PrivateSocket listen(const std::filesystem::path& path, int type, int backlog,
                                std::string* error, Failure* failure = nullptr);

    PrivateSocket() = default;
    PrivateSocket(PrivateSocket&& other) noexcept;
    PrivateSocket& operator=(PrivateSocket&& other) noexcept;
    ~PrivateSocket();

    explicit operator bool() const { return static_cast<bool>(fd_); }
    int fd() const { return fd_.get(); }
    const std::filesystem::path& path() const { return path_; }

private:
    void close();

    UniqueFd fd_;
    std::filesystem::path path_;
    dev_t dev_ = 0;
    ino_t ino_ = 0;
};

} // namespace prism::sys
