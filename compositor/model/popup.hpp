// A popup (menu, tooltip) of a window: its surfaces clipped to its window geometry, inside a
// thin outline of the origin's colour, so no VM pixel is ever outside a VM-coloured frame or
// outline.
#pragma once

#include "compositor/frame/border.hpp"
#include "compositor/frame/frame.hpp"
#include "compositor/listener.hpp"
#include "compositor/wlr.hpp"
#include "config/config.hpp"

#include <array>
#include <cstdint>
#include <optional>

namespace prism {

class Desktop;

class Popup {
public:
    // Shows a new popup of a window of `desktop`, or of another popup, in its parent's popup
    // tree (found through xdg_surface::data), outlined in the origin's colour (host popups get
    // none). Nothing is shown for a popup whose parent prism does not show. The Popup owns
    // itself: it is deleted with the xdg_popup.
    // `max_depth` is the origin's [limits] max_popup_depth: the longest chain of popups (a popup
    // of a popup of ... a window) its clients may open; a client whose popup would make a
    // longer one gets a protocol error naming the limit (ProtocolErrorLog logs it with the VM's
    // name) and is disconnected.
    static void create(wlr_xdg_popup* popup, const Desktop& desktop,
                       std::optional<config::Colour> outline, SizeLimit limit,
                       std::uint32_t max_depth);
    // X-ray (Desktop::set_xray): every VM popup is tinted with its origin's colour, as its
    // window is, while `on`; popups opened meanwhile too.
    static void set_xray(bool on);
    // `xdg` (a window, or a popup) moved or changed size: its popups, and theirs, are placed
    // again. Each shows at once where it is kept off the title bar from its window's new
    // geometry (below_title_bar()), and a popup its client made reactive
    // (xdg_positioner.set_reactive) is placed by its positioner again (unconstrain()), with a
    // configure. Others get none: xdg-shell sends a popup's configure once, or again only for
    // reactive popups and repositions.
    static void place_popups_of(wlr_xdg_surface* xdg);

private:
    Popup(wlr_xdg_popup* popup, wlr_scene_tree* parent, const Desktop& desktop,
          std::optional<config::Colour> outline, SizeLimit limit, std::uint32_t max_depth);
    ~Popup();
    // Places the popup by its positioner inside the output of its window, never over its
    // window's title bar (see place_popup()); the configure goes out with the next idle.
    void unconstrain();
    // The same for a popup whose root is a layer surface (`surface`): inside its output.
    void unconstrain_in_layer(wlr_surface* surface, int parent_x, int parent_y);
    void handle_commit();
    void forget_tree();
    // Places the tree, the clip and the outline from the popup's current geometry, and its
    // popups again if it moved.
    void update();
    // Places the tree, the clip and the outline from the popup's current geometry; true if the
    // popup moved.
    bool update_self();
    // Places this popup again (a configure if it is reactive), then its popups.
    void place_again();
    // Where a popup of `box` (relative to its parent) shows: at box.y, or right below its
    // window's title bar if it would show over it there.
    int below_title_bar(const wlr_box& box) const;

    wlr_xdg_popup* popup_;
    const Desktop& desktop_;
    std::optional<config::Colour> outline_colour_;
    SizeLimit limit_;
    std::uint32_t max_depth_;              // the chain above it is never longer
    wlr_scene_tree* tree_;                 // destroyed with the parent's tree, or by this
    wlr_scene_tree* surface_tree_;         // the popup's surface and subsurfaces, clipped
    std::optional<frame::Border> outline_; // in tree_; gone with it
    wlr_scene_rect* tint_ = nullptr;       // x-ray, in tree_ above the rest; gone with it
    Listener<void> commit_, destroy_, reposition_, tree_destroy_;
};

// Where a popup goes, in its parent's window geometry coordinates: its positioner's box,
// moved by its constraint adjustments (flip, slide, resize) to fit `area`, but never over
// `title_band` (the window's title bar): where the area but not the title bar's row cannot hold
// it, the part of the area below the title bar is tried, then the part above; a popup none of
// them holds goes below the title bar. `area` and `title_band` are in the same coordinates as
// `parent`, the parent's window geometry corner. The positioner's size is cut to `limit` (the
// origin's largest window), its anchor rect and offset, the parent's position and the result
// to 2^20 pixels around the area: no int32 arithmetic overflows, whatever the client sent.
wlr_box place_popup(const wlr_xdg_positioner_rules& rules, int parent_x, int parent_y,
                    const wlr_box& area, const wlr_box& title_band, const SizeLimit& limit);

// The window geometry of an xdg surface: the box its frame or outline encloses, in surface
// coordinates. Empty while the surface has no content.
// Cut to `limit` (the origin's [limits] max_window_width and max_window_height).
wlr_box window_geometry(wlr_xdg_surface* xdg, const SizeLimit& limit);

// Clips `surface_tree` (a subsurface tree of `xdg`'s surface, inside a tree whose origin is the
// geometry's corner) to the window geometry: nothing of the client shows outside it. With an
// empty geometry nothing shows at all.
void clip_to_geometry(wlr_scene_tree* surface_tree, wlr_xdg_surface* xdg, const SizeLimit& limit);

} // namespace prism
