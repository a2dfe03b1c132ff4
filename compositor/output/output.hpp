// One monitor (or headless/nested output): its mode, scale, place in the layout, and the scene
// output that draws it.
#pragma once

#include "compositor/listener.hpp"
#include "compositor/wlr.hpp"
#include "config/config.hpp"

#include <functional>
#include <optional>

namespace prism {

class Output {
public:
    // `on_destroy` is called when wlroots destroys the output; the owner then deletes this.
    Output(wlr_output* output, wlr_scene* scene, std::function<void(Output&)> on_destroy);
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
    // The same for any wlr_output: `fallback` for one prism does not manage.
    static int cursor_size_of(wlr_output* output, int fallback);

    // Puts the output at x, y in `layout` (nullopt: to the right of the others). The first
    // call also makes the scene draw it there; later calls only move it.
    void place(wlr_output_layout* layout, wlr_scene_output_layout* scene_layout,
               std::optional<int> x, std::optional<int> y);

    // The output's box in `layout` (empty when it is not in it).
    wlr_box box(wlr_output_layout* layout) const;
    // The usable area: the output's box in `layout` less the exclusive zones layer-shell panels
    // reserve along its edges. Maximize and the placement of new windows use it; fullscreen
    // covers the whole box.
    wlr_box usable_area(wlr_output_layout* layout) const;
    // Sets what the panels reserve, from the usable area computed within `full` (both layout
    // coordinates). Returns whether it changed.
    bool set_usable_area(const wlr_box& full, const wlr_box& usable);

private:
    void handle_frame();

    wlr_output* output_;
    wlr_scene_output* scene_output_;
    std::function<void(Output&)> on_destroy_;
    bool placed_ = false;
    int cursor_size_ = 0;
    // Reserved along each edge by exclusive zones, in layout pixels.
    int reserved_top_ = 0, reserved_right_ = 0, reserved_bottom_ = 0, reserved_left_ = 0;
    Listener<void> frame_, destroy_;
    Listener<wlr_output_event_request_state> request_state_;
};

} // namespace prism
