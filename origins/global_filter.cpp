#include "origins/global_filter.hpp"

#include "origins/global_policy.hpp"

namespace prism::origins {

GlobalFilter::GlobalFilter(wl_display* display, const ClientOrigins& origins,
                           AllowListLookup allow_list_of, SandboxAllowLookup sandbox_allow)
    : display_(display)
    , origins_(origins)
    , allow_list_of_(std::move(allow_list_of))
    , sandbox_allow_(std::move(sandbox_allow)) {
    wl_display_set_global_filter(display_, &GlobalFilter::filter, this);
}

GlobalFilter::~GlobalFilter() {
    wl_display_set_global_filter(display_, nullptr, nullptr);
}

bool GlobalFilter::visible(const wl_client* client, const wl_global* global) const {
    const Origin origin = origins_.origin_of(client);
    if (origin.is_host()) {
        return true;
    }
    static const std::vector<std::string> kNone; // without [sandbox] allow: the VM-safe ones
    const auto& allow = origin.is_vm()                          ? allow_list_of_(origin.vm_name())
                        : origin.is_sandbox() && sandbox_allow_ ? sandbox_allow_()
                                                                : kNone;
    return may_see(origin, wl_global_get_interface(global)->name, allow);
}

bool GlobalFilter::filter(const wl_client* client, const wl_global* global, void* data) {
    return static_cast<const GlobalFilter*>(data)->visible(client, global);
}

} // namespace prism::origins
