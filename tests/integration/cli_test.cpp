// The prism command line and prismctl's commands that change state.
#include "harness.hpp"

#include <algorithm>
#include <csignal>
#include <cstring>
#include <fstream>
#include <gtest/gtest.h>
#include <sstream>
#include <sys/resource.h>
#include <sys/wait.h>

namespace prism::test {
namespace {

using namespace std::chrono_literals;

struct CheckResult {
    int exit_code;
    std::string output;
};

CheckResult check_config(const std::filesystem::path& dir) {
    Child check({std::getenv("PRISM_BIN"), "--check-config", "--config", dir.string()},
                {{"XDG_RUNTIME_DIR", "/tmp"}, {"PATH", "/usr/bin:/bin"}},
                test_output_dir() / "check-config.log");
    const auto status = check.wait(20s);
    EXPECT_TRUE(status && WIFEXITED(*status));
    return {status && WIFEXITED(*status) ? WEXITSTATUS(*status) : -1, check.output()};
}

TEST(Cli, VersionNamesTheWlrootsItRunsOn) {
    Child version({std::getenv("PRISM_BIN"), "--version"}, {{"PATH", "/usr/bin:/bin"}},
                  test_output_dir() / "version.log");
    const auto status = version.wait(20s);
    ASSERT_TRUE(status && WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << version.output();
    EXPECT_NE(version.output().find("prism "), std::string::npos) << version.output();
    EXPECT_NE(version.output().find("(wlroots 0.18."), std::string::npos) << version.output();
}

class CheckConfig : public ::testing::Test {
protected:
    void SetUp() override {
        char dir_template[] = "/tmp/prism-check-XXXXXX";
        ASSERT_NE(mkdtemp(dir_template), nullptr);
        dir_ = dir_template;
        std::filesystem::create_directories(dir_ / "vms");
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }
    std::filesystem::path dir_;
};

TEST_F(CheckConfig, ReportsEveryErrorWithFileLineAndKey) {
    std::ofstream(dir_ / "vms" / "work.toml") << "name = \"work\"\ncolour = \"blu\"\n";
    std::ofstream(dir_ / "vms" / "web.toml")
        << "name = \"web\"\ncolour = \"red\"\n[protocols]\nallow = "
           "[\"zwlr_screencopy_mangaer_v1\"]\n";
    std::ofstream(dir_ / "prism.toml") << "[keyboard]\nrepeat_rate = 5000\n";
    const auto result = check_config(dir_);
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_NE(result.output.find((dir_ / "vms" / "work.toml").string() + ":2:10: colour:"),
              std::string::npos)
        << result.output;
    EXPECT_NE(result.output.find("prism.toml:2:15: keyboard.repeat_rate:"), std::string::npos)
        << result.output;
    EXPECT_NE(result.output.find("web.toml:4:10: protocols.allow: \"zwlr_screencopy_mangaer_v1\" "
                                 "is not a global prism creates"),
              std::string::npos)
        << result.output;
}

TEST_F(CheckConfig, AllowingAGlobalPrismDoesNotCreateIsAnError) {
    // A real protocol that prism does not implement: allowing it would silently do nothing.
    std::ofstream(dir_ / "vms" / "web.toml")
        << "name = \"web\"\ncolour = \"red\"\n[protocols]\nallow = "
           "[\"zwlr_screencopy_manager_v1\", \"zwlr_output_power_manager_v1\"]\n";
    const auto result = check_config(dir_);
    EXPECT_EQ(result.exit_code, 1);
    EXPECT_NE(result.output.find((dir_ / "vms" / "web.toml").string() +
                                 ":4:40: protocols.allow: \"zwlr_output_power_manager_v1\" is not "
                                 "a global prism creates"),
              std::string::npos)
        << result.output;
    EXPECT_EQ(result.output.find("zwlr_screencopy_manager_v1"), std::string::npos) << result.output;
}

TEST_F(CheckConfig, AcceptsTheExamples) {
    const auto examples = std::filesystem::path(PRISM_SOURCE_DIR) / "config" / "examples";
    const auto result = check_config(examples);
    EXPECT_EQ(result.exit_code, 0) << result.output;
    EXPECT_NE(result.output.find("configuration OK (3 VMs)"), std::string::npos) << result.output;
}

TEST(Prismctl, QuitStopsPrismCleanly) {
    Prism prism({{"work", "#3465a4", {}}});
    std::string output;
    EXPECT_EQ(prism.ctl_raw({"quit"}, &output), 0) << output;
    const auto status = prism.process().wait(20s);
    ASSERT_TRUE(status.has_value()) << "prism still running after prismctl quit";
    EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << *status;
    EXPECT_FALSE(std::filesystem::exists(prism.vm_socket("work")));
}

TEST(Startup, CommandsRunWithTheHostSocketAndDefaultSignals) {
    Prism prism({}, "",
                {"--startup",
                 "echo \"$WAYLAND_DISPLAY $PRISM_SOCKET\" > \"$XDG_RUNTIME_DIR/env.tmp\"; "
                 "grep SigIgn /proc/$$/status >> \"$XDG_RUNTIME_DIR/env.tmp\"; "
                 "mv \"$XDG_RUNTIME_DIR/env.tmp\" \"$XDG_RUNTIME_DIR/env\""});
    const auto path = prism.runtime_dir() / "env";
    ASSERT_TRUE(eventually([&] { return std::filesystem::exists(path); }));
    std::ifstream in(path);
    std::string display, socket, label, mask;
    in >> display >> socket >> label >> mask;
    EXPECT_EQ(prism.runtime_dir() / display, prism.host_socket());
    EXPECT_EQ(socket, (prism.runtime_dir() / "prism-ipc.sock").string());
    // prism ignores SIGPIPE itself; what it starts must not inherit that.
    ASSERT_EQ(label, "SigIgn:");
    EXPECT_EQ(std::stoull(mask, nullptr, 16) & (1ull << (SIGPIPE - 1)), 0u) << mask;
}

TEST(Startup, PrismTakesItsWholeFdLimitButItsCommandsGetTheOriginal) {
    // The test runs with some soft limit below the hard one (CI and shells usually do).
    rlimit limit{};
    ASSERT_EQ(getrlimit(RLIMIT_NOFILE, &limit), 0);
    rlimit lowered = limit;
    lowered.rlim_cur = std::min<rlim_t>(limit.rlim_max, 1024);
    if (lowered.rlim_cur == limit.rlim_max) {
        GTEST_SKIP() << "the hard limit is " << limit.rlim_max << ": nothing to raise";
    }
    ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &lowered), 0);
    Prism prism({}, "",
                {"--startup", "ulimit -Sn > \"$XDG_RUNTIME_DIR/n.tmp\"; "
                              "mv \"$XDG_RUNTIME_DIR/n.tmp\" \"$XDG_RUNTIME_DIR/n\""});
    ASSERT_EQ(setrlimit(RLIMIT_NOFILE, &limit), 0);

    std::ifstream limits("/proc/" + std::to_string(prism.process().pid()) + "/limits");
    std::string line, soft, hard;
    while (std::getline(limits, line)) {
        if (line.rfind("Max open files", 0) == 0) {
            std::istringstream fields(line.substr(std::strlen("Max open files")));
            fields >> soft >> hard;
        }
    }
    EXPECT_EQ(soft, std::to_string(limit.rlim_max)) << "prism's own soft limit";
    EXPECT_EQ(hard, std::to_string(limit.rlim_max));

    const auto path = prism.runtime_dir() / "n";
    ASSERT_TRUE(eventually([&] { return std::filesystem::exists(path); }));
    std::ifstream in(path);
    std::string child;
    in >> child;
    EXPECT_EQ(child, std::to_string(lowered.rlim_cur)) << "what prism starts gets the original";
}

TEST(Outputs, ScaleAndLayoutComeFromTheConfig) {
    Prism prism({}, "[headless]\noutputs = 2\nwidth = 800\nheight = 600\n"
                    "[[output]]\nname = \"HEADLESS-2\"\nscale = 2\n");
    const auto outputs = prism.ctl("outputs");
    ASSERT_EQ(outputs.size(), 2u) << outputs.dump(2);
    EXPECT_EQ(outputs[0]["name"], "HEADLESS-1");
    EXPECT_EQ(outputs[0]["scale"], 1.0);
    EXPECT_EQ(outputs[0]["x"], 0);
    EXPECT_EQ(outputs[1]["name"], "HEADLESS-2");
    EXPECT_EQ(outputs[1]["scale"], 2.0);
    // Left to right: the second output starts where the first ends.
    EXPECT_EQ(outputs[1]["x"], 800);
}

} // namespace
} // namespace prism::test
