// A popup (menu, tooltip) of a window: shown in its own thin outline of the origin's colour,
// so no VM pixel is ever outside a VM-coloured frame or outline.
#pragma once

#include "compositor/listener.hpp"
#include "compositor/model/scene_tag.hpp"
#include "compositor/wlr.hpp"
#include "config/config.hpp"

#include <array>
#include <optional>

namespace prism {

class Popup {
public:
    // Creates the popup's scene node under `parent_node` and owns itself: it is deleted with
    // the xdg surface.
    static Popup* create(wlr_xdg_surface* xdg, wlr_scene_node* parent_node);

    wlr_scene_node* node() const { return node_; }

    // Places the outline around the popup's extent and hides any of its subsurfaces that reach
    // beyond it. `outline` is the origin's colour; nullopt (host popups) draws none.
    void enforce_containment(std::optional<config::Colour> outline);

private:
    Popup(wlr_xdg_surface* xdg, wlr_scene_node* parent_node);

    wlr_xdg_surface* xdg_;
    wlr_scene_node* node_;
    SceneTag tag_;
    std::array<wlr_scene_rect*, 4> outline_{};
    Listener<void> destroy_;
};

// The box, relative to an xdg surface's scene node, that its frame or outline encloses: its
// window geometry and its main surface, whichever reaches further.
wlr_box framed_extent(wlr_xdg_surface* xdg);

// Hides every surface below `node` (except `main`, and except inside popups, which enforce
// their own) that reaches beyond `box`, and shows those within it. Popups found on the way are
// asked to enforce their own outline in `outline`'s colour.
void contain_surfaces(wlr_scene_node* node, wlr_surface* main, const wlr_box& box,
                      std::optional<config::Colour> outline);

} // namespace prism
