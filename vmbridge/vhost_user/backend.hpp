// The vhost-user wl backend for one VMM connection: the core of prism-vhost-wl. It answers the
// frontend's vhost-user messages, maps the guest memory, walks the two virtqueues and moves
// virtio-wl messages between them and a device core inside prism (reached over the test
// transport's packets, on a socket prism hands over: shim_wire.hpp). Shared memory the device
// maps becomes SHMEM_MAP/SHMEM_UNMAP on the backend-request channel.
//
// Ordering: everything the device sends is applied to the guest in order. A MAP goes out as
// SHMEM_MAP with NEED_REPLY and what follows it (the response or in-queue message that hands
// the guest its pfn) waits for the VMM's ack; vhost-user messages, kicks and acks are still
// served meanwhile, so a VMM that never acks stalls only its own device.
//
// Single-threaded around poll(); blocking only on the frontend socket's payload reads (one VM
// per process, so a frontend that stalls mid-message stalls only itself).
//
// Watching: after any activity the loop keeps looking at the rings and its sockets without
// sleeping for a window of at most `poll_us` (yielding the core between looks), with the
// guest's kicks of the out queue turned off meanwhile. A burst of SENDs then costs no kick, and
// a response that comes back from prism within the window finds this process awake: a core
// that sleeps between the steps of a round trip takes tens of microseconds to wake. Past the
// window, kicks go back on and the loop sleeps in poll(). The window adapts as KVM's halt
// polling does: it grows while sleeps are shorter than poll_us and shrinks while they are
// longer, so a VM that is mostly idle costs no spinning.
#pragma once

#include "sys/unique_fd.hpp"
#include "vmbridge/vhost_user/guest_memory.hpp"
#include "vmbridge/vhost_user/protocol.hpp"
#include "vmbridge/vhost_user/shim_wire.hpp"
#include "vmbridge/vhost_user/virtqueue.hpp"

#include <array>
#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace prism::vmbridge::vhost_user {

using sys::UniqueFd;

// How long the backend keeps watching after activity ([vmbridge] poll_us), and at most.
inline constexpr std::uint32_t kDefaultPollUs = 50;
inline constexpr std::uint32_t kMaxPollUs = 1000;
// Where a watch window that shrank to nothing grows back from.
inline constexpr std::chrono::microseconds kWatchGrowStart{10};

struct BackendOptions {
    std::string vm;                             // for log lines
    unsigned shmem_bit = kProtocolShmemDefault; // the SHMEM protocol-feature bit
    int control_fd = -1;                        // shim_wire channel to prism (borrowed)
    pid_t vmm_pid = 0;                          // the frontend's pid (SO_PEERCRED), for prismctl
    std::uint32_t poll_us = kDefaultPollUs;     // how long to watch after activity (0: never)
};

// Out-queue requests sent to the device and not yet answered. The device answers in order;
// this only bounds what the process holds.
inline constexpr std::size_t kMaxInFlight = 64;

class Backend {
public:
    Backend(sys::UniqueFd frontend, BackendOptions options);
    ~Backend();
    Backend(const Backend&) = delete;
    Backend& operator=(const Backend&) = delete;

    // Serves the frontend until it disconnects (true) or breaks the protocol, the queues or
    // guest memory (false; the reason is logged). Also false when prism's channel closes.
    bool run();

    // The virtio features offered in GET_FEATURES.
    static std::uint64_t offered_features();
    std::uint64_t offered_protocol_features() const;

private:
    struct Ring {
        std::uint32_t size = 0;
        std::uint64_t desc_user = 0, avail_user = 0, used_user = 0;
        bool have_addr = false;
        std::uint16_t base = 0;
        bool enabled = false;
        sys::UniqueFd kick, call;
        std::unique_ptr<SplitQueue> queue;
    };
    // What the device sent, applied to the guest in order.
    struct Event {
        std::uint32_t tag = 0;
        std::vector<std::uint8_t> bytes; // after the tag
        sys::UniqueFd fd;
    };

    bool fail(const std::string& why);
    void log(const std::string& line) const;

    // Frontend messages.
    bool on_frontend(bool* closed);
    bool handle(const Header& header, std::span<const std::uint8_t> payload,
                std::vector<sys::UniqueFd>& fds);
    bool send_reply(const Header& header, std::span<const std::uint8_t> payload);
    bool ring_index(std::span<const std::uint8_t> payload, std::size_t size, std::uint32_t* index);
    bool protocol_acked(unsigned bit) const { return (protocol_features_ & bit_of(bit)) != 0; }
    static std::uint64_t bit_of(unsigned n) { return std::uint64_t{1} << n; }

    // Device session.
    bool maybe_start();
    bool on_device_socket(sys::UniqueFd fd);
    void end_session(const std::string& why);
    void send_status(shim_wire::State state);
    bool on_control(bool* closed);
    bool on_device_readable();
    bool flush_device();
    void send_device(std::span<const std::uint8_t> packet);
    bool apply_events();
    bool apply_held_events();
    bool apply_event(std::uint32_t tag, std::span<const std::uint8_t> bytes, const UniqueFd& fd);
    bool complete_out(std::span<const std::uint8_t> response);
    bool on_backend_reply(bool* closed);

    // Queues.
    bool process_out();
    bool credit_in();
    bool drain_kick(std::uint32_t index);
    void signal(std::uint32_t index);
    // Whether the watch window is open now; closing it turns kicks back on and looks at the
    // out queue once more (false if that broke the queue: the device is over).
    bool watch_window(bool* open);
    void extend_watch();
    // Sizes the window from how long the loop just slept (the device being live).
    void adapt_watch(std::chrono::steady_clock::duration slept);

    sys::UniqueFd frontend_;
    BackendOptions options_;
    std::uint64_t features_ = 0;
    bool features_set_ = false;
    std::uint64_t protocol_features_ = 0;
    sys::UniqueFd backend_req_;
    std::unique_ptr<GuestMemory> memory_;
    std::array<Ring, kQueueCount> rings_;
    std::string not_starting_; // why the device was last refused (logged once)

    // The live device, if any.
    sys::UniqueFd device_;
    bool device_wanted_ = false; // STATUS Running sent, DEVICE not yet received
    bool hello_ = false;
    std::deque<std::vector<std::uint8_t>> device_out_;
    std::vector<std::uint8_t> read_buffer_; // device packets are read into this
    std::deque<Event> events_;
    // Out-queue chains waiting for their response, oldest at in_flight_head_: a fixed ring
    // whose chains keep their buffers, so popping a chain allocates nothing.
    std::array<Chain, kMaxInFlight> in_flight_;
    std::size_t in_flight_head_ = 0, in_flight_count_ = 0;
    std::vector<std::uint8_t> requests_;              // the REQUESTS packet being built
    Chain in_chain_;                                  // the in-queue chain being filled
    std::uint32_t credited_ = 0;                      // in-queue chains announced, not yet used
    std::array<bool, kQueueCount> pending_signal_{};  // used entries written, guest not signalled
    std::map<std::uint64_t, std::uint64_t> mappings_; // region offset -> size
    bool map_ack_blocking_ = false;                   // events_ waits for the ack of a SHMEM_MAP
    std::uint32_t acks_outstanding_ = 0;              // SHMEM_MAP acks not yet read (any session)
    bool watching_ = false; // inside the watch window: out-queue kicks off, looked at each turn
    std::chrono::steady_clock::time_point watch_until_;
    std::chrono::microseconds window_{options_.poll_us}; // the watch's length now (adapt_watch)
};

} // namespace prism::vmbridge::vhost_user
