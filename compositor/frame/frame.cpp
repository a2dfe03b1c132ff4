#include "compositor/frame/frame.hpp"

#include "compositor/frame/contrast.hpp"
#include "compositor/frame/scene_colour.hpp"
#include "compositor/frame/text_buffer.hpp"
#include "compositor/frame/title.hpp"
#include "compositor/frame/title_budget.hpp"

#include <algorithm>

namespace prism {

namespace {

// Vertical room around the title text, in logical pixels.
constexpr int kTitlePadding = 4;
// The edge a fullscreen VM window keeps, at least.
constexpr int kMinFullscreenEdge = 2;
// The x-ray tint's opacity.
constexpr float kTintAlpha = 0.45f;
constexpr const char* kLabelFont = "sans bold 28";

void place(wlr_scene_rect* rect, int x, int y, int width, int height) {
    wlr_scene_node_set_position(&rect->node, x, y);
    wlr_scene_rect_set_size(rect, std::max(0, width), std::max(0, height));
    wlr_scene_node_set_enabled(&rect->node, width > 0 && height > 0);
}

} // namespace

Frame::Frame(wlr_scene_tree* parent, wl_event_loop* loop)
    : tree_(wlr_scene_tree_create(parent))
    , top_(wlr_scene_tree_create(parent))
    , border_(tree_)
    , loop_(loop) {
    static constexpr float kClear[4] = {0, 0, 0, 0};
    // Below the text buffers, which are created later.
    title_bar_ = wlr_scene_rect_create(top_, 0, 0, kClear);
    wlr_scene_node_set_enabled(&title_bar_->node, false);
}

Frame::~Frame() {
    if (budget_ != nullptr) {
        budget_->forget(this);
    }
    if (title_timer_ != nullptr) {
        wl_event_source_remove(title_timer_);
    }
    // Buffer nodes release their buffers when destroyed.
    wlr_scene_node_destroy(&top_->node);
    wlr_scene_node_destroy(&tree_->node);
}

int Frame::border_width(const FrameStyle& style) {
    // Two tones need two pixels.
    return style.host ? std::max(2, style.border) : style.border;
}

Frame::Margins Frame::margins(const FrameStyle& style) {
    const int border = border_width(style);
    const int title = frame::line_height(style.font) + 2 * kTitlePadding;
    return {border, border + title, border, border};
}

wlr_box Frame::outer_box() const {
    if (mode_ != Mode::Normal) {
        return box_;
    }
    const int border = border_width();
    return {box_.x - border, box_.y - title_height_ - border, box_.width + 2 * border,
            box_.height + title_height_ + 2 * border};
}

void Frame::update(const FrameStyle& style, const wlr_box& box, const std::string& title,
                   bool focused, float scale, Mode mode) {
    if (!(style == style_) || box.width != box_.width || title != title_text_ ||
        focused != focused_ || scale != scale_ || mode != mode_) {
        title_dirty_ = true;
    }
    if (!(style == style_) || box.width != box_.width || box.height != box_.height ||
        scale != scale_) {
        overlay_dirty_ = true;
    }
    // This runs on every commit of the window: measure the font only when it changes.
    if (title_height_ == 0 || style.font != style_.font) {
        title_height_ = frame::line_height(style.font) + 2 * kTitlePadding;
    }
    style_ = style;
    box_ = box;
    title_text_ = title;
    focused_ = focused;
    scale_ = scale;
    mode_ = mode;

    wlr_scene_node_set_enabled(&tree_->node, mode_ != Mode::Hidden);
    wlr_scene_node_set_enabled(&top_->node, mode_ != Mode::Hidden);
    if (mode_ == Mode::Fullscreen) {
        // Frames are gone in fullscreen, but a VM-coloured edge stays.
        border_.place(box_, std::max(kMinFullscreenEdge, style_.border / 2), style_.colour);
    } else if (style_.host) {
        border_.place(outer_box(), border_width(), style_.colour, style_.accent);
    } else {
        border_.place(outer_box(), style_.border, style_.colour);
    }

    if (title_dirty_) {
        schedule_title();
    }
    place_title();
    if (overlay_dirty_ && (xray_ || fullscreen_label_)) {
        render_overlay();
    }
}

wlr_scene_buffer* Frame::replace_buffer(wlr_scene_buffer* old, wlr_buffer* buffer) {
    if (old != nullptr) {
        wlr_scene_node_destroy(&old->node);
    }
    if (buffer == nullptr) {
        return nullptr;
    }
    wlr_scene_buffer* node = wlr_scene_buffer_create(top_, buffer);
    wlr_buffer_drop(buffer); // the scene node holds its own lock
    return node;
}

config::Colour Frame::title_background() const {
    return focused_ ? style_.colour : frame::darken(style_.colour, 0.3);
}

void Frame::place_title() {
    const bool shown = mode_ == Mode::Normal && box_.width > 0;
    // The bar: always its full width, in the current colours, whatever the text's state.
    frame::set_rect_colour(title_bar_, title_background());
    place(title_bar_, box_.x, box_.y - title_height_, shown ? box_.width : 0, title_height_);
    if (title_ != nullptr) {
        wlr_scene_node_set_position(&title_->node, box_.x, box_.y - title_height_);
        // Rendered for a wider window, until its deferred render: it would stick out.
        wlr_scene_node_set_enabled(&title_->node, shown && title_width_ <= box_.width);
    }
    if (close_ != nullptr) {
        const frame::Rect close = frame::close_button_rect(box_.width, title_height_);
        wlr_scene_node_set_position(&close_->node, box_.x + close.x, box_.y - title_height_);
        wlr_scene_node_set_enabled(&close_->node, shown);
    }
}

void Frame::schedule_title() {
    if (title_timer_armed_) {
        return; // the timer renders the latest state
    }
    const auto now = std::chrono::steady_clock::now();
    const auto since =
        std::chrono::duration_cast<std::chrono::milliseconds>(now - last_title_render_);
    if (loop_ == nullptr || since.count() >= kTitleIntervalMs || title_renders_ == 0) {
        render_title_within_budget(); // update() places it
        return;
    }
    if (title_timer_ == nullptr) {
        title_timer_ = wl_event_loop_add_timer(
            loop_,
            [](void* data) {
                auto* self = static_cast<Frame*>(data);
                self->title_timer_armed_ = false;
                if (self->title_dirty_ && self->render_title_within_budget()) {
                    self->place_title();
                }
                return 0;
            },
            this);
    }
    if (title_timer_ == nullptr) {
        render_title();
        return;
    }
    title_timer_armed_ = true;
    wl_event_source_timer_update(title_timer_,
                                 std::max(1, kTitleIntervalMs - static_cast<int>(since.count())));
}

void Frame::set_title_budget(TitleBudget* budget) {
    if (budget == budget_) {
        return;
    }
    if (budget_ != nullptr) {
        budget_->forget(this); // the next update() asks the new one
    }
    budget_ = budget;
}

bool Frame::render_title_within_budget() {
    if (budget_ != nullptr && !budget_->take_or_wait(this)) {
        return false;
    }
    render_title();
    return true;
}

bool Frame::render_granted() {
    if (!title_dirty_) {
        return false;
    }
    render_title();
    place_title();
    return true;
}

int Frame::max_title_text_width() const {
    const double scale = scale_ > 0 ? static_cast<double>(scale_) : 1.0;
    const int by_pixels = static_cast<int>(kMaxTitleTextPixels / scale);
    return std::max(4 * title_height_, std::min(kMaxTitleTextWidth, by_pixels));
}

void Frame::render_title() {
    title_dirty_ = false;
    last_title_render_ = std::chrono::steady_clock::now();
    ++title_renders_;
    if (mode_ != Mode::Normal || box_.width <= 0) {
        title_ = replace_buffer(title_, nullptr);
        close_ = replace_buffer(close_, nullptr);
        return;
    }
    // A bar wider than the text buffer may be gets the text at its left and the close button
    // in a buffer of its own at its right end.
    const int max_width = max_title_text_width();
    const bool split = box_.width > max_width;
    frame::TextSpec spec;
    spec.width = std::min(box_.width, max_width);
    spec.height = title_height_;
    spec.scale = scale_;
    spec.background = title_background();
    spec.text = frame::text_colour_for(spec.background);
    spec.utf8 = frame::frame_title(style_.label, title_text_);
    spec.font = style_.font;
    spec.bold = focused_;
    spec.close_button = !split;
    title_ = replace_buffer(title_, frame::render_text(spec));
    title_width_ = spec.width;
    if (title_ != nullptr) {
        wlr_scene_buffer_set_dest_size(title_, spec.width, title_height_);
    }
    close_ = replace_buffer(close_, nullptr);
    if (split) {
        frame::TextSpec button = spec;
        button.width = title_height_;
        button.utf8.clear();
        button.close_button = true;
        close_ = replace_buffer(close_, frame::render_text(button));
        if (close_ != nullptr) {
            wlr_scene_buffer_set_dest_size(close_, title_height_, title_height_);
        }
    }
    if ((title_ == nullptr || (split && close_ == nullptr)) && !title_failure_logged_) {
        // The bar is still drawn in its colour; only its text is missing.
        title_failure_logged_ = true;
        wlr_log(WLR_ERROR, "frame of a %dx%d window (%s): cannot render its title text", box_.width,
                box_.height, style_.label.c_str());
    }
    // Overlays stay above the title bar.
    if (tint_ != nullptr) {
        wlr_scene_node_raise_to_top(&tint_->node);
    }
    if (label_ != nullptr) {
        wlr_scene_node_raise_to_top(&label_->node);
    }
}

void Frame::render_overlay() {
    overlay_dirty_ = false;
    if (tint_ == nullptr) {
        static constexpr float kClear[4] = {0, 0, 0, 0};
        tint_ = wlr_scene_rect_create(top_, 0, 0, kClear);
    }
    frame::set_rect_colour(tint_, style_.colour, kTintAlpha);
    const wlr_box tinted = mode_ == Mode::Normal ? outer_box() : box_;
    place(tint_, tinted.x, tinted.y, tinted.width, tinted.height);
    wlr_scene_node_set_enabled(&tint_->node, xray_);
    wlr_scene_node_raise_to_top(&tint_->node);

    frame::TextSpec spec;
    spec.height = frame::line_height(kLabelFont) + 4 * kTitlePadding;
    spec.width =
        std::min({box_.width, std::max(spec.height * 4, box_.width / 2), kMaxTitleTextWidth});
    spec.scale = scale_;
    spec.background = style_.colour;
    spec.background_alpha = 0.9;
    spec.text = frame::text_colour_for(style_.colour);
    spec.utf8 = frame::sanitize_title(style_.label);
    spec.font = kLabelFont;
    spec.centred = true;
    label_ = replace_buffer(label_, frame::render_text(spec));
    if (label_ != nullptr) {
        wlr_scene_buffer_set_dest_size(label_, spec.width, spec.height);
        // In the middle for x-ray; at the top when entering fullscreen.
        const int y = xray_ ? box_.y + (box_.height - spec.height) / 2 : box_.y + spec.height;
        wlr_scene_node_set_position(&label_->node, box_.x + (box_.width - spec.width) / 2, y);
        wlr_scene_node_raise_to_top(&label_->node);
    }
}

void Frame::show_fullscreen_label(bool shown) {
    fullscreen_label_ = shown;
    overlay_dirty_ = true;
    if (shown) {
        render_overlay();
    } else if (!xray_ && label_ != nullptr) {
        label_ = replace_buffer(label_, nullptr);
    }
}

void Frame::set_xray(bool on) {
    if (on == xray_) {
        return;
    }
    xray_ = on;
    if (on) {
        render_overlay();
        return;
    }
    if (tint_ != nullptr) {
        wlr_scene_node_set_enabled(&tint_->node, false);
    }
    if (!fullscreen_label_ && label_ != nullptr) {
        label_ = replace_buffer(label_, nullptr);
    }
    overlay_dirty_ = true;
}

FramePart Frame::part_at(double x, double y) const {
    if (mode_ != Mode::Normal) {
        return FramePart::None;
    }
    const wlr_box title = {box_.x, box_.y - title_height_, box_.width, title_height_};
    if (wlr_box_contains_point(&title, x, y)) {
        const frame::Rect close = frame::close_button_rect(box_.width, title_height_);
        const wlr_box close_box = {title.x + close.x, title.y + close.y, close.width, close.height};
        return wlr_box_contains_point(&close_box, x, y) ? FramePart::CloseButton
                                                        : FramePart::TitleBar;
    }
    const wlr_box outer = outer_box();
    if (wlr_box_contains_point(&outer, x, y) && !wlr_box_contains_point(&box_, x, y)) {
        return FramePart::Border;
    }
    return FramePart::None;
}

} // namespace prism
