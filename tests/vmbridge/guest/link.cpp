#include "link.hpp"

#include "vmbridge/device/test_transport_wire.hpp"
#include "vmbridge/virtio_wl/le.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <stdexcept>
#include <string>
#include <sys/socket.h>
#include <sys/un.h>

namespace prism::vmbridge::guest {

using namespace virtio_wl;
namespace wire = device::test_wire;

// ---- InProcessLink --------------------------------------------------------------------------

InProcessLink::InProcessLink(wl_event_loop* loop, std::function<void()> flush,
                             device::DeviceOptions options)
    : loop_(loop)
    , flush_(std::move(flush))
    , device_(std::make_unique<device::Device>(loop, *this, std::move(options))) {
}

InProcessLink::~InProcessLink() {
    device_.reset();
}

std::vector<std::uint8_t> InProcessLink::request(std::span<const std::uint8_t> bytes) {
    return device_->handle_request(bytes);
}

void InProcessLink::post_in_buffers(std::uint32_t count) {
    credits_ += count;
    if (!delivering_) { // from inside push_in(), the device's own loop takes the credits
        device_->in_queue_ready();
    }
}

bool InProcessLink::pump(std::chrono::milliseconds timeout) {
    const std::size_t before = delivered_;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    do {
        flush_();
        wl_event_loop_dispatch(loop_, 0);
        flush_();
        wl_event_loop_dispatch(loop_, delivered_ != before ? 0 : 10);
        wl_event_loop_dispatch_idle(loop_);
    } while (delivered_ == before && std::chrono::steady_clock::now() < deadline);
    return delivered_ != before;
}

bool InProcessLink::push_in(std::span<const std::uint8_t> message) {
    if (credits_ == 0) {
        return false;
    }
    --credits_;
    ++delivered_;
    delivering_ = true;
    if (sink_.in) {
        sink_.in(std::vector<std::uint8_t>(message.begin(), message.end()));
    }
    delivering_ = false;
    return true;
}

bool InProcessLink::map_shmem(std::uint64_t offset, int fd, std::uint64_t size, bool writable) {
    sys::UniqueFd copy(fcntl(fd, F_DUPFD_CLOEXEC, 0));
    if (!copy) {
        return false;
    }
    if (sink_.map) {
        sink_.map(offset, size, std::move(copy), writable);
    }
    return true;
}

void InProcessLink::unmap_shmem(std::uint64_t offset, std::uint64_t size) {
    if (sink_.unmap) {
        sink_.unmap(offset, size);
    }
}

// ---- SocketLink -----------------------------------------------------------------------------

SocketLink::SocketLink(const std::filesystem::path& path, bool send_features) {
    fd_.reset(socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0));
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path.c_str(), sizeof(addr.sun_path) - 1);
    if (!fd_ || connect(fd_.get(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
        throw std::runtime_error("cannot connect to " + path.string() + ": " +
                                 std::strerror(errno));
    }
    if (!read_packet(std::chrono::seconds(10)) || offered_ == 0) {
        throw std::runtime_error("no HELLO from " + path.string());
    }
    if (send_features) {
        std::vector<std::uint8_t> packet(wire::kFeaturesSize);
        store_le32(packet, wire::kTag, wire::kFeatures);
        store_le64(packet, wire::kFeaturesBits, offered_);
        send_raw(packet);
    }
}

void SocketLink::send_raw(std::span<const std::uint8_t> packet) {
    if (!fd_ || send(fd_.get(), packet.data(), packet.size(), MSG_NOSIGNAL) < 0) {
        throw std::runtime_error(std::string("send to prism failed: ") + std::strerror(errno));
    }
}

std::vector<std::uint8_t> SocketLink::request(std::span<const std::uint8_t> bytes) {
    std::vector<std::uint8_t> packet(wire::kBody + bytes.size());
    store_le32(packet, wire::kTag, wire::kRequest);
    std::memcpy(packet.data() + wire::kBody, bytes.data(), bytes.size());
    send_raw(packet);
    while (responses_.empty()) {
        if (!read_packet(std::chrono::seconds(10))) {
            throw std::runtime_error("no response from prism");
        }
    }
    std::vector<std::uint8_t> response = std::move(responses_.front());
    responses_.pop_front();
    return response;
}

std::vector<std::vector<std::uint8_t>>
SocketLink::request_batch(const std::vector<std::vector<std::uint8_t>>& requests) {
    std::vector<std::uint8_t> packet(wire::kBatchEntries);
    store_le32(packet, wire::kTag, wire::kRequests);
    store_le32(packet, wire::kBatchCount, static_cast<std::uint32_t>(requests.size()));
    for (const auto& request : requests) {
        const std::size_t at = packet.size();
        packet.resize(at + wire::kBatchEntryHeader + request.size());
        store_le32(packet, at, static_cast<std::uint32_t>(request.size()));
        std::memcpy(packet.data() + at + wire::kBatchEntryHeader, request.data(), request.size());
    }
    send_raw(packet);
    while (responses_.size() < requests.size()) {
        if (!read_packet(std::chrono::seconds(10))) {
            throw std::runtime_error("no responses from prism");
        }
    }
    std::vector<std::vector<std::uint8_t>> responses;
    for (std::size_t i = 0; i < requests.size(); ++i) {
        responses.push_back(std::move(responses_.front()));
        responses_.pop_front();
    }
    return responses;
}

void SocketLink::post_in_buffers(std::uint32_t count) {
    std::vector<std::uint8_t> packet(wire::kCreditSize);
    store_le32(packet, wire::kTag, wire::kCredit);
    store_le32(packet, wire::kCreditCount, count);
    send_raw(packet);
}

bool SocketLink::pump(std::chrono::milliseconds timeout) {
    bool any = false;
    while (read_packet(any ? std::chrono::milliseconds(0) : timeout)) {
        any = true;
    }
    return any;
}

bool SocketLink::read_packet(std::chrono::milliseconds timeout) {
    if (!fd_ || closed_) {
        return false;
    }
    pollfd pfd{fd_.get(), POLLIN, 0};
    if (poll(&pfd, 1, static_cast<int>(timeout.count())) <= 0) {
        return false;
    }
    std::vector<std::uint8_t> packet(wire::kBody + 65536);
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * 4)];
    iovec iov{packet.data(), packet.size()};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof(control);
    const ssize_t n = recvmsg(fd_.get(), &msg, MSG_CMSG_CLOEXEC);
    if (n <= 0) {
        closed_ = true;
        return false;
    }
    sys::UniqueFd fd;
    for (cmsghdr* cmsg = CMSG_FIRSTHDR(&msg); cmsg != nullptr; cmsg = CMSG_NXTHDR(&msg, cmsg)) {
        if (cmsg->cmsg_level == SOL_SOCKET && cmsg->cmsg_type == SCM_RIGHTS) {
            int raw;
            std::memcpy(&raw, CMSG_DATA(cmsg), sizeof(int));
            fd.reset(raw);
        }
    }
    packet.resize(static_cast<std::size_t>(n));
    if (packet.size() < 4) {
        throw std::runtime_error("short packet from prism");
    }
    const std::span<const std::uint8_t> body = std::span<const std::uint8_t>(packet).subspan(4);
    switch (load_le32(packet, wire::kTag)) {
    case wire::kHello:
        offered_ = load_le64(packet, wire::kHelloOffered);
        break;
    case wire::kResponse:
        responses_.emplace_back(body.begin(), body.end());
        break;
    case wire::kResponses: {
        std::size_t at = wire::kBatchEntries;
        const std::uint32_t count = packet.size() >= at ? load_le32(packet, wire::kBatchCount) : 0;
        for (std::uint32_t i = 0; i < count; ++i) {
            if (packet.size() - at < wire::kBatchEntryHeader ||
                load_le32(packet, at) > packet.size() - at - wire::kBatchEntryHeader) {
                throw std::runtime_error("malformed RESPONSES from prism");
            }
            const std::uint32_t length = load_le32(packet, at);
            const auto begin = packet.begin() + static_cast<std::ptrdiff_t>(at + 4);
            responses_.emplace_back(begin, begin + length);
            at += wire::kBatchEntryHeader + length;
        }
        if (count == 0 || at != packet.size()) {
            throw std::runtime_error("malformed RESPONSES from prism");
        }
        break;
    }
    case wire::kIn:
        if (!sink_.in) {
            break;
        }
        sink_.in(std::vector<std::uint8_t>(body.begin(), body.end()));
        break;
    case wire::kMap:
        if (!sink_.map) {
            break;
        }
        sink_.map(load_le64(packet, wire::kMapOffset), load_le64(packet, wire::kMapSize),
                  std::move(fd), (load_le32(packet, wire::kMapFlags) & wire::kMapWritable) != 0);
        break;
    case wire::kUnmap:
        if (!sink_.unmap) {
            break;
        }
        sink_.unmap(load_le64(packet, wire::kMapOffset), load_le64(packet, wire::kMapSize));
        break;
    default:
        throw std::runtime_error("unknown packet from prism");
    }
    return true;
}

} // namespace prism::vmbridge::guest
