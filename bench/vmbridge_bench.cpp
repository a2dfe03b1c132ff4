// The virtio-wl device core's costs, in process, driven by the guest-driver double exactly as
// the vmbridge tests drive it:
//   - contexts: VFD_NEW_CTX + VFD_CLOSE, each context a real client of a wl_display with its VM
//     origin (ClientOrigins), per second;
//   - alloc: VFD_NEW of 1 MiB shared memory (memfd, sealed, placed in the region and mapped by
//     the guest) + VFD_CLOSE, per second;
//   - send: VFD_SEND of 4 KiB into a context whose compositor end this program drains, MiB/s.
//
//   vmbridge-bench [ROUNDS]      (default 2000)
#include "guest/link.hpp"
#include "guest/wl0.hpp"
#include "origins/client_origins.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

#include <sys/socket.h>
#include <unistd.h>

namespace {

using namespace prism::vmbridge;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

void check(int rc, const char* what) {
    if (rc != 0) {
        std::fprintf(stderr, "vmbridge-bench: %s failed: %d\n", what, rc);
        std::exit(1);
    }
}

} // namespace

int main(int argc, char** argv) {
    const int rounds = argc > 1 ? std::atoi(argv[1]) : 2000;
    wl_display* display = wl_display_create();
    wl_display_init_shm(display);
    auto origins = std::make_unique<prism::origins::ClientOrigins>(display);
    int raw_far_end = -1; // the "compositor" end of the raw context, for the send benchmark
    bool raw = false;

    device::DeviceOptions options;
    options.connect_context = [&](std::string_view) -> int {
        int ends[2];
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ends) != 0) {
            return -1;
        }
        if (raw) {
            raw_far_end = ends[1];
        } else if (origins->create_vm_client(ends[1], "bench") == nullptr) {
            close(ends[0]);
            return -1;
        }
        return ends[0];
    };
    auto link = std::make_unique<guest::InProcessLink>(
        wl_display_get_event_loop(display), [&] { wl_display_flush_clients(display); }, options);
    auto guest = std::make_unique<guest::GuestDriver>(*link);

    // Contexts.
    auto start = Clock::now();
    for (int i = 0; i < rounds; ++i) {
        std::uint32_t id = 0;
        check(guest->new_ctx(&id), "VFD_NEW_CTX");
        check(guest->close(id), "VFD_CLOSE");
        // Let the compositor side see the hang-up and destroy the client, without waiting.
        wl_display_flush_clients(display);
        wl_event_loop_dispatch(wl_display_get_event_loop(display), 0);
    }
    const double contexts_per_s = rounds / seconds_since(start);

    // Shared memory.
    start = Clock::now();
    for (int i = 0; i < rounds; ++i) {
        std::uint32_t id = 0;
        check(guest->new_alloc(1 << 20, &id), "VFD_NEW");
        {
            auto mapping = guest->mmap(id, true);
            if (!mapping) {
                std::fprintf(stderr, "vmbridge-bench: mmap failed\n");
                return 1;
            }
            mapping->bytes()[0] = 1;
        }
        check(guest->close(id), "VFD_CLOSE");
    }
    const double allocs_per_s = rounds / seconds_since(start);

    // SEND into one context.
    raw = true;
    std::uint32_t ctx = 0;
    check(guest->new_ctx(&ctx), "VFD_NEW_CTX");
    std::vector<std::uint8_t> message(4096, 0x5a);
    std::vector<char> sink(1 << 16);
    std::size_t sent = 0;
    start = Clock::now();
    for (int i = 0; i < rounds * 8; ++i) {
        check(guest->send(ctx, message), "VFD_SEND");
        sent += message.size();
        while (recv(raw_far_end, sink.data(), sink.size(), MSG_DONTWAIT) > 0) {
        }
    }
    const double send_mib_s = static_cast<double>(sent) / (1 << 20) / seconds_since(start);

    std::printf("%-28s %10.0f\n", "contexts opened+closed /s", contexts_per_s);
    std::printf("%-28s %10.0f\n", "1 MiB allocs+maps+closes /s", allocs_per_s);
    std::printf("%-28s %10.0f\n", "SEND 4 KiB, MiB/s", send_mib_s);

    guest.reset();
    link.reset();
    close(raw_far_end);
    wl_display_destroy_clients(display);
    origins.reset();
    wl_display_destroy(display);
    return 0;
}
