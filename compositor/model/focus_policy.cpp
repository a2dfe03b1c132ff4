#include "compositor/model/focus_policy.hpp"

namespace prism {

NewWindowFocusDecision decide_new_window_focus(const config::FocusConfig& policy,
                                               const NewWindowContext& context) {
    using enum NewWindowFocusDecision;
    switch (policy.new_window) {
    case config::NewWindowFocus::Always:
        return Focus;
    case config::NewWindowFocus::Never:
        return context.something_focused ? MarkAttention : Focus;
    case config::NewWindowFocus::Smart:
        break;
    }
    if (!context.something_focused || context.focused_has_same_origin) {
        return Focus;
    }
    const bool typing = context.since_last_key &&
                        *context.since_last_key < std::chrono::milliseconds(policy.typing_grace_ms);
    return typing ? MarkAttention : Focus;
}

} // namespace prism
