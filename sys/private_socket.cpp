#include "sys/private_socket.hpp"

#include <cerrno>
#include <cstring>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <utility>

namespace prism::sys {

namespace {

std::string errno_text(const std::string& what, int error) {
    return what + ": " + std::strerror(error);
}

enum class Probe { Listening, Nobody, Failed };

// Whether a process answers on the socket at `address`.
Probe probe(const sockaddr_un& address, int type, int* error) {
    UniqueFd fd(socket(AF_UNIX, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!fd) {
        *error = errno;
        return Probe::Failed;
    }
    const int rc = connect(fd.get(), reinterpret_cast<const sockaddr*>(&address), sizeof(address));
    *error = rc == 0 ? 0 : errno;
    if (rc == 0 || *error == EAGAIN || *error == EINPROGRESS) {
        return Probe::Listening;
    }
    return *error == ECONNREFUSED ? Probe::Nobody : Probe::Failed;
}

} // namespace

PrivateSocket PrivateSocket::listen(const std::filesystem::path& path, int type, int backlog,
                                    std::string* error, Failure* failure) {
    Failure ignored = Failure::None;
    Failure& why = failure != nullptr ? *failure : ignored;
    why = Failure::None;
    const std::string where = path.string();
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    if (where.empty() || where.size() >= sizeof(address.sun_path)) {
        *error = where + ": socket path is empty or too long (at most " +
                 std::to_string(sizeof(address.sun_path) - 1) + " bytes)";
        why = Failure::PathTooLong;
        return {};
    }
    std::memcpy(address.sun_path, where.c_str(), where.size());

    struct stat existing = {};
    if (lstat(where.c_str(), &existing) == 0) {
        if (!S_ISSOCK(existing.st_mode)) {
            *error = where + ": exists and is not a socket; not replacing it";
            why = Failure::NotASocket;
            return {};
        }
        int probe_error = 0;
        switch (probe(address, type, &probe_error)) {
        case Probe::Listening:
            *error = where + ": in use: another program is listening on it";
            why = Failure::InUse;
            return {};
        case Probe::Failed:
            *error = errno_text(where + ": cannot check the existing socket", probe_error);
            why = Failure::System;
            return {};
        case Probe::Nobody:
            // A stale socket of a process that died: nobody answers, so it is safe to replace.
            if (unlink(where.c_str()) != 0 && errno != ENOENT) {
                *error = errno_text(where + ": removing the stale socket", errno);
                why = Failure::System;
                return {};
            }
            break;
        }
    } else if (errno != ENOENT) {
        *error = errno_text(where, errno);
        why = Failure::System;
        return {};
    }

    PrivateSocket result;
    result.fd_ = UniqueFd(socket(AF_UNIX, type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    if (!result.fd_) {
        *error = errno_text(where + ": socket", errno);
        why = Failure::System;
        return {};
    }
    // bind() creates the file with the umask applied: 0600 from the start, so no other user can
    // connect in a window before a chmod.
    const mode_t old_umask = umask(0177);
    const int bound =
        bind(result.fd_.get(), reinterpret_cast<const sockaddr*>(&address), sizeof(address));
    const int bind_errno = errno;
    umask(old_umask);
    if (bound != 0) {
        *error = errno_text(where + ": bind", bind_errno);
        why = Failure::System;
        return {};
    }
    struct stat mine = {};
    if (lstat(where.c_str(), &mine) != 0 || ::listen(result.fd_.get(), backlog) != 0) {
        *error = errno_text(where + ": listen", errno);
        why = Failure::System;
        unlink(where.c_str());
        return {};
    }
    result.path_ = path;
    result.dev_ = mine.st_dev;
    result.ino_ = mine.st_ino;
    return result;
}

PrivateSocket::PrivateSocket(PrivateSocket&& other) noexcept
    : fd_(std::move(other.fd_))
    , path_(std::move(other.path_))
    , dev_(std::exchange(other.dev_, 0))
    , ino_(std::exchange(other.ino_, 0)) {
    other.path_.clear();
}

PrivateSocket& PrivateSocket::operator=(PrivateSocket&& other) noexcept {
    if (this != &other) {
        close();
        fd_ = std::move(other.fd_);
        path_ = std::move(other.path_);
        other.path_.clear();
        dev_ = std::exchange(other.dev_, 0);
        ino_ = std::exchange(other.ino_, 0);
    }
    return *this;
}

PrivateSocket::~PrivateSocket() {
    close();
}

void PrivateSocket::close() {
    if (!fd_) {
        return;
    }
    fd_ = UniqueFd();
    // Remove the file only if it is still the one bound: a user or another process may have
    // put something else there since.
    struct stat current = {};
    if (!path_.empty() && lstat(path_.c_str(), &current) == 0 && current.st_dev == dev_ &&
        current.st_ino == ino_) {
        unlink(path_.c_str());
    }
    path_.clear();
}

} // namespace prism::sys
