// relative-pointer-v1 and pointer-constraints-v1: games and remote desktops take unaccelerated
// motion, and lock or confine the pointer to their window.
//
// A constraint is active only while its surface is under the pointer AND is the window with
// keyboard focus: it ends when focus moves to another window (a click with a pointer that
// reports positions, a window activated, prism's dialog, the session lock) and when the user
// presses any prism binding. One a binding ended stays off until its window loses and regains
// focus. While one is active, prism draws a bar in the window's VM colour across the top of the
// output and, below its middle, a notice naming the VM and the way out, so the user knows the
// pointer is held, by whom, and how to get it back.
//
// Only relative motion is held: a pointer that reports positions (a host virtual pointer)
// still moves the pointer wherever the user points.
#pragma once

#include "compositor/frame/frame.hpp"
#include "compositor/input/cursor.hpp"
#include "compositor/listener.hpp"
#include "compositor/wlr.hpp"
#include "config/config.hpp"

#include <functional>
#include <map>
#include <memory>
#include <set>

namespace prism {

class PointerConstraints {
public:
    // `style_of` gives the frame style of a surface's client (its VM's colour and label).
    PointerConstraints(wl_display* display, wlr_seat* seat, Cursor& cursor,
                       wlr_output_layout* layout, wlr_scene_tree* overlay,
                       std::function<FrameStyle(wl_client*)> style_of);
    ~PointerConstraints();
    PointerConstraints(const PointerConstraints&) = delete;
    PointerConstraints& operator=(const PointerConstraints&) = delete;

    // The user pressed a prism binding: the active constraint ends.
    void release_by_binding();

    // Height of the hint bar, and width of the notice below it, in layout pixels.
    static constexpr int kHintHeight = 6;
    static constexpr int kNoticeWidth = 480;

private:
    // Sends relative motion and holds or confines the pointer's own motion by an active
    // constraint (Cursor's motion hook).
    void constrain(const wlr_pointer_motion_event& event, double* dx, double* dy);
    void schedule_update();
    void update();
    void activate(wlr_pointer_constraint_v1* constraint);
    void deactivate();
    void show_hint(wlr_pointer_constraint_v1* constraint);

    wl_event_loop* loop_;
    wlr_seat* seat_;
    Cursor& cursor_;
    wlr_output_layout* layout_;
    std::function<FrameStyle(wl_client*)> style_of_;
    wlr_relative_pointer_manager_v1* relative_;
    wlr_pointer_constraints_v1* constraints_;
    wlr_scene_tree* hint_; // the bar and the notice
    wlr_scene_rect* bar_;
    wlr_scene_buffer* notice_;
    wlr_pointer_constraint_v1* active_ = nullptr;
    // Ended by a binding: stays off until its surface loses keyboard focus.
    std::set<wlr_pointer_constraint_v1*> released_;
    std::map<wlr_pointer_constraint_v1*, std::unique_ptr<Listener<void>>> destroy_;
    wl_event_source* idle_ = nullptr;

    Listener<wlr_pointer_constraint_v1> new_constraint_;
    Listener<void> pointer_focus_, keyboard_focus_;
};

} // namespace prism
