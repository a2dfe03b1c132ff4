// A double of a VMM's vhost-user frontend (it plays crosvm, or QEMU): guest memory in a memfd,
// the two split virtqueues of virtio-wl laid out in it, kick and call eventfds, and the
// backend-request channel, on which every SHMEM_MAP's fd is mapped into a reserved 4 GiB
// window (the device's shared-memory region) and acknowledged.
//
// It is a GuestLink, so the guest-driver double (wl0.hpp) and its Wayland sessions run over
// real rings against prism-vhost-wl. The hostile_* members break one rule each.
#pragma once

#include "guest/link.hpp"

#include <chrono>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace prism::vmbridge::vhost_test {

using sys::UniqueFd;

struct FrontendOptions {
    // The order of the setup messages: crosvm's (vhost_user_frontend: SET_OWNER first, each
    // queue's CALL then KICK), or QEMU's (SET_OWNER late, SET_VRING_CALL sent before the
    // queues are set up and again with each queue, NEED_REPLY on every set message).
    enum class Order { Crosvm, Qemu };
    Order order = Order::Crosvm;
    std::uint32_t queue_size = 256; // both queues (crosvm's max-queue-size)
    bool seal_memory = true;        // F_SEAL_SHRINK on the guest memory memfd
    bool ack_maps = true;           // answer SHMEM_MAP (false: a frontend that never does)
    unsigned shmem_bit = 22;        // the SHMEM protocol-feature bit accepted
    bool ack_use_shmem = true;      // the driver acks VIRTIO_WL_F_USE_SHMEM
    // Before pump() sleeps, how long it keeps looking for a call without sleeping, as KVM
    // polls a halted vCPU (its halt_poll_ns) before giving up the host core. 0: sleeps at once.
    std::chrono::microseconds halt_poll{0};
};

class Frontend final : public guest::GuestLink {
public:
    // Connects to `socket` (retrying for up to 10 s while the backend is being started) and
    // sets the device up, queues running. Throws std::runtime_error on failure.
    Frontend(const std::filesystem::path& socket, FrontendOptions options = {});
    // Connects only (no message sent): for hostile tests.
    static std::unique_ptr<Frontend> connect_only(const std::filesystem::path& socket,
                                                  FrontendOptions options = {});
    ~Frontend() override;

    // GuestLink
    std::vector<std::uint8_t> request(std::span<const std::uint8_t> bytes) override;
    void post_in_buffers(std::uint32_t count) override;
    bool pump(std::chrono::milliseconds timeout) override;

    // One vhost-user request; the reply payload if it has one (or NEED_REPLY was set).
    // nullopt when the backend closed the connection.
    std::optional<std::vector<std::uint8_t>> message(std::uint32_t request,
                                                     std::span<const std::uint8_t> payload,
                                                     std::vector<int> fds = {},
                                                     bool need_reply = false);
    void send_raw(std::span<const std::uint8_t> bytes);
    // Whether the backend closed the vhost-user socket within `timeout`.
    bool wait_closed(std::chrono::milliseconds timeout);

    // Queues a request on the out queue without waiting for the answer; returns its head.
    std::uint16_t post_request(std::span<const std::uint8_t> bytes);
    // Whether the request at `head` has been answered (pump() collects answers).
    bool answered(std::uint16_t head) const {
        return head < responses_.size() && responses_[head].has_value();
    }
    // The response to the request at `head`, once answered (then forgotten); nullopt before.
    std::optional<std::vector<std::uint8_t>> take_response(std::uint16_t head);
    // Out-queue requests that can be posted now (free slots).
    std::size_t free_out_slots() const { return free_out_.size(); }
    // Gives queue `index` a new call eventfd while it runs (SET_VRING_CALL again); the old one
    // is kept, and returned, so a test can see it is no longer signalled.
    sys::UniqueFd replace_call(std::uint32_t index);
    // Hostile: the next out-queue chain is a descriptor loop / points outside guest memory.
    void hostile_descriptor_loop();
    void hostile_out_of_range();
    // Hostile: writes a request into guest memory, shrinks the (unsealed) memory file so that
    // the request's bytes are gone, then makes the request available: reading it faults.
    void hostile_truncate_then_request();

    std::uint64_t offered_features() const { return offered_features_; }
    std::uint64_t offered_protocol_features() const { return offered_protocol_; }
    std::uint64_t shmem_size() const { return shmem_size_; }
    std::size_t maps() const { return maps_; }
    // Bytes that crossed the queues so far: requests and responses, in-queue messages.
    std::uint64_t queue_bytes() const { return queue_bytes_; }
    std::size_t unmaps() const { return unmaps_; }
    // Kicks left out because the device asked for none (VIRTQ_USED_F_NO_NOTIFY).
    std::uint64_t kicks_skipped() const { return kicks_skipped_; }
    // Whether the device's used ring of `queue` asks for kicks (no VIRTQ_USED_F_NO_NOTIFY).
    bool kicks_wanted(std::uint32_t queue) const;
    // Live SHMEM mappings: region offset -> size.
    const std::map<std::uint64_t, std::uint64_t>& mapped() const { return mapped_; }
    // The bytes at `offset` in the reserved window, as the guest sees them.
    std::uint8_t* window(std::uint64_t offset) const { return window_ + offset; }
    // Guest memory, as the guest sees it.
    std::uint8_t* guest(std::uint64_t offset) const { return memory_ + offset; }
    int memory_fd() const { return memory_fd_.get(); }
    int socket_fd() const { return socket_.get(); }
    bool closed() const { return closed_; }

private:
    Frontend(const std::filesystem::path& socket, FrontendOptions options, bool setup);
    void setup();
    void setup_queue(std::uint32_t index);
    void set_call(std::uint32_t index);
    void add_avail(std::uint32_t queue, std::uint16_t head);
    void kick(std::uint32_t queue);
    bool collect(std::uint32_t queue);
    void serve_backend_channel();
    void write_desc(std::uint32_t queue, std::uint16_t index, std::uint64_t addr, std::uint32_t len,
                    std::uint16_t flags, std::uint16_t next);
    std::uint64_t gpa(std::uint64_t offset) const { return kGuestBase + offset; }

    static constexpr std::uint64_t kGuestBase = 0x40000000;
    static constexpr std::uint64_t kMemorySize = 16u << 20;

    FrontendOptions options_;
    sys::UniqueFd socket_;
    sys::UniqueFd memory_fd_;
    std::uint8_t* memory_ = nullptr;
    std::uint8_t* window_ = nullptr;
    sys::UniqueFd backend_ours_;
    sys::UniqueFd kick_[2], call_[2];
    std::uint64_t offered_features_ = 0, offered_protocol_ = 0, shmem_size_ = 0;
    std::uint16_t avail_idx_[2] = {0, 0};
    std::uint16_t used_seen_[2] = {0, 0};
    std::deque<std::uint16_t> free_in_; // in-queue buffers not posted
    // As a guest driver keeps them: a free list of out-queue slots (the next taken from the
    // back) and the answers by head, in arrays, so the double costs little per request.
    std::vector<std::uint16_t> free_out_;
    std::vector<std::optional<std::vector<std::uint8_t>>> responses_; // by head
    std::deque<std::vector<std::uint8_t>> delivered_; // in-queue messages to hand over
    std::map<std::uint64_t, std::uint64_t> mapped_;
    std::size_t maps_ = 0, unmaps_ = 0;
    std::uint64_t queue_bytes_ = 0;
    std::uint64_t kicks_skipped_ = 0;
    std::uint32_t owed_posts_ = 0; // posts asked for beyond the free buffers, made as they return
    bool closed_ = false;
    bool delivering_ = false;
};

} // namespace prism::vmbridge::vhost_test
