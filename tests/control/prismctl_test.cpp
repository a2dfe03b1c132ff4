// Runs the real prismctl binary against a ControlServer in this process. The server's loop is
// pumped on the test thread while prismctl runs (see test::run_process).

#include <cstring>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <wayland-server-core.h>

#include "compositor/control/control_server.hpp"
#include "tests/control/test_support.hpp"

namespace prism::control {
namespace {

using nlohmann::json;
using test::ProcessResult;

json sample_windows() {
    return json::array({
        {{"id", 1},
         {"vm", "work"},
         {"title", "Inbox \xE2\x80\x94 Mail"},
         {"app_id", "thunderbird"},
         {"x", 0},
         {"y", 0},
         {"width", 1280},
         {"height", 720},
         {"focused", true},
         {"urgent", false}},
        {{"id", 12},
         {"vm", "host"},
         {"title", "Terminal"},
         {"app_id", "foot"},
         {"x", -10},
         {"y", 20},
         {"width", 800},
         {"height", 600},
         {"focused", false},
         {"urgent", true}},
    });
}

class PrismctlTest : public ::testing::Test {
protected:
    void SetUp() override {
        socket_path_ = dir_.path() / "prism-ipc.sock";
        server_ = ControlServer::create(loop_.get(), socket_path_);
        ASSERT_NE(server_, nullptr);
        server_->add_command("windows", [this](const json&) { return windows_; });
        server_->add_command("vms", [](const json&) {
            return json::array({{{"name", "work"},
                                 {"label", "Work"},
                                 {"colour", "#3366ff"},
                                 {"socket", "/run/user/1000/prism-vm-work.sock"},
                                 {"clients", 2},
                                 {"windows", 5},
                                 {"vmbridge",
                                  {{"socket", "/run/user/1000/prism-vmbridge-work.sock"},
                                   {"connected", true},
                                   {"contexts", 3},
                                   {"vfds", 12},
                                   {"shm_bytes", 65536},
                                   {"queued_messages", 0},
                                   {"reading", false}}}},
                                {{"name", "banking"},
                                 {"label", "Banking (isolated)"},
                                 {"colour", "#cc0000"},
                                 {"socket", "/run/user/1000/prism-vm-banking.sock"},
                                 {"clients", 0},
                                 {"windows", 0}}});
        });
        server_->add_command("outputs", [](const json&) {
            return json::array({{{"name", "HDMI-A-1"},
                                 {"x", 0},
                                 {"y", 0},
                                 {"width", 2560},
                                 {"height", 1440},
                                 {"scale", 1.5},
                                 {"enabled", true}},
                                {{"name", "eDP-1"},
                                 {"x", 1707},
                                 {"y", 0},
                                 {"width", 1920},
                                 {"height", 1080},
                                 {"scale", 2.0},
                                 {"enabled", false}}});
        });
        server_->add_command("reload", [this](const json&) -> json {
            if (reload_fails_) {
                throw CommandError("configuration has errors", {"vms.toml:3: unknown key 'colur'",
                                                                "vms.toml:7: duplicate VM 'work'"});
            }
            return {{"vms", 3}};
        });
        server_->add_command("quit", [this](const json&) {
            quit_requested_ = true;
            return json::object();
        });
    }

    ProcessResult prismctl(std::vector<std::string> args,
                           std::map<std::string, std::string> env = {}) {
        args.insert(args.begin(), test::prismctl_path());
        return test::run_process(loop_.get(), args, env);
    }

    // prismctl with --socket pointing at the test server.
    ProcessResult prismctl_here(std::vector<std::string> args) {
        args.insert(args.begin(), {"--socket", socket_path_.native()});
        return prismctl(std::move(args));
    }

    test::TempDir dir_;
    test::LoopPtr loop_ = test::make_loop();
    std::filesystem::path socket_path_;
    std::unique_ptr<ControlServer> server_;
    json windows_ = sample_windows();
    bool reload_fails_ = false;
    bool quit_requested_ = false;
};

TEST_F(PrismctlTest, JsonWindows) {
    windows_ = json::array({{{"id", 7},
                             {"vm", "host"},
                             {"title", "Terminal"},
                             {"app_id", "foot"},
                             {"x", 10},
                             {"y", 20},
                             {"width", 800},
                             {"height", 600},
                             {"focused", true},
                             {"urgent", false}}});
    const ProcessResult result = prismctl_here({"--json", "windows"});
    EXPECT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(result.err, "");
    EXPECT_EQ(result.out, R"([
  {
    "app_id": "foot",
    "focused": true,
    "height": 600,
    "id": 7,
    "title": "Terminal",
    "urgent": false,
    "vm": "host",
    "width": 800,
    "x": 10,
    "y": 20
  }
]
)");
}

TEST_F(PrismctlTest, WindowsTable) {
    const ProcessResult result = prismctl_here({"windows"});
    EXPECT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(result.err, "");
    EXPECT_EQ(result.out, "ID  VM    APP_ID       TITLE         GEOMETRY       FLAGS\n"
                          "1   work  thunderbird  Inbox \xE2\x80\x94 Mail  1280x720+0+0   focused\n"
                          "12  host  foot         Terminal      800x600-10+20  urgent\n");
}

TEST_F(PrismctlTest, OptionsMayFollowTheCommand) {
    const ProcessResult result =
        prismctl({"windows", "--json", "--socket=" + socket_path_.native()});
    EXPECT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(json::parse(result.out), sample_windows());
}

TEST_F(PrismctlTest, EmptyWindowListPrintsJustTheHeader) {
    windows_ = json::array();
    const ProcessResult result = prismctl_here({"windows"});
    EXPECT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(result.out, "ID  VM  APP_ID  TITLE  GEOMETRY  FLAGS\n");
}

TEST_F(PrismctlTest, LongTitlesAreTruncatedAndControlCharactersNeutralised) {
    windows_ = sample_windows();
    windows_[0]["title"] = std::string(60, 'a') + "tail";
    windows_[1]["title"] = "evil\x1B]0;pwned\x07 title";
    const ProcessResult result = prismctl_here({"windows"});
    EXPECT_EQ(result.exit_code, 0) << result.err;
    EXPECT_NE(result.out.find(std::string(47, 'a') + "\xE2\x80\xA6 "), std::string::npos)
        << result.out;
    EXPECT_EQ(result.out.find("tail"), std::string::npos);
    EXPECT_EQ(result.out.find('\x1B'), std::string::npos);
    EXPECT_EQ(result.out.find('\x07'), std::string::npos);
    EXPECT_NE(result.out.find("evil\xEF\xBF\xBD]0;pwned\xEF\xBF\xBD title"), std::string::npos)
        << result.out;
}

TEST_F(PrismctlTest, VmsTable) {
    const ProcessResult result = prismctl_here({"vms"});
    EXPECT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(
        result.out,
        "NAME     LABEL               COLOUR   SOCKET                                CLIENTS  "
        "WINDOWS  VMBRIDGE\n"
        "work     Work                #3366ff  /run/user/1000/prism-vm-work.sock     2        5    "
        "    "
        "3 ctx, 12 vfds, paused\n"
        "banking  Banking (isolated)  #cc0000  /run/user/1000/prism-vm-banking.sock  0        "
        "0        -\n");
}

// vhost-user devices ([vmbridge] transport = "vhost-user"): the backend's state, the VMM's pid
// and the negotiated features come before the device core's numbers.
TEST_F(PrismctlTest, VmsTableShowsTheVhostUserBackend) {
    const auto vm = [](std::string name, json bridge) {
        return json{{"name", name}, {"label", name}, {"colour", "#3366ff"}, {"socket", "/s"},
                    {"clients", 0}, {"windows", 0},  {"vmbridge", bridge}};
    };
    const auto vhost = [](std::string backend, bool connected) {
        json state = {
            {"socket", "/v"},     {"connected", connected},     {"transport", "vhost-user"},
            {"backend", backend}, {"backend_pid", 7},           {"backend_restarts", 0},
            {"vmm_pid", 4242},    {"features", 0x10000000eull}, {"protocol_features", 0x400428}};
        if (connected) {
            state["contexts"] = 2;
            state["vfds"] = 9;
        }
        return state;
    };
    server_->add_command("vms", [&](const json&) {
        return json::array({vm("a", vhost("waiting", false)), vm("b", vhost("negotiating", false)),
                            vm("c", vhost("running", true)), vm("d", vhost("restarting", false))});
    });
    const ProcessResult result = prismctl_here({"vms"});
    EXPECT_EQ(result.exit_code, 0) << result.err;
    EXPECT_NE(result.out.find("waiting for the VMM\n"), std::string::npos) << result.out;
    EXPECT_NE(result.out.find("VMM 4242, features 10000000e, negotiating\n"), std::string::npos)
        << result.out;
    EXPECT_NE(result.out.find("VMM 4242, features 10000000e, 2 ctx, 9 vfds\n"), std::string::npos)
        << result.out;
    EXPECT_NE(result.out.find("restarting\n"), std::string::npos) << result.out;
}

TEST_F(PrismctlTest, OutputsTable) {
    const ProcessResult result = prismctl_here({"outputs"});
    EXPECT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(result.out, "NAME      GEOMETRY          SCALE  ENABLED\n"
                          "HDMI-A-1  2560x1440+0+0     1.5    yes\n"
                          "eDP-1     1920x1080+1707+0  2      no\n");
}

TEST_F(PrismctlTest, Reload) {
    const ProcessResult result = prismctl_here({"reload"});
    EXPECT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(result.out, "configuration reloaded (3 VMs)\n");
}

TEST_F(PrismctlTest, ReloadErrorExitsOneWithDetails) {
    reload_fails_ = true;
    const ProcessResult result = prismctl_here({"reload"});
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_EQ(result.out, "");
    EXPECT_EQ(result.err, "prismctl: configuration has errors\n"
                          "  vms.toml:3: unknown key 'colur'\n"
                          "  vms.toml:7: duplicate VM 'work'\n");
}

TEST_F(PrismctlTest, ErrorReplyWithJsonStillExitsOne) {
    reload_fails_ = true;
    const ProcessResult result = prismctl_here({"--json", "reload"});
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_EQ(result.out, "");
    EXPECT_TRUE(result.err.starts_with("prismctl: configuration has errors\n")) << result.err;
}

TEST_F(PrismctlTest, UnknownCommandOnTheServerExitsOne) {
    server_ = nullptr;
    server_ = ControlServer::create(loop_.get(), socket_path_); // knows no commands at all
    ASSERT_NE(server_, nullptr);
    const ProcessResult result = prismctl_here({"outputs"});
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_EQ(result.err, "prismctl: unknown command 'outputs'\n");
}

TEST_F(PrismctlTest, QuitPrintsNothing) {
    const ProcessResult result = prismctl_here({"quit"});
    EXPECT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(result.out, "");
    EXPECT_EQ(result.err, "");
    EXPECT_TRUE(quit_requested_);
}

TEST_F(PrismctlTest, JsonQuitPrintsEmptyObject) {
    const ProcessResult result = prismctl_here({"--json", "quit"});
    EXPECT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(result.out, "{}\n");
}

TEST_F(PrismctlTest, UnknownShapeFallsBackToJson) {
    windows_ = {{"surprise", true}};
    const ProcessResult result = prismctl_here({"windows"});
    EXPECT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(result.out, "{\n  \"surprise\": true\n}\n");
}

TEST_F(PrismctlTest, MissingFieldFallsBackToJson) {
    windows_ = sample_windows();
    windows_[1].erase("urgent");
    const ProcessResult result = prismctl_here({"windows"});
    EXPECT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(json::parse(result.out), windows_);
}

TEST_F(PrismctlTest, UsesPrismSocketEnvironmentVariable) {
    const ProcessResult result = prismctl({"reload"}, {{"PRISM_SOCKET", socket_path_.native()}});
    EXPECT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(result.out, "configuration reloaded (3 VMs)\n");
}

TEST_F(PrismctlTest, FallsBackToXdgRuntimeDir) {
    const ProcessResult result = prismctl({"reload"}, {{"XDG_RUNTIME_DIR", dir_.path().native()}});
    EXPECT_EQ(result.exit_code, 0) << result.err;
    EXPECT_EQ(result.out, "configuration reloaded (3 VMs)\n");
}

TEST_F(PrismctlTest, SocketOptionOverridesEnvironment) {
    const ProcessResult result = prismctl(
        {"--socket", socket_path_.native(), "reload"},
        {{"PRISM_SOCKET", "/nonexistent/prism.sock"}, {"XDG_RUNTIME_DIR", "/nonexistent"}});
    EXPECT_EQ(result.exit_code, 0) << result.err;
}

struct UsageCase {
    const char* name;
    std::vector<std::string> args;
    std::string message; // first line of stderr
};

class PrismctlUsageTest : public PrismctlTest, public ::testing::WithParamInterface<UsageCase> {};

TEST_P(PrismctlUsageTest, ExitsTwo) {
    const ProcessResult result = prismctl_here(GetParam().args);
    EXPECT_EQ(result.exit_code, 2);
    EXPECT_EQ(result.out, "");
    EXPECT_EQ(result.err, GetParam().message + "\nTry 'prismctl --help' for more information.\n");
    EXPECT_FALSE(quit_requested_);
}

INSTANTIATE_TEST_SUITE_P(
    Args, PrismctlUsageTest,
    ::testing::Values(
        UsageCase{"NoCommand", {}, "prismctl: no command given"},
        UsageCase{"OnlyJson", {"--json"}, "prismctl: no command given"},
        UsageCase{"UnknownCommand", {"frobnicate"}, "prismctl: unknown command 'frobnicate'"},
        UsageCase{"UnknownOption", {"--frob", "windows"}, "prismctl: unknown option '--frob'"},
        UsageCase{"ExtraArgument", {"quit", "now"}, "prismctl: unexpected argument 'now'"},
        UsageCase{"SocketWithoutPath",
                  {"windows", "--socket"},
                  "prismctl: option '--socket' needs a PATH"}),
    [](const ::testing::TestParamInfo<UsageCase>& param_info) { return param_info.param.name; });

TEST_F(PrismctlTest, Help) {
    const ProcessResult result = prismctl({"--help"});
    EXPECT_EQ(result.exit_code, 0);
    EXPECT_TRUE(result.out.starts_with("usage: prismctl [--json] [--socket PATH] COMMAND\n"));
    for (const char* command : {"vms", "windows", "outputs", "reload", "quit"}) {
        EXPECT_NE(result.out.find(std::string("  ") + command + " "), std::string::npos) << command;
    }
    EXPECT_EQ(result.err, "");
}

TEST_F(PrismctlTest, Version) {
    const ProcessResult result = prismctl({"--version"});
    EXPECT_EQ(result.exit_code, 0);
    EXPECT_EQ(result.out, std::string("prismctl ") + PRISM_VERSION + "\n");
}

TEST_F(PrismctlTest, MissingSocketExitsThree) {
    const std::string missing = (dir_.path() / "nobody-home.sock").native();
    const ProcessResult result = prismctl({"--socket", missing, "windows"});
    EXPECT_EQ(result.exit_code, 3);
    EXPECT_EQ(result.out, "");
    EXPECT_TRUE(result.err.starts_with("prismctl: cannot connect to " + missing +
                                       ": No such file or directory\n"))
        << result.err;
    EXPECT_NE(result.err.find("PRISM_SOCKET"), std::string::npos);
    EXPECT_NE(result.err.find("XDG_RUNTIME_DIR"), std::string::npos);
}

TEST_F(PrismctlTest, MissingSocketFromEnvironmentExitsThree) {
    const ProcessResult result =
        prismctl({"vms"}, {{"XDG_RUNTIME_DIR", (dir_.path() / "elsewhere").native()}});
    EXPECT_EQ(result.exit_code, 3);
    EXPECT_NE(result.err.find((dir_.path() / "elsewhere" / "prism-ipc.sock").native()),
              std::string::npos)
        << result.err;
}

TEST_F(PrismctlTest, NoSocketConfiguredExitsThree) {
    const ProcessResult result = prismctl({"windows"});
    EXPECT_EQ(result.exit_code, 3);
    EXPECT_EQ(result.err, "prismctl: cannot find the control socket: neither PRISM_SOCKET nor "
                          "XDG_RUNTIME_DIR is set (use --socket PATH)\n");
}

// A stand-in for a broken compositor: a listening socket whose behaviour the test chooses.
class FakeServer {
public:
    enum class Mode { NeverAccept, CloseImmediately, Garbage };

    FakeServer(wl_event_loop* loop, const std::filesystem::path& path, Mode mode)
        : mode_(mode) {
        fd_ = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        sockaddr_un address{};
        address.sun_family = AF_UNIX;
        std::strncpy(address.sun_path, path.c_str(), sizeof(address.sun_path) - 1);
        EXPECT_EQ(bind(fd_, reinterpret_cast<const sockaddr*>(&address), sizeof(address)), 0);
        EXPECT_EQ(listen(fd_, 4), 0);
        if (mode != Mode::NeverAccept) {
            source_ =
                wl_event_loop_add_fd(loop, fd_, WL_EVENT_READABLE, &FakeServer::on_accept, this);
        }
    }
    ~FakeServer() {
        if (source_ != nullptr) {
            wl_event_source_remove(source_);
        }
        close(fd_);
    }

private:
    static int on_accept(int, uint32_t, void* data) {
        auto* self = static_cast<FakeServer*>(data);
        const int client = accept4(self->fd_, nullptr, nullptr, SOCK_CLOEXEC);
        if (client >= 0) {
            if (self->mode_ == Mode::Garbage) {
                const std::string reply = "this is not json\n";
                EXPECT_EQ(send(client, reply.data(), reply.size(), MSG_NOSIGNAL),
                          static_cast<ssize_t>(reply.size()));
            }
            close(client);
        }
        return 0;
    }

    Mode mode_;
    int fd_ = -1;
    wl_event_source* source_ = nullptr;
};

TEST_F(PrismctlTest, NoReplyTimesOutWithExitThree) {
    const auto path = dir_.path() / "silent.sock";
    FakeServer silent(loop_.get(), path, FakeServer::Mode::NeverAccept);
    const auto started = std::chrono::steady_clock::now();
    const ProcessResult result =
        prismctl({"--socket", path.native(), "windows"}, {{"PRISMCTL_TIMEOUT_MS", "300"}});
    EXPECT_GE(std::chrono::steady_clock::now() - started, std::chrono::milliseconds(300));
    EXPECT_EQ(result.exit_code, 3);
    EXPECT_EQ(result.out, "");
    EXPECT_EQ(result.err,
              "prismctl: timed out after 0.3 s waiting for a reply from " + path.native() + "\n");
}

TEST_F(PrismctlTest, ConnectionClosedWithoutReplyExitsThree) {
    const auto path = dir_.path() / "rude.sock";
    FakeServer rude(loop_.get(), path, FakeServer::Mode::CloseImmediately);
    const ProcessResult result = prismctl({"--socket", path.native(), "windows"});
    EXPECT_EQ(result.exit_code, 3);
    EXPECT_TRUE(result.err.starts_with("prismctl: ")) << result.err;
    EXPECT_NE(result.err.find(path.native()), std::string::npos) << result.err;
}

TEST_F(PrismctlTest, GarbageReplyExitsThree) {
    const auto path = dir_.path() / "garbage.sock";
    FakeServer garbage(loop_.get(), path, FakeServer::Mode::Garbage);
    const ProcessResult result = prismctl({"--socket", path.native(), "windows"});
    EXPECT_EQ(result.exit_code, 3);
    EXPECT_TRUE(result.err.starts_with("prismctl: malformed reply from " + path.native() +
                                       ": reply is not valid JSON ("))
        << result.err;
}

} // namespace
} // namespace prism::control
