// Non-blocking fds and SCM_RIGHTS, written once: the virtio-wl device, the vhost-user backend
// and its supervisor, and the clipboard's transfers use these.
#pragma once

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <fcntl.h>
#include <span>
#include <sys/socket.h>
#include <sys/types.h>

namespace prism::sys {

// The most fds one send_with_fds carries (virtio-wl's SEND allows 28).
inline constexpr std::size_t kMaxFds = 32;

// Makes `fd` non-blocking; false if fcntl fails.
inline bool set_nonblocking(int fd) {
    const int flags = fcntl(fd, F_GETFL);
    if (flags < 0) {
        return false;
    }
    return (flags & O_NONBLOCK) != 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0;
}

enum class Wait { Never, UntilSent };

// One sendmsg of `bytes` with `fds` attached. Never raises SIGPIPE (EPIPE instead); retries on
// EINTR; with Wait::Never it never blocks (EAGAIN instead). More than kMaxFds fds: EINVAL.
inline ssize_t send_with_fds(int socket, std::span<const std::uint8_t> bytes,
                             std::span<const int> fds, Wait wait = Wait::Never) {
    if (fds.size() > kMaxFds) {
        errno = EINVAL;
        return -1;
    }
    iovec iov{const_cast<std::uint8_t*>(bytes.data()), bytes.size()};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * kMaxFds)];
    if (!fds.empty()) {
        msg.msg_control = control;
        msg.msg_controllen = CMSG_SPACE(sizeof(int) * fds.size());
        cmsghdr* cmsg = CMSG_FIRSTHDR(&msg);
        cmsg->cmsg_level = SOL_SOCKET;
        cmsg->cmsg_type = SCM_RIGHTS;
        cmsg->cmsg_len = CMSG_LEN(sizeof(int) * fds.size());
        std::memcpy(CMSG_DATA(cmsg), fds.data(), sizeof(int) * fds.size());
    }
    const int flags = MSG_NOSIGNAL | (wait == Wait::Never ? MSG_DONTWAIT : 0);
    ssize_t n;
    do {
        n = sendmsg(socket, &msg, flags);
    } while (n < 0 && errno == EINTR);
    return n;
}

} // namespace prism::sys
