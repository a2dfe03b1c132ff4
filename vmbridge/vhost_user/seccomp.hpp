// prism-vhost-wl's system-call allow-list (libseccomp). After enter_seccomp() the process can
// only use the fds it holds or receives: read and write them, poll, accept the VMM on the
// listening socket it was given, map guest memory and shared buffers it was sent, and exit.
// No open(), no socket(), no exec or fork; anything else kills the process.
#pragma once

#include <string>

namespace prism::vmbridge::vhost_user {

bool enter_seccomp(std::string* why);

} // namespace prism::vmbridge::vhost_user
