// One tablet tool (a pen, its eraser end, a tablet's mouse): where its input goes.
//
// The tool moves prism's one cursor. Its events go as tablet-v2 events (proximity, motion,
// pressure, tilt, down, up, buttons) to the surface under it when that surface's client bound
// zwp_tablet_manager_v2 and nothing of prism's is in the way. Everywhere else it acts as a
// pointer through the Cursor, by the pointer's rules (the tip is the left button, the first
// barrel button the right one, the second the middle one), so that pen input works in every
// application and prism's frame, dialog and lock work with a pen:
//
// - over prism's frame (title bar, border, close button) or where no surface is;
// - over a surface whose client does not take tablet input;
// - while prism's clipboard dialog is up (it takes the taps; no client gets anything);
// - while the session is locked, except over the locker's own surfaces;
// - while a menu holds the pointer (an xdg_popup grab), a drag is under way, or prism moves or
//   resizes a window: the grab's rules hold for the pen (a tap elsewhere closes the menu,
//   unseen by the window under it);
// - with Super held (Super+tip moves the window, as Super+left-drag does);
// - for a press that began as a pointer press, until it is released.
//
// The tool's focus is only ever where the tool is: nothing a client asks moves it. A stroke
// (the tip or a button held, sent as tablet events) that leaves its client's surfaces for
// another client's surface, the frame or the desktop ends there: the surface left gets up and
// proximity_out, and no other client's surface is entered until everything is released, so
// no client sees a press that began on another's window. Within the stroke's own client the
// focus moves with it (to a subsurface, or back onto the window), and wlroots tells the
// surface entered that the tip is down.
#pragma once

#include "compositor/input/cursor.hpp"
#include "compositor/input/input_route.hpp"
#include "compositor/listener.hpp"
#include "compositor/model/desktop.hpp"
#include "compositor/wlr.hpp"

#include <cstdint>
#include <map>
#include <optional>

namespace prism {

class TabletTool {
public:
    // `tool` is the tool's tablet-v2 object, or nullptr for a tool tablet-v2 cannot describe
    // (a totem): that one only ever acts as a pointer.
    TabletTool(wlr_tablet_tool* wlr_tool, wlr_tablet_v2_tablet_tool* tool, wlr_seat* seat,
               Cursor& cursor, Desktop& desktop, const InputRoute& route);
    TabletTool(const TabletTool&) = delete;
    TabletTool& operator=(const TabletTool&) = delete;

    // Events of the tablet the tool is on; `tablet` is that tablet's tablet-v2 object.
    void proximity(const wlr_tablet_tool_proximity_event& event, wlr_tablet_v2_tablet* tablet);
    void axis(const wlr_tablet_tool_axis_event& event, wlr_tablet_v2_tablet* tablet);
    void tip(const wlr_tablet_tool_tip_event& event, wlr_tablet_v2_tablet* tablet);
    void button(const wlr_tablet_tool_button_event& event, wlr_tablet_v2_tablet* tablet);

    // The dialog or the session lock came or went: the surface the tool is on is left when it
    // may not have the tool's events any more.
    void check_focus();
    // `tablet` is going: the tool leaves the surface it entered through it.
    void forget_tablet(const wlr_tablet_v2_tablet* tablet);

    // The pointer button a tool's button stands for when the tool acts as a pointer, or 0.
    static std::uint32_t pointer_button_for(std::uint32_t tool_button);

private:
    enum class Route { Tablet, Pointer };
    struct Press {
        Route route;
        std::uint32_t pointer_button; // for Route::Pointer (0: none, nothing is sent)
    };

    // Moves the cursor to where the event puts the tool (absolute tools: the tablet maps to
    // the whole output layout; a tablet's mouse or lens moves the cursor by its motion).
    void move_cursor(wlr_tablet* device, std::uint32_t axes, double x, double y, double dx,
                     double dy);
    // Sends the tool's position to whoever should have it now: tablet-v2 focus and motion to
    // the surface under it, or pointer motion.
    void route_position(wlr_tablet* device, wlr_tablet_v2_tablet* tablet, std::uint32_t time_msec);
    // The surface at layout (lx, ly) that may have this tool's tablet events now, with
    // surface-local (sx, sy), or nullptr (see the rules above).
    wlr_surface* target_at(double lx, double ly, wlr_tablet_v2_tablet* tablet, double* sx,
                           double* sy) const;
    // The surface the tool is on (tablet-v2 focus), or nullptr.
    wlr_surface* focus() const { return tool_ != nullptr ? tool_->focused_surface : nullptr; }
    // The tip or a button is down and was sent as tablet events.
    bool held_as_tablet() const;
    // The tip or a button is down and was sent as a pointer button.
    bool held_as_pointer() const;
    bool super_held() const;
    // A press on a window focuses and raises it, as a click does.
    void focus_window_under();
    void leave();

    wlr_tablet_tool* wlr_tool_;
    wlr_tablet_v2_tablet_tool* tool_;
    wlr_seat* seat_;
    Cursor& cursor_;
    Desktop& desktop_;
    const InputRoute& route_;
    wlr_tablet_v2_tablet* tablet_ = nullptr; // the tablet of the latest event
    bool in_proximity_ = false;
    double lx_ = 0, ly_ = 0;                 // where the tool put the cursor last
    std::optional<Press> tip_;               // while the tip is down: how it was sent
    std::map<std::uint32_t, Press> buttons_; // the tool's buttons held: how each was sent
    wl_client* stroke_client_ = nullptr;     // whose surface a tablet press began on
    Listener<wlr_tablet_v2_event_cursor> set_cursor_;
};

} // namespace prism
