#include "vmbridge/device/seqpacket_transport.hpp"

#include "sys/fd_io.hpp"
#include "sys/private_socket.hpp"
#include "vmbridge/device/test_transport_wire.hpp"
#include "vmbridge/virtio_wl/le.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <deque>
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <vector>

namespace prism::vmbridge::device {

using namespace virtio_wl;
namespace wire = test_wire;

// One peer: the transport of one device.
class SeqpacketListener::Connection final : public Transport {
public:
    Connection(SeqpacketListener& listener, int fd)
        : listener_(listener)
        , fd_(fd) {
        source_ = wl_event_loop_add_fd(listener.loop_, fd, WL_EVENT_READABLE, handle_event, this);
        std::vector<std::uint8_t> hello(wire::kHelloSize);
        store_le32(hello, wire::kTag, wire::kHello);
        store_le64(hello, wire::kHelloOffered, Features::all_wl().bits);
        store_le64(hello, wire::kHelloRegionSize, kShmemRegionSize);
        send_packet(std::move(hello), -1);
    }
    ~Connection() override {
        device_.reset(); // unmaps through this transport while it is still whole
        if (source_ != nullptr) {
            wl_event_source_remove(source_);
        }
    }

    std::optional<DeviceStats> stats() const {
        return device_ ? std::optional<DeviceStats>(device_->stats()) : std::nullopt;
    }

    // Transport
    bool in_queue_has_room() const override { return !broken_ && credits_ > 0 && out_.empty(); }
    bool push_in(std::span<const std::uint8_t> message) override {
        if (!in_queue_has_room()) {
            return false;
        }
        flush_responses(); // responses to earlier requests go first
        if (!in_queue_has_room()) {
            return false;
        }
        --credits_;
        std::vector<std::uint8_t> packet(wire::kBody + message.size());
        store_le32(packet, wire::kTag, wire::kIn);
        std::memcpy(packet.data() + wire::kBody, message.data(), message.size());
        send_packet(std::move(packet), -1);
        return true;
    }
    bool map_shmem(std::uint64_t offset, int fd, std::uint64_t size, bool writable) override {
        flush_responses();
        std::vector<std::uint8_t> packet(wire::kMapPacketSize);
        store_le32(packet, wire::kTag, wire::kMap);
        store_le32(packet, wire::kMapFlags, writable ? wire::kMapWritable : 0);
        store_le64(packet, wire::kMapOffset, offset);
        store_le64(packet, wire::kMapSize, size);
        send_packet(std::move(packet), fd);
        return !broken_;
    }
    void unmap_shmem(std::uint64_t offset, std::uint64_t size) override {
        flush_responses();
        std::vector<std::uint8_t> packet(wire::kMapPacketSize);
        store_le32(packet, wire::kTag, wire::kUnmap);
        store_le64(packet, wire::kMapOffset, offset);
        store_le64(packet, wire::kMapSize, size);
        send_packet(std::move(packet), -1);
    }

private:
    struct Outgoing {
        std::vector<std::uint8_t> bytes;
        sys::UniqueFd fd;
    };

    static int handle_event(int, std::uint32_t mask, void* data) {
        static_cast<Connection*>(data)->on_event(mask);
        return 0;
    }

    void on_event(std::uint32_t mask) {
        if ((mask & WL_EVENT_WRITABLE) != 0) {
            flush();
        }
        if ((mask & WL_EVENT_READABLE) != 0) {
            for (int i = 0; i < wire::kPacketsPerWakeup && !broken_ && out_.empty(); ++i) {
                if (!read_packet()) {
                    break;
                }
            }
        } else if ((mask & (WL_EVENT_HANGUP | WL_EVENT_ERROR)) != 0) {
            broken_ = true;
        }
        if (broken_) {
            if (source_ != nullptr) {
                wl_event_source_remove(source_);
                source_ = nullptr;
            }
            listener_.schedule_drop();
            return;
        }
        update_mask();
        if (device_ && in_queue_has_room()) {
            device_->in_queue_ready();
        }
    }

    // Reads one packet; false when there is none (or the connection broke).
    bool read_packet() {
        // One buffer for every read (a fresh 64 KiB vector per packet cost more than the rest).
        if (read_buffer_.empty()) {
            read_buffer_.resize(kReadBufferSize);
        }
        const ssize_t n =
            recv(fd_.get(), read_buffer_.data(), read_buffer_.size(), MSG_DONTWAIT | MSG_TRUNC);
        if (n < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
                broken_ = true;
            }
            return false;
        }
        if (n == 0) {
            broken_ = true; // the peer closed: the device and its contexts go
            return false;
        }
        if (static_cast<std::size_t>(n) > read_buffer_.size() || n < 4) {
            return protocol_error("packet of " + std::to_string(n) + " bytes");
        }
        const std::span<const std::uint8_t> packet(read_buffer_.data(),
                                                   static_cast<std::size_t>(n));
        const std::uint32_t tag = load_le32(packet, wire::kTag);
        if (tag != wire::kRequests && packet.size() > wire::kMaxRequestPacket) {
            return protocol_error("packet of " + std::to_string(n) + " bytes");
        }
        switch (tag) {
        case wire::kRequest: {
            start_device(Features::all_wl());
            std::vector<std::uint8_t> response =
                device_->handle_request(packet.subspan(wire::kBody));
            std::vector<std::uint8_t> out(wire::kBody + response.size());
            store_le32(out, wire::kTag, wire::kResponse);
            std::memcpy(out.data() + wire::kBody, response.data(), response.size());
            send_packet(std::move(out), -1);
            return true;
        }
        case wire::kRequests: {
            // The whole packet is checked before any request in it is handled.
            if (packet.size() < wire::kBatchEntries) {
                return protocol_error("short requests packet");
            }
            const std::uint32_t count = load_le32(packet, wire::kBatchCount);
            if (count == 0 || count > wire::kMaxBatch) {
                return protocol_error("requests packet of " + std::to_string(count) + " entries");
            }
            std::size_t at = wire::kBatchEntries;
            for (std::uint32_t i = 0; i < count; ++i) {
                if (packet.size() - at < wire::kBatchEntryHeader ||
                    load_le32(packet, at) > packet.size() - at - wire::kBatchEntryHeader) {
                    return protocol_error("requests packet with a truncated entry");
                }
                at += wire::kBatchEntryHeader + load_le32(packet, at);
            }
            if (at != packet.size()) {
                return protocol_error("requests packet with bytes after its entries");
            }
            start_device(Features::all_wl());
            at = wire::kBatchEntries;
            device_->begin_batch();
            for (std::uint32_t i = 0; i < count && !broken_; ++i) {
                const std::uint32_t length = load_le32(packet, at);
                add_response(
                    device_->handle_request(packet.subspan(at + wire::kBatchEntryHeader, length)));
                at += wire::kBatchEntryHeader + length;
            }
            device_->end_batch(); // the gathered SENDs are written before they are answered
            flush_responses();
            return true;
        }
        case wire::kCredit: {
            if (packet.size() != wire::kCreditSize) {
                return protocol_error("bad credit packet");
            }
            const std::uint64_t credits =
                std::uint64_t{credits_} + load_le32(packet, wire::kCreditCount);
            if (credits > wire::kMaxCredits) {
                return protocol_error("more in-queue buffers than a queue holds");
            }
            credits_ = static_cast<std::uint32_t>(credits);
            return true;
        }
        case wire::kFeatures: {
            if (packet.size() != wire::kFeaturesSize || device_) {
                return protocol_error("features packet too late or malformed");
            }
            const Features acked{load_le64(packet, wire::kFeaturesBits)};
            // pfns are region offsets: a driver that does not take USE_SHMEM cannot be
            // served (vhost-user has the same rule, §1.2).
            if (!acked.subset_of(Features::all_wl()) || !acked.use_shmem()) {
                return protocol_error("features must include USE_SHMEM and only offered bits");
            }
            start_device(acked);
            return true;
        }
        default:
            return protocol_error("unknown packet tag " + std::to_string(tag));
        }
    }

    bool protocol_error(const std::string& why) {
        log_line(listener_.options_, "test transport: " + why + "; disconnecting");
        broken_ = true;
        return false;
    }

    void start_device(Features features) {
        if (device_) {
            return;
        }
        DeviceOptions options = listener_.options_;
        options.features = features;
        device_ = std::make_unique<Device>(listener_.loop_, *this, std::move(options));
    }

    // Responses to a REQUESTS packet are collected into one RESPONSES packet, sent when the
    // packet is done or before anything else goes out (a MAP precedes the response it is for).
    void add_response(const std::vector<std::uint8_t>& response) {
        if (responses_.empty()) {
            responses_.resize(wire::kBatchEntries);
            store_le32(responses_, wire::kTag, wire::kResponses);
        }
        const std::size_t at = responses_.size();
        responses_.resize(at + wire::kBatchEntryHeader + response.size());
        store_le32(responses_, at, static_cast<std::uint32_t>(response.size()));
        std::memcpy(responses_.data() + at + wire::kBatchEntryHeader, response.data(),
                    response.size());
        ++response_count_;
    }
    void flush_responses() {
        if (response_count_ == 0) {
            return;
        }
        store_le32(responses_, wire::kBatchCount, response_count_);
        response_count_ = 0;
        send_packet(std::move(responses_), -1);
        responses_.clear();
    }

    void send_packet(std::vector<std::uint8_t> bytes, int fd) {
        if (broken_) {
            return;
        }
        Outgoing packet{std::move(bytes),
                        sys::UniqueFd(fd >= 0 ? fcntl(fd, F_DUPFD_CLOEXEC, 0) : -1)};
        if (fd >= 0 && !packet.fd) {
            broken_ = true;
            return;
        }
        out_.push_back(std::move(packet));
        flush();
        update_mask();
    }

    void flush() {
        while (!out_.empty() && !broken_) {
            Outgoing& packet = out_.front();
            const int raw = packet.fd.get();
            const std::span<const int> fds(&raw, packet.fd ? 1 : 0);
            if (sys::send_with_fds(fd_.get(), packet.bytes, fds) < 0) {
                if (errno != EAGAIN && errno != EWOULDBLOCK) {
                    broken_ = true;
                }
                return;
            }
            out_.pop_front();
        }
    }

    // Requests are read only while everything owed to the peer has been sent: a peer that
    // does not read cannot make prism queue without bound.
    // The event loop is told only when the mask changes (an epoll_ctl each time), not for
    // every packet sent.
    void update_mask() {
        const std::uint32_t mask = out_.empty() ? WL_EVENT_READABLE : WL_EVENT_WRITABLE;
        if (source_ == nullptr || mask == mask_) {
            return;
        }
        mask_ = mask;
        wl_event_source_fd_update(source_, mask);
    }

    SeqpacketListener& listener_;
    sys::UniqueFd fd_;
    wl_event_source* source_ = nullptr;
    std::uint32_t mask_ = WL_EVENT_READABLE; // as source_ was added
    std::unique_ptr<Device> device_;
    std::deque<Outgoing> out_;
    std::vector<std::uint8_t> responses_; // RESPONSES being collected
    std::uint32_t response_count_ = 0;
    static constexpr std::size_t kReadBufferSize =
        std::max(wire::kMaxRequestPacket, wire::kMaxRequestsPacket) + 1;
    std::vector<std::uint8_t> read_buffer_;
    std::uint32_t credits_ = 0;
    bool broken_ = false;
};

std::unique_ptr<SeqpacketListener> SeqpacketListener::create(wl_event_loop* loop,
                                                             std::filesystem::path path,
                                                             DeviceOptions options,
                                                             std::string* error) {
    sys::PrivateSocket socket = sys::PrivateSocket::listen(path, SOCK_SEQPACKET, 4, error);
    if (!socket) {
        return nullptr;
    }

    std::unique_ptr<SeqpacketListener> listener(new SeqpacketListener());
    listener->loop_ = loop;
    listener->path_ = std::move(path);
    listener->options_ = std::move(options);
    listener->socket_ = std::move(socket);
    listener->pause_ = std::make_unique<sys::AcceptPause>(
        loop, "test transport " + listener->path_.string(),
        [options = listener->options_](const std::string& line) { log_line(options, line); });
    listener->source_ = wl_event_loop_add_fd(loop, listener->socket_.fd(), WL_EVENT_READABLE,
                                             handle_accept, listener.get());
    return listener;
}

std::unique_ptr<SeqpacketListener> SeqpacketListener::create_unbound(wl_event_loop* loop,
                                                                     DeviceOptions options) {
    std::unique_ptr<SeqpacketListener> listener(new SeqpacketListener());
    listener->loop_ = loop;
    listener->options_ = std::move(options);
    return listener;
}

bool SeqpacketListener::adopt(sys::UniqueFd fd) {
    if (connection_ || drop_idle_ != nullptr) {
        log_line(options_, "test transport: a peer is already connected; refusing another");
        return false;
    }
    if (!sys::set_nonblocking(fd.get())) {
        return false;
    }
    connection_ = std::make_unique<Connection>(*this, fd.release());
    return true;
}

void SeqpacketListener::disconnect() {
    connection_.reset();
}

SeqpacketListener::~SeqpacketListener() {
    connection_.reset();
    if (drop_idle_ != nullptr) {
        wl_event_source_remove(drop_idle_);
    }
    if (source_ != nullptr) {
        wl_event_source_remove(source_);
    }
    // socket_ closes and removes its file (if still ours) as it goes.
}

std::optional<DeviceStats> SeqpacketListener::stats() const {
    return connection_ ? connection_->stats() : std::nullopt;
}

int SeqpacketListener::handle_accept(int, std::uint32_t, void* data) {
    auto* listener = static_cast<SeqpacketListener*>(data);
    sys::UniqueFd fd(
        accept4(listener->socket_.fd(), nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK));
    if (!fd) {
        listener->pause_->after_failure(listener->source_, errno); // out of fds: no spinning
        return 0;
    }
    listener->adopt(std::move(fd)); // if refused, closing it tells the peer
    return 0;
}

void SeqpacketListener::schedule_drop() {
    if (drop_idle_ == nullptr) {
        drop_idle_ = wl_event_loop_add_idle(loop_, handle_drop, this);
    }
}

void SeqpacketListener::handle_drop(void* data) {
    auto* listener = static_cast<SeqpacketListener*>(data);
    listener->drop_idle_ = nullptr;
    listener->connection_.reset();
}

} // namespace prism::vmbridge::device
