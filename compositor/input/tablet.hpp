// Graphics tablets (tablet-v2): the zwp_tablet_manager_v2 global, created once; each tablet
// and pad the backend reports (libinput's WLR_INPUT_DEVICE_TABLET and _TABLET_PAD) made a
// tablet-v2 device on prism's seat; each tool (pen, eraser, ...) made a tablet-v2 tool when it
// first comes into proximity. Where a tool's input goes is TabletTool's business, a pad's
// TabletPad's; this class owns them, pairs each pad with its tablet (by libinput device group,
// or the only tablet there is) and tells the pads where the keyboard focus is.
#pragma once

#include "compositor/input/cursor.hpp"
#include "compositor/input/input_route.hpp"
#include "compositor/input/tablet_pad.hpp"
#include "compositor/input/tablet_tool.hpp"
#include "compositor/listener.hpp"
#include "compositor/model/desktop.hpp"
#include "compositor/wlr.hpp"

#include <functional>
#include <list>
#include <memory>

namespace prism {

class Tablets {
public:
    // `on_activity` is told of any tablet or pad input (the user is there); `on_devices_changed`
    // when a tablet comes or goes (a tablet makes the seat a pointer seat).
    Tablets(wlr_seat* seat, Cursor& cursor, Desktop& desktop, const InputRoute& route,
            std::function<void()> on_activity, std::function<void()> on_devices_changed);
    ~Tablets();
    Tablets(const Tablets&) = delete;
    Tablets& operator=(const Tablets&) = delete;

    void add_tablet(wlr_input_device* device);
    void add_pad(wlr_input_device* device);
    bool has_tablets() const;

    // The dialog or the session lock came or went: tools leave surfaces they may no longer
    // send to (pads follow the keyboard focus, which the seat changes itself).
    void route_changed();

private:
    struct Tablet;
    struct Pad;
    struct Tool;

    // The tool of a tablet event, made on its first proximity; nullptr before that.
    TabletTool* tool_for(wlr_tablet_tool* wlr_tool, bool create);
    // The tablet a pad belongs to.
    wlr_tablet_v2_tablet* tablet_for(const Pad& pad) const;
    void pair_pads();
    // Entries whose device went are freed on an idle callback, never inside their own
    // destroy listener.
    void schedule_cleanup();
    void cleanup();

    wlr_seat* seat_;
    Cursor& cursor_;
    Desktop& desktop_;
    const InputRoute& route_;
    std::function<void()> on_activity_;
    std::function<void()> on_devices_changed_;
    wlr_tablet_manager_v2* manager_;
    wl_event_loop* loop_;
    wl_event_source* cleanup_ = nullptr;
    std::list<std::unique_ptr<Tablet>> tablets_;
    std::list<std::unique_ptr<Pad>> pads_;
    std::list<std::unique_ptr<Tool>> tools_;
    Listener<wlr_seat_keyboard_focus_change_event> keyboard_focus_;
};

} // namespace prism
