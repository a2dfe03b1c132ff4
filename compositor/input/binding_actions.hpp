// What prism's key bindings do ([bindings] in prism.toml, config::Action): window management on
// the desktop, x-ray, the screen lock, virtual terminal switches, and the two the server carries
// out itself (reload, quit). Any binding also frees a pointer a window has locked: the user's
// way out of a pointer lock is always a prism binding.
#pragma once

#include "compositor/input/pointer_constraints.hpp"
#include "compositor/lock/session_lock.hpp"
#include "compositor/model/desktop.hpp"
#include "compositor/wlr.hpp"
#include "config/config.hpp"

#include <functional>

namespace prism {

class BindingActions {
public:
    // What only the server can do.
    struct ServerActions {
        std::function<void()> reload; // logs what a rejected reload got wrong
        std::function<void()> quit;
    };

    // `config` is read when an action runs (the running configuration, after any reload);
    // `session` is null when prism runs nested or headless (no VT to switch).
    BindingActions(Desktop& desktop, SessionLock& lock, PointerConstraints& pointer_constraints,
                   wlr_session* session, const config::Config& config, ServerActions server);

    // The keys of `binding` were pressed.
    void run(const config::Binding& binding);
    // The keys of a binding for `action` were released (ends x-ray).
    void release(config::Action action);
    // Ctrl+Alt+F`vt`. False when there is no session to switch.
    bool switch_vt(unsigned vt);

private:
    Desktop& desktop_;
    SessionLock& lock_;
    PointerConstraints& pointer_constraints_;
    wlr_session* session_;
    const config::Config& config_;
    ServerActions server_;
};

} // namespace prism
