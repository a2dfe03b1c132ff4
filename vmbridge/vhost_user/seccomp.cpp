#include "vmbridge/vhost_user/seccomp.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <seccomp.h>
#include <sys/mman.h>

namespace prism::vmbridge::vhost_user {

namespace {

// What the backend itself calls, and what glibc's malloc and stdio need.
constexpr int kAllowed[] = {
    SCMP_SYS(read),    SCMP_SYS(write),      SCMP_SYS(readv),           SCMP_SYS(writev),
    SCMP_SYS(recvmsg), SCMP_SYS(sendmsg),    SCMP_SYS(recvfrom),        SCMP_SYS(sendto),
    SCMP_SYS(poll),    SCMP_SYS(ppoll),      SCMP_SYS(accept4),         SCMP_SYS(getsockopt),
    SCMP_SYS(close),   SCMP_SYS(munmap),     SCMP_SYS(mremap),          SCMP_SYS(madvise),
    SCMP_SYS(brk),     SCMP_SYS(futex),      SCMP_SYS(rt_sigreturn),    SCMP_SYS(rt_sigprocmask),
    SCMP_SYS(exit),    SCMP_SYS(exit_group), SCMP_SYS(restart_syscall), SCMP_SYS(clock_gettime),
    SCMP_SYS(getpid),  SCMP_SYS(gettid),     SCMP_SYS(sched_yield),
};

// fcntl commands: flags, seals, close-on-exec.
constexpr int kFcntlAllowed[] = {F_GETFL, F_SETFL, F_GETFD, F_SETFD, F_GET_SEALS};

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_UNDEFINED__)
#define PRISM_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(undefined_behavior_sanitizer)
#define PRISM_SANITIZED 1
#endif
#endif

#ifdef PRISM_SANITIZED
// What sanitizer runtimes call while the process runs (signal stacks, limits, threads). Nothing
// that opens files: an error report, which would read /proc/self/maps, is killed by the filter
// instead (the process dies either way), so sanitized tests run against the real allow-list.
constexpr int kSanitizerAllowed[] = {
    SCMP_SYS(sigaltstack), SCMP_SYS(rt_sigaction), SCMP_SYS(getrlimit), SCMP_SYS(prlimit64),
    SCMP_SYS(tgkill),      SCMP_SYS(getppid),      SCMP_SYS(prctl),
};
#endif

} // namespace

bool enter_seccomp(std::string* why) {
    scmp_filter_ctx filter = seccomp_init(SCMP_ACT_KILL_PROCESS);
    if (filter == nullptr) {
        *why = "seccomp_init failed";
        return false;
    }
    int rc = 0;
    for (const int call : kAllowed) {
        rc = rc != 0 ? rc : seccomp_rule_add(filter, SCMP_ACT_ALLOW, call, 0);
    }
    for (const int command : kFcntlAllowed) {
        rc = rc != 0 ? rc
                     : seccomp_rule_add(filter, SCMP_ACT_ALLOW, SCMP_SYS(fcntl), 1,
                                        SCMP_A1(SCMP_CMP_EQ, static_cast<scmp_datum_t>(command)));
    }
    // mmap and mprotect, never executable: guest memory, shared buffers and malloc's arenas
    // are data.
    for (const int call : {SCMP_SYS(mmap), SCMP_SYS(mprotect)}) {
        rc = rc != 0 ? rc
                     : seccomp_rule_add(filter, SCMP_ACT_ALLOW, call, 1,
                                        SCMP_A2(SCMP_CMP_MASKED_EQ, PROT_EXEC, 0));
    }
#ifdef PRISM_SANITIZED
    for (const int call : kSanitizerAllowed) {
        rc = rc != 0 ? rc : seccomp_rule_add(filter, SCMP_ACT_ALLOW, call, 0);
    }
#endif
    rc = rc != 0 ? rc : seccomp_load(filter);
    seccomp_release(filter);
    if (rc != 0) {
        *why = std::strerror(-rc);
        return false;
    }
    return true;
}

} // namespace prism::vmbridge::vhost_user
