// The floating, stacking desktop: every view, its stacking order, and keyboard focus.
#pragma once

#include "compositor/frame/styles.hpp"
#include "compositor/frame/title_budget.hpp"
#include "compositor/input/input_serials.hpp"
#include "compositor/model/focus_policy.hpp"
#include "compositor/model/view.hpp"
#include "compositor/wlr.hpp"
#include "config/config.hpp"

#include <chrono>
#include <functional>
#include <list>
#include <map>
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
        // The input serials prism sent: an xdg_popup.grab must carry one of its client's.
        InputSerials* serials = nullptr;
        // Called when a view is mapped or unmapped, or its title, app id, focus, maximized or
        // fullscreen state changes (the host panels' window list follows it).
        std::function<void(View& view)> view_changed;
    };

    // What is under a layout point.
    struct Hit {
        View* view = nullptr;
        wlr_surface* surface = nullptr;        // when a client surface is hit
        double sx = 0, sy = 0;                 // surface coordinates
        FramePart part = FramePart::None;      // when the frame is hit
        wlr_layer_surface_v1* layer = nullptr; // when a layer-shell surface (a panel) is hit
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
    // The view's title, app id, maximized or fullscreen state changed.
    void notify_changed(View& view) {
        if (services_.view_changed) {
            services_.view_changed(view);
        }
    }

    // Gives keyboard focus to `view` (nullptr: nobody) and raises it. The keys held now are
    // sent with the focus unless `with_held_keys` is false.
    void focus(View* view, bool with_held_keys = true);
    View* focused() const { return focused_; }
    // Dismisses the popups of an xdg_popup.grab on the seat unless `keep` holds it (nullptr:
    // whoever holds it). While such a grab lasts, wlroots keeps the keyboard on the grabbing
    // client, whatever the desktop focuses.
    void end_popup_grab(wl_client* keep);
    // Keyboard focus on a layer-shell surface (a launcher, a panel) instead of the focused
    // window; nullptr gives it back to the focused window. While a surface that asked for
    // exclusive keyboard interactivity has it, focusing a window raises that window but the keys
    // stay with the layer surface; one that asked for on-demand focus loses it to a window.
    void focus_layer(wlr_layer_surface_v1* layer);
    wlr_layer_surface_v1* focused_layer() const { return focused_layer_; }
    // A click on a layer surface: it takes the keyboard if it accepts keyboard focus.
    void layer_clicked(wlr_layer_surface_v1* layer);
    // The layer surface is unmapped or going: it loses the keyboard focus if it had it.
    void layer_gone(wlr_layer_surface_v1* layer);
    // Sends the keyboard focus again (without the keys held now) to whoever should have it: the
    // focused layer surface or the focused window. After a dialog or the lock went away.
    void restore_keyboard_focus();

    // Focuses the next mapped view in stacking order (Alt+Tab).
    void cycle_focus();
    // The most recently raised mapped dialog of `parent` (same client), if any.
    View* top_dialog(const View& parent) const;
    // Activation through xdg-activation: focus if the policy allows, else mark urgent. A VM's
    // activation moves the focus only when `vouched`: its token was made from an input serial
    // the VM got while it had the keyboard, and the keyboard did not move since.
    void activate(View& view, const origins::Origin& requester, bool vouched);

    Hit hit_test(double lx, double ly) const;

    // Frames: styles and scale lookups for views; after a config change, new styles and a
    // redraw; x-ray.
    const FrameStyles& styles() const { return styles_; }
    bool fullscreen_allowed(const origins::Origin& origin) const {
        return services_.fullscreen_allowed(origin);
    }
    float scale_at(double lx, double ly) const;
    wl_event_loop* event_loop() const { return services_.loop; }
    // The title render budget all windows of `origin` share ([limits] title_renders, as the
    // config says now).
    TitleBudget& title_budget(const origins::Origin& origin);
    // That budget if `origin_name`'s windows ever had one, else nullptr.
    const TitleBudget* find_title_budget(const std::string& origin_name) const {
        auto it = title_budgets_.find(origin_name);
        return it != title_budgets_.end() ? it->second.get() : nullptr;
    }
    void refresh_frames();
    void set_xray(bool on);

    // Top first.
    const std::list<std::unique_ptr<View>>& views() const { return views_; }

    // The output a view is on (nullptr: the output under the cursor), or the layout's centre
    // output; nullptr when there is no output at all.
    wlr_output* output_for(const View* view) const;
    // The whole box of that output, in layout coordinates (fullscreen, popups, dialogs).
    wlr_box output_box_for(const View* view) const;
    // The usable area of that output: less what panels reserve (Output::usable_area). Maximize
    // and the placement of new windows use it.
    wlr_box usable_area_for(const View* view) const;
    // What panels reserve on `output` changed: maximized windows on it fit the new area.
    void usable_area_changed(wlr_output* output);
    // The layer-shell layers, by zwlr_layer_shell_v1 layer: background and bottom below every
    // window, top and overlay above them (and below prism's dialogs and the lock).
    wlr_scene_tree* layer_tree(std::uint32_t layer) const;
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
    // Puts `view` on top of the stack, with its dialogs (and theirs) above it.
    void raise(View& view);
    // Whether a layer surface holds the keyboard exclusively now.
    bool layer_holds_keyboard() const;
    void enter_keyboard(wlr_surface* surface, bool with_held_keys);
    // The focus rule ([focus]) applied to `view` wanting focus now.
    bool may_take_focus(const View& view) const;

    Services services_;
    const FrameStyles& styles_;
    config::FocusConfig focus_policy_;
    wlr_scene_tree* windows_;
    // By origin display name; declared before views_, so they outlive the frames in them.
    std::map<std::string, std::unique_ptr<TitleBudget>> title_budgets_;
    std::list<std::unique_ptr<View>> views_; // front is the top of the stack
    View* focused_ = nullptr;
    wlr_layer_surface_v1* focused_layer_ = nullptr;
    // By layer: background, bottom, top, overlay.
    wlr_scene_tree* layers_[4] = {};
    std::uint64_t next_id_ = 1;
    std::optional<std::chrono::steady_clock::time_point> last_key_;
    Listener<wlr_seat_keyboard_grab> keyboard_grab_begin_;
    wl_event_source* visibility_check_ = nullptr;   // idle
    wl_event_source* visibility_recheck_ = nullptr; // timer, while a window is suspended
};

} // namespace prism
