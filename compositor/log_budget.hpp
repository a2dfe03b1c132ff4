// Rate-limited log lines per origin: what keeps a VM that errs, or floods prism with requests
// prism refuses, from flooding the log.
//
// At most `burst` lines per origin every `interval`; the lines left out are counted, and the
// next line logged for that origin says how many. ProtocolErrorLog (every protocol error) and
// the clipboard's MIME type cap use it, each with its own budget.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <unordered_map>

namespace prism {

class LogBudget {
public:
    using Clock = std::chrono::steady_clock;

    LogBudget(int burst, Clock::duration interval);

    // Whether a line about `origin` (its display name) may be logged at `now`: if so, the
    // text to append to it, " (N more of ORIGIN not logged before this)" or "" when nothing
    // was left out; std::nullopt when the line is left out (and counted).
    std::optional<std::string> admit(const std::string& origin,
                                     Clock::time_point now = Clock::now());

private:
    struct Budget {
        Clock::time_point since{};
        int logged = 0;
        unsigned long left_out = 0;
    };

    int burst_;
    Clock::duration interval_;
    // By origin: the configured VMs, the host, "unknown" and host sandboxes (which only the
    // host's own programs make). A VM cannot add entries.
    std::unordered_map<std::string, Budget> budgets_;
};

} // namespace prism
