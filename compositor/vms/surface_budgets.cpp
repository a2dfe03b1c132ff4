#include "compositor/vms/surface_budgets.hpp"

#include <algorithm>
#include <cstring>

namespace prism {

namespace {

// How many wl_subsurface links lead from `surface` up to the root of its tree, counting at
// most `cap` (the trees are kept within the limit, so the walk is short).
std::uint32_t depth_of(wlr_surface* surface, std::uint32_t cap) {
    std::uint32_t depth = 0;
    while (depth <= cap) {
        const wlr_subsurface* subsurface = wlr_subsurface_try_from_wlr_surface(surface);
        if (subsurface == nullptr || subsurface->parent == nullptr) {
            break;
        }
        surface = subsurface->parent;
        ++depth;
    }
    return depth;
}

} // namespace

SurfaceBudgets::SurfaceBudgets(wl_display* display, wlr_compositor* compositor,
                               const origins::ClientOrigins& origins, LimitsOf limits_of)
    : origins_(origins)
    , limits_of_(std::move(limits_of))
    , logger_(wl_display_add_protocol_logger(display, &SurfaceBudgets::log_request, this)) {
    new_surface_.connect(&compositor->events.new_surface,
                         [this](wlr_surface* surface) { handle_new_surface(surface); });
}

SurfaceBudgets::~SurfaceBudgets() {
    if (logger_ != nullptr) {
        wl_protocol_logger_destroy(logger_);
    }
}

void SurfaceBudgets::refuse(wl_client* client, const char* key, std::uint32_t limit) {
    // On the display: wl_display.error no_memory is what a client expects when the compositor
    // will not hold more for it. ProtocolErrorLog logs it with the client's origin.
    wl_resource* display = wl_client_get_object(client, 1);
    if (display != nullptr) {
        wl_resource_post_error(display, WL_DISPLAY_ERROR_NO_MEMORY, "limits.%s = %u reached", key,
                               limit);
    } else {
        wl_client_post_no_memory(client);
    }
}

void SurfaceBudgets::release(const std::string& origin, std::size_t Counts::* field) {
    auto it = counts_.find(origin);
    if (it == counts_.end()) {
        return;
    }
    --(it->second.*field);
    if (it->second.surfaces == 0 && it->second.toplevels == 0) {
        counts_.erase(it); // sandbox instances come and go
    }
}

void SurfaceBudgets::handle_new_surface(wlr_surface* surface) {
    wl_client* client = wl_resource_get_client(surface->resource);
    const origins::Origin origin = origins_.origin_of(client);
    if (origin.is_host()) {
        return;
    }
    std::string name{origin.display_name()};
    const std::uint32_t limit = limits_of_(origin).surfaces;
    Counts& counts = counts_[name];
    if (counts.surfaces >= limit) {
        refuse(client, "surfaces", limit);
        return; // not counted: it goes with its client
    }
    ++counts.surfaces;
    auto record = std::make_unique<SurfaceRecord>();
    record->origin = std::move(name);
    record->destroy.connect(&surface->events.destroy, [this, surface](void*) {
        // Erasing the record destroys this very lambda: copy what is used after.
        SurfaceBudgets* self = this;
        auto it = self->surfaces_.find(surface);
        if (it != self->surfaces_.end()) {
            const std::string gone = std::move(it->second->origin);
            self->surfaces_.erase(it);
            self->release(gone, &Counts::surfaces);
        }
    });
    surfaces_[surface] = std::move(record);
}

bool SurfaceBudgets::admit_toplevel(wlr_xdg_toplevel* toplevel) {
    wl_client* client = wl_resource_get_client(toplevel->resource);
    const origins::Origin origin = origins_.origin_of(client);
    if (origin.is_host()) {
        return true;
    }
    std::string name{origin.display_name()};
    const std::uint32_t limit = limits_of_(origin).windows;
    Counts& counts = counts_[name];
    if (counts.toplevels >= limit) {
        refuse(client, "windows", limit);
        return false;
    }
    ++counts.toplevels;
    auto record = std::make_unique<ToplevelRecord>();
    record->origin = std::move(name);
    record->destroy.connect(&toplevel->events.destroy, [this, toplevel](void*) {
        SurfaceBudgets* self = this; // as for surfaces
        auto it = self->toplevels_.find(toplevel);
        if (it != self->toplevels_.end()) {
            const std::string gone = std::move(it->second->origin);
            self->toplevels_.erase(it);
            self->release(gone, &Counts::toplevels);
        }
    });
    toplevels_[toplevel] = std::move(record);
    return true;
}

void SurfaceBudgets::log_request(void* data, wl_protocol_logger_type type,
                                 const wl_protocol_logger_message* message) {
    if (type != WL_PROTOCOL_LOGGER_REQUEST ||
        std::strcmp(wl_resource_get_class(message->resource), "wl_subcompositor") != 0 ||
        std::strcmp(message->message->name, "get_subsurface") != 0 ||
        message->arguments_count != 3) {
        return;
    }
    // Objects of a request are resolved (and type-checked) by libwayland before loggers run.
    auto* self = static_cast<SurfaceBudgets*>(data);
    self->check_subsurface(message->resource,
                           reinterpret_cast<wl_resource*>(message->arguments[1].o),
                           reinterpret_cast<wl_resource*>(message->arguments[2].o));
}

void SurfaceBudgets::check_subsurface(wl_resource* subcompositor, wl_resource* surface_resource,
                                      wl_resource* parent_resource) {
    if (surface_resource == nullptr || parent_resource == nullptr) {
        return; // libwayland refuses a null object here before any handler runs
    }
    wl_client* client = wl_resource_get_client(subcompositor);
    const origins::Origin origin = origins_.origin_of(client);
    if (origin.is_host()) {
        return;
    }
    wlr_surface* surface = wlr_surface_from_resource(surface_resource);
    wlr_surface* parent = wlr_surface_from_resource(parent_resource);
    const std::uint32_t limit = limits_of_(origin).max_subsurface_depth;
    auto record_of = [this](const wlr_surface* s) -> SurfaceRecord* {
        auto it = surfaces_.find(s);
        return it != surfaces_.end() ? it->second.get() : nullptr;
    };
    const SurfaceRecord* own = record_of(surface);
    const std::uint32_t height = own != nullptr ? own->height : 0;
    const std::uint32_t depth = depth_of(parent, limit) + 1 + height;
    if (depth > limit) {
        refuse(client, "max_subsurface_depth", limit);
        return;
    }
    // wlroots may still refuse the request (a surface with a role, a loop): then the client is
    // disconnected, and heights raised here for nothing only err on the safe side.
    std::uint32_t below = height + 1;
    for (wlr_surface* ancestor = parent; ancestor != nullptr && below <= limit; ++below) {
        if (surface == ancestor) {
            break; // a loop wlroots refuses
        }
        if (SurfaceRecord* record = record_of(ancestor)) {
            record->height = std::max(record->height, below);
        }
        const wlr_subsurface* link = wlr_subsurface_try_from_wlr_surface(ancestor);
        ancestor = link != nullptr ? link->parent : nullptr;
    }
}

std::size_t SurfaceBudgets::surfaces(const std::string& origin) const {
    auto it = counts_.find(origin);
    return it != counts_.end() ? it->second.surfaces : 0;
}

std::size_t SurfaceBudgets::toplevels(const std::string& origin) const {
    auto it = counts_.find(origin);
    return it != counts_.end() ? it->second.toplevels : 0;
}

} // namespace prism
