#include "vmbridge/vhost_user/backend.hpp"

#include "sys/fd_io.hpp"
#include "vmbridge/device/test_transport_wire.hpp"
#include "vmbridge/virtio_wl/constants.hpp"
#include "vmbridge/virtio_wl/features.hpp"
#include "vmbridge/virtio_wl/le.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

namespace prism::vmbridge::vhost_user {

namespace wire = device::test_wire;
namespace wl = virtio_wl;

namespace {

// Device packets held while a SHMEM_MAP waits for its ack; past this the device socket is not
// read (prism then stops too: it never queues more than a response and one read's mappings).
constexpr std::size_t kMaxHeldEvents = 256;
// When the backend channel ends, how long the VMM's socket may take to end too (an exit).
constexpr int kExitGraceMs = 100;

// Receives up to kMaxFds fds with `size` bytes; -1 on error, 0 on EOF.
ssize_t receive(int fd, std::uint8_t* data, std::size_t size, std::vector<sys::UniqueFd>* fds) {
    iovec iov{data, size};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * kMaxFds)];
    msg.msg_control = control;
    msg.msg_controllen = sizeof(control);
    ssize_t n;
    do {
        n = recvmsg(fd, &msg, MSG_CMSG_CLOEXEC | MSG_WAITALL);
    } while (n < 0 && errno == EINTR);
    for (cmsghdr* cmsg = CMSG_FIRSTHDR(&msg); cmsg != nullptr; cmsg = CMSG_NXTHDR(&msg, cmsg)) {
        if (cmsg->cmsg_level == SOL_SOCKET && cmsg->cmsg_type == SCM_RIGHTS) {
            const std::size_t count = (cmsg->cmsg_len - CMSG_LEN(0)) / sizeof(int);
            for (std::size_t i = 0; i < count; ++i) {
                int raw;
                std::memcpy(&raw, CMSG_DATA(cmsg) + i * sizeof(int), sizeof(int));
                fds->emplace_back(raw);
            }
        }
    }
    if ((msg.msg_flags & MSG_CTRUNC) != 0) {
        errno = EMSGSIZE;
        return -1;
    }
    return n;
}

// The whole message, with `fd` attached unless it is -1, waiting until it is sent.
bool send_with_fd(int socket, std::span<const std::uint8_t> bytes, int fd) {
    const std::span<const int> fds =
        fd >= 0 ? std::span<const int>(&fd, 1) : std::span<const int>();
    return sys::send_with_fds(socket, bytes, fds, sys::Wait::UntilSent) ==
           static_cast<ssize_t>(bytes.size());
}

std::string hex(std::uint64_t value) {
    char text[24];
    std::snprintf(text, sizeof(text), "0x%llx", static_cast<unsigned long long>(value));
    return text;
}

} // namespace

Backend::Backend(sys::UniqueFd frontend, BackendOptions options)
    : frontend_(std::move(frontend))
    , options_(std::move(options)) {
}

Backend::~Backend() = default;

std::uint64_t Backend::offered_features() {
    return wl::Features::all_wl().bits | bit(kFeatureVersion1) | bit(kFeatureProtocolFeatures);
}

std::uint64_t Backend::offered_protocol_features() const {
    return bit(kProtocolReplyAck) | bit(kProtocolBackendReq) | bit(kProtocolBackendSendFd) |
           bit(options_.shmem_bit);
}

void Backend::log(const std::string& line) const {
    std::fprintf(stderr, "prism-vhost-wl %s: %s\n", options_.vm.c_str(), line.c_str());
}

bool Backend::fail(const std::string& why) {
    log(why + "; ending the device");
    return false;
}

bool Backend::run() {
    send_status(shim_wire::State::Negotiating);
    for (;;) {
        // Fixed slots: frontend, control, backend channel, kick 0, kick 1, device.
        const bool live = device_ && hello_;
        pollfd fds[6]{};
        fds[0] = {frontend_.get(), POLLIN, 0};
        fds[1] = {options_.control_fd, POLLIN, 0};
        fds[2] = {backend_req_ ? backend_req_.get() : -1, POLLIN, 0};
        for (std::uint32_t i = 0; i < kQueueCount; ++i) {
            fds[3 + i] = {live && rings_[i].kick ? rings_[i].kick.get() : -1, POLLIN, 0};
        }
        short device_events = events_.size() < kMaxHeldEvents ? POLLIN : 0;
        if (!device_out_.empty()) {
            device_events |= POLLOUT;
        }
        fds[5] = {device_ ? device_.get() : -1, device_events, 0};
        bool watching = false;
        if (!watch_window(&watching)) {
            return false;
        }
        // Only a sleep is timed (it sizes the watch); a look while watching is not.
        const bool timed = !watching && live;
        const auto slept_from =
            timed ? std::chrono::steady_clock::now() : std::chrono::steady_clock::time_point();
        const int ready = poll(fds, 6, watching ? 0 : -1);
        if (timed) {
            adapt_watch(std::chrono::steady_clock::now() - slept_from);
        }
        if (ready < 0) {
            if (errno == EINTR) {
                continue;
            }
            return fail(std::string("poll: ") + std::strerror(errno));
        }
        bool active = ready > 0;
        if (fds[0].revents != 0) {
            bool closed = false;
            if (!on_frontend(&closed)) {
                return false;
            }
            if (closed) {
                log("the VMM disconnected");
                end_session("the VMM disconnected");
                return true;
            }
        }
        if (fds[1].revents != 0) {
            bool closed = false;
            if (!on_control(&closed)) {
                return false;
            }
            if (closed) {
                return fail("prism closed the control channel");
            }
        }
        if (fds[2].revents != 0 && backend_req_) {
            bool closed = false;
            if (!on_backend_reply(&closed)) {
                return false;
            }
            if (closed) {
                // A VMM that exits closes both sockets, in no particular order.
                pollfd front{frontend_.get(), POLLIN, 0};
                std::uint8_t byte = 0;
                if (poll(&front, 1, kExitGraceMs) > 0 &&
                    recv(frontend_.get(), &byte, 1, MSG_PEEK | MSG_DONTWAIT) == 0) {
                    log("the VMM disconnected");
                    end_session("the VMM disconnected");
                    return true;
                }
                return fail("the VMM closed the backend channel");
            }
        }
        for (std::uint32_t i = 0; i < kQueueCount; ++i) {
            if (fds[3 + i].revents != 0 && !drain_kick(i)) {
                return false;
            }
        }
        if (device_ && fds[5].revents != 0) {
            if ((fds[5].revents & POLLOUT) != 0 && !flush_device()) {
                end_session("prism closed the device");
            } else if ((fds[5].revents & (POLLIN | POLLHUP | POLLERR)) != 0 &&
                       !on_device_readable()) {
                return false;
            }
        }
        if (device_ && hello_ && watching) {
            // What a kick would have said: new chains on either queue.
            const std::size_t in_flight = in_flight_count_;
            const std::uint32_t credited = credited_;
            if (!credit_in() || !process_out()) {
                return false;
            }
            active = active || in_flight_count_ != in_flight || credited_ != credited;
        }
        if (device_ && hello_ && !apply_events()) {
            return false;
        }
        if (active) {
            extend_watch();
        } else if (watching) {
            sched_yield(); // let the guest or prism run on this core if they are waiting for it
        }
    }
}

bool Backend::watch_window(bool* open) {
    *open = false;
    if (!watching_) {
        return true;
    }
    if (device_ && hello_ && std::chrono::steady_clock::now() < watch_until_) {
        *open = true;
        return true;
    }
    // Closing: kicks go back on (process_out does it when the queue is idle) and the queue is
    // looked at once more, for a chain the guest added without a kick while they were off.
    watching_ = false;
    const std::size_t in_flight = in_flight_count_;
    if (!process_out()) {
        return false;
    }
    if (in_flight_count_ != in_flight) {
        extend_watch();
        *open = true;
    }
    return true;
}

void Backend::extend_watch() {
    if (window_.count() == 0 || !device_ || !hello_) {
        return;
    }
    watching_ = true;
    watch_until_ = std::chrono::steady_clock::now() + window_;
}

void Backend::adapt_watch(std::chrono::steady_clock::duration slept) {
    // As KVM sizes its halt polling: a sleep a longer window would have spared doubles the
    // window (from kWatchGrowStart, up to poll_us); a longer one halves it. A VM whose client
    // draws 60 frames a second sleeps 16 ms between them, so its window soon shrinks to nothing
    // and its backend spins not at all; a burst of SENDs grows it back within a few wake-ups.
    const std::chrono::microseconds max(options_.poll_us);
    if (max.count() == 0) {
        return;
    }
    if (slept <= max) {
        window_ = std::min(max, std::max(window_ * 2, kWatchGrowStart));
    } else {
        window_ /= 2;
    }
}

// ---- frontend ---------------------------------------------------------------------------------

bool Backend::on_frontend(bool* closed) {
    std::uint8_t raw[kHeaderSize];
    std::vector<sys::UniqueFd> fds;
    const ssize_t n = receive(frontend_.get(), raw, sizeof(raw), &fds);
    if (n == 0) {
        *closed = true;
        return true;
    }
    if (n < 0) {
        if (errno == ECONNRESET) {
            *closed = true;
            return true;
        }
        return fail(std::string("reading the VMM's socket: ") + std::strerror(errno));
    }
    if (n != static_cast<ssize_t>(sizeof(raw))) {
        return fail("the VMM sent a short header");
    }
    std::string why;
    const std::optional<Header> header = parse_header(raw, &why);
    if (!header) {
        return fail("malformed message from the VMM: " + why);
    }
    if (header->is_reply()) {
        return fail("the VMM sent a reply on the request socket");
    }
    std::vector<std::uint8_t> payload(header->size);
    if (header->size > 0) {
        const ssize_t got = receive(frontend_.get(), payload.data(), payload.size(), &fds);
        if (got != static_cast<ssize_t>(payload.size())) {
            return fail("the VMM's message ended early");
        }
    }
    if (fds.size() > kMaxFds) {
        return fail("too many fds with one message");
    }
    return handle(*header, payload, fds);
}

bool Backend::send_reply(const Header& header, std::span<const std::uint8_t> payload) {
    const std::vector<std::uint8_t> bytes = build_message(header.request, kFlagReply, payload);
    if (!send_with_fd(frontend_.get(), bytes, -1)) {
        return fail("cannot reply to the VMM");
    }
    return true;
}

bool Backend::ring_index(std::span<const std::uint8_t> payload, std::size_t size,
                         std::uint32_t* index) {
    if (payload.size() != size) {
        return fail("payload of " + std::to_string(payload.size()) + " bytes, expected " +
                    std::to_string(size));
    }
    *index = load<std::uint32_t>(payload, 0);
    if (size == kU64Size) {
        *index = static_cast<std::uint32_t>(load<std::uint64_t>(payload, 0) & kVringIndexMask);
    }
    if (*index >= kQueueCount) {
        return fail("queue " + std::to_string(*index) + " (virtio-wl has 2)");
    }
    return true;
}

bool Backend::handle(const Header& header, std::span<const std::uint8_t> payload,
                     std::vector<sys::UniqueFd>& fds) {
    const std::string name = request_name(header.request);
    const auto expect_fds = [&](std::size_t count) {
        if (fds.size() != count) {
            return fail(name + " with " + std::to_string(fds.size()) + " fds");
        }
        return true;
    };
    const auto expect_size = [&](std::size_t size) {
        if (payload.size() != size) {
            return fail(name + " with " + std::to_string(payload.size()) + " payload bytes");
        }
        return true;
    };
    bool has_reply = false; // the message has its own reply (no REPLY_ACK ack)
    std::uint32_t index = 0;
    switch (static_cast<Request>(header.request)) {
    case Request::GetFeatures: {
        if (!expect_size(0) || !expect_fds(0) ||
            !send_reply(header, build_u64(offered_features()))) {
            return false;
        }
        has_reply = true;
        break;
    }
    case Request::SetFeatures: {
        if (!expect_size(kU64Size) || !expect_fds(0)) {
            return false;
        }
        const auto acked = load<std::uint64_t>(payload, 0);
        if ((acked & ~offered_features()) != 0) {
            return fail("SET_FEATURES " + hex(acked) + " acks bits never offered");
        }
        features_ = acked;
        features_set_ = true;
        break;
    }
    case Request::SetOwner:
        if (!expect_size(0) || !expect_fds(0)) {
            return false;
        }
        break;
    case Request::ResetOwner:
    case Request::ResetDevice:
        if (!expect_fds(0)) {
            return false;
        }
        end_session("the VMM reset the device");
        for (Ring& ring : rings_) {
            ring = Ring{};
        }
        features_set_ = false;
        break;
    case Request::GetProtocolFeatures:
        if (!expect_size(0) || !expect_fds(0) ||
            !send_reply(header, build_u64(offered_protocol_features()))) {
            return false;
        }
        has_reply = true;
        break;
    case Request::SetProtocolFeatures: {
        if (!expect_size(kU64Size) || !expect_fds(0)) {
            return false;
        }
        const auto acked = load<std::uint64_t>(payload, 0);
        if ((acked & ~offered_protocol_features()) != 0) {
            return fail("SET_PROTOCOL_FEATURES " + hex(acked) + " acks bits never offered");
        }
        protocol_features_ = acked;
        break;
    }
    case Request::SetBackendReqFd:
        if (!expect_size(0) || !expect_fds(1)) {
            return false;
        }
        backend_req_ = std::move(fds[0]);
        break;
    case Request::GetShmemConfig: {
        if (!expect_size(0) || !expect_fds(0)) {
            return false;
        }
        std::vector<std::uint8_t> config(kShmemConfigSize);
        store<std::uint32_t>(config, 0, 1);                    // one region: shmid 0
        store<std::uint64_t>(config, 8, wl::kShmemRegionSize); // 4 GiB
        if (!send_reply(header, config)) {
            return false;
        }
        has_reply = true;
        break;
    }
    case Request::GetQueueNum:
        if (!expect_size(0) || !expect_fds(0) || !send_reply(header, build_u64(kQueueCount))) {
            return false;
        }
        has_reply = true;
        break;
    case Request::SetMemTable: {
        std::string why;
        const auto regions = parse_mem_table(payload, fds.size(), &why);
        if (!regions) {
            return fail("SET_MEM_TABLE: " + why);
        }
        std::unique_ptr<GuestMemory> memory = GuestMemory::map(*regions, std::move(fds), &why);
        if (!memory) {
            return fail("SET_MEM_TABLE: " + why);
        }
        if (!memory->sealed()) {
            log("guest memory is not sealed against shrinking; guest memory accesses are "
                "guarded against SIGBUS");
        }
        // Queues refer to the memory: a live device does not survive a new table.
        end_session("the VMM replaced the memory table");
        for (Ring& ring : rings_) {
            ring.queue.reset();
        }
        memory_ = std::move(memory);
        break;
    }
    case Request::SetVringNum: {
        if (!expect_fds(0) || !ring_index(payload, kVringStateSize, &index)) {
            return false;
        }
        const auto num = load<std::uint32_t>(payload, 4);
        if (num == 0 || num > kMaxQueueSize || (num & (num - 1)) != 0) {
            return fail("queue " + std::to_string(index) + " of " + std::to_string(num) +
                        " entries (1 to 32768, a power of two)");
        }
        rings_[index].size = num;
        break;
    }
    case Request::SetVringAddr: {
        if (!expect_fds(0) || !ring_index(payload, kVringAddrSize, &index)) {
            return false;
        }
        Ring& ring = rings_[index];
        ring.desc_user = load<std::uint64_t>(payload, kVringAddrDesc);
        ring.used_user = load<std::uint64_t>(payload, kVringAddrUsed);
        ring.avail_user = load<std::uint64_t>(payload, kVringAddrAvail);
        ring.have_addr = true;
        break;
    }
    case Request::SetVringBase:
        if (!expect_fds(0) || !ring_index(payload, kVringStateSize, &index)) {
            return false;
        }
        rings_[index].base = static_cast<std::uint16_t>(load<std::uint32_t>(payload, 4));
        break;
    case Request::GetVringBase: {
        if (!expect_fds(0) || !ring_index(payload, kVringStateSize, &index)) {
            return false;
        }
        // Stops the queue: the device ends (a reset) and the queue waits for a new kick fd.
        Ring& ring = rings_[index];
        const std::uint16_t next = ring.queue ? ring.queue->next_avail() : ring.base;
        end_session("the VMM stopped queue " + std::to_string(index));
        ring.kick.reset();
        ring.queue.reset();
        ring.base = next;
        std::vector<std::uint8_t> state(kVringStateSize);
        store<std::uint32_t>(state, 0, index);
        store<std::uint32_t>(state, 4, next);
        if (!send_reply(header, state)) {
            return false;
        }
        has_reply = true;
        break;
    }
    case Request::SetVringKick:
    case Request::SetVringCall:
    case Request::SetVringErr: {
        if (!ring_index(payload, kU64Size, &index)) {
            return false;
        }
        const bool no_fd = (load<std::uint64_t>(payload, 0) & kVringNoFd) != 0;
        if (!expect_fds(no_fd ? 0 : 1)) {
            return false;
        }
        sys::UniqueFd fd = no_fd ? sys::UniqueFd() : std::move(fds[0]);
        if (static_cast<Request>(header.request) == Request::SetVringKick) {
            if (no_fd) {
                return fail("SET_VRING_KICK without an fd (polling is not supported)");
            }
            rings_[index].kick = std::move(fd);
        } else if (static_cast<Request>(header.request) == Request::SetVringCall) {
            rings_[index].call = std::move(fd); // may change while the queue runs
        }
        // SET_VRING_ERR: the device never reports queue errors; its fd is closed.
        break;
    }
    case Request::SetVringEnable:
        if (!expect_fds(0) || !ring_index(payload, kVringStateSize, &index)) {
            return false;
        }
        rings_[index].enabled = load<std::uint32_t>(payload, 4) != 0;
        if (!rings_[index].enabled) {
            end_session("the VMM disabled queue " + std::to_string(index));
        }
        break;
    default:
        return fail("unsupported request " + name);
    }
    if (header.need_reply() && !has_reply && !send_reply(header, build_u64(0))) {
        return false;
    }
    return maybe_start();
}

// ---- the device session -----------------------------------------------------------------------

bool Backend::maybe_start() {
    if (device_ || device_wanted_ || !memory_ || !features_set_) {
        return true;
    }
    const bool protocol = (features_ & bit(kFeatureProtocolFeatures)) != 0;
    for (const Ring& ring : rings_) {
        // With protocol features, a queue starts disabled until SET_VRING_ENABLE.
        if (ring.size == 0 || !ring.have_addr || !ring.kick || (protocol && !ring.enabled)) {
            return true;
        }
    }
    std::string refuse;
    if (!wl::Features{features_}.use_shmem()) {
        refuse = "the driver did not accept USE_SHMEM";
    } else if (!protocol_acked(kProtocolBackendReq) || !protocol_acked(kProtocolBackendSendFd) ||
               !protocol_acked(kProtocolReplyAck) || !protocol_acked(options_.shmem_bit) ||
               !backend_req_) {
        refuse = "the VMM did not accept BACKEND_REQ, BACKEND_SEND_FD, REPLY_ACK and SHMEM (bit " +
                 std::to_string(options_.shmem_bit) + ") with a backend channel";
    }
    if (!refuse.empty()) {
        if (refuse != not_starting_) {
            log("not starting the device: " + refuse);
            not_starting_ = refuse;
        }
        return true;
    }
    for (std::uint32_t i = 0; i < kQueueCount; ++i) {
        Ring& ring = rings_[i];
        VringLayout layout{ring.size, 0, 0, 0};
        const auto desc = memory_->from_user(ring.desc_user, 16ull * ring.size);
        const auto avail = memory_->from_user(ring.avail_user, 6ull + 2ull * ring.size);
        const auto used = memory_->from_user(ring.used_user, 6ull + 8ull * ring.size);
        if (!desc || !avail || !used) {
            return fail("queue " + std::to_string(i) + " lies outside guest memory");
        }
        layout.desc = *desc;
        layout.avail = *avail;
        layout.used = *used;
        std::string why;
        if (!SplitQueue::valid(*memory_, layout, &why)) {
            return fail("queue " + std::to_string(i) + ": " + why);
        }
        ring.queue = std::make_unique<SplitQueue>(*memory_, layout, ring.base);
    }
    not_starting_.clear();
    device_wanted_ = true;
    send_status(shim_wire::State::Running);
    return true;
}

void Backend::send_status(shim_wire::State state) {
    std::vector<std::uint8_t> status(shim_wire::kStatusSize);
    store<std::uint32_t>(status, 0, shim_wire::kStatus);
    store<std::uint32_t>(status, shim_wire::kStatusState, static_cast<std::uint32_t>(state));
    store<std::uint32_t>(status, shim_wire::kStatusPid,
                         static_cast<std::uint32_t>(options_.vmm_pid));
    store<std::uint64_t>(status, shim_wire::kStatusFeatures, features_);
    store<std::uint64_t>(status, shim_wire::kStatusProtocol, protocol_features_);
    send_with_fd(options_.control_fd, status, -1); // a closed channel shows up in poll()
}

bool Backend::on_control(bool* closed) {
    std::uint8_t packet[16];
    iovec iov{packet, sizeof(packet)};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))];
    msg.msg_control = control;
    msg.msg_controllen = sizeof(control);
    const ssize_t got = recvmsg(options_.control_fd, &msg, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
    if (got < 0 && (errno == EAGAIN || errno == EINTR)) {
        return true;
    }
    if (got <= 0) {
        *closed = true;
        return true;
    }
    cmsghdr* cmsg = CMSG_FIRSTHDR(&msg);
    sys::UniqueFd fd;
    if (cmsg != nullptr && cmsg->cmsg_type == SCM_RIGHTS &&
        cmsg->cmsg_len == CMSG_LEN(sizeof(int))) {
        int raw;
        std::memcpy(&raw, CMSG_DATA(cmsg), sizeof(int));
        fd.reset(raw);
    }
    if (got != static_cast<ssize_t>(shim_wire::kDeviceSize) ||
        load<std::uint32_t>(std::span<const std::uint8_t>(packet, 4), 0) != shim_wire::kDevice ||
        !fd) {
        return fail("malformed packet from prism");
    }
    if (!device_wanted_) {
        return true; // the session it was for has ended already; the fd closes
    }
    return on_device_socket(std::move(fd));
}

bool Backend::on_device_socket(sys::UniqueFd fd) {
    if (!sys::set_nonblocking(fd.get())) {
        return fail("cannot set up the device socket");
    }
    device_wanted_ = false;
    device_ = std::move(fd);
    hello_ = false;
    log("device started (features " + hex(features_) + ", protocol features " +
        hex(protocol_features_) + ")");
    return true;
}

void Backend::end_session(const std::string& why) {
    if (!device_ && !device_wanted_) {
        return;
    }
    if (device_) {
        log("device ended: " + why);
    }
    // Used entries written in this wake-up are published and signalled at its end, which an
    // ended device does not reach: they reach the guest here.
    for (std::uint32_t i = 0; i < kQueueCount; ++i) {
        if (pending_signal_[i]) {
            pending_signal_[i] = false;
            if (rings_[i].queue && rings_[i].queue->publish_used()) {
                signal(i);
            }
        }
    }
    device_.reset();
    device_wanted_ = false;
    hello_ = false;
    device_out_.clear();
    events_.clear();
    in_flight_head_ = in_flight_count_ = 0;
    credited_ = 0;
    watching_ = false;
    if (rings_[wl::kQueueOut].queue) {
        rings_[wl::kQueueOut].queue->set_kicks(true); // nothing will come back to look
    }
    map_ack_blocking_ = false;
    // Everything the device mapped leaves the guest's region with it.
    for (const auto& [offset, size] : mappings_) {
        std::vector<std::uint8_t> unmap(kShmemMapSize);
        store<std::uint64_t>(unmap, kShmemMapShmOffset, offset);
        store<std::uint64_t>(unmap, kShmemMapLen, size);
        if (backend_req_) {
            send_with_fd(
                backend_req_.get(),
                build_message(static_cast<std::uint32_t>(BackendRequest::ShmemUnmap), 0, unmap),
                -1);
        }
    }
    mappings_.clear();
    send_status(shim_wire::State::Negotiating);
}

void Backend::send_device(std::span<const std::uint8_t> packet) {
    // Sent at once when nothing waits before it (the usual case: no copy is kept); otherwise,
    // or if the socket is full, queued for POLLOUT, which also reports a broken socket.
    if (device_ && device_out_.empty() &&
        send(device_.get(), packet.data(), packet.size(), MSG_DONTWAIT | MSG_NOSIGNAL) ==
            static_cast<ssize_t>(packet.size())) {
        return;
    }
    device_out_.emplace_back(packet.begin(), packet.end());
}

bool Backend::flush_device() {
    while (device_ && !device_out_.empty()) {
        const std::vector<std::uint8_t>& packet = device_out_.front();
        if (send(device_.get(), packet.data(), packet.size(), MSG_DONTWAIT | MSG_NOSIGNAL) < 0) {
            return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR;
        }
        device_out_.pop_front();
    }
    return true;
}

bool Backend::on_device_readable() {
    for (int i = 0; i < wire::kPacketsPerWakeup && device_ && events_.size() < kMaxHeldEvents;
         ++i) {
        // One buffer for every read; each event copies what it keeps.
        std::vector<std::uint8_t>& packet = read_buffer_;
        if (packet.empty()) {
            packet.resize(std::max(wire::kBody + wl::kInBufferSize, wire::kMaxResponsesPacket) +
                          64);
        }
        std::vector<sys::UniqueFd> fds;
        iovec iov{packet.data(), packet.size()};
        msghdr msg{};
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))];
        msg.msg_control = control;
        msg.msg_controllen = sizeof(control);
        const ssize_t n = recvmsg(device_.get(), &msg, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
            return true;
        }
        for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
            if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
                for (std::size_t k = 0; k < (c->cmsg_len - CMSG_LEN(0)) / sizeof(int); ++k) {
                    int raw;
                    std::memcpy(&raw, CMSG_DATA(c) + k * sizeof(int), sizeof(int));
                    fds.emplace_back(raw);
                }
            }
        }
        if (n <= 0) {
            end_session("prism closed the device");
            return true;
        }
        if (n < 4 || (msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) != 0 || fds.size() > 1) {
            return fail("malformed packet from the device");
        }
        const std::span<const std::uint8_t> bytes(packet.data(), static_cast<std::size_t>(n));
        const std::uint32_t tag = wl::load_le32(bytes, wire::kTag);
        if (tag == wire::kHello) {
            if (bytes.size() != wire::kHelloSize ||
                wl::load_le64(bytes, wire::kHelloRegionSize) != wl::kShmemRegionSize) {
                return fail("unexpected HELLO from the device");
            }
            // The driver's features, as negotiated with the VMM, decide the device's.
            std::vector<std::uint8_t> ack(wire::kFeaturesSize);
            wl::store_le32(ack, wire::kTag, wire::kFeatures);
            wl::store_le64(ack, wire::kFeaturesBits,
                           features_ & wl::load_le64(bytes, wire::kHelloOffered) &
                               wl::kWlFeatureMask);
            send_device(ack);
            hello_ = true;
            // What the guest queued before the device existed.
            if (!credit_in() || !process_out()) {
                return false;
            }
            continue;
        }
        sys::UniqueFd fd = fds.empty() ? sys::UniqueFd() : std::move(fds[0]);
        if (events_.empty() && !map_ack_blocking_) {
            // Nothing waits before it: applied from the read buffer, not copied.
            if (!apply_event(tag, bytes, fd)) {
                return false;
            }
            continue;
        }
        Event event;
        event.tag = tag;
        event.bytes.assign(bytes.begin(), bytes.end());
        event.fd = std::move(fd);
        events_.push_back(std::move(event));
    }
    return true;
}

bool Backend::complete_out(std::span<const std::uint8_t> response) {
    if (in_flight_count_ == 0) {
        return fail("a response for no request");
    }
    if (!rings_[wl::kQueueOut].queue->complete(in_flight_[in_flight_head_], response)) {
        return fail("out queue: guest memory failed while writing a response");
    }
    in_flight_head_ = (in_flight_head_ + 1) % kMaxInFlight;
    --in_flight_count_;
    pending_signal_[wl::kQueueOut] = true;
    return true;
}

bool Backend::apply_events() {
    // Used-ring entries are written as events come; the guest is signalled once per queue for
    // all of them, and what it queued meanwhile is sent on in one go.
    const bool ok = apply_held_events();
    for (std::uint32_t i = 0; i < kQueueCount; ++i) {
        if (pending_signal_[i]) {
            pending_signal_[i] = false;
            if (!rings_[i].queue->publish_used()) {
                return fail("queue " + std::to_string(i) + ": guest memory failed");
            }
            signal(i);
        }
    }
    return ok && process_out();
}

bool Backend::apply_held_events() {
    while (device_ && !events_.empty() && !map_ack_blocking_) {
        const Event event = std::move(events_.front());
        events_.pop_front();
        if (!apply_event(event.tag, event.bytes, event.fd)) {
            return false;
        }
    }
    return true;
}

bool Backend::apply_event(std::uint32_t tag, std::span<const std::uint8_t> bytes,
                          const UniqueFd& fd) {
    switch (tag) {
    case wire::kResponses: {
        if (bytes.size() < wire::kBatchEntries) {
            return fail("malformed RESPONSES from the device");
        }
        const std::uint32_t count = wl::load_le32(bytes, wire::kBatchCount);
        std::size_t at = wire::kBatchEntries;
        for (std::uint32_t i = 0; i < count; ++i) {
            if (bytes.size() - at < wire::kBatchEntryHeader ||
                wl::load_le32(bytes, at) > bytes.size() - at - wire::kBatchEntryHeader) {
                return fail("malformed RESPONSES from the device");
            }
            const std::uint32_t length = wl::load_le32(bytes, at);
            if (!complete_out(bytes.subspan(at + wire::kBatchEntryHeader, length))) {
                return false;
            }
            at += wire::kBatchEntryHeader + length;
        }
        if (count == 0 || at != bytes.size()) {
            return fail("malformed RESPONSES from the device");
        }
        break;
    }
    case wire::kIn: {
        Chain& chain = in_chain_;
        std::string why;
        if (credited_ == 0 ||
            rings_[wl::kQueueIn].queue->pop(&chain, 0, &why) != SplitQueue::Pop::Chain) {
            return fail("in queue: " + (why.empty() ? std::string("no buffer") : why));
        }
        --credited_;
        if (!rings_[wl::kQueueIn].queue->complete(chain, bytes.subspan(wire::kBody))) {
            return fail("in queue: guest memory failed while writing a message");
        }
        pending_signal_[wl::kQueueIn] = true;
        break;
    }
    case wire::kMap: {
        if (bytes.size() != wire::kMapPacketSize || !fd) {
            return fail("malformed MAP from the device");
        }
        const std::uint64_t offset = wl::load_le64(bytes, wire::kMapOffset);
        const std::uint64_t size = wl::load_le64(bytes, wire::kMapSize);
        const bool writable = (wl::load_le32(bytes, wire::kMapFlags) & wire::kMapWritable) != 0;
        std::vector<std::uint8_t> map(kShmemMapSize);
        store<std::uint64_t>(map, kShmemMapFdOffset, 0);
        store<std::uint64_t>(map, kShmemMapShmOffset, offset);
        store<std::uint64_t>(map, kShmemMapLen, size);
        store<std::uint64_t>(map, kShmemMapFlags, writable ? kShmemMapWritable : 0);
        if (!send_with_fd(backend_req_.get(),
                          build_message(static_cast<std::uint32_t>(BackendRequest::ShmemMap),
                                        kFlagNeedReply, map),
                          fd.get())) {
            return fail("cannot send SHMEM_MAP to the VMM");
        }
        mappings_[offset] = size;
        ++acks_outstanding_;
        map_ack_blocking_ = true; // what follows carries the pfn: wait for the ack
        break;
    }
    case wire::kUnmap: {
        if (bytes.size() != wire::kMapPacketSize) {
            return fail("malformed UNMAP from the device");
        }
        const std::uint64_t offset = wl::load_le64(bytes, wire::kMapOffset);
        std::vector<std::uint8_t> unmap(kShmemMapSize);
        store<std::uint64_t>(unmap, kShmemMapShmOffset, offset);
        store<std::uint64_t>(unmap, kShmemMapLen, wl::load_le64(bytes, wire::kMapSize));
        if (!send_with_fd(
                backend_req_.get(),
                build_message(static_cast<std::uint32_t>(BackendRequest::ShmemUnmap), 0, unmap),
                -1)) {
            return fail("cannot send SHMEM_UNMAP to the VMM");
        }
        mappings_.erase(offset);
        break;
    }
    default:
        return fail("unknown packet " + std::to_string(tag) + " from the device");
    }
    return true;
}

bool Backend::on_backend_reply(bool* closed) {
    std::uint8_t raw[kHeaderSize + kU64Size];
    std::vector<sys::UniqueFd> fds;
    const ssize_t n = receive(backend_req_.get(), raw, kHeaderSize, &fds);
    if (n == 0) {
        *closed = true;
        return true;
    }
    std::string why;
    const std::optional<Header> header = n == static_cast<ssize_t>(kHeaderSize)
                                             ? parse_header(std::span(raw, kHeaderSize), &why)
                                             : std::nullopt;
    if (!header || !header->is_reply() || header->size != kU64Size || !fds.empty() ||
        header->request != static_cast<std::uint32_t>(BackendRequest::ShmemMap) ||
        acks_outstanding_ == 0) {
        return fail("unexpected message on the backend channel");
    }
    if (receive(backend_req_.get(), raw + kHeaderSize, kU64Size, &fds) !=
        static_cast<ssize_t>(kU64Size)) {
        return fail("the VMM's ack ended early");
    }
    --acks_outstanding_;
    const auto status = load<std::uint64_t>(std::span<const std::uint8_t>(raw), kHeaderSize);
    if (status != 0) {
        return fail("the VMM refused a SHMEM_MAP (status " + std::to_string(status) + ")");
    }
    // Acks come in order: the newest map is the one events_ waits for once all older ones
    // (from ended sessions) are in.
    if (acks_outstanding_ == 0) {
        map_ack_blocking_ = false;
    }
    return true;
}

// ---- queues -----------------------------------------------------------------------------------

bool Backend::drain_kick(std::uint32_t index) {
    std::uint64_t count = 0;
    if (read(rings_[index].kick.get(), &count, sizeof(count)) < 0 && errno != EAGAIN) {
        return fail("cannot read queue " + std::to_string(index) + "'s kick");
    }
    return index == wl::kQueueIn ? credit_in() : process_out();
}

void Backend::signal(std::uint32_t index) {
    const std::uint64_t one = 1;
    if (rings_[index].call) {
        [[maybe_unused]] const ssize_t n = write(rings_[index].call.get(), &one, sizeof(one));
    }
}

bool Backend::credit_in() {
    if (!device_ || !hello_) {
        return true;
    }
    std::uint32_t available = 0;
    std::string why;
    if (rings_[wl::kQueueIn].queue->available(&available, &why) == SplitQueue::Pop::Broken) {
        return fail("in queue: " + why);
    }
    if (available > credited_) {
        std::vector<std::uint8_t> credit(wire::kCreditSize);
        wl::store_le32(credit, wire::kTag, wire::kCredit);
        wl::store_le32(credit, wire::kCreditCount, available - credited_);
        send_device(credit);
        credited_ = available;
    }
    return true;
}

bool Backend::process_out() {
    // Every chain the guest has made available (up to kMaxInFlight) goes to the device, packed
    // into as few REQUESTS packets as their sizes allow: one send for a whole kick.
    std::vector<std::uint8_t>& packet = requests_; // keeps its capacity
    packet.clear();
    std::uint32_t count = 0;
    const auto send_batch = [&] {
        if (count > 0) {
            wl::store_le32(packet, wire::kBatchCount, count);
            send_device(packet);
            packet.clear();
            count = 0;
        }
    };
    if (!device_ || !hello_) {
        return true;
    }
    SplitQueue& queue = *rings_[wl::kQueueOut].queue;
    while (device_ && in_flight_count_ < kMaxInFlight) {
        Chain& chain = in_flight_[(in_flight_head_ + in_flight_count_) % kMaxInFlight];
        std::string why;
        const std::size_t max = wire::kMaxRequestPacket - wire::kBody;
        const SplitQueue::Pop popped = queue.pop(&chain, max, &why);
        if (popped == SplitQueue::Pop::Empty) {
            if (in_flight_count_ != 0 || queue.kicks_wanted() || watching_) {
                break;
            }
            // Idle with kicks off: turn them on, then look once more (a chain added before
            // the guest saw the flag came without a kick).
            if (!queue.set_kicks(true)) {
                return fail("out queue: guest memory failed");
            }
            continue;
        }
        if (popped == SplitQueue::Pop::Broken) {
            return fail("out queue: " + why);
        }
        const std::size_t entry = wire::kBatchEntryHeader + chain.readable.size();
        if (count == wire::kMaxBatch || packet.size() + entry > wire::kMaxRequestsPacket) {
            send_batch();
        }
        if (packet.empty()) {
            packet.resize(wire::kBatchEntries);
            wl::store_le32(packet, wire::kTag, wire::kRequests);
        }
        const std::size_t at = packet.size();
        packet.resize(at + entry);
        wl::store_le32(packet, at, static_cast<std::uint32_t>(chain.readable.size()));
        std::memcpy(packet.data() + at + wire::kBatchEntryHeader, chain.readable.data(),
                    chain.readable.size());
        ++count;
        ++in_flight_count_;
    }
    send_batch();
    // While requests are with the device its responses bring this process back here, and while
    // it watches it looks anyway, so the guest need not kick (a kick per request costs the
    // guest an exit and this process a wake-up): the used ring says so until the queue is idle
    // again and the watch is over.
    if (device_ && (in_flight_count_ != 0 || watching_) && queue.kicks_wanted() &&
        !queue.set_kicks(false)) {
        return fail("out queue: guest memory failed");
    }
    return true;
}

} // namespace prism::vmbridge::vhost_user
