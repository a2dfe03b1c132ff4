// The split-virtqueue walker and the vhost-user parsers of prism-vhost-wl, in process: each rule
// a hostile guest or VMM could break, one at a time, over guest memory the test lays out.
#include "vmbridge/vhost_user/guest_memory.hpp"
#include "vmbridge/vhost_user/protocol.hpp"
#include "vmbridge/vhost_user/virtqueue.hpp"

#include <atomic>
#include <chrono>
#include <cstring>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <thread>
#include <unistd.h>

namespace prism::vmbridge::vhost_user {
namespace {

constexpr std::uint64_t kBase = 0x100000;
constexpr std::uint64_t kSize = 64 * 1024;
constexpr std::uint32_t kQueue = 8;
constexpr std::uint64_t kAvail = 0x1000, kUsed = 0x2000, kData = 0x4000;
constexpr std::uint16_t kNext = 1, kWrite = 2, kIndirect = 4;

class QueueTest : public ::testing::Test {
protected:
    QueueTest()
        : bytes_(kSize)
        , memory_(GuestMemory::wrap(bytes_.data(), kSize, kBase, 0x7f0000000000)) {}

    void desc(std::uint16_t i, std::uint64_t addr, std::uint32_t len, std::uint16_t flags,
              std::uint16_t next = 0) {
        std::uint8_t* at = bytes_.data() + 16 * i;
        std::memcpy(at, &addr, 8);
        std::memcpy(at + 8, &len, 4);
        std::memcpy(at + 12, &flags, 2);
        std::memcpy(at + 14, &next, 2);
    }
    void make_available(std::uint16_t head) {
        std::memcpy(bytes_.data() + kAvail + 4 + 2 * (avail_ % kQueue), &head, 2);
        ++avail_;
        std::memcpy(bytes_.data() + kAvail + 2, &avail_, 2);
    }
    SplitQueue queue() {
        return SplitQueue(*memory_, {kQueue, kBase, kBase + kAvail, kBase + kUsed}, 0);
    }
    std::string pop_error(std::size_t max = 4096) {
        SplitQueue q = queue();
        Chain chain;
        std::string why;
        EXPECT_EQ(q.pop(&chain, max, &why), SplitQueue::Pop::Broken);
        return why;
    }

    std::vector<std::uint8_t> bytes_;
    std::unique_ptr<GuestMemory> memory_;
    std::uint16_t avail_ = 0;
};

TEST_F(QueueTest, AChainIsCopiedOutAndAnsweredAcrossItsWritableBuffers) {
    std::memcpy(bytes_.data() + kData, "hello, ", 7);
    std::memcpy(bytes_.data() + kData + 0x100, "world", 5);
    desc(3, kBase + kData, 7, kNext, 5);
    desc(5, kBase + kData + 0x100, 5, kNext, 1);
    desc(1, kBase + kData + 0x200, 4, kWrite | kNext, 2);
    desc(2, kBase + kData + 0x300, 8, kWrite);
    make_available(3);
    SplitQueue q = queue();
    Chain chain;
    std::string why;
    ASSERT_EQ(q.pop(&chain, 4096, &why), SplitQueue::Pop::Chain) << why;
    EXPECT_EQ(std::string(chain.readable.begin(), chain.readable.end()), "hello, world");
    // The guest changing its buffer now changes nothing: the request was copied.
    bytes_[kData] = 'J';
    EXPECT_EQ(chain.readable[0], 'h');
    EXPECT_EQ(chain.writable_size, 12u);
    const std::uint8_t answer[] = {1, 2, 3, 4, 5, 6};
    ASSERT_TRUE(q.complete(chain, answer));
    EXPECT_EQ(0, std::memcmp(bytes_.data() + kData + 0x200, answer, 4));
    EXPECT_EQ(0, std::memcmp(bytes_.data() + kData + 0x300, answer + 4, 2));
    std::uint16_t used_idx;
    std::uint32_t id, len;
    // The guest sees the entry only once the index is published.
    std::memcpy(&used_idx, bytes_.data() + kUsed + 2, 2);
    EXPECT_EQ(used_idx, 0);
    ASSERT_TRUE(q.publish_used());
    std::memcpy(&used_idx, bytes_.data() + kUsed + 2, 2);
    std::memcpy(&id, bytes_.data() + kUsed + 4, 4);
    std::memcpy(&len, bytes_.data() + kUsed + 8, 4);
    EXPECT_EQ(used_idx, 1);
    EXPECT_EQ(id, 3u);
    EXPECT_EQ(len, 6u);
    EXPECT_EQ(q.pop(&chain, 4096, &why), SplitQueue::Pop::Empty);
}

// Found by the fuzzer: an empty buffer at a nonsense address is not an error (nothing is read
// or written there), so the chain is answered instead of ending the device.
TEST_F(QueueTest, EmptyBuffersAnywhereAreHarmless) {
    desc(0, 0xdead0000, 0, kNext, 1);
    desc(1, 0xbeef0000, 0, kWrite | kNext, 2);
    desc(2, kBase + kData, 4, kWrite);
    make_available(0);
    SplitQueue q = queue();
    Chain chain;
    std::string why;
    ASSERT_EQ(q.pop(&chain, 4096, &why), SplitQueue::Pop::Chain) << why;
    const std::uint8_t answer[] = {9, 8, 7};
    EXPECT_TRUE(q.complete(chain, answer));
    EXPECT_EQ(bytes_[kData], 9);
}

TEST_F(QueueTest, ALoopEnds) {
    desc(0, kBase + kData, 4, kNext, 1);
    desc(1, kBase + kData, 4, kNext, 0);
    make_available(0);
    EXPECT_EQ(pop_error(), "descriptor chain longer than the queue (a loop)");
}

TEST_F(QueueTest, BuffersOutsideGuestMemoryAreRefused) {
    desc(0, kBase + kSize - 2, 4, 0); // runs 2 bytes past the end
    make_available(0);
    EXPECT_EQ(pop_error(), "readable buffer outside guest memory");
    desc(0, kBase - 4096, 16, kWrite);
    EXPECT_EQ(pop_error(), "writable buffer outside guest memory");
    desc(0, ~std::uint64_t{0} - 2, 16, kWrite); // wraps
    EXPECT_EQ(pop_error(), "writable buffer outside guest memory");
}

TEST_F(QueueTest, IndicesOutsideTheQueueAreRefused) {
    make_available(kQueue); // head 8 in a queue of 8
    EXPECT_EQ(pop_error(), "chain head 8 outside a queue of 8");
    avail_ = 0;
    desc(0, kBase + kData, 4, kNext, 9);
    make_available(0);
    EXPECT_EQ(pop_error(), "descriptor 9 outside the queue");
}

TEST_F(QueueTest, AnAvailableIndexRunningAheadIsRefused) {
    const std::uint16_t idx = kQueue + 1;
    std::memcpy(bytes_.data() + kAvail + 2, &idx, 2);
    EXPECT_EQ(pop_error(), "available index ran 9 entries ahead of a queue of 8");
}

// The guest moves its available index while the device reads it: from 0x00ff to 0x0100 is a
// change of both bytes, and an index read one byte at a time (memcpy of two bytes may do that)
// could see 0x01ff or 0x0000, 256 or 65281 entries ahead, and end a healthy device. Found by
// the benchmark ("available index ran 290 entries ahead of a queue of 256").
TEST_F(QueueTest, AnIndexBeingMovedIsNeverReadHalfWritten) {
    auto* idx = reinterpret_cast<std::uint16_t*>(bytes_.data() + kAvail + 2);
    __atomic_store_n(idx, std::uint16_t{0x00ff}, __ATOMIC_RELAXED);
    std::atomic<bool> stop{false};
    std::thread guest([&] {
        for (std::uint32_t i = 0; !stop.load(std::memory_order_relaxed); ++i) {
            __atomic_store_n(idx, static_cast<std::uint16_t>(i % 2 != 0 ? 0x0100 : 0x00ff),
                             __ATOMIC_RELAXED);
        }
    });
    SplitQueue q(*memory_, {kQueue, kBase, kBase + kAvail, kBase + kUsed}, 0x00ff);
    std::string why;
    std::uint64_t broken = 0, reads = 0;
    const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(500);
    while (std::chrono::steady_clock::now() < end) {
        for (int i = 0; i < 1000; ++i, ++reads) {
            std::uint32_t count = 0;
            if (q.available(&count, &why) == SplitQueue::Pop::Broken) {
                ++broken;
            }
        }
    }
    stop = true;
    guest.join();
    EXPECT_EQ(broken, 0u) << "of " << reads << " reads; the last: " << why;
}

// Indexes are read and written as aligned 16-bit accesses: rings that do not allow that are
// refused when the queue is set up (virtio 1.x 2.7: available 2-byte, used 4-byte aligned).
TEST_F(QueueTest, MisalignedRingsAreRefused) {
    std::string why;
    EXPECT_TRUE(SplitQueue::valid(*memory_, {kQueue, kBase, kBase + kAvail, kBase + kUsed}, &why))
        << why;
    EXPECT_FALSE(
        SplitQueue::valid(*memory_, {kQueue, kBase, kBase + kAvail + 1, kBase + kUsed}, &why));
    EXPECT_EQ(why, "queue rings misaligned");
    why.clear();
    EXPECT_FALSE(
        SplitQueue::valid(*memory_, {kQueue, kBase, kBase + kAvail, kBase + kUsed + 2}, &why));
    EXPECT_EQ(why, "queue rings misaligned");
}

TEST_F(QueueTest, OrderIndirectAndSizeRulesHold) {
    desc(0, kBase + kData, 4, kWrite | kNext, 1);
    desc(1, kBase + kData, 4, 0);
    make_available(0);
    EXPECT_EQ(pop_error(), "readable descriptor after a writable one");
    desc(0, kBase + kData, 16, kIndirect);
    EXPECT_EQ(pop_error(), "indirect descriptor (not offered)");
    desc(0, kBase + kData, 4097, 0);
    EXPECT_EQ(pop_error(4096), "request of more than 4096 bytes");
}

TEST(GuestMemoryTest, RegionsSharingOneFileAndATruncatedFileFailWithoutACrash) {
    install_fault_guard();
    const int fd = memfd_create("ram", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(ftruncate(fd, 2 * 4096), 0);
    std::vector<sys::UniqueFd> fds;
    fds.emplace_back(fcntl(fd, F_DUPFD_CLOEXEC, 0));
    fds.emplace_back(fcntl(fd, F_DUPFD_CLOEXEC, 0));
    std::string why;
    auto memory = GuestMemory::map({{0x1000, 4096, 0x7000, 0}, {0x9000, 4096, 0x9000, 4096}},
                                   std::move(fds), &why);
    ASSERT_TRUE(memory) << why;
    EXPECT_FALSE(memory->sealed());
    ASSERT_EQ(pwrite(fd, "abcd", 4, 4096), 4);
    char out[4];
    ASSERT_TRUE(memory->read(0x9000, out, 4));
    EXPECT_EQ(std::string(out, 4), "abcd");
    EXPECT_EQ(memory->from_user(0x7010, 16), std::optional<std::uint64_t>(0x1010));
    EXPECT_FALSE(memory->read(0x1ffe, out, 4)); // between the regions
    // Shrunk under the mapping: the access fails, the process lives.
    ASSERT_EQ(ftruncate(fd, 4096), 0);
    EXPECT_FALSE(memory->read(0x9000, out, 4));
    EXPECT_TRUE(memory->read(0x1000, out, 4));
    close(fd);
}

TEST(ProtocolTest, HeadersAndMemoryTablesAreChecked) {
    std::string why;
    const std::vector<std::uint8_t> ok = build_message(1, 0, {});
    ASSERT_TRUE(parse_header(ok, &why));
    std::vector<std::uint8_t> bad = ok;
    bad[4] = 2; // version 2
    EXPECT_FALSE(parse_header(bad, &why));
    bad = ok;
    bad[5] = 1; // reserved flag bit 8
    EXPECT_FALSE(parse_header(bad, &why));
    bad = ok;
    store<std::uint32_t>(bad, 8, kMaxPayload + 1);
    EXPECT_FALSE(parse_header(bad, &why));

    std::vector<std::uint8_t> table(kMemTableHeader + kMemRegionSize);
    store<std::uint32_t>(table, 0, 1);
    store<std::uint64_t>(table, 8 + 8, 4096);
    EXPECT_TRUE(parse_mem_table(table, 1, &why));
    EXPECT_FALSE(parse_mem_table(table, 0, &why)) << "a region without its fd";
    store<std::uint64_t>(table, 8, ~std::uint64_t{0}); // wraps
    EXPECT_FALSE(parse_mem_table(table, 1, &why));
    store<std::uint32_t>(table, 0, 9);
    EXPECT_FALSE(parse_mem_table(table, 1, &why));
}

} // namespace
} // namespace prism::vmbridge::vhost_user
