#include "wl0.hpp"

#include <cerrno>
#include <stdexcept>
#include <sys/mman.h>
#include <utility>

namespace prism::vmbridge::guest {

using namespace virtio_wl;

GuestDriver::GuestDriver(GuestLink& link)
    : GuestDriver(link, Options{}) {
}

GuestDriver::GuestDriver(GuestLink& link, Options options)
    : link_(link)
    , options_(options) {
    link_.set_sink(GuestLink::Sink{
        .in = [this](std::vector<std::uint8_t> message) { on_in(std::move(message)); },
        .map =
            [this](std::uint64_t offset, std::uint64_t size, sys::UniqueFd fd, bool writable) {
                region_[offset] = RegionEntry{size, std::move(fd), writable};
            },
        .unmap = [this](std::uint64_t offset, std::uint64_t) { region_.erase(offset); },
    });
    link_.post_in_buffers(options_.in_buffers);
}

GuestDriver::~GuestDriver() {
    link_.set_sink({});
}

std::uint32_t GuestDriver::allocate_id() {
    // idr_alloc(.., 1, VIRTWL_MAX_ALLOC): the lowest free id.
    for (std::uint32_t id = kGuestIdMin; id <= kGuestIdMax; ++id) {
        if (vfds_.count(id) == 0) {
            return id;
        }
    }
    return 0;
}

int GuestDriver::create(const Command& command, std::uint32_t id) {
    const std::vector<std::uint8_t> bytes = build(command, options_.features);
    Parsed<Response> response = parse_response(link_.request(bytes), options_.features);
    if (!response) {
        return -EPROTO;
    }
    if (const auto* created = std::get_if<RespVfdNew>(&response.value())) {
        Vfd vfd;
        vfd.id = id;
        vfd.flags = created->flags;
        vfd.pfn = created->pfn;
        vfd.size = created->size;
        vfds_[id] = std::move(vfd);
        return 0;
    }
    if (const auto* created = std::get_if<RespVfdNewDmabuf>(&response.value())) {
        vfds_[id] =
            Vfd{.id = id, .flags = created->flags, .pfn = created->pfn, .size = created->size};
        return 0;
    }
    return guest_errno_for(message_type(response.value()));
}

int GuestDriver::new_ctx(std::uint32_t* id) {
    *id = allocate_id();
    return create(CmdVfdNewCtx{.vfd_id = *id}, *id);
}

int GuestDriver::new_ctx_named(const std::string& name, std::uint32_t* id) {
    *id = allocate_id();
    return create(CmdVfdNewCtxNamed{.vfd_id = *id, .name = name}, *id);
}

int GuestDriver::new_alloc(std::uint32_t size, std::uint32_t* id) {
    *id = allocate_id();
    const std::uint32_t aligned = static_cast<std::uint32_t>((std::uint64_t{size} + kPageSize - 1) &
                                                             ~(kPageSize - 1)); // PAGE_ALIGN
    return create(CmdVfdNew{.vfd_id = *id, .flags = 0, .size = aligned}, *id);
}

int GuestDriver::new_pipe_read(std::uint32_t* id) {
    *id = allocate_id();
    return create(CmdVfdNewPipe{.vfd_id = *id, .flags = kVfdRead}, *id);
}

int GuestDriver::new_pipe_write(std::uint32_t* id) {
    *id = allocate_id();
    return create(CmdVfdNewPipe{.vfd_id = *id, .flags = kVfdWrite}, *id);
}

int GuestDriver::new_dmabuf(std::uint32_t width, std::uint32_t height, std::uint32_t format,
                            std::uint32_t* id) {
    *id = allocate_id();
    return create(
        CmdVfdNewDmabuf{.vfd_id = *id, .width = width, .height = height, .format = format}, *id);
}

int GuestDriver::send(std::uint32_t id, std::span<const std::uint8_t> data,
                      const std::vector<std::uint32_t>& ids) {
    if (data.empty() && ids.empty()) {
        return 0; // the driver sends nothing
    }
    CmdVfdSend command{
        .vfd_id = id, .vfd_ids = ids, .data = std::vector<std::uint8_t>(data.begin(), data.end())};
    Parsed<Response> response = parse_response(
        link_.request(build(Command{command}, options_.features)), options_.features);
    return response ? guest_errno_for(message_type(response.value())) : -EPROTO;
}

int GuestDriver::close(std::uint32_t id) {
    const std::vector<std::uint8_t> bytes =
        build(Command{CmdVfdClose{.vfd_id = id}}, options_.features);
    auto it = vfds_.find(id);
    if (it != vfds_.end()) {
        const std::size_t held = it->second.received.size();
        vfds_.erase(it);
        repost(held); // buffers of data nobody will read go back
    }
    Parsed<Response> response = parse_response(link_.request(bytes), options_.features);
    return response ? guest_errno_for(message_type(response.value())) : -EPROTO;
}

std::vector<std::uint8_t> GuestDriver::raw_request(std::span<const std::uint8_t> bytes) {
    return link_.request(bytes);
}

bool GuestDriver::pump(std::chrono::milliseconds timeout) {
    return link_.pump(timeout);
}

const GuestDriver::Vfd* GuestDriver::vfd(std::uint32_t id) const {
    auto it = vfds_.find(id);
    return it == vfds_.end() ? nullptr : &it->second;
}

void GuestDriver::on_in(std::vector<std::uint8_t> message) {
    ++in_messages_;
    Parsed<InQueueMessage> parsed = parse_in_queue(message, options_.features);
    if (!parsed) {
        throw std::runtime_error("device sent a malformed in-queue message");
    }
    // Whether the buffer stays with a VFD's queue until RECV reads it.
    bool held = false;
    std::visit(
        [this, &held](const auto& m) {
            using T = std::decay_t<decltype(m)>;
            if constexpr (std::is_same_v<T, InVfdNew>) {
                // The driver ignores ids without bit 30 or with bit 31 (§1.6).
                if (!is_host_vfd_id(m.vfd_id)) {
                    return;
                }
                vfds_[m.vfd_id] = Vfd{
                    .id = m.vfd_id, .flags = m.flags, .pfn = m.pfn, .size = m.size, .host = true};
            } else if constexpr (std::is_same_v<T, InVfdRecv>) {
                auto it = vfds_.find(m.vfd_id);
                if (it == vfds_.end()) {
                    return;
                }
                Vfd::Chunk chunk;
                chunk.data = m.data;
                for (std::uint32_t id : m.vfd_ids) {
                    if (vfds_.count(id) != 0) { // ids whose VFD_NEW never came are skipped
                        chunk.ids.push_back(id);
                    }
                }
                it->second.received.push_back(std::move(chunk));
                held = true;
            } else if constexpr (std::is_same_v<T, InVfdHup>) {
                auto it = vfds_.find(m.vfd_id);
                if (it != vfds_.end()) {
                    it->second.hup = true;
                }
            }
        },
        parsed.value());
    if (!held) {
        repost(1);
    }
}

void GuestDriver::repost(std::size_t buffers) {
    if (options_.repost && buffers > 0) {
        link_.post_in_buffers(static_cast<std::uint32_t>(buffers));
    }
}

int GuestDriver::recv(std::uint32_t id, Received* out, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        auto it = vfds_.find(id);
        if (it == vfds_.end()) {
            return -EBADF;
        }
        Vfd& vfd = it->second;
        if (!vfd.received.empty()) {
            out->data = std::move(vfd.received.front().data);
            out->ids = std::move(vfd.received.front().ids);
            out->eof = false;
            vfd.received.pop_front();
            repost(1); // RECV has read it: the buffer goes back
            return 0;
        }
        if (vfd.hup) {
            *out = Received{.eof = true};
            return 0;
        }
        const auto now = std::chrono::steady_clock::now();
        if (now >= deadline) {
            return -EAGAIN;
        }
        link_.pump(std::min<std::chrono::milliseconds>(
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now),
            std::chrono::milliseconds(50)));
    }
}

std::optional<GuestDriver::Mapping> GuestDriver::mmap(std::uint32_t id, bool writable, int* err,
                                                      std::size_t length) {
    int ignored = 0;
    int& error = err != nullptr ? *err : ignored;
    const Vfd* vfd = this->vfd(id);
    if (vfd == nullptr) {
        error = EBADF;
        return std::nullopt;
    }
    const std::uint64_t page_aligned =
        (std::uint64_t{vfd->size} + kPageSize - 1) & ~(kPageSize - 1);
    if (vfd->pfn == 0 || vfd->pfn == no_memory_pfn(options_.features) || vfd->size == 0) {
        error = EACCES;
        return std::nullopt;
    }
    if (length == 0) {
        length = page_aligned;
    }
    if (length > page_aligned) {
        error = EINVAL;
        return std::nullopt;
    }
    // The region lookup the hardware would do: which mapping holds this pfn?
    const std::uint64_t offset = vfd->pfn << kPfnShift;
    auto it = region_.upper_bound(offset);
    if (it == region_.begin()) {
        error = EFAULT;
        return std::nullopt;
    }
    --it;
    if (offset + length > it->first + it->second.size || (writable && !it->second.writable)) {
        error = EFAULT;
        return std::nullopt;
    }
    void* address = ::mmap(nullptr, length, PROT_READ | (writable ? PROT_WRITE : 0), MAP_SHARED,
                           it->second.fd.get(), static_cast<off_t>(offset - it->first));
    if (address == MAP_FAILED) {
        error = errno;
        return std::nullopt;
    }
    Mapping mapping;
    mapping.address = address;
    mapping.length = length;
    return mapping;
}

GuestDriver::Mapping::Mapping(Mapping&& other) noexcept
    : address(std::exchange(other.address, nullptr))
    , length(std::exchange(other.length, 0)) {
}

GuestDriver::Mapping& GuestDriver::Mapping::operator=(Mapping&& other) noexcept {
    if (this != &other) {
        if (address != nullptr) {
            munmap(address, length);
        }
        address = std::exchange(other.address, nullptr);
        length = std::exchange(other.length, 0);
    }
    return *this;
}

GuestDriver::Mapping::~Mapping() {
    if (address != nullptr) {
        munmap(address, length);
    }
}

} // namespace prism::vmbridge::guest
