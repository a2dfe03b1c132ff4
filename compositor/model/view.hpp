// A toplevel window: one xdg_toplevel of one client, with the origin of that client.
#pragma once

#include "compositor/listener.hpp"
#include "compositor/wlr.hpp"
#include "vmbridge/origin.hpp"

#include <cstdint>
#include <string>

namespace prism {

class Desktop;

class View {
public:
    View(Desktop& desktop, wlr_xdg_surface* xdg, vmbridge::Origin origin, std::uint64_t id);
    ~View();
    View(const View&) = delete;
    View& operator=(const View&) = delete;

    std::uint64_t id() const { return id_; }
    const vmbridge::Origin& origin() const { return origin_; }
    wlr_xdg_surface* xdg() const { return xdg_; }
    wlr_surface* surface() const { return xdg_->surface; }
    wlr_scene_tree* tree() const { return tree_; }
    bool mapped() const { return mapped_; }
    bool urgent() const { return urgent_; }
    void set_urgent(bool urgent) { urgent_ = urgent; }

    std::string title() const;
    std::string app_id() const;

    // The content area (the xdg window geometry) in layout coordinates.
    wlr_box content_box() const;
    void move_to(int x, int y);
    // Asks the client for a new content size; takes effect when it commits.
    void request_size(int width, int height);
    void set_activated(bool activated);

    bool maximized() const { return maximized_; }
    bool fullscreen() const { return fullscreen_; }
    void set_maximized(bool maximized);
    void set_fullscreen(bool fullscreen);
    void close();

private:
    void handle_map();
    void handle_unmap();
    void handle_new_popup(wlr_xdg_popup* popup);
    // Fits the view to `area` (layout coordinates), remembering where it was for restoring.
    void fill(const wlr_box& area);
    void restore();

    Desktop& desktop_;
    wlr_xdg_surface* xdg_;
    vmbridge::Origin origin_;
    std::uint64_t id_;
    wlr_scene_tree* tree_;
    wlr_scene_node* surface_node_;
    bool mapped_ = false;
    bool urgent_ = false;
    bool maximized_ = false;
    bool fullscreen_ = false;
    wlr_box saved_{}; // geometry before maximize/fullscreen
    int x_ = 0, y_ = 0;

    Listener<void> map_, unmap_, destroy_;
    Listener<wlr_xdg_popup> new_popup_;
    Listener<wlr_xdg_toplevel_move_event> request_move_;
    Listener<wlr_xdg_toplevel_resize_event> request_resize_;
    Listener<void> request_maximize_, request_fullscreen_;
};

} // namespace prism
