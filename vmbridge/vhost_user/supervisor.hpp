// prism's side of one VM's vhost-user backend (docs/vmbridge.md, "vhost-user"): owns the VM's
// listening vhost-user socket, runs prism-vhost-wl on it, and gives that process a device core
// (a test-transport connection, seqpacket_transport.hpp) each time the VMM starts the queues.
// Guest memory is mapped only in that process, never here.
//
// The process serves one VMM connection and exits; it is started again at once (after a
// second if it lived less than one), so the socket always has a backend. When it exits or
// the VMM resets the device, the device core and every context it opened go; nothing else in
// prism notices.
#pragma once

#include "sys/unique_fd.hpp"
#include "vmbridge/device/seqpacket_transport.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <sys/types.h>
#include <wayland-server-core.h>

namespace prism::vmbridge::vhost_user {

struct SupervisorOptions {
    std::string vm;
    std::filesystem::path socket;  // the vhost-user socket the VMM connects to
    unsigned shmem_bit = 22;       // the SHMEM protocol-feature bit to offer
    std::uint32_t poll_us = 50;    // prism-vhost-wl's watch after activity (--poll-us)
    std::filesystem::path program; // prism-vhost-wl; empty: default_program()
    device::DeviceOptions device;  // for each device core
};

// $PRISM_VHOST_WL if set, else the installed prism-vhost-wl.
std::filesystem::path default_program();

class Supervisor {
public:
    enum class State { Waiting, Negotiating, Running, Restarting };
    struct Status {
        State state = State::Waiting;
        pid_t vmm_pid = 0; // the connected VMM (0: none)
        std::uint64_t features = 0;
        std::uint64_t protocol_features = 0;
        pid_t backend_pid = 0; // prism-vhost-wl (0: not running)
        std::uint32_t restarts = 0;
    };

    // Creates the socket (0600, see private_socket.hpp) and starts the process. nullptr with
    // a message in `error` on failure.
    static std::unique_ptr<Supervisor> create(wl_event_loop* loop, SupervisorOptions options,
                                              std::string* error);
    ~Supervisor();
    Supervisor(const Supervisor&) = delete;
    Supervisor& operator=(const Supervisor&) = delete;

    const std::filesystem::path& socket() const { return options_.socket; }
    unsigned shmem_bit() const { return options_.shmem_bit; }
    // Options for the next device core (the current one keeps its own).
    void set_device_options(device::DeviceOptions options);
    // The watch window of the next prism-vhost-wl started (the running one keeps its own).
    void set_poll_us(std::uint32_t poll_us) { options_.poll_us = poll_us; }
    bool connected() const { return devices_->connected(); }
    std::optional<device::DeviceStats> stats() const { return devices_->stats(); }
    const Status& status() const { return status_; }
    static const char* state_name(State state);

private:
    Supervisor() = default;
    bool start(std::string* error);
    void on_exit();
    void log(const std::string& line) const;
    static int handle_control(int fd, std::uint32_t mask, void* data);
    static int handle_restart(void* data);

    wl_event_loop* loop_ = nullptr;
    SupervisorOptions options_;
    sys::PrivateSocket listen_;
    sys::UniqueFd control_;
    wl_event_source* control_source_ = nullptr;
    wl_event_source* restart_timer_ = nullptr;
    std::unique_ptr<device::SeqpacketListener> devices_;
    std::chrono::steady_clock::time_point started_;
    Status status_;
};

} // namespace prism::vmbridge::vhost_user
