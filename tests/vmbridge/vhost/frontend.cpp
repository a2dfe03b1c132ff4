#include "frontend.hpp"
#include "sys/fd_io.hpp"

#include "vmbridge/vhost_user/protocol.hpp"
#include "vmbridge/virtio_wl/constants.hpp"
#include "vmbridge/virtio_wl/features.hpp"

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdexcept>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <thread>
#include <unistd.h>

namespace prism::vmbridge::vhost_test {

using namespace vhost_user;
namespace wl = virtio_wl;

namespace {

// Guest memory layout (offsets from the start of guest memory).
constexpr std::uint64_t kQueueStride = 0x200000;
constexpr std::uint64_t kAvailAt = 0x80000;
constexpr std::uint64_t kUsedAt = 0xa0000;
constexpr std::uint64_t kInBuffers = 0x400000;
constexpr std::uint64_t kInBufferSize = 4096;
constexpr std::uint32_t kMaxInBuffers = 1024;
constexpr std::uint64_t kOutSlots = 0x800000; // the second memory region
constexpr std::uint64_t kOutSlotSize = 0x4000;
constexpr std::uint64_t kOutRequestSize = 0x3000;
constexpr std::uint32_t kMaxOutSlots = 128;
constexpr std::uint64_t kRegionSplit = 0x800000;

constexpr std::uint16_t kDescNext = 1, kDescWrite = 2;

template <class T> std::vector<std::uint8_t> bytes_of(std::initializer_list<T> values) {
    std::vector<std::uint8_t> out(values.size() * sizeof(T));
    std::size_t at = 0;
    for (T value : values) {
        std::memcpy(out.data() + at, &value, sizeof(T));
        at += sizeof(T);
    }
    return out;
}

bool send_message(int fd, std::span<const std::uint8_t> bytes, const std::vector<int>& fds) {
    return sys::send_with_fds(fd, bytes, fds, sys::Wait::UntilSent) ==
           static_cast<ssize_t>(bytes.size());
}

// Reads exactly `size` bytes (and any fd) or fails.
bool read_exact(int fd, std::uint8_t* data, std::size_t size, sys::UniqueFd* passed) {
    std::size_t got = 0;
    while (got < size) {
        iovec iov{data + got, size - got};
        msghdr msg{};
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))];
        msg.msg_control = control;
        msg.msg_controllen = sizeof(control);
        const ssize_t n = recvmsg(fd, &msg, MSG_CMSG_CLOEXEC);
        if (n <= 0) {
            return false;
        }
        for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
            if (c->cmsg_type == SCM_RIGHTS) {
                int raw;
                std::memcpy(&raw, CMSG_DATA(c), sizeof(int));
                if (passed != nullptr) {
                    passed->reset(raw);
                } else {
                    close(raw);
                }
            }
        }
        got += static_cast<std::size_t>(n);
    }
    return true;
}

} // namespace

Frontend::Frontend(const std::filesystem::path& socket, FrontendOptions options)
    : Frontend(socket, options, true) {
}

std::unique_ptr<Frontend> Frontend::connect_only(const std::filesystem::path& socket,
                                                 FrontendOptions options) {
    return std::unique_ptr<Frontend>(new Frontend(socket, options, false));
}

Frontend::Frontend(const std::filesystem::path& socket, FrontendOptions options, bool setup_now)
    : options_(options) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, socket.c_str(), sizeof(addr.sun_path) - 1);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    for (;;) {
        socket_.reset(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
        if (connect(socket_.get(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0) {
            break;
        }
        if (std::chrono::steady_clock::now() > deadline) {
            throw std::runtime_error("cannot connect to " + socket.string());
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }

    memory_fd_.reset(memfd_create("guest-ram", MFD_CLOEXEC | MFD_ALLOW_SEALING));
    if (!memory_fd_ || ftruncate(memory_fd_.get(), kMemorySize) != 0 ||
        (options_.seal_memory && fcntl(memory_fd_.get(), F_ADD_SEALS, F_SEAL_SHRINK) != 0)) {
        throw std::runtime_error("cannot create guest memory");
    }
    void* memory =
        mmap(nullptr, kMemorySize, PROT_READ | PROT_WRITE, MAP_SHARED, memory_fd_.get(), 0);
    void* window = mmap(nullptr, wl::kShmemRegionSize, PROT_NONE,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (memory == MAP_FAILED || window == MAP_FAILED) {
        throw std::runtime_error("cannot map guest memory");
    }
    memory_ = static_cast<std::uint8_t*>(memory);
    window_ = static_cast<std::uint8_t*>(window);
    for (int q = 0; q < 2; ++q) {
        kick_[q].reset(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
        call_[q].reset(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
    }
    const std::uint32_t in_count = std::min(options_.queue_size, kMaxInBuffers);
    for (std::uint32_t i = 0; i < in_count; ++i) {
        free_in_.push_back(static_cast<std::uint16_t>(i));
    }
    const std::uint32_t out_count = std::min(options_.queue_size / 2, kMaxOutSlots);
    for (std::uint32_t i = out_count; i > 0; --i) {
        free_out_.push_back(static_cast<std::uint16_t>(i - 1)); // slot 0 is taken first
    }
    responses_.resize(2 * kMaxOutSlots);
    if (setup_now) {
        setup();
    }
}

Frontend::~Frontend() {
    // The vhost-user socket first, as a VMM that exits: the backend sees the disconnect before
    // (or with) the backend channel's end.
    socket_.reset();
    if (memory_ != nullptr) {
        munmap(memory_, kMemorySize);
    }
    if (window_ != nullptr) {
        munmap(window_, wl::kShmemRegionSize);
    }
}

std::optional<std::vector<std::uint8_t>> Frontend::message(std::uint32_t request,
                                                           std::span<const std::uint8_t> payload,
                                                           std::vector<int> fds, bool need_reply) {
    const std::vector<std::uint8_t> bytes =
        build_message(request, need_reply ? kFlagNeedReply : 0, payload);
    if (!send_message(socket_.get(), bytes, fds)) {
        closed_ = true;
        return std::nullopt;
    }
    const bool has_reply = request == static_cast<std::uint32_t>(Request::GetFeatures) ||
                           request == static_cast<std::uint32_t>(Request::GetProtocolFeatures) ||
                           request == static_cast<std::uint32_t>(Request::GetShmemConfig) ||
                           request == static_cast<std::uint32_t>(Request::GetVringBase) ||
                           request == static_cast<std::uint32_t>(Request::GetQueueNum);
    if (!has_reply && !need_reply) {
        return std::vector<std::uint8_t>{};
    }
    std::uint8_t header[kHeaderSize];
    if (!read_exact(socket_.get(), header, sizeof(header), nullptr)) {
        closed_ = true;
        return std::nullopt;
    }
    const auto size = load<std::uint32_t>(header, 8);
    if (load<std::uint32_t>(header, 0) != request ||
        (load<std::uint32_t>(header, 4) & kFlagReply) == 0 || size > kMaxPayload) {
        throw std::runtime_error("bad reply to " + request_name(request));
    }
    std::vector<std::uint8_t> reply(size);
    if (size > 0 && !read_exact(socket_.get(), reply.data(), size, nullptr)) {
        closed_ = true;
        return std::nullopt;
    }
    return reply;
}

void Frontend::send_raw(std::span<const std::uint8_t> bytes) {
    send_message(socket_.get(), bytes, {});
}

bool Frontend::wait_closed(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!closed_ && std::chrono::steady_clock::now() < deadline) {
        pollfd pfd{socket_.get(), POLLIN, 0};
        if (poll(&pfd, 1, 50) > 0) {
            std::uint8_t byte;
            const ssize_t n = recv(socket_.get(), &byte, 1, MSG_DONTWAIT);
            if (n == 0 || (n < 0 && errno != EAGAIN)) {
                closed_ = true;
            }
        }
    }
    return closed_;
}

void Frontend::setup() {
    const bool qemu = options_.order == FrontendOptions::Order::Qemu;
    const auto u64 = [](std::uint64_t v) {
        return bytes_of<std::uint64_t>({v});
    };
    const auto must = [this](std::optional<std::vector<std::uint8_t>> reply, const char* what) {
        if (!reply) {
            throw std::runtime_error(std::string("backend closed the connection at ") + what);
        }
        return *reply;
    };
    const auto call = [&](Request request, std::span<const std::uint8_t> payload,
                          std::vector<int> fds, const char* what) {
        auto reply = must(message(static_cast<std::uint32_t>(request), payload, fds, qemu), what);
        if (qemu && (reply.size() != 8 || load<std::uint64_t>(reply, 0) != 0)) {
            throw std::runtime_error(std::string("backend refused ") + what);
        }
    };
    if (!qemu) {
        call(Request::SetOwner, {}, {}, "SET_OWNER");
    }
    auto features =
        must(message(static_cast<std::uint32_t>(Request::GetFeatures), {}), "GET_FEATURES");
    offered_features_ = load<std::uint64_t>(features, 0);
    auto protocol = must(message(static_cast<std::uint32_t>(Request::GetProtocolFeatures), {}),
                         "GET_PROTOCOL_FEATURES");
    offered_protocol_ = load<std::uint64_t>(protocol, 0);
    const std::uint64_t wanted = bit(kProtocolReplyAck) | bit(kProtocolBackendReq) |
                                 bit(kProtocolBackendSendFd) | bit(options_.shmem_bit);
    call(Request::SetProtocolFeatures, u64(offered_protocol_ & wanted), {},
         "SET_PROTOCOL_FEATURES");
    int channel[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, channel) != 0) {
        throw std::runtime_error("socketpair");
    }
    backend_ours_.reset(channel[0]);
    sys::UniqueFd theirs(channel[1]);
    call(Request::SetBackendReqFd, {}, {theirs.get()}, "SET_BACKEND_REQ_FD");
    if (qemu) {
        call(Request::SetOwner, {}, {}, "SET_OWNER"); // QEMU: after the backend channel
    }
    auto shmem =
        must(message(static_cast<std::uint32_t>(Request::GetShmemConfig), {}), "GET_SHMEM_CONFIG");
    if (shmem.size() != kShmemConfigSize || load<std::uint32_t>(shmem, 0) != 1) {
        throw std::runtime_error("unexpected shmem config");
    }
    shmem_size_ = load<std::uint64_t>(shmem, 8);
    if (qemu) {
        set_call(0); // QEMU sets the call fds before the queues, and again below
        set_call(1);
    }
    std::uint64_t acked = offered_features_ & (wl::kWlFeatureMask | bit(kFeatureVersion1) |
                                               bit(kFeatureProtocolFeatures));
    if (!options_.ack_use_shmem) {
        acked &= ~wl::feature_bit(wl::kFeatureUseShmem);
    }
    call(Request::SetFeatures, u64(acked), {}, "SET_FEATURES");

    // Two regions backed by one file: [0, 8 MiB) and [8 MiB, 16 MiB).
    std::vector<std::uint8_t> table(kMemTableHeader + 2 * kMemRegionSize);
    store<std::uint32_t>(table, 0, 2);
    for (int r = 0; r < 2; ++r) {
        const std::uint64_t offset = r * kRegionSplit;
        const std::size_t at = kMemTableHeader + r * kMemRegionSize;
        store<std::uint64_t>(table, at, gpa(offset));
        store<std::uint64_t>(table, at + 8, kRegionSplit);
        store<std::uint64_t>(table, at + 16, reinterpret_cast<std::uint64_t>(memory_) + offset);
        store<std::uint64_t>(table, at + 24, offset);
    }
    call(Request::SetMemTable, table, {memory_fd_.get(), memory_fd_.get()}, "SET_MEM_TABLE");
    for (std::uint32_t q = 0; q < 2; ++q) {
        setup_queue(q);
    }
    for (std::uint32_t q = 0; q < 2; ++q) {
        call(Request::SetVringEnable, bytes_of<std::uint32_t>({q, 1}), {}, "SET_VRING_ENABLE");
    }
}

void Frontend::set_call(std::uint32_t index) {
    const bool qemu = options_.order == FrontendOptions::Order::Qemu;
    if (!message(static_cast<std::uint32_t>(Request::SetVringCall),
                 bytes_of<std::uint64_t>({index}), {call_[index].get()}, qemu)) {
        throw std::runtime_error("backend closed the connection at SET_VRING_CALL");
    }
}

UniqueFd Frontend::replace_call(std::uint32_t index) {
    sys::UniqueFd old = std::move(call_[index]);
    call_[index].reset(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
    set_call(index);
    return old;
}

void Frontend::setup_queue(std::uint32_t q) {
    const bool qemu = options_.order == FrontendOptions::Order::Qemu;
    const auto send = [&](Request request, std::vector<std::uint8_t> payload,
                          std::vector<int> fds) {
        if (!message(static_cast<std::uint32_t>(request), payload, fds, qemu)) {
            throw std::runtime_error("backend closed the connection at " +
                                     request_name(static_cast<std::uint32_t>(request)));
        }
    };
    const std::uint64_t base = reinterpret_cast<std::uint64_t>(memory_) + q * kQueueStride;
    std::vector<std::uint8_t> addr(kVringAddrSize);
    store<std::uint32_t>(addr, 0, q);
    store<std::uint64_t>(addr, kVringAddrDesc, base);
    store<std::uint64_t>(addr, kVringAddrUsed, base + kUsedAt);
    store<std::uint64_t>(addr, kVringAddrAvail, base + kAvailAt);
    send(Request::SetVringNum, bytes_of<std::uint32_t>({q, options_.queue_size}), {});
    if (qemu) {
        send(Request::SetVringBase, bytes_of<std::uint32_t>({q, 0}), {});
        send(Request::SetVringAddr, addr, {});
        send(Request::SetVringKick, bytes_of<std::uint64_t>({q}), {kick_[q].get()});
        set_call(q);
    } else {
        send(Request::SetVringAddr, addr, {});
        send(Request::SetVringBase, bytes_of<std::uint32_t>({q, 0}), {});
        set_call(q);
        send(Request::SetVringKick, bytes_of<std::uint64_t>({q}), {kick_[q].get()});
    }
}

void Frontend::write_desc(std::uint32_t queue, std::uint16_t index, std::uint64_t addr,
                          std::uint32_t len, std::uint16_t flags, std::uint16_t next) {
    std::uint8_t* desc = memory_ + queue * kQueueStride + 16ull * index;
    std::memcpy(desc, &addr, 8);
    std::memcpy(desc + 8, &len, 4);
    std::memcpy(desc + 12, &flags, 2);
    std::memcpy(desc + 14, &next, 2);
}

void Frontend::add_avail(std::uint32_t queue, std::uint16_t head) {
    std::uint8_t* avail = memory_ + queue * kQueueStride + kAvailAt;
    const std::uint16_t slot = avail_idx_[queue] % options_.queue_size;
    std::memcpy(avail + 4 + 2 * slot, &head, 2);
    ++avail_idx_[queue];
    // One aligned store, after the entry (as the driver's virtio_store_mb()).
    __atomic_store_n(reinterpret_cast<std::uint16_t*>(avail + 2), avail_idx_[queue],
                     __ATOMIC_RELEASE);
}

bool Frontend::kicks_wanted(std::uint32_t queue) const {
    const std::uint16_t flags = __atomic_load_n(
        reinterpret_cast<const std::uint16_t*>(memory_ + queue * kQueueStride + kUsedAt),
        __ATOMIC_ACQUIRE);
    return (flags & 0x1) == 0;
}

void Frontend::kick(std::uint32_t queue) {
    // As Linux's virtqueue_kick_prepare() without EVENT_IDX: no kick while the device's used
    // ring says VIRTQ_USED_F_NO_NOTIFY (it will look at the ring again by itself). The flag is
    // read after the available index was published.
    std::atomic_thread_fence(std::memory_order_seq_cst);
    const std::uint16_t flags = __atomic_load_n(
        reinterpret_cast<const std::uint16_t*>(memory_ + queue * kQueueStride + kUsedAt),
        __ATOMIC_RELAXED);
    if ((flags & 0x1) != 0) {
        ++kicks_skipped_;
        return;
    }
    const std::uint64_t one = 1;
    [[maybe_unused]] const ssize_t n = write(kick_[queue].get(), &one, sizeof(one));
}

std::uint16_t Frontend::post_request(std::span<const std::uint8_t> bytes) {
    if (free_out_.empty()) {
        throw std::runtime_error("no free out-queue slot");
    }
    if (bytes.size() > kOutRequestSize) {
        throw std::runtime_error("request too large for the double");
    }
    const std::uint16_t slot = free_out_.back();
    free_out_.pop_back();
    queue_bytes_ += bytes.size();
    const std::uint64_t at = kOutSlots + slot * kOutSlotSize;
    std::memcpy(memory_ + at, bytes.data(), bytes.size());
    const auto head = static_cast<std::uint16_t>(2 * slot);
    write_desc(1, head, gpa(at), static_cast<std::uint32_t>(bytes.size()), kDescNext, head + 1);
    write_desc(1, head + 1, gpa(at + kOutRequestSize),
               static_cast<std::uint32_t>(kOutSlotSize - kOutRequestSize), kDescWrite, 0);
    add_avail(1, head);
    kick(1);
    return head;
}

std::vector<std::uint8_t> Frontend::request(std::span<const std::uint8_t> bytes) {
    const std::uint16_t head = post_request(bytes);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!answered(head)) {
        if (closed_ || std::chrono::steady_clock::now() > deadline) {
            throw std::runtime_error("no response from the device");
        }
        pump(std::chrono::milliseconds(50));
    }
    std::vector<std::uint8_t> response = std::move(*responses_[head]);
    responses_[head].reset();
    return response;
}

std::optional<std::vector<std::uint8_t>> Frontend::take_response(std::uint16_t head) {
    if (!answered(head)) {
        return std::nullopt;
    }
    std::optional<std::vector<std::uint8_t>> response = std::move(responses_[head]);
    responses_[head].reset();
    return response;
}

void Frontend::post_in_buffers(std::uint32_t count) {
    // More than the queue's free buffers: the rest go out as used ones come back (the test
    // transport's credits have no such bound; a ring does).
    const auto now = std::min<std::size_t>(count, free_in_.size());
    owed_posts_ += count - static_cast<std::uint32_t>(now);
    for (std::size_t i = 0; i < now; ++i) {
        const std::uint16_t index = free_in_.front();
        free_in_.pop_front();
        write_desc(0, index, gpa(kInBuffers + index * kInBufferSize),
                   static_cast<std::uint32_t>(kInBufferSize), kDescWrite, 0);
        add_avail(0, index);
    }
    kick(0);
}

bool Frontend::collect(std::uint32_t queue) {
    const std::uint8_t* used = memory_ + queue * kQueueStride + kUsedAt;
    const std::uint16_t idx =
        __atomic_load_n(reinterpret_cast<const std::uint16_t*>(used + 2), __ATOMIC_ACQUIRE);
    bool any = false;
    while (used_seen_[queue] != idx) {
        const std::uint16_t slot = used_seen_[queue] % options_.queue_size;
        std::uint32_t id, len;
        std::memcpy(&id, used + 4 + 8 * slot, 4);
        std::memcpy(&len, used + 4 + 8 * slot + 4, 4);
        ++used_seen_[queue];
        any = true;
        queue_bytes_ += len;
        if (queue == 0) {
            const std::uint8_t* buffer = memory_ + kInBuffers + id * kInBufferSize;
            delivered_.emplace_back(buffer, buffer + std::min<std::uint64_t>(len, kInBufferSize));
            free_in_.push_back(static_cast<std::uint16_t>(id));
            if (owed_posts_ > 0) {
                --owed_posts_;
                post_in_buffers(1);
            }
        } else {
            const std::uint16_t out_slot = static_cast<std::uint16_t>(id / 2);
            const std::uint8_t* response =
                memory_ + kOutSlots + out_slot * kOutSlotSize + kOutRequestSize;
            if (id >= responses_.size() || out_slot >= kMaxOutSlots) {
                throw std::runtime_error("used entry for head " + std::to_string(id));
            }
            responses_[id].emplace(
                response, response + std::min<std::uint64_t>(len, kOutSlotSize - kOutRequestSize));
            free_out_.push_back(out_slot);
        }
    }
    return any;
}

void Frontend::serve_backend_channel() {
    std::uint8_t header[kHeaderSize];
    sys::UniqueFd fd;
    if (!read_exact(backend_ours_.get(), header, sizeof(header), &fd)) {
        backend_ours_.reset();
        return;
    }
    const auto request = load<std::uint32_t>(header, 0);
    const auto flags = load<std::uint32_t>(header, 4);
    const auto size = load<std::uint32_t>(header, 8);
    std::vector<std::uint8_t> payload(size);
    if (size != kShmemMapSize || !read_exact(backend_ours_.get(), payload.data(), size, &fd)) {
        throw std::runtime_error("bad backend request");
    }
    const auto fd_offset = load<std::uint64_t>(payload, kShmemMapFdOffset);
    const auto offset = load<std::uint64_t>(payload, kShmemMapShmOffset);
    const auto len = load<std::uint64_t>(payload, kShmemMapLen);
    if (payload[0] != 0 || offset > shmem_size_ || len > shmem_size_ - offset) {
        throw std::runtime_error("backend request outside the region");
    }
    if (request == static_cast<std::uint32_t>(BackendRequest::ShmemMap)) {
        const bool writable = (load<std::uint64_t>(payload, kShmemMapFlags) & 1) != 0;
        if (!fd ||
            mmap(window_ + offset, len, PROT_READ | (writable ? PROT_WRITE : 0),
                 MAP_SHARED | MAP_FIXED, fd.get(), static_cast<off_t>(fd_offset)) == MAP_FAILED) {
            throw std::runtime_error("cannot map a SHMEM_MAP fd");
        }
        ++maps_;
        mapped_[offset] = len;
        if (sink_.map) {
            sink_.map(offset, len, sys::UniqueFd(fcntl(fd.get(), F_DUPFD_CLOEXEC, 0)), writable);
        }
    } else if (request == static_cast<std::uint32_t>(BackendRequest::ShmemUnmap)) {
        mmap(window_ + offset, len, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
        ++unmaps_;
        mapped_.erase(offset);
        if (sink_.unmap) {
            sink_.unmap(offset, len);
        }
    } else {
        throw std::runtime_error("unknown backend request " + std::to_string(request));
    }
    if ((flags & kFlagNeedReply) != 0 && options_.ack_maps) {
        const std::vector<std::uint8_t> reply =
            build_message(request, kFlagReply, bytes_of<std::uint64_t>({0}));
        send_message(backend_ours_.get(), reply, {});
    }
}

bool Frontend::pump(std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    bool any = false;
    for (;;) {
        pollfd fds[4] = {{call_[0].get(), POLLIN, 0},
                         {call_[1].get(), POLLIN, 0},
                         {backend_ours_ ? backend_ours_.get() : -1, POLLIN, 0},
                         {socket_.get(), POLLIN, 0}};
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        int wait = any ? 0 : static_cast<int>(std::max<long long>(0, left.count()));
        int ready = 0;
        if (wait > 0 && options_.halt_poll.count() > 0) {
            const auto poll_end = std::chrono::steady_clock::now() + options_.halt_poll;
            // As KVM, which stops polling when another task wants the core.
            while ((ready = poll(fds, 4, 0)) == 0 && std::chrono::steady_clock::now() < poll_end) {
                sched_yield();
            }
            wait = ready != 0 ? 0 : wait;
        }
        if (ready == 0) {
            ready = poll(fds, 4, wait);
        }
        if (ready <= 0) {
            break;
        }
        for (int q = 0; q < 2; ++q) {
            if (fds[q].revents != 0) {
                std::uint64_t count;
                [[maybe_unused]] const ssize_t n = read(call_[q].get(), &count, sizeof(count));
                any = collect(q) || any;
            }
        }
        if (fds[2].revents != 0) {
            serve_backend_channel();
            any = true;
        }
        if (fds[3].revents != 0) {
            std::uint8_t byte;
            const ssize_t n = recv(socket_.get(), &byte, 1, MSG_DONTWAIT | MSG_PEEK);
            if (n == 0 || (n < 0 && errno != EAGAIN)) {
                closed_ = true;
                break;
            }
        }
    }
    if (!delivering_) {
        delivering_ = true;
        while (!delivered_.empty()) {
            std::vector<std::uint8_t> message = std::move(delivered_.front());
            delivered_.pop_front();
            if (sink_.in) {
                sink_.in(std::move(message));
            }
        }
        delivering_ = false;
    }
    return any;
}

void Frontend::hostile_descriptor_loop() {
    const std::uint16_t head = 2 * kMaxOutSlots - 2;
    write_desc(1, head, gpa(kOutSlots), 16, kDescNext, head + 1);
    write_desc(1, head + 1, gpa(kOutSlots), 16, kDescNext, head); // back to the first
    add_avail(1, head);
    kick(1);
}

void Frontend::hostile_out_of_range() {
    const std::uint16_t head = 2 * kMaxOutSlots - 2;
    write_desc(1, head, gpa(kMemorySize) + 4096, 16, kDescNext, head + 1); // past guest RAM
    write_desc(1, head + 1, gpa(kOutSlots), 64, kDescWrite, 0);
    add_avail(1, head);
    kick(1);
}

void Frontend::hostile_truncate_then_request() {
    const std::uint16_t head = 2 * kMaxOutSlots - 2;
    const std::uint64_t at = kOutSlots + (kMaxOutSlots - 1) * kOutSlotSize;
    std::memset(memory_ + at, 0, 16);
    write_desc(1, head, gpa(at), 16, kDescNext, head + 1);
    write_desc(1, head + 1, gpa(at + kOutRequestSize), 64, kDescWrite, 0);
    // The rings (below 4 MiB) stay; the request (above 8 MiB) goes.
    if (ftruncate(memory_fd_.get(), static_cast<off_t>(kInBuffers)) != 0) {
        throw std::runtime_error("cannot truncate guest memory");
    }
    add_avail(1, head);
    kick(1);
}

} // namespace prism::vmbridge::vhost_test
