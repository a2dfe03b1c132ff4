#include "origins/vm_socket.hpp"

#include <chrono>
#include <cstring>
#include <fstream>
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

namespace prism::origins {
namespace {

class VmSocketTest : public ::testing::Test {
protected:
    void SetUp() override {
        char dir_template[] = "/tmp/prism-vmsock-XXXXXX";
        ASSERT_NE(mkdtemp(dir_template), nullptr);
        dir_ = dir_template;
        path_ = dir_ / "wayland-vm-work";
        loop_ = wl_event_loop_create();
    }
    void TearDown() override {
        wl_event_loop_destroy(loop_);
        std::filesystem::remove_all(dir_);
    }

    static int bound_socket(const std::filesystem::path& path, bool listening) {
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        std::strcpy(addr.sun_path, path.c_str());
        EXPECT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
        if (listening) {
            EXPECT_EQ(listen(fd, 1), 0);
        }
        return fd;
    }

    static int connect_to(const std::filesystem::path& path) {
        int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        std::strcpy(addr.sun_path, path.c_str());
        if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
            close(fd);
            return -1;
        }
        return fd;
    }

    std::filesystem::path dir_, path_;
    wl_event_loop* loop_ = nullptr;
};

TEST_F(VmSocketTest, AcceptsConnectionsAndIsPrivate) {
    std::vector<int> accepted;
    std::string error;
    auto sock = VmSocket::create(
        loop_, path_,
        [&](int fd) {
            accepted.push_back(fd);
            return true;
        },
        &error);
    ASSERT_TRUE(sock) << error;

    struct stat st;
    ASSERT_EQ(stat(path_.c_str(), &st), 0);
    EXPECT_TRUE(S_ISSOCK(st.st_mode));
    EXPECT_EQ(st.st_mode & 0777, 0600);

    int client = connect_to(path_);
    ASSERT_GE(client, 0);
    wl_event_loop_dispatch(loop_, 1000);
    ASSERT_EQ(accepted.size(), 1u);
    close(accepted[0]);
    close(client);
}

TEST_F(VmSocketTest, OutOfFdsItPausesInsteadOfSpinningAndAcceptsLater) {
    std::vector<int> accepted;
    std::string error;
    auto sock = VmSocket::create(
        loop_, path_,
        [&](int fd) {
            accepted.push_back(fd);
            return true;
        },
        &error);
    ASSERT_TRUE(sock) << error;
    const int client = connect_to(path_);
    ASSERT_GE(client, 0);

    // No fd left for accept(): the soft limit at the lowest free descriptor.
    rlimit saved{};
    ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &saved), 0);
    const int lowest_free = dup(0);
    ASSERT_GE(lowest_free, 0);
    close(lowest_free);
    rlimit tight = saved;
    tight.rlim_cur = static_cast<rlim_t>(lowest_free);
    ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &tight), 0);

    // A loop that spins would dispatch thousands of times in 300 ms; a paused socket lets each
    // dispatch wait out its timeout.
    int dispatches = 0;
    const auto end = std::chrono::steady_clock::now() + std::chrono::milliseconds(300);
    while (std::chrono::steady_clock::now() < end) {
        wl_event_loop_dispatch(loop_, 20);
        ++dispatches;
    }
    ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &saved), 0);
    EXPECT_TRUE(accepted.empty());
    EXPECT_LT(dispatches, 100) << "the loop spun on a connection it could not accept";

    // With descriptors again, the waiting connection is taken after the pause.
    for (int i = 0; i < 100 && accepted.empty(); ++i) {
        wl_event_loop_dispatch(loop_, 20);
    }
    ASSERT_EQ(accepted.size(), 1u);
    close(accepted[0]);
    close(client);
}

TEST_F(VmSocketTest, RemovesItsSocketWhenDestroyed) {
    std::string error;
    auto sock = VmSocket::create(loop_, path_, [](int fd) { return close(fd) == 0; }, &error);
    ASSERT_TRUE(sock) << error;
    sock.reset();
    EXPECT_FALSE(std::filesystem::exists(path_));
}

TEST_F(VmSocketTest, ReplacesAStaleSocketNobodyAnswers) {
    close(bound_socket(path_, false)); // left behind by a crashed compositor
    ASSERT_TRUE(std::filesystem::exists(path_));
    std::string error;
    auto sock = VmSocket::create(loop_, path_, [](int fd) { return close(fd) == 0; }, &error);
    EXPECT_TRUE(sock) << error;
}

TEST_F(VmSocketTest, RefusesASocketSomeoneListensOn) {
    int live = bound_socket(path_, true);
    std::string error;
    auto sock = VmSocket::create(loop_, path_, [](int fd) { return close(fd) == 0; }, &error);
    EXPECT_FALSE(sock);
    EXPECT_NE(error.find("another program is listening"), std::string::npos) << error;
    // The live socket is untouched: it still accepts.
    int client = connect_to(path_);
    EXPECT_GE(client, 0);
    close(client);
    close(live);
}

TEST_F(VmSocketTest, NeverReplacesAFileThatIsNotASocket) {
    std::ofstream(path_) << "precious";
    std::string error;
    auto sock = VmSocket::create(loop_, path_, [](int fd) { return close(fd) == 0; }, &error);
    EXPECT_FALSE(sock);
    EXPECT_NE(error.find("not a socket"), std::string::npos) << error;
    std::ifstream in(path_);
    std::string content;
    in >> content;
    EXPECT_EQ(content, "precious");
}

TEST_F(VmSocketTest, TwoCompositorsCannotShareAPath) {
    std::string error;
    auto first = VmSocket::create(loop_, path_, [](int fd) { return close(fd) == 0; }, &error);
    ASSERT_TRUE(first) << error;
    auto second = VmSocket::create(loop_, path_, [](int fd) { return close(fd) == 0; }, &error);
    EXPECT_FALSE(second);
    EXPECT_NE(error.find("in use"), std::string::npos) << error;
    // The first one's socket survives the failed attempt.
    int client = connect_to(path_);
    EXPECT_GE(client, 0);
    close(client);
}

TEST_F(VmSocketTest, RejectsRelativeAndOverlongPaths) {
    std::string error;
    EXPECT_FALSE(
        VmSocket::create(loop_, "relative/sock", [](int fd) { return close(fd) == 0; }, &error));
    EXPECT_FALSE(VmSocket::create(
        loop_, "/" + std::string(200, 'x'), [](int fd) { return close(fd) == 0; }, &error));
}

} // namespace
} // namespace prism::origins
