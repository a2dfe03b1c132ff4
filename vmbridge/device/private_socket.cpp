#include "vmbridge/device/private_socket.hpp"

#include <cerrno>
#include <cstring>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

namespace prism::vmbridge::device {

UniqueFd listen_private_socket(const std::filesystem::path& path, int type, std::string* error) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path.string().size() >= sizeof(addr.sun_path)) {
        *error = "socket path " + path.string() + " is too long";
        return UniqueFd();
    }
    std::memcpy(addr.sun_path, path.c_str(), path.string().size());

    struct stat st = {};
    if (lstat(path.c_str(), &st) == 0) {
        if (!S_ISSOCK(st.st_mode)) {
            *error = path.string() + " exists and is not a socket";
            return UniqueFd();
        }
        UniqueFd probe(socket(AF_UNIX, type | SOCK_CLOEXEC, 0));
        if (probe && connect(probe.get(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0) {
            *error = path.string() + " is in use by another process";
            return UniqueFd();
        }
        unlink(path.c_str()); // stale: left by a compositor that died
    }

    UniqueFd fd(socket(AF_UNIX, type | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
    if (!fd) {
        *error = std::string("socket: ") + std::strerror(errno);
        return UniqueFd();
    }
    // Bind under a restrictive umask so the socket is never reachable by others, even briefly.
    const mode_t old_umask = umask(0177);
    const int bound = bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
    umask(old_umask);
    if (bound != 0) {
        *error = "bind " + path.string() + ": " + std::strerror(errno);
        return UniqueFd();
    }
    if (chmod(path.c_str(), 0600) != 0 || listen(fd.get(), 4) != 0) {
        *error = "listen " + path.string() + ": " + std::strerror(errno);
        unlink(path.c_str());
        return UniqueFd();
    }
    return fd;
}

} // namespace prism::vmbridge::device
