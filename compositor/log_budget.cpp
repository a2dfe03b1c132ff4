#include "compositor/log_budget.hpp"

namespace prism {

LogBudget::LogBudget(int burst, Clock::duration interval)
    : burst_(burst)
    , interval_(interval) {
}

std::optional<std::string> LogBudget::admit(const std::string& origin, Clock::time_point now) {
    Budget& budget = budgets_[origin];
    if (budget.logged == 0 || now - budget.since >= interval_) {
        budget.since = now;
        budget.logged = 0;
    }
    if (budget.logged >= burst_) {
        ++budget.left_out;
        return std::nullopt;
    }
    ++budget.logged;
    std::string note;
    if (budget.left_out > 0) {
        note = " (" + std::to_string(budget.left_out) + " more of " + origin +
               " not logged before this)";
        budget.left_out = 0;
    }
    return note;
}

} // namespace prism
