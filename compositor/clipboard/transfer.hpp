// Moves clipboard bytes from one file descriptor to another without ever blocking the compositor.
//
// When prism mediates a paste, the destination client hands prism the write end of a pipe
// (wl_data_offer.receive) and the source client writes into a pipe prism created
// (wlr_data_source_send). A Transfer pumps the bytes from prism's read end to the destination's
// fd, driven by the compositor's wl_event_loop. Both ends are controlled by clients, i.e.
// possibly by a VM, so neither may stall prism or make it buffer without bound:
// - memory: at most kChunkSize bytes are read ahead of what the destination accepted; while that
//   buffer is full the source is not read at all;
// - size: at most Limits::max_bytes bytes are ever delivered (the limit is inclusive); a source
//   that produces more is cut off with TooLarge;
// - time: a transfer that makes no progress (no byte read or written) for
//   Limits::idle_timeout_ms is cut off with TimedOut, whichever side stalls.
//
// The engine logs nothing; the caller logs the result.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <wayland-server-core.h>

namespace prism::clipboard {

struct TransferResult {
    enum class Status {
        Done,             // the source reached EOF and every byte was delivered
        TooLarge,         // the source produced more than max_bytes
        TimedOut,         // no progress for idle_timeout_ms
        SourceError,      // reading failed, or the source fd was unusable (see Transfer::start)
        DestinationError, // writing failed (e.g. the destination closed its end), or unusable fd
        Cancelled,        // Transfer::cancel()
    };
    Status status = Status::Done;
    // Bytes delivered to the destination. For anything but Done this may be a prefix of the data:
    // a destination that got TooLarge, TimedOut, ... may have received part of it.
    std::uint64_t bytes = 0;
};

// "done", "too large", "timed out", "source error", "destination error", "cancelled".
const char* to_string(TransferResult::Status status);

class Transfer {
public:
    // The most bytes ever buffered (read from the source, not yet accepted by the destination).
    static constexpr std::size_t kChunkSize = 64 * 1024;

    struct Limits {
        // Inclusive: a source of exactly max_bytes bytes is delivered whole. The engine never
        // writes byte max_bytes + 1; when the source produces it, the transfer stops with
        // TooLarge and the destination is closed. The destination may then hold a prefix of the
        // data (what was delivered before the excess showed up): the result is a refusal, not a
        // silent truncation, and the caller decides what to make of it (e.g. check the size
        // first when it can be known).
        std::uint64_t max_bytes = 64ull << 20;
        // Reset on every read or write that moves bytes. <= 0 disables the idle timeout.
        int idle_timeout_ms = 10000;
    };
    using Done = std::function<void(const TransferResult&)>;

    // Starts pumping `from` (read until EOF) into `to`. Takes ownership of both fds, even when it
    // fails: they are closed when the transfer finishes, is cancelled or is destroyed. Both are
    // switched to O_NONBLOCK, which affects every fd sharing their open file descriptions.
    //
    // `done` is called exactly once, always from a dispatch of `loop` (never from inside start()),
    // after both fds are closed. The Transfer may be destroyed inside `done`.
    //
    // Both fds must be pollable (pipes, sockets, ...): an fd epoll cannot watch (a regular file,
    // /dev/null) could block prism or is not worth the risk, so it is refused with SourceError or
    // DestinationError. So is an fd fcntl() rejects (closed, -1).
    //
    // Writing to a pipe whose reader is gone raises SIGPIPE: the process must ignore SIGPIPE (a
    // socket destination is written with MSG_NOSIGNAL and never raises it).
    //
    // Returns nullptr only when `loop` cannot allocate a timer source; the fds are then closed
    // and `done` is never called.
    static std::unique_ptr<Transfer> start(wl_event_loop* loop, int from, int to, Limits limits,
                                           Done done);

    // Reads `from` until EOF into memory, with the same limits (`max_bytes` bounds the memory
    // used); on Done, collected() holds every byte. Takes ownership of `from`; the rest is as
    // for start(). The status is never DestinationError.
    static std::unique_ptr<Transfer> collect(wl_event_loop* loop, int from, Limits limits,
                                             Done done);

    // Writes `bytes` to `to`, then closes it; Done once every byte is written. `max_bytes` is
    // not checked (the caller knows the size); the idle timeout applies. Zero bytes is Done at
    // once (reported from the loop), with `to` closed. The rest is as for start().
    static std::unique_ptr<Transfer> deliver(wl_event_loop* loop, std::string bytes, int to,
                                             Limits limits, Done done);

    // Stops now: closes both fds and reports Cancelled (later, from the loop). Does nothing if a
    // result is already decided (reported or about to be).
    void cancel();

    // If the transfer is still running or its result not yet reported: closes the fds and
    // removes the event sources, and `done` is never called.
    ~Transfer();

    Transfer(const Transfer&) = delete;
    Transfer& operator=(const Transfer&) = delete;

    // Bytes read from the source and not yet written to the destination; <= kChunkSize except
    // for deliver(), where it starts at the whole size.
    std::size_t buffered_bytes() const { return end_ - begin_; }
    // What collect() read so far (all of it once Done); take it with std::move.
    std::string& collected() { return collected_; }
    // Bytes written to the destination so far.
    std::uint64_t bytes_delivered() const { return written_; }

private:
    enum class State {
        Running,
        Reporting, // fds closed, result decided, waiting for the loop to report it
        Finished,  // `done` called (or being called)
    };

    Transfer(wl_event_loop* loop, int from, int to, Limits limits, Done done);
    // Sets up the timer and fd watches for the mode chosen by the factory; on failure the
    // transfer concludes with an error, reported from the loop (timer_ stays null only when
    // even the timer could not be allocated).
    void begin();

    static int on_from_event(int fd, std::uint32_t mask, void* data);
    static int on_to_event(int fd, std::uint32_t mask, void* data);
    static int on_timer(void* data);
    static void on_idle(void* data);

    // Each of these returns false when the transfer finished, in which case `this` may already
    // be destroyed and the caller must return without touching it.
    bool read_some();
    bool flush();
    bool update_watches();
    bool finish(TransferResult::Status status);

    void conclude_later(TransferResult::Status status);
    void report();
    void close_all();
    void touch();

    wl_event_loop* loop_;
    int from_;
    int to_;
    Limits limits_;
    Done done_;
    State state_ = State::Running;
    TransferResult result_;

    bool to_is_socket_ = false;
    bool source_eof_ = false;
    wl_event_source* from_source_ = nullptr; // present only while reading is wanted
    wl_event_source* to_source_ = nullptr;
    std::uint32_t to_mask_ = 0;
    wl_event_source* timer_ = nullptr;
    wl_event_source* idle_ = nullptr;

    bool collecting_ = false; // collect(): the destination is collected_, not an fd
    std::string collected_;
    std::string buffer_;
    std::size_t begin_ = 0; // buffer_[begin_, end_) is read but not yet written
    std::size_t end_ = 0;
    std::uint64_t read_ = 0;
    std::uint64_t written_ = 0;
};

} // namespace prism::clipboard
