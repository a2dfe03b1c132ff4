// wlr-foreign-toplevel-management: the window list of host panels (waybar's taskbar). Every
// mapped window is listed with its origin first in its title, as its frame shows it
// ("[work] title"), so a panel cannot be made to show a VM's window as the host's. The panel may
// activate, close, maximize or fullscreen a window: those are the user's clicks. The global is
// the host's alone (the global policy): it lists and controls every window.
#pragma once

#include "compositor/listener.hpp"
#include "compositor/model/desktop.hpp"
#include "compositor/wlr.hpp"

#include <map>
#include <memory>

namespace prism {

class ForeignToplevels {
public:
    explicit ForeignToplevels(wl_display* display);
    ~ForeignToplevels();
    ForeignToplevels(const ForeignToplevels&) = delete;
    ForeignToplevels& operator=(const ForeignToplevels&) = delete;

    // The desktop whose windows are listed (created after the global).
    void set_desktop(Desktop* desktop) { desktop_ = desktop; }

    // The view was mapped or unmapped, or its title, app id, focus or state changed.
    void update(View& view);
    // The view is going (or unmapped): its entry goes from the list.
    void forget(const View& view);

private:
    struct Handle;

    wlr_foreign_toplevel_manager_v1* manager_;
    Desktop* desktop_ = nullptr;
    std::map<const View*, std::unique_ptr<Handle>> handles_;
};

} // namespace prism
