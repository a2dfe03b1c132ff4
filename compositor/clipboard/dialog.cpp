#include "compositor/clipboard/dialog.hpp"

#include "compositor/frame/border.hpp"

#include "compositor/frame/contrast.hpp"
#include "compositor/frame/scene_colour.hpp"
#include "compositor/frame/text_buffer.hpp"
#include "compositor/frame/title.hpp"

#include <algorithm>

#include <linux/input-event-codes.h>

namespace prism::clipboard {
namespace {

constexpr int kWidth = 460;
constexpr int kOuter = 3; // the host colour
constexpr int kInner = 2; // the host accent
constexpr int kPad = 14;
constexpr int kRow = 26;
constexpr int kChipWidth = 200;
constexpr int kButtonWidth = 180;
constexpr int kButtonHeight = 34;
constexpr const char* kFont = "sans 11";
constexpr const char* kTitleFont = "sans bold 13";
constexpr config::Colour kBackground{30, 30, 30};
constexpr config::Colour kText{235, 235, 235};
constexpr config::Colour kDim{170, 170, 170};
constexpr config::Colour kDenyButton{70, 70, 70};
constexpr float kClear[4] = {0, 0, 0, 0};

std::string size_text(std::uint64_t bytes) {
    if (bytes < 1024) {
        return std::to_string(bytes) + (bytes == 1 ? " byte" : " bytes");
    }
    const double kib = static_cast<double>(bytes) / 1024.0;
    char buffer[64];
    if (kib < 1024.0) {
        std::snprintf(buffer, sizeof buffer, "%.1f KiB (%llu bytes)", kib,
                      static_cast<unsigned long long>(bytes));
    } else {
        std::snprintf(buffer, sizeof buffer, "%.1f MiB (%llu bytes)", kib / 1024.0,
                      static_cast<unsigned long long>(bytes));
    }
    return buffer;
}

// The text a preview shows: one line, controls and bidi overrides removed, short.
std::string preview_text(const std::string& raw) {
    std::string text = frame::sanitize_title(raw, Mediator::kPreviewChars);
    return text.empty() ? "(whitespace only)" : "\u201c" + text + "\u201d";
}

} // namespace

Dialog::Dialog(wlr_scene_tree* parent, const FrameStyles& styles, Hooks hooks)
    : parent_(parent)
    , styles_(styles)
    , hooks_(std::move(hooks)) {
}

Dialog::~Dialog() {
    clear();
}

void Dialog::clear() {
    if (tree_ != nullptr) {
        wlr_scene_node_destroy(&tree_->node);
        tree_ = nullptr;
    }
}

void Dialog::show(const std::optional<Prompt>& prompt, int timeout_ms) {
    prompt_ = prompt;
    timeout_ms_ = timeout_ms;
    clear();
    if (prompt_) {
        draw();
    }
}

bool Dialog::accepts_input(Clock::time_point previous_key) const {
    // A quiet moment first: since the dialog appeared, and since the keystroke before this one
    // (type-ahead goes on through the dialog; every key of a burst resets the wait).
    const auto now = Clock::now();
    return prompt_ && now - prompt_->shown_at >= kInputDelay && now - previous_key >= kInputDelay;
}

void Dialog::key(xkb_keysym_t keysym, std::uint32_t modifiers, Clock::time_point previous_key) {
    if (!accepts_input(previous_key)) {
        return;
    }
    const std::uint64_t id = prompt_->id;
    switch (keysym) {
    case XKB_KEY_Return:
    case XKB_KEY_KP_Enter:
        hooks_.answer(id, Answer::Allow, "Enter");
        break;
    case XKB_KEY_Escape:
        if ((modifiers & WLR_MODIFIER_SHIFT) != 0) {
            hooks_.answer(id, Answer::DenyAll, "Shift+Escape");
        } else {
            hooks_.answer(id, Answer::Deny, "Escape");
        }
        break;
    default:
        break; // every other key, letters included, is swallowed
    }
}

void Dialog::button(double x, double y, std::uint32_t button, Clock::time_point previous_key) {
    if (!accepts_input(previous_key) || button != BTN_LEFT) {
        return;
    }
    if (wlr_box_contains_point(&allow_box_, x, y)) {
        hooks_.answer(prompt_->id, Answer::Allow, "Allow button");
    } else if (wlr_box_contains_point(&deny_box_, x, y)) {
        hooks_.answer(prompt_->id, Answer::Deny, "Deny button");
    } else if (wlr_box_contains_point(&deny_all_box_, x, y)) {
        hooks_.answer(prompt_->id, Answer::DenyAll, "Deny all button");
    }
}

void Dialog::add_rect(int x, int y, int width, int height, config::Colour colour) {
    wlr_scene_rect* rect = wlr_scene_rect_create(tree_, width, height, kClear);
    frame::set_rect_colour(rect, colour);
    wlr_scene_node_set_position(&rect->node, x, y);
}

void Dialog::add_text(const std::string& text, int x, int y, int width, int height,
                      config::Colour background, config::Colour colour, bool bold, bool centred,
                      const char* font) {
    frame::TextSpec spec;
    spec.width = width;
    spec.height = height;
    spec.scale = scale_;
    spec.background = background;
    spec.text = colour;
    spec.utf8 = text;
    spec.font = font;
    spec.bold = bold;
    spec.centred = centred;
    frame::add_text_node(tree_, spec, x, y);
}

void Dialog::draw() {
    const Prompt& p = *prompt_;
    wlr_box output{};
    const wlr_box area = hooks_.area_for(p.client, &output, &scale_);
    const FrameStyle host = styles_.host();
    const FrameStyle from = styles_.of(p.from);
    const FrameStyle to = styles_.of(p.to);

    tree_ = wlr_scene_tree_create(parent_);
    // The host's two-tone border, which no VM's frame can have; sized once the content is laid
    // out.
    const int left = kOuter + kInner;
    const int inner = kWidth - 2 * left;
    frame::Border border(tree_);
    wlr_scene_rect* background = wlr_scene_rect_create(tree_, inner, 0, kClear);
    frame::set_rect_colour(background, kBackground);
    wlr_scene_node_set_position(&background->node, left, left);

    const int x = left + kPad;
    const int width = inner - 2 * kPad;
    int y = left + kPad;
    const char* title = p.selection == Selection::Clipboard ? "Paste across VMs? (clipboard)"
                        : p.selection == Selection::Primary
                            ? "Paste across VMs? (primary selection)"
                            : "Drop across VMs? (drag and drop)";
    add_text(title, x, y, width, kRow, kBackground, kText, true, false, kTitleFont);
    y += kRow + kRow / 2;

    auto chip_row = [&](const char* caption, const FrameStyle& style) {
        add_text(caption, x, y, width - kChipWidth, kRow, kBackground, kDim, false, false, kFont);
        if (style.host) {
            add_rect(x + width - kChipWidth - 2, y - 2, kChipWidth + 4, kRow + 4, style.accent);
        }
        add_text(frame::sanitize_title(style.label, 40), x + width - kChipWidth, y, kChipWidth,
                 kRow, style.colour, frame::text_colour_for(style.colour), true, true, kFont);
        y += kRow + 6;
    };
    chip_row("From", from);
    chip_row("Into", to);
    y += kRow / 4;

    std::string type = "Type: " + frame::sanitize_title(p.mime_type, 60);
    if (p.more_types > 0) {
        type += " (and " + std::to_string(p.more_types) + " more)";
    }
    add_text(type, x, y, width, kRow, kBackground, kText, false, false, kFont);
    y += kRow;
    add_text("Size: " + (p.size ? size_text(*p.size) : std::string("reading\u2026")), x, y, width,
             kRow, kBackground, kText, false, false, kFont);
    y += kRow;
    if (!p.preview.empty()) {
        add_text(preview_text(p.preview), x, y, width, kRow, kBackground, kDim, false, false,
                 kFont);
        y += kRow;
    }
    y += kRow / 2;

    const int gap = width - 2 * kButtonWidth;
    const int buttons_y = y;
    add_text("Allow once (Enter)", x, y, kButtonWidth, kButtonHeight, host.colour,
             frame::text_colour_for(host.colour), true, true, kFont);
    add_text("Deny (Esc)", x + kButtonWidth + gap, y, kButtonWidth, kButtonHeight, kDenyButton,
             kText, true, true, kFont);
    y += kButtonHeight + kPad / 2;
    const int deny_all_y = y;
    add_text("Deny all pastes into " + frame::sanitize_title(to.label, 24) + " for " +
                 std::to_string(Mediator::kDenyAllDuration.count()) + " min (Shift+Esc)",
             x, y, width, kButtonHeight, kDenyButton, kText, false, true, kFont);
    y += kButtonHeight + kPad / 2;
    add_text("Denied if not answered in " + std::to_string(timeout_ms_ / 1000) +
                 " s. Keys count after a pause in typing.",
             x, y, width, kRow - 6, kBackground, kDim, false, false, "sans 9");
    y += kRow - 6 + kPad;

    const int height = y + left;
    border.place({0, 0, kWidth, height}, kOuter + kInner, host.colour, host.accent);
    wlr_scene_rect_set_size(background, inner, height - 2 * left);
    if (placed_id_ != p.id) {
        // Placed once per prompt: a client that moves or resizes its window while asking must
        // not be able to move the buttons under the user's pointer.
        placed_id_ = p.id;
        box_ = {area.x + (area.width - kWidth) / 2, area.y + (area.height - height) / 2, kWidth,
                height};
        // Over the window, but all of it on the window's output (its top-left corner wins when
        // the output is smaller than the dialog).
        if (output.width > 0 && output.height > 0) {
            box_.x = std::max(output.x, std::min(box_.x, output.x + output.width - kWidth));
            box_.y = std::max(output.y, std::min(box_.y, output.y + output.height - height));
        }
    }
    box_.width = kWidth;
    box_.height = height;
    wlr_scene_node_set_position(&tree_->node, box_.x, box_.y);
    allow_box_ = {box_.x + x, box_.y + buttons_y, kButtonWidth, kButtonHeight};
    deny_box_ = {box_.x + x + kButtonWidth + gap, box_.y + buttons_y, kButtonWidth, kButtonHeight};
    deny_all_box_ = {box_.x + x, box_.y + deny_all_y, width, kButtonHeight};
}

Notice::Notice(wlr_scene_tree* parent, wl_event_loop* loop)
    : parent_(parent) {
    timer_ = wl_event_loop_add_timer(loop, on_timer, this);
}

Notice::~Notice() {
    hide();
    if (timer_ != nullptr) {
        wl_event_source_remove(timer_);
    }
}

void Notice::hide() {
    if (tree_ != nullptr) {
        wlr_scene_node_destroy(&tree_->node);
        tree_ = nullptr;
    }
}

int Notice::on_timer(void* data) {
    static_cast<Notice*>(data)->hide();
    return 0;
}

void Notice::show(const std::string& text, const FrameStyle& host, wlr_box area, float scale) {
    hide();
    const int width = std::min(std::max(area.width - 40, 100), 640);
    const int height = 36;
    tree_ = wlr_scene_tree_create(parent_);
    wlr_scene_node_set_position(&tree_->node, area.x + (area.width - width) / 2, area.y + 24);
    const int edge = kOuter + kInner;
    frame::Border(tree_).place({0, 0, width, height}, edge, host.colour, host.accent);
    wlr_scene_rect* background =
        wlr_scene_rect_create(tree_, width - 2 * edge, height - 2 * edge, kClear);
    frame::set_rect_colour(background, kBackground);
    wlr_scene_node_set_position(&background->node, edge, edge);
    frame::TextSpec spec;
    spec.width = width - 2 * edge;
    spec.height = height - 2 * edge;
    spec.scale = scale;
    spec.background = kBackground;
    spec.text = kText;
    spec.utf8 = text;
    spec.font = kFont;
    spec.centred = true;
    frame::add_text_node(tree_, spec, edge, edge);
    if (timer_ != nullptr) {
        wl_event_source_timer_update(timer_, kShowMs);
    }
}

} // namespace prism::clipboard
