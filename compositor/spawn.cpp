#include "compositor/spawn.hpp"

#include "compositor/fd_limit.hpp"
#include "compositor/wlr.hpp"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <unistd.h>

namespace prism {

void spawn(const std::string& command) {
    const pid_t pid = fork();
    if (pid < 0) {
        wlr_log(WLR_ERROR, "cannot start '%s': %s", command.c_str(), std::strerror(errno));
        return;
    }
    if (pid == 0) {
        // The event loop blocks the signals it handles (signalfd); the child must not inherit
        // that mask.
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, nullptr);
        signal(SIGPIPE, SIG_DFL); // prism ignores it; an ignored signal survives exec
        restore_fd_limit();
        setsid();
        execl("/bin/sh", "/bin/sh", "-c", command.c_str(), static_cast<char*>(nullptr));
        _exit(127);
    }
    wlr_log(WLR_INFO, "started '%s' (pid %d)", command.c_str(), static_cast<int>(pid));
}

} // namespace prism
