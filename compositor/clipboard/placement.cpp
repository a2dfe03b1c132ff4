#include "compositor/clipboard/placement.hpp"

namespace prism::clipboard {

wlr_box area_for_client(const Desktop& desktop, const wl_client* client, wlr_box* output_box,
                        float* scale) {
    const View* target = nullptr;
    if (client != nullptr) {
        for (const auto& view : desktop.views()) {
            if (view->mapped() && wl_resource_get_client(view->surface()->resource) == client) {
                target = view.get(); // the topmost window of that client
                break;
            }
        }
    }
    const wlr_box output = desktop.output_box_for(target);
    *output_box = output;
    wlr_output* wlr_output = wlr_output_layout_output_at(
        desktop.layout(), output.x + output.width / 2.0, output.y + output.height / 2.0);
    *scale = wlr_output != nullptr ? wlr_output->scale : 1.0f;
    if (target == nullptr) {
        return output;
    }
    // Over the window, but never off its output.
    wlr_box box = target->outer_box();
    wlr_box clipped{};
    if (!wlr_box_intersection(&clipped, &box, &output)) {
        return output;
    }
    return clipped;
}

} // namespace prism::clipboard
