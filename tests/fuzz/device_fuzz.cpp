// libFuzzer target for the virtio-wl codec and the device core (docs/vmbridge.md, "Fuzzing").
//
// The input is a script of operations against one Device on a private event loop, with raw
// socketpairs standing in for the compositor: out-queue requests (arbitrary bytes), in-queue
// credits, bytes and fds "from the compositor", hang-ups, loop turns, and batches of requests
// (begin_batch/end_batch, as one REQUESTS packet: SENDs gathered). The whole input is
// also fed to the three codec parsers, and whatever parses is rebuilt and parsed again.
//
// Invariants checked (a violation traps): every response parses and fits the 64-byte response
// buffer; every in-queue message parses and fits one 4096-byte buffer; the device never holds
// more VFDs, shared memory or queued messages than its limits allow.
#include "vmbridge/device/device.hpp"
#include "vmbridge/virtio_wl/codec.hpp"

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

namespace {

using namespace prism::vmbridge;
using namespace prism::vmbridge::virtio_wl;
namespace sys = prism::sys;
using sys::UniqueFd;

void check(bool condition) {
    if (!condition) {
        __builtin_trap();
    }
}

class Input {
public:
    Input(const std::uint8_t* data, std::size_t size)
        : data_(data)
        , size_(size) {}
    bool empty() const { return at_ >= size_; }
    std::uint8_t byte() { return at_ < size_ ? data_[at_++] : 0; }
    std::uint16_t u16() { return static_cast<std::uint16_t>(byte() | byte() << 8); }
    std::vector<std::uint8_t> bytes(std::size_t n) {
        n = std::min(n, size_ - std::min(at_, size_));
        std::vector<std::uint8_t> out(data_ + at_, data_ + at_ + n);
        at_ += n;
        return out;
    }

private:
    const std::uint8_t* data_;
    std::size_t size_;
    std::size_t at_ = 0;
};

class FuzzTransport final : public device::Transport {
public:
    explicit FuzzTransport(Features features)
        : features_(features) {}
    bool in_queue_has_room() const override { return credits > 0; }
    bool push_in(std::span<const std::uint8_t> message) override {
        if (credits == 0) {
            return false;
        }
        --credits;
        check(message.size() <= kInBufferSize);
        check(parse_in_queue(message, features_).ok());
        return true;
    }
    bool map_shmem(std::uint64_t offset, int fd, std::uint64_t size, bool) override {
        check(offset % kPageSize == 0 && size % kPageSize == 0);
        check(offset >= kShmemFirstOffset && offset + size <= kShmemRegionSize);
        check(fd >= 0);
        mapped += size;
        return true;
    }
    void unmap_shmem(std::uint64_t, std::uint64_t size) override {
        check(mapped >= size);
        mapped -= size;
    }
    std::uint32_t credits = 0;
    std::uint64_t mapped = 0;

private:
    Features features_;
};

void fuzz_codec(std::span<const std::uint8_t> data) {
    for (Features features :
         {Features::all_wl(), Features::none(), Features::none().with(kFeatureTransFlags)}) {
        if (auto command = parse_command(data, features)) {
            auto again = parse_command(build(command.value(), features), features);
            check(again.ok() && again.value() == command.value());
        }
        if (auto response = parse_response(data, features)) {
            check(parse_response(build(response.value()), features).ok());
        }
        if (auto message = parse_in_queue(data, features)) {
            check(parse_in_queue(build(message.value()), features).ok());
        }
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    fuzz_codec(std::span<const std::uint8_t>(data, size));

    Input input(data, size);
    const Features features = (input.byte() & 1) != 0
                                  ? Features::all_wl()
                                  : Features::all_wl().without(kFeatureTransFlags);
    wl_event_loop* loop = wl_event_loop_create();
    std::vector<sys::UniqueFd> peers; // the compositor's ends of the contexts
    {
        FuzzTransport transport(features);
        device::DeviceOptions options;
        options.features = features;
        options.limits.max_vfds = 48;
        options.limits.max_shm_bytes = 1 << 20;
        options.limits.max_queued_messages = 64;
        options.limits.max_backlog_bytes = 64 * 1024;
        options.connect_context = [&peers](std::string_view name) -> int {
            if (name != "" && name != "named") {
                return -1;
            }
            int ends[2];
            if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, ends) != 0) {
                return -1;
            }
            peers.emplace_back(ends[1]);
            return ends[0];
        };
        options.log_name = "fuzz";
        options.log = [](const std::string&) {
        }; // drops are expected here; keep the log quiet
        device::Device device(loop, transport, options);

        for (int steps = 0; !input.empty() && steps < 256; ++steps) {
            switch (input.byte() % 6) {
            case 0: { // an out-queue request
                const std::vector<std::uint8_t> request = input.bytes(input.u16() % 512);
                const std::vector<std::uint8_t> response = device.handle_request(request);
                check(response.size() <= layout::kCtrlVfdNewSize);
                check(parse_response(response, features).ok());
                break;
            }
            case 1: // in-queue buffers posted
                transport.credits += input.byte() % 8;
                device.in_queue_ready();
                break;
            case 2: { // the compositor sends bytes, maybe with a memfd and a pipe end
                if (peers.empty()) {
                    break;
                }
                sys::UniqueFd& peer = peers[input.byte() % peers.size()];
                const std::uint8_t flags = input.byte();
                std::vector<std::uint8_t> bytes = input.bytes(input.byte());
                if (!peer) {
                    break;
                }
                bytes.push_back(0); // never an empty message
                std::vector<sys::UniqueFd> owned;
                if ((flags & 1) != 0) {
                    owned.emplace_back(memfd_create("fuzz", MFD_CLOEXEC));
                    if (ftruncate(owned.back().get(), (flags >> 2) * 1000 + 1) != 0) {
                        owned.pop_back();
                    }
                }
                if ((flags & 2) != 0) {
                    int ends[2];
                    if (pipe2(ends, O_CLOEXEC) == 0) {
                        owned.emplace_back(ends[0]);
                        owned.emplace_back(ends[1]);
                    }
                }
                iovec iov{bytes.data(), bytes.size()};
                msghdr msg{};
                msg.msg_iov = &iov;
                msg.msg_iovlen = 1;
                alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * 3)];
                if (!owned.empty()) {
                    msg.msg_control = control;
                    msg.msg_controllen = CMSG_SPACE(sizeof(int) * owned.size());
                    cmsghdr* cmsg = CMSG_FIRSTHDR(&msg);
                    cmsg->cmsg_level = SOL_SOCKET;
                    cmsg->cmsg_type = SCM_RIGHTS;
                    cmsg->cmsg_len = CMSG_LEN(sizeof(int) * owned.size());
                    for (std::size_t i = 0; i < owned.size(); ++i) {
                        const int fd = owned[i].get();
                        std::memcpy(CMSG_DATA(cmsg) + i * sizeof(int), &fd, sizeof(int));
                    }
                }
                (void)sendmsg(peer.get(), &msg, MSG_DONTWAIT | MSG_NOSIGNAL);
                break;
            }
            case 3: // the loop turns: the device reads and writes
                wl_event_loop_dispatch(loop, 0);
                break;
            case 4: // the compositor drops a context
                if (!peers.empty()) {
                    peers[input.byte() % peers.size()].reset();
                }
                break;
            case 5: { // requests that came in one packet (SENDs gathered into one write)
                device.begin_batch();
                for (int count = input.byte() % 16; count > 0 && !input.empty(); --count) {
                    const std::vector<std::uint8_t> request = input.bytes(input.u16() % 512);
                    const std::vector<std::uint8_t> response = device.handle_request(request);
                    check(response.size() <= layout::kCtrlVfdNewSize);
                    check(parse_response(response, features).ok());
                }
                device.end_batch();
                break;
            }
            }
            const device::DeviceStats stats = device.stats();
            check(stats.vfds <= options.limits.max_vfds);
            check(stats.shm_bytes <= options.limits.max_shm_bytes);
            check(stats.shm_bytes == transport.mapped);
            check(stats.queued_messages <= options.limits.max_queued_messages);
        }
    }
    peers.clear();
    wl_event_loop_destroy(loop);
    return 0;
}
