#include "sys/accept_pause.hpp"

#include <cerrno>

namespace prism::sys {

AcceptPause::AcceptPause(wl_event_loop* loop)
    : timer_(wl_event_loop_add_timer(loop, resume, this)) {
}

AcceptPause::~AcceptPause() {
    if (timer_ != nullptr) {
        wl_event_source_remove(timer_);
    }
}

bool AcceptPause::after_failure(wl_event_source* source, int error) {
    if ((error != EMFILE && error != ENFILE) || source == nullptr || timer_ == nullptr) {
        return false;
    }
    wl_event_source_fd_update(source, 0);
    paused_ = source;
    wl_event_source_timer_update(timer_, kPauseMs);
    return true;
}

int AcceptPause::resume(void* data) {
    auto* self = static_cast<AcceptPause*>(data);
    if (self->paused_ != nullptr) {
        wl_event_source_fd_update(self->paused_, WL_EVENT_READABLE);
        self->paused_ = nullptr;
    }
    return 0;
}

} // namespace prism::sys
