#include "compositor/desktop/output.hpp"

namespace prism {

Output::Output(wlr_output* output, wlr_scene* scene, std::function<void()> before_render,
               std::function<void(Output&)> on_destroy)
    : output_(output)
    , scene_(scene)
    , before_render_(std::move(before_render))
    , on_destroy_(std::move(on_destroy)) {
    output_->data = this;
    frame_.connect(&output_->events.frame, [this](void*) { handle_frame(); });
    destroy_.connect(&output_->events.destroy, [this](void*) {
        // The owner deletes this Output, and with it on_destroy_: run a copy that outlives it.
        auto notify = std::move(on_destroy_);
        notify(*this);
    });
}

Output::~Output() {
    output_->data = nullptr;
}

bool Output::configure(const config::OutputConfig* config) {
    wlr_output_enable(output_, true);
    if (!wl_list_empty(&output_->modes)) {
        wlr_output_mode* mode = wlr_output_preferred_mode(output_);
        if (mode != nullptr) {
            wlr_output_set_mode(output_, mode);
        }
    }
    cursor_size_ = 0;
    if (config != nullptr) {
        if (config->scale) {
            wlr_output_set_scale(output_, static_cast<float>(*config->scale));
        }
        if (config->cursor_size) {
            cursor_size_ = *config->cursor_size;
        }
    }
    if (!wlr_output_commit(output_)) {
        wlr_log(WLR_ERROR, "output %s: the backend refused its configuration", output_->name);
        return false;
    }
    return true;
}

void Output::handle_frame() {
    wlr_scene_output* scene_output = wlr_scene_get_scene_output(scene_, output_);
    if (scene_output == nullptr) {
        return;
    }
    before_render_();
    wlr_scene_output_commit(scene_output);
    timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    wlr_scene_output_send_frame_done(scene_output, &now);
}

} // namespace prism
