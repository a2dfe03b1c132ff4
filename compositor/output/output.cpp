#include "compositor/output/output.hpp"

namespace prism {

int Output::cursor_size_of(wlr_output* output, int fallback) {
    const auto* prism_output = static_cast<const Output*>(output->data);
    return prism_output != nullptr ? prism_output->cursor_size(fallback) : fallback;
}

Output::Output(wlr_output* output, wlr_scene* scene, std::function<void(Output&)> on_destroy)
    : output_(output)
    , scene_output_(wlr_scene_output_create(scene, output))
    , on_destroy_(std::move(on_destroy)) {
    output_->data = this;
    frame_.connect(&output_->events.frame, [this](void*) { handle_frame(); });
    // A nested output's window was resized (or the backend wants another state): take it.
    request_state_.connect(&output_->events.request_state,
                           [this](wlr_output_event_request_state* event) {
                               wlr_output_commit_state(output_, event->state);
                           });
    destroy_.connect(&output_->events.destroy, [this](void*) {
        // The scene output goes with the wlr_output. The owner deletes this Output, and with it
        // on_destroy_: run a copy that outlives it.
        scene_output_ = nullptr;
        auto notify = std::move(on_destroy_);
        notify(*this);
    });
}

Output::~Output() {
    output_->data = nullptr;
}

bool Output::configure(const config::OutputConfig* config) {
    wlr_output_state state;
    wlr_output_state_init(&state);
    wlr_output_state_set_enabled(&state, true);
    if (wlr_output_mode* mode = wlr_output_preferred_mode(output_)) {
        wlr_output_state_set_mode(&state, mode);
    }
    cursor_size_ = 0;
    if (config != nullptr) {
        if (config->scale) {
            wlr_output_state_set_scale(&state, static_cast<float>(*config->scale));
        }
        if (config->cursor_size) {
            cursor_size_ = *config->cursor_size;
        }
    }
    const bool ok = wlr_output_commit_state(output_, &state);
    wlr_output_state_finish(&state);
    if (!ok) {
        wlr_log(WLR_ERROR, "output %s: the backend refused its configuration", output_->name);
    }
    return ok;
}

void Output::place(wlr_output_layout* layout, wlr_scene_output_layout* scene_layout,
                   std::optional<int> x, std::optional<int> y) {
    wlr_output_layout_output* entry = x && y ? wlr_output_layout_add(layout, output_, *x, *y)
                                             : wlr_output_layout_add_auto(layout, output_);
    // Adding a scene output to the scene's layout twice aborts: once per output, ever.
    if (entry != nullptr && !placed_ && scene_output_ != nullptr) {
        wlr_scene_output_layout_add_output(scene_layout, entry, scene_output_);
        placed_ = true;
    }
}

wlr_box Output::box(wlr_output_layout* layout) const {
    wlr_box box{};
    wlr_output_layout_get_box(layout, output_, &box);
    return box;
}

wlr_box Output::usable_area(wlr_output_layout* layout) const {
    const wlr_box full = box(layout);
    wlr_box usable{full.x + reserved_left_, full.y + reserved_top_,
                   full.width - reserved_left_ - reserved_right_,
                   full.height - reserved_top_ - reserved_bottom_};
    if (usable.width <= 0 || usable.height <= 0) {
        return full; // panels that leave nothing: windows still get the whole output
    }
    return usable;
}

bool Output::set_usable_area(const wlr_box& full, const wlr_box& usable) {
    const int top = usable.y - full.y;
    const int left = usable.x - full.x;
    const int bottom = full.y + full.height - (usable.y + usable.height);
    const int right = full.x + full.width - (usable.x + usable.width);
    const bool changed = top != reserved_top_ || left != reserved_left_ ||
                         bottom != reserved_bottom_ || right != reserved_right_;
    reserved_top_ = top;
    reserved_left_ = left;
    reserved_bottom_ = bottom;
    reserved_right_ = right;
    return changed;
}

void Output::handle_frame() {
    if (scene_output_ == nullptr) {
        return;
    }
    wlr_scene_output_commit(scene_output_, nullptr);
    timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    wlr_scene_output_send_frame_done(scene_output_, &now);
}

} // namespace prism
