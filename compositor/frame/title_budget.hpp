// How many title texts one origin's windows may have rendered per second, all of them together
// ([limits] title_renders): a token bucket per origin.
//
// Each window's title is rendered at most once per Frame::kTitleIntervalMs, but a VM with
// hundreds of windows changing their titles would still have prism render thousands a second,
// and other VMs' requests wait behind them. A frame whose title changed takes a token and
// renders at once; with none left it waits in this origin's queue, and when tokens come back
// the waiting frames render in the order they asked, each its latest title. A window's last
// title is therefore always drawn, at most (windows waiting) / rate seconds later.
#pragma once

#include "compositor/log_budget.hpp"

#include <chrono>
#include <cstdint>
#include <deque>
#include <string>
#include <wayland-server-core.h>

namespace prism {

class Frame;

class TitleBudget {
public:
    // The most renders at once (the bucket's size): a few windows changing together (a focus
    // change, a config reload) render at once; a flood costs at most this many renders per
    // event loop turn.
    static constexpr double kBurst = 8;

    // `origin`: the display name for the log line. `per_second`: limits.title_renders.
    TitleBudget(wl_event_loop* loop, std::string origin, std::uint32_t per_second);
    ~TitleBudget();
    TitleBudget(const TitleBudget&) = delete;
    TitleBudget& operator=(const TitleBudget&) = delete;

    void set_rate(std::uint32_t per_second) { per_second_ = per_second; }
    // true: `frame` may render now (a token is taken). false: it waits (once, however often it
    // asks), and Frame::render_granted() runs when its turn comes.
    bool take_or_wait(Frame* frame);
    // `frame` is going away, or moves to another budget: it no longer waits.
    void forget(Frame* frame);

    // Renders granted so far, and frames waiting now (prismctl vms).
    std::uint64_t renders() const { return renders_; }
    std::size_t waiting() const { return waiting_.size(); }

private:
    void refill(std::chrono::steady_clock::time_point now);
    void arm();
    static int handle_timer(void* data);

    std::string origin_;
    std::uint32_t per_second_;
    double tokens_ = kBurst;
    std::chrono::steady_clock::time_point refilled_ = std::chrono::steady_clock::now();
    std::deque<Frame*> waiting_;
    wl_event_source* timer_ = nullptr;
    bool armed_ = false;
    std::uint64_t renders_ = 0;
    LogBudget log_{1, std::chrono::seconds(10)};
};

} // namespace prism
