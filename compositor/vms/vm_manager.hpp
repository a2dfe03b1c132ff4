// The configured VMs at run time: each VM's config and its listening socket.
#pragma once

#include "compositor/vms/vmbridge_host.hpp"
#include "config/config.hpp"
#include "origins/client_origins.hpp"
#include "origins/vm_socket.hpp"

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace prism {

class VmManager {
public:
    VmManager(wl_event_loop* loop, origins::ClientOrigins& origins);
    ~VmManager();

    // Makes `vms` the configured set, all or nothing: sockets for new VMs are created first; if
    // any cannot be, nothing changes and `errors` says why. Otherwise removed VMs lose their
    // socket and their clients are disconnected, and changed labels and colours take effect.
    bool apply(const std::vector<config::VmConfig>& vms, std::vector<std::string>* errors);

    const config::VmConfig* find(const std::string& name) const;
    // Whether windows of `origin` may go fullscreen: the host's may, a VM's as its
    // allow_fullscreen says; nobody else's.
    bool allows_fullscreen(const origins::Origin& origin) const;
    // The VM's [protocols] allow list; empty for an unknown VM.
    const std::vector<std::string>& allow_list(const std::string& name) const;
    std::vector<const config::VmConfig*> all() const;
    // The VM's in-prism virtio-wl device ([vmbridge] enabled), or nullptr.
    const VmbridgeHost* bridge(const std::string& name) const;
    // Closes every socket (at shutdown, before the display goes away).
    void clear();

private:
    struct Vm {
        config::VmConfig config;
        std::unique_ptr<origins::VmSocket> socket;
        std::shared_ptr<std::string> accept_as; // the VM name the socket's clients get
        std::unique_ptr<VmbridgeHost> bridge;   // when [vmbridge] enabled
    };
    std::unique_ptr<origins::VmSocket> open_socket(const std::filesystem::path& path,
                                                   std::shared_ptr<std::string> accept_as,
                                                   std::string* error);
    // False (errno set) when no client could be made of `fd`; true when made or refused.
    bool accept(int fd, const std::string& vm);
    // Refused connections of one VM, for rate-limited log lines.
    struct Refusals {
        std::chrono::steady_clock::time_point last_log{};
        bool logged = false;
        unsigned long unlogged = 0;
    };
    // At most one refusal line per VM in this long.
    static constexpr std::chrono::seconds kRefusalLogInterval{10};

    wl_event_loop* loop_;
    origins::ClientOrigins& origins_;
    std::map<std::string, Vm> vms_;
    std::map<std::string, Refusals> refusals_;
};

} // namespace prism
