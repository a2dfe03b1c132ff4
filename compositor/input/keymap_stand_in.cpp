#include "compositor/input/keymap_stand_in.hpp"

namespace prism {
namespace {

const wlr_keyboard_impl kStandIn = {
    .name = "prism-keymap-stand-in",
    .led_update = nullptr,
};

} // namespace

KeymapStandIn::KeymapStandIn(wlr_seat* seat, std::function<void()> expired)
    : seat_(seat)
    , expired_(std::move(expired)) {
    wlr_keyboard_init(&keyboard_, &kStandIn, kStandIn.name);
    timer_ = wl_event_loop_add_timer(
        wl_display_get_event_loop(seat_->display),
        [](void* data) {
            auto* self = static_cast<KeymapStandIn*>(data);
            if (self->is_seat_keyboard() && self->expired_) {
                self->expired_();
            }
            return 0;
        },
        this);
}

KeymapStandIn::~KeymapStandIn() {
    if (timer_ != nullptr) {
        wl_event_source_remove(timer_);
    }
    if (is_seat_keyboard()) {
        wlr_seat_set_keyboard(seat_, nullptr);
    }
    wlr_keyboard_finish(&keyboard_);
}

bool KeymapStandIn::take_over_from(const wlr_keyboard* gone) {
    if (gone == nullptr || gone->keymap == nullptr || timer_ == nullptr) {
        return false;
    }
    if (!wlr_keyboard_set_keymap(&keyboard_, gone->keymap)) {
        return false;
    }
    wlr_keyboard_set_repeat_info(&keyboard_, gone->repeat_info.rate, gone->repeat_info.delay);
    wlr_seat_set_keyboard(seat_, &keyboard_);
    wl_event_source_timer_update(timer_, kHoldMs);
    return true;
}

bool KeymapStandIn::is_seat_keyboard() const {
    return wlr_seat_get_keyboard(seat_) == &keyboard_;
}

} // namespace prism
