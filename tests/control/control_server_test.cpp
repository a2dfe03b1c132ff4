#include "compositor/control/control_server.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <wayland-server-core.h>

#include "compositor/control/protocol.hpp"
#include "tests/control/test_support.hpp"

namespace prism::control {
namespace {

using nlohmann::json;
using test::RawClient;

constexpr std::size_t kBigReply = 1024 * 1024;

class ControlServerTest : public ::testing::Test {
protected:
    void SetUp() override {
        socket_path_ = dir_.path() / "prism-ipc.sock";
        server_ = ControlServer::create(loop_.get(), socket_path_);
        ASSERT_NE(server_, nullptr);
        server_->add_command("echo", [](const json& request) { return request; });
        server_->add_command("count", [this](const json&) { return ++count_; });
        server_->add_command("fail", [](const json&) -> json {
            throw CommandError("bad config", {"line 1: unknown key", "line 2: bad colour"});
        });
        server_->add_command("boom",
                             [](const json&) -> json { throw std::runtime_error("kaboom"); });
        server_->add_command("weird", [](const json&) -> json { throw 42; });
        server_->add_command("big", [](const json&) { return std::string(kBigReply, 'x'); });
    }

    bool pump_until(const std::function<bool()>& done) {
        return test::pump_until(loop_.get(), done);
    }

    test::TempDir dir_;
    test::LoopPtr loop_ = test::make_loop();
    std::filesystem::path socket_path_;
    std::unique_ptr<ControlServer> server_;
    int count_ = 0;
};

TEST_F(ControlServerTest, RoundTrip) {
    RawClient client(loop_.get(), socket_path_);
    EXPECT_EQ(client.request("{\"command\":\"echo\",\"x\":1}\n"),
              "{\"ok\":true,\"result\":{\"command\":\"echo\",\"x\":1}}\n");
    EXPECT_EQ(server_->path(), socket_path_);
}

TEST_F(ControlServerTest, ReplyIsWrittenBeforeReturningToTheLoop) {
    // A "quit" handler terminates the display, so the loop may never come back for this client:
    // the reply has to be on its way by the time the dispatch that ran the handler returns.
    bool terminated = false;
    server_->add_command("quit", [&terminated](const json&) {
        terminated = true;
        return json::object();
    });
    RawClient client(loop_.get(), socket_path_);
    ASSERT_TRUE(pump_until([&] { return server_->client_count() == 1; }));
    client.send("{\"command\":\"quit\"}\n");
    while (!terminated) {
        ASSERT_GE(wl_event_loop_dispatch(loop_.get(), 5000), 0);
    }
    EXPECT_EQ(client.read_available(), "{\"ok\":true,\"result\":{}}\n");
}

TEST_F(ControlServerTest, SeveralRequestsInOneWrite) {
    RawClient client(loop_.get(), socket_path_);
    client.send(
        "{\"command\":\"count\"}\n{\"command\":\"echo\",\"n\":2}\n{\"command\":\"count\"}\n");
    EXPECT_EQ(client.read_line(), "{\"ok\":true,\"result\":1}\n");
    EXPECT_EQ(client.read_line(), "{\"ok\":true,\"result\":{\"command\":\"echo\",\"n\":2}}\n");
    EXPECT_EQ(client.read_line(), "{\"ok\":true,\"result\":2}\n");
}

TEST_F(ControlServerTest, RequestSplitOverSeveralWrites) {
    RawClient client(loop_.get(), socket_path_);
    const std::string request = "{\"command\":\"echo\",\"s\":\"caf\xC3\xA9\"}\n";
    for (char byte : request) {
        client.send(std::string_view(&byte, 1));
        wl_event_loop_dispatch(loop_.get(), 0);
    }
    EXPECT_EQ(client.read_line(),
              "{\"ok\":true,\"result\":{\"command\":\"echo\",\"s\":\"caf\xC3\xA9\"}}\n");
}

TEST_F(ControlServerTest, BlankLinesAreIgnored) {
    RawClient client(loop_.get(), socket_path_);
    client.send("\n  \r\n{\"command\":\"count\"}\r\n");
    EXPECT_EQ(client.read_line(), "{\"ok\":true,\"result\":1}\n");
}

struct BadRequest {
    const char* name;
    std::string line;
    std::string reply_prefix; // the reply must start with this
    std::string reply;        // and, if not empty, be exactly this
};

class MalformedRequestTest : public ControlServerTest,
                             public ::testing::WithParamInterface<BadRequest> {};

TEST_P(MalformedRequestTest, GetsAnErrorAndTheServerKeepsServing) {
    const BadRequest& bad = GetParam();
    RawClient client(loop_.get(), socket_path_);
    RawClient other(loop_.get(), socket_path_);

    const auto reply = client.request(bad.line + "\n");
    ASSERT_TRUE(reply.has_value());
    EXPECT_TRUE(reply->starts_with(bad.reply_prefix)) << *reply;
    if (!bad.reply.empty()) {
        EXPECT_EQ(*reply, bad.reply);
    }
    EXPECT_TRUE(reply->ends_with("}\n"));
    EXPECT_TRUE(json::accept(*reply));

    // The same connection and other connections still work.
    EXPECT_EQ(client.request("{\"command\":\"count\"}\n"), "{\"ok\":true,\"result\":1}\n");
    EXPECT_EQ(other.request("{\"command\":\"count\"}\n"), "{\"ok\":true,\"result\":2}\n");
    EXPECT_EQ(server_->client_count(), 2u);
}

INSTANTIATE_TEST_SUITE_P(
    Requests, MalformedRequestTest,
    ::testing::Values(
        BadRequest{"NotJson", "hello", "{\"ok\":false,\"error\":\"request is not valid JSON (", ""},
        BadRequest{"TruncatedJson", "{\"command\":\"echo\"",
                   "{\"ok\":false,\"error\":\"request is not valid JSON (", ""},
        BadRequest{"NotAnObject", "[\"windows\"]", "",
                   "{\"ok\":false,\"error\":\"request must be a JSON object, got array\"}\n"},
        BadRequest{"MissingCommand", "{\"args\":1}", "",
                   "{\"ok\":false,\"error\":\"request has no \\\"command\\\" member\"}\n"},
        BadRequest{"CommandNotAString", "{\"command\":[\"echo\"]}", "",
                   "{\"ok\":false,\"error\":\"request member \\\"command\\\" must be a string, "
                   "got array\"}\n"},
        BadRequest{"UnknownCommand", "{\"command\":\"frobnicate\"}", "",
                   "{\"ok\":false,\"error\":\"unknown command 'frobnicate'\",\"details\":"
                   "[\"big\",\"boom\",\"count\",\"echo\",\"fail\",\"weird\"]}\n"},
        BadRequest{"InvalidUtf8", "{\"command\":\"echo\",\"s\":\"\xC3(\"}", "",
                   "{\"ok\":false,\"error\":\"request is not valid UTF-8\"}\n"},
        BadRequest{"InvalidUtf8OutsideString", "\xFF{\"command\":\"echo\"}", "",
                   "{\"ok\":false,\"error\":\"request is not valid UTF-8\"}\n"}),
    [](const ::testing::TestParamInfo<BadRequest>& param_info) { return param_info.param.name; });

TEST_F(ControlServerTest, CommandErrorCarriesDetails) {
    RawClient client(loop_.get(), socket_path_);
    EXPECT_EQ(client.request("{\"command\":\"fail\"}\n"),
              "{\"ok\":false,\"error\":\"bad config\",\"details\":[\"line 1: unknown key\","
              "\"line 2: bad colour\"]}\n");
}

TEST_F(ControlServerTest, OtherExceptionsBecomeInternalErrors) {
    RawClient client(loop_.get(), socket_path_);
    EXPECT_EQ(client.request("{\"command\":\"boom\"}\n"),
              "{\"ok\":false,\"error\":\"internal error: kaboom\"}\n");
    EXPECT_EQ(client.request("{\"command\":\"weird\"}\n"),
              "{\"ok\":false,\"error\":\"internal error: unknown exception\"}\n");
    EXPECT_EQ(client.request("{\"command\":\"count\"}\n"), "{\"ok\":true,\"result\":1}\n");
}

TEST_F(ControlServerTest, InvalidUtf8FromAHandlerIsReplaced) {
    server_->add_command("title", [](const json&) { return json{{"title", "ab\xFF"}}; });
    RawClient client(loop_.get(), socket_path_);
    EXPECT_EQ(client.request("{\"command\":\"title\"}\n"),
              "{\"ok\":true,\"result\":{\"title\":\"ab\xEF\xBF\xBD\"}}\n");
}

TEST_F(ControlServerTest, LineOfExactlyTheLimitIsAccepted) {
    const std::string head = "{\"command\":\"count\",\"pad\":\"";
    const std::string tail = "\"}";
    const std::string line =
        head + std::string(kMaxRequestLine - head.size() - tail.size(), 'p') + tail;
    ASSERT_EQ(line.size(), kMaxRequestLine);
    RawClient client(loop_.get(), socket_path_);
    EXPECT_EQ(client.request(line + "\n"), "{\"ok\":true,\"result\":1}\n");
}

TEST_F(ControlServerTest, OverlongLineGetsAnErrorAndIsDisconnected) {
    RawClient other(loop_.get(), socket_path_);
    RawClient client(loop_.get(), socket_path_);
    client.send("{\"command\":\"count\"}\n");
    EXPECT_EQ(client.read_line(), "{\"ok\":true,\"result\":1}\n");

    // No newline at all: the server must not wait for one forever.
    client.send(std::string(kMaxRequestLine + 100, 'a'));
    const auto rest = client.read_until_closed();
    ASSERT_TRUE(rest.has_value());
    EXPECT_EQ(*rest, "{\"ok\":false,\"error\":\"request line too long (limit is 65536 bytes)\"}\n");
    ASSERT_TRUE(pump_until([&] { return server_->client_count() == 1; }));

    EXPECT_EQ(other.request("{\"command\":\"count\"}\n"), "{\"ok\":true,\"result\":2}\n");
}

TEST_F(ControlServerTest, OverlongCompleteLineIsRejected) {
    RawClient client(loop_.get(), socket_path_);
    client.send("{\"command\":\"echo\",\"pad\":\"" + std::string(kMaxRequestLine, 'p') +
                "\"}\n{\"command\":\"count\"}\n");
    const auto rest = client.read_until_closed();
    ASSERT_TRUE(rest.has_value());
    EXPECT_EQ(*rest, "{\"ok\":false,\"error\":\"request line too long (limit is 65536 bytes)\"}\n");
    EXPECT_EQ(count_, 0); // nothing after the bad line ran
}

TEST_F(ControlServerTest, ClientThatNeverReadsDoesNotBlockAndIsDropped) {
    RawClient hog(loop_.get(), socket_path_);
    RawClient other(loop_.get(), socket_path_);
    ASSERT_TRUE(pump_until([&] { return server_->client_count() == 2; }));

    // 40 MiB of replies: far more than the socket buffer plus the 16 MiB queue limit.
    std::string requests;
    for (int i = 0; i < 40; ++i) {
        requests += "{\"command\":\"big\"}\n";
    }
    hog.send(requests);

    // The loop keeps running and serves the other client while the hog's replies pile up.
    EXPECT_EQ(other.request("{\"command\":\"count\"}\n"), "{\"ok\":true,\"result\":1}\n");
    ASSERT_TRUE(pump_until([&] { return server_->client_count() == 1; }));
    EXPECT_EQ(other.request("{\"command\":\"count\"}\n"), "{\"ok\":true,\"result\":2}\n");

    // All the hog can still read is what fitted in its socket buffer (the start of the first
    // reply), then the connection ends.
    const auto received = hog.read_until_closed();
    ASSERT_TRUE(received.has_value());
    const std::string one_reply =
        "{\"ok\":true,\"result\":\"" + std::string(kBigReply, 'x') + "\"}\n";
    ASSERT_GT(received->size(), 0u);
    ASSERT_LT(received->size(), one_reply.size());
    EXPECT_TRUE(one_reply.compare(0, received->size(), *received) == 0)
        << "size " << received->size() << ", starts with " << received->substr(0, 40);
}

TEST_F(ControlServerTest, HalfClosedClientStillGetsItsReplies) {
    RawClient client(loop_.get(), socket_path_);
    // The last request has no newline: end of stream terminates it.
    client.send("{\"command\":\"count\"}\n{\"command\":\"count\"}");
    client.shutdown_write();
    EXPECT_EQ(client.read_until_closed(),
              "{\"ok\":true,\"result\":1}\n{\"ok\":true,\"result\":2}\n");
    ASSERT_TRUE(pump_until([&] { return server_->client_count() == 0; }));
}

TEST_F(ControlServerTest, ClosedClientIsRemoved) {
    {
        RawClient client(loop_.get(), socket_path_);
        EXPECT_EQ(client.request("{\"command\":\"count\"}\n"), "{\"ok\":true,\"result\":1}\n");
        EXPECT_EQ(server_->client_count(), 1u);
    }
    ASSERT_TRUE(pump_until([&] { return server_->client_count() == 0; }));
}

TEST_F(ControlServerTest, FireAndForgetRequestStillRuns) {
    {
        RawClient client(loop_.get(), socket_path_);
        client.send("{\"command\":\"count\"}\n");
    } // closed before the server even accepted it
    ASSERT_TRUE(pump_until([&] { return count_ == 1 && server_->client_count() == 0; }));
}

TEST_F(ControlServerTest, TooManyClientsAreTurnedAway) {
    std::vector<std::unique_ptr<RawClient>> clients;
    for (std::size_t i = 0; i < kMaxClients; ++i) {
        clients.push_back(std::make_unique<RawClient>(loop_.get(), socket_path_));
        // Let the server accept as we go, so the listen backlog never fills up.
        ASSERT_TRUE(pump_until([&] { return server_->client_count() == i + 1; }));
    }
    RawClient extra(loop_.get(), socket_path_);
    EXPECT_EQ(extra.read_until_closed(),
              "{\"ok\":false,\"error\":\"too many control connections\"}\n");
    EXPECT_EQ(clients.front()->request("{\"command\":\"count\"}\n"),
              "{\"ok\":true,\"result\":1}\n");
    clients.pop_back();
    ASSERT_TRUE(pump_until([&] { return server_->client_count() == kMaxClients - 1; }));
    RawClient late(loop_.get(), socket_path_);
    EXPECT_EQ(late.request("{\"command\":\"count\"}\n"), "{\"ok\":true,\"result\":2}\n");
}

TEST_F(ControlServerTest, SocketHasMode0600) {
    struct stat st{};
    ASSERT_EQ(stat(socket_path_.c_str(), &st), 0);
    EXPECT_TRUE(S_ISSOCK(st.st_mode));
    EXPECT_EQ(st.st_mode & 07777, 0600u);
}

TEST_F(ControlServerTest, SocketHasMode0600EvenWithPermissiveUmask) {
    server_.reset();
    const mode_t old_umask = umask(0);
    server_ = ControlServer::create(loop_.get(), socket_path_);
    umask(old_umask);
    ASSERT_NE(server_, nullptr);
    struct stat st{};
    ASSERT_EQ(stat(socket_path_.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0600u);
}

TEST_F(ControlServerTest, AllSocketsAreCloseOnExec) {
    RawClient client(loop_.get(), socket_path_);
    EXPECT_EQ(client.request("{\"command\":\"count\"}\n"), "{\"ok\":true,\"result\":1}\n");
    int sockets = 0;
    for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd")) {
        std::error_code error;
        const auto target = std::filesystem::read_symlink(entry.path(), error);
        if (error || !target.native().starts_with("socket:")) {
            continue;
        }
        const int fd = std::stoi(entry.path().filename().native());
        const int flags = fcntl(fd, F_GETFD);
        if (flags < 0) {
            continue; // the directory iterator's own fd, or closed meanwhile
        }
        ++sockets;
        EXPECT_NE(flags & FD_CLOEXEC, 0) << "fd " << fd << " lacks FD_CLOEXEC";
    }
    EXPECT_GE(sockets, 3); // listener, accepted client, test client (plus libwayland's dups)
}

TEST_F(ControlServerTest, DestructorClosesClientsAndUnlinksTheSocket) {
    RawClient client(loop_.get(), socket_path_);
    ASSERT_TRUE(pump_until([&] { return server_->client_count() == 1; }));
    server_.reset();
    EXPECT_FALSE(std::filesystem::exists(std::filesystem::symlink_status(socket_path_)));
    EXPECT_EQ(client.read_until_closed(), "");
}

TEST_F(ControlServerTest, LiveSocketIsNotReplaced) {
    auto second = ControlServer::create(loop_.get(), socket_path_);
    EXPECT_EQ(second, nullptr);
    // The first server still owns the path and answers.
    RawClient client(loop_.get(), socket_path_);
    EXPECT_EQ(client.request("{\"command\":\"count\"}\n"), "{\"ok\":true,\"result\":1}\n");
}

TEST_F(ControlServerTest, DestructorLeavesASuccessorsSocketAlone) {
    // Someone replaced our socket file; our teardown must not delete theirs.
    ASSERT_EQ(unlink(socket_path_.c_str()), 0);
    auto successor = ControlServer::create(loop_.get(), socket_path_);
    ASSERT_NE(successor, nullptr);
    server_.reset();
    RawClient client(loop_.get(), socket_path_);
    successor->add_command("who", [](const json&) { return "successor"; });
    EXPECT_EQ(client.request("{\"command\":\"who\"}\n"),
              "{\"ok\":true,\"result\":\"successor\"}\n");
}

class ControlServerCreateTest : public ::testing::Test {
protected:
    test::TempDir dir_;
    test::LoopPtr loop_ = test::make_loop();
    std::filesystem::path path_ = dir_.path() / "prism-ipc.sock";
};

TEST_F(ControlServerCreateTest, StaleSocketIsReplaced) {
    // A socket file nobody listens on, as left behind by a crashed compositor.
    const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    ASSERT_GE(fd, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, path_.c_str(), sizeof(address.sun_path) - 1);
    ASSERT_EQ(bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address)), 0);
    close(fd);
    ASSERT_TRUE(std::filesystem::is_socket(path_));

    auto server = ControlServer::create(loop_.get(), path_);
    ASSERT_NE(server, nullptr);
    server->add_command("ping", [](const json&) { return "pong"; });
    RawClient client(loop_.get(), path_);
    EXPECT_EQ(client.request("{\"command\":\"ping\"}\n"), "{\"ok\":true,\"result\":\"pong\"}\n");
}

TEST_F(ControlServerCreateTest, LiveListenerOfAnotherProgramIsNotReplaced) {
    const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    ASSERT_GE(fd, 0);
    sockaddr_un address{};
    address.sun_family = AF_UNIX;
    std::strncpy(address.sun_path, path_.c_str(), sizeof(address.sun_path) - 1);
    ASSERT_EQ(bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof(address)), 0);
    ASSERT_EQ(listen(fd, 1), 0);

    EXPECT_EQ(ControlServer::create(loop_.get(), path_), nullptr);
    EXPECT_TRUE(std::filesystem::is_socket(path_));
    close(fd);
}

TEST_F(ControlServerCreateTest, RegularFileIsNotReplaced) {
    std::ofstream(path_) << "precious";
    EXPECT_EQ(ControlServer::create(loop_.get(), path_), nullptr);
    std::ifstream in(path_);
    std::string content;
    in >> content;
    EXPECT_EQ(content, "precious");
}

TEST_F(ControlServerCreateTest, MissingDirectoryFails) {
    EXPECT_EQ(ControlServer::create(loop_.get(), dir_.path() / "no" / "such" / "dir.sock"),
              nullptr);
}

TEST_F(ControlServerCreateTest, OverlongPathFails) {
    EXPECT_EQ(ControlServer::create(loop_.get(), dir_.path() / std::string(200, 'x')), nullptr);
    EXPECT_EQ(ControlServer::create(loop_.get(), ""), nullptr);
}

} // namespace
} // namespace prism::control
