// Installs the global filter on a display: VM clients see only what global_policy allows.
#pragma once

#include "origins/client_origins.hpp"

#include <functional>
#include <string>
#include <vector>
#include <wayland-server-core.h>

namespace prism::origins {

class GlobalFilter {
public:
    // `allow_list_of(vm)` returns the VM's [protocols] allow list (empty for an unknown VM).
    using AllowListLookup = std::function<const std::vector<std::string>&(const std::string&)>;
    // The allow list of every host sandbox (prism.toml's [sandbox] allow).
    using SandboxAllowLookup = std::function<const std::vector<std::string>&()>;

    GlobalFilter(wl_display* display, const ClientOrigins& origins, AllowListLookup allow_list_of,
                 SandboxAllowLookup sandbox_allow = {});
    ~GlobalFilter();
    GlobalFilter(const GlobalFilter&) = delete;
    GlobalFilter& operator=(const GlobalFilter&) = delete;

    bool visible(const wl_client* client, const wl_global* global) const;

private:
    static bool filter(const wl_client* client, const wl_global* global, void* data);

    wl_display* display_;
    const ClientOrigins& origins_;
    AllowListLookup allow_list_of_;
    SandboxAllowLookup sandbox_allow_;
};

} // namespace prism::origins
