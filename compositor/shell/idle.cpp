#include "compositor/shell/idle.hpp"

#include "compositor/model/view.hpp"

namespace prism {

// One inhibitor: whose it is, and the surface it is on (whose mapping changes whether it holds).
struct Idle::Entry {
    Entry(Idle& idle, wlr_idle_inhibitor_v1* inhibitor, origins::Origin origin)
        : inhibitor(inhibitor)
        , origin(std::move(origin)) {
        destroy.connect(&inhibitor->events.destroy, [&idle, this](void*) {
            // This entry (and this very callback) goes: only what is on the stack is used after.
            Idle* owner = &idle;
            const Entry* gone = this;
            owner->entries_.remove_if([gone](const auto& entry) { return entry.get() == gone; });
            owner->update();
        });
        map.connect(&inhibitor->surface->events.map, [&idle](void*) { idle.update(); });
        unmap.connect(&inhibitor->surface->events.unmap, [&idle](void*) { idle.update(); });
    }

    wlr_idle_inhibitor_v1* inhibitor;
    origins::Origin origin;
    Listener<void> destroy, map, unmap;
};

Idle::Idle(wl_display* display, const origins::ClientOrigins& origins, const VmManager& vms)
    : origins_(origins)
    , vms_(vms)
    , notifier_(wlr_idle_notifier_v1_create(display))
    , inhibit_manager_(wlr_idle_inhibit_v1_create(display)) {
    new_inhibitor_.connect(
        &inhibit_manager_->events.new_inhibitor, [this](wlr_idle_inhibitor_v1* inhibitor) {
            const origins::Origin origin =
                origins_.origin_of(wl_resource_get_client(inhibitor->resource));
            entries_.push_back(std::make_unique<Entry>(*this, inhibitor, origin));
            update();
        });
}

Idle::~Idle() {
    new_inhibitor_.disconnect();
    entries_.clear();
}

void Idle::activity(wlr_seat* seat) {
    wlr_idle_notifier_v1_notify_activity(notifier_, seat);
}

void Idle::update() {
    bool inhibited = false;
    for (const auto& entry : entries_) {
        if (may_inhibit(entry->origin, entry->inhibitor->surface)) {
            inhibited = true;
            break;
        }
    }
    if (inhibited != inhibited_) {
        inhibited_ = inhibited;
        wlr_log(WLR_DEBUG, "idle %s", inhibited ? "inhibited" : "no longer inhibited");
        wlr_idle_notifier_v1_set_inhibited(notifier_, inhibited);
    }
}

bool Idle::may_inhibit(const origins::Origin& origin, wlr_surface* surface) const {
    if (origin.is_host()) {
        return true;
    }
    const config::VmConfig* vm = origin.is_vm() ? vms_.find(origin.vm_name()) : nullptr;
    if (vm == nullptr || vm->idle_inhibit == config::IdleInhibit::Never) {
        return false;
    }
    // WhileVisible: only on a window of the VM's that is shown now.
    const View* view = View::from_surface(wlr_surface_get_root_surface(surface));
    return view != nullptr && view->mapped() && view->origin() == origin;
}

std::vector<Idle::Inhibitor> Idle::inhibitors() const {
    std::vector<Inhibitor> result;
    for (const auto& entry : entries_) {
        const View* view =
            View::from_surface(wlr_surface_get_root_surface(entry->inhibitor->surface));
        result.push_back(Inhibitor{std::string(entry->origin.display_name()),
                                   view != nullptr ? view->title() : std::string(),
                                   may_inhibit(entry->origin, entry->inhibitor->surface)});
    }
    return result;
}

} // namespace prism
