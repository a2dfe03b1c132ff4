// The frame prism draws around every window: border, title bar with the origin's label and the
// window title, and a close button. It is the user's way to know which VM a window belongs to,
// so everything it shows comes from prism's config through the window's origin, never from the
// client.
//
// VM windows: a border of exactly the VM's colour on all four sides, and a title bar in that
// colour (darkened when unfocused). Host windows: a two-tone border (outer half `colour`, inner
// half `accent`), which no single-coloured VM border can equal.
#pragma once

#include "compositor/frame/border.hpp"
#include "compositor/wlr.hpp"
#include "config/config.hpp"

#include <array>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace prism {

class TitleBudget;

// The parts of a frame a click can land on.
enum class FramePart {
    None,
    Border,      // the VM-coloured border (resizes)
    TitleBar,    // focuses, moves, double-click maximizes
    CloseButton, // closes the window
};

// The largest window of an origin ([limits] max_window_width and max_window_height), in logical
// pixels: a window's geometry is cut to it, so its frame is always drawn.
struct SizeLimit {
    int width = 16384;
    int height = 6144;
    bool operator==(const SizeLimit&) const = default;
};

struct FrameStyle {
    bool host = false;
    config::Colour colour; // the VM's colour, or the host's outer colour
    config::Colour accent; // host only: the inner half of the border
    std::string label;
    std::string font = "sans 10";
    int border = 4;
    bool operator==(const FrameStyle&) const = default;
};

class Frame {
public:
    enum class Mode {
        Normal,     // border and title bar around the box
        Fullscreen, // only a thin edge inside the box, plus the label for a moment on entry
        Hidden,
    };

    // The frame's nodes go into `parent`, above everything already there, in two layers: the
    // border, and above it the title bar and the overlays (x-ray, the fullscreen label). A
    // window's popups go between the two (see border_layer()): they cover the border, never the
    // title bar or the VM's label. `loop` runs the deferred title renders.
    Frame(wlr_scene_tree* parent, wl_event_loop* loop);
    ~Frame();
    Frame(const Frame&) = delete;
    Frame& operator=(const Frame&) = delete;

    // `box` is the framed area relative to `parent`. Re-renders the title bar's text only when
    // the text, size, scale, colours or focus changed, and at most once per kTitleIntervalMs:
    // changes in between are coalesced into one render of the latest state. The bar itself (a
    // rect in the background colour) and the border follow at once, for any size.
    void update(const FrameStyle& style, const wlr_box& box, const std::string& title, bool focused,
                float scale, Mode mode);
    // Shows or hides the label shown on entering fullscreen.
    void show_fullscreen_label(bool shown);
    // X-ray: tints the box with the origin's colour and shows the label large in its middle.
    void set_xray(bool on);

    // The origin's title render budget ([limits] title_renders, shared by all its windows), or
    // none. A title change beyond it is drawn when the budget has room again (render_granted()).
    void set_title_budget(TitleBudget* budget);
    // For the TitleBudget this frame waits in: renders the latest title now, if it changed
    // since the last render; whether it rendered.
    bool render_granted();

    int title_height() const { return title_height_; }
    // How many times the title text was rendered (for tests of the rate limit).
    std::uint64_t title_renders() const { return title_renders_; }

    // The widest title text buffer, in logical pixels: wider title bars get a text part this
    // wide, a separate close button at the right end, and the bar's colour in between. At the
    // largest output scale (4) it stays below the renderers' 32767 px limit.
    static constexpr int kMaxTitleTextWidth = 4096;
    // And in the output's pixels: at scale 2 the text part is at most 2048 logical pixels wide,
    // at scale 4 1024, so no title render, however wide the window and the output scale, fills
    // more than 4096 pixels across (a render's cost grows with its pixels; a VM's renders are
    // also bounded in number, TitleBudget).
    static constexpr int kMaxTitleTextPixels = 4096;
    // The shortest time between two renders of one window's title text (one frame at 60 Hz).
    static constexpr int kTitleIntervalMs = 16;

    // What a frame of `style` adds around a window's content in Normal mode, on each side.
    struct Margins {
        int left = 0, top = 0, right = 0, bottom = 0;
    };
    static Margins margins(const FrameStyle& style);
    // The layer the border is drawn in: what is placed right above it is drawn under the title
    // bar and the overlays.
    wlr_scene_tree* border_layer() const { return tree_; }
    // The extent of the frame around the box: what a window takes beyond its content.
    wlr_box outer_box() const;

    // The frame part at `x, y` (relative to the parent), FramePart::None if none.
    FramePart part_at(double x, double y) const;

private:
    config::Colour title_background() const;
    // The border's width: the configured one, and at least 2 for the two-tone host style.
    static int border_width(const FrameStyle& style);
    int border_width() const { return border_width(style_); }
    // Renders the title text now (if the budget has room, else when it does), or arms the timer
    // when the last render was too recent.
    void schedule_title();
    // Renders the title text now if the budget has room; true if it did.
    bool render_title_within_budget();
    void render_title();
    // The widest the title text part may be now, in logical pixels (kMaxTitleTextWidth,
    // kMaxTitleTextPixels at the current scale, and never narrower than four buttons).
    int max_title_text_width() const;
    // Places the title bar's nodes on the current box.
    void place_title();
    void render_overlay();
    wlr_scene_buffer* replace_buffer(wlr_scene_buffer* old, wlr_buffer* buffer);

    wlr_scene_tree* tree_; // the border
    wlr_scene_tree* top_;  // the title bar and the overlays
    // Four rects for a VM border; host frames use eight (outer and inner halves).
    frame::Border border_;
    wl_event_loop* loop_;
    TitleBudget* budget_ = nullptr;
    wlr_scene_rect* title_bar_ = nullptr;    // the bar's colour across its whole width
    wlr_scene_buffer* title_ = nullptr;      // the text (and the close button when it fits)
    wlr_scene_buffer* close_ = nullptr;      // the close button of a bar wider than the text
    wl_event_source* title_timer_ = nullptr; // a deferred render is due
    bool title_timer_armed_ = false;
    int title_width_ = 0; // the logical width title_ was rendered for
    std::chrono::steady_clock::time_point last_title_render_{};
    std::uint64_t title_renders_ = 0;
    bool title_failure_logged_ = false;
    wlr_scene_rect* tint_ = nullptr;
    wlr_scene_buffer* label_ = nullptr; // x-ray or fullscreen-entry label
    bool xray_ = false;
    bool fullscreen_label_ = false;

    FrameStyle style_;
    wlr_box box_{};
    std::string title_text_;
    bool focused_ = false;
    float scale_ = 1.0f;
    Mode mode_ = Mode::Normal;
    int title_height_ = 0;
    bool title_dirty_ = true;
    bool overlay_dirty_ = true;
};

} // namespace prism
