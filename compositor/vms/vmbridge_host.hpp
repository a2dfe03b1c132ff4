// One VM's virtio-wl device inside prism (docs/vmbridge.md), reachable through the test
// transport socket or, with `transport = "vhost-user"`, through prism-vhost-wl, the vhost-user
// backend process a VMM drives (vmbridge/vhost_user/supervisor.hpp). Every Wayland context the
// device opens is a client of this display with the VM's origin, set by
// ClientOrigins::create_vm_client before a byte of it is read.
#pragma once

#include "config/config.hpp"
#include "origins/client_origins.hpp"
#include "vmbridge/device/seqpacket_transport.hpp"
#include "vmbridge/vhost_user/supervisor.hpp"

#include <filesystem>
#include <memory>
#include <optional>
#include <string>

namespace prism {

class VmbridgeHost {
public:
    // Opens `vm.vmbridge.socket`. nullptr with a message in `error` on failure.
    static std::unique_ptr<VmbridgeHost> create(wl_event_loop* loop,
                                                origins::ClientOrigins& origins,
                                                const config::VmConfig& vm, std::string* error);
    ~VmbridgeHost();
    VmbridgeHost(const VmbridgeHost&) = delete;
    VmbridgeHost& operator=(const VmbridgeHost&) = delete;

    // New limits and context names; they apply from the next connection of the VMM.
    void reconfigure(const config::VmConfig& vm);

    // Whether `vm`'s [vmbridge] keeps this host (same transport and socket) across a reload.
    bool can_keep(const config::VmConfig& vm) const;

    const std::filesystem::path& socket() const {
        return supervisor_ ? supervisor_->socket() : listener_->path();
    }
    bool connected() const {
        return supervisor_ ? supervisor_->connected() : listener_->connected();
    }
    std::optional<vmbridge::device::DeviceStats> stats() const {
        return supervisor_ ? supervisor_->stats() : listener_->stats();
    }
    // The vhost-user backend's state; nullptr with the test transport.
    const vmbridge::vhost_user::Supervisor* vhost_user() const { return supervisor_.get(); }

private:
    VmbridgeHost(origins::ClientOrigins& origins, std::string vm);
    vmbridge::device::DeviceOptions options_for(const config::VmConfig& vm);

    origins::ClientOrigins& origins_;
    std::string vm_;
    std::unique_ptr<vmbridge::device::SeqpacketListener> listener_; // transport = "test"
    std::unique_ptr<vmbridge::vhost_user::Supervisor> supervisor_;  // transport = "vhost-user"
    unsigned shmem_bit_ = 0;
};

} // namespace prism
