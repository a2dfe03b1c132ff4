// The host desktop's idle handling and window list as host programs see them: swayidle's idle
// notification fires after the timeout without input and resumes on the user's input; idle
// inhibitors of the host hold, a VM's only while its window is shown; a panel's window list
// (waybar's taskbar) names every window's origin and can activate and close windows. The
// programs are idle-client and toplevel-client (tests/clients).
#include "harness.hpp"

#include <gtest/gtest.h>

#include <csignal>
#include <sstream>
#include <sys/wait.h>
#include <thread>

namespace prism::test {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

const VmSpec kWorkVm{"work", "#3465a4", {}, ""};

bool has(Child& child, const std::string& text) {
    return child.output().find(text) != std::string::npos;
}

// Whether a line of the child's output starts with `prefix` and ends with `suffix`.
bool has_line(Child& child, const std::string& prefix, const std::string& suffix) {
    std::istringstream lines(child.output());
    for (std::string line; std::getline(lines, line);) {
        if (line.rfind(prefix, 0) == 0 && line.size() >= suffix.size() &&
            line.compare(line.size() - suffix.size(), suffix.size(), suffix) == 0) {
            return true;
        }
    }
    return false;
}

int occurrences(Child& child, const std::string& text) {
    const std::string output = child.output();
    int n = 0;
    for (std::size_t at = output.find(text); at != std::string::npos;
         at = output.find(text, at + 1)) {
        ++n;
    }
    return n;
}

int exit_code(Child& child, std::chrono::milliseconds timeout = 20s) {
    const auto status = child.wait(timeout);
    if (!status) {
        return -1;
    }
    return WIFEXITED(*status) ? WEXITSTATUS(*status) : 128 + WTERMSIG(*status);
}

Child idle_client(Prism& prism, const std::vector<std::string>& args,
                  const std::filesystem::path& display, const std::string& label) {
    std::vector<std::string> argv{std::getenv("IDLE_CLIENT")};
    argv.insert(argv.end(), args.begin(), args.end());
    Child child = prism.client(argv, display, label);
    EXPECT_TRUE(eventually([&] { return has(child, "ready"); })) << child.output();
    return child;
}

// swayidle's question: does a 500 ms idle timeout, asked now, fire within 3 s?
bool goes_idle(Prism& prism) {
    Child notify = idle_client(prism, {"notify", "500"}, prism.host_socket(), "notify");
    return eventually([&] { return has(notify, "idled"); }, 3s);
}

void type(Prism& prism, const std::string& text) {
    Child typing = prism.client({"wtype", text}, prism.host_socket(), "wtype");
    EXPECT_EQ(exit_code(typing), 0) << typing.output();
}

TEST(Idle, NotifiesAfterTheTimeoutWithoutInputAndResumesOnInput) {
    Prism prism({kWorkVm});
    Child notify = idle_client(prism, {"notify", "1000"}, prism.host_socket(), "notify");
    const auto asked = std::chrono::steady_clock::now();
    ASSERT_TRUE(eventually([&] { return has(notify, "idled"); }, 10s)) << notify.output();
    EXPECT_GE(std::chrono::steady_clock::now() - asked, 900ms) << "idle before the timeout";
    EXPECT_FALSE(has(notify, "resumed"));

    // A key on the host's (virtual) keyboard is the user's input.
    type(prism, "a");
    EXPECT_TRUE(eventually([&] { return has(notify, "resumed"); })) << notify.output();
    // And the timeout runs again from there.
    EXPECT_TRUE(eventually([&] { return occurrences(notify, "idled") == 2; }, 10s))
        << notify.output();
    prism.stop();
}

TEST(Idle, HostInhibitorHoldsAndPrismctlSaysWhose) {
    Prism prism({kWorkVm});
    Child inhibit = idle_client(prism, {"inhibit"}, prism.host_socket(), "inhibit");
    EXPECT_TRUE(eventually([&] { return prism.ctl("idle")["inhibited"] == true; }))
        << prism.ctl("idle").dump(2);
    EXPECT_FALSE(goes_idle(prism)) << "idle despite the host's inhibitor";
    const json idle = prism.ctl("idle");
    ASSERT_EQ(idle["inhibitors"].size(), 1u) << idle.dump(2);
    EXPECT_EQ(idle["inhibitors"][0]["vm"], "host");
    EXPECT_EQ(idle["inhibitors"][0]["active"], true);

    inhibit.signal(SIGKILL);
    exit_code(inhibit);
    EXPECT_TRUE(eventually([&] { return prism.ctl("idle")["inhibitors"].empty(); }));
    EXPECT_TRUE(goes_idle(prism)) << "still inhibited after the inhibitor went";
    prism.stop();
}

TEST(Idle, VmInhibitorHoldsOnlyWhileItsWindowIsShown) {
    Prism prism({kWorkVm});
    // An inhibitor on a surface that is no window: the VM shows nothing, so it holds nothing.
    Child bare = idle_client(prism, {"inhibit"}, prism.vm_socket("work"), "bare");
    EXPECT_TRUE(eventually([&] { return prism.ctl("idle")["inhibitors"].size() == 1; }));
    EXPECT_EQ(prism.ctl("idle")["inhibited"], false);
    EXPECT_TRUE(goes_idle(prism)) << "a VM with no window kept the screen on";

    // On a window that is shown: it holds, and prismctl names the VM and the window.
    Child movie =
        idle_client(prism, {"inhibit", "--window", "movie"}, prism.vm_socket("work"), "movie");
    ASSERT_TRUE(eventually([&] { return prism.ctl("idle")["inhibited"] == true; }))
        << prism.ctl("idle").dump(2);
    EXPECT_FALSE(goes_idle(prism));
    std::string table;
    EXPECT_EQ(prism.ctl_raw({"idle"}, &table), 0);
    EXPECT_NE(table.find("idle is inhibited"), std::string::npos) << table;
    EXPECT_NE(table.find("work"), std::string::npos) << table;
    EXPECT_NE(table.find("movie"), std::string::npos) << table;

    // The window hidden (unmapped): it holds no more.
    movie.signal(SIGUSR1);
    ASSERT_TRUE(eventually([&] { return has(movie, "hidden"); })) << movie.output();
    EXPECT_TRUE(eventually([&] { return prism.ctl("idle")["inhibited"] == false; }))
        << prism.ctl("idle").dump(2);
    EXPECT_TRUE(goes_idle(prism)) << "a hidden VM window kept the screen on";
    prism.stop();
}

TEST(Idle, VmConfiguredNeverCannotInhibitEvenWithAWindowShown) {
    Prism prism({{"work", "#3465a4", {}, "idle_inhibit = \"never\""}});
    Child movie =
        idle_client(prism, {"inhibit", "--window", "movie"}, prism.vm_socket("work"), "movie");
    ASSERT_TRUE(eventually([&] { return prism.windows_of("work").size() == 1; }));
    EXPECT_TRUE(eventually([&] { return prism.ctl("idle")["inhibitors"].size() == 1; }));
    EXPECT_EQ(prism.ctl("idle")["inhibited"], false);
    EXPECT_TRUE(goes_idle(prism));
    prism.stop();
}

Child toplevels(Prism& prism, const std::vector<std::string>& args = {}) {
    std::vector<std::string> argv{std::getenv("TOPLEVEL_CLIENT")};
    argv.insert(argv.end(), args.begin(), args.end());
    Child child = prism.client(argv, prism.host_socket(), "toplevels");
    EXPECT_TRUE(eventually([&] { return has(child, "ready"); })) << child.output();
    return child;
}

Child window(Prism& prism, const std::filesystem::path& display, const std::string& title) {
    return prism.client({std::getenv("HOSTILE_CLIENT"), "--title", title}, display, title);
}

TEST(ForeignToplevel, ListsEveryWindowWithItsOriginFirst) {
    Prism prism({kWorkVm});
    Child list = toplevels(prism);
    Child report = window(prism, prism.vm_socket("work"), "report");
    // A VM title pretending to be the host's still starts with the VM's label.
    Child spoof = window(prism, prism.vm_socket("work"), "[host] terminal");
    Child notes = window(prism, prism.host_socket(), "notes");
    EXPECT_TRUE(eventually([&] { return has(list, "toplevel [work] report |"); })) << list.output();
    EXPECT_TRUE(eventually([&] { return has(list, "toplevel [work] [host] terminal |"); }))
        << list.output();
    EXPECT_TRUE(eventually([&] { return has(list, "toplevel [host] notes |"); })) << list.output();
    EXPECT_TRUE(has(list, "output-enter [work] report")) << list.output();

    report.signal(SIGKILL);
    exit_code(report);
    EXPECT_TRUE(eventually([&] { return has(list, "gone [work] report"); })) << list.output();
    prism.stop();
}

TEST(ForeignToplevel, PanelActivatesAndClosesWindows) {
    Prism prism({kWorkVm});
    Child first = window(prism, prism.vm_socket("work"), "first");
    ASSERT_TRUE(eventually([&] { return prism.windows_of("work").size() == 1; }));
    Child second = window(prism, prism.vm_socket("work"), "second");
    auto focused_title = [&] {
        for (const json& w : prism.ctl("windows")) {
            if (w["focused"] == true) {
                return w["title"].get<std::string>();
            }
        }
        return std::string();
    };
    ASSERT_TRUE(eventually([&] { return focused_title() == "second"; }));

    Child activate = toplevels(prism, {"activate", "[work] first"});
    EXPECT_TRUE(eventually([&] { return has(activate, "asked [work] first"); }))
        << activate.output();
    EXPECT_TRUE(eventually([&] { return focused_title() == "first"; }))
        << prism.ctl("windows").dump(2);
    EXPECT_TRUE(eventually([&] {
        return has_line(activate, "toplevel [work] first |", "activated");
    })) << activate.output();

    // Closing asks the client to close (as the frame's close button does): foot exits.
    Child foot = prism.client({"foot", "--title", "shell", "sh", "-c", "sleep 60"},
                              prism.vm_socket("work"), "foot");
    ASSERT_TRUE(eventually([&] { return prism.windows_of("work").size() == 3; })) << prism.log();
    Child close = toplevels(prism, {"close", "[work] shell"});
    EXPECT_TRUE(eventually([&] { return has(close, "asked [work] shell"); })) << close.output();
    EXPECT_NE(exit_code(foot), -1) << "foot was not asked to close";
    EXPECT_TRUE(eventually([&] { return prism.windows_of("work").size() == 2; }));
    prism.stop();
}

} // namespace
} // namespace prism::test
