// Keeps a listening socket from spinning the event loop when prism is out of file descriptors,
// and its log from growing without bound.
//
// A listening socket is watched level-triggered: while a connection is pending and accept()
// fails with EMFILE or ENFILE, the loop would wake for it again at once, forever, and every
// other client and VM would starve. On such a failure the socket is taken out of the loop for
// a moment and put back by a timer. Failures are logged at most once every kLogIntervalMs, with
// the number left out since the previous line.
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include <wayland-server-core.h>

namespace prism::sys {

class AcceptPause {
public:
    static constexpr int kPauseMs = 250;
    static constexpr int kLogIntervalMs = 10000;
    using LogFn = std::function<void(const std::string& line)>;

    // `what` names the socket in log lines ("vm work socket /run/user/1000/wayland-vm-work").
    AcceptPause(wl_event_loop* loop, std::string what = {}, LogFn log = {});
    ~AcceptPause();
    AcceptPause(const AcceptPause&) = delete;
    AcceptPause& operator=(const AcceptPause&) = delete;

    // After accept() on the socket `source` watches (or making a client of what it accepted)
    // failed with `error` (errno): pauses the source for kPauseMs when the error is EMFILE or
    // ENFILE, and logs (rate-limited) any failure but EAGAIN. True when paused.
    bool after_failure(wl_event_source* source, int error);

private:
    static int resume(void* data);

    wl_event_source* timer_ = nullptr;
    wl_event_source* paused_ = nullptr;
    std::string what_;
    LogFn log_;
    std::chrono::steady_clock::time_point last_log_{};
    bool logged_ = false;
    unsigned long unlogged_ = 0; // failures since the last line
};

} // namespace prism::sys
