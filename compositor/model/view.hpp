// A toplevel window: one xdg_toplevel of one client, with the origin of that client, and the
// frame prism draws around it.
#pragma once

#include "compositor/frame/frame.hpp"
#include "compositor/listener.hpp"
#include "compositor/model/scene_tag.hpp"
#include "compositor/wlr.hpp"
#include "origins/origin.hpp"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace prism {

class Desktop;

class View {
public:
    View(Desktop& desktop, wlr_xdg_toplevel* toplevel, origins::Origin origin, std::uint64_t id);
    ~View();
    View(const View&) = delete;
    View& operator=(const View&) = delete;

    std::uint64_t id() const { return id_; }
    const origins::Origin& origin() const { return origin_; }
    wlr_xdg_surface* xdg() const { return xdg_; }
    wlr_xdg_toplevel* toplevel() const { return toplevel_; }
    wlr_surface* surface() const { return xdg_->surface; }
    wlr_scene_tree* tree() const { return tree_; }
    // Where this window's popups go (xdg_surface::data points here while the view lives).
    wlr_scene_tree* popup_tree() const { return popups_; }
    bool mapped() const { return mapped_; }
    bool urgent() const { return urgent_; }
    // Marks the window as wanting attention; a window with the focus never is.
    void set_urgent(bool urgent);

    std::string title() const;
    std::string app_id() const;

    // The area inside the frame, in layout coordinates: the window geometry. Whatever the client
    // draws beyond it (shadows, its own decorations' margins) is clipped away.
    wlr_box content_box() const;
    // Where the window geometry's top-left corner is, in layout coordinates.
    int geometry_x() const { return x_; }
    int geometry_y() const { return y_; }
    // The content box with the frame around it.
    wlr_box outer_box() const;
    // The frame's top: the title bar with the border above it, the width of the outer box, in
    // layout coordinates. Empty while the frame shows no title bar (fullscreen).
    wlr_box title_band() const;
    // Where this window's popups are shown, in layout coordinates (their window geometry), from
    // the bottom of the stack up.
    std::vector<wlr_box> popup_boxes() const;
    // Places the window so that its content box starts at x, y.
    void move_to(int x, int y);
    // Places the window so that its outer box starts at x, y.
    void move_outer_to(int x, int y);
    // Asks the client for a new content size; takes effect when it commits.
    void request_size(int width, int height);
    void set_activated(bool activated);

    // What the frame adds around the content on each side (in Normal mode).
    Frame::Margins frame_margins() const { return Frame::margins(style_); }
    // The window this one is a dialog of (xdg_toplevel.set_parent), if it is shown and belongs
    // to the same client: a client cannot place its windows over another client's.
    View* parent() const;
    // Asks for a size that fits an area of `area`'s size with the frame, if the window is
    // larger.
    void fit_into(const wlr_box& area);

    // Whether any of the window's surfaces shows on an output (not covered by other windows,
    // not off every output).
    bool shown() const;
    // Tells the client it is fully hidden (xdg_toplevel state suspended, v6), or not any more.
    void set_suspended(bool suspended);
    bool suspended() const { return suspended_; }

    bool maximized() const { return maximized_; }
    bool fullscreen() const { return fullscreen_; }
    void set_maximized(bool maximized);
    // A VM whose config does not allow fullscreen gets maximize instead.
    void set_fullscreen(bool fullscreen);
    // A maximized window fits the usable area of its output again (panels came or went).
    void refit();
    void close();

    // Redraws the frame from the current title, focus, style, size and output scale.
    void update_frame();
    // Takes the origin's style from the configuration again (after a reload) and redraws.
    void refresh_style();
    const FrameStyle& style() const { return style_; }
    // The view whose toplevel `surface` is; nullptr for any other surface.
    static View* from_surface(wlr_surface* surface);
    // The view whose tree holds `node`; nullptr for a node outside every window.
    static View* from_node(wlr_scene_node* node);
    FramePart frame_part_at(double lx, double ly) const;
    void set_xray(bool on) { frame_->set_xray(on); }

private:
    void handle_commit();
    void handle_destroy();
    void handle_set_title();
    void handle_request_move(wlr_xdg_toplevel_move_event* event);
    // Whether `serial` starts a pointer or touch grab on this window now (xdg_toplevel.move
    // and resize need one).
    bool grab_serial_valid(wlr_seat_client* seat_client, std::uint32_t serial) const;
    void handle_request_resize(wlr_xdg_toplevel_resize_event* event);
    void handle_request_maximize();
    void handle_request_fullscreen();
    void handle_map();
    void handle_unmap();
    // Tells the client what prism honours (xdg_toplevel.wm_capabilities): maximize, and
    // fullscreen only where the VM may have it.
    void send_wm_capabilities();
    // Fits the view's outer box to `area` (layout coordinates), remembering where it was.
    void fill(const wlr_box& area, bool with_frame);
    void restore();
    wlr_box extent() const; // the content box relative to the view's tree
    // The window moved, changed size or got another frame: its popups are placed again
    // (Popup::place_popups_of) from its new title bar and output, once per change.
    void place_popups_again();

    Desktop& desktop_;
    wlr_xdg_toplevel* toplevel_;
    wlr_xdg_surface* xdg_;
    origins::Origin origin_;
    std::uint64_t id_;
    SceneTag tag_;
    wlr_scene_tree* tree_;         // at the window geometry's corner
    wlr_scene_tree* surface_tree_; // the client's surfaces, clipped to the geometry
    wlr_scene_tree* popups_;
    FrameStyle style_;
    SizeLimit size_limit_;              // [limits] max_window_width, max_window_height
    std::size_t max_title_bytes_ = 512; // [limits] max_title_bytes
    std::unique_ptr<Frame> frame_;
    wl_event_source* label_timer_ = nullptr;
    // A title change waiting for the event loop to be idle (handle_set_title()).
    wl_event_source* title_idle_ = nullptr;
    bool mapped_ = false;
    bool urgent_ = false;
    bool maximized_ = false;
    bool fullscreen_ = false;
    bool fullscreen_refusal_logged_ = false;
    bool suspended_ = false;
    wlr_box committed_size_{};          // the window geometry at the last commit (its size matters)
    std::uint32_t wm_capabilities_ = 0; // as last sent
    wlr_box saved_{};                   // content box before maximize/fullscreen
    wlr_box popups_outer_{}, popups_content_{}; // the boxes the popups were last placed for
    int x_ = 0, y_ = 0;                         // layout position of the window geometry's origin

    Listener<void> map_, unmap_, destroy_, commit_, set_title_, set_app_id_;
    Listener<wlr_xdg_toplevel_move_event> request_move_;
    Listener<wlr_xdg_toplevel_resize_event> request_resize_;
    Listener<void> request_maximize_, request_fullscreen_;
};

} // namespace prism
