// prism: a Wayland compositor that keeps virtual machines apart.
#include "compositor/fd_limit.hpp"
#include "compositor/server.hpp"

#include <csignal>
#include <cstdio>
#include <getopt.h>
#include <string>
#include <vector>

namespace {

void usage(FILE* out) {
    std::fputs(
        "Usage: prism [options]\n"
        "\n"
        "A Wayland compositor for desktops where every application runs in its own VM.\n"
        "\n"
        "  -c, --config DIR      configuration directory (default $XDG_CONFIG_HOME/prism)\n"
        "      --check-config    check the configuration, print every error, and exit\n"
        "  -s, --startup CMD     run CMD once prism is ready (may be repeated)\n"
        "  -d, --debug           verbose logging\n"
        "  -v, --version         print the version and exit\n"
        "  -h, --help            print this help and exit\n"
        "\n"
        "The backend is chosen by wlroots (WLR_BACKENDS is honoured): nested in a Wayland or\n"
        "X11 session, DRM/KMS on a TTY, and headless when there is neither a display nor a GPU.\n",
        out);
}

std::filesystem::path default_config_dir() {
    if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg != nullptr && xdg[0] == '/') {
        return std::filesystem::path(xdg) / "prism";
    }
    if (const char* home = std::getenv("HOME"); home != nullptr && home[0] != '\0') {
        return std::filesystem::path(home) / ".config" / "prism";
    }
    return "/etc/prism";
}

} // namespace

int main(int argc, char** argv) {
    enum { OptCheckConfig = 1000 };
    static const option kOptions[] = {
        {"config", required_argument, nullptr, 'c'},
        {"check-config", no_argument, nullptr, OptCheckConfig},
        {"startup", required_argument, nullptr, 's'},
        {"debug", no_argument, nullptr, 'd'},
        {"version", no_argument, nullptr, 'v'},
        {"help", no_argument, nullptr, 'h'},
        {nullptr, 0, nullptr, 0},
    };
    prism::Server::Options options;
    options.config_dir = default_config_dir();
    bool check_only = false;
    bool debug = false;
    for (;;) {
        const int opt = getopt_long(argc, argv, "c:s:dvh", kOptions, nullptr);
        if (opt == -1) {
            break;
        }
        switch (opt) {
        case 'c':
            options.config_dir = optarg;
            break;
        case OptCheckConfig:
            check_only = true;
            break;
        case 's':
            options.startup_commands.emplace_back(optarg);
            break;
        case 'd':
            debug = true;
            break;
        case 'v':
            std::printf("prism %s (wlroots %s, wayland %s)\n", PRISM_VERSION, WLR_VERSION_STR,
                        WAYLAND_VERSION);
            return 0;
        case 'h':
            usage(stdout);
            return 0;
        default:
            usage(stderr);
            return 2;
        }
    }
    if (optind < argc) {
        std::fprintf(stderr, "prism: unexpected argument '%s'\n", argv[optind]);
        usage(stderr);
        return 2;
    }

    prism::config::LoadResult loaded = prism::load_and_validate(options.config_dir);
    for (const auto& error : loaded.errors) {
        std::fprintf(stderr, "%s\n", error.to_string().c_str());
    }
    if (check_only) {
        if (!loaded.config) {
            std::fprintf(stderr, "prism: %zu error(s) in %s\n", loaded.errors.size(),
                         options.config_dir.c_str());
            return 1;
        }
        std::printf("%s: configuration OK (%zu VMs)\n", options.config_dir.c_str(),
                    loaded.config->vms.size());
        return 0;
    }
    if (!loaded.config) {
        std::fprintf(stderr, "prism: not starting: fix the configuration in %s\n",
                     options.config_dir.c_str());
        return 1;
    }

    // A client that closes its end of a pipe or socket prism writes to must cost prism an
    // EPIPE, not its life. Programs prism starts get the default back (Server::spawn).
    std::signal(SIGPIPE, SIG_IGN);
    prism::raise_fd_limit();
    wlr_log_init(debug ? WLR_DEBUG : WLR_INFO, nullptr);
    auto server = prism::Server::create(std::move(*loaded.config), std::move(options));
    if (!server || !server->start()) {
        return 1;
    }
    server->run();
    wlr_log(WLR_INFO, "prism: exiting");
    return 0;
}
