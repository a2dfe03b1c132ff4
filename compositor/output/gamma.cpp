#include "compositor/output/gamma.hpp"

namespace prism {

GammaControl::GammaControl(wl_display* display) {
    wlr_gamma_control_manager_v1* manager = wlr_gamma_control_manager_v1_create(display);
    set_gamma_.connect(
        &manager->events.set_gamma,
        [this](wlr_gamma_control_manager_v1_set_gamma_event* event) { handle_set_gamma(event); });
}

void GammaControl::handle_set_gamma(wlr_gamma_control_manager_v1_set_gamma_event* event) {
    wlr_output_state state;
    wlr_output_state_init(&state);
    if (event->control != nullptr) {
        if (!wlr_gamma_control_v1_apply(event->control, &state)) {
            wlr_output_state_finish(&state);
            return;
        }
    } else {
        wlr_output_state_set_gamma_lut(&state, 0, nullptr, nullptr, nullptr); // reset
    }
    if (!wlr_output_test_state(event->output, &state) ||
        !wlr_output_commit_state(event->output, &state)) {
        if (event->control != nullptr) {
            wlr_gamma_control_v1_send_failed_and_destroy(event->control);
        }
    }
    wlr_output_state_finish(&state);
}

} // namespace prism
