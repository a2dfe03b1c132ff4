// wlr-layer-shell: the host's panels, launchers, notifications and wallpapers (waybar, fuzzel,
// mako, swaybg). Each layer surface sits in one of the desktop's four layer trees (background
// and bottom below every window, top and overlay above them, all below prism's dialogs and the
// session lock) on one output, drawn as the client draws it: no frame, no VM colour. Exclusive
// zones shrink the output's usable area (Output::usable_area), which maximize and the placement
// of new windows use. The global is the host's alone (origins' global policy); a surface from
// any other client is refused.
#pragma once

#include "compositor/listener.hpp"
#include "compositor/model/desktop.hpp"
#include "compositor/wlr.hpp"
#include "origins/client_origins.hpp"

#include <functional>
#include <list>
#include <memory>

namespace prism {

class LayerShell {
public:
    // `default_output` is where a surface goes that names no output (the one under the cursor).
    // `new_popup` shows a popup (a panel's menu) once it has its layer surface as parent.
    LayerShell(wl_display* display, Desktop& desktop, const origins::ClientOrigins& origins,
               std::function<wlr_output*()> default_output,
               std::function<void(wlr_xdg_popup*)> new_popup);
    ~LayerShell();
    LayerShell(const LayerShell&) = delete;
    LayerShell& operator=(const LayerShell&) = delete;

    // Lays out every output's layer surfaces again (outputs came, went or moved).
    void arrange_all();
    // Lays out the layer surfaces of `output`, sets its usable area, and gives the keyboard to
    // the topmost surface that asks for it exclusively.
    void arrange(wlr_output* output);

    // The mapped layer surfaces, for prismctl: namespace, layer and box in layout coordinates.
    struct Info {
        std::string name_space;
        std::uint32_t layer;
        std::string output;
        wlr_box box;
        std::int32_t exclusive_zone;
        std::uint32_t keyboard_interactivity;
    };
    std::vector<Info> surfaces() const;

private:
    class Surface;

    void handle_new_surface(wlr_layer_surface_v1* layer);
    void remove(Surface& surface);
    void update_keyboard();

    Desktop& desktop_;
    const origins::ClientOrigins& origins_;
    std::function<wlr_output*()> default_output_;
    std::function<void(wlr_xdg_popup*)> new_popup_;
    wlr_layer_shell_v1* shell_;
    std::list<std::unique_ptr<Surface>> surfaces_;
    Listener<wlr_layer_surface_v1> new_surface_;
};

} // namespace prism
