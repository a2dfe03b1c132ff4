// Idle: ext-idle-notify-v1 (swayidle: blank or lock after a while without input) and
// idle-inhibit-unstable-v1 (a video player keeping the screen on).
//
// Only the user's input counts as activity: a host keyboard or pointer, physical or a host
// client's virtual one (Seat reports it). A VM's virtual input devices never do.
// Idle notification is the host's alone (the global policy hides it from VMs: it would tell a
// VM when the user is away). Idle inhibition is offered to every client: a host client's
// inhibitor always holds; a VM's holds only as its config's `idle_inhibit` says (by default
// only while the window it is on is mapped).
#pragma once

#include "compositor/listener.hpp"
#include "compositor/vms/vm_manager.hpp"
#include "compositor/wlr.hpp"
#include "origins/client_origins.hpp"

#include <list>
#include <memory>
#include <string>
#include <vector>

namespace prism {

class Idle {
public:
    // `vms` gives each VM's idle_inhibit setting (looked up whenever it matters, so a reload
    // applies at once).
    Idle(wl_display* display, const origins::ClientOrigins& origins, const VmManager& vms);
    ~Idle();
    Idle(const Idle&) = delete;
    Idle& operator=(const Idle&) = delete;

    // The user did something on `seat`: idle timers start again.
    void activity(wlr_seat* seat);
    // Something an inhibitor depends on changed (a window mapped or unmapped, a reload):
    // whether idle is inhibited is worked out again.
    void update();

    struct Inhibitor {
        std::string origin; // "host" or the VM's name
        std::string title;  // of the window it is on; empty when it is on no window
        bool active;        // whether it holds now
    };
    std::vector<Inhibitor> inhibitors() const;
    bool inhibited() const { return inhibited_; }

private:
    struct Entry;

    // Whether an inhibitor of `origin` on `surface` holds now ([vm] idle_inhibit).
    bool may_inhibit(const origins::Origin& origin, wlr_surface* surface) const;

    const origins::ClientOrigins& origins_;
    const VmManager& vms_;
    wlr_idle_notifier_v1* notifier_;
    wlr_idle_inhibit_manager_v1* inhibit_manager_;
    std::list<std::unique_ptr<Entry>> entries_;
    bool inhibited_ = false;
    Listener<wlr_idle_inhibitor_v1> new_inhibitor_;
};

} // namespace prism
