// One monitor (or headless/nested output): its mode, scale, place in the layout, and frames.
#pragma once

#include "compositor/listener.hpp"
#include "compositor/wlr.hpp"
#include "config/config.hpp"

#include <functional>

namespace prism {

class Output {
public:
    // `on_destroy` is called when wlroots destroys the output; the owner then deletes this.
    // `before_render` runs before every frame is drawn (frames enforce containment there).
    Output(wlr_output* output, wlr_scene* scene, std::function<void()> before_render,
           std::function<void(Output&)> on_destroy);
    ~Output();
    Output(const Output&) = delete;
    Output& operator=(const Output&) = delete;

    wlr_output* wlr() const { return output_; }
    std::string name() const { return output_->name; }

    // Applies mode (the preferred one), scale and enables the output. Returns false when the
    // backend refused the configuration.
    bool configure(const config::OutputConfig* config);
    // The cursor size configured for this output, in logical pixels (before scale).
    int cursor_size(int fallback) const { return cursor_size_ > 0 ? cursor_size_ : fallback; }

private:
    void handle_frame();

    wlr_output* output_;
    wlr_scene* scene_;
    std::function<void()> before_render_;
    std::function<void(Output&)> on_destroy_;
    int cursor_size_ = 0;
    Listener<void> frame_, destroy_;
};

} // namespace prism
