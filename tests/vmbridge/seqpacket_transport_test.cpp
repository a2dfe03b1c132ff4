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
#include <poll.h>
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

std::vector<std::uint8_t> send_request(std::uint32_t vfd, const std::string& data,
                                       std::vector<std::uint32_t> ids = {}) {
    return virtio_wl::build(
        virtio_wl::Command{virtio_wl::CmdVfdSend{
            .vfd_id = vfd, .vfd_ids = std::move(ids), .data = {data.begin(), data.end()}}},
        virtio_wl::Features::all_wl());
}

std::uint32_t response_type(const std::vector<std::uint8_t>& response) {
    return response.size() >= 4 ? virtio_wl::load_le32(response, 0) : 0;
}

// Everything readable on `fd` within `timeout` of quiet; counts the fds that came along.
std::string read_all(int fd, std::chrono::milliseconds timeout, std::size_t* fds = nullptr) {
    std::string bytes;
    for (;;) {
        pollfd pfd{fd, POLLIN, 0};
        if (poll(&pfd, 1, static_cast<int>(timeout.count())) <= 0) {
            return bytes;
        }
        char buffer[65536];
        iovec iov{buffer, sizeof(buffer)};
        alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * 28)];
        msghdr msg{};
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control;
        msg.msg_controllen = sizeof(control);
        const ssize_t n = recvmsg(fd, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
        if (n <= 0) {
            return bytes;
        }
        for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c != nullptr; c = CMSG_NXTHDR(&msg, c)) {
            const std::size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
            for (std::size_t i = 0; i < count; ++i) {
                int raw;
                std::memcpy(&raw, CMSG_DATA(c) + i * sizeof(int), sizeof(int));
                close(raw);
                if (fds != nullptr) {
                    ++*fds;
                }
            }
        }
        bytes.append(buffer, static_cast<std::size_t>(n));
    }
}

// prism-vhost-wl hands a kick's chains over in one REQUESTS packet: the device answers each
// in order, and the bytes of the SENDs reach each stream in the order they were sent, whether
// they were gathered into one write or not (a SEND with an fd, and a CLOSE, in between).
TEST_F(SeqpacketTest, ABatchOfRequestsIsAnsweredAndWrittenInOrder) {
    SocketLink link(dir_ / "bridge.sock");
    GuestDriver guest(link);
    std::uint32_t a = 0, b = 0, memory = 0, c = 0;
    ASSERT_EQ(guest.new_ctx(&a), 0);
    ASSERT_EQ(guest.new_ctx(&b), 0);
    ASSERT_EQ(guest.new_ctx(&c), 0);
    ASSERT_EQ(guest.new_alloc(4096, &memory), 0);
    ASSERT_EQ(compositor_.size(), 3u);

    std::vector<std::vector<std::uint8_t>> requests;
    std::string to_a, to_b, to_c;
    for (int i = 0; i < 60; ++i) {
        const std::string data = "message " + std::to_string(i) + ";";
        if (i == 30) {
            requests.push_back(send_request(a, data, {memory})); // an fd rides on it
            to_a += data;
        } else if (i == 40) {
            requests.push_back(send_request(c, data));
            to_c += data;
            requests.push_back(
                virtio_wl::build(virtio_wl::Command{virtio_wl::CmdVfdClose{.vfd_id = c}},
                                 virtio_wl::Features::all_wl()));
        } else {
            requests.push_back(send_request(i % 3 == 0 ? b : a, data));
            (i % 3 == 0 ? to_b : to_a) += data;
        }
    }
    ASSERT_LE(requests.size(), test_wire::kMaxBatch);
    const auto responses = link.request_batch(requests);
    ASSERT_EQ(responses.size(), requests.size());
    for (const auto& response : responses) {
        EXPECT_EQ(response_type(response), virtio_wl::kRespOk);
    }
    std::size_t fds = 0;
    EXPECT_EQ(read_all(compositor_[0].get(), 500ms, &fds), to_a);
    EXPECT_EQ(fds, 1u);
    EXPECT_EQ(read_all(compositor_[1].get(), 500ms), to_b);
    EXPECT_EQ(read_all(compositor_[2].get(), 500ms), to_c); // written before the CLOSE
}

// A compositor that reads nothing: batched SENDs are held up to the VFD's backlog limit, then
// answered OUT_OF_MEMORY; what was answered OK arrives, in order, once it reads.
TEST_F(SeqpacketTest, BatchedSendsToAStreamNobodyReadsStopAtItsBacklogLimit) {
    SocketLink link(dir_ / "bridge.sock");
    GuestDriver guest(link);
    std::uint32_t ctx = 0;
    ASSERT_EQ(guest.new_ctx(&ctx), 0);
    ASSERT_EQ(compositor_.size(), 1u);

    std::string accepted;
    bool refused = false;
    int sends = 0;
    for (int batch = 0; batch < 200 && !refused; ++batch) {
        std::vector<std::vector<std::uint8_t>> requests;
        std::vector<std::string> data;
        for (int i = 0; i < 15; ++i, ++sends) {
            data.push_back(std::string(4000, static_cast<char>('a' + sends % 26)));
            requests.push_back(send_request(ctx, data.back()));
        }
        const auto responses = link.request_batch(requests);
        for (std::size_t i = 0; i < responses.size(); ++i) {
            if (response_type(responses[i]) == virtio_wl::kRespOk) {
                ASSERT_FALSE(refused) << "an OK after an OUT_OF_MEMORY would leave a hole";
                accepted += data[i];
            } else {
                EXPECT_EQ(response_type(responses[i]), virtio_wl::kRespOutOfMemory);
                refused = true;
            }
        }
    }
    EXPECT_TRUE(refused) << "prism took " << accepted.size() << " bytes nobody reads";
    // Held: at most the backlog limit (1 MiB) beyond what the socket buffer took.
    EXPECT_LT(accepted.size(), (1u << 20) + (4u << 20));
    EXPECT_EQ(read_all(compositor_[0].get(), 1000ms), accepted);
}

// A REQUESTS packet whose entries do not add up ends the connection before any of it is done.
TEST_F(SeqpacketTest, AMalformedRequestsPacketEndsTheConnection) {
    const auto packet = [](std::uint32_t count, std::vector<std::uint32_t> lengths,
                           std::size_t extra) {
        std::vector<std::uint8_t> bytes(test_wire::kBatchEntries);
        virtio_wl::store_le32(bytes, test_wire::kTag, test_wire::kRequests);
        virtio_wl::store_le32(bytes, test_wire::kBatchCount, count);
        for (std::uint32_t length : lengths) {
            const std::size_t at = bytes.size();
            bytes.resize(at + 4 + length);
            virtio_wl::store_le32(bytes, at, length);
        }
        bytes.resize(bytes.size() + extra);
        return bytes;
    };
    for (const auto& bytes : {packet(0, {}, 0), packet(test_wire::kMaxBatch + 1, {}, 0),
                              packet(2, {16}, 0), packet(1, {16}, 3), packet(1, {}, 2)}) {
        // The previous peer's connection is dropped on idle: wait for it.
        for (int i = 0; i < 100; ++i) {
            std::unique_lock lock(loop_mutex_);
            if (!listener_->connected()) {
                break;
            }
            lock.unlock();
            std::this_thread::sleep_for(20ms);
        }
        SocketLink link(dir_ / "bridge.sock");
        link.send_raw(bytes);
        EXPECT_FALSE(link.read_packet(5s));
        EXPECT_TRUE(link.closed());
    }
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
