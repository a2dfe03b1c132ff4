#include "sys/accept_pause.hpp"

#include <cerrno>
#include <cstring>
#include <utility>

namespace prism::sys {

AcceptPause::AcceptPause(wl_event_loop* loop, std::string what, LogFn log)
    : timer_(wl_event_loop_add_timer(loop, resume, this))
    , what_(std::move(what))
    , log_(std::move(log)) {
}

AcceptPause::~AcceptPause() {
    if (timer_ != nullptr) {
        wl_event_source_remove(timer_);
    }
}

bool AcceptPause::after_failure(wl_event_source* source, int error) {
    if (error == EAGAIN || error == EWOULDBLOCK) {
        return false;
    }
    const bool pause =
        (error == EMFILE || error == ENFILE) && source != nullptr && timer_ != nullptr;
    const auto now = std::chrono::steady_clock::now();
    if (log_ && (!logged_ || now - last_log_ >= std::chrono::milliseconds(kLogIntervalMs))) {
        std::string line = what_ + ": cannot take a connection: " + std::strerror(error);
        if (unlogged_ > 0) {
            line += " (and " + std::to_string(unlogged_) + " failures not logged since the " +
                    "last line)";
        }
        if (pause) {
            line += "; pausing it for " + std::to_string(kPauseMs) + " ms at a time";
        }
        log_(line);
        logged_ = true;
        last_log_ = now;
        unlogged_ = 0;
    } else {
        ++unlogged_;
    }
    if (!pause) {
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
