// Plays a host sandbox engine (what Flatpak or `waypipe --secctx` do): on the display it is
// started on, it creates a wp_security_context_v1 listening on a new socket, commits the given
// engine, app id and instance id, and runs a command with WAYLAND_DISPLAY set to that socket.
// It exits with the command's status; the context ends when it exits.
//
//   sandbox-client SOCKET ENGINE APP_ID INSTANCE_ID -- COMMAND [ARGS...]
//
// Exit codes: the command's, 2 for bad arguments, 3 when the display offers no security context
// manager, 4 when the socket cannot be made.
#include "security-context-v1-client-protocol.h"

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <string>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <wayland-client.h>

namespace {

wp_security_context_manager_v1* g_manager = nullptr;

void handle_global(void*, wl_registry* registry, std::uint32_t name, const char* interface,
                   std::uint32_t) {
    if (std::strcmp(interface, wp_security_context_manager_v1_interface.name) == 0) {
        g_manager = static_cast<wp_security_context_manager_v1*>(
            wl_registry_bind(registry, name, &wp_security_context_manager_v1_interface, 1));
    }
}
void handle_global_remove(void*, wl_registry*, std::uint32_t) {
}
const wl_registry_listener kRegistryListener = {handle_global, handle_global_remove};

} // namespace

int main(int argc, char** argv) {
    if (argc < 7 || std::strcmp(argv[5], "--") != 0) {
        std::fprintf(stderr, "usage: %s SOCKET ENGINE APP_ID INSTANCE_ID -- COMMAND...\n", argv[0]);
        return 2;
    }
    const std::string path = argv[1];
    wl_display* display = wl_display_connect(nullptr);
    if (display == nullptr) {
        std::fprintf(stderr, "sandbox-client: cannot connect\n");
        return 3;
    }
    wl_registry* registry = wl_display_get_registry(display);
    wl_registry_add_listener(registry, &kRegistryListener, nullptr);
    wl_display_roundtrip(display);
    if (g_manager == nullptr) {
        std::fprintf(stderr, "sandbox-client: no wp_security_context_manager_v1\n");
        return 3;
    }

    const int listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (listen_fd < 0 || path.size() >= sizeof(addr.sun_path)) {
        return 4;
    }
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    unlink(path.c_str());
    if (bind(listen_fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
        listen(listen_fd, 16) != 0) {
        std::perror("sandbox-client: socket");
        return 4;
    }
    // The context lives until the write end of this pipe closes: when this process exits.
    int close_fds[2];
    if (pipe2(close_fds, O_CLOEXEC) != 0) {
        return 4;
    }
    wp_security_context_v1* context =
        wp_security_context_manager_v1_create_listener(g_manager, listen_fd, close_fds[0]);
    close(listen_fd);
    close(close_fds[0]);
    wp_security_context_v1_set_sandbox_engine(context, argv[2]);
    wp_security_context_v1_set_app_id(context, argv[3]);
    wp_security_context_v1_set_instance_id(context, argv[4]);
    wp_security_context_v1_commit(context);
    wp_security_context_v1_destroy(context);
    if (wl_display_roundtrip(display) < 0) {
        std::fprintf(stderr, "sandbox-client: the compositor refused the context\n");
        return 3;
    }
    std::printf("sandbox-client: listening on %s\n", path.c_str());
    std::fflush(stdout);

    const pid_t pid = fork();
    if (pid == 0) {
        setenv("WAYLAND_DISPLAY", path.c_str(), 1);
        execvp(argv[6], argv + 6);
        std::perror("sandbox-client: exec");
        _exit(127);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    wp_security_context_manager_v1_destroy(g_manager);
    wl_registry_destroy(registry);
    wl_display_disconnect(display);
    close(close_fds[1]);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
