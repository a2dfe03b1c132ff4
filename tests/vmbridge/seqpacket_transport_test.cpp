// The test transport in process: a SeqpacketListener on a private event loop, a SocketLink
// peer on another thread's schedule (this one: the test pumps the loop between steps), and raw
// socketpairs as the compositor.
#include "guest/link.hpp"
#include "guest/wl0.hpp"
#include "vmbridge/device/seqpacket_transport.hpp"
#include "vmbridge/device/test_transport_wire.hpp"
#include "vmbridge/virtio_wl/le.hpp"

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <gtest/gtest.h>
#include <mutex>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <thread>
#include <unistd.h>

namespace prism::vmbridge::device {
namespace {

using namespace std::chrono_literals;
using guest::GuestDriver;
using guest::SocketLink;

class SeqpacketTest : public ::testing::Test {
protected:
    void SetUp() override {
        char dir[] = "/tmp/prism-seqpacket-XXXXXX";
        ASSERT_NE(mkdtemp(dir), nullptr);
        dir_ = dir;
        loop_ = wl_event_loop_create();
        DeviceOptions options;
        options.connect_context = [this](std::string_view) -> int {
            int ends[2];
            if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ends) != 0) {
                return -1;
            }
            compositor_.emplace_back(ends[1]);
            return ends[0];
        };
        std::string error;
        listener_ = SeqpacketListener::create(loop_, dir_ / "bridge.sock", options, &error);
        ASSERT_TRUE(listener_) << error;
        // The loop runs on its own thread so the peer (this thread) can block on the socket.
        loop_thread_ = std::thread([this] {
            while (!stop_) {
                std::lock_guard lock(loop_mutex_);
                wl_event_loop_dispatch(loop_, 10);
                wl_event_loop_dispatch_idle(loop_);
            }
        });
    }
    void TearDown() override {
        stop_ = true;
        loop_thread_.join();
        listener_.reset();
        compositor_.clear();
        wl_event_loop_destroy(loop_);
        std::filesystem::remove_all(dir_);
    }

    std::filesystem::path dir_;
    wl_event_loop* loop_ = nullptr;
    std::unique_ptr<SeqpacketListener> listener_;
    std::vector<sys::UniqueFd> compositor_;
    std::thread loop_thread_;
    std::atomic<bool> stop_{false};
    std::mutex loop_mutex_; // held by the loop thread while it dispatches
};

TEST_F(SeqpacketTest, SocketIsPrivateAndReplacedWhenStale) {
    struct stat st{};
    ASSERT_EQ(stat((dir_ / "bridge.sock").c_str(), &st), 0);
    EXPECT_TRUE(S_ISSOCK(st.st_mode));
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    std::string error;
    std::unique_lock lock(loop_mutex_);
    EXPECT_FALSE(SeqpacketListener::create(loop_, dir_ / "bridge.sock", {}, &error))
        << "a live socket was replaced";
    EXPECT_NE(error.find("in use"), std::string::npos) << error;
    {
        std::ofstream(dir_ / "file") << "x";
    }
    EXPECT_FALSE(SeqpacketListener::create(loop_, dir_ / "file", {}, &error));
    lock.unlock();

    // A socket nobody listens on (left by a compositor that died) is replaced.
    const std::filesystem::path stale = dir_ / "stale.sock";
    {
        sys::UniqueFd fd(socket(AF_UNIX, SOCK_SEQPACKET, 0));
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        std::strncpy(addr.sun_path, stale.c_str(), sizeof(addr.sun_path) - 1);
        ASSERT_EQ(bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    }
    lock.lock();
    EXPECT_TRUE(SeqpacketListener::create(loop_, stale, {}, &error)) << error;
}

TEST_F(SeqpacketTest, APeerThatStopsReadingCannotMakePrismQueueWithoutBound) {
    SocketLink link(dir_ / "bridge.sock");
    GuestDriver guest(link, GuestDriver::Options{.in_buffers = 0, .repost = false});
    std::uint32_t ctx = 0;
    ASSERT_EQ(guest.new_ctx(&ctx), 0);
    ASSERT_EQ(compositor_.size(), 1u);

    // Plenty of credits, then the peer reads nothing while the compositor writes a lot.
    guest.post_in_buffers(test_wire::kMaxCredits);
    fcntl(compositor_[0].get(), F_SETFL, O_NONBLOCK);
    std::string sent;
    for (int i = 0; sent.size() < 16 * 1024 * 1024; ++i) {
        const std::string chunk(3000, static_cast<char>('a' + i % 26));
        const ssize_t n = write(compositor_[0].get(), chunk.data(), chunk.size());
        if (n < 0) {
            ASSERT_EQ(errno, EAGAIN);
            std::this_thread::sleep_for(50ms);
            if (write(compositor_[0].get(), chunk.data(), 1) < 0) {
                break; // still full: prism stopped reading the context
            }
            sent.push_back(chunk[0]);
            continue;
        }
        sent.append(chunk, 0, static_cast<std::size_t>(n));
    }
    EXPECT_LT(sent.size(), 16u * 1024 * 1024) << "prism kept reading a context nobody drains";
    std::optional<DeviceStats> stats;
    {
        std::lock_guard lock(loop_mutex_);
        stats = listener_->stats();
    }
    ASSERT_TRUE(stats);
    EXPECT_FALSE(stats->reading);

    // The peer drains: every byte arrives, in order.
    std::string received_all;
    while (received_all.size() < sent.size()) {
        GuestDriver::Received received;
        ASSERT_EQ(guest.recv(ctx, &received, 10s), 0) << received_all.size() << "/" << sent.size();
        received_all.append(received.data.begin(), received.data.end());
    }
    EXPECT_EQ(received_all, sent);
}

TEST_F(SeqpacketTest, FeaturesWithoutUseShmemEndTheConnection) {
    SocketLink link(dir_ / "bridge.sock", false);
    std::vector<std::uint8_t> packet(test_wire::kFeaturesSize);
    virtio_wl::store_le32(packet, test_wire::kTag, test_wire::kFeatures);
    virtio_wl::store_le64(packet, test_wire::kFeaturesBits,
                          virtio_wl::Features::none().with(virtio_wl::kFeatureTransFlags).bits);
    link.send_raw(packet);
    EXPECT_FALSE(link.read_packet(5s));
    EXPECT_TRUE(link.closed());
}

} // namespace
} // namespace prism::vmbridge::device
