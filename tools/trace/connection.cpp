#include "tools/trace/connection.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <utility>

namespace prism::trace {

namespace {

constexpr size_t kMaxFdsPerMessage = 28; // libwayland's MAX_FDS_OUT

bool fill_address(const std::filesystem::path& path, sockaddr_un& addr, std::string* error) {
    addr = {};
    addr.sun_family = AF_UNIX;
    if (path.string().size() >= sizeof(addr.sun_path)) {
        *error = "socket path too long: " + path.string();
        return false;
    }
    std::memcpy(addr.sun_path, path.c_str(), path.string().size());
    return true;
}

} // namespace

Connection::Connection(int fd)
    : fd_(fd) {
    fcntl(fd_, F_SETFL, fcntl(fd_, F_GETFL) | O_NONBLOCK);
}

Connection::Connection(Connection&& other) noexcept {
    *this = std::move(other);
}

Connection& Connection::operator=(Connection&& other) noexcept {
    std::swap(fd_, other.fd_);
    std::swap(in_, other.in_);
    std::swap(fds_, other.fds_);
    return *this;
}

Connection::~Connection() {
    close();
}

void Connection::close() {
    if (fd_ >= 0) {
        ::close(fd_);
        fd_ = -1;
    }
    for (int fd : fds_) {
        ::close(fd);
    }
    fds_.clear();
}

bool Connection::read_some() {
    if (fd_ < 0) {
        return false;
    }
    char buffer[8192];
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * kMaxFdsPerMessage)];
    iovec iov{buffer, sizeof(buffer)};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof(control);
    const ssize_t got = recvmsg(fd_, &msg, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
    if (got < 0) {
        return errno == EAGAIN || errno == EINTR;
    }
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
            const size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
            for (size_t i = 0; i < count; ++i) {
                int fd = -1;
                std::memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
                fds_.push_back(fd);
            }
        }
    }
    if (got == 0) {
        return false;
    }
    in_.append(buffer, static_cast<size_t>(got));
    return true;
}

std::optional<RawMessage> Connection::next(std::string* error) {
    auto header = peek_header(in_);
    if (!header) {
        return std::nullopt;
    }
    if (header->size < 8 || header->size % 4 != 0) {
        *error = "malformed message header (size " + std::to_string(header->size) + ")";
        return std::nullopt;
    }
    if (in_.size() < header->size) {
        return std::nullopt;
    }
    RawMessage message{*header, in_.substr(0, header->size)};
    in_.erase(0, header->size);
    return message;
}

bool Connection::send(const std::string& bytes, const std::vector<int>& fds) {
    if (fd_ < 0) {
        return false;
    }
    size_t sent = 0;
    bool fds_sent = fds.empty();
    while (sent < bytes.size()) {
        iovec iov{const_cast<char*>(bytes.data() + sent), bytes.size() - sent};
        msghdr msg{};
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * kMaxFdsPerMessage)] = {};
        if (!fds_sent) {
            if (fds.size() > kMaxFdsPerMessage) {
                return false;
            }
            msg.msg_control = control;
            msg.msg_controllen = CMSG_SPACE(sizeof(int) * fds.size());
            cmsghdr* c = CMSG_FIRSTHDR(&msg);
            c->cmsg_level = SOL_SOCKET;
            c->cmsg_type = SCM_RIGHTS;
            c->cmsg_len = CMSG_LEN(sizeof(int) * fds.size());
            std::memcpy(CMSG_DATA(c), fds.data(), sizeof(int) * fds.size());
        }
        const ssize_t n = sendmsg(fd_, &msg, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EAGAIN || errno == EINTR) {
                // The peer is slow; wait until it can take more.
                fd_set set;
                FD_ZERO(&set);
                FD_SET(fd_, &set);
                timeval timeout{5, 0};
                if (select(fd_ + 1, nullptr, &set, nullptr, &timeout) <= 0) {
                    return false;
                }
                continue;
            }
            return false;
        }
        fds_sent = true;
        sent += static_cast<size_t>(n);
    }
    return true;
}

int connect_display(const std::string& display, std::string* error) {
    std::filesystem::path path = display.empty() ? "wayland-0" : display;
    if (path.is_relative()) {
        const char* runtime = std::getenv("XDG_RUNTIME_DIR");
        if (runtime == nullptr) {
            *error = "XDG_RUNTIME_DIR is not set and WAYLAND_DISPLAY is not an absolute path";
            return -1;
        }
        path = std::filesystem::path(runtime) / path;
    }
    sockaddr_un addr;
    if (!fill_address(path, addr, error)) {
        return -1;
    }
    const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
        *error = "cannot connect to " + path.string() + ": " + std::strerror(errno);
        if (fd >= 0) {
            ::close(fd);
        }
        return -1;
    }
    return fd;
}

int listen_unix(const std::filesystem::path& path, std::string* error) {
    sockaddr_un addr;
    if (!fill_address(path, addr, error)) {
        return -1;
    }
    const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
        listen(fd, 16) != 0) {
        *error = "cannot listen on " + path.string() + ": " + std::strerror(errno);
        if (fd >= 0) {
            ::close(fd);
        }
        return -1;
    }
    return fd;
}

} // namespace prism::trace
