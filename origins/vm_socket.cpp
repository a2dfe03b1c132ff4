#include "origins/vm_socket.hpp"

#include "sys/private_socket.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

namespace prism::origins {

namespace {

std::string errno_text(const std::string& what, int err) {
    return what + ": " + std::strerror(err);
}

} // namespace

std::unique_ptr<VmSocket> VmSocket::create(wl_event_loop* loop, std::filesystem::path path,
                                           AcceptFn on_accept, std::string* error,
                                           sys::AcceptPause::LogFn log) {
    std::unique_ptr<VmSocket> self(new VmSocket());
    self->path_ = std::move(path);
    self->on_accept_ = std::move(on_accept);
    const std::string where = self->path_.string();

    if (!self->path_.is_absolute() || where.size() >= sizeof(sockaddr_un::sun_path)) {
        *error = where + ": not an absolute path short enough for a Unix socket";
        return nullptr;
    }

    // The lock says "this path is ours" to other compositors, exactly as libwayland's
    // wayland-N.lock does; it is held for the socket's whole life.
    self->lock_path_ = self->path_.string() + ".lock";
    self->lock_fd_ =
        open(self->lock_path_.c_str(), O_CREAT | O_RDWR | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (self->lock_fd_ < 0) {
        *error = errno_text(self->lock_path_.string(), errno);
        return nullptr;
    }
    if (flock(self->lock_fd_, LOCK_EX | LOCK_NB) < 0) {
        *error = where + ": in use by another compositor (its lock file is held)";
        return nullptr;
    }

    self->socket_ = sys::PrivateSocket::listen(self->path_, SOCK_STREAM, 128, error);
    if (!self->socket_) {
        return nullptr;
    }
    self->pause_ = std::make_unique<sys::AcceptPause>(loop, where, std::move(log));
    self->source_ = wl_event_loop_add_fd(loop, self->socket_.fd(), WL_EVENT_READABLE,
                                         &VmSocket::handle_readable, self.get());
    if (self->source_ == nullptr) {
        *error = where + ": cannot watch the socket";
        return nullptr;
    }
    return self;
}

VmSocket::~VmSocket() {
    if (source_ != nullptr) {
        wl_event_source_remove(source_);
    }
    const bool bound = static_cast<bool>(socket_);
    socket_ = sys::PrivateSocket(); // removes the socket file if it is still ours
    if (lock_fd_ >= 0) {
        if (bound) {
            unlink(lock_path_.c_str());
        }
        close(lock_fd_);
    }
}

int VmSocket::handle_readable(int fd, uint32_t mask, void* data) {
    auto* self = static_cast<VmSocket*>(data);
    // Accept everything pending; each connection is one Wayland client of this VM.
    for (;;) {
        int client = accept4(fd, nullptr, nullptr, SOCK_CLOEXEC);
        if (client < 0) {
            // EAGAIN: all taken. Out of fds: pause, or the pending connection would wake the
            // loop again at once, forever. Anything else: try again on the next wakeup. Both
            // are logged, at most once every AcceptPause::kLogIntervalMs.
            self->pause_->after_failure(self->source_, errno);
            break;
        }
        if (!self->on_accept_(client) && self->pause_->after_failure(self->source_, errno)) {
            break;
        }
    }
    return 0;
}

} // namespace prism::origins
