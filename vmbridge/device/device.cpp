#include "vmbridge/device/device.hpp"

#include "sys/fd_io.hpp"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <type_traits>
#include <unistd.h>

namespace prism::vmbridge::device {

using namespace virtio_wl;

namespace {

Response error(ErrorCode code) {
    return RespError{code};
}

// The VFD flags of §1.5 for a stream fd, from its access mode.
std::uint32_t stream_flags(int fd, const Features& features, bool is_socket) {
    if (!features.trans_flags()) {
        return is_socket ? kVfdLegacyControl : 0;
    }
    const int mode = fcntl(fd, F_GETFL) & O_ACCMODE;
    if (mode == O_RDONLY) {
        return kVfdRead;
    }
    if (mode == O_WRONLY) {
        return kVfdWrite;
    }
    return kVfdRead | kVfdWrite;
}

// One sendmsg of `size` bytes with `fds` (at most kSendMaxAllocs) attached; never blocks and
// never raises SIGPIPE.
ssize_t send_with_fds(int socket, const std::uint8_t* data, std::size_t size,
                      const std::vector<int>& fds) {
    if (fds.size() > kSendMaxAllocs) {
        errno = EINVAL; // the codec never lets a SEND carry more
        return -1;
    }
    return sys::send_with_fds(socket, {data, size}, fds);
}

// write() to a pipe, without SIGPIPE when its reader is gone (EPIPE instead): the device must
// not depend on the process ignoring SIGPIPE. The signal is blocked around the write and a
// pending one it raised is consumed before unblocking.
ssize_t write_no_sigpipe(int fd, const void* data, std::size_t size) {
    sigset_t pipe_only, old_mask;
    sigemptyset(&pipe_only);
    sigaddset(&pipe_only, SIGPIPE);
    sigset_t pending;
    sigpending(&pending);
    const bool already_pending = sigismember(&pending, SIGPIPE) == 1;
    pthread_sigmask(SIG_BLOCK, &pipe_only, &old_mask);
    const ssize_t n = write(fd, data, size);
    const int saved = errno;
    if (n < 0 && saved == EPIPE && !already_pending) {
        const timespec zero{};
        while (sigtimedwait(&pipe_only, nullptr, &zero) < 0 && errno == EINTR) {
        }
    }
    pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
    errno = saved;
    return n;
}

} // namespace

void log_line(const DeviceOptions& options, const std::string& message) {
    const std::string line = options.log_name + ": " + message;
    if (options.log) {
        options.log(line);
    } else {
        std::fprintf(stderr, "%s\n", line.c_str());
    }
}

Device::Device(wl_event_loop* loop, Transport& transport, DeviceOptions options)
    : loop_(loop)
    , transport_(transport)
    , options_(std::move(options))
    , region_(kShmemRegionSize) {
    reading_ = can_read();
}

Device::~Device() {
    auto& all = vfds_.all();
    while (!all.empty()) {
        free_vfd(vfds_.remove(all.begin()->first));
    }
}

DeviceStats Device::stats() const {
    DeviceStats stats;
    const auto& all = vfds_.all();
    stats.vfds = all.size();
    stats.contexts =
        static_cast<std::size_t>(std::count_if(all.begin(), all.end(), [](const auto& entry) {
            return entry.second->kind == VfdKind::Context;
        }));
    stats.shm_bytes = region_.used_bytes();
    stats.queued_messages = queued_.size();
    stats.reading = reading_;
    return stats;
}

// ---- out queue -----------------------------------------------------------------------------

std::vector<std::uint8_t> Device::handle_request(std::span<const std::uint8_t> request) {
    // No dmabuf and no virtio-gpu bridge: NEW_DMABUF, DMABUF_SYNC and SEND_FOREIGN_ID are
    // INVALID_CMD before anything else is looked at (§1.7; sommelier's probe relies on it).
    const DeviceSupport support{.dmabuf = false, .foreign_id = false};
    Parsed<Command> parsed = parse_command(request, options_.features, support);
    if (!gathering_.empty()) {
        // Only a SEND of plain bytes may follow gathered bytes without writing them first:
        // anything else may depend on them having gone out (a CLOSE, fds on the stream).
        const CmdVfdSend* send = parsed ? std::get_if<CmdVfdSend>(&parsed.value()) : nullptr;
        if (send == nullptr || !send->vfd_ids.empty()) {
            write_gathered();
        }
    }
    Response response = RespOk{};
    if (!parsed) {
        response = error_response_for(parsed.error());
    } else {
        response = std::visit(
            [this](const auto& command) -> Response {
                using T = std::decay_t<decltype(command)>;
                if constexpr (std::is_same_v<T, CmdVfdNewCtx>) {
                    return new_context(command.vfd_id, "");
                } else if constexpr (std::is_same_v<T, CmdVfdNewCtxNamed>) {
                    return new_context(command.vfd_id, command.name);
                } else if constexpr (std::is_same_v<T, CmdVfdNew>) {
                    return new_alloc(command);
                } else if constexpr (std::is_same_v<T, CmdVfdNewPipe>) {
                    return new_pipe(command);
                } else if constexpr (std::is_same_v<T, CmdVfdSend>) {
                    return send(command);
                } else if constexpr (std::is_same_v<T, CmdVfdClose>) {
                    return close(command.vfd_id);
                } else {
                    return error(ErrorCode::InvalidCmd); // unsupported (see above)
                }
            },
            parsed.value());
    }
    // A request may have freed queue space (VFD_CLOSE drops queued messages) or VFDs.
    update_reading();
    return build(response);
}

bool Device::at_vfd_limit() const {
    return vfds_.size() >= options_.limits.max_vfds;
}

Response Device::new_context(std::uint32_t id, std::string_view name) {
    if (vfds_.contains(id)) {
        return error(ErrorCode::InvalidId);
    }
    if (at_vfd_limit()) {
        return error(ErrorCode::OutOfMemory);
    }
    sys::UniqueFd fd(options_.connect_context ? options_.connect_context(name) : -1);
    if (!fd) {
        return error(ErrorCode::Err);
    }
    sys::set_nonblocking(fd.get());
    auto vfd = std::make_unique<Vfd>();
    vfd->id = id;
    vfd->kind = VfdKind::Context;
    vfd->flags = options_.features.trans_flags() ? (kVfdRead | kVfdWrite) : kVfdLegacyControl;
    vfd->fd = std::move(fd);
    vfd->readable = vfd->writable = vfd->is_socket = true;
    Vfd& added = vfds_.add(std::move(vfd));
    watch(added);
    return RespVfdNew{.vfd_id = id, .flags = added.flags, .pfn = 0, .size = 0};
}

Response Device::new_alloc(const CmdVfdNew& command) {
    if (vfds_.contains(command.vfd_id)) {
        return error(ErrorCode::InvalidId);
    }
    const std::uint64_t bytes = ShmemRegion::page_round(command.size);
    if (bytes == 0) {
        return error(ErrorCode::Err); // nothing to allocate
    }
    if (bytes > UINT32_MAX) {
        return error(ErrorCode::OutOfMemory); // its size could not be reported
    }
    if (at_vfd_limit() || region_.used_bytes() + bytes > options_.limits.max_shm_bytes) {
        return error(ErrorCode::OutOfMemory);
    }
    sys::UniqueFd memfd(memfd_create("prism-vmbridge", MFD_CLOEXEC | MFD_ALLOW_SEALING));
    if (!memfd || ftruncate(memfd.get(), static_cast<off_t>(bytes)) != 0 ||
        fcntl(memfd.get(), F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_SEAL) != 0) {
        return error(ErrorCode::OutOfMemory);
    }
    const std::optional<std::uint64_t> offset = region_.allocate(bytes);
    if (!offset) {
        return error(ErrorCode::OutOfMemory);
    }
    if (!transport_.map_shmem(*offset, memfd.get(), bytes, true)) {
        region_.free(*offset);
        return error(ErrorCode::Err);
    }
    auto vfd = std::make_unique<Vfd>();
    vfd->id = command.vfd_id;
    vfd->kind = VfdKind::Shm;
    vfd->flags = command.flags; // §1.7: the request's flags
    vfd->fd = std::move(memfd);
    vfd->offset = *offset;
    vfd->region_bytes = bytes;
    vfd->size = static_cast<std::uint32_t>(bytes);
    vfds_.add(std::move(vfd));
    return RespVfdNew{.vfd_id = command.vfd_id,
                      .flags = command.flags,
                      .pfn = *offset >> kPfnShift,
                      .size = static_cast<std::uint32_t>(bytes)};
}

Response Device::new_pipe(const CmdVfdNewPipe& command) {
    if (vfds_.contains(command.vfd_id)) {
        return error(ErrorCode::InvalidId);
    }
    if (at_vfd_limit()) {
        return error(ErrorCode::OutOfMemory);
    }
    int ends[2];
    if (pipe2(ends, O_CLOEXEC) != 0) {
        return error(ErrorCode::Err);
    }
    sys::UniqueFd read_end(ends[0]), write_end(ends[1]);
    auto vfd = std::make_unique<Vfd>();
    vfd->id = command.vfd_id;
    vfd->kind = VfdKind::Pipe;
    vfd->flags = command.flags;
    if (command.flags == kVfdRead) {
        // The guest reads what the compositor writes: the host keeps the read end.
        vfd->fd = std::move(read_end);
        vfd->remote = std::move(write_end);
        vfd->readable = true;
    } else {
        vfd->fd = std::move(write_end);
        vfd->remote = std::move(read_end);
        vfd->writable = true;
    }
    sys::set_nonblocking(vfd->fd.get());
    Vfd& added = vfds_.add(std::move(vfd));
    watch(added);
    // §1.7: flags 0, pfn 0, size 0.
    return RespVfdNew{.vfd_id = command.vfd_id, .flags = 0, .pfn = 0, .size = 0};
}

Response Device::send(const CmdVfdSend& command) {
    Vfd* target = vfds_.find(command.vfd_id);
    if (target == nullptr) {
        return error(ErrorCode::InvalidId);
    }
    std::vector<int> fds;
    std::vector<Vfd*> pipes_sent;
    for (std::uint32_t id : command.vfd_ids) {
        Vfd* vfd = vfds_.find(id);
        if (vfd == nullptr) {
            return error(ErrorCode::InvalidId);
        }
        int fd = -1;
        switch (vfd->kind) {
        case VfdKind::Shm:
            fd = vfd->fd.get();
            break;
        case VfdKind::Context:
            // A Wayland connection never travels over another (or itself): prism would hold
            // its own peer end, and the client would outlive VFD_CLOSE.
            break;
        case VfdKind::Pipe:
            fd = vfd->remote.get();
            pipes_sent.push_back(vfd);
            break;
        case VfdKind::HostStream:
            break;
        }
        if (fd < 0) {
            return error(ErrorCode::InvalidType);
        }
        fds.push_back(fd);
    }
    const bool is_stream_target =
        target->writable && target->fd &&
        (target->kind == VfdKind::Context || target->kind == VfdKind::Pipe ||
         target->kind == VfdKind::HostStream);
    if (!is_stream_target) {
        return error(ErrorCode::InvalidType);
    }
    if (!target->is_socket && !fds.empty()) {
        return error(ErrorCode::InvalidType); // a pipe carries no fds
    }
    if (command.data.empty() && !fds.empty()) {
        // A stream cannot carry fds without a byte (Wayland never does this); refuse rather
        // than invent one.
        return error(ErrorCode::Err);
    }
    if (batching_ && fds.empty() && target->backlog.empty()) {
        const std::size_t cap = std::min(kMaxGatheredBytes, options_.limits.max_backlog_bytes);
        if (target->gathered.size() + command.data.size() > cap && !target->gathered.empty()) {
            write_gathered();
            if (!target->fd) {
                return error(ErrorCode::InvalidType); // that write failed: hung up, as below
            }
        }
        if (target->backlog.empty() && target->gathered.size() + command.data.size() <= cap) {
            if (target->gathered.empty()) {
                gathering_.push_back(target->id);
            }
            target->gathered.insert(target->gathered.end(), command.data.begin(),
                                    command.data.end());
            return RespOk{};
        }
    }
    Response response = write_to(*target, command.data, std::move(fds));
    if (std::holds_alternative<RespOk>(response)) {
        // The compositor has the remote ends now: dropping ours lets the host's end see the
        // hang-up when the compositor closes its copy (§1.7).
        for (Vfd* pipe : pipes_sent) {
            pipe->remote.reset();
        }
    }
    return response;
}

void Device::end_batch() {
    write_gathered();
    batching_ = false;
    update_reading();
}

void Device::write_gathered() {
    std::vector<std::uint32_t> ids = std::move(gathering_);
    gathering_.clear();
    for (std::uint32_t id : ids) {
        Vfd* vfd = vfds_.find(id);
        if (vfd == nullptr || vfd->gathered.empty()) {
            continue;
        }
        std::vector<std::uint8_t> bytes = std::move(vfd->gathered);
        vfd->gathered.clear();
        if (!vfd->fd || !std::holds_alternative<RespOk>(write_to(*vfd, bytes, {}))) {
            // The SENDs were answered OK already: the stream cannot be kept whole.
            hang_up(*vfd);
        }
    }
}

Response Device::write_to(Vfd& target, std::span<const std::uint8_t> data, std::vector<int> fds) {
    if (data.empty() && fds.empty()) {
        return RespOk{};
    }
    // One SEND never needs more than the backlog may hold: then what is kept is always bounded.
    if (data.size() > options_.limits.max_backlog_bytes) {
        return error(ErrorCode::OutOfMemory);
    }
    if (!target.backlog.empty()) {
        std::size_t held_fds = 0;
        for (const PendingWrite& pending : target.backlog) {
            held_fds += pending.fds.size();
        }
        if (target.backlog_bytes + data.size() > options_.limits.max_backlog_bytes ||
            backlog_total_ + data.size() > options_.limits.max_total_backlog_bytes ||
            held_fds + fds.size() > kMaxBacklogFds ||
            (!fds.empty() && target.backlog.size() >= kMaxBacklogWrites)) {
            return error(ErrorCode::OutOfMemory);
        }
        if (fds.empty()) {
            // Plain bytes continue the last write: the number of writes stays bounded.
            PendingWrite& last = target.backlog.back();
            last.data.insert(last.data.end(), data.begin(), data.end());
            target.backlog_bytes += data.size();
            backlog_total_ += data.size();
            return RespOk{};
        }
        PendingWrite pending;
        pending.data.assign(data.begin(), data.end());
        for (int fd : fds) {
            pending.fds.emplace_back(fcntl(fd, F_DUPFD_CLOEXEC, 0));
            if (!pending.fds.back()) {
                return error(ErrorCode::OutOfMemory);
            }
        }
        target.backlog_bytes += data.size();
        backlog_total_ += data.size();
        target.backlog.push_back(std::move(pending));
        return RespOk{};
    }

    std::size_t written = 0;
    bool fds_sent = fds.empty();
    if (target.is_socket) {
        const ssize_t n = send_with_fds(target.fd.get(), data.data(), data.size(), fds);
        if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
            return error(ErrorCode::Err);
        }
        if (n > 0) {
            written = static_cast<std::size_t>(n);
            fds_sent = true;
        }
    } else {
        const ssize_t n = write_no_sigpipe(target.fd.get(), data.data(), data.size());
        if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK) {
            return error(ErrorCode::Err);
        }
        written = n > 0 ? static_cast<std::size_t>(n) : 0;
    }
    if (written == data.size() && fds_sent) {
        return RespOk{};
    }
    // The compositor is behind: keep the rest (at most max_backlog_bytes, see above) and write
    // it when the fd is writable.
    const std::size_t rest = data.size() - written;
    if (backlog_total_ + rest > options_.limits.max_total_backlog_bytes) {
        // Part of it may have gone out already: the stream cannot be kept whole.
        hang_up(target);
        return error(ErrorCode::OutOfMemory);
    }
    PendingWrite pending;
    pending.data.assign(data.begin() + static_cast<std::ptrdiff_t>(written), data.end());
    if (!fds_sent) {
        // Nothing went out yet: the fds go with the first byte, later.
        for (int fd : fds) {
            pending.fds.emplace_back(fcntl(fd, F_DUPFD_CLOEXEC, 0));
            if (!pending.fds.back()) {
                return error(ErrorCode::OutOfMemory);
            }
        }
    }
    target.backlog_bytes += pending.data.size();
    backlog_total_ += pending.data.size();
    target.backlog.push_back(std::move(pending));
    watch(target); // now also for writability
    return RespOk{};
}

bool Device::flush_backlog(Vfd& vfd) {
    while (!vfd.backlog.empty()) {
        PendingWrite& front = vfd.backlog.front();
        std::vector<int> fds;
        for (const sys::UniqueFd& fd : front.fds) {
            fds.push_back(fd.get());
        }
        ssize_t n = 0;
        if (vfd.is_socket) {
            n = send_with_fds(vfd.fd.get(), front.data.data(), front.data.size(), fds);
        } else {
            n = write_no_sigpipe(vfd.fd.get(), front.data.data(), front.data.size());
        }
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                return true;
            }
            return false;
        }
        front.fds.clear();
        const std::size_t done = std::min(static_cast<std::size_t>(n), front.data.size());
        front.data.erase(front.data.begin(),
                         front.data.begin() + static_cast<std::ptrdiff_t>(done));
        vfd.backlog_bytes -= done;
        backlog_total_ -= done;
        if (front.data.empty()) {
            vfd.backlog.pop_front();
        }
    }
    return true;
}

Response Device::close(std::uint32_t id) {
    std::unique_ptr<Vfd> vfd = vfds_.remove(id);
    if (!vfd) {
        return error(ErrorCode::InvalidId);
    }
    // Drop what was queued for it, with the host VFDs those messages would have announced
    // (§1.7 VFD_CLOSE).
    std::vector<std::uint32_t> orphans;
    std::erase_if(queued_, [&](const Queued& queued) {
        if (queued.announced == id) {
            return true; // the VFD_NEW announcing it: the guest never hears of it
        }
        if (queued.owner != id) {
            return false;
        }
        if (queued.announced != 0) {
            orphans.push_back(queued.announced);
        }
        return true;
    });
    // A queued VFD_RECV may still list it: take it out, or the guest would later meet an id
    // whose region range has been given to another VFD.
    if (id >= kHostIdBase) {
        for (Queued& queued : queued_) {
            Parsed<InQueueMessage> parsed = parse_in_queue(queued.bytes, options_.features);
            if (!parsed) {
                continue;
            }
            InQueueMessage message = std::move(parsed).value();
            if (auto* recv = std::get_if<InVfdRecv>(&message)) {
                if (std::erase(recv->vfd_ids, id) > 0) {
                    queued.bytes = build(message);
                }
            }
        }
    }
    for (std::uint32_t orphan : orphans) {
        free_vfd(vfds_.remove(orphan));
    }
    free_vfd(std::move(vfd));
    return RespOk{};
}

void Device::free_vfd(std::unique_ptr<Vfd> vfd) {
    if (!vfd) {
        return;
    }
    unwatch(*vfd);
    drop_backlog(*vfd);
    if (vfd->region_bytes != 0) {
        transport_.unmap_shmem(vfd->offset, vfd->region_bytes);
        region_.free(vfd->offset);
    }
    // The fds close with the Vfd.
}

// ---- in queue ------------------------------------------------------------------------------

void Device::queue(std::uint32_t owner, const InQueueMessage& message, std::uint32_t announced) {
    queued_.push_back(Queued{owner, announced, build(message)});
}

void Device::flush_queue() {
    // A transport may call in_queue_ready() from inside push_in(): the outer loop goes on.
    if (flushing_) {
        return;
    }
    flushing_ = true;
    while (!queued_.empty() && transport_.in_queue_has_room()) {
        Queued next = std::move(queued_.front());
        queued_.pop_front();
        if (!transport_.push_in(next.bytes)) {
            queued_.push_front(std::move(next));
            break;
        }
    }
    flushing_ = false;
}

void Device::in_queue_ready() {
    flush_queue();
    update_reading();
}

bool Device::can_read() const {
    return transport_.in_queue_has_room() &&
           queued_.size() + kMaxMessagesPerRead <= options_.limits.max_queued_messages;
}

std::uint32_t Device::event_mask(const Vfd& vfd) const {
    std::uint32_t mask = 0;
    if (vfd.readable && reading_) {
        mask |= WL_EVENT_READABLE;
    }
    if (!vfd.backlog.empty()) {
        mask |= WL_EVENT_WRITABLE;
    }
    return mask;
}

void Device::watch(Vfd& vfd) {
    if (!vfd.fd || vfd.hung_up || (!vfd.readable && !vfd.writable)) {
        return; // memory is never watched
    }
    if (vfd.source == nullptr) {
        vfd.device = this;
        vfd.source = wl_event_loop_add_fd(loop_, vfd.fd.get(), event_mask(vfd), handle_fd, &vfd);
    } else {
        wl_event_source_fd_update(vfd.source, event_mask(vfd));
    }
}

void Device::unwatch(Vfd& vfd) {
    if (vfd.source != nullptr) {
        wl_event_source_remove(vfd.source);
        vfd.source = nullptr;
    }
}

void Device::update_reading() {
    const bool reading = can_read();
    if (reading == reading_) {
        return;
    }
    reading_ = reading;
    for (auto& [id, vfd] : vfds_.all()) {
        if (vfd->hung_up || !vfd->fd) {
            continue;
        }
        if (vfd->hangup_pending) {
            if (!reading) {
                continue; // stays unwatched until reading resumes
            }
            // Its source was removed while paused (a hang-up is reported even with no events
            // asked for); watching again reports it, after any data still unread.
            vfd->hangup_pending = false;
        }
        watch(*vfd);
    }
}

int Device::handle_fd(int, std::uint32_t mask, void* data) {
    Vfd& vfd = *static_cast<Vfd*>(data);
    vfd.device->on_fd(vfd, mask);
    return 0;
}

void Device::on_fd(Vfd& vfd, std::uint32_t mask) {
    if ((mask & WL_EVENT_WRITABLE) != 0 && !vfd.backlog.empty()) {
        if (!flush_backlog(vfd)) {
            // Bytes the guest was told went out never will: the stream is broken.
            hang_up(vfd);
            update_reading();
            return;
        }
        watch(vfd);
    }
    const bool hangup = (mask & (WL_EVENT_HANGUP | WL_EVENT_ERROR)) != 0;
    if (!reading_ || !can_read()) {
        if (hangup) {
            // Reported even with no events asked for: stop watching until reading resumes,
            // or the loop would spin.
            unwatch(vfd);
            vfd.hangup_pending = true;
        }
        update_reading();
        return;
    }
    if (vfd.readable && (mask & (WL_EVENT_READABLE | WL_EVENT_HANGUP | WL_EVENT_ERROR)) != 0) {
        read_from(vfd); // reads what is left; at the end it sees EOF and hangs up
    } else if (hangup) {
        hang_up(vfd); // a write end whose reader went away
    }
    flush_queue();
    update_reading();
}

void Device::read_from(Vfd& vfd) {
    std::vector<std::uint8_t> data(kInRecvMaxData);
    std::vector<sys::UniqueFd> fds;
    ssize_t n = 0;
    if (vfd.is_socket) {
        iovec iov{data.data(), data.size()};
        alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * kSendMaxAllocs)];
        msghdr msg{};
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control;
        msg.msg_controllen = sizeof(control);
        n = recvmsg(vfd.fd.get(), &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
        if (n >= 0) {
            for (cmsghdr* cmsg = CMSG_FIRSTHDR(&msg); cmsg != nullptr;
                 cmsg = CMSG_NXTHDR(&msg, cmsg)) {
                if (cmsg->cmsg_level != SOL_SOCKET || cmsg->cmsg_type != SCM_RIGHTS) {
                    continue;
                }
                const std::size_t count = (cmsg->cmsg_len - CMSG_LEN(0)) / sizeof(int);
                for (std::size_t i = 0; i < count; ++i) {
                    int fd;
                    std::memcpy(&fd, CMSG_DATA(cmsg) + i * sizeof(int), sizeof(int));
                    fds.emplace_back(fd);
                }
            }
            // The control buffer holds kSendMaxAllocs fds; the kernel closes any beyond it
            // (MSG_CTRUNC), as it does for every receiver with a bounded buffer.
        }
    } else {
        n = read(vfd.fd.get(), data.data(), data.size());
    }
    if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
            return;
        }
        hang_up(vfd);
        return;
    }
    if (n == 0 && fds.empty()) {
        hang_up(vfd);
        return;
    }
    data.resize(static_cast<std::size_t>(n));
    std::vector<std::uint32_t> ids = adopt_fds(std::move(fds), vfd.id);
    queue(vfd.id, InVfdRecv{.vfd_id = vfd.id, .vfd_ids = std::move(ids), .data = std::move(data)});
}

std::vector<std::uint32_t> Device::adopt_fds(std::vector<sys::UniqueFd> fds,
                                             std::uint32_t receiver) {
    std::vector<std::uint32_t> ids;
    for (sys::UniqueFd& fd : fds) {
        if (at_vfd_limit()) {
            log_drop("max_vfds reached, dropping an fd from the compositor");
            continue;
        }
        struct stat st{};
        if (fstat(fd.get(), &st) != 0) {
            continue;
        }
        auto vfd = std::make_unique<Vfd>();
        // The size from fstat: lseek would move an offset the compositor may share.
        const off_t end = S_ISREG(st.st_mode) ? st.st_size : -1;
        if (end >= 0) {
            // Shared memory (a memfd: a buffer, or a keymap): place it in the region.
            const std::uint64_t bytes = ShmemRegion::page_round(static_cast<std::uint64_t>(end));
            if (bytes == 0 || static_cast<std::uint64_t>(end) > UINT32_MAX ||
                region_.used_bytes() + bytes > options_.limits.max_shm_bytes) {
                log_drop("dropping a shared-memory fd of " + std::to_string(end) +
                         " bytes (empty, too large, or over max_shm_bytes)");
                continue;
            }
            const std::optional<std::uint64_t> offset = region_.allocate(bytes);
            if (!offset) {
                continue;
            }
            const bool writable = (fcntl(fd.get(), F_GETFL) & O_ACCMODE) != O_RDONLY;
            if (!transport_.map_shmem(*offset, fd.get(), bytes, writable)) {
                region_.free(*offset);
                continue;
            }
            vfd->kind = VfdKind::Shm;
            vfd->offset = *offset;
            vfd->region_bytes = bytes;
            vfd->size = static_cast<std::uint32_t>(end);
            vfd->flags = options_.features.trans_flags() ? 0 : (kVfdLegacyWrite | kVfdLegacyMap);
        } else if (S_ISSOCK(st.st_mode) || S_ISFIFO(st.st_mode)) {
            vfd->kind = VfdKind::HostStream;
            vfd->is_socket = S_ISSOCK(st.st_mode);
            vfd->flags = stream_flags(fd.get(), options_.features, vfd->is_socket);
            const int mode = fcntl(fd.get(), F_GETFL) & O_ACCMODE;
            vfd->readable = mode != O_WRONLY;
            vfd->writable = mode != O_RDONLY;
            sys::set_nonblocking(fd.get());
        } else {
            // Fences (sync_file) and anything else: not supported (docs/vmbridge.md).
            continue;
        }
        vfd->id = vfds_.next_host_id();
        vfd->fd = std::move(fd);
        const std::uint64_t pfn =
            vfd->region_bytes != 0 ? vfd->offset >> kPfnShift : no_memory_pfn(options_.features);
        queue(receiver,
              InVfdNew{.vfd_id = vfd->id, .flags = vfd->flags, .pfn = pfn, .size = vfd->size},
              vfd->id);
        Vfd& added = vfds_.add(std::move(vfd));
        if (added.kind == VfdKind::HostStream) {
            watch(added);
        }
        ids.push_back(added.id);
    }
    return ids;
}

void Device::log_drop(const std::string& message) {
    // A guest can make the compositor send fds over and over (a keymap per wl_keyboard): the
    // 1st, 2nd, 4th, 8th, ... drop is logged, with the count, so the log stays small.
    ++dropped_fds_;
    if ((dropped_fds_ & (dropped_fds_ - 1)) == 0) {
        log_line(options_, message + " (" + std::to_string(dropped_fds_) + " dropped so far)");
    }
}

void Device::hang_up(Vfd& vfd) {
    if (vfd.hung_up) {
        return;
    }
    unwatch(vfd);
    vfd.hung_up = true;
    vfd.hangup_pending = false;
    vfd.fd.reset();
    drop_backlog(vfd);
    queue(vfd.id, InVfdHup{.vfd_id = vfd.id});
}

void Device::drop_backlog(Vfd& vfd) {
    backlog_total_ -= vfd.backlog_bytes;
    vfd.backlog.clear();
    vfd.backlog_bytes = 0;
}

} // namespace prism::vmbridge::device
