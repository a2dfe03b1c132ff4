// The clipboard byte pump, driven by a real wl_event_loop. The test plays both clients: it writes
// the source's pipe and reads the destination's pipe from sources in the same loop.
#include "compositor/clipboard/transfer.hpp"

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstring>
#include <limits>
#include <memory>
#include <ostream>
#include <random>
#include <span>
#include <vector>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

namespace prism::clipboard {

void PrintTo(TransferResult::Status status, std::ostream* os) {
    *os << to_string(status);
}

namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using Status = TransferResult::Status;
using Bytes = std::vector<unsigned char>;

constexpr std::size_t kMiB = 1024 * 1024;

// A destination that goes away makes writes fail with EPIPE, and SIGPIPE unless ignored; prism's
// main has to ignore it, so does this test.
class IgnoreSigpipe : public ::testing::Environment {
public:
    void SetUp() override { std::signal(SIGPIPE, SIG_IGN); }
};
[[maybe_unused]] ::testing::Environment* const kIgnoreSigpipe =
    ::testing::AddGlobalTestEnvironment(new IgnoreSigpipe);

Bytes random_bytes(std::size_t size, std::uint64_t seed) {
    std::mt19937_64 rng(seed);
    Bytes bytes(size);
    for (std::size_t i = 0; i < size; i += 8) {
        const std::uint64_t x = rng();
        std::memcpy(bytes.data() + i, &x, std::min<std::size_t>(8, size - i));
    }
    for (std::size_t i = 0; i < size; i += 1000) {
        bytes[i] = 0; // NUL bytes for sure, the first one included
    }
    return bytes;
}

bool is_prefix(const Bytes& prefix, const Bytes& of) {
    return prefix.size() <= of.size() && std::equal(prefix.begin(), prefix.end(), of.begin());
}

void set_nonblocking(int fd) {
    ASSERT_EQ(fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK), 0);
}

struct Pipe {
    int r = -1;
    int w = -1;
};

// The test's own ends are non-blocking: the test must never hang on them either.
Pipe make_pipe() {
    int fds[2] = {-1, -1};
    EXPECT_EQ(pipe2(fds, O_CLOEXEC), 0);
    set_nonblocking(fds[0]);
    set_nonblocking(fds[1]);
    return {fds[0], fds[1]};
}

// Reads a non-blocking fd until EOF or until it would block.
struct Drained {
    Bytes bytes;
    bool eof = false;
};
Drained drain(int fd) {
    Drained d;
    unsigned char buf[4096];
    for (;;) {
        const ssize_t n = read(fd, buf, sizeof buf);
        if (n > 0) {
            d.bytes.insert(d.bytes.end(), buf, buf + n);
        } else {
            d.eof = n == 0;
            return d;
        }
    }
}

// True when nobody holds the read end of the pipe `write_fd` writes to any more.
bool reader_gone(int write_fd) {
    const unsigned char byte = 0;
    return write(write_fd, &byte, 1) < 0 && errno == EPIPE;
}

class Loop {
public:
    Loop()
        : loop_(wl_event_loop_create()) {}
    ~Loop() { wl_event_loop_destroy(loop_); }
    Loop(const Loop&) = delete;
    Loop& operator=(const Loop&) = delete;

    wl_event_loop* get() const { return loop_; }

    // Dispatches until pred() holds; false if it did not within `limit`.
    template <typename Pred> bool run_until(Pred pred, std::chrono::milliseconds limit = 20s) {
        const auto deadline = Clock::now() + limit;
        while (!pred()) {
            if (Clock::now() >= deadline) {
                return false;
            }
            wl_event_loop_dispatch(loop_, 10);
        }
        return true;
    }

    void run_for(std::chrono::milliseconds duration) {
        const auto end = Clock::now() + duration;
        while (Clock::now() < end) {
            wl_event_loop_dispatch(loop_, 5);
        }
    }

private:
    wl_event_loop* loop_;
};

// The source client: writes `data` into a pipe from the loop, then closes its end.
class Feeder {
public:
    Feeder(wl_event_loop* loop, int fd, std::span<const unsigned char> data)
        : fd_(fd)
        , data_(data)
        , source_(wl_event_loop_add_fd(loop, fd, WL_EVENT_WRITABLE, on_event, this)) {
        EXPECT_NE(source_, nullptr);
    }
    ~Feeder() { stop(); }
    Feeder(const Feeder&) = delete;
    Feeder& operator=(const Feeder&) = delete;

    bool finished() const { return fd_ < 0; }
    int error() const { return error_; }
    std::size_t written() const { return written_; }

private:
    static int on_event(int, std::uint32_t, void* data) {
        auto* self = static_cast<Feeder*>(data);
        if (self->written_ < self->data_.size()) {
            const ssize_t n = write(self->fd_, self->data_.data() + self->written_,
                                    self->data_.size() - self->written_);
            if (n > 0) {
                self->written_ += static_cast<std::size_t>(n);
            } else if (n < 0 && errno != EAGAIN && errno != EINTR) {
                self->error_ = errno;
                self->stop();
                return 0;
            }
        }
        if (self->written_ == self->data_.size()) {
            self->stop();
        }
        return 0;
    }

    void stop() {
        if (source_ != nullptr) {
            wl_event_source_remove(source_);
            source_ = nullptr;
        }
        if (fd_ >= 0) {
            close(fd_);
            fd_ = -1;
        }
    }

    int fd_;
    std::span<const unsigned char> data_;
    wl_event_source* source_;
    std::size_t written_ = 0;
    int error_ = 0;
};

// The destination client: reads a pipe from the loop until EOF, or closes its end early once it
// has `close_after` bytes.
class Sink {
public:
    Sink(wl_event_loop* loop, int fd,
         std::size_t close_after = std::numeric_limits<std::size_t>::max())
        : fd_(fd)
        , close_after_(close_after)
        , source_(wl_event_loop_add_fd(loop, fd, WL_EVENT_READABLE, on_event, this)) {
        EXPECT_NE(source_, nullptr);
    }
    ~Sink() { stop(); }
    Sink(const Sink&) = delete;
    Sink& operator=(const Sink&) = delete;

    const Bytes& data() const { return data_; }
    bool eof() const { return eof_; }
    bool closed() const { return fd_ < 0; }

private:
    static int on_event(int, std::uint32_t, void* data) {
        auto* self = static_cast<Sink*>(data);
        unsigned char buf[64 * 1024];
        const ssize_t n = read(self->fd_, buf, sizeof buf);
        if (n > 0) {
            self->data_.insert(self->data_.end(), buf, buf + n);
            if (self->data_.size() >= self->close_after_) {
                self->stop();
            }
        } else if (n == 0) {
            self->eof_ = true;
            self->stop();
        } else if (errno != EAGAIN && errno != EINTR) {
            ADD_FAILURE() << "sink read: " << std::strerror(errno);
            self->stop();
        }
        return 0;
    }

    void stop() {
        if (source_ != nullptr) {
            wl_event_source_remove(source_);
            source_ = nullptr;
        }
        if (fd_ >= 0) {
            close(fd_);
            fd_ = -1;
        }
    }

    int fd_;
    std::size_t close_after_;
    wl_event_source* source_;
    Bytes data_;
    bool eof_ = false;
};

// Counts ticks of a timer re-armed every `period`: proof that the loop is running.
class Ticker {
public:
    Ticker(wl_event_loop* loop, int period_ms)
        : period_ms_(period_ms)
        , source_(wl_event_loop_add_timer(loop, on_timer, this)) {
        wl_event_source_timer_update(source_, period_ms_);
    }
    ~Ticker() { wl_event_source_remove(source_); }
    Ticker(const Ticker&) = delete;
    Ticker& operator=(const Ticker&) = delete;

    int ticks() const { return ticks_; }

private:
    static int on_timer(void* data) {
        auto* self = static_cast<Ticker*>(data);
        ++self->ticks_;
        wl_event_source_timer_update(self->source_, self->period_ms_);
        return 0;
    }

    int period_ms_;
    wl_event_source* source_;
    int ticks_ = 0;
};

// What `done` reported, how often and when.
struct Outcome {
    int calls = 0;
    TransferResult result;
    Clock::time_point at;

    Transfer::Done callback() {
        return [this](const TransferResult& r) {
            ++calls;
            result = r;
            at = Clock::now();
        };
    }
};

Transfer::Limits limits(std::uint64_t max_bytes, int idle_timeout_ms = 10000) {
    return Transfer::Limits{.max_bytes = max_bytes, .idle_timeout_ms = idle_timeout_ms};
}

class TransferTest : public ::testing::Test {
protected:
    Loop loop_;
};

// --- delivery ---------------------------------------------------------------------------------

class TransferDeliveryTest : public TransferTest,
                             public ::testing::WithParamInterface<std::size_t> {};

TEST_P(TransferDeliveryTest, DeliversByteIdenticalData) {
    const Bytes data = random_bytes(GetParam(), GetParam() + 1);
    const Pipe src = make_pipe();
    const Pipe dst = make_pipe();
    Feeder feeder(loop_.get(), src.w, data);
    Sink sink(loop_.get(), dst.r);
    Outcome out;
    // max_bytes == the largest size: the limit is inclusive.
    const auto t = Transfer::start(loop_.get(), src.r, dst.w, limits(64 * kMiB), out.callback());
    ASSERT_NE(t, nullptr);
    EXPECT_EQ(out.calls, 0) << "done must not be called from inside start()";

    std::size_t max_buffered = 0;
    ASSERT_TRUE(loop_.run_until(
        [&] {
            max_buffered = std::max(max_buffered, t->buffered_bytes());
            return out.calls > 0 && sink.eof();
        },
        90s));

    EXPECT_EQ(out.calls, 1);
    EXPECT_EQ(out.result.status, Status::Done);
    EXPECT_EQ(out.result.bytes, data.size());
    EXPECT_EQ(t->bytes_delivered(), data.size());
    ASSERT_EQ(sink.data().size(), data.size());
    EXPECT_TRUE(sink.data() == data) << "the delivered bytes differ from the source's";
    EXPECT_TRUE(feeder.finished());
    EXPECT_EQ(feeder.error(), 0);
    EXPECT_LE(max_buffered, Transfer::kChunkSize);
}

INSTANTIATE_TEST_SUITE_P(Sizes, TransferDeliveryTest,
                         ::testing::Values(std::size_t{0}, std::size_t{1}, 1 * kMiB, 64 * kMiB),
                         [](const ::testing::TestParamInfo<std::size_t>& param) {
                             return std::to_string(param.param) + "B";
                         });

TEST_F(TransferTest, NeverReportsFromInsideStartEvenWhenEverythingIsReady) {
    const Pipe src = make_pipe();
    const Pipe dst = make_pipe();
    ASSERT_EQ(write(src.w, "abc", 3), 3);
    close(src.w);
    Outcome out;
    const auto t = Transfer::start(loop_.get(), src.r, dst.w, limits(10), out.callback());
    EXPECT_EQ(out.calls, 0);
    ASSERT_TRUE(loop_.run_until([&] { return out.calls > 0; }));
    EXPECT_EQ(out.result.status, Status::Done);
    const Drained got = drain(dst.r);
    EXPECT_EQ(got.bytes, (Bytes{'a', 'b', 'c'}));
    EXPECT_TRUE(got.eof) << "the destination fd must be closed when done is called";
    close(dst.r);
}

TEST_F(TransferTest, SwitchesBothFdsToNonBlocking) {
    const Pipe src = make_pipe();
    const Pipe dst = make_pipe();
    ASSERT_EQ(fcntl(src.r, F_SETFL, 0), 0);
    ASSERT_EQ(fcntl(dst.w, F_SETFL, 0), 0);
    // Duplicates share the open file descriptions, and so their flags.
    const int from_dup = dup(src.r);
    const int to_dup = dup(dst.w);
    Outcome out;
    auto t = Transfer::start(loop_.get(), src.r, dst.w, limits(10), out.callback());
    EXPECT_NE(fcntl(from_dup, F_GETFL) & O_NONBLOCK, 0);
    EXPECT_NE(fcntl(to_dup, F_GETFL) & O_NONBLOCK, 0);
    t.reset();
    for (const int fd : {from_dup, to_dup, src.w, dst.r}) {
        close(fd);
    }
    EXPECT_EQ(out.calls, 0);
}

// --- size limit --------------------------------------------------------------------------------

TEST_F(TransferTest, SourceLargerThanTheLimitIsTooLargeAndNeverDeliveredPastIt) {
    const Bytes data = random_bytes(1 * kMiB, 7);
    constexpr std::uint64_t kMax = 100000;
    const Pipe src = make_pipe();
    const Pipe dst = make_pipe();
    Feeder feeder(loop_.get(), src.w, data);
    Sink sink(loop_.get(), dst.r);
    Outcome out;
    const auto t = Transfer::start(loop_.get(), src.r, dst.w, limits(kMax), out.callback());
    ASSERT_TRUE(loop_.run_until([&] { return out.calls > 0 && sink.eof() && feeder.finished(); }));

    EXPECT_EQ(out.calls, 1);
    EXPECT_EQ(out.result.status, Status::TooLarge);
    EXPECT_LE(sink.data().size(), kMax);
    EXPECT_EQ(out.result.bytes, sink.data().size());
    EXPECT_TRUE(is_prefix(sink.data(), data));
    EXPECT_EQ(feeder.error(), EPIPE) << "the source fd must be closed";
}

TEST_F(TransferTest, LimitIsInclusive) {
    struct Case {
        std::uint64_t max_bytes;
        std::size_t size;
        Status expected;
    };
    for (const Case c :
         {Case{1000, 1000, Status::Done}, Case{1000, 1001, Status::TooLarge},
          Case{0, 0, Status::Done}, Case{0, 1, Status::TooLarge},
          Case{200000, 200000, Status::Done}, Case{200000, 200001, Status::TooLarge}}) {
        SCOPED_TRACE(::testing::Message() << "max " << c.max_bytes << ", size " << c.size);
        const Bytes data = random_bytes(c.size, c.size);
        const Pipe src = make_pipe();
        const Pipe dst = make_pipe();
        Feeder feeder(loop_.get(), src.w, data);
        Sink sink(loop_.get(), dst.r);
        Outcome out;
        const auto t =
            Transfer::start(loop_.get(), src.r, dst.w, limits(c.max_bytes), out.callback());
        ASSERT_TRUE(loop_.run_until([&] { return out.calls > 0 && sink.eof(); }));
        EXPECT_EQ(out.result.status, c.expected);
        EXPECT_EQ(out.result.bytes, sink.data().size());
        EXPECT_LE(sink.data().size(), c.max_bytes);
        EXPECT_TRUE(is_prefix(sink.data(), data));
        if (c.expected == Status::Done) {
            EXPECT_EQ(sink.data(), data);
        }
    }
}

// --- idle timeout ------------------------------------------------------------------------------

TEST_F(TransferTest, SilentSourceTimesOutWhileTheLoopRunsOn) {
    const Pipe silent = make_pipe(); // the test holds its write end and never writes
    const Pipe silent_dst = make_pipe();
    Outcome silent_out;
    int ticks_when_timed_out = -1;
    Ticker ticker(loop_.get(), 10);
    const auto started = Clock::now();
    const auto t = Transfer::start(loop_.get(), silent.r, silent_dst.w, limits(kMiB, 200),
                                   [&](const TransferResult& r) {
                                       silent_out.callback()(r);
                                       ticks_when_timed_out = ticker.ticks();
                                   });

    // Another transfer in the same loop meanwhile.
    const Bytes data = random_bytes(2 * kMiB, 11);
    const Pipe src = make_pipe();
    const Pipe dst = make_pipe();
    Feeder feeder(loop_.get(), src.w, data);
    Sink sink(loop_.get(), dst.r);
    Outcome other_out;
    const auto other =
        Transfer::start(loop_.get(), src.r, dst.w, limits(64 * kMiB, 200), other_out.callback());

    ASSERT_TRUE(loop_.run_until([&] { return silent_out.calls > 0; }, 10s));
    EXPECT_EQ(silent_out.calls, 1);
    EXPECT_EQ(silent_out.result.status, Status::TimedOut);
    EXPECT_EQ(silent_out.result.bytes, 0u);
    EXPECT_GE(silent_out.at - started, 200ms);

    EXPECT_EQ(other_out.calls, 1);
    EXPECT_EQ(other_out.result.status, Status::Done);
    EXPECT_LT(other_out.at, silent_out.at);
    EXPECT_EQ(sink.data(), data);
    EXPECT_GE(ticks_when_timed_out, 5);

    EXPECT_TRUE(reader_gone(silent.w));
    const Drained got = drain(silent_dst.r);
    EXPECT_TRUE(got.bytes.empty());
    EXPECT_TRUE(got.eof);
    close(silent.w);
    close(silent_dst.r);
}

TEST_F(TransferTest, StalledDestinationTimesOutWithBoundedBuffering) {
    const Bytes data = random_bytes(8 * kMiB, 5);
    const Pipe src = make_pipe();
    const Pipe dst = make_pipe(); // the test holds its read end and does not read
    const int src_pipe_size = fcntl(src.w, F_GETPIPE_SZ);
    ASSERT_GT(src_pipe_size, 0);
    Feeder feeder(loop_.get(), src.w, data);
    Outcome out;
    const auto t =
        Transfer::start(loop_.get(), src.r, dst.w, limits(64 * kMiB, 200), out.callback());

    std::size_t max_buffered = 0;
    ASSERT_TRUE(loop_.run_until(
        [&] {
            max_buffered = std::max(max_buffered, t->buffered_bytes());
            return out.calls > 0;
        },
        10s));
    EXPECT_EQ(out.result.status, Status::TimedOut);
    EXPECT_LE(max_buffered, Transfer::kChunkSize);
    EXPECT_GT(out.result.bytes, 0u) << "the destination's pipe should have taken some";
    // The engine stopped reading the source: what the feeder got rid of is what was delivered,
    // plus at most one buffer, plus what still sits in the source's pipe.
    EXPECT_LE(feeder.written(),
              out.result.bytes + Transfer::kChunkSize + static_cast<std::size_t>(src_pipe_size));

    // What was reported as delivered is exactly what the destination can read, then EOF.
    const Drained got = drain(dst.r);
    EXPECT_TRUE(got.eof);
    EXPECT_EQ(got.bytes.size(), out.result.bytes);
    EXPECT_TRUE(is_prefix(got.bytes, data));
    close(dst.r);

    ASSERT_TRUE(loop_.run_until([&] { return feeder.finished(); }));
    EXPECT_EQ(feeder.error(), EPIPE);
}

TEST_F(TransferTest, FullBufferWithAHungUpSourceDoesNotSpinTheLoop) {
    // The source wrote more than fits anywhere and closed its end; the destination does not
    // read. The source fd then reports a hangup forever: the engine must not keep waking the
    // loop for it while its buffer is full.
    const Pipe src = make_pipe();
    const Pipe dst = make_pipe();
    ASSERT_GE(fcntl(src.w, F_SETPIPE_SZ, 1024 * 1024), 256 * 1024);
    const Bytes data = random_bytes(256 * 1024, 9);
    ASSERT_EQ(write(src.w, data.data(), data.size()), static_cast<ssize_t>(data.size()));
    close(src.w);
    Outcome out;
    const auto t = Transfer::start(loop_.get(), src.r, dst.w, limits(kMiB, 2000), out.callback());
    ASSERT_TRUE(loop_.run_until([&] { return t->buffered_bytes() == Transfer::kChunkSize; }));

    int wakeups = 0;
    const auto end = Clock::now() + 300ms;
    while (Clock::now() < end) {
        wl_event_loop_dispatch(loop_.get(), 100);
        ++wakeups;
    }
    EXPECT_LE(wakeups, 10);
    EXPECT_EQ(out.calls, 0);
    close(dst.r);
}

TEST_F(TransferTest, ProgressResetsTheIdleTimeout) {
    // A source that trickles a byte every 30 ms for much longer than the 100 ms timeout.
    const Pipe src = make_pipe();
    const Pipe dst = make_pipe();
    Sink sink(loop_.get(), dst.r);
    Outcome out;
    const auto t = Transfer::start(loop_.get(), src.r, dst.w, limits(kMiB, 100), out.callback());
    for (int i = 0; i < 15; ++i) {
        loop_.run_for(30ms);
        ASSERT_EQ(out.calls, 0) << "timed out after " << i << " bytes";
        ASSERT_EQ(write(src.w, "x", 1), 1);
    }
    close(src.w);
    ASSERT_TRUE(loop_.run_until([&] { return out.calls > 0 && sink.eof(); }));
    EXPECT_EQ(out.result.status, Status::Done);
    EXPECT_EQ(sink.data(), Bytes(15, 'x'));
}

// --- errors ------------------------------------------------------------------------------------

TEST_F(TransferTest, DestinationClosedBeforeStartIsDestinationError) {
    const Bytes data = random_bytes(kMiB, 2);
    const Pipe src = make_pipe();
    const Pipe dst = make_pipe();
    close(dst.r);
    Feeder feeder(loop_.get(), src.w, data);
    Outcome out;
    const auto t = Transfer::start(loop_.get(), src.r, dst.w, limits(64 * kMiB), out.callback());
    ASSERT_TRUE(loop_.run_until([&] { return out.calls > 0 && feeder.finished(); }));
    EXPECT_EQ(out.calls, 1);
    EXPECT_EQ(out.result.status, Status::DestinationError);
    EXPECT_EQ(out.result.bytes, 0u);
    EXPECT_EQ(feeder.error(), EPIPE);
}

TEST_F(TransferTest, DestinationClosingMidwayIsDestinationError) {
    const Bytes data = random_bytes(4 * kMiB, 3);
    const Pipe src = make_pipe();
    const Pipe dst = make_pipe();
    Feeder feeder(loop_.get(), src.w, data);
    Sink sink(loop_.get(), dst.r, 100 * 1024);
    Outcome out;
    const auto t = Transfer::start(loop_.get(), src.r, dst.w, limits(64 * kMiB), out.callback());
    ASSERT_TRUE(loop_.run_until([&] { return out.calls > 0 && feeder.finished(); }));
    EXPECT_TRUE(sink.closed());
    EXPECT_EQ(out.result.status, Status::DestinationError);
    EXPECT_GE(out.result.bytes, sink.data().size());
    EXPECT_LT(out.result.bytes, data.size());
    EXPECT_TRUE(is_prefix(sink.data(), data));
}

volatile std::sig_atomic_t g_sigpipes = 0;
void count_sigpipe(int) {
    g_sigpipes = g_sigpipes + 1;
}

TEST_F(TransferTest, SocketDestinationThatStoppedReadingRaisesNoSigpipe) {
    // Count SIGPIPE instead of ignoring it for this test.
    struct sigaction counting{};
    counting.sa_handler = count_sigpipe;
    sigemptyset(&counting.sa_mask);
    struct sigaction previous{};
    ASSERT_EQ(sigaction(SIGPIPE, &counting, &previous), 0);
    g_sigpipes = 0;

    int sv[2] = {-1, -1};
    ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
    // The peer stops receiving but stays open: no hangup, only sending fails (EPIPE).
    ASSERT_EQ(shutdown(sv[1], SHUT_RD), 0);
    const Pipe src = make_pipe();
    ASSERT_EQ(write(src.w, "hello", 5), 5);
    close(src.w);
    Outcome out;
    const auto t = Transfer::start(loop_.get(), src.r, sv[0], limits(kMiB), out.callback());
    ASSERT_TRUE(loop_.run_until([&] { return out.calls > 0; }));
    EXPECT_EQ(out.result.status, Status::DestinationError);
    EXPECT_EQ(out.result.bytes, 0u);
    EXPECT_EQ(g_sigpipes, 0);

    ASSERT_EQ(sigaction(SIGPIPE, &previous, nullptr), 0);
    close(sv[1]);
}

TEST_F(TransferTest, ReadErrorIsSourceError) {
    // A stream socket whose peer closed with unread data in its queue fails reads (ECONNRESET).
    int sv[2] = {-1, -1};
    ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
    ASSERT_EQ(write(sv[0], "x", 1), 1);
    close(sv[1]);
    const Pipe dst = make_pipe();
    Sink sink(loop_.get(), dst.r);
    Outcome out;
    const auto t = Transfer::start(loop_.get(), sv[0], dst.w, limits(kMiB), out.callback());
    ASSERT_TRUE(loop_.run_until([&] { return out.calls > 0 && sink.eof(); }));
    EXPECT_EQ(out.result.status, Status::SourceError);
    EXPECT_EQ(out.result.bytes, 0u);
}

TEST_F(TransferTest, UnusableSourceFdIsSourceErrorReportedFromTheLoop) {
    const Pipe dst = make_pipe();
    Outcome out;
    const auto t = Transfer::start(loop_.get(), -1, dst.w, limits(kMiB), out.callback());
    ASSERT_NE(t, nullptr);
    EXPECT_EQ(out.calls, 0);
    ASSERT_TRUE(loop_.run_until([&] { return out.calls > 0; }));
    EXPECT_EQ(out.calls, 1);
    EXPECT_EQ(out.result.status, Status::SourceError);
    EXPECT_TRUE(drain(dst.r).eof) << "the destination fd must be closed";
    close(dst.r);
}

TEST_F(TransferTest, UnpollableDestinationIsRefused) {
    // A regular file cannot be watched by epoll, and writing it might block: refused.
    const int file = memfd_create("prism-transfer-test", MFD_CLOEXEC);
    ASSERT_GE(file, 0);
    const Pipe src = make_pipe();
    Outcome out;
    const auto t = Transfer::start(loop_.get(), src.r, file, limits(kMiB), out.callback());
    EXPECT_EQ(out.calls, 0);
    ASSERT_TRUE(loop_.run_until([&] { return out.calls > 0; }));
    EXPECT_EQ(out.result.status, Status::DestinationError);
    EXPECT_TRUE(reader_gone(src.w)) << "the source fd must be closed";
    close(src.w);
}

// --- cancel ------------------------------------------------------------------------------------

TEST_F(TransferTest, CancelClosesBothFdsAtOnceAndReportsOnceFromTheLoop) {
    const Pipe src = make_pipe();
    const Pipe dst = make_pipe();
    ASSERT_EQ(write(src.w, "0123456789", 10), 10);
    Outcome out;
    const auto t = Transfer::start(loop_.get(), src.r, dst.w, limits(kMiB), out.callback());
    ASSERT_TRUE(loop_.run_until([&] { return t->bytes_delivered() == 10; }));

    t->cancel();
    EXPECT_EQ(out.calls, 0) << "reported from the loop, not from inside cancel()";
    EXPECT_TRUE(reader_gone(src.w));
    const Drained got = drain(dst.r);
    EXPECT_EQ(got.bytes.size(), 10u);
    EXPECT_TRUE(got.eof);

    t->cancel();
    loop_.run_for(50ms);
    EXPECT_EQ(out.calls, 1);
    EXPECT_EQ(out.result.status, Status::Cancelled);
    EXPECT_EQ(out.result.bytes, 10u);

    t->cancel();
    loop_.run_for(20ms);
    EXPECT_EQ(out.calls, 1);
    close(src.w);
    close(dst.r);
}

TEST_F(TransferTest, CancelBeforeTheFirstDispatch) {
    const Pipe src = make_pipe();
    const Pipe dst = make_pipe();
    Outcome out;
    const auto t = Transfer::start(loop_.get(), src.r, dst.w, limits(kMiB), out.callback());
    t->cancel();
    EXPECT_TRUE(reader_gone(src.w));
    EXPECT_TRUE(drain(dst.r).eof);
    loop_.run_for(20ms);
    EXPECT_EQ(out.calls, 1);
    EXPECT_EQ(out.result.status, Status::Cancelled);
    close(src.w);
    close(dst.r);
}

TEST_F(TransferTest, CancelAfterTheResultIsKnownChangesNothing) {
    const Pipe src = make_pipe();
    const Pipe dst = make_pipe();
    close(src.w);
    Outcome out;
    const auto t = Transfer::start(loop_.get(), src.r, dst.w, limits(kMiB), out.callback());
    ASSERT_TRUE(loop_.run_until([&] { return out.calls > 0; }));
    t->cancel();
    loop_.run_for(20ms);
    EXPECT_EQ(out.calls, 1);
    EXPECT_EQ(out.result.status, Status::Done);

    // Same for a result decided but not yet reported (here: an unusable fd).
    Outcome failed_out;
    const auto failed = Transfer::start(loop_.get(), -1, -1, limits(kMiB), failed_out.callback());
    failed->cancel();
    loop_.run_for(20ms);
    EXPECT_EQ(failed_out.calls, 1);
    EXPECT_EQ(failed_out.result.status, Status::SourceError);
    close(dst.r);
}

// --- lifetime ----------------------------------------------------------------------------------

TEST_F(TransferTest, DestroyingTheTransferInsideDoneIsSafe) {
    // One case per place `done` is called from: the source's fd callback, the destination's fd
    // callback, the timer and the idle source (cancel, start failure).
    enum class Via { SourceEof, DestinationGone, Timer, Cancel, StartFailure };
    for (const Via via :
         {Via::SourceEof, Via::DestinationGone, Via::Timer, Via::Cancel, Via::StartFailure}) {
        SCOPED_TRACE(static_cast<int>(via));
        const Pipe src = make_pipe();
        const Pipe dst = make_pipe();
        ASSERT_EQ(write(src.w, "abc", 3), 3);
        if (via == Via::SourceEof) {
            close(src.w);
        }
        if (via == Via::DestinationGone) {
            close(dst.r);
        }
        int calls = 0;
        std::unique_ptr<Transfer> t;
        t = Transfer::start(loop_.get(), via == Via::StartFailure ? -1 : src.r, dst.w,
                            limits(kMiB, 50), [&](const TransferResult&) {
                                ++calls;
                                t.reset();
                            });
        if (via == Via::StartFailure) {
            close(src.r);
        }
        if (via == Via::Cancel) {
            t->cancel();
        }
        ASSERT_TRUE(loop_.run_until([&] { return calls > 0; }));
        EXPECT_EQ(t, nullptr);
        loop_.run_for(20ms);
        EXPECT_EQ(calls, 1);
        if (via != Via::SourceEof) {
            close(src.w);
        }
        if (via != Via::DestinationGone) {
            close(dst.r);
        }
    }
}

TEST_F(TransferTest, DestroyingARunningTransferClosesTheFdsAndReportsNothing) {
    const Pipe src = make_pipe();
    const Pipe dst = make_pipe();
    ASSERT_EQ(write(src.w, "abc", 3), 3);
    Outcome out;
    auto t = Transfer::start(loop_.get(), src.r, dst.w, limits(kMiB, 50), out.callback());
    ASSERT_TRUE(loop_.run_until([&] { return t->bytes_delivered() == 3; }));
    t.reset();
    EXPECT_TRUE(reader_gone(src.w));
    const Drained got = drain(dst.r);
    EXPECT_EQ(got.bytes, (Bytes{'a', 'b', 'c'}));
    EXPECT_TRUE(got.eof);
    loop_.run_for(150ms); // past the idle timeout
    EXPECT_EQ(out.calls, 0);
    close(src.w);
    close(dst.r);
}

TEST_F(TransferTest, DestroyingATransferWhoseReportIsPendingReportsNothing) {
    const Pipe src = make_pipe();
    const Pipe dst = make_pipe();
    Outcome out;
    auto t = Transfer::start(loop_.get(), src.r, dst.w, limits(kMiB), out.callback());
    t->cancel();
    t.reset();
    loop_.run_for(20ms);
    EXPECT_EQ(out.calls, 0);
    close(src.w);
    close(dst.r);
}

// collect(): the source read into memory, for the clipboard dialog to know the size before any
// byte reaches the destination.
TEST(TransferCollect, ReadsEverythingIntoMemory) {
    Loop loop;
    const Bytes data = random_bytes(300 * 1024, 7);
    Pipe src = make_pipe();
    Outcome outcome;
    auto t = Transfer::collect(loop.get(), src.r, {}, outcome.callback());
    ASSERT_TRUE(t);
    Feeder feeder(loop.get(), src.w, data);
    ASSERT_TRUE(loop.run_until([&] { return outcome.calls > 0; }));
    EXPECT_EQ(outcome.result.status, Status::Done);
    EXPECT_EQ(outcome.result.bytes, data.size());
    ASSERT_EQ(t->collected().size(), data.size());
    EXPECT_TRUE(std::equal(data.begin(), data.end(),
                           reinterpret_cast<const unsigned char*>(t->collected().data())));
}

TEST(TransferCollect, MoreThanMaxBytesIsTooLarge) {
    Loop loop;
    const Bytes data = random_bytes(1001, 8);
    Pipe src = make_pipe();
    Outcome outcome;
    auto t = Transfer::collect(loop.get(), src.r, {.max_bytes = 1000, .idle_timeout_ms = 5000},
                               outcome.callback());
    Feeder feeder(loop.get(), src.w, data);
    ASSERT_TRUE(loop.run_until([&] { return outcome.calls > 0; }));
    EXPECT_EQ(outcome.result.status, Status::TooLarge);
}

TEST(TransferDeliver, WritesEveryByteThenCloses) {
    Loop loop;
    const Bytes data = random_bytes(2 * kMiB + 3, 9);
    Pipe dst = make_pipe();
    Outcome outcome;
    auto t = Transfer::deliver(loop.get(), std::string(data.begin(), data.end()), dst.w, {},
                               outcome.callback());
    ASSERT_TRUE(t);
    Sink sink(loop.get(), dst.r);
    ASSERT_TRUE(loop.run_until([&] { return outcome.calls > 0 && sink.eof(); }));
    EXPECT_EQ(outcome.result.status, Status::Done);
    EXPECT_EQ(outcome.result.bytes, data.size());
    EXPECT_EQ(sink.data(), data);
}

TEST(TransferDeliver, NothingToWriteClosesAtOnce) {
    Loop loop;
    Pipe dst = make_pipe();
    Outcome outcome;
    auto t = Transfer::deliver(loop.get(), std::string(), dst.w, {}, outcome.callback());
    EXPECT_EQ(outcome.calls, 0) << "never reported from inside deliver()";
    Sink sink(loop.get(), dst.r);
    ASSERT_TRUE(loop.run_until([&] { return outcome.calls > 0 && sink.eof(); }));
    EXPECT_EQ(outcome.result.status, Status::Done);
    EXPECT_EQ(outcome.result.bytes, 0u);
    EXPECT_TRUE(sink.data().empty());
}

TEST(TransferDeliver, ADestinationThatNeverReadsTimesOut) {
    Loop loop;
    Pipe dst = make_pipe();
    Outcome outcome;
    auto t = Transfer::deliver(loop.get(), std::string(kMiB, 'x'), dst.w,
                               {.max_bytes = kMiB, .idle_timeout_ms = 100}, outcome.callback());
    ASSERT_TRUE(loop.run_until([&] { return outcome.calls > 0; }, 5s));
    EXPECT_EQ(outcome.result.status, Status::TimedOut);
    EXPECT_LT(outcome.result.bytes, kMiB);
    close(dst.r);
}

} // namespace
} // namespace prism::clipboard
