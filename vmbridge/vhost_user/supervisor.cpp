#include "vmbridge/vhost_user/supervisor.hpp"

#include "sys/fd_io.hpp"
#include "sys/private_socket.hpp"
#include "vmbridge/vhost_user/protocol.hpp"
#include "vmbridge/vhost_user/shim_wire.hpp"

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

#ifndef PRISM_LIBEXECDIR
#define PRISM_LIBEXECDIR "/usr/local/libexec"
#endif

namespace prism::vmbridge::vhost_user {

namespace {

// A process that lived shorter than this is restarted after kRestartDelay, not at once.
constexpr auto kQuickExit = std::chrono::seconds(1);
constexpr int kRestartDelayMs = 1000;

} // namespace

std::filesystem::path default_program() {
    if (const char* path = std::getenv("PRISM_VHOST_WL"); path != nullptr && *path != '\0') {
        return path;
    }
    return std::filesystem::path(PRISM_LIBEXECDIR) / "prism-vhost-wl";
}

const char* Supervisor::state_name(State state) {
    switch (state) {
    case State::Waiting:
        return "waiting";
    case State::Negotiating:
        return "negotiating";
    case State::Running:
        return "running";
    case State::Restarting:
        return "restarting";
    }
    return "unknown";
}

std::unique_ptr<Supervisor> Supervisor::create(wl_event_loop* loop, SupervisorOptions options,
                                               std::string* error) {
    std::unique_ptr<Supervisor> supervisor(new Supervisor());
    supervisor->loop_ = loop;
    supervisor->options_ = std::move(options);
    if (supervisor->options_.program.empty()) {
        supervisor->options_.program = default_program();
    }
    if (access(supervisor->options_.program.c_str(), X_OK) != 0) {
        *error = "cannot run " + supervisor->options_.program.string() + " (set PRISM_VHOST_WL)";
        return nullptr;
    }
    supervisor->listen_ =
        sys::PrivateSocket::listen(supervisor->options_.socket, SOCK_STREAM, 4, error);
    if (!supervisor->listen_) {
        return nullptr;
    }
    supervisor->devices_ =
        device::SeqpacketListener::create_unbound(loop, supervisor->options_.device);
    supervisor->restart_timer_ = wl_event_loop_add_timer(loop, handle_restart, supervisor.get());
    if (!supervisor->start(error)) {
        return nullptr;
    }
    return supervisor;
}

Supervisor::~Supervisor() {
    devices_.reset();
    if (control_source_ != nullptr) {
        wl_event_source_remove(control_source_);
    }
    if (control_ && status_.backend_pid > 0) {
        // Still ours (its channel is open, so it has not exited and been reaped).
        kill(status_.backend_pid, SIGKILL);
    }
    if (restart_timer_ != nullptr) {
        wl_event_source_remove(restart_timer_);
    }
    // listen_ closes and removes its file (if still ours) as it goes.
}

void Supervisor::log(const std::string& line) const {
    device::log_line(options_.device, line);
}

void Supervisor::set_device_options(device::DeviceOptions options) {
    options_.device = options;
    devices_->set_options(std::move(options));
}

bool Supervisor::start(std::string* error) {
    int ends[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, ends) != 0) {
        *error = std::string("socketpair: ") + std::strerror(errno);
        return false;
    }
    sys::UniqueFd ours(ends[0]);
    sys::UniqueFd theirs(ends[1]);
    const std::string program = options_.program.string();
    const std::string bit = std::to_string(options_.shmem_bit);
    const std::string poll_us = std::to_string(options_.poll_us);
    std::vector<char*> argv = {
        const_cast<char*>(program.c_str()),     const_cast<char*>("--vm"),
        const_cast<char*>(options_.vm.c_str()), const_cast<char*>("--shmem-bit"),
        const_cast<char*>(bit.c_str()),         const_cast<char*>("--poll-us"),
        const_cast<char*>(poll_us.c_str()),     nullptr};
    const pid_t pid = fork();
    if (pid < 0) {
        *error = std::string("fork: ") + std::strerror(errno);
        return false;
    }
    if (pid == 0) {
        // Only async-signal-safe calls from here to exec. Move the two fds to 3 and 4 (through
        // numbers above both, so neither overwrites the other) and close everything else.
        const int listen = fcntl(listen_.fd(), F_DUPFD, 10);
        const int control = fcntl(theirs.get(), F_DUPFD, 10);
        if (listen < 0 || control < 0 || dup2(listen, shim_wire::kListenFd) < 0 ||
            dup2(control, shim_wire::kControlFd) < 0) {
            _exit(127);
        }
        close_range(shim_wire::kControlFd + 1, ~0U, 0);
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, nullptr);
        execv(argv[0], argv.data());
        _exit(127);
    }
    control_ = std::move(ours);
    control_source_ =
        wl_event_loop_add_fd(loop_, control_.get(), WL_EVENT_READABLE, handle_control, this);
    status_.backend_pid = pid;
    status_.state = State::Waiting;
    status_.vmm_pid = 0;
    status_.features = 0;
    status_.protocol_features = 0;
    started_ = std::chrono::steady_clock::now();
    return true;
}

int Supervisor::handle_control(int, std::uint32_t, void* data) {
    auto* self = static_cast<Supervisor*>(data);
    std::uint8_t packet[shim_wire::kStatusSize + 8];
    const ssize_t n = recv(self->control_.get(), packet, sizeof(packet), MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
        return 0;
    }
    if (n != static_cast<ssize_t>(shim_wire::kStatusSize) ||
        load<std::uint32_t>(packet, 0) != shim_wire::kStatus) {
        if (n > 0) {
            self->log("vhost-user: malformed status from prism-vhost-wl");
        }
        self->on_exit();
        return 0;
    }
    const std::span<const std::uint8_t> status(packet, shim_wire::kStatusSize);
    const auto state = load<std::uint32_t>(status, shim_wire::kStatusState);
    self->status_.vmm_pid = static_cast<pid_t>(load<std::uint32_t>(status, shim_wire::kStatusPid));
    self->status_.features = load<std::uint64_t>(status, shim_wire::kStatusFeatures);
    self->status_.protocol_features = load<std::uint64_t>(status, shim_wire::kStatusProtocol);
    // Any status ends the device before it: a new one is started for every Running.
    self->devices_->disconnect();
    switch (static_cast<shim_wire::State>(state)) {
    case shim_wire::State::Waiting:
        self->status_.state = State::Waiting;
        break;
    case shim_wire::State::Negotiating:
        self->status_.state = State::Negotiating;
        break;
    case shim_wire::State::Running: {
        self->status_.state = State::Running;
        int ends[2];
        if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, ends) != 0) {
            self->log("vhost-user: socketpair failed; restarting the backend");
            self->on_exit();
            return 0;
        }
        sys::UniqueFd theirs(ends[1]);
        self->devices_->adopt(sys::UniqueFd(ends[0]));
        std::uint8_t reply[shim_wire::kDeviceSize];
        store<std::uint32_t>(reply, 0, shim_wire::kDevice);
        const int raw = theirs.get();
        if (sys::send_with_fds(self->control_.get(), reply, {&raw, 1}) < 0) {
            self->on_exit();
        }
        break;
    }
    default:
        self->log("vhost-user: unknown state from prism-vhost-wl");
        self->on_exit();
        break;
    }
    return 0;
}

void Supervisor::on_exit() {
    devices_->disconnect();
    if (control_source_ != nullptr) {
        wl_event_source_remove(control_source_);
        control_source_ = nullptr;
    }
    control_.reset();
    status_ = Status{State::Restarting, 0, 0, 0, 0, status_.restarts + 1};
    const bool quick = std::chrono::steady_clock::now() - started_ < kQuickExit;
    log("vhost-user: prism-vhost-wl exited; starting it again" +
        std::string(quick ? " in 1 s" : ""));
    wl_event_source_timer_update(restart_timer_, quick ? kRestartDelayMs : 1);
}

int Supervisor::handle_restart(void* data) {
    auto* self = static_cast<Supervisor*>(data);
    std::string error;
    if (!self->start(&error)) {
        self->log("vhost-user: cannot start prism-vhost-wl: " + error);
        wl_event_source_timer_update(self->restart_timer_, kRestartDelayMs);
    }
    return 0;
}

} // namespace prism::vmbridge::vhost_user
