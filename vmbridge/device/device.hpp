// The virtio-wl device core for one VM (docs/vmbridge.md §1): turns out-queue
// requests into Wayland clients of prism, shared memory and pipes, and what the compositor
// sends back into in-queue messages. It knows nothing of virtqueues, vhost-user or sockets to
// the VMM: a Transport carries its queues and maps its shared memory.
//
// Everything runs on one wl_event_loop and never blocks. When the in queue has no room the
// device stops reading the VM's contexts and pipes (their fd events are disabled) until the
// transport says there is room again: nothing is dropped and nothing grows without bound.
#pragma once

#include "vmbridge/device/shmem_region.hpp"
#include "vmbridge/device/transport.hpp"
#include "vmbridge/device/vfd_table.hpp"
#include "vmbridge/virtio_wl/codec.hpp"

#include <cstdint>
#include <deque>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>
#include <wayland-server-core.h>

namespace prism::vmbridge::device {

// Per-VM limits (the VM's [vmbridge] section, docs/config.md). Reaching one makes a request
// fail with RESP_OUT_OF_MEMORY, or pauses reading; it never makes anything grow further.
struct Limits {
    std::uint32_t max_vfds = 1024;            // live VFDs, guest- and host-created together
    std::uint64_t max_shm_bytes = 256u << 20; // region bytes in use (page-rounded)
    // In-queue messages the device may hold while the in queue is full. One read of a context
    // can make kSendMaxAllocs VFD_NEW and one VFD_RECV, so reading stops while fewer than that
    // many fit.
    std::uint32_t max_queued_messages = 256;
    // Bytes the device holds for one VFD when the compositor does not read fast enough.
    std::size_t max_backlog_bytes = 1u << 20;
    // ... and for all VFDs of the device together.
    std::size_t max_total_backlog_bytes = 8u << 20;
};

// What one VFD's backlog may hold besides bytes: separate writes (fd-less data is merged into
// the last one) and duplicated fds waiting to go with their first byte.
inline constexpr std::size_t kMaxBacklogWrites = 64;
inline constexpr std::size_t kMaxBacklogFds = 256;

// One read may produce this many in-queue messages: a VFD_NEW per fd and the VFD_RECV.
inline constexpr std::uint32_t kMaxMessagesPerRead = virtio_wl::kSendMaxAllocs + 1;

struct DeviceOptions {
    virtio_wl::Features features = virtio_wl::Features::all_wl();
    Limits limits;
    // Connects a new Wayland context: `name` is "" for VFD_NEW_CTX, the requested name for
    // VFD_NEW_CTX_NAMED. Returns the device's end of a connected stream socket, or -1 (unknown
    // name, or the compositor could not take the client): RESP_ERR.
    std::function<int(std::string_view name)> connect_context;
    std::string log_name = "vmbridge"; // prefixes log lines
    // Where the device and its transport report what they drop or refuse (one line, no
    // newline). Unset: stderr.
    std::function<void(const std::string& line)> log;
};

// Writes "<log_name>: <message>" through options.log, or to stderr.
void log_line(const DeviceOptions& options, const std::string& message);

struct DeviceStats {
    std::size_t vfds = 0;
    std::size_t contexts = 0;
    std::uint64_t shm_bytes = 0;
    std::size_t queued_messages = 0; // held by the device, waiting for in-queue room
    bool reading = false;            // contexts and pipes are being read
};

class Device {
public:
    // `transport` must outlive the device.
    Device(wl_event_loop* loop, Transport& transport, DeviceOptions options);
    ~Device();
    Device(const Device&) = delete;
    Device& operator=(const Device&) = delete;

    // Handles one out-queue request (the readable part of a chain) and returns the response
    // to write into its writable part. Never fails: malformed input gets an error response.
    std::vector<std::uint8_t> handle_request(std::span<const std::uint8_t> request);

    // Requests handled between begin_batch() and end_batch() arrived together (one packet of
    // several out-queue chains). Consecutive SENDs of bytes without fds to a stream are then
    // gathered and written at end_batch() with one write per stream, in order; any other
    // request writes what was gathered first. Their responses are RESP_OK as for a SEND the
    // compositor is behind on (the bytes are held, within the same limits); a write error
    // found at end_batch() hangs the stream up (VFD_HUP), as for a held write that fails.
    void begin_batch() { batching_ = true; }
    void end_batch();

    // The transport calls this when the in queue has room again.
    void in_queue_ready();

    DeviceStats stats() const;
    const virtio_wl::Features& features() const { return options_.features; }

private:
    struct Queued {
        std::uint32_t owner = 0;     // the VFD the message is about (VFD_NEW: the receiving one)
        std::uint32_t announced = 0; // VFD_NEW: the host VFD it announces; else 0
        std::vector<std::uint8_t> bytes;
    };

    virtio_wl::Response new_context(std::uint32_t id, std::string_view name);
    virtio_wl::Response new_alloc(const virtio_wl::CmdVfdNew& command);
    virtio_wl::Response new_pipe(const virtio_wl::CmdVfdNewPipe& command);
    virtio_wl::Response send(const virtio_wl::CmdVfdSend& command);
    virtio_wl::Response close(std::uint32_t id);

    bool at_vfd_limit() const;
    // Writes to a context or pipe, queueing what does not fit now.
    virtio_wl::Response write_to(Vfd& target, std::span<const std::uint8_t> data,
                                 std::vector<int> fds);
    bool flush_backlog(Vfd& vfd);
    // Writes what the batch gathered for each VFD.
    void write_gathered();

    // Event handling for watched fds.
    static int handle_fd(int fd, std::uint32_t mask, void* data);
    void on_fd(Vfd& vfd, std::uint32_t mask);
    void read_from(Vfd& vfd);
    // Turns fds the compositor sent into host VFDs; returns their ids.
    std::vector<std::uint32_t> adopt_fds(std::vector<sys::UniqueFd> fds, std::uint32_t receiver);
    void hang_up(Vfd& vfd);
    // Forgets what `vfd` still had to write (and its share of the device's total).
    void drop_backlog(Vfd& vfd);
    // Logs a dropped compositor fd, rate-limited.
    void log_drop(const std::string& message);
    void free_vfd(std::unique_ptr<Vfd> vfd);

    void queue(std::uint32_t owner, const virtio_wl::InQueueMessage& message,
               std::uint32_t announced = 0);
    void flush_queue();
    bool can_read() const;
    void update_reading();
    void watch(Vfd& vfd);
    void unwatch(Vfd& vfd);
    std::uint32_t event_mask(const Vfd& vfd) const;

    wl_event_loop* loop_;
    Transport& transport_;
    DeviceOptions options_;
    VfdTable vfds_;
    ShmemRegion region_;
    std::deque<Queued> queued_;
    std::size_t backlog_total_ = 0; // backlog bytes of every VFD
    std::uint64_t dropped_fds_ = 0;
    bool reading_ = true;
    bool flushing_ = false;
    bool batching_ = false;
    std::vector<std::uint32_t> gathering_; // VFDs with gathered bytes
};

// Most bytes a batch gathers for one VFD before writing them (and at most the VFD's backlog
// limit): a write of this size into a stream socket normally completes at once.
inline constexpr std::size_t kMaxGatheredBytes = 64u << 10;

} // namespace prism::vmbridge::device
