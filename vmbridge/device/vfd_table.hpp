// The VFDs of one device: what each id stands for on the host and what it holds.
//
// Guest ids (1..0x7FF) are created by the driver's requests; host ids (bit 30 set) by the
// device for fds that arrive from the compositor (docs/vmbridge.md §1.6).
#pragma once

#include "sys/unique_fd.hpp"

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <vector>
#include <wayland-server-core.h>

namespace prism::vmbridge::device {

class Device;

enum class VfdKind {
    Context,    // a Wayland connection to the compositor (NEW_CTX, NEW_CTX_NAMED)
    Shm,        // shared memory in the region (VFD_NEW, or a memfd from the compositor)
    Pipe,       // a pipe the guest created (NEW_PIPE): `fd` is the host's end
    HostStream, // a pipe or socket end that arrived from the compositor
};

// Bytes (and fds, riding on the first byte) that could not be written yet.
struct PendingWrite {
    std::vector<std::uint8_t> data;
    std::vector<sys::UniqueFd> fds;
};

struct Vfd {
    std::uint32_t id = 0;
    VfdKind kind = VfdKind::Shm;
    std::uint32_t flags = 0; // as reported to the guest
    // Context: the device's end of the socketpair; Shm: the memfd; Pipe: the host's end
    // ("local"); HostStream: the received fd. Closed (-1) after a hang-up.
    sys::UniqueFd fd;
    // Pipe: the other end, until a VFD_SEND hands it to the compositor (§1.7).
    sys::UniqueFd remote;
    // Whether `fd` is watched for input (contexts, read pipes) and can be written to.
    bool readable = false;
    bool writable = false;
    bool is_socket = false;
    // Shm: where the memory lies in the region, and its sizes.
    std::uint64_t offset = 0;
    std::uint64_t region_bytes = 0; // page-rounded; 0 when not in the region
    std::uint32_t size = 0;         // as reported
    // The device watching `fd`, and the event source; nullptr while not watched.
    Device* device = nullptr;
    wl_event_source* source = nullptr;
    // A hang-up seen while reading was paused: handled when reading resumes.
    bool hangup_pending = false;
    bool hung_up = false; // VFD_HUP queued; `fd` closed
    std::deque<PendingWrite> backlog;
    std::size_t backlog_bytes = 0;
    // Bytes of SENDs in the current batch (Device::begin_batch), not written yet.
    std::vector<std::uint8_t> gathered;
};

class VfdTable {
public:
    VfdTable();

    Vfd* find(std::uint32_t id);
    bool contains(std::uint32_t id) const { return vfds_.count(id) != 0; }
    std::size_t size() const { return vfds_.size(); }
    // Adds `vfd` (its id must be free).
    Vfd& add(std::unique_ptr<Vfd> vfd);
    // Removes and returns the VFD, or nullptr.
    std::unique_ptr<Vfd> remove(std::uint32_t id);
    // A free host id: kHostIdBase counting up, skipping ids in use and wrapping inside the
    // host range (§1.6).
    std::uint32_t next_host_id();

    std::map<std::uint32_t, std::unique_ptr<Vfd>>& all() { return vfds_; }
    const std::map<std::uint32_t, std::unique_ptr<Vfd>>& all() const { return vfds_; }

private:
    std::map<std::uint32_t, std::unique_ptr<Vfd>> vfds_;
    std::uint32_t next_host_id_;
};

} // namespace prism::vmbridge::device
