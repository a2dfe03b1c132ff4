#include "compositor/clipboard/crossing_log.hpp"

#include "compositor/frame/title.hpp"

namespace prism::clipboard {

CrossingLog::CrossingLog(Notice& notice, const FrameStyles& styles, const Desktop& desktop)
    : notice_(notice)
    , styles_(styles)
    , desktop_(desktop) {
}

void CrossingLog::record(const Crossing& crossing) {
    const auto now = std::chrono::steady_clock::now();
    if (now - window_ >= std::chrono::seconds(1)) {
        if (unlogged_ > 0) {
            wlr_log(WLR_INFO, "clipboard: %d more crossings in the last second not logged",
                    unlogged_);
        }
        window_ = now;
        logged_ = 0;
        unlogged_ = 0;
    }
    if (++logged_ > kLinesPerSecond) {
        ++unlogged_;
        return;
    }
    // The type comes from the pasting client: no control characters reach the log.
    const std::string type = frame::sanitize_title(crossing.mime_type, 128);
    const std::string from(crossing.from.display_name()), to(crossing.to.display_name());
    wlr_log(WLR_INFO, "clipboard: %s paste from %s into %s, type '%s', %llu bytes: %s (%s)",
            to_string(crossing.selection), from.c_str(), to.c_str(), type.c_str(),
            static_cast<unsigned long long>(crossing.bytes), to_string(crossing.decision),
            crossing.rule.c_str());
    if (crossing.decision == Decision::Allowed) {
        return;
    }
    const std::string what = crossing.selection == Selection::Clipboard ? "Paste"
                             : crossing.selection == Selection::Primary ? "Primary paste"
                                                                        : "Drop";
    const std::string text = what + " from " + styles_.of(crossing.from).label + " into " +
                             styles_.of(crossing.to).label + " " + to_string(crossing.decision) +
                             ": " + crossing.rule;
    float scale = 1.0f;
    wlr_box output{};
    const wlr_box area = area_for_client(desktop_, nullptr, &output, &scale);
    notice_.show(text, styles_.host(), area, scale);
}

} // namespace prism::clipboard
