// What the user and the log are told about each paste across origins, once it is decided: a
// log line for every crossing, and for anything but Allowed a notice on screen ("Paste from
// work into personal refused: paste_from.work = deny").
//
// A VM can cause refusals as fast as it sends requests: at most kLinesPerSecond lines and
// notices a second; the rest are counted, and the count is logged when the second is over.
// Every crossing stays in `prismctl clipboard`'s list (the mediator's) either way.
#pragma once

#include "compositor/clipboard/dialog.hpp"
#include "compositor/clipboard/mediator.hpp"
#include "compositor/clipboard/placement.hpp"
#include "compositor/frame/styles.hpp"
#include "compositor/model/desktop.hpp"

#include <chrono>

namespace prism::clipboard {

class CrossingLog {
public:
    static constexpr int kLinesPerSecond = 10;

    // Notices go in `notice`, with the origins' labels from `styles`, on the output under the
    // cursor (`desktop`).
    CrossingLog(Notice& notice, const FrameStyles& styles, const Desktop& desktop);

    void record(const Crossing& crossing);

private:
    Notice& notice_;
    const FrameStyles& styles_;
    const Desktop& desktop_;
    std::chrono::steady_clock::time_point window_{};
    int logged_ = 0, unlogged_ = 0;
};

} // namespace prism::clipboard
