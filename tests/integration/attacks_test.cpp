// A hostile VM attacking xdg-shell object lifetimes, window geometry, configure ordering and
// popup grabs (attack-client): prism stays up, shows nothing of the VM outside its frame or
// outline, and keyboard input goes where the user clicked.
#include "screenshot.hpp"

#include <algorithm>
#include <cstring>
#include <fstream>
#include <gtest/gtest.h>
#include <sstream>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace prism::test {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

constexpr Rgb kMagenta{0xff, 0x00, 0xff};

std::string attack() {
    return std::getenv("ATTACK_CLIENT");
}

int get(const json& j, const char* key) {
    return j[key].get<int>();
}

std::string str(int v) {
    return std::to_string(v);
}

bool printed(const Child& child, const std::string& line) {
    return child.output().find(line) != std::string::npos;
}

// Magenta pixels outside every window's frame (popups are outlined inside their window's
// area in these attacks, or not shown at all).
int magenta_outside_frames(const Image& image, const json& windows, int margin) {
    int outside = 0;
    for (int y = 0; y < image.height; ++y) {
        for (int x = 0; x < image.width; ++x) {
            if (image.at(x, y) != kMagenta) {
                continue;
            }
            bool inside = false;
            for (const auto& w : windows) {
                const json& f = w["frame"];
                inside |= x >= get(f, "x") - margin && y >= get(f, "y") - margin &&
                          x < get(f, "x") + get(f, "width") + margin &&
                          y < get(f, "y") + get(f, "height") + margin;
            }
            outside += inside ? 0 : 1;
        }
    }
    return outside;
}

// prism's CPU time so far (ms) and resident memory (kB).
long cpu_ms(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::istringstream fields(text.substr(text.rfind(')') + 2));
    std::string field;
    long utime = 0, stime = 0;
    for (int i = 3; i <= 15 && fields >> field; ++i) {
        if (i == 14) {
            utime = std::stol(field);
        } else if (i == 15) {
            stime = std::stol(field);
        }
    }
    return (utime + stime) * 1000 / sysconf(_SC_CLK_TCK);
}

long rss_kb(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/status");
    for (std::string line; std::getline(in, line);) {
        if (line.rfind("VmRSS:", 0) == 0) {
            return std::stol(line.substr(6));
        }
    }
    return -1;
}

// Runs one attack mode on VM "evil" and waits for it to say it is under way (or be cut off).
void run_attack(Prism& prism, Child& client) {
    EXPECT_TRUE(eventually([&] { return printed(client, "ready") || !client.running(); }))
        << client.output();
    std::this_thread::sleep_for(300ms);
    EXPECT_TRUE(prism.process().running()) << prism.log();
}

TEST(Attacks, RolelessParentPopupAndReusedXdgSurface) {
    Prism prism({{"evil", "red", {}}});
    Child evil =
        prism.client({attack(), "--mode", "roleless-parent"}, prism.vm_socket("evil"), "evil");
    run_attack(prism, evil);
    const Image image = screenshot(prism, "roleless-parent");
    EXPECT_EQ(magenta_outside_frames(image, prism.ctl("windows"), 0), 0);
    prism.stop();
}

TEST(Attacks, PopupChainWithItsMiddleDestroyed) {
    Prism prism({{"evil", "red", {}}});
    Child evil = prism.client({attack(), "--mode", "popup-chain"}, prism.vm_socket("evil"), "evil");
    run_attack(prism, evil);
    // wlroots ends the client for it; prism logs why and goes on.
    EXPECT_TRUE(eventually([&] {
        return prism.log().find("not the topmost popup") != std::string::npos;
    })) << prism.log();
    prism.stop();
}

TEST(Attacks, PopupWhoseParentGoesWhileItIsConfigured) {
    Prism prism({{"evil", "red", {}}});
    Child evil = prism.client({attack(), "--mode", "parent-gone"}, prism.vm_socket("evil"), "evil");
    run_attack(prism, evil);
    const Image image = screenshot(prism, "parent-gone");
    EXPECT_EQ(magenta_outside_frames(image, prism.ctl("windows"), 0), 0);
    prism.stop();
}

TEST(Attacks, GeometryTricks) {
    Prism prism({{"evil", "red", {}}});
    const pid_t pid = prism.process().pid();
    const long cpu_before = cpu_ms(pid), rss_before = rss_kb(pid);
    const auto start = std::chrono::steady_clock::now();
    Child evil = prism.client({attack(), "--mode", "geometry"}, prism.vm_socket("evil"), "evil");
    run_attack(prism, evil);
    std::cerr << "attack took "
              << std::chrono::duration_cast<std::chrono::milliseconds>(
                     std::chrono::steady_clock::now() - start)
                     .count()
              << " ms; prism cpu " << cpu_ms(pid) - cpu_before << " ms, rss " << rss_before
              << " -> " << rss_kb(pid) << " kB\n";
    const json windows = prism.ctl("windows");
    const Image image = screenshot(prism, "geometry");
    int total = 0;
    for (int y = 0; y < image.height; ++y) {
        for (int x = 0; x < image.width; ++x) {
            total += image.at(x, y) == kMagenta ? 1 : 0;
        }
    }
    // Its subsurfaces show inside the frame (so the screenshot is of the attack), nowhere else.
    EXPECT_EQ(windows.size(), 1u);
    EXPECT_GT(total, 0);
    EXPECT_EQ(magenta_outside_frames(image, windows, 0), 0);
    prism.stop();
}

TEST(Attacks, PopupsAtTheInt32Limits) {
    // Sizes, anchor rects and offsets at INT32_MAX and INT32_MIN, popups of popups whose offsets
    // add up past them, and repositions of each to each: prism stays up (under UBSan: no
    // overflow), keeps the title bar clear, and shows the VM's pixels only in its frame or in a
    // popup's outline.
    Prism prism({{"evil", "red", {}}});
    Child evil =
        prism.client({attack(), "--mode", "popup-extremes"}, prism.vm_socket("evil"), "evil");
    ASSERT_TRUE(eventually([&] { return printed(evil, "ready") || !evil.running(); }))
        << evil.output();
    std::this_thread::sleep_for(300ms);
    ASSERT_TRUE(prism.process().running()) << prism.log();
    EXPECT_TRUE(printed(evil, "repositioned 308")) << evil.output();
    EXPECT_FALSE(printed(evil, "disconnected")) << evil.output() << prism.log();
    const json windows = prism.ctl("windows");
    ASSERT_EQ(windows.size(), 1u) << windows.dump(2);
    const json& w = windows[0];
    const Image image = screenshot(prism, "popup-extremes");
    int shown = 0, in_title = 0, stray = 0;
    for (int y = 0; y < image.height; ++y) {
        for (int x = 0; x < image.width; ++x) {
            if (image.at(x, y) != kMagenta) {
                continue;
            }
            ++shown;
            const json& f = w["frame"];
            const bool in_frame = x >= get(f, "x") && y >= get(f, "y") &&
                                  x < get(f, "x") + get(f, "width") &&
                                  y < get(f, "y") + get(f, "height");
            in_title += in_frame && y < get(w, "y") ? 1 : 0;
            bool in_popup = false;
            for (const auto& p : w["popups"]) {
                in_popup |= x >= get(p, "x") && y >= get(p, "y") &&
                            x < get(p, "x") + get(p, "width") && y < get(p, "y") + get(p, "height");
            }
            stray += in_frame || in_popup ? 0 : 1;
        }
    }
    EXPECT_EQ(w["popups"].size(), 11u) << w.dump(2);
    EXPECT_GT(shown, 0) << "no popup shows: the screenshot tests nothing";
    EXPECT_EQ(in_title, 0) << "a popup covers the title bar";
    EXPECT_EQ(stray, 0) << "magenta outside the frame and every popup";
    prism.stop();
}

TEST(Attacks, PopupChainThousandsDeepIsCutOff) {
    // Each popup a popup of the one before: prism ends the client at the 65th, before the walks
    // up the chain and the scene graph's recursion through it cost anything.
    Prism prism({{"work", "#3465a4", {}}, {"evil", "red", {}}});
    Child work = prism.client({attack(), "--mode", "plain"}, prism.vm_socket("work"), "work");
    ASSERT_TRUE(eventually([&] { return prism.windows_of("work").size() == 1; }));
    Child evil = prism.client({attack(), "--mode", "popup-deep", "--count", "20000"},
                              prism.vm_socket("evil"), "evil");
    EXPECT_TRUE(eventually([&] { return printed(evil, "disconnected"); }, 30s)) << evil.output();
    EXPECT_FALSE(printed(evil, "chain 20000")) << evil.output();
    ASSERT_TRUE(prism.process().running()) << prism.log();
    EXPECT_NE(prism.log().find("client of evil (pid "), std::string::npos) << prism.log();
    EXPECT_NE(prism.log().find("limits.max_popup_depth = 64 reached"), std::string::npos)
        << prism.log();
    // The other VM's window is still there and prism answers.
    EXPECT_EQ(prism.windows_of("work").size(), 1u);
    prism.stop();
}

TEST(Attacks, ConfigureRaces) {
    Prism prism({{"evil", "red", {}}});
    Child evil =
        prism.client({attack(), "--mode", "configure-race"}, prism.vm_socket("evil"), "evil");
    run_attack(prism, evil);
    // 40 refused fullscreen requests: one log line, not a line each.
    const std::string log = prism.log();
    std::size_t lines = 0;
    for (std::size_t at = log.find("may not go fullscreen"); at != std::string::npos;
         at = log.find("may not go fullscreen", at + 1)) {
        ++lines;
    }
    EXPECT_EQ(lines, 1u);
    prism.stop();
}

const char* kFocusAlways =
    "[headless]\nwidth = 1024\nheight = 768\n[focus]\nnew_window = \"always\"\n";

TEST(Attacks, PopupGrabDoesNotKeepTheKeyboardFromAnotherVmsWindow) {
    Prism prism({{"work", "#3465a4", {}}, {"evil", "red", {}}}, kFocusAlways);
    Child work = prism.client({attack(), "--mode", "plain"}, prism.vm_socket("work"), "work");
    ASSERT_TRUE(eventually([&] { return printed(work, "keyboard enter"); })) << work.output();
    const json target = prism.windows_of("work").at(0);
    Child evil = prism.client({attack(), "--mode", "grab"}, prism.vm_socket("evil"), "evil");
    ASSERT_TRUE(eventually([&] { return printed(evil, "grab 1"); })) << evil.output();
    ASSERT_TRUE(eventually([&] { return printed(work, "keyboard leave"); })) << work.output();
    std::this_thread::sleep_for(300ms);
    // The user clicks the work window (its corner, which the evil window does not cover).
    pointer(prism, {"move", str(get(target, "x") + 3), str(get(target, "y") + 3), "click"});
    EXPECT_TRUE(eventually([&] { return prism.windows_of("work").at(0)["focused"] == true; }));
    EXPECT_TRUE(eventually([&] { return printed(evil, "keyboard leave"); }, 3s)) << evil.output();
    const std::string after = work.output().substr(work.output().find("keyboard leave"));
    EXPECT_NE(after.find("keyboard enter"), std::string::npos)
        << "the clicked window never got the keyboard:\n"
        << work.output() << "\nevil:\n"
        << evil.output();
    EXPECT_TRUE(prism.process().running());
    prism.stop();
}

TEST(Attacks, PopupGrabDoesNotKeepTheKeyboardFromANewWindow) {
    Prism prism({{"work", "#3465a4", {}}, {"evil", "red", {}}}, kFocusAlways);
    Child evil =
        prism.client({attack(), "--mode", "background-grab"}, prism.vm_socket("evil"), "evil");
    ASSERT_TRUE(eventually([&] { return printed(evil, "grab 1"); })) << evil.output();
    std::this_thread::sleep_for(300ms);
    Child work = prism.client({attack(), "--mode", "plain"}, prism.vm_socket("work"), "work");
    ASSERT_TRUE(eventually([&] { return prism.windows_of("work").size() == 1; }));
    EXPECT_TRUE(eventually([&] { return prism.windows_of("work").at(0)["focused"] == true; }));
    EXPECT_TRUE(eventually([&] { return printed(work, "keyboard enter"); }, 3s))
        << "work:\n"
        << work.output() << "\nevil:\n"
        << evil.output();
    EXPECT_TRUE(eventually([&] { return printed(evil, "keyboard leave"); }, 3s)) << evil.output();
    prism.stop();
}

TEST(Attacks, PopupGrabWhoseParentGoes) {
    Prism prism({{"work", "#3465a4", {}}, {"evil", "red", {}}}, kFocusAlways);
    Child work = prism.client({attack(), "--mode", "plain"}, prism.vm_socket("work"), "work");
    ASSERT_TRUE(eventually([&] { return printed(work, "keyboard enter"); })) << work.output();
    Child evil =
        prism.client({attack(), "--mode", "grab-parent-gone"}, prism.vm_socket("evil"), "evil");
    ASSERT_TRUE(eventually([&] { return printed(evil, "toplevel destroyed"); })) << evil.output();
    // The window below gets the keyboard back.
    EXPECT_TRUE(eventually([&] { return prism.windows_of("work").at(0)["focused"] == true; }));
    EXPECT_TRUE(eventually([&] {
        const std::string out = work.output();
        return out.find("keyboard enter", out.find("keyboard leave")) != std::string::npos;
    })) << "work:\n"
        << work.output() << "\nevil:\n"
        << evil.output();
    EXPECT_TRUE(prism.process().running());
    prism.stop();
}

TEST(Attacks, InteractiveResizeOfAWindowThatUnmaps) {
    Prism prism({{"evil", "red", {}}});
    Child evil =
        prism.client({attack(), "--mode", "resize-unmap"}, prism.vm_socket("evil"), "evil");
    ASSERT_TRUE(eventually([&] { return printed(evil, "unmapped"); })) << evil.output();
    // The user moves the mouse: prism's resize must not go on with a window that is gone.
    pointer(prism, {"move", "500", "400", "move", "600", "500", "move", "700", "600"});
    std::this_thread::sleep_for(300ms);
    EXPECT_TRUE(prism.process().running()) << prism.log();
    // wlroots 0.18.2 logs this (0.18.0 asserted): prism resized the unmapped window.
    EXPECT_EQ(prism.log().find("configure is scheduled for an uninitialized"), std::string::npos)
        << prism.log();
    prism.stop();
}

TEST(Attacks, HugeDragIconIsBounded) {
    // A drag icon has no frame: a VM must not get a screen-sized unframed image out of it.
    Prism prism({{"evil", "red", {}}});
    Child evil = prism.client({std::getenv("DND_CLIENT"), "source", "x", "3000"},
                              prism.vm_socket("evil"), "evil");
    ASSERT_TRUE(eventually([&] { return prism.windows_of("evil").size() == 1; }));
    std::this_thread::sleep_for(300ms);
    const json w = prism.windows_of("evil").at(0);
    const int x = get(w, "x") + 20, y = get(w, "y") + 20;
    std::vector<std::string> argv{std::getenv("POINTER_CLIENT"),
                                  "1024x768",
                                  "move",
                                  str(x),
                                  str(y),
                                  "press",
                                  "sleep",
                                  "100",
                                  "move",
                                  str(x - 10),
                                  str(y - 10),
                                  "sleep",
                                  "4000",
                                  "release"};
    Child drag = prism.client(argv, prism.host_socket(), "pointer");
    std::this_thread::sleep_for(1500ms); // the button is held, the icon shown
    const Image image = screenshot(prism, "drag-icon");
    int minx = image.width, miny = image.height, maxx = -1, maxy = -1;
    for (int py = 0; py < image.height; ++py) {
        for (int px = 0; px < image.width; ++px) {
            if (image.at(px, py) == kMagenta) {
                minx = std::min(minx, px), miny = std::min(miny, py);
                maxx = std::max(maxx, px), maxy = std::max(maxy, py);
            }
        }
    }
    ASSERT_GE(maxx, 0) << "no drag icon shown";
    EXPECT_LE(maxx - minx + 1, 256);
    EXPECT_LE(maxy - miny + 1, 256);
    drag.wait(10s);
    EXPECT_TRUE(prism.process().running());
    prism.stop();
}

TEST(Attacks, HugeCursorImageIsRefused) {
    // A cursor image has no frame either: with its hotspot far inside, a VM's image would be
    // drawn over the screen around its window.
    Prism prism({{"evil", "red", {}}});
    Child evil = prism.client({attack(), "--mode", "big-cursor"}, prism.vm_socket("evil"), "evil");
    ASSERT_TRUE(eventually([&] { return printed(evil, "ready"); })) << evil.output();
    const json w = prism.windows_of("evil").at(0);
    pointer(prism, {"move", str(get(w, "x") + 20), str(get(w, "y") + 20), "move",
                    str(get(w, "x") + 30), str(get(w, "y") + 30)});
    ASSERT_TRUE(eventually([&] { return printed(evil, "cursor set"); })) << evil.output();
    std::this_thread::sleep_for(500ms);
    const Image image = screenshot(prism, "big-cursor");
    EXPECT_EQ(magenta_outside_frames(image, prism.ctl("windows"), 0), 0);
    EXPECT_TRUE(prism.process().running());
    prism.stop();
}

// ---- Connection floods (issue 13, item 10) ----------------------------------------------------

// Opens up to `count` connections to `path` without blocking; keeps those that connect in `fds`.
// Stops early after `budget` of retrying a full backlog.
int flood_connections(const std::filesystem::path& path, int count, std::vector<int>& fds,
                      std::chrono::milliseconds budget = 15s) {
    const auto deadline = std::chrono::steady_clock::now() + budget;
    int connected = 0;
    for (int i = 0; i < count && std::chrono::steady_clock::now() < deadline;) {
        const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        std::strncpy(addr.sun_path, path.c_str(), sizeof(addr.sun_path) - 1);
        if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
            fds.push_back(fd);
            ++connected;
            ++i;
            continue;
        }
        close(fd);
        if (errno != EAGAIN) {
            return connected; // refused outright
        }
        std::this_thread::sleep_for(2ms); // the backlog is full: prism is behind
    }
    return connected;
}

int lines_with(const std::string& text, const std::string& needle) {
    int count = 0;
    for (std::size_t at = 0; (at = text.find(needle, at)) != std::string::npos;
         at += needle.size()) {
        ++count;
    }
    return count;
}

// Whether a short-lived client runs to a clean exit on `display` within 20 s.
bool served(Prism& prism, const std::filesystem::path& display, const std::string& label) {
    Child client = prism.client({"wayland-info"}, display, label);
    const auto status = client.wait(20s);
    return status && WIFEXITED(*status) && WEXITSTATUS(*status) == 0;
}

TEST(Attacks, ConnectionFloodIsCappedPerVm) {
    // prism may hold 512 descriptors here: 3,000 connections of one VM would take it to its
    // limit without limits.connections, and nobody could connect any more.
    Prism prism({{"evil", "red", {}, "[limits]\nconnections = 50\n"}, {"work", "blue", {}}}, "", {},
                {"prlimit", "--nofile=512:512", "--"});
    const std::size_t log_before = prism.log().size();
    std::vector<int> fds;
    flood_connections(prism.vm_socket("evil"), 3000, fds);
    std::this_thread::sleep_for(500ms);

    // Everyone else is served: another VM, the host socket, prismctl.
    EXPECT_TRUE(served(prism, prism.vm_socket("work"), "work-wayland-info")) << prism.log();
    EXPECT_TRUE(served(prism, prism.host_socket(), "host-wayland-info"));
    std::string out;
    EXPECT_EQ(prism.ctl_raw({"windows"}, &out), 0) << out;
    // The VM holds its 50 and no more; the refusal is logged, not once per connection.
    const std::string log = prism.log().substr(log_before);
    EXPECT_EQ(lines_with(log, "vm evil: client connected"), 50);
    EXPECT_GE(lines_with(log, "vm evil: refusing a connection: limits.connections = 50 reached"),
              1);
    EXPECT_LE(lines_with(log, "refusing a connection"), 3) << "rate-limited";
    EXPECT_LT(lines_with(log, "\n"), 400) << "the log stays small";
    for (int fd : fds) {
        close(fd);
    }
    EXPECT_TRUE(prism.process().running());
    prism.stop();
}

// With a generous limits.connections a VM can still take prism to its descriptor limit. Every
// listening socket, the host's wayland-N included, then pauses instead of spinning, and says
// so at most once every 10 s per socket; once the VM lets go, everyone is served again.
void exhaust_descriptors(const char* limit) {
    Prism prism({{"evil", "red", {}, "[limits]\nconnections = 4096\n"}, {"work", "blue", {}}}, "",
                {}, {"prlimit", limit, "--"});
    const std::size_t log_before = prism.log().size();
    const auto start = std::chrono::steady_clock::now();
    std::vector<int> fds;
    flood_connections(prism.vm_socket("evil"), 1000, fds, 5s);
    ASSERT_TRUE(eventually([&] {
        return prism.log().find("cannot take a connection: Too many open files") !=
               std::string::npos;
    })) << prism.log().substr(log_before);
    // Clients knocking on the host socket, another VM's and the control socket meanwhile (they
    // may be turned away while prism has no descriptor to spare).
    std::vector<Child> knocking;
    for (int i = 0; i < 5; ++i) {
        knocking.push_back(prism.client({"wayland-info"}, prism.host_socket(), "host-knock"));
        knocking.push_back(prism.client({"wayland-info"}, prism.vm_socket("work"), "work-knock"));
    }
    std::string out;
    prism.ctl_raw({"windows"}, &out);
    std::this_thread::sleep_for(3s);
    const std::string during = prism.log().substr(log_before);
    // At most one line per socket every 10 s.
    const int allowed = 1 + static_cast<int>((std::chrono::steady_clock::now() - start) / 10s);
    for (const char* socket : {"wayland-vm-evil: cannot take", "wayland-vm-work: cannot take",
                               "wayland-0: cannot take"}) {
        EXPECT_LE(lines_with(during, socket), allowed) << socket;
    }
    EXPECT_EQ(lines_with(during, "failed to accept"), 0) << "libwayland's own loop spinning";
    EXPECT_EQ(lines_with(during, "could not create a Wayland client"), 0);
    EXPECT_LT(lines_with(during, "\n"), 1500) << "the log stays small";

    for (int fd : fds) {
        close(fd);
    }
    knocking.clear();
    std::this_thread::sleep_for(1s);
    EXPECT_TRUE(served(prism, prism.host_socket(), "host-wayland-info")) << prism.log();
    EXPECT_TRUE(served(prism, prism.vm_socket("work"), "work-wayland-info"));
    EXPECT_EQ(prism.ctl_raw({"windows"}, &out), 0) << out;
    prism.stop();
}

TEST(Attacks, OutOfDescriptorsEverySocketPausesAndLogsLittle) {
    // Each client costs prism two descriptors (libwayland dups its fd), so whether the flood
    // leaves one descriptor free or none depends on the limit's parity: both are tried. With
    // none free, libwayland's own accept loop on the host socket would spin and log.
    for (const char* limit : {"--nofile=256:256", "--nofile=257:257"}) {
        SCOPED_TRACE(limit);
        exhaust_descriptors(limit);
    }
}

} // namespace
} // namespace prism::test
