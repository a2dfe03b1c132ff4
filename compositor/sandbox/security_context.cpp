#include "compositor/sandbox/security_context.hpp"

namespace prism {

SecurityContext::SecurityContext(wl_display* display)
    : manager_(wlr_security_context_manager_v1_create(display)) {
    destroy_.connect(&manager_->events.destroy, [this](void*) {
        manager_ = nullptr;
        destroy_.disconnect();
    });
}

origins::ClientOrigins::SandboxLookup SecurityContext::lookup() const {
    return [this](const wl_client* client) -> std::optional<origins::Origin::Sandbox> {
        if (manager_ == nullptr) {
            return std::nullopt;
        }
        const wlr_security_context_v1_state* state =
            wlr_security_context_manager_v1_lookup_client(manager_, client);
        if (state == nullptr) {
            return std::nullopt;
        }
        const auto text = [](const char* value) {
            return std::string(value != nullptr ? value : "");
        };
        return origins::Origin::Sandbox{text(state->sandbox_engine), text(state->app_id),
                                        text(state->instance_id)};
    };
}

} // namespace prism
