#include "compositor/frame/title_budget.hpp"

#include "compositor/frame/frame.hpp"
#include "compositor/wlr.hpp"

#include <algorithm>
#include <cmath>

namespace prism {

TitleBudget::TitleBudget(wl_event_loop* loop, std::string origin, std::uint32_t per_second)
    : origin_(std::move(origin))
    , per_second_(std::max<std::uint32_t>(1, per_second))
    , timer_(loop != nullptr ? wl_event_loop_add_timer(loop, &TitleBudget::handle_timer, this)
                             : nullptr) {
}

TitleBudget::~TitleBudget() {
    if (timer_ != nullptr) {
        wl_event_source_remove(timer_);
    }
}

void TitleBudget::refill(std::chrono::steady_clock::time_point now) {
    const double seconds = std::chrono::duration<double>(now - refilled_).count();
    refilled_ = now;
    tokens_ = std::min(kBurst, tokens_ + seconds * std::max<std::uint32_t>(1, per_second_));
}

bool TitleBudget::take_or_wait(Frame* frame) {
    if (std::find(waiting_.begin(), waiting_.end(), frame) != waiting_.end()) {
        return false; // renders its latest title when its turn comes
    }
    refill(std::chrono::steady_clock::now());
    // Frames already waiting go first.
    if (waiting_.empty() && tokens_ >= 1) {
        tokens_ -= 1;
        ++renders_;
        return true;
    }
    if (timer_ == nullptr) {
        ++renders_;
        return true; // no event loop (never in prism): nothing could render it later
    }
    if (const auto left_out = log_.admit(origin_)) {
        wlr_log(WLR_INFO,
                "%s: more title changes than limits.title_renders = %u per second: titles are "
                "drawn later%s",
                origin_.c_str(), per_second_, left_out->c_str());
    }
    waiting_.push_back(frame);
    arm();
    return false;
}

void TitleBudget::forget(Frame* frame) {
    waiting_.erase(std::remove(waiting_.begin(), waiting_.end(), frame), waiting_.end());
}

void TitleBudget::arm() {
    if (armed_ || waiting_.empty() || timer_ == nullptr) {
        return;
    }
    // When the next token is there.
    const double missing = std::max(0.0, 1 - tokens_);
    const int ms =
        static_cast<int>(std::ceil(missing * 1000 / std::max<std::uint32_t>(1, per_second_)));
    armed_ = true;
    wl_event_source_timer_update(timer_, std::max(1, ms));
}

int TitleBudget::handle_timer(void* data) {
    auto* self = static_cast<TitleBudget*>(data);
    self->armed_ = false;
    self->refill(std::chrono::steady_clock::now());
    while (!self->waiting_.empty() && self->tokens_ >= 1) {
        Frame* frame = self->waiting_.front();
        self->waiting_.pop_front();
        if (frame->render_granted()) {
            self->tokens_ -= 1;
            ++self->renders_;
        }
    }
    self->arm();
    return 0;
}

} // namespace prism
