#include "compositor/clipboard/transfer.hpp"

#include "sys/fd_io.hpp"

#include <cerrno>
#include <cstring>
#include <utility>

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

namespace prism::clipboard {
namespace {

using Status = TransferResult::Status;

bool is_socket(int fd) {
    struct stat st{};
    return fstat(fd, &st) == 0 && S_ISSOCK(st.st_mode);
}

bool would_block(int err) {
    return err == EAGAIN || err == EWOULDBLOCK || err == EINTR;
}

} // namespace

const char* to_string(TransferResult::Status status) {
    switch (status) {
    case Status::Done:
        return "done";
    case Status::TooLarge:
        return "too large";
    case Status::TimedOut:
        return "timed out";
    case Status::SourceError:
        return "source error";
    case Status::DestinationError:
        return "destination error";
    case Status::Cancelled:
        return "cancelled";
    }
    return "unknown";
}

Transfer::Transfer(wl_event_loop* loop, int from, int to, Limits limits, Done done)
    : loop_(loop)
    , from_(from)
    , to_(to)
    , limits_(limits)
    , done_(std::move(done)) {
}

std::unique_ptr<Transfer> Transfer::start(wl_event_loop* loop, int from, int to, Limits limits,
                                          Done done) {
    std::unique_ptr<Transfer> t(new Transfer(loop, from, to, limits, std::move(done)));
    t->buffer_.resize(kChunkSize);
    t->begin();
    return t->timer_ != nullptr ? std::move(t) : nullptr;
}

std::unique_ptr<Transfer> Transfer::collect(wl_event_loop* loop, int from, Limits limits,
                                            Done done) {
    std::unique_ptr<Transfer> t(new Transfer(loop, from, -1, limits, std::move(done)));
    t->collecting_ = true;
    t->buffer_.resize(kChunkSize);
    t->begin();
    return t->timer_ != nullptr ? std::move(t) : nullptr;
}

std::unique_ptr<Transfer> Transfer::deliver(wl_event_loop* loop, std::string bytes, int to,
                                            Limits limits, Done done) {
    std::unique_ptr<Transfer> t(new Transfer(loop, -1, to, limits, std::move(done)));
    t->buffer_ = std::move(bytes);
    t->end_ = t->buffer_.size();
    t->source_eof_ = true;
    t->begin();
    return t->timer_ != nullptr ? std::move(t) : nullptr;
}

void Transfer::begin() {
    // The timer comes first: it is also the fallback for reporting when no idle source can be
    // allocated, so with it the transfer can always report.
    timer_ = wl_event_loop_add_timer(loop_, on_timer, this);
    if (timer_ == nullptr) {
        return; // the destructor closes the fds
    }
    if (!source_eof_ && !sys::set_nonblocking(from_)) {
        conclude_later(Status::SourceError);
        return;
    }
    if (!collecting_) {
        if (!sys::set_nonblocking(to_)) {
            conclude_later(Status::DestinationError);
            return;
        }
        to_is_socket_ = is_socket(to_);
    }
    if (source_eof_ && buffered_bytes() == 0) {
        conclude_later(Status::Done); // nothing to deliver: closing `to` is the whole answer
        return;
    }
    // wl_event_loop_add_fd fails (EPERM from epoll) for fds that cannot be polled.
    if (!source_eof_) {
        from_source_ = wl_event_loop_add_fd(loop_, from_, WL_EVENT_READABLE, on_from_event, this);
        if (from_source_ == nullptr) {
            conclude_later(Status::SourceError);
            return;
        }
    }
    if (!collecting_) {
        // Not watched for writability until there is something to write; errors and hangups
        // are reported regardless, so a destination that goes away is noticed even while idle.
        to_mask_ = buffered_bytes() > 0 ? WL_EVENT_WRITABLE : 0;
        to_source_ = wl_event_loop_add_fd(loop_, to_, to_mask_, on_to_event, this);
        if (to_source_ == nullptr) {
            conclude_later(Status::DestinationError);
            return;
        }
    }
    touch();
}

Transfer::~Transfer() {
    if (idle_ != nullptr) {
        wl_event_source_remove(idle_);
    }
    close_all();
    if (timer_ != nullptr) {
        wl_event_source_remove(timer_);
    }
}

void Transfer::cancel() {
    if (state_ == State::Running) {
        conclude_later(Status::Cancelled);
    }
}

int Transfer::on_from_event(int, std::uint32_t, void* data) {
    auto* self = static_cast<Transfer*>(data);
    if (self->state_ == State::Running) {
        // Whatever the mask says (readable, hangup, error), read() tells what happened.
        self->read_some();
    }
    return 0;
}

int Transfer::on_to_event(int, std::uint32_t mask, void* data) {
    auto* self = static_cast<Transfer*>(data);
    if (self->state_ != State::Running) {
        return 0;
    }
    if (self->buffered_bytes() == 0) {
        if ((mask & (WL_EVENT_HANGUP | WL_EVENT_ERROR)) != 0) {
            self->finish(Status::DestinationError); // the reader went away
        } else {
            self->update_watches();
        }
        return 0;
    }
    if (self->flush()) {
        self->update_watches();
    }
    return 0;
}

int Transfer::on_timer(void* data) {
    auto* self = static_cast<Transfer*>(data);
    if (self->state_ == State::Running) {
        self->finish(Status::TimedOut);
    } else if (self->state_ == State::Reporting) {
        self->report(); // the fallback when no idle source could be allocated
    }
    return 0;
}

void Transfer::on_idle(void* data) {
    auto* self = static_cast<Transfer*>(data);
    self->idle_ = nullptr; // the loop removes an idle source itself once it has run
    if (self->state_ == State::Reporting) {
        self->report();
    }
}

bool Transfer::read_some() {
    if (begin_ > 0) {
        std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
        end_ -= begin_;
        begin_ = 0;
    }
    if (end_ == kChunkSize) {
        return update_watches();
    }
    const ssize_t n = read(from_, buffer_.data() + end_, kChunkSize - end_);
    if (n < 0) {
        return would_block(errno) ? true : finish(Status::SourceError);
    }
    if (n == 0) {
        source_eof_ = true;
        return buffered_bytes() == 0 ? finish(Status::Done) : update_watches();
    }
    const auto got = static_cast<std::uint64_t>(n);
    if (got > limits_.max_bytes - read_) {
        return finish(Status::TooLarge);
    }
    read_ += got;
    end_ += static_cast<std::size_t>(n);
    touch();
    // The destination is usually ready: try now rather than after another trip through epoll.
    return flush() && update_watches();
}

bool Transfer::flush() {
    if (collecting_ && begin_ < end_) {
        collected_.append(buffer_.data() + begin_, end_ - begin_);
        written_ += end_ - begin_;
        begin_ = end_;
    }
    while (begin_ < end_) {
        const char* data = buffer_.data() + begin_;
        const std::size_t len = end_ - begin_;
        const ssize_t n = to_is_socket_ ? send(to_, data, len, MSG_NOSIGNAL | MSG_DONTWAIT)
                                        : write(to_, data, len);
        if (n > 0) {
            begin_ += static_cast<std::size_t>(n);
            written_ += static_cast<std::uint64_t>(n);
            touch();
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else if (n == 0 || errno == EAGAIN || errno == EWOULDBLOCK) {
            break; // on_to_event continues once the destination is writable
        } else {
            return finish(Status::DestinationError);
        }
    }
    if (begin_ == end_) {
        begin_ = end_ = 0;
        if (source_eof_) {
            return finish(Status::Done);
        }
    }
    return true;
}

bool Transfer::update_watches() {
    // The source fd is taken out of the loop while it must not be read, rather than left in it
    // with an empty mask: epoll reports hangups regardless of the mask, so a source that closed
    // its end while the buffer is full would otherwise wake the loop over and over.
    const bool want_read = !source_eof_ && buffered_bytes() < kChunkSize;
    if (want_read && from_source_ == nullptr) {
        from_source_ = wl_event_loop_add_fd(loop_, from_, WL_EVENT_READABLE, on_from_event, this);
        if (from_source_ == nullptr) {
            return finish(Status::SourceError);
        }
    } else if (!want_read && from_source_ != nullptr) {
        wl_event_source_remove(from_source_);
        from_source_ = nullptr;
    }
    const std::uint32_t mask = buffered_bytes() > 0 ? WL_EVENT_WRITABLE : 0;
    if (to_source_ != nullptr && mask != to_mask_) {
        if (wl_event_source_fd_update(to_source_, mask) < 0) {
            return finish(Status::DestinationError);
        }
        to_mask_ = mask;
    }
    return true;
}

bool Transfer::finish(TransferResult::Status status) {
    result_ = TransferResult{status, written_};
    close_all();
    report();
    return false;
}

void Transfer::conclude_later(TransferResult::Status status) {
    result_ = TransferResult{status, written_};
    close_all();
    state_ = State::Reporting;
    idle_ = wl_event_loop_add_idle(loop_, on_idle, this);
    if (idle_ == nullptr) {
        wl_event_source_timer_update(timer_, 1);
    }
}

void Transfer::report() {
    state_ = State::Finished;
    const Done done = std::exchange(done_, nullptr);
    const TransferResult result = result_;
    if (done) {
        done(result); // may destroy this
    }
}

void Transfer::close_all() {
    // Removing a source closes the loop's duplicate of the fd, so after this the fds are really
    // closed and the other ends see EOF or EPIPE.
    if (from_source_ != nullptr) {
        wl_event_source_remove(from_source_);
        from_source_ = nullptr;
    }
    if (to_source_ != nullptr) {
        wl_event_source_remove(to_source_);
        to_source_ = nullptr;
    }
    if (from_ >= 0) {
        close(from_);
        from_ = -1;
    }
    if (to_ >= 0) {
        close(to_);
        to_ = -1;
    }
    if (timer_ != nullptr) {
        wl_event_source_timer_update(timer_, 0);
    }
}

void Transfer::touch() {
    if (limits_.idle_timeout_ms > 0) {
        wl_event_source_timer_update(timer_, limits_.idle_timeout_ms);
    }
}

} // namespace prism::clipboard
