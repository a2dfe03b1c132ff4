// How fast prism moves a crossing paste, and what it costs in memory: Transfer::collect reads a
// source pipe into memory (as the mediator does before Allow), Transfer::deliver writes it to
// the destination's pipe. Both sides are played by this program on the same event loop, as
// the clients would be.
//
//   clipboard-bench [MiB...]      (default: 1 16 64)
#include "compositor/clipboard/transfer.hpp"

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include <fcntl.h>
#include <sys/resource.h>
#include <unistd.h>

namespace {

using prism::clipboard::Transfer;
using prism::clipboard::TransferResult;
using Clock = std::chrono::steady_clock;

// Writes `size` bytes into `fd` from the loop, then closes it.
struct Feeder {
    int fd;
    std::size_t left;
    std::vector<char> chunk = std::vector<char>(64 * 1024, 'x');
    wl_event_source* source = nullptr;

    static int on_writable(int, std::uint32_t, void* data) {
        auto* self = static_cast<Feeder*>(data);
        while (self->left > 0) {
            const ssize_t n =
                write(self->fd, self->chunk.data(), std::min(self->left, self->chunk.size()));
            if (n <= 0) {
                return 0; // EAGAIN: later
            }
            self->left -= static_cast<std::size_t>(n);
        }
        wl_event_source_remove(self->source);
        self->source = nullptr;
        close(self->fd);
        return 0;
    }
};

// Reads `fd` from the loop until EOF.
struct Drain {
    int fd;
    std::size_t got = 0;
    bool eof = false;
    std::vector<char> buffer = std::vector<char>(64 * 1024);
    wl_event_source* source = nullptr;

    static int on_readable(int, std::uint32_t, void* data) {
        auto* self = static_cast<Drain*>(data);
        for (;;) {
            const ssize_t n = read(self->fd, self->buffer.data(), self->buffer.size());
            if (n > 0) {
                self->got += static_cast<std::size_t>(n);
                continue;
            }
            if (n == 0) {
                self->eof = true;
                wl_event_source_remove(self->source);
                self->source = nullptr;
                close(self->fd);
            }
            return 0;
        }
    }
};

void make_pipe(int fds[2]) {
    if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0) {
        std::perror("pipe2");
        std::exit(1);
    }
}

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

long peak_rss_kib() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss;
}

} // namespace

int main(int argc, char** argv) {
    std::signal(SIGPIPE, SIG_IGN);
    std::vector<std::size_t> sizes;
    for (int i = 1; i < argc; ++i) {
        sizes.push_back(std::strtoull(argv[i], nullptr, 10));
    }
    if (sizes.empty()) {
        sizes = {1, 16, 64};
    }
    wl_event_loop* loop = wl_event_loop_create();
    std::printf("%-8s %-14s %-14s %-12s\n", "MiB", "collect MiB/s", "deliver MiB/s",
                "peak RSS MiB");
    for (const std::size_t mib : sizes) {
        const std::size_t size = mib << 20;
        const Transfer::Limits limits{size, 10000};

        int source[2];
        make_pipe(source);
        Feeder feeder{source[1], size};
        feeder.source =
            wl_event_loop_add_fd(loop, source[1], WL_EVENT_WRITABLE, Feeder::on_writable, &feeder);
        bool collected = false;
        TransferResult collect_result;
        const auto collect_start = Clock::now();
        auto collect = Transfer::collect(loop, source[0], limits, [&](const TransferResult& r) {
            collect_result = r;
            collected = true;
        });
        while (!collected) {
            wl_event_loop_dispatch(loop, 100);
        }
        const double collect_s = seconds_since(collect_start);
        std::string bytes = std::move(collect->collected());
        collect.reset();

        int destination[2];
        make_pipe(destination);
        Drain drain{destination[0]};
        drain.source = wl_event_loop_add_fd(loop, destination[0], WL_EVENT_READABLE,
                                            Drain::on_readable, &drain);
        bool delivered = false;
        TransferResult deliver_result;
        const auto deliver_start = Clock::now();
        auto deliver = Transfer::deliver(loop, std::move(bytes), destination[1], limits,
                                         [&](const TransferResult& r) {
                                             deliver_result = r;
                                             delivered = true;
                                         });
        while (!delivered || !drain.eof) {
            wl_event_loop_dispatch(loop, 100);
        }
        const double deliver_s = seconds_since(deliver_start);
        deliver.reset();
        if (collect_result.status != TransferResult::Status::Done ||
            deliver_result.status != TransferResult::Status::Done || drain.got != size) {
            std::fprintf(stderr, "clipboard-bench: %zu MiB did not arrive whole\n", mib);
            return 1;
        }
        std::printf("%-8zu %-14.0f %-14.0f %-12.1f\n", mib, static_cast<double>(mib) / collect_s,
                    static_cast<double>(mib) / deliver_s,
                    static_cast<double>(peak_rss_kib()) / 1024.0);
    }
    wl_event_loop_destroy(loop);
    return 0;
}
