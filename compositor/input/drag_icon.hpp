// The image a client shows under the pointer while it drags something (wl_data_device
// start_drag's icon surface), drawn above every window and moved with the pointer, clipped to
// a square of its origin's [limits] max_drag_icon_size (256 pixels by default) from the pointer
// down and right.
#pragma once

#include "compositor/listener.hpp"
#include "compositor/wlr.hpp"

namespace prism {

class DragIcon {
public:
    DragIcon(wlr_scene_tree* parent, wlr_drag_icon* icon, double x, double y, int max_size);
    ~DragIcon();
    DragIcon(const DragIcon&) = delete;
    DragIcon& operator=(const DragIcon&) = delete;

    // Follows the pointer at layout position (x, y).
    void move_to(double x, double y);
    // The icon's surface is gone (the drag ended); nothing is drawn any more.
    bool gone() const { return node_ == nullptr; }

private:
    void remove();

    wlr_scene_node* node_ = nullptr;
    Listener<void> destroy_;
};

} // namespace prism
