// The vhost-user path's costs (docs/benchmarks.md), side by side in one run:
//   - rings: the frontend double plays the VMM against a real prism-vhost-wl process, whose
//     device core runs here on a wl_event_loop (another thread, as in prism);
//   - seqpacket: the same device core reached through the test transport;
//   - direct: a Unix stream socket written directly, as a host Wayland client would.
// Measured: SEND of a 64-byte Wayland-sized message one at a time, each waiting for its
// response as the guest driver's ioctl does (flushes/s), and with up to 64 in flight at once,
// as when several guest clients flush together (messages/s); SEND of 4 KiB one at a time
// (MiB/s); VFD_NEW of 4 KiB (+ SHMEM_MAP through the VMM for the rings) and VFD_CLOSE (µs
// each); and for a 640x480 XRGB client, the bytes that cross the queues per committed frame,
// with the frame's pixels checked on the compositor's side through its own mapping of the pool.
// Every measurement is repeated (kRuns, interleaved) and the best of each is reported: on a
// shared machine the best run is the one least disturbed by other work.
//
//   vhost-user-bench PRISM_VHOST_WL [ROUNDS]      (default 20000)
//   vhost-user-bench PRISM_VHOST_WL ROUNDS pipelined|serial
//       only the rings, once: ROUNDS SENDs of 64 B, 64 in flight or one at a time (for
//       counting instructions per message with callgrind, which does not depend on load)
#include "guest/link.hpp"
#include "guest/wl0.hpp"
#include "vhost/frontend.hpp"
#include "vmbridge/device/seqpacket_transport.hpp"
#include "vmbridge/vhost_user/backend.hpp"
#include "vmbridge/vhost_user/supervisor.hpp"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <sys/mman.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace {

using namespace prism::vmbridge;
using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

void check(bool ok, const char* what) {
    if (!ok) {
        std::fprintf(stderr, "vhost-user-bench: %s failed\n", what);
        std::exit(1);
    }
}

constexpr int kWidth = 640, kHeight = 480;
constexpr std::size_t kFrameBytes = std::size_t{kWidth} * kHeight * 4;

// The compositor's side: a device core's contexts are raw sockets drained here; the first fd
// a context receives (the pool's memfd) is mapped, as the compositor would map a wl_shm pool.
class DeviceSide {
public:
    DeviceSide(const std::filesystem::path& program, const std::filesystem::path& dir,
               const std::map<std::string, std::uint32_t>& backends) {
        loop_ = wl_event_loop_create();
        device::DeviceOptions options;
        options.connect_context = [this](std::string_view) {
            return new_context();
        };
        options.log = [](const std::string&) {
        };
        std::string error;
        // One prism-vhost-wl per backend (each serves one VMM), on dir/vhost-NAME.sock.
        for (const auto& [name, poll_us] : backends) {
            supervisors_.push_back(
                vhost_user::Supervisor::create(loop_,
                                               {.vm = "bench-" + name,
                                                .socket = dir / ("vhost-" + name + ".sock"),
                                                .shmem_bit = 22,
                                                .poll_us = poll_us,
                                                .program = program,
                                                .device = options},
                                               &error));
            check(supervisors_.back() != nullptr, "starting prism-vhost-wl");
        }
        seqpacket_ = device::SeqpacketListener::create(loop_, dir / "seq.sock", options, &error);
        check(seqpacket_ != nullptr, "starting the device side");
        thread_ = std::thread([this] {
            while (!stop_) {
                wl_event_loop_dispatch(loop_, 20);
                wl_event_loop_dispatch_idle(loop_);
            }
        });
    }
    ~DeviceSide() {
        stop_ = true;
        thread_.join();
        supervisors_.clear();
        seqpacket_.reset();
        for (auto& [fd, context] : contexts_) {
            wl_event_source_remove(context.source);
            close(fd);
            if (context.pool != nullptr) {
                munmap(context.pool, context.pool_size);
            }
        }
        wl_event_loop_destroy(loop_);
    }
    std::uint64_t received() const { return received_; }
    // The last pixel of the pool the latest context received, as the compositor sees it.
    std::uint32_t last_pixel() const {
        std::lock_guard<std::mutex> lock(mutex_);
        for (const auto& [fd, context] : contexts_) {
            if (context.pool != nullptr && context.pool_size >= kFrameBytes) {
                std::uint32_t value;
                std::memcpy(&value, context.pool + kFrameBytes - 4, 4);
                return value;
            }
        }
        return 0;
    }

private:
    struct Context {
        wl_event_source* source = nullptr;
        std::uint8_t* pool = nullptr;
        std::size_t pool_size = 0;
    };
    int new_context() {
        int ends[2];
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, ends) != 0) {
            return -1;
        }
        std::lock_guard<std::mutex> lock(mutex_);
        Context& context = contexts_[ends[1]];
        context.source = wl_event_loop_add_fd(loop_, ends[1], WL_EVENT_READABLE, drain, this);
        return ends[0];
    }
    static int drain(int fd, std::uint32_t mask, void* data) {
        auto* self = static_cast<DeviceSide*>(data);
        // One buffer for every read, as the direct path's reader (a fresh 64 KiB per wake-up
        // cost as much as the messages it read).
        std::vector<std::uint8_t>& buffer = self->buffer_;
        for (;;) {
            iovec iov{buffer.data(), buffer.size()};
            msghdr msg{};
            msg.msg_iov = &iov;
            msg.msg_iovlen = 1;
            alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * 28)];
            msg.msg_control = control;
            msg.msg_controllen = sizeof(control);
            const ssize_t n = recvmsg(fd, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
            if (n <= 0) {
                if (n == 0 || (mask & WL_EVENT_HANGUP) != 0) {
                    std::lock_guard<std::mutex> lock(self->mutex_);
                    Context& context = self->contexts_[fd];
                    if (context.pool == nullptr) { // keep pools (the frame check reads them)
                        wl_event_source_remove(context.source);
                        close(fd);
                        self->contexts_.erase(fd);
                    } else {
                        wl_event_source_fd_update(context.source, 0);
                    }
                }
                return 0;
            }
            self->received_ += static_cast<std::uint64_t>(n);
            for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
                const std::size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
                for (std::size_t i = 0; i < count; ++i) {
                    int raw;
                    std::memcpy(&raw, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
                    std::lock_guard<std::mutex> lock(self->mutex_);
                    Context& context = self->contexts_[fd];
                    const off_t size = lseek(raw, 0, SEEK_END);
                    if (context.pool == nullptr && size > 0) {
                        void* map = mmap(nullptr, static_cast<std::size_t>(size), PROT_READ,
                                         MAP_SHARED, raw, 0);
                        if (map != MAP_FAILED) {
                            context.pool = static_cast<std::uint8_t*>(map);
                            context.pool_size = static_cast<std::size_t>(size);
                        }
                    }
                    close(raw);
                }
            }
        }
    }

    wl_event_loop* loop_ = nullptr;
    std::vector<std::unique_ptr<vhost_user::Supervisor>> supervisors_;
    std::unique_ptr<device::SeqpacketListener> seqpacket_;
    mutable std::mutex mutex_;
    std::map<int, Context> contexts_;
    std::vector<std::uint8_t> buffer_ = std::vector<std::uint8_t>(65536); // drain()'s
    std::atomic<std::uint64_t> received_{0};
    std::atomic<bool> stop_{false};
    std::thread thread_;
};

struct Rates {
    double small_per_second = 0;
    double mib_per_second = 0;
    double alloc_us = 0;
};

Rates measure(guest::GuestDriver& guest, int rounds) {
    Rates rates;
    std::uint32_t ctx = 0;
    check(guest.new_ctx(&ctx) == 0, "VFD_NEW_CTX");
    const std::vector<std::uint8_t> small(64, 0x11), large(4096, 0x22);
    auto start = Clock::now();
    for (int i = 0; i < rounds; ++i) {
        check(guest.send(ctx, small) == 0, "VFD_SEND");
    }
    rates.small_per_second = rounds / seconds_since(start);
    const int large_rounds = rounds / 4;
    start = Clock::now();
    for (int i = 0; i < large_rounds; ++i) {
        check(guest.send(ctx, large) == 0, "VFD_SEND");
    }
    rates.mib_per_second = large_rounds * 4096.0 / (1 << 20) / seconds_since(start);
    const int alloc_rounds = rounds / 10;
    start = Clock::now();
    for (int i = 0; i < alloc_rounds; ++i) {
        std::uint32_t id = 0;
        check(guest.new_alloc(4096, &id) == 0, "VFD_NEW");
        check(guest.close(id) == 0, "VFD_CLOSE");
    }
    rates.alloc_us = seconds_since(start) * 1e6 / alloc_rounds;
    check(guest.close(ctx) == 0, "VFD_CLOSE");
    return rates;
}

// SENDs of `size` bytes with up to `window` in flight at once (as a guest whose clients flush
// concurrently): messages per second.
double measure_pipelined(vhost_test::Frontend& frontend, guest::GuestDriver& guest, int rounds,
                         std::size_t size, std::size_t window) {
    std::uint32_t ctx = 0;
    check(guest.new_ctx(&ctx) == 0, "VFD_NEW_CTX");
    const std::vector<std::uint8_t> request = virtio_wl::build(
        virtio_wl::Command{virtio_wl::CmdVfdSend{
            .vfd_id = ctx, .vfd_ids = {}, .data = std::vector<std::uint8_t>(size, 0x11)}},
        guest.features());
    std::deque<std::uint16_t> in_flight;
    int posted = 0, answered = 0;
    const auto start = Clock::now();
    while (answered < rounds) {
        while (posted < rounds && in_flight.size() < window && frontend.free_out_slots() > 0) {
            in_flight.push_back(frontend.post_request(request));
            ++posted;
        }
        frontend.pump(std::chrono::milliseconds(50));
        while (!in_flight.empty()) {
            auto response = frontend.take_response(in_flight.front());
            if (!response) {
                break;
            }
            auto parsed = virtio_wl::parse_response(*response, guest.features());
            check(parsed && std::holds_alternative<virtio_wl::RespOk>(parsed.value()),
                  "pipelined VFD_SEND");
            in_flight.pop_front();
            ++answered;
        }
    }
    const double rate = rounds / seconds_since(start);
    check(guest.close(ctx) == 0, "VFD_CLOSE");
    return rate;
}

// Nanoseconds `pid` has run on a CPU, every thread (the first field of /proc/PID/schedstat).
std::uint64_t cpu_ns(pid_t pid) {
    std::ifstream stat("/proc/" + std::to_string(pid) + "/schedstat");
    std::uint64_t ns = 0;
    stat >> ns;
    return ns;
}

// The prism-vhost-wl this process started for `vm` (its child, with "--vm VM" on its command
// line); 0 if there is none.
pid_t backend_pid(const std::string& vm) {
    for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
        const std::string name = entry.path().filename();
        if (name.find_first_not_of("0123456789") != std::string::npos) {
            continue;
        }
        std::ifstream cmdline(entry.path() / "cmdline");
        std::string args((std::istreambuf_iterator<char>(cmdline)),
                         std::istreambuf_iterator<char>());
        std::ifstream stat(entry.path() / "stat");
        std::string stat_line;
        std::getline(stat, stat_line);
        const std::size_t after_comm = stat_line.rfind(") ");
        if (after_comm == std::string::npos ||
            args.find(std::string("--vm") + '\0' + vm + '\0') == std::string::npos) {
            continue;
        }
        std::istringstream fields(stat_line.substr(after_comm + 2));
        std::string state;
        pid_t parent = 0;
        fields >> state >> parent;
        if (parent == getpid()) {
            return static_cast<pid_t>(std::stol(name));
        }
    }
    return 0;
}

// A guest client drawing 60 frames a second, each committed with one SEND answered before the
// next: the CPU time per second of it of prism-vhost-wl for `vm`, in milliseconds.
double paced_backend_ms(guest::GuestDriver& guest, const std::string& vm, int seconds) {
    std::uint32_t ctx = 0;
    check(guest.new_ctx(&ctx) == 0, "VFD_NEW_CTX");
    const std::vector<std::uint8_t> commit(60, 0x44);
    const pid_t backend = backend_pid(vm);
    check(backend > 0, "finding prism-vhost-wl");
    const std::uint64_t before = cpu_ns(backend);
    auto next = Clock::now();
    for (int frame = 0; frame < 60 * seconds; ++frame) {
        next += std::chrono::microseconds(16667);
        std::this_thread::sleep_until(next);
        check(guest.send(ctx, commit) == 0, "VFD_SEND");
    }
    const double ms = static_cast<double>(cpu_ns(backend) - before) / 1e6 / seconds;
    check(guest.close(ctx) == 0, "VFD_CLOSE");
    return ms;
}

// Another VM's SENDs one at a time through the test transport (messages/s) while `noisy_vm`'s
// guest sends a SEND every 30 us from another thread, each answered before the next as its
// driver does: a backend that watches then never sleeps. Also that backend's CPU time per second
// (ms). Both VMs are served by the one device-core loop, as in prism.
struct Noisy {
    double quiet_per_second = 0;
    double noisy_backend_ms = 0;
};
Noisy beside_a_noisy_vm(guest::GuestDriver& noisy, const std::string& noisy_vm,
                        guest::GuestDriver& quiet, int rounds) {
    std::uint32_t noisy_ctx = 0, ctx = 0;
    check(noisy.new_ctx(&noisy_ctx) == 0, "VFD_NEW_CTX");
    check(quiet.new_ctx(&ctx) == 0, "VFD_NEW_CTX");
    const pid_t backend = backend_pid(noisy_vm);
    check(backend > 0, "finding prism-vhost-wl");
    std::atomic<bool> stop{false};
    std::thread noise([&] {
        const std::vector<std::uint8_t> bytes(64, 0x55);
        while (!stop) {
            check(noisy.send(noisy_ctx, bytes) == 0, "noisy VFD_SEND");
            const auto until = Clock::now() + std::chrono::microseconds(30);
            while (Clock::now() < until) {
            }
        }
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(100)); // the noise in full swing
    const std::vector<std::uint8_t> small(64, 0x11);
    const std::uint64_t cpu_before = cpu_ns(backend);
    const auto start = Clock::now();
    for (int i = 0; i < rounds; ++i) {
        check(quiet.send(ctx, small) == 0, "VFD_SEND");
    }
    const double seconds = seconds_since(start);
    Noisy result;
    result.quiet_per_second = rounds / seconds;
    result.noisy_backend_ms = static_cast<double>(cpu_ns(backend) - cpu_before) / 1e6 / seconds;
    stop = true;
    noise.join();
    check(noisy.close(noisy_ctx) == 0, "VFD_CLOSE");
    check(quiet.close(ctx) == 0, "VFD_CLOSE");
    return result;
}

// A host client writing straight into its Wayland socket: `size`-byte writes per second.
double measure_direct(int rounds, std::size_t size) {
    int ends[2];
    check(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ends) == 0, "socketpair");
    std::thread reader([fd = ends[1]] {
        std::vector<std::uint8_t> buffer(65536);
        while (read(fd, buffer.data(), buffer.size()) > 0) {
        }
    });
    const std::vector<std::uint8_t> bytes(size, 0x11);
    const auto start = Clock::now();
    for (int i = 0; i < rounds; ++i) {
        check(send(ends[0], bytes.data(), bytes.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(size),
              "send");
    }
    const double rate = rounds / seconds_since(start);
    close(ends[0]);
    reader.join();
    close(ends[1]);
    return rate;
}

// One way the rings run: its own prism-vhost-wl (on dir/vhost-NAME.sock, --vm bench-NAME) and
// its own guest double, measured side by side with the others.
struct RingPath {
    std::string name;
    std::uint32_t poll_us = 0;              // the backend's watch (0: it never watches)
    std::chrono::microseconds halt_poll{0}; // the guest's polling before it sleeps
    std::string label;                      // its row in the table
    std::unique_ptr<vhost_test::Frontend> frontend;
    std::unique_ptr<guest::GuestDriver> guest;
    Rates rates;          // the best of the runs
    double pipelined = 0; // SENDs in flight: the best of the runs

    void connect(const std::filesystem::path& dir) {
        vhost_test::FrontendOptions options;
        options.halt_poll = halt_poll;
        frontend =
            std::make_unique<vhost_test::Frontend>(dir / ("vhost-" + name + ".sock"), options);
        guest = std::make_unique<guest::GuestDriver>(*frontend);
    }
};

} // namespace

int main(int argc, char** argv) {
    if (argc < 2) {
        std::fprintf(stderr, "usage: vhost-user-bench PRISM_VHOST_WL [ROUNDS]\n");
        return 2;
    }
    const int rounds = argc > 2 ? std::atoi(argv[2]) : 20000;
    const std::string only = argc > 3 ? argv[3] : "";
    if (!only.empty() && only != "pipelined" && only != "serial") {
        std::fprintf(stderr, "usage: vhost-user-bench PRISM_VHOST_WL ROUNDS pipelined|serial\n");
        return 2;
    }
    char dir_template[] = "/tmp/prism-vhost-bench-XXXXXX";
    check(mkdtemp(dir_template) != nullptr, "mkdtemp");
    const std::filesystem::path dir = dir_template;
    {
        // Four ways the rings run, each with its own backend process and guest:
        //   watching: prism-vhost-wl as prism starts it (watching kDefaultPollUs after
        //     activity), the guest sleeping as soon as it waits;
        //   sleeping: prism-vhost-wl with poll_us 0, the guest as above;
        //   kvm: as watching, with the guest polling kKvmHaltPoll before it sleeps, as a KVM
        //     vCPU that halts is polled by the host kernel (halt_poll_ns, 200 us by default on
        //     x86) before its thread gives up the core;
        //   kvm-sleeping: that guest with a backend that never watches.
        constexpr std::chrono::microseconds kKvmHaltPoll{200};
        const std::string watch = std::to_string(vhost_user::kDefaultPollUs);
        const std::string halt = std::to_string(kKvmHaltPoll.count());
        std::vector<RingPath> paths(4);
        paths[0].name = "watching";
        paths[0].poll_us = vhost_user::kDefaultPollUs;
        paths[0].label = "vhost-user rings (prism-vhost-wl, poll_us " + watch + ")";
        paths[1].name = "sleeping";
        paths[1].label = "vhost-user rings, never watching (poll_us 0)";
        paths[2].name = "kvm";
        paths[2].poll_us = vhost_user::kDefaultPollUs;
        paths[2].halt_poll = kKvmHaltPoll;
        paths[2].label = "vhost-user rings (poll_us " + watch + "), guest polling " + halt +
                         " us before it sleeps, as KVM";
        paths[3].name = "kvm-sleeping";
        paths[3].halt_poll = kKvmHaltPoll;
        paths[3].label =
            "vhost-user rings never watching (poll_us 0), guest polling " + halt + " us as KVM";
        std::map<std::string, std::uint32_t> backends;
        for (const RingPath& path : paths) {
            backends[path.name] = path.poll_us;
        }
        DeviceSide device_side(argv[1], dir, backends);
        RingPath& watching = paths[0];
        RingPath& sleeping = paths[1];
        watching.connect(dir);
        vhost_test::Frontend& frontend = *watching.frontend;
        guest::GuestDriver& ring_guest = *watching.guest;
        if (!only.empty()) {
            std::uint32_t ctx = 0;
            check(ring_guest.new_ctx(&ctx) == 0, "VFD_NEW_CTX");
            const std::vector<std::uint8_t> small(64, 0x11);
            const auto start = Clock::now();
            double rate = 0;
            if (only == "pipelined") {
                rate = measure_pipelined(frontend, ring_guest, rounds, 64, 64);
            } else {
                for (int i = 0; i < rounds; ++i) {
                    check(ring_guest.send(ctx, small) == 0, "VFD_SEND");
                }
                rate = rounds / seconds_since(start);
            }
            check(ring_guest.close(ctx) == 0, "VFD_CLOSE");
            std::printf("%d SENDs of 64 B through the rings, %s: %.0f /s\n", rounds, only.c_str(),
                        rate);
            std::filesystem::remove_all(dir);
            return 0;
        }
        for (std::size_t i = 1; i < paths.size(); ++i) {
            paths[i].connect(dir);
        }
        guest::SocketLink link(dir / "seq.sock");
        guest::GuestDriver seq_guest(link);

        constexpr int kRuns = 5;
        constexpr std::size_t kWindow = 64;
        Rates seq;
        double direct = 0, direct_large = 0;
        const auto best = [](Rates& into, const Rates& run) {
            into.small_per_second = std::max(into.small_per_second, run.small_per_second);
            into.mib_per_second = std::max(into.mib_per_second, run.mib_per_second);
            into.alloc_us =
                into.alloc_us == 0 ? run.alloc_us : std::min(into.alloc_us, run.alloc_us);
        };
        for (int run = 0; run < kRuns; ++run) {
            for (RingPath& path : paths) {
                best(path.rates, measure(*path.guest, rounds));
                path.pipelined =
                    std::max(path.pipelined, measure_pipelined(*path.frontend, *path.guest,
                                                               rounds * 5, 64, kWindow));
            }
            best(seq, measure(seq_guest, rounds));
            direct = std::max(direct, measure_direct(rounds * 5, 64));
            direct_large =
                std::max(direct_large, measure_direct(rounds, 4096) * 4096.0 / (1 << 20));
        }

        // One SEND one at a time is one flush of a guest client's Wayland connection, answered
        // before the next (the guest driver's ioctl waits for the response). 64 B: a flush of
        // one message; 4 KiB: a flush of 64 such messages.
        std::printf("best of %d runs\n\n", kRuns);
        std::printf("| path | SEND 64 B, one at a time | SEND 64 B, %zu in flight | SEND 4 KiB, "
                    "one at a time | VFD_NEW 4 KiB + CLOSE |\n",
                    kWindow);
        std::printf("|---|---|---|---|---|\n");
        for (const RingPath& path : paths) {
            // The first row (the backend as prism starts it) says what the percentages are of.
            const bool first = &path == &paths.front();
            const char* of = first ? " of direct" : "";
            const char* bold = first ? "**" : "";
            std::printf(
                "| %s | %.0f /s (%.0f%%%s) | %.0f /s (%s%.0f%%%s%s) | %.0f MiB/s (%.0f%%) | "
                "%.1f us |\n",
                path.label.c_str(), path.rates.small_per_second,
                100.0 * path.rates.small_per_second / direct, of, path.pipelined, bold,
                100.0 * path.pipelined / direct, of, bold, path.rates.mib_per_second,
                100.0 * path.rates.mib_per_second / direct_large, path.rates.alloc_us);
        }
        std::printf("| seqpacket test transport | %.0f /s (%.0f%%) | | %.0f MiB/s (%.0f%%) | %.1f "
                    "us |\n",
                    seq.small_per_second, 100.0 * seq.small_per_second / direct, seq.mib_per_second,
                    100.0 * seq.mib_per_second / direct_large, seq.alloc_us);
        std::printf("| direct Unix socket | %.0f /s | %.0f /s | %.0f MiB/s | |\n", direct, direct,
                    direct_large);

        // What watching costs another VM: one VM keeps its backend busy with a SEND every 30 us
        // while another VM's SENDs go through the test transport one at a time.
        double quiet_alone = 0;
        Noisy beside_watching, beside_sleeping;
        for (int run = 0; run < 3; ++run) {
            quiet_alone = std::max(quiet_alone, measure(seq_guest, rounds).small_per_second);
            const Noisy watching_run =
                beside_a_noisy_vm(*watching.guest, "bench-watching", seq_guest, rounds);
            const Noisy sleeping_run =
                beside_a_noisy_vm(*sleeping.guest, "bench-sleeping", seq_guest, rounds);
            if (watching_run.quiet_per_second > beside_watching.quiet_per_second) {
                beside_watching = watching_run;
            }
            if (sleeping_run.quiet_per_second > beside_sleeping.quiet_per_second) {
                beside_sleeping = sleeping_run;
            }
        }
        std::printf("\nAnother VM's SENDs one at a time through the test transport, best of 3: "
                    "%.0f /s alone; beside a VM sending a SEND every 30 us through its backend, "
                    "%.0f /s (%.0f%%) when that backend watches (it ran %.0f ms per second), "
                    "%.0f /s (%.0f%%) when it never watches (%.0f ms per second)\n",
                    quiet_alone, beside_watching.quiet_per_second,
                    100.0 * beside_watching.quiet_per_second / quiet_alone,
                    beside_watching.noisy_backend_ms, beside_sleeping.quiet_per_second,
                    100.0 * beside_sleeping.quiet_per_second / quiet_alone,
                    beside_sleeping.noisy_backend_ms);

        // What watching costs when the VM is not busy: a client at 60 frames a second.
        constexpr int kPacedSeconds = 5;
        const double watching_ms =
            paced_backend_ms(*watching.guest, "bench-watching", kPacedSeconds);
        const double sleeping_ms =
            paced_backend_ms(*sleeping.guest, "bench-sleeping", kPacedSeconds);
        std::printf("\nA guest client committing 60 frames a second (one SEND each) for %d s: "
                    "prism-vhost-wl ran %.2f ms per second watching (poll_us %u), %.2f ms per "
                    "second never watching\n",
                    kPacedSeconds, watching_ms, vhost_user::kDefaultPollUs, sleeping_ms);

        // A 640x480 client: the pool is VFD_NEW memory, sent once; each frame is drawn into it
        // by the guest and committed with one Wayland-sized SEND.
        std::uint32_t ctx = 0, pool = 0;
        check(ring_guest.new_ctx(&ctx) == 0, "VFD_NEW_CTX");
        check(ring_guest.new_alloc(kFrameBytes, &pool) == 0, "VFD_NEW");
        auto mapping = ring_guest.mmap(pool, true);
        check(mapping.has_value(), "mmap");
        const std::vector<std::uint8_t> create_pool(32, 0x33), commit(60, 0x44);
        check(ring_guest.send(ctx, create_pool, {pool}) == 0, "VFD_SEND create_pool");
        constexpr int kFrames = 100;
        const std::uint64_t before = frontend.queue_bytes();
        for (int frame = 1; frame <= kFrames; ++frame) {
            const std::uint32_t value = static_cast<std::uint32_t>(frame);
            for (std::size_t at = 0; at < kFrameBytes; at += 4) {
                std::memcpy(mapping->bytes() + at, &value, 4);
            }
            check(ring_guest.send(ctx, commit) == 0, "VFD_SEND commit");
        }
        const double per_frame = static_cast<double>(frontend.queue_bytes() - before) / kFrames;
        // The compositor's own mapping of the pool shows the last frame: the pixels got there
        // without crossing a queue.
        std::uint32_t seen = 0;
        for (int i = 0; i < 100 && seen != kFrames; ++i) {
            seen = device_side.last_pixel();
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        check(seen == kFrames, "the compositor seeing the guest's pixels");
        std::printf("\n640x480 frame: %.0f bytes through the queues per frame (a commit message "
                    "and its response), 0 pixel bytes copied; a copying guest proxy moves %zu "
                    "bytes per frame\n",
                    per_frame, kFrameBytes);
    }
    std::filesystem::remove_all(dir);
    return 0;
}
