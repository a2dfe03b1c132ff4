// Which Wayland globals a VM client may see.
//
// Every global prism creates is classified exactly once in one table, which lists nothing
// else: VM-safe (any client may bind it) or host-only (hidden from VMs unless a VM's config
// lists it in [protocols] allow), or the host's alone (hidden from VMs whatever their config
// says). Whoever adds a global adds its row here in the same change.
// A global in neither list is hidden from VMs too: default deny. Host clients see everything.
#pragma once

#include "origins/origin.hpp"

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace prism::origins {

enum class GlobalClass {
    VmSafe,    // part of what an ordinary VM application needs; shown to every client
    HostOnly,  // lets a client watch, control or impersonate others; hidden from VMs
    HostAlone, // host-only, and no VM may be allowed it either (the session lock, shortcut
               // inhibition, security contexts, the host desktop's panels, window list and idle
               // notification)
};

struct GlobalRule {
    std::string_view interface;
    GlobalClass cls;
    std::string_view why; // one line: what it is for, or what it would let a VM do
};

// The table, in one place, so tests and docs can read it.
std::span<const GlobalRule> global_rules();

std::optional<GlobalClass> classify(std::string_view interface);

// Whether a client of `origin` may see the global `interface`. `vm_allow` is the VM's
// [protocols] allow list, or for a sandbox prism.toml's [sandbox] allow (ignored for the host).
bool may_see(const Origin& origin, std::string_view interface,
             const std::vector<std::string>& vm_allow);

// Why `interface` may not stand in a VM's [protocols] allow list (a typo or a global prism
// does not create, a VM-safe global that needs no allowing, or one that is the host's alone),
// or nullopt when it names a host-only global.
std::optional<std::string> allow_entry_problem(std::string_view interface);

} // namespace prism::origins
