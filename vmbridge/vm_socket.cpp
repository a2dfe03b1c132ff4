#include "vmbridge/vm_socket.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

namespace prism::vmbridge {

namespace {

std::string errno_text(const std::string& what, int err) {
    return what + ": " + std::strerror(err);
}

bool fill_address(const std::filesystem::path& path, sockaddr_un& addr) {
    addr = {};
    addr.sun_family = AF_UNIX;
    const std::string& text = path.native();
    if (text.size() >= sizeof(addr.sun_path)) {
        return false;
    }
    std::memcpy(addr.sun_path, text.c_str(), text.size() + 1);
    return true;
}

// True if something accepts connections on the socket at `path`.
bool someone_listens(const sockaddr_un& addr) {
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return false;
    }
    const bool answered = connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) == 0;
    close(fd);
    return answered;
}

} // namespace

std::unique_ptr<VmSocket> VmSocket::create(wl_event_loop* loop, std::filesystem::path path,
                                           AcceptFn on_accept, std::string* error) {
    std::unique_ptr<VmSocket> self(new VmSocket());
    self->path_ = std::move(path);
    self->on_accept_ = std::move(on_accept);
    const std::string where = self->path_.string();

    sockaddr_un addr;
    if (!self->path_.is_absolute() || !fill_address(self->path_, addr)) {
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

    struct stat st;
    if (lstat(self->path_.c_str(), &st) == 0) {
        if (!S_ISSOCK(st.st_mode)) {
            *error = where + ": exists and is not a socket; not replacing it";
            return nullptr;
        }
        if (someone_listens(addr)) {
            *error = where + ": another program is listening on it";
            return nullptr;
        }
        // A stale socket of a compositor that died: nobody answers, so it is safe to replace.
        if (unlink(self->path_.c_str()) < 0) {
            *error = errno_text(where + ": removing stale socket", errno);
            return nullptr;
        }
    } else if (errno != ENOENT) {
        *error = errno_text(where, errno);
        return nullptr;
    }

    self->fd_ = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (self->fd_ < 0) {
        *error = errno_text(where + ": socket", errno);
        return nullptr;
    }
    // bind() creates the file with the umask applied: create it 0600 from the start, so no
    // other user can connect in the window before a chmod.
    const mode_t old_umask = umask(0177);
    const int bound = bind(self->fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr));
    const int bind_errno = errno;
    umask(old_umask);
    if (bound < 0) {
        *error = errno_text(where + ": bind", bind_errno);
        return nullptr;
    }
    if (lstat(self->path_.c_str(), &st) == 0) {
        self->dev_ = st.st_dev;
        self->ino_ = st.st_ino;
    }
    if (listen(self->fd_, 128) < 0) {
        *error = errno_text(where + ": listen", errno);
        unlink(self->path_.c_str());
        return nullptr;
    }
    self->pause_ = std::make_unique<AcceptPause>(loop);
    self->source_ = wl_event_loop_add_fd(loop, self->fd_, WL_EVENT_READABLE,
                                         &VmSocket::handle_readable, self.get());
    if (self->source_ == nullptr) {
        *error = where + ": cannot watch the socket";
        unlink(self->path_.c_str());
        return nullptr;
    }
    return self;
}

VmSocket::~VmSocket() {
    if (source_ != nullptr) {
        wl_event_source_remove(source_);
    }
    if (fd_ >= 0) {
        close(fd_);
        // Remove the file only if it is still the one we bound: a user may have replaced it.
        struct stat st;
        if (ino_ != 0 && lstat(path_.c_str(), &st) == 0 && st.st_dev == dev_ && st.st_ino == ino_) {
            unlink(path_.c_str());
        }
    }
    if (lock_fd_ >= 0) {
        if (fd_ >= 0) {
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
            // loop again at once, forever. Anything else: try again on the next wakeup.
            self->pause_->after_failure(self->source_, errno);
            break;
        }
        self->on_accept_(client);
    }
    return 0;
}

} // namespace prism::vmbridge
