#include "compositor/fd_limit.hpp"

#include <sys/resource.h>

namespace prism {
namespace {

rlimit original{};
bool raised = false;

} // namespace

void raise_fd_limit() {
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0) {
        return;
    }
    original = limit;
    if (limit.rlim_cur < limit.rlim_max) {
        limit.rlim_cur = limit.rlim_max;
        raised = setrlimit(RLIMIT_NOFILE, &limit) == 0;
    }
}

void restore_fd_limit() {
    if (raised) {
        setrlimit(RLIMIT_NOFILE, &original); // async-signal-safe: fine after fork
    }
}

} // namespace prism
