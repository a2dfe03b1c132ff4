#include "compositor/vms/vmbridge_host.hpp"

#include "compositor/wlr.hpp"

#include <algorithm>
#include <sys/socket.h>
#include <unistd.h>

namespace prism {

VmbridgeHost::VmbridgeHost(origins::ClientOrigins& origins, std::string vm)
    : origins_(origins)
    , vm_(std::move(vm)) {
}

VmbridgeHost::~VmbridgeHost() = default;

std::unique_ptr<VmbridgeHost> VmbridgeHost::create(wl_event_loop* loop,
                                                   origins::ClientOrigins& origins,
                                                   const config::VmConfig& vm, std::string* error) {
    std::unique_ptr<VmbridgeHost> host(new VmbridgeHost(origins, vm.name));
    if (vm.vmbridge.transport == config::VmbridgeTransport::VhostUser) {
        host->supervisor_ =
            vmbridge::vhost_user::Supervisor::create(loop,
                                                     {.vm = vm.name,
                                                      .socket = vm.vmbridge.socket,
                                                      .shmem_bit = vm.vmbridge.shmem_protocol_bit,
                                                      .poll_us = vm.vmbridge.poll_us,
                                                      .program = {},
                                                      .device = host->options_for(vm)},
                                                     error);
        host->shmem_bit_ = vm.vmbridge.shmem_protocol_bit;
        return host->supervisor_ ? std::move(host) : nullptr;
    }
    host->listener_ = vmbridge::device::SeqpacketListener::create(loop, vm.vmbridge.socket,
                                                                  host->options_for(vm), error);
    if (!host->listener_) {
        return nullptr;
    }
    return host;
}

bool VmbridgeHost::can_keep(const config::VmConfig& vm) const {
    const bool vhost = vm.vmbridge.transport == config::VmbridgeTransport::VhostUser;
    return socket() == vm.vmbridge.socket && vhost == (supervisor_ != nullptr) &&
           (!vhost || shmem_bit_ == vm.vmbridge.shmem_protocol_bit);
}

void VmbridgeHost::reconfigure(const config::VmConfig& vm) {
    if (supervisor_) {
        supervisor_->set_device_options(options_for(vm));
        supervisor_->set_poll_us(vm.vmbridge.poll_us);
    } else {
        listener_->set_options(options_for(vm));
    }
}

vmbridge::device::DeviceOptions VmbridgeHost::options_for(const config::VmConfig& vm) {
    vmbridge::device::DeviceOptions options;
    options.limits.max_vfds = vm.vmbridge.max_vfds;
    options.limits.max_shm_bytes = vm.vmbridge.max_shm_bytes;
    options.limits.max_queued_messages = vm.vmbridge.max_queued_messages;
    options.log_name = "vmbridge " + vm.name;
    options.log = [](const std::string& line) {
        wlr_log(WLR_INFO, "%s", line.c_str());
    };
    // Every context, named or not, is a client of this compositor with this VM's origin.
    options.connect_context = [this, names = vm.vmbridge.context_names](std::string_view name) {
        if (!name.empty() && std::find(names.begin(), names.end(), name) == names.end()) {
            wlr_log(WLR_INFO, "vmbridge %s: refused a context named \"%.*s\"", vm_.c_str(),
                    static_cast<int>(name.size()), name.data());
            return -1;
        }
        int ends[2];
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ends) != 0) {
            return -1;
        }
        if (origins_.create_vm_client(ends[1], vm_) == nullptr) {
            wlr_log(WLR_ERROR, "vmbridge %s: could not create a Wayland client", vm_.c_str());
            close(ends[0]);
            return -1;
        }
        return ends[0];
    };
    return options;
}

} // namespace prism
