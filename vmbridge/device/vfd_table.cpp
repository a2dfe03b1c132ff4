#include "vmbridge/device/vfd_table.hpp"

#include "vmbridge/virtio_wl/codec.hpp"

namespace prism::vmbridge::device {

using namespace virtio_wl;

VfdTable::VfdTable()
    : next_host_id_(kHostIdBase) {
}

Vfd* VfdTable::find(std::uint32_t id) {
    auto it = vfds_.find(id);
    return it == vfds_.end() ? nullptr : it->second.get();
}

Vfd& VfdTable::add(std::unique_ptr<Vfd> vfd) {
    const std::uint32_t id = vfd->id;
    return *vfds_.emplace(id, std::move(vfd)).first->second;
}

std::unique_ptr<Vfd> VfdTable::remove(std::uint32_t id) {
    auto it = vfds_.find(id);
    if (it == vfds_.end()) {
        return nullptr;
    }
    std::unique_ptr<Vfd> vfd = std::move(it->second);
    vfds_.erase(it);
    return vfd;
}

std::uint32_t VfdTable::next_host_id() {
    // The table never holds anywhere near 2^30 VFDs (max_vfds), so this finds one quickly.
    for (;;) {
        const std::uint32_t id = next_host_id_;
        next_host_id_ = next_host_id_ + 1;
        if (!is_host_vfd_id(next_host_id_)) {
            next_host_id_ = kHostIdBase;
        }
        if (is_host_vfd_id(id) && vfds_.count(id) == 0) {
            return id;
        }
    }
}

} // namespace prism::vmbridge::device
