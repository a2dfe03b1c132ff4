// prism-vhost-wl: the vhost-user wl backend for one VM (docs/vmbridge.md). prism starts it
// with the VM's listening vhost-user socket at fd 3 and its control channel at fd 4
// (shim_wire.hpp), and starts it again whenever it exits. It serves one VMM connection and
// exits when that ends: 0 if the VMM left, 1 if it broke the protocol.
//
// Before it reads a byte from the VMM it enters a seccomp allow-list (seccomp.cpp): no file
// system, no new processes, only the sockets and memory it was given or is sent.
#include "vmbridge/vhost_user/backend.hpp"
#include "vmbridge/vhost_user/seccomp.hpp"

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <poll.h>
#include <string>
#include <sys/socket.h>
#include <unistd.h>

using namespace prism::vmbridge::vhost_user;

namespace {

int usage() {
    std::fprintf(stderr,
                 "usage: prism-vhost-wl --vm NAME [--shmem-bit 20|21|22] [--poll-us 0..1000]\n"
                 "(started by prism, with the vhost-user socket at fd 3 and its control "
                 "channel at fd 4)\n");
    return 2;
}

} // namespace

int main(int argc, char** argv) {
    BackendOptions options;
    options.control_fd = shim_wire::kControlFd;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--vm" && i + 1 < argc) {
            options.vm = argv[++i];
        } else if (arg == "--shmem-bit" && i + 1 < argc) {
            const std::string value = argv[++i];
            bool known = false;
            for (const unsigned choice : kProtocolShmemChoices) {
                known = known || value == std::to_string(choice);
            }
            if (!known) {
                return usage();
            }
            options.shmem_bit = static_cast<unsigned>(std::stoul(value));
        } else if (arg == "--poll-us" && i + 1 < argc) {
            const std::string value = argv[++i];
            char* end = nullptr;
            const unsigned long us = std::strtoul(value.c_str(), &end, 10);
            if (value.empty() || *end != '\0' || value[0] == '-' || us > kMaxPollUs) {
                return usage();
            }
            options.poll_us = static_cast<std::uint32_t>(us);
        } else {
            return usage();
        }
    }
    if (options.vm.empty()) {
        return usage();
    }
    std::signal(SIGPIPE, SIG_IGN);
    install_fault_guard();
    std::string why;
    if (!enter_seccomp(&why)) {
        std::fprintf(stderr, "prism-vhost-wl %s: seccomp: %s\n", options.vm.c_str(), why.c_str());
        return 1;
    }

    // Waits for one VMM; prism closing the control channel ends the wait.
    pollfd fds[2] = {{shim_wire::kListenFd, POLLIN, 0}, {shim_wire::kControlFd, POLLIN, 0}};
    for (;;) {
        if (poll(fds, 2, -1) < 0) {
            if (errno == EINTR) {
                continue;
            }
            return 1;
        }
        if (fds[1].revents != 0) {
            return 0; // prism went away (or sent something it should not have)
        }
        if (fds[0].revents != 0) {
            break;
        }
    }
    prism::sys::UniqueFd frontend(accept4(shim_wire::kListenFd, nullptr, nullptr, SOCK_CLOEXEC));
    if (!frontend) {
        std::fprintf(stderr, "prism-vhost-wl %s: accept: %s\n", options.vm.c_str(),
                     std::strerror(errno));
        return 1;
    }
    ucred peer{};
    socklen_t length = sizeof(peer);
    if (getsockopt(frontend.get(), SOL_SOCKET, SO_PEERCRED, &peer, &length) == 0) {
        options.vmm_pid = peer.pid;
    }
    std::fprintf(stderr, "prism-vhost-wl %s: VMM connected (pid %d)\n", options.vm.c_str(),
                 static_cast<int>(options.vmm_pid));
    Backend backend(std::move(frontend), options);
    const bool ok = backend.run();
    std::fflush(stderr);
    // _exit: nothing is left to clean up, and exit handlers (a sanitizer's leak check, which
    // would need ptrace) are not in the allow-list.
    _exit(ok ? 0 : 1);
}
