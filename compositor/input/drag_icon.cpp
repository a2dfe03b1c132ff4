#include "compositor/input/drag_icon.hpp"

#include <cmath>

namespace prism {

DragIcon::DragIcon(wlr_scene_tree* parent, wlr_drag_icon* icon, double x, double y, int max_size) {
    // The icon's surface and its subsurfaces, as the client draws them; the scene shows them
    // only while mapped. A drag icon has no frame: it may not be more than a small picture at
    // the pointer, or a VM could cover the screen with an unframed image of anything (a host
    // dialog) while it drags.
    node_ = &wlr_scene_subsurface_tree_create(parent, icon->surface)->node;
    const wlr_box clip{0, 0, max_size, max_size};
    wlr_scene_subsurface_tree_set_clip(node_, &clip);
    destroy_.connect(&icon->events.destroy, [this](void*) { remove(); });
    move_to(x, y);
}

DragIcon::~DragIcon() {
    remove();
}

void DragIcon::remove() {
    destroy_.disconnect();
    if (node_ != nullptr) {
        wlr_scene_node_destroy(node_);
        node_ = nullptr;
    }
}

void DragIcon::move_to(double x, double y) {
    if (node_ != nullptr) {
        wlr_scene_node_set_position(node_, static_cast<int>(std::lround(x)),
                                    static_cast<int>(std::lround(y)));
    }
}

} // namespace prism
