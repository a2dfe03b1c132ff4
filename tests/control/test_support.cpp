#include "tests/control/test_support.hpp"

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <system_error>

#include <fcntl.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <wayland-server-core.h>

extern char** environ;

namespace prism::control::test {

namespace {

[[noreturn]] void fail_errno(const std::string& what) {
    throw std::system_error(errno, std::generic_category(), what);
}

std::string slurp(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream content;
    content << in.rdbuf();
    return content.str();
}

} // namespace

TempDir::TempDir() {
    const char* base = std::getenv("TMPDIR");
    std::string pattern =
        std::string(base != nullptr && *base ? base : "/tmp") + "/prism-ctl-XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) {
        fail_errno("mkdtemp");
    }
    path_ = pattern;
}

TempDir::~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
}

void LoopDeleter::operator()(wl_event_loop* loop) const {
    wl_event_loop_destroy(loop);
}

LoopPtr make_loop() {
    wl_event_loop* loop = wl_event_loop_create();
    if (loop == nullptr) {
        throw std::runtime_error("wl_event_loop_create failed");
    }
    return LoopPtr(loop);
}

bool pump_until(wl_event_loop* loop, const std::function<bool()>& done,
                std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done()) {
        if (std::chrono::steady_clock::now() >= deadline) {
            return done();
        }
        wl_event_loop_dispatch(loop, 5);
    }
    return true;
}

RawClient::RawClient(wl_event_loop* loop, const std::filesystem::path& path)
    : loop_(loop) {
    fd_ = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd_ < 0) {
        fail_errno("socket");
    }
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, path.c_str(), sizeof(address.sun_path) - 1);
    if (connect(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof(address)) != 0) {
        const int error = errno;
        close(fd_);
        errno = error;
        fail_errno("connect " + path.native());
    }
}

RawClient::~RawClient() {
    close(fd_);
}

void RawClient::send(std::string_view bytes) {
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (!bytes.empty()) {
        const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        if (n > 0) {
            bytes.remove_prefix(static_cast<std::size_t>(n));
            continue;
        }
        if (n < 0 && errno != EAGAIN && errno != EINTR) {
            fail_errno("send");
        }
        if (std::chrono::steady_clock::now() >= deadline) {
            throw std::runtime_error("send timed out");
        }
        wl_event_loop_dispatch(loop_, 5);
    }
}

void RawClient::shutdown_write() {
    ::shutdown(fd_, SHUT_WR);
}

std::string RawClient::read_available() {
    std::string data;
    char buffer[65536];
    for (;;) {
        const ssize_t n = recv(fd_, buffer, sizeof(buffer), MSG_DONTWAIT);
        if (n <= 0) {
            return data;
        }
        data.append(buffer, static_cast<std::size_t>(n));
    }
}

std::optional<std::string> RawClient::read_line(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    char buffer[65536];
    for (;;) {
        if (const auto newline = pending_.find('\n'); newline != std::string::npos) {
            std::string line = pending_.substr(0, newline + 1);
            pending_.erase(0, newline + 1);
            return line;
        }
        const ssize_t n = recv(fd_, buffer, sizeof(buffer), MSG_DONTWAIT);
        if (n > 0) {
            pending_.append(buffer, static_cast<std::size_t>(n));
            continue;
        }
        if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
            return std::nullopt;
        }
        if (std::chrono::steady_clock::now() >= deadline) {
            return std::nullopt;
        }
        wl_event_loop_dispatch(loop_, 5);
    }
}

std::optional<std::string> RawClient::request(std::string_view line) {
    send(line);
    return read_line();
}

std::optional<std::string> RawClient::read_until_closed(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    std::string data = std::move(pending_);
    pending_.clear();
    char buffer[65536];
    for (;;) {
        const ssize_t n = recv(fd_, buffer, sizeof(buffer), MSG_DONTWAIT);
        if (n > 0) {
            data.append(buffer, static_cast<std::size_t>(n));
            continue;
        }
        // Unix sockets report ECONNRESET instead of EOF when the peer closed with unread input.
        if (n == 0 || (errno != EAGAIN && errno != EINTR)) {
            return data;
        }
        if (std::chrono::steady_clock::now() >= deadline) {
            return std::nullopt;
        }
        wl_event_loop_dispatch(loop_, 5);
    }
}

ProcessResult run_process(wl_event_loop* loop, const std::vector<std::string>& argv,
                          const std::map<std::string, std::string>& env,
                          std::chrono::milliseconds timeout) {
    TempDir dir;
    const auto out_path = dir.path() / "stdout";
    const auto err_path = dir.path() / "stderr";

    std::vector<std::string> environment;
    for (char** entry = environ; *entry != nullptr; ++entry) {
        const std::string_view variable(*entry);
        const std::string_view name = variable.substr(0, variable.find('='));
        if (name == "PRISM_SOCKET" || name == "XDG_RUNTIME_DIR" || name == "PRISMCTL_TIMEOUT_MS" ||
            env.contains(std::string(name))) {
            continue;
        }
        environment.emplace_back(variable);
    }
    for (const auto& [name, value] : env) {
        environment.push_back(name + "=" + value);
    }
    std::vector<char*> envp;
    for (auto& entry : environment) {
        envp.push_back(entry.data());
    }
    envp.push_back(nullptr);
    std::vector<std::string> args = argv;
    std::vector<char*> argp;
    for (auto& arg : args) {
        argp.push_back(arg.data());
    }
    argp.push_back(nullptr);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0600);
    posix_spawn_file_actions_addopen(&actions, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                     0600);
    pid_t pid = -1;
    const int rc = posix_spawn(&pid, argp[0], &actions, nullptr, argp.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) {
        errno = rc;
        fail_errno("posix_spawn " + argv.at(0));
    }

    int status = 0;
    bool exited = false;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!exited) {
        const pid_t waited = waitpid(pid, &status, WNOHANG);
        if (waited == pid) {
            exited = true;
            break;
        }
        if (std::chrono::steady_clock::now() >= deadline) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            break;
        }
        if (loop != nullptr) {
            wl_event_loop_dispatch(loop, 5);
        } else {
            usleep(5000);
        }
    }

    ProcessResult result;
    if (exited && WIFEXITED(status)) {
        result.exit_code = WEXITSTATUS(status);
    }
    result.out = slurp(out_path);
    result.err = slurp(err_path);
    return result;
}

std::string prismctl_path() {
    const char* path = std::getenv("PRISMCTL");
    if (path == nullptr || *path == '\0') {
        throw std::runtime_error("PRISMCTL is not set; run the tests through meson test");
    }
    return path;
}

} // namespace prism::control::test
