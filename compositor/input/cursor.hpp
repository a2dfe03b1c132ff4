// The pointer: one wlr_cursor for all pointer devices, what it is over, and interactive
// move/resize.
#pragma once

#include "compositor/input/drag_icon.hpp"
#include "compositor/input/input_route.hpp"
#include "compositor/listener.hpp"
#include "compositor/model/desktop.hpp"
#include "compositor/wlr.hpp"
#include "config/config.hpp"

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>

namespace prism {

class Cursor {
public:
    // `route` says whether a dialog or the session lock holds the input; `drag_icons` is the
    // tree the icon of a drag is drawn in (above every window); `on_activity` is told of any
    // pointer input. `limits_of` gives the [limits] of a client's origin: its cursor images may
    // be max_cursor_size pixels each way, its drag icons are clipped to max_drag_icon_size
    // (empty: the defaults).
    Cursor(wlr_seat* seat, wlr_output_layout* layout, Desktop& desktop, const InputRoute& route,
           wlr_scene_tree* drag_icons, std::function<void()> on_activity,
           std::function<config::VmLimits(wl_client*)> limits_of);
    ~Cursor();
    Cursor(const Cursor&) = delete;
    Cursor& operator=(const Cursor&) = delete;

    wlr_cursor* wlr() const { return cursor_; }
    // `host` is false for a VM client's virtual pointer (a VM allowed the protocol): it still
    // moves the pointer, but never answers prism's own dialogs.
    void attach(wlr_input_device* device, bool host = true);

    // Theme and size; `size_of_output` gives an output's own cursor size (per-output config).
    void set_theme(const config::CursorConfig& config,
                   std::function<int(wlr_output*)> size_of_output);
    // Reloads the compositor's cursor image for every output's scale and size.
    void refresh_image();

    void begin_move(View& view);
    void begin_resize(View& view, std::uint32_t edges);
    // A move (`edges` none) or a resize from `edges`, as a window asked for it.
    void begin_interactive(View& view, std::uint32_t edges);
    // Where the pointer is, in layout coordinates.
    void position(double& x, double& y) const;
    // Ends a move/resize (of `view` only, when given).
    void end_interactive(const View* view = nullptr);
    // Drops every reference to a view that is going away.
    void forget(const View& view);

    // Shows the theme's image `name` for the client with pointer focus (cursor-shape-v1);
    // ignored during a move or resize and while prism's dialog is up.
    void set_client_shape(const char* name);

    // Re-sends pointer focus for what is under the cursor now (after windows moved).
    void update_focus(std::uint32_t time_msec);

    // A tablet tool acting as a pointer (TabletTool: over prism's frame, over a client that does
    // not take tablet input, under prism's dialog or the lock, during a menu's grab or a move):
    // the tool has moved the cursor already, and these do what the same pointer input would,
    // by the same rules, each followed by a pointer frame. `device` is the tablet.
    void pointer_motion_from(const wlr_input_device* device, std::uint32_t time_msec);
    void pointer_button_from(const wlr_input_device* device, std::uint32_t time_msec,
                             std::uint32_t button, wl_pointer_button_state state);
    void pointer_scroll_from(const wlr_input_device* device, std::uint32_t time_msec, double delta,
                             std::int32_t delta_discrete);
    // A tablet tool over a surface that takes its tablet events holds the cursor: no client
    // has pointer focus, so none can set the image shown there but the tool's own client
    // (set_tool_image). Prism's arrow is shown when the pointer focus is taken or the tool
    // entered a new surface (`new_surface`).
    void yield_to_tool(bool new_surface);
    // The image the client a tablet tool is over asks for (zwp_tablet_tool_v2.set_cursor),
    // held to its origin's max_cursor_size as a pointer image is; ignored during a move or a
    // resize, while prism's dialog is up, and once a pointer entered a surface again.
    void set_tool_image(wlr_surface* surface, int hotspot_x, int hotspot_y);
    // Whether prism is moving or resizing a window (the pointer drives it).
    bool interactive() const { return mode_ != Mode::Passthrough; }

    // Told every relative motion before the pointer moves by (*dx, *dy); may change them
    // (pointer constraints hold or confine the pointer). Empty: the motion is applied as is.
    void set_motion_constraint(
        std::function<void(const wlr_pointer_motion_event& event, double* dx, double* dy)>
            constrain) {
        constrain_motion_ = std::move(constrain);
    }

private:
    enum class Mode { Passthrough, Move, Resize };

    // While a dialog is up (route_.modal()), no client has pointer focus, sets the cursor image
    // or gets a button or scroll event; button presses of host devices go to the dialog. While
    // the session is locked (route_.lock()), only the locker's surface has pointer focus and gets
    // buttons and scrolling, and a dialog gets nothing.
    bool is_locked() const { return route_.lock() != nullptr; }
    bool is_modal() const { return route_.modal() != nullptr; }
    // A drag started: its icon (if any) is drawn at the pointer and follows it.
    void handle_start_drag(wlr_drag* drag);

    void begin_grab(View& view, Mode mode, std::uint32_t edges, const char* image);
    void handle_motion(std::uint32_t time_msec);
    // Input from `device` resets the idle timers, unless it is a VM's virtual pointer.
    void note_activity(const wlr_input_device* device);
    void handle_button(const wlr_input_device* device, std::uint32_t time_msec,
                       std::uint32_t button, wl_pointer_button_state state);
    void handle_axis(std::uint32_t time_msec, wl_pointer_axis orientation, double delta,
                     std::int32_t delta_discrete, wl_pointer_axis_source source,
                     wl_pointer_axis_relative_direction direction);
    void set_image(const char* name);
    // Shows a client's cursor image, and keeps it only while it stays within its origin's
    // max_cursor_size and its hotspot inside it.
    void set_client_image(wlr_surface* surface, int hotspot_x, int hotspot_y);
    void check_client_image(wlr_surface* surface);
    // A theme manager holding, for each output scale in the layout, the theme at the size
    // configured for the first output of that scale.
    wlr_xcursor_manager* build_manager() const;

    wlr_seat* seat_;
    wlr_output_layout* layout_;
    Desktop& desktop_;
    const InputRoute& route_;
    std::function<void(const wlr_pointer_motion_event&, double*, double*)> constrain_motion_;
    wlr_scene_tree* drag_icons_;
    std::function<void()> on_activity_;
    wlr_cursor* cursor_;
    config::CursorConfig config_;
    std::function<int(wlr_output*)> size_of_output_;
    wlr_xcursor_manager* manager_ = nullptr;
    std::string image_ = "left_ptr"; // the compositor image shown when no client sets one
    bool client_image_ = false;
    int client_hotspot_x_ = 0, client_hotspot_y_ = 0;
    int client_image_max_ = 0; // the max_cursor_size of the client whose image is shown
    std::function<config::VmLimits(wl_client*)> limits_of_;
    Listener<void> client_image_commit_, client_image_destroy_;
    std::unique_ptr<DragIcon> drag_icon_;

    // Presses prism handled itself (frame clicks): their releases are not sent either.
    std::set<std::uint32_t> swallowed_buttons_;
    // For double-clicks on a title bar.
    View* last_title_click_view_ = nullptr;
    std::uint32_t last_title_click_msec_ = 0;

    Mode mode_ = Mode::Passthrough;
    View* grabbed_ = nullptr;
    double grab_x_ = 0, grab_y_ = 0; // cursor position at grab start
    wlr_box grab_box_{};             // view content box at grab start
    std::uint32_t resize_edges_ = 0;

    std::set<const wlr_input_device*> vm_devices_; // VM clients' virtual pointers
    std::map<const wlr_input_device*, std::unique_ptr<Listener<void>>> vm_device_destroy_;
    Listener<wlr_pointer_motion_event> motion_;
    Listener<wlr_pointer_motion_absolute_event> motion_absolute_;
    Listener<wlr_pointer_button_event> button_;
    Listener<wlr_pointer_axis_event> axis_;
    Listener<void> frame_;
    Listener<wlr_seat_pointer_request_set_cursor_event> request_set_cursor_;
    Listener<wlr_drag> start_drag_;
};

} // namespace prism
