#include "vmbridge/vhost_user/guest_memory.hpp"

#include <algorithm>
#include <atomic>
#include <csetjmp>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

namespace prism::vmbridge::vhost_user {

namespace {

// The jump target of the guarded copy running now, if any. prism-vhost-wl is single-threaded;
// thread_local keeps the guard correct anyway.
// volatile: the stores around the copy must happen, though nothing in guarded_copy reads them
// (an optimizing compiler dropped the first one as dead, and a fault then killed the process).
thread_local sigjmp_buf* volatile active_guard = nullptr;

void handle_sigbus(int signal, siginfo_t*, void*) {
    if (active_guard != nullptr) {
        sigjmp_buf* target = active_guard;
        active_guard = nullptr;
        siglongjmp(*target, 1);
    }
    // A fault outside guest memory is a bug: die of it (under the seccomp filter, of SIGSYS).
    std::signal(signal, SIG_DFL);
    std::raise(signal);
}

} // namespace

void install_fault_guard() {
    struct sigaction action = {};
    action.sa_sigaction = handle_sigbus;
    // SA_NODEFER: the handler leaves by siglongjmp, so SIGBUS must not stay blocked.
    action.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigemptyset(&action.sa_mask);
    sigaction(SIGBUS, &action, nullptr);
}

bool guarded_copy(void* dst, const void* src, std::size_t size) {
    sigjmp_buf jump;
    if (sigsetjmp(jump, 0) != 0) {
        return false; // the handler cleared active_guard
    }
    active_guard = &jump;
    std::atomic_signal_fence(std::memory_order_seq_cst); // the guard is set before the copy
    std::memcpy(dst, src, size);
    std::atomic_signal_fence(std::memory_order_seq_cst); // and cleared only after it
    active_guard = nullptr;
    return true;
}

bool guarded_load16(const std::uint16_t* src, std::uint16_t* out) {
    sigjmp_buf jump;
    if (sigsetjmp(jump, 0) != 0) {
        return false;
    }
    active_guard = &jump;
    std::atomic_signal_fence(std::memory_order_seq_cst);
    *out = __atomic_load_n(src, __ATOMIC_RELAXED);
    std::atomic_signal_fence(std::memory_order_seq_cst);
    active_guard = nullptr;
    return true;
}

bool guarded_store16(std::uint16_t* dst, std::uint16_t value) {
    sigjmp_buf jump;
    if (sigsetjmp(jump, 0) != 0) {
        return false;
    }
    active_guard = &jump;
    std::atomic_signal_fence(std::memory_order_seq_cst);
    __atomic_store_n(dst, value, __ATOMIC_RELAXED);
    std::atomic_signal_fence(std::memory_order_seq_cst);
    active_guard = nullptr;
    return true;
}

std::unique_ptr<GuestMemory> GuestMemory::map(const std::vector<MemRegion>& regions,
                                              std::vector<sys::UniqueFd> fds, std::string* why) {
    std::unique_ptr<GuestMemory> memory(new GuestMemory());
    const auto page = static_cast<std::uint64_t>(sysconf(_SC_PAGESIZE));
    for (std::size_t i = 0; i < regions.size(); ++i) {
        const MemRegion& layout = regions[i];
        for (const Region& other : memory->regions_) {
            const MemRegion& o = other.layout;
            if (layout.guest_phys_addr < o.guest_phys_addr + o.size &&
                o.guest_phys_addr < layout.guest_phys_addr + layout.size) {
                *why = "memory regions overlap";
                return nullptr;
            }
        }
        const int fd = fds.at(i).get();
        const int seals = fcntl(fd, F_GET_SEALS);
        if (seals < 0 || (seals & F_SEAL_SHRINK) == 0) {
            memory->sealed_ = false;
        }
        // Map from the page holding mmap_offset; QEMU and crosvm both describe a region as
        // `size` bytes at `mmap_offset` in the file.
        const std::uint64_t start = layout.mmap_offset & ~(page - 1);
        const std::uint64_t lead = layout.mmap_offset - start;
        if (layout.size > SIZE_MAX - lead) {
            *why = "memory region " + std::to_string(i) + " is too large";
            return nullptr;
        }
        const std::size_t length = static_cast<std::size_t>(lead + layout.size);
        void* mapping = mmap(nullptr, length, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_NORESERVE,
                             fd, static_cast<off_t>(start));
        if (mapping == MAP_FAILED) {
            *why = "memory region " + std::to_string(i) + ": mmap failed: " + std::strerror(errno);
            return nullptr;
        }
        memory->regions_.push_back(
            Region{layout, static_cast<std::uint8_t*>(mapping) + lead, mapping, length});
    }
    return memory; // the fds close here; the mappings keep the files
}

std::unique_ptr<GuestMemory> GuestMemory::wrap(std::uint8_t* bytes, std::uint64_t size,
                                               std::uint64_t guest_phys_addr,
                                               std::uint64_t user_addr) {
    std::unique_ptr<GuestMemory> memory(new GuestMemory());
    memory->regions_.push_back(
        Region{MemRegion{guest_phys_addr, size, user_addr, 0}, bytes, nullptr, 0});
    return memory;
}

GuestMemory::~GuestMemory() {
    for (const Region& region : regions_) {
        if (region.mapping != nullptr) {
            munmap(region.mapping, region.mapping_size);
        }
    }
}

std::uint8_t* GuestMemory::find(std::uint64_t addr, std::size_t size) const {
    for (const Region& region : regions_) {
        const MemRegion& r = region.layout;
        if (addr >= r.guest_phys_addr && addr - r.guest_phys_addr <= r.size &&
            size <= r.size - (addr - r.guest_phys_addr)) {
            return region.base + (addr - r.guest_phys_addr);
        }
    }
    return nullptr;
}

bool GuestMemory::read(std::uint64_t addr, void* out, std::size_t size) const {
    if (size == 0) {
        return true; // an empty buffer is never touched, wherever it claims to be
    }
    const std::uint8_t* source = find(addr, size);
    return source != nullptr && guarded_copy(out, source, size);
}

bool GuestMemory::write(std::uint64_t addr, const void* in, std::size_t size) const {
    if (size == 0) {
        return true;
    }
    std::uint8_t* target = find(addr, size);
    return target != nullptr && guarded_copy(target, in, size);
}

bool GuestMemory::read_u16(std::uint64_t addr, std::uint16_t* out) const {
    const std::uint8_t* source = find(addr, sizeof(std::uint16_t));
    if (source == nullptr || reinterpret_cast<std::uintptr_t>(source) % alignof(std::uint16_t)) {
        return false;
    }
    return guarded_load16(reinterpret_cast<const std::uint16_t*>(source), out);
}

bool GuestMemory::write_u16(std::uint64_t addr, std::uint16_t value) const {
    std::uint8_t* target = find(addr, sizeof(std::uint16_t));
    if (target == nullptr || reinterpret_cast<std::uintptr_t>(target) % alignof(std::uint16_t)) {
        return false;
    }
    return guarded_store16(reinterpret_cast<std::uint16_t*>(target), value);
}

std::optional<std::uint64_t> GuestMemory::from_user(std::uint64_t user_addr,
                                                    std::uint64_t size) const {
    for (const Region& region : regions_) {
        const MemRegion& r = region.layout;
        if (user_addr >= r.user_addr && user_addr - r.user_addr <= r.size &&
            size <= r.size - (user_addr - r.user_addr)) {
            return r.guest_phys_addr + (user_addr - r.user_addr);
        }
    }
    return std::nullopt;
}

} // namespace prism::vmbridge::vhost_user
