// A listening Unix socket only its owner can reach: bound under a 0177 umask (mode 0600 from
// the first instant), at a path where a stale socket nobody answers on is replaced and
// anything else is an error. Used for the device's test transport and the vhost-user socket.
#pragma once

#include "vmbridge/device/unique_fd.hpp"

#include <filesystem>
#include <string>

namespace prism::vmbridge::device {

// `type`: SOCK_SEQPACKET or SOCK_STREAM. The socket is non-blocking and close-on-exec.
// An empty UniqueFd with a message in `error` on failure.
UniqueFd listen_private_socket(const std::filesystem::path& path, int type, std::string* error);

} // namespace prism::vmbridge::device
