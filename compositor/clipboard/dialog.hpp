// The confirmation dialog for a paste across origins, drawn by prism in the host's style.
//
// It shows the source and destination origins in their colours with their labels, the MIME
// type, and the size and a short text preview once prism has read them. Enter allows this one
// paste, Escape denies it, Shift+Escape denies it and every paste into the same origin for
// Mediator::kDenyAllDuration; so do the dialog's three buttons. Letters never answer. Input
// counts only after a quiet moment: kInputDelay since the dialog appeared and since the
// previous keystroke, so neither a key typed as part of a burst that began before the dialog
// nor a click meant for the window can answer it. While it is up it is a Modal: the seat sends
// it every host key and button.
#pragma once

#include "compositor/clipboard/mediator.hpp"
#include "compositor/frame/frame.hpp"
#include "compositor/frame/styles.hpp"
#include "compositor/input/modal.hpp"
#include "compositor/wlr.hpp"

#include <chrono>
#include <functional>
#include <optional>
#include <string>

namespace prism::clipboard {

class Dialog : public Modal {
public:
    static constexpr std::chrono::milliseconds kInputDelay{500};

    struct Hooks {
        // Where to centre the dialog (layout coordinates) for a paste by `client`: the
        // destination's window, else the output under the cursor. Sets `output` to the box of
        // that output, which the dialog stays inside, and `scale` to its scale.
        std::function<wlr_box(const wl_client* client, wlr_box* output, float* scale)> area_for;
        // The user's answer.
        std::function<void(std::uint64_t prompt, Answer answer, const std::string& how)> answer;
    };

    // Origins are drawn in their `styles` (colour and label).
    Dialog(wlr_scene_tree* parent, const FrameStyles& styles, Hooks hooks);
    ~Dialog() override;
    Dialog(const Dialog&) = delete;
    Dialog& operator=(const Dialog&) = delete;

    // Shows `prompt` (re-drawn when what is known changes), or hides the dialog.
    void show(const std::optional<Prompt>& prompt, int timeout_ms);
    bool visible() const { return prompt_.has_value(); }
    // The dialog's box and its buttons' boxes, in layout coordinates (for tests and hit tests).
    wlr_box box() const { return box_; }
    wlr_box allow_box() const { return allow_box_; }
    wlr_box deny_box() const { return deny_box_; }
    wlr_box deny_all_box() const { return deny_all_box_; }

    void key(xkb_keysym_t keysym, std::uint32_t modifiers, Clock::time_point previous_key) override;
    void button(double x, double y, std::uint32_t button, Clock::time_point previous_key) override;

private:
    bool accepts_input(Clock::time_point previous_key) const;
    void draw();
    void clear();
    void add_text(const std::string& text, int x, int y, int width, int height,
                  config::Colour background, config::Colour colour, bool bold, bool centred,
                  const char* font);
    void add_rect(int x, int y, int width, int height, config::Colour colour);

    wlr_scene_tree* parent_;
    wlr_scene_tree* tree_ = nullptr;
    const FrameStyles& styles_;
    Hooks hooks_;
    std::optional<Prompt> prompt_;
    int timeout_ms_ = 0;
    float scale_ = 1.0f;
    wlr_box box_{};
    std::uint64_t placed_id_ = 0; // the prompt box_ was placed for
    wlr_box allow_box_{}, deny_box_{}, deny_all_box_{};
};

// A short message from prism ("Paste refused: ..."), drawn in the host's style at the top of
// an output for a few seconds. A new notice replaces the one showing.
class Notice {
public:
    static constexpr int kShowMs = 4000;

    Notice(wlr_scene_tree* parent, wl_event_loop* loop);
    ~Notice();
    Notice(const Notice&) = delete;
    Notice& operator=(const Notice&) = delete;

    // `area`: the output (layout coordinates) to show it on; `scale` its scale.
    void show(const std::string& text, const FrameStyle& host, wlr_box area, float scale);
    bool visible() const { return tree_ != nullptr; }

private:
    static int on_timer(void* data);
    void hide();

    wlr_scene_tree* parent_;
    wlr_scene_tree* tree_ = nullptr;
    wl_event_source* timer_ = nullptr;
};

} // namespace prism::clipboard
