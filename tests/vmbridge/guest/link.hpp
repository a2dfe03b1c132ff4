// How the guest-driver double reaches a virtio-wl device: the double's view of the two
// virtqueues and the shared-memory region.
//
//   InProcessLink: a Device on the test's own wl_event_loop, called directly (unit tests).
//   SocketLink:    the seqpacket test transport of a running prism (end-to-end tests).
#pragma once

#include "sys/unique_fd.hpp"
#include "vmbridge/device/device.hpp"

#include <chrono>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <span>
#include <vector>

namespace prism::vmbridge::guest {

using sys::UniqueFd;

class GuestLink {
public:
    // What the device sends besides responses: in-queue messages and region mappings.
    struct Sink {
        std::function<void(std::vector<std::uint8_t> message)> in;
        std::function<void(std::uint64_t offset, std::uint64_t size, sys::UniqueFd fd,
                           bool writable)>
            map;
        std::function<void(std::uint64_t offset, std::uint64_t size)> unmap;
    };

    virtual ~GuestLink() = default;
    void set_sink(Sink sink) { sink_ = std::move(sink); }

    // One out-queue request; returns the bytes the device wrote into the response part.
    // Throws std::runtime_error when the device is gone or does not answer.
    virtual std::vector<std::uint8_t> request(std::span<const std::uint8_t> bytes) = 0;
    // Posts `count` more in-queue buffers.
    virtual void post_in_buffers(std::uint32_t count) = 0;
    // Lets the device run for up to `timeout`, delivering what it sends to the sink. Returns
    // whether anything arrived.
    virtual bool pump(std::chrono::milliseconds timeout) = 0;

protected:
    Sink sink_;
};

// A Device in this process, on `loop` (a test's wl_display's loop). `flush` is called around
// each dispatch so the compositor side's queued events reach the sockets.
class InProcessLink final : public GuestLink, public device::Transport {
public:
    InProcessLink(wl_event_loop* loop, std::function<void()> flush, device::DeviceOptions options);
    ~InProcessLink() override;

    std::vector<std::uint8_t> request(std::span<const std::uint8_t> bytes) override;
    void post_in_buffers(std::uint32_t count) override;
    bool pump(std::chrono::milliseconds timeout) override;

    device::Device& device() { return *device_; }
    std::uint32_t credits() const { return credits_; }

    // device::Transport
    bool in_queue_has_room() const override { return credits_ > 0; }
    bool push_in(std::span<const std::uint8_t> message) override;
    bool map_shmem(std::uint64_t offset, int fd, std::uint64_t size, bool writable) override;
    void unmap_shmem(std::uint64_t offset, std::uint64_t size) override;

private:
    wl_event_loop* loop_;
    std::function<void()> flush_;
    std::uint32_t credits_ = 0;
    std::size_t delivered_ = 0;
    bool delivering_ = false;
    std::unique_ptr<device::Device> device_;
};

// A connection to prism's test transport socket.
class SocketLink final : public GuestLink {
public:
    // Connects and reads the HELLO packet; throws on failure. With `features`, acks those.
    explicit SocketLink(const std::filesystem::path& path, bool send_features = true);

    std::vector<std::uint8_t> request(std::span<const std::uint8_t> bytes) override;
    void post_in_buffers(std::uint32_t count) override;
    bool pump(std::chrono::milliseconds timeout) override;
    // Several requests in one REQUESTS packet (as prism-vhost-wl sends a kick's chains);
    // returns their responses, in order.
    std::vector<std::vector<std::uint8_t>>
    request_batch(const std::vector<std::vector<std::uint8_t>>& requests);

    std::uint64_t offered_features() const { return offered_; }
    int fd() const { return fd_.get(); }
    // Sends raw packet bytes (for tests of the transport itself).
    void send_raw(std::span<const std::uint8_t> packet);
    // Reads one packet, waiting up to `timeout`; false on timeout or when the peer closed
    // (then closed() is true).
    bool read_packet(std::chrono::milliseconds timeout);
    bool closed() const { return closed_; }
    void disconnect() { fd_.reset(); }

private:
    sys::UniqueFd fd_;
    std::uint64_t offered_ = 0;
    bool closed_ = false;
    std::deque<std::vector<std::uint8_t>> responses_;
};

} // namespace prism::vmbridge::guest
