// The guest's RAM as the VMM's SET_MEM_TABLE describes it, mapped into prism-vhost-wl (never
// into the compositor). The guest controls everything in it, and the VMM controls the files
// behind it, so every access is a bounded copy through read()/write(): an address range must
// lie inside one region, and a fault (the file truncated under the mapping: SIGBUS) makes the
// access fail instead of killing the process, once install_fault_guard() has run.
#pragma once

#include "sys/unique_fd.hpp"
#include "vmbridge/vhost_user/protocol.hpp"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace prism::vmbridge::vhost_user {

// Makes SIGBUS inside a guarded copy fail that copy (process-wide; call once at start).
void install_fault_guard();
// memcpy that returns false instead of dying if the source or destination faults (SIGBUS),
// provided install_fault_guard() ran. Without it, a plain memcpy.
bool guarded_copy(void* dst, const void* src, std::size_t size);
// One aligned 16-bit load or store, guarded the same way: a ring index the other side updates
// concurrently is never seen half-written (memcpy may copy two bytes one at a time).
bool guarded_load16(const std::uint16_t* src, std::uint16_t* out);
bool guarded_store16(std::uint16_t* dst, std::uint16_t value);

class GuestMemory {
public:
    // Maps each region of `fd`s (one per region, same order; regions may share a file).
    // nullptr with `*why` if a region cannot be mapped or regions overlap.
    static std::unique_ptr<GuestMemory> map(const std::vector<MemRegion>& regions,
                                            std::vector<sys::UniqueFd> fds, std::string* why);
    // An unmapped memory built over caller-owned bytes (tests and the fuzzer): one region at
    // `guest_phys_addr` whose frontend address is `user_addr`.
    static std::unique_ptr<GuestMemory> wrap(std::uint8_t* bytes, std::uint64_t size,
                                             std::uint64_t guest_phys_addr,
                                             std::uint64_t user_addr);
    ~GuestMemory();
    GuestMemory(const GuestMemory&) = delete;
    GuestMemory& operator=(const GuestMemory&) = delete;

    // Copies `size` bytes at guest-physical `addr` out of (read) or into (write) guest memory.
    // False if the range is not inside one region, or faulted. An empty range always succeeds.
    bool read(std::uint64_t addr, void* out, std::size_t size) const;
    bool write(std::uint64_t addr, const void* in, std::size_t size) const;
    // A 16-bit ring field (an index or the flags) at guest-physical `addr`, read or written as
    // one aligned access. False if it is not inside a region, not 2-byte aligned, or faulted.
    bool read_u16(std::uint64_t addr, std::uint16_t* out) const;
    bool write_u16(std::uint64_t addr, std::uint16_t value) const;
    // The guest-physical address of the frontend's `user_addr` (ring addresses arrive as the
    // VMM's own virtual addresses), if `size` bytes from there lie inside one region.
    std::optional<std::uint64_t> from_user(std::uint64_t user_addr, std::uint64_t size) const;
    // Whether `size` bytes at `addr` lie inside one region (nothing is touched).
    bool contains(std::uint64_t addr, std::size_t size) const {
        return find(addr, size) != nullptr;
    }
    // Whether every region's file is sealed against shrinking.
    bool sealed() const { return sealed_; }
    std::size_t region_count() const { return regions_.size(); }

private:
    struct Region {
        MemRegion layout;
        std::uint8_t* base = nullptr; // where layout.guest_phys_addr is mapped
        void* mapping = nullptr;      // what to munmap (nullptr: not ours)
        std::size_t mapping_size = 0;
    };
    GuestMemory() = default;
    std::uint8_t* find(std::uint64_t addr, std::size_t size) const;

    std::vector<Region> regions_;
    bool sealed_ = true;
};

} // namespace prism::vmbridge::vhost_user
