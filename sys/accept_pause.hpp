// Keeps a listening socket from spinning the event loop when prism is out of file descriptors.
//
// A listening socket is watched level-triggered: while a connection is pending and accept()
// fails with EMFILE or ENFILE, the loop would wake for it again at once, forever, and every
// other client and VM would starve. On such a failure the socket is taken out of the loop for
// a moment and put back by a timer.
#pragma once

#include <wayland-server-core.h>

namespace prism::sys {

class AcceptPause {
public:
    static constexpr int kPauseMs = 250;

    explicit AcceptPause(wl_event_loop* loop);
    ~AcceptPause();
    AcceptPause(const AcceptPause&) = delete;
    AcceptPause& operator=(const AcceptPause&) = delete;

    // After accept() on the socket `source` watches failed with `error` (errno): pauses the
    // source for kPauseMs when the error is EMFILE or ENFILE. True when paused.
    bool after_failure(wl_event_source* source, int error);

private:
    static int resume(void* data);

    wl_event_source* timer_ = nullptr;
    wl_event_source* paused_ = nullptr;
};

} // namespace prism::sys
