// Per-VM budgets of surfaces, windows and subsurface nesting ([limits] surfaces, windows,
// max_subsurface_depth).
//
// Each is counted per origin across all its clients (a VM can open many connections): every
// wl_surface, every xdg_toplevel, and for every wl_subcompositor.get_subsurface the depth of
// the tree it would make. The client whose request goes past a limit gets a protocol error
// (wl_display.error no_memory, "limits.KEY = N reached") and is disconnected, alone; the
// protocol error log names its origin. The host's own programs are not counted; sandboxes and
// unattributed clients are, with the default limits.
//
// The depth check runs before wlroots handles get_subsurface (a protocol logger sees every
// request first), so no tree deeper than the limit ever exists. A surface's height (how deep
// the subsurfaces below it go) is kept as the most it has ever been: a surface that held a
// deep subtree once may be refused a place that only its current subtree would fit.
#pragma once

#include "compositor/listener.hpp"
#include "compositor/wlr.hpp"
#include "config/config.hpp"
#include "origins/client_origins.hpp"

#include <functional>
#include <memory>
#include <string>
#include <unordered_map>

namespace prism {

class SurfaceBudgets {
public:
    using LimitsOf = std::function<config::VmLimits(const origins::Origin&)>;

    SurfaceBudgets(wl_display* display, wlr_compositor* compositor,
                   const origins::ClientOrigins& origins, LimitsOf limits_of);
    ~SurfaceBudgets();
    SurfaceBudgets(const SurfaceBudgets&) = delete;
    SurfaceBudgets& operator=(const SurfaceBudgets&) = delete;

    // Counts a new xdg_toplevel against its origin's limits.windows. False when the origin is
    // at the limit: its client has been sent a protocol error, and the caller must not show
    // the toplevel (the client is disconnected once this request returns).
    bool admit_toplevel(wlr_xdg_toplevel* toplevel);

    // Live surfaces and toplevels of an origin (by its display name), for prismctl.
    std::size_t surfaces(const std::string& origin) const;
    std::size_t toplevels(const std::string& origin) const;

private:
    struct Counts {
        std::size_t surfaces = 0;
        std::size_t toplevels = 0;
    };
    struct SurfaceRecord {
        std::string origin;
        // How deep the subsurfaces below this surface have ever gone (0: none).
        std::uint32_t height = 0;
        Listener<void> destroy;
    };
    struct ToplevelRecord {
        std::string origin;
        Listener<void> destroy;
    };

    void handle_new_surface(wlr_surface* surface);
    // get_subsurface(surface, parent), seen before wlroots handles it.
    void check_subsurface(wl_resource* subcompositor, wl_resource* surface, wl_resource* parent);
    static void log_request(void* data, wl_protocol_logger_type type,
                            const wl_protocol_logger_message* message);
    // Sends the client the protocol error for reaching `key` = `limit`.
    static void refuse(wl_client* client, const char* key, std::uint32_t limit);
    void release(const std::string& origin, std::size_t Counts::* field);

    const origins::ClientOrigins& origins_;
    LimitsOf limits_of_;
    wl_protocol_logger* logger_ = nullptr;
    Listener<wlr_surface> new_surface_;
    std::unordered_map<const wlr_surface*, std::unique_ptr<SurfaceRecord>> surfaces_;
    std::unordered_map<const wlr_xdg_toplevel*, std::unique_ptr<ToplevelRecord>> toplevels_;
    std::unordered_map<std::string, Counts> counts_;
};

} // namespace prism
