// wlr-gamma-control (host-only): host tools such as gammastep and wlsunset set an output's gamma
// ramp; the backend applies it with the next commit, or the tool is told it failed.
#pragma once

#include "compositor/listener.hpp"
#include "compositor/wlr.hpp"

namespace prism {

class GammaControl {
public:
    // Creates the global on `display`.
    explicit GammaControl(wl_display* display);
    GammaControl(const GammaControl&) = delete;
    GammaControl& operator=(const GammaControl&) = delete;

private:
    void handle_set_gamma(wlr_gamma_control_manager_v1_set_gamma_event* event);

    Listener<wlr_gamma_control_manager_v1_set_gamma_event> set_gamma_;
};

} // namespace prism
