#include "compositor/input/binding_actions.hpp"

#include "compositor/spawn.hpp"

namespace prism {

BindingActions::BindingActions(Desktop& desktop, SessionLock& lock,
                               PointerConstraints& pointer_constraints, wlr_session* session,
                               const config::Config& config, ServerActions server)
    : desktop_(desktop)
    , lock_(lock)
    , pointer_constraints_(pointer_constraints)
    , session_(session)
    , config_(config)
    , server_(std::move(server)) {
}

void BindingActions::run(const config::Binding& binding) {
    pointer_constraints_.release_by_binding();
    View* focused = desktop_.focused();
    switch (binding.action) {
    case config::Action::Terminal:
        spawn(config_.general.terminal);
        break;
    case config::Action::Exec:
        spawn(binding.argument);
        break;
    case config::Action::Close:
        if (focused != nullptr) {
            focused->close();
        }
        break;
    case config::Action::CycleWindows:
        desktop_.cycle_focus();
        break;
    case config::Action::Fullscreen:
        if (focused != nullptr) {
            focused->set_fullscreen(!focused->fullscreen());
        }
        break;
    case config::Action::Maximize:
        if (focused != nullptr) {
            focused->set_maximized(!focused->maximized());
        }
        break;
    case config::Action::Reload:
        server_.reload();
        break;
    case config::Action::Quit:
        server_.quit();
        break;
    case config::Action::XRay:
        desktop_.set_xray(true); // until the key is released
        break;
    case config::Action::Lock:
        lock_.lock_and_start(config_.general.locker);
        break;
    }
}

void BindingActions::release(config::Action action) {
    if (action == config::Action::XRay) {
        desktop_.set_xray(false);
    }
}

bool BindingActions::switch_vt(unsigned vt) {
    if (session_ == nullptr) {
        return false;
    }
    wlr_session_change_vt(session_, vt);
    return true;
}

} // namespace prism
