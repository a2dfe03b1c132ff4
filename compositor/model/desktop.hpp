// The floating, stacking desktop: every view, its stacking order, and keyboard focus.
#pragma once

#include "compositor/frame/styles.hpp"
#include "compositor/model/focus_policy.hpp"
#include "compositor/model/view.hpp"
#include "compositor/wlr.hpp"
#include "config/config.hpp"

#include <chrono>
#include <functional>
#include <list>
#include <memory>
#include <optional>

namespace prism {

class Desktop {
public:
    struct Services {
        wlr_scene* scene;
        wlr_output_layout* layout;
        wlr_seat* seat;
        // Where the cursor is, in layout coordinates (new windows open on that output).
        std::function<void(double& x, double& y)> cursor_position;
        // Starts an interactive move or resize of `view` driven by the pointer.
        std::function<void(View& view, std::uint32_t edges)> begin_interactive;
        // Whether windows of this origin may go fullscreen.
        std::function<bool(const origins::Origin&)> fullscreen_allowed;
        wl_event_loop* loop = nullptr;
        // Called as a view is unmapped or destroyed, so nothing keeps pointing at it (or moves
        // or resizes it).
        std::function<void(View& view)> view_removed;
        // Whose popup grabs (xdg_popup.grab) are on the seat.
        wlr_xdg_shell* xdg_shell = nullptr;
    };

    // What is under a layout point.
    struct Hit {
        View* view = nullptr;
        wlr_surface* surface = nullptr;   // when a client surface is hit
        double sx = 0, sy = 0;            // surface coordinates
        FramePart part = FramePart::None; // when the frame is hit
    };

    Desktop(Services services, const FrameStyles& styles, const config::FocusConfig& focus_policy);
    ~Desktop();

    void set_focus_policy(const config::FocusConfig& policy) { focus_policy_ = policy; }

    View& add_view(wlr_xdg_toplevel* toplevel, origins::Origin origin);
    void remove_view(View& view);

    // Called by View.
    void view_mapped(View& view);
    void view_unmapped(View& view);
    void request_interactive(View& view, std::uint32_t edges);

    // Gives keyboard focus to `view` (nullptr: nobody) and raises it. The keys held now are
    // sent with the focus unless `with_held_keys` is false.
    void focus(View* view, bool with_held_keys = true);
    View* focused() const { return focused_; }
    // Dismisses the popups of an xdg_popup.grab on the seat unless `keep` holds it (nullptr:
    // whoever holds it). While such a grab lasts, wlroots keeps the keyboard on the grabbing
    // client, whatever the desktop focuses.
    void end_popup_grab(wl_client* keep);
    // Focuses the next mapped view in stacking order (Alt+Tab).
    void cycle_focus();
    // Activation through xdg-activation: focus if the policy allows, else mark urgent.
    void activate(View& view, const origins::Origin& requester);

    Hit hit_test(double lx, double ly) const;

    // Frames: styles and scale lookups for views; after a config change, new styles and a
    // redraw; x-ray.
    const FrameStyles& styles() const { return styles_; }
    bool fullscreen_allowed(const origins::Origin& origin) const {
        return services_.fullscreen_allowed(origin);
    }
    float scale_at(double lx, double ly) const;
    wl_event_loop* event_loop() const { return services_.loop; }
    void refresh_frames();
    void set_xray(bool on);

    // Top first.
    const std::list<std::unique_ptr<View>>& views() const { return views_; }

    // The usable area of the output a view is on (or of the output under the cursor).
    wlr_box output_box_for(const View* view) const;
    // Puts views that no output shows any more back on an output (after unplugging one).
    void rescue_offscreen_views();

    // Once the event loop is idle, tells every window whether it is fully hidden (suspended)
    // or shown. Called whenever something may have covered or uncovered a window.
    void schedule_visibility_check();

    // Keyboard activity, for the focus policy.
    void note_key_press() { last_key_ = std::chrono::steady_clock::now(); }

    wlr_scene_tree* windows_tree() const { return windows_; }
    wlr_output_layout* layout() const { return services_.layout; }

private:
    void place_new_view(View& view);
    // The focus rule ([focus]) applied to `view` wanting focus now.
    bool may_take_focus(const View& view) const;

    Services services_;
    const FrameStyles& styles_;
    config::FocusConfig focus_policy_;
    wlr_scene_tree* windows_;
    std::list<std::unique_ptr<View>> views_; // front is the top of the stack
    View* focused_ = nullptr;
    std::uint64_t next_id_ = 1;
    std::optional<std::chrono::steady_clock::time_point> last_key_;
    Listener<wlr_seat_keyboard_grab> keyboard_grab_begin_;
    wl_event_source* visibility_check_ = nullptr;   // idle
    wl_event_source* visibility_recheck_ = nullptr; // timer, while a window is suspended
};

} // namespace prism
