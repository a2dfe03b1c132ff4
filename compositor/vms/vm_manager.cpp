#include "compositor/vms/vm_manager.hpp"

#include "compositor/wlr.hpp"

#include <unistd.h>

namespace prism {

VmManager::VmManager(wl_event_loop* loop, origins::ClientOrigins& origins)
    : loop_(loop)
    , origins_(origins) {
}

VmManager::~VmManager() = default;

std::unique_ptr<origins::VmSocket> VmManager::open_socket(const std::filesystem::path& path,
                                                          std::shared_ptr<std::string> accept_as,
                                                          std::string* error) {
    return origins::VmSocket::create(
        loop_, path, [this, accept_as](int fd) { return accept(fd, *accept_as); }, error,
        [accept_as](const std::string& line) {
            wlr_log(WLR_ERROR, "vm %s: %s", accept_as->c_str(), line.c_str());
        });
}

bool VmManager::accept(int fd, const std::string& vm) {
    // limits.connections: one more is closed at once, so a VM cannot take prism to its fd limit
    // (and everyone else's connections with it). Refusals are logged at most once every
    // kRefusalLogInterval per VM, with the number left out.
    const config::VmConfig* config = find(vm);
    const std::size_t limit = static_cast<std::size_t>(
        config != nullptr ? config->limits.connections : config::VmLimits{}.connections);
    if (origins_.vm_client_count(vm) >= limit) {
        close(fd);
        Refusals& refusals = refusals_[vm];
        const auto now = std::chrono::steady_clock::now();
        if (!refusals.logged || now - refusals.last_log >= kRefusalLogInterval) {
            wlr_log(WLR_ERROR,
                    "vm %s: refusing a connection: limits.connections = %zu reached (%lu more "
                    "refused since the last line)",
                    vm.c_str(), limit, refusals.unlogged);
            refusals.logged = true;
            refusals.last_log = now;
            refusals.unlogged = 0;
        } else {
            ++refusals.unlogged;
        }
        return true;
    }
    wl_client* client = origins_.create_vm_client(fd, vm);
    if (client == nullptr) {
        return false; // the socket's AcceptPause logs it (rate-limited) and pauses if need be
    }
    pid_t pid = 0;
    wl_client_get_credentials(client, &pid, nullptr, nullptr);
    wlr_log(WLR_INFO, "vm %s: client connected (peer pid %d)", vm.c_str(), static_cast<int>(pid));
    return true;
}

bool VmManager::apply(const std::vector<config::VmConfig>& vms, std::vector<std::string>* errors) {
    // Sockets that stay at the same path are kept (their clients stay connected); the rest are
    // created now, before anything is torn down, so a failure changes nothing.
    std::map<std::string, Vm> next;
    std::map<std::filesystem::path, Vm*> current_by_path;
    for (auto& [name, vm] : vms_) {
        current_by_path[vm.config.socket] = &vm;
    }
    bool ok = true;
    for (const auto& config : vms) {
        Vm vm;
        vm.config = config;
        auto reuse = current_by_path.find(config.socket);
        if (reuse == current_by_path.end()) {
            vm.accept_as = std::make_shared<std::string>(config.name);
            std::string error;
            vm.socket = open_socket(config.socket, vm.accept_as, &error);
            if (!vm.socket) {
                errors->push_back("vm " + config.name + ": " + error);
                ok = false;
            }
        }
        // The virtio-wl device keeps its socket (and a connected VMM) when the path stays.
        auto old = vms_.find(config.name);
        const bool keep_bridge =
            old != vms_.end() && old->second.bridge && old->second.bridge->can_keep(config);
        if (config.vmbridge.enabled && !keep_bridge) {
            std::string error;
            vm.bridge = VmbridgeHost::create(loop_, origins_, config, &error);
            if (!vm.bridge) {
                errors->push_back("vm " + config.name + ": vmbridge: " + error);
                ok = false;
            }
        }
        next.emplace(config.name, std::move(vm));
    }
    if (!ok) {
        return false; // `next` and its new sockets go away; the running set is untouched
    }

    // Commit: hand kept sockets over, then disconnect the clients of VMs that are gone or
    // whose socket was replaced by another VM's.
    for (auto& [name, vm] : next) {
        auto previous = vms_.find(name);
        if (vm.config.vmbridge.enabled && !vm.bridge && previous != vms_.end()) {
            vm.bridge = std::move(previous->second.bridge);
            vm.bridge->reconfigure(vm.config);
        }
        if (vm.socket) {
            continue;
        }
        Vm* old = current_by_path.at(vm.config.socket);
        vm.socket = std::move(old->socket);
        vm.accept_as = std::move(old->accept_as);
        *vm.accept_as = name;
    }
    for (auto& [name, old] : vms_) {
        if (next.count(name) == 0) {
            for (wl_client* client : origins_.clients_of(origins::Origin::vm(name))) {
                wlr_log(WLR_INFO, "vm %s: removed from the configuration; disconnecting client",
                        name.c_str());
                wl_client_destroy(client);
            }
        }
    }
    vms_ = std::move(next);
    for (const auto& [name, vm] : vms_) {
        wlr_log(WLR_INFO, "vm %s: listening on %s", name.c_str(), vm.config.socket.c_str());
        if (vm.bridge) {
            wlr_log(WLR_INFO, "vm %s: vmbridge %s on %s", name.c_str(),
                    vm.bridge->vhost_user() != nullptr ? "vhost-user backend" : "test transport",
                    vm.bridge->socket().c_str());
        }
    }
    return true;
}

const config::VmConfig* VmManager::find(const std::string& name) const {
    auto it = vms_.find(name);
    return it == vms_.end() ? nullptr : &it->second.config;
}

bool VmManager::allows_fullscreen(const origins::Origin& origin) const {
    if (origin.is_host()) {
        return true;
    }
    const config::VmConfig* vm = origin.is_vm() ? find(origin.vm_name()) : nullptr;
    return vm != nullptr && vm->allow_fullscreen;
}

const std::vector<std::string>& VmManager::allow_list(const std::string& name) const {
    static const std::vector<std::string> kEmpty;
    const config::VmConfig* vm = find(name);
    return vm != nullptr ? vm->allowed_globals : kEmpty;
}

std::vector<const config::VmConfig*> VmManager::all() const {
    std::vector<const config::VmConfig*> result;
    for (const auto& [name, vm] : vms_) {
        result.push_back(&vm.config);
    }
    return result;
}

const VmbridgeHost* VmManager::bridge(const std::string& name) const {
    auto it = vms_.find(name);
    return it == vms_.end() ? nullptr : it->second.bridge.get();
}

void VmManager::clear() {
    vms_.clear();
}

} // namespace prism
