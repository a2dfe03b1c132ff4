// Replays every recorded trace in tests/traces/ against a fresh headless prism, on the socket
// it was recorded on; and shows the replayer fails when a trace and prism disagree.
#include "tests/integration/harness.hpp"

#include <fstream>
#include <gtest/gtest.h>
#include <sstream>
#include <sys/wait.h>

namespace prism::test {
namespace {

std::filesystem::path traces_dir() {
    const char* dir = std::getenv("PRISM_TRACES_DIR");
    return dir != nullptr ? dir : "";
}

std::string trace_bin() {
    const char* bin = std::getenv("PRISM_TRACE_BIN");
    return bin != nullptr ? bin : "prism-trace";
}

std::string read_text(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

std::vector<std::string> split_lines(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
        lines.push_back(line);
    }
    return lines;
}

std::string join_lines(const std::vector<std::string>& lines) {
    std::string text;
    for (const auto& line : lines) {
        text += line + "\n";
    }
    return text;
}

// A "# key: value" header line of a trace.
std::string header_value(const std::string& text, const std::string& key) {
    for (const auto& line : split_lines(text)) {
        const std::string prefix = "# " + key + ": ";
        if (line.rfind(prefix, 0) == 0) {
            return line.substr(prefix.size());
        }
    }
    return "";
}

struct Replay {
    int exit_code = -1;
    std::string output;
};

// Starts prism as the trace's header asks (its VMs, default config) and replays the trace on
// the socket named there.
Replay replay_on_fresh_prism(const std::filesystem::path& trace, double timeout = 10) {
    const std::string text = read_text(trace);
    const std::string socket = header_value(text, "socket");
    EXPECT_FALSE(socket.empty()) << trace << " has no '# socket:' header";
    std::istringstream vm_names(header_value(text, "vms"));
    std::vector<VmSpec> vms;
    for (std::string name; vm_names >> name;) {
        vms.push_back({name, "#3465a4", {}, ""});
    }
    // The harness takes an initializer list.
    std::unique_ptr<Prism> prism;
    switch (vms.size()) {
    case 0:
        prism = std::make_unique<Prism>(std::initializer_list<VmSpec>{});
        break;
    case 1:
        prism = std::make_unique<Prism>(std::initializer_list<VmSpec>{vms[0]});
        break;
    case 2:
        prism = std::make_unique<Prism>(std::initializer_list<VmSpec>{vms[0], vms[1]});
        break;
    default:
        EXPECT_LE(vms.size(), 3u) << "teach replay_on_fresh_prism more VMs";
        prism = std::make_unique<Prism>(std::initializer_list<VmSpec>{vms[0], vms[1], vms[2]});
        break;
    }
    const auto display =
        socket == "host" ? prism->host_socket() : prism->vm_socket(socket.substr(3));
    Child child =
        prism->client({trace_bin(), "replay", "--timeout", std::to_string(timeout), trace.string()},
                      display, "replay-" + trace.stem().string());
    const auto status = child.wait(std::chrono::seconds(120));
    Replay result;
    result.output = child.output();
    if (status && WIFEXITED(*status)) {
        result.exit_code = WEXITSTATUS(*status);
    }
    return result;
}

std::vector<std::string> trace_names() {
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(traces_dir())) {
        if (entry.path().extension() == ".trace") {
            names.push_back(entry.path().stem().string());
        }
    }
    std::sort(names.begin(), names.end());
    return names;
}

class RecordedTrace : public ::testing::TestWithParam<std::string> {};

TEST_P(RecordedTrace, ReplaysAgainstAFreshPrism) {
    const auto path = traces_dir() / (GetParam() + ".trace");
    const Replay result = replay_on_fresh_prism(path);
    EXPECT_EQ(result.exit_code, 0) << path << ":\n" << result.output;
}

INSTANTIATE_TEST_SUITE_P(Traces, RecordedTrace, ::testing::ValuesIn(trace_names()),
                         [](const auto& param_info) {
                             std::string name = param_info.param;
                             std::replace(name.begin(), name.end(), '-', '_');
                             return name;
                         });

TEST(Traces, AtLeastEightAreCommittedAndEachSaysWhereItRuns) {
    const auto names = trace_names();
    EXPECT_GE(names.size(), 8u);
    for (const auto& name : names) {
        const std::string text = read_text(traces_dir() / (name + ".trace"));
        const std::string socket = header_value(text, "socket");
        EXPECT_TRUE(socket == "host" || socket.rfind("vm ", 0) == 0) << name << ": " << socket;
        EXPECT_FALSE(header_value(text, "config").empty()) << name;
    }
}

// A copy of vm-wayland-info.trace with one change, written where the test's output goes.
std::filesystem::path altered_trace(const std::string& label,
                                    const std::function<void(std::vector<std::string>&)>& edit) {
    auto lines = split_lines(read_text(traces_dir() / "vm-wayland-info.trace"));
    edit(lines);
    const auto path = test_output_dir() / (label + ".trace");
    std::ofstream(path) << join_lines(lines);
    return path;
}

size_t find_line(const std::vector<std::string>& lines, const std::string& needle) {
    for (size_t i = 0; i < lines.size(); ++i) {
        if (lines[i].find(needle) != std::string::npos) {
            return i;
        }
    }
    ADD_FAILURE() << "no line has " << needle;
    return 0;
}

TEST(ReplayFails, WhenAnExpectedEventIsAltered) {
    size_t changed = 0;
    const auto path = altered_trace("altered", [&changed](std::vector<std::string>& lines) {
        changed = find_line(lines, "\"wl_seat\", ");
        // The seat's version, one higher than prism announces.
        std::string& line = lines[changed];
        const size_t comma = line.rfind(", ");
        const int version = std::stoi(line.substr(comma + 2));
        line = line.substr(0, comma + 2) + std::to_string(version + 1) + ")";
    });
    const Replay result = replay_on_fresh_prism(path);
    EXPECT_EQ(result.exit_code, 1) << result.output;
    EXPECT_NE(result.output.find(path.string() + ":" + std::to_string(changed + 1) +
                                 ": the event differs: argument 3 ('version') differs"),
              std::string::npos)
        << result.output;
    EXPECT_NE(result.output.find("expected: "), std::string::npos);
    EXPECT_NE(result.output.find("got:      wl_registry@2.global("), std::string::npos);
}

TEST(ReplayFails, WhenTheTraceMissesAnEventPrismSends) {
    const auto path = altered_trace("missing", [](std::vector<std::string>& lines) {
        lines.erase(lines.begin() + static_cast<long>(find_line(lines, ".repeat_info(")));
    });
    const Replay result = replay_on_fresh_prism(path);
    EXPECT_EQ(result.exit_code, 1) << result.output;
    EXPECT_NE(result.output.find("unexpected event"), std::string::npos) << result.output;
    EXPECT_NE(result.output.find(".repeat_info("), std::string::npos) << result.output;
}

TEST(ReplayFails, WhenTheTraceExpectsAnEventPrismNeverSends) {
    size_t added = 0;
    const auto path = altered_trace("extra", [&added](std::vector<std::string>& lines) {
        added = find_line(lines, ".repeat_info(") + 1;
        lines.insert(lines.begin() + static_cast<long>(added), lines[added - 1]);
    });
    const Replay result = replay_on_fresh_prism(path, 2);
    EXPECT_EQ(result.exit_code, 1) << result.output;
    EXPECT_NE(
        result.output.find(":" + std::to_string(added + 1) + ": an expected event did not come"),
        std::string::npos)
        << result.output;
}

TEST(ReplayFails, WithAClearErrorOnAMalformedTrace) {
    const auto path = altered_trace("malformed", [](std::vector<std::string>& lines) {
        lines.insert(lines.begin() + 6, "wl_registry@2.global(1, \"wl_shm\"");
    });
    const Replay result = replay_on_fresh_prism(path);
    EXPECT_EQ(result.exit_code, 2) << result.output;
    EXPECT_NE(result.output.find(path.string() + ":7: "), std::string::npos) << result.output;
}

// The recorder itself, end to end: record wayland-info through the proxy, replay the result.
TEST(Record, ARecordingOfWaylandInfoReplays) {
    Prism prism({{"work", "#3465a4", {}}});
    const auto trace = test_output_dir() / "recorded.trace";
    Child recorder = prism.client({trace_bin(), "record", "-o", trace.string(), "--header",
                                   "socket: vm work", "--", "wayland-info"},
                                  prism.vm_socket("work"), "record");
    const auto status = recorder.wait(std::chrono::seconds(60));
    ASSERT_TRUE(status && WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << recorder.output();
    const std::string text = read_text(trace);
    EXPECT_NE(text.find("-> wl_display@1.get_registry(new id wl_registry@2)"), std::string::npos);
    EXPECT_NE(text.find("\"xdg_wm_base\""), std::string::npos);
    EXPECT_NE(text.find("-> disconnect"), std::string::npos);
    // The keymap's fd was described: a file of some size.
    EXPECT_NE(text.find("keymap(1, fd "), std::string::npos);
    EXPECT_NE(text.find("{file "), std::string::npos);

    Child replayer =
        prism.client({trace_bin(), "replay", trace.string()}, prism.vm_socket("work"), "replay");
    const auto replayed = replayer.wait(std::chrono::seconds(60));
    ASSERT_TRUE(replayed && WIFEXITED(*replayed)) << replayer.output();
    EXPECT_EQ(WEXITSTATUS(*replayed), 0) << replayer.output();
}

// The recorder's pipes and several connections, deterministically: the replayer plays wl-copy
// and wl-paste (it waits for each recorded event, so it does not race prism as wl-copy does)
// through the recorder, and the new recording holds the same paste and replays in turn.
TEST(Record, APasteThroughTheRecorderIsRecordedWithItsBytes) {
    Prism prism({{"work", "#3465a4", {}}});
    const auto trace = test_output_dir() / "paste.trace";
    Child recorder = prism.client({trace_bin(), "record", "-o", trace.string(), "--", trace_bin(),
                                   "replay", (traces_dir() / "vm-clipboard.trace").string()},
                                  prism.vm_socket("work"), "record");
    const auto status = recorder.wait(std::chrono::seconds(60));
    ASSERT_TRUE(status && WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << recorder.output();
    const std::string text = read_text(trace);
    const std::string bytes = "{pipe 15 hex:68656c6c6f2066726f6d20776f726b}"; // hello from work
    EXPECT_NE(text.find("c2 -> wl_data_offer@4278190080.receive(\"text/plain;charset=utf-8\", "
                        "fd "),
              std::string::npos)
        << text;
    size_t count = 0;
    for (size_t at = text.find(bytes); at != std::string::npos; at = text.find(bytes, at + 1)) {
        ++count;
    }
    EXPECT_EQ(count, 2u) << "the receive and the send should both carry the bytes:\n" << text;
    EXPECT_NE(text.find("c2 -> disconnect"), std::string::npos);

    Child replayer =
        prism.client({trace_bin(), "replay", trace.string()}, prism.vm_socket("work"), "replay");
    const auto replayed = replayer.wait(std::chrono::seconds(60));
    ASSERT_TRUE(replayed && WIFEXITED(*replayed)) << replayer.output();
    EXPECT_EQ(WEXITSTATUS(*replayed), 0) << replayer.output();
}

// Any client's WAYLAND_DEBUG=1 output becomes a trace: import keeps the message lines (the log
// here has wayland-info's own output mixed in) and the result replays.
TEST(Import, AWaylandDebugLogReplays) {
    Prism prism({{"work", "#3465a4", {}}});
    Child info = prism.client({"env", "WAYLAND_DEBUG=1", "wayland-info"}, prism.vm_socket("work"),
                              "wayland-info-debug");
    const auto status = info.wait(std::chrono::seconds(60));
    ASSERT_TRUE(status && WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << info.output();
    const std::string output = info.output();
    ASSERT_NE(output.find("interface: 'wl_compositor'"), std::string::npos) << output;
    const auto log = test_output_dir() / "debug-output.txt";
    std::ofstream(log) << output;

    const auto trace = test_output_dir() / "imported.trace";
    Child import = prism.client(
        {trace_bin(), "import", "-o", trace.string(), "--header", "socket: vm work", log.string()},
        prism.vm_socket("work"), "import");
    const auto imported = import.wait(std::chrono::seconds(60));
    ASSERT_TRUE(imported && WIFEXITED(*imported) && WEXITSTATUS(*imported) == 0) << import.output();
    const std::string text = read_text(trace);
    EXPECT_EQ(text.find("interface: 'wl_compositor'"), std::string::npos) << "not a message";
    EXPECT_NE(text.find("-> wl_registry@2.bind("), std::string::npos) << text;

    Child replayer = prism.client({trace_bin(), "replay", trace.string()}, prism.vm_socket("work"),
                                  "replay-imported");
    const auto replayed = replayer.wait(std::chrono::seconds(60));
    ASSERT_TRUE(replayed && WIFEXITED(*replayed)) << replayer.output();
    EXPECT_EQ(WEXITSTATUS(*replayed), 0) << replayer.output();
}

} // namespace
} // namespace prism::test
