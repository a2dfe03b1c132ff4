// A hostile VM against prism's per-VM budgets ([limits]) and its rules for serials: a window
// too large for its frame, a title storm, focus stealing and token floods through
// xdg-activation, and grabs with made-up serials (attack-client). Each attack is checked the
// way a user would notice it: pixels of the frame, keys reaching the window the user clicked,
// another VM's round trips.
#include "screenshot.hpp"

#include <algorithm>
#include <csignal>
#include <gtest/gtest.h>
#include <sstream>
#include <sys/wait.h>
#include <thread>

namespace prism::test {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

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

std::size_t count_of(const std::string& text, const std::string& needle) {
    std::size_t n = 0;
    for (std::size_t at = text.find(needle); at != std::string::npos;
         at = text.find(needle, at + 1)) {
        ++n;
    }
    return n;
}

void type(Prism& prism, const std::string& text) {
    Child wtype = prism.client({"wtype", text}, prism.host_socket(), "wtype");
    const auto status = wtype.wait(20s);
    ASSERT_TRUE(status && WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << wtype.output();
}

// "latency p99 US max US n N p50 US" from attack-client --mode latency: the p99 in
// microseconds.
long latency_p99(const Child& client) {
    const std::string out = client.output();
    const std::size_t at = out.find("latency p99 ");
    if (at == std::string::npos) {
        return -1;
    }
    return std::stol(out.substr(at + 12));
}

// The median from the same line.
long latency_p50(const Child& client) {
    const std::string out = client.output();
    const std::size_t at = out.find(" p50 ", out.find("latency p99 "));
    if (at == std::string::npos) {
        return -1;
    }
    return std::stol(out.substr(at + 5));
}

// A number from `prismctl vms --json` for `vm`; -1 if there is no such VM.
long vm_stat(Prism& prism, const std::string& vm, const char* key) {
    for (const json& entry : prism.ctl("vms")) {
        if (entry["name"] == vm) {
            return entry[key].get<long>();
        }
    }
    return -1;
}

constexpr Rgb kRed{0xcc, 0x00, 0x00}; // the "red" VM colour
const char* kHeadless = "[headless]\nwidth = 1024\nheight = 768\n";

// Issue 13 #4: one pixel far out made the window 40000x40000, too large for the title text
// buffer and (with pixman) for the border rects: the window had no frame at all.
TEST(Budgets, AWindowOfHugeExtentKeepsItsFrame) {
    Prism prism({{"evil", "red", {}}}, kHeadless);
    Child evil = prism.client({attack(), "--mode", "huge-extent"}, prism.vm_socket("evil"), "evil");
    ASSERT_TRUE(eventually([&] { return printed(evil, "ready"); })) << evil.output();
    std::this_thread::sleep_for(300ms);
    const json w = prism.windows_of("evil").at(0);
    // Cut to [limits] max_window_width x max_window_height (16384x6144 by default).
    EXPECT_EQ(get(w, "width"), 16384);
    EXPECT_EQ(get(w, "height"), 6144);
    const Image image = screenshot(prism, "huge-extent");
    const json& f = w["frame"];
    const int fx = get(f, "x"), fy = get(f, "y");
    const int content_y = get(w, "y");
    ASSERT_TRUE(image.contains(fx + 1, content_y + 100));
    // The left border, down the whole screen.
    for (int y = content_y; y < image.height; y += 50) {
        EXPECT_EQ(image.at(fx + 1, y), kRed) << "left border at y " << y;
    }
    // The title bar: the VM's colour right across the screen, past where its text ends.
    const int bar_y = (fy + content_y) / 2;
    for (int x = 600; x < image.width; x += 40) {
        EXPECT_EQ(image.at(x, bar_y), kRed) << "title bar at x " << x;
    }
    // And its text, on the left.
    int text = 0;
    for (int x = get(w, "x"); x < get(w, "x") + 200; ++x) {
        text += image.at(x, bar_y) != kRed ? 1 : 0;
    }
    EXPECT_GT(text, 0) << "no title text";
    prism.stop();
}

TEST(Budgets, MaxWindowSizeIsAPerVmKey) {
    Prism prism({{"evil", "red", {}, "[limits]\nmax_window_width = 500\nmax_window_height = 300"}},
                kHeadless);
    Child evil = prism.client({attack(), "--mode", "huge-extent"}, prism.vm_socket("evil"), "evil");
    ASSERT_TRUE(eventually([&] { return printed(evil, "ready"); })) << evil.output();
    std::this_thread::sleep_for(300ms);
    const json w = prism.windows_of("evil").at(0);
    EXPECT_EQ(get(w, "width"), 500);
    EXPECT_EQ(get(w, "height"), 300);
    prism.stop();
}

// The window on top of `vm` shows the last title its attack client set (60 W's, not an earlier
// empty one): text well to the right of the label in its title bar.
void expect_last_title_drawn(Prism& prism, const std::string& vm, const std::string& name) {
    json top;
    for (const json& w : prism.windows_of(vm)) {
        top = w; // bottom to top: the last is on top
    }
    ASSERT_FALSE(top.is_null());
    EXPECT_EQ(top["title"], std::string(60, 'W'));
    const Image image = screenshot(prism, name);
    const int bar_y = (get(top["frame"], "y") + get(top, "y")) / 2;
    const Rgb bar = image.at(get(top, "x") + 1, bar_y); // in the padding, left of the text
    int text = 0;
    for (int x = get(top, "x") + 250; x < get(top, "x") + 500; ++x) {
        for (int y = bar_y - 4; y <= bar_y + 4; ++y) {
            text += image.at(x, y) != bar ? 1 : 0;
        }
    }
    EXPECT_GT(text, 50) << "the last title is not drawn";
}

// While `evil` floods titles: runs attack-client --mode latency as `work` on the work VM, then
// ends the flood. `renders` is how many titles the evil VM rendered while `work` measured, over
// `seconds`.
void measure_title_storm(Prism& prism, Child& evil, Child& work, long& renders, double& seconds) {
    const auto start = std::chrono::steady_clock::now();
    const long renders_before = vm_stat(prism, "evil", "title_renders");
    work = prism.client({attack(), "--mode", "latency"}, prism.vm_socket("work"), "work");
    ASSERT_TRUE(eventually([&] { return printed(work, "latency p99"); }, 60s)) << work.output();
    renders = vm_stat(prism, "evil", "title_renders") - renders_before;
    seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    evil.signal(SIGUSR1);
    ASSERT_TRUE(eventually([&] { return printed(evil, "flooded"); }, 60s)) << evil.output();
    std::cerr << "work: " << work.output() << "evil: " << evil.output() << "title renders "
              << renders << " in " << seconds << " s\n";
}

// Issue 13 #12: titles set as fast as a VM can on windows 16384 px wide: each one re-rendered
// the title bar at once, and another VM's round trips waited for them. Now each window renders
// at most every 16 ms, and the VM's windows together at most limits.title_renders (120) a second.
TEST(Budgets, TitleStormDoesNotSlowAnotherVmAndShowsTheLastTitle) {
    Prism prism({{"work", "#3465a4", {}}, {"evil", "red", {}}}, kHeadless);
    Child evil = prism.client({attack(), "--mode", "title-flood"}, prism.vm_socket("evil"), "evil");
    ASSERT_TRUE(eventually([&] { return printed(evil, "flooding"); })) << evil.output();
    Child work;
    long renders = 0;
    double seconds = 0;
    measure_title_storm(prism, evil, work, renders, seconds);
    if (HasFatalFailure()) {
        return;
    }
    // Four windows at one render per 16 ms would be 250 a second: the budget holds it to 120
    // (and a burst of 8).
    EXPECT_LE(renders, static_cast<long>(120 * seconds) + 8);
    EXPECT_GT(renders, 0);
    EXPECT_NE(prism.log().find("evil: more title changes than limits.title_renders = 120 per "
                               "second: titles are drawn later"),
              std::string::npos)
        << prism.log();
    // Measured on the test machine (2 cores shared, ASan and UBSan, load average 3.3): p99
    // 11.5 ms; 45 ms with the render budget but each set_title still updating the frame at once
    // (View::handle_set_title), over a second before either. 100 ms leaves room for a busier
    // machine.
    EXPECT_LT(latency_p99(work), 100000) << work.output();
    EXPECT_GT(latency_p99(work), 0) << work.output();

    EXPECT_TRUE(eventually([&] { return vm_stat(prism, "evil", "titles_waiting") == 0; }, 10s));
    std::this_thread::sleep_for(300ms);
    expect_last_title_drawn(prism, "evil", "title-storm");
    EXPECT_TRUE(prism.process().running());
    prism.stop();
}

// The same with 64 windows and a budget of 30 renders a second: at one render per 16 ms each,
// they would take 4000 a second. The VM gets its 30, another VM's round trips stay fast, and
// every window ends up showing its last title.
TEST(Budgets, TitleStormOfManyWindowsStaysWithinTheVmsBudget) {
    Prism prism({{"work", "#3465a4", {}}, {"evil", "red", {}, "[limits]\ntitle_renders = 30"}},
                kHeadless);
    Child evil = prism.client({attack(), "--mode", "title-flood", "--count", "64"},
                              prism.vm_socket("evil"), "evil");
    ASSERT_TRUE(eventually([&] { return printed(evil, "flooding"); }, 60s)) << evil.output();
    // The windows' first titles are drawn within the budget too: let them be.
    EXPECT_TRUE(eventually([&] { return vm_stat(prism, "evil", "titles_waiting") > 0; }, 10s));
    Child work;
    long renders = 0;
    double seconds = 0;
    measure_title_storm(prism, evil, work, renders, seconds);
    if (HasFatalFailure()) {
        return;
    }
    EXPECT_LE(renders, static_cast<long>(30 * seconds) + 8);
    EXPECT_GE(renders, static_cast<long>(30 * seconds * 0.5)) << "the budget is used";
    EXPECT_NE(prism.log().find("evil: more title changes than limits.title_renders = 30 per "
                               "second"),
              std::string::npos)
        << prism.log();
    // Measured as above: p99 42 ms at load 3.3 (284 ms when every set_title updated its frame
    // at once); what is left is wlroots' own handling of about 850 set_title per 64 KiB read.
    EXPECT_LT(latency_p99(work), 150000) << work.output();
    // All 64 windows' last titles: drawn within 64 / 30 s, plus the flood's tail.
    EXPECT_TRUE(eventually([&] { return vm_stat(prism, "evil", "titles_waiting") == 0; }, 15s));
    std::this_thread::sleep_for(300ms);
    expect_last_title_drawn(prism, "evil", "title-storm-64");
    EXPECT_TRUE(prism.process().running());
    prism.stop();
}

// Issue 13 #6: a VM activating its own window every 20 ms, with tokens that name only its
// surface (or carry whatever serial it last saw), took the keyboard whenever the user had not
// typed for a second, e.g. right after clicking another VM's window.
TEST(Budgets, ActivationFloodDoesNotStealTheKeyboard) {
    Prism prism({{"work", "#3465a4", {}}, {"evil", "red", {}}}, kHeadless);
    Child evil =
        prism.client({attack(), "--mode", "activate-flood"}, prism.vm_socket("evil"), "evil");
    ASSERT_TRUE(eventually([&] { return printed(evil, "ready"); })) << evil.output();
    Child work = prism.client({attack(), "--mode", "plain"}, prism.vm_socket("work"), "work");
    ASSERT_TRUE(eventually([&] { return prism.windows_of("work").size() == 1; }));
    const json target = prism.windows_of("work").at(0);
    // The user clicks the work window, waits longer than the typing grace, and types.
    pointer(prism, {"move", str(get(target, "x") + 20), str(get(target, "y") + 20), "click"});
    std::this_thread::sleep_for(1500ms);
    ASSERT_TRUE(eventually([&] { return printed(evil, "activations 100"); })) << evil.output();
    const std::size_t evil_keys_before = count_of(evil.output(), "key ");
    type(prism, "hello");
    EXPECT_TRUE(eventually([&] { return count_of(work.output(), "key ") >= 5; }, 5s))
        << "work:\n"
        << work.output() << "\nevil:\n"
        << evil.output();
    EXPECT_EQ(count_of(evil.output(), "key "), evil_keys_before) << evil.output();
    EXPECT_TRUE(prism.windows_of("work").at(0)["focused"]);
    // The attacker only asks for attention.
    EXPECT_TRUE(eventually([&] { return prism.windows_of("evil").at(0)["urgent"] == true; }));
    EXPECT_FALSE(prism.windows_of("evil").at(0)["focused"]);
    prism.stop();
}

// What a legitimate client does still works: a token made from the key press it just got
// moves the focus to another of its windows.
TEST(Budgets, ActivationFromAKeyPressMovesTheFocusWithinTheVm) {
    Prism prism({{"work", "#3465a4", {}}}, kHeadless);
    Child work =
        prism.client({attack(), "--mode", "activate-own"}, prism.vm_socket("work"), "work");
    ASSERT_TRUE(eventually([&] { return printed(work, "ready"); })) << work.output();
    ASSERT_TRUE(eventually([&] { return prism.windows_of("work").size() == 2; }));
    // The first window (bottom) is clicked on a corner the second does not cover.
    json first;
    for (const json& w : prism.windows_of("work")) {
        if (w["title"] == "activate-own") {
            first = w;
        }
    }
    ASSERT_FALSE(first.is_null());
    pointer(prism, {"move", str(get(first["frame"], "x") + 2), str(get(first["frame"], "y") + 2),
                    "click"});
    ASSERT_TRUE(eventually([&] {
        for (const json& w : prism.windows_of("work")) {
            if (w["title"] == "activate-own") {
                return w["focused"] == true;
            }
        }
        return false;
    }));
    type(prism, "x");
    ASSERT_TRUE(eventually([&] { return printed(work, "activated other"); })) << work.output();
    EXPECT_TRUE(eventually([&] {
        for (const json& w : prism.windows_of("work")) {
            if (w["title"] == "other") {
                return w["focused"] == true;
            }
        }
        return false;
    })) << work.output();
    prism.stop();
}

// Issue 13 #7: 300,000 tokens, each kept 30 s in one list every activation walks; then a
// stream of bogus activations. Another VM's round trips took seconds.
TEST(Budgets, ActivationTokenFloodIsCappedPerVm) {
    Prism prism({{"work", "#3465a4", {}}, {"evil", "red", {}}}, kHeadless);
    Child evil = prism.client({attack(), "--mode", "token-flood"}, prism.vm_socket("evil"), "evil");
    ASSERT_TRUE(eventually([&] { return printed(evil, "waiting for keyboard leave"); }))
        << evil.output();
    // Another VM's window takes the keyboard (nobody typed): the flood starts.
    Child plain = prism.client({attack(), "--mode", "plain"}, prism.vm_socket("work"), "plain");
    ASSERT_TRUE(eventually([&] { return printed(evil, "flooded"); }, 120s)) << evil.output();
    // At most max_activation_tokens (32) of them are alive, and the log says so.
    const json vms = prism.ctl("vms");
    for (const json& vm : vms) {
        if (vm["name"] == "evil") {
            EXPECT_LE(vm["activation_tokens"].get<int>(), 32);
            EXPECT_GE(vm["activation_tokens_expired_early"].get<long>(), 300000 - 32);
        }
    }
    EXPECT_NE(prism.log().find("evil: at its limit of 32 activation tokens "
                               "(max_activation_tokens)"),
              std::string::npos)
        << prism.log();
    Child work = prism.client({attack(), "--mode", "latency"}, prism.vm_socket("work"), "work");
    ASSERT_TRUE(eventually([&] { return printed(work, "latency p99"); }, 60s)) << work.output();
    EXPECT_LT(latency_p99(work), 200000) << work.output();
    EXPECT_GT(latency_p99(work), 0) << work.output();
    // The attacker is told by the result: its first token expired, so activating with it does
    // nothing, while its last one still asks for attention (work has the focus).
    ASSERT_TRUE(eventually([&] { return printed(evil, "old token used"); }, 60s)) << evil.output();
    EXPECT_FALSE(prism.windows_of("evil").at(0)["urgent"]);
    ASSERT_TRUE(eventually([&] { return printed(evil, "new token used"); })) << evil.output();
    EXPECT_TRUE(eventually([&] { return prism.windows_of("evil").at(0)["urgent"] == true; }));
    EXPECT_TRUE(prism.process().running());
    prism.stop();
}

// xdg_toplevel.move and resize start a pointer grab: only with the serial of a button the
// user holds on the window. A made-up serial is ignored.
TEST(Budgets, MoveWithAMadeUpSerialIsIgnored) {
    Prism prism({{"evil", "red", {}}}, kHeadless);
    Child evil = prism.client({attack(), "--mode", "fake-move"}, prism.vm_socket("evil"), "evil");
    ASSERT_TRUE(eventually([&] { return printed(evil, "move asked"); })) << evil.output();
    std::this_thread::sleep_for(200ms);
    const json before = prism.windows_of("evil").at(0);
    pointer(prism, {"move", "100", "100", "move", "150", "150", "move", "200", "220"});
    std::this_thread::sleep_for(300ms);
    const json after = prism.windows_of("evil").at(0);
    EXPECT_EQ(get(after, "x"), get(before, "x"));
    EXPECT_EQ(get(after, "y"), get(before, "y"));
    prism.stop();
}

TEST(Budgets, ResizeWithAMadeUpSerialIsIgnored) {
    Prism prism({{"evil", "red", {}}}, kHeadless);
    Child evil = prism.client({attack(), "--mode", "fake-resize"}, prism.vm_socket("evil"), "evil");
    ASSERT_TRUE(eventually([&] { return printed(evil, "resize asked"); })) << evil.output();
    std::this_thread::sleep_for(200ms);
    pointer(prism, {"move", "100", "100", "move", "150", "150", "move", "900", "700"});
    std::this_thread::sleep_for(300ms);
    // prism asked for no new size.
    EXPECT_FALSE(printed(evil, "configure ")) << evil.output();
    prism.stop();
}

// xdg_popup.grab takes the keyboard and pointer: only with the serial of an input event the
// client got. A made-up serial dismisses the popup at once; a click's serial keeps it.
TEST(Budgets, PopupGrabWithAMadeUpSerialIsDismissed) {
    Prism prism({{"evil", "red", {}}}, kHeadless);
    Child evil = prism.client({attack(), "--mode", "fake-grab"}, prism.vm_socket("evil"), "evil");
    ASSERT_TRUE(eventually([&] { return printed(evil, "grab 1"); })) << evil.output();
    EXPECT_TRUE(eventually([&] { return printed(evil, "popup done"); }, 3s)) << evil.output();
    prism.stop();
}

TEST(Budgets, PopupGrabWithAClickSerialStays) {
    Prism prism({{"work", "#3465a4", {}}}, kHeadless);
    Child work = prism.client({attack(), "--mode", "click-grab"}, prism.vm_socket("work"), "work");
    ASSERT_TRUE(eventually([&] { return printed(work, "keyboard enter"); })) << work.output();
    const json w = prism.windows_of("work").at(0);
    pointer(prism, {"move", str(get(w, "x") + 150), str(get(w, "y") + 150), "click"});
    ASSERT_TRUE(eventually([&] { return printed(work, "grab 1"); })) << work.output();
    std::this_thread::sleep_for(500ms);
    EXPECT_FALSE(printed(work, "popup done")) << work.output();
    prism.stop();
}

// --- surfaces, windows, subsurface depth ([limits] surfaces, windows, max_subsurface_depth) ---

constexpr Rgb kGreen{0x00, 0xcc, 0x00};

// The number printed after `prefix` ("windows made 155" -> 155), or -1.
long number_after(const Child& child, const std::string& prefix) {
    const std::string out = child.output();
    const std::size_t at = out.find(prefix);
    return at == std::string::npos ? -1 : std::stol(out.substr(at + prefix.size()));
}

// A window of the work VM, its content green, mapped before the attack.
Child green_window(Prism& prism) {
    Child work = prism.client({attack(), "--mode", "plain", "--colour", "00cc00"},
                              prism.vm_socket("work"), "work");
    EXPECT_TRUE(eventually([&] { return prism.windows_of("work").size() == 1; })) << work.output();
    return work;
}

// The work VM's window is still there, and a screenshot shows its content.
void expect_green_window_shown(Prism& prism, Child& work, const std::string& name) {
    EXPECT_TRUE(work.running()) << work.output();
    EXPECT_FALSE(printed(work, "disconnected")) << work.output();
    const std::vector<json> windows = prism.windows_of("work");
    ASSERT_EQ(windows.size(), 1u);
    const json& w = windows[0];
    const Image image = screenshot(prism, name);
    EXPECT_EQ(image.at(get(w, "x") + get(w, "width") / 2, get(w, "y") + get(w, "height") / 2),
              kGreen);
    EXPECT_EQ(image.at(get(w, "x") + 5, get(w, "y") + 5), kGreen);
}

// A hostile VM making 3000 windows (issue 13): its client is disconnected at the VM's 256th,
// counted across its connections; the VM's other connection and another VM go on.
TEST(Budgets, WindowFloodStopsAtTheVmsLimitAcrossConnections) {
    Prism prism({{"work", "#3465a4", {}}, {"evil", "red", {}}}, kHeadless);
    Child work = green_window(prism);
    Child evil = prism.client({attack(), "--mode", "window-flood", "--others", "100"},
                              prism.vm_socket("evil"), "evil");
    ASSERT_TRUE(eventually([&] { return printed(evil, "windows made"); }, 120s)) << evil.output();
    // 256 by default: its mapped window, 100 on the other connection, 155 more here.
    EXPECT_EQ(number_after(evil, "windows made "), 155) << evil.output();
    EXPECT_TRUE(printed(evil, "protocol error 2 on wl_display@1")) << evil.output();
    EXPECT_TRUE(eventually([&] { return printed(evil, "second connection alive"); }))
        << evil.output();
    EXPECT_NE(prism.log().find("client of evil (pid "), std::string::npos);
    EXPECT_NE(prism.log().find("limits.windows = 256 reached"), std::string::npos) << prism.log();
    // The disconnected client's windows are gone; the other connection's stay counted.
    EXPECT_TRUE(eventually([&] { return vm_stat(prism, "evil", "toplevels") == 100; }));
    expect_green_window_shown(prism, work, "window-flood");
    EXPECT_TRUE(prism.process().running());
    prism.stop();
}

TEST(Budgets, WindowsIsAPerVmKey) {
    Prism prism({{"evil", "red", {}, "[limits]\nwindows = 5"}}, kHeadless);
    Child evil = prism.client({attack(), "--mode", "window-flood", "--others", "2"},
                              prism.vm_socket("evil"), "evil");
    ASSERT_TRUE(eventually([&] { return printed(evil, "windows made"); }, 60s)) << evil.output();
    EXPECT_EQ(number_after(evil, "windows made "), 2) << evil.output();
    EXPECT_NE(prism.log().find("limits.windows = 5 reached"), std::string::npos) << prism.log();
    prism.stop();
}

// 20,000 surfaces: the client is disconnected at the VM's 4096th.
TEST(Budgets, SurfaceFloodStopsAtTheVmsLimitAcrossConnections) {
    Prism prism({{"work", "#3465a4", {}}, {"evil", "red", {}}}, kHeadless);
    Child work = green_window(prism);
    Child evil = prism.client({attack(), "--mode", "surface-flood", "--others", "1000"},
                              prism.vm_socket("evil"), "evil");
    ASSERT_TRUE(eventually([&] { return printed(evil, "surfaces made"); }, 180s)) << evil.output();
    // 4096 by default: its window's surface, 1000 on the other connection, 3095 here.
    EXPECT_EQ(number_after(evil, "surfaces made "), 3095) << evil.output();
    EXPECT_TRUE(printed(evil, "protocol error 2 on wl_display@1")) << evil.output();
    EXPECT_TRUE(eventually([&] { return printed(evil, "second connection alive"); }))
        << evil.output();
    EXPECT_NE(prism.log().find("limits.surfaces = 4096 reached"), std::string::npos) << prism.log();
    EXPECT_TRUE(eventually([&] { return vm_stat(prism, "evil", "surfaces") == 1000; }));
    expect_green_window_shown(prism, work, "surface-flood");
    prism.stop();
}

// 20,000 nested subsurfaces: the client is disconnected when it asks for the 33rd level.
TEST(Budgets, NestedSubsurfacesStopAtTheDepthLimit) {
    Prism prism({{"work", "#3465a4", {}}, {"evil", "red", {}}}, kHeadless);
    Child work = green_window(prism);
    Child evil = prism.client({attack(), "--mode", "nest-flood"}, prism.vm_socket("evil"), "evil");
    ASSERT_TRUE(eventually([&] { return printed(evil, "depth reached"); }, 120s)) << evil.output();
    EXPECT_EQ(number_after(evil, "depth reached "), 32) << evil.output();
    EXPECT_TRUE(printed(evil, "protocol error 2 on wl_display@1")) << evil.output();
    EXPECT_NE(prism.log().find("limits.max_subsurface_depth = 32 reached"), std::string::npos)
        << prism.log();
    EXPECT_TRUE(eventually([&] { return prism.windows_of("evil").empty(); }));
    expect_green_window_shown(prism, work, "nest-flood");
    prism.stop();
}

// Whether one line of `log` has every one of `parts`.
bool logged_together(const std::string& log, const std::vector<std::string>& parts) {
    std::istringstream lines(log);
    for (std::string line; std::getline(lines, line);) {
        if (std::all_of(parts.begin(), parts.end(), [&](const std::string& part) {
                return line.find(part) != std::string::npos;
            })) {
            return true;
        }
    }
    return false;
}

// [limits] max_popup_depth: a chain of popups one longer than the VM's limit disconnects its
// client, logged with the VM's name and the limit; a chain of the limit fits, and another VM
// (the default, 64) makes longer chains unhindered.
TEST(Budgets, PopupDepthIsAPerVmKey) {
    Prism prism({{"work", "#3465a4", {}}, {"evil", "red", {}, "[limits]\nmax_popup_depth = 4"}},
                kHeadless);
    Child evil = prism.client({attack(), "--mode", "popup-deep", "--count", "5"},
                              prism.vm_socket("evil"), "evil");
    ASSERT_TRUE(eventually([&] { return printed(evil, "disconnected"); }, 30s)) << evil.output();
    EXPECT_FALSE(printed(evil, "chain 5")) << evil.output();
    EXPECT_TRUE(logged_together(prism.log(), {"client of evil (pid ", "xdg_wm_base@",
                                              "limits.max_popup_depth = 4 reached"}))
        << prism.log();
    Child fits = prism.client({attack(), "--mode", "popup-deep", "--count", "4"},
                              prism.vm_socket("evil"), "fits");
    ASSERT_TRUE(eventually([&] { return printed(fits, "repositioned"); }, 30s)) << fits.output();
    EXPECT_TRUE(printed(fits, "chain 4")) << fits.output();
    EXPECT_FALSE(printed(fits, "disconnected")) << fits.output();
    Child work = prism.client({attack(), "--mode", "popup-deep", "--count", "20"},
                              prism.vm_socket("work"), "work");
    ASSERT_TRUE(eventually([&] { return printed(work, "repositioned"); }, 30s)) << work.output();
    EXPECT_TRUE(printed(work, "chain 20")) << work.output();
    EXPECT_FALSE(printed(work, "disconnected")) << work.output();
    EXPECT_FALSE(logged_together(prism.log(), {"client of work ", "max_popup_depth"}))
        << prism.log();
    ASSERT_TRUE(prism.process().running());
    prism.stop();
}

// --- cursor and drag icon size ([limits] max_cursor_size, max_drag_icon_size) ---

constexpr Rgb kMagenta{0xff, 0x00, 0xff};

// The bounding box of the magenta pixels of a screenshot: {width, height}, or {0, 0}.
std::pair<int, int> magenta_extent(const Image& image) {
    int minx = image.width, miny = image.height, maxx = -1, maxy = -1;
    for (int y = 0; y < image.height; ++y) {
        for (int x = 0; x < image.width; ++x) {
            if (image.at(x, y) == kMagenta) {
                minx = std::min(minx, x), miny = std::min(miny, y);
                maxx = std::max(maxx, x), maxy = std::max(maxy, y);
            }
        }
    }
    return maxx < 0 ? std::pair{0, 0} : std::pair{maxx - minx + 1, maxy - miny + 1};
}

// While a 3000x3000 magenta drag icon is shown: its extent on screen.
std::pair<int, int> drag_icon_extent(Prism& prism, const std::string& name) {
    Child evil = prism.client({std::getenv("DND_CLIENT"), "source", "x", "3000"},
                              prism.vm_socket("evil"), "evil");
    EXPECT_TRUE(eventually([&] { return prism.windows_of("evil").size() == 1; }));
    std::this_thread::sleep_for(300ms);
    const json w = prism.windows_of("evil").at(0);
    const int x = get(w, "x") + 20, y = get(w, "y") + 20;
    Child drag =
        prism.client({std::getenv("POINTER_CLIENT"), "1024x768", "move", str(x), str(y), "press",
                      "sleep", "100", "move", str(x - 10), str(y - 10), "sleep", "4000", "release"},
                     prism.host_socket(), "pointer");
    std::this_thread::sleep_for(1500ms); // the button is held, the icon shown
    const auto extent = magenta_extent(screenshot(prism, name));
    drag.wait(10s);
    return extent;
}

TEST(Budgets, MaxDragIconSizeIsAPerVmKey) {
    Prism prism({{"evil", "red", {}, "[limits]\nmax_drag_icon_size = 400"}}, kHeadless);
    const auto [width, height] = drag_icon_extent(prism, "drag-icon-400");
    // Clipped at 400, not at the default 256 (the pointer is near the window's top left, so
    // 400 px down and right are on screen).
    EXPECT_EQ(width, 400);
    EXPECT_EQ(height, 400);
    prism.stop();
}

TEST(Budgets, DragIconsAreClippedToTheDefault) {
    Prism prism({{"evil", "red", {}}}, kHeadless);
    const auto [width, height] = drag_icon_extent(prism, "drag-icon-default");
    EXPECT_EQ(width, 256);
    EXPECT_EQ(height, 256);
    prism.stop();
}

// attack-client big-cursor: an 800x800 magenta cursor image, hotspot at 400,400.
std::pair<int, int> cursor_extent(Prism& prism, const std::string& name) {
    Child evil = prism.client({attack(), "--mode", "big-cursor"}, prism.vm_socket("evil"), "evil");
    EXPECT_TRUE(eventually([&] { return printed(evil, "ready"); })) << evil.output();
    const json w = prism.windows_of("evil").at(0);
    pointer(prism, {"move", str(get(w, "x") + 20), str(get(w, "y") + 20), "move",
                    str(get(w, "x") + 30), str(get(w, "y") + 30)});
    EXPECT_TRUE(eventually([&] { return printed(evil, "cursor set"); })) << evil.output();
    std::this_thread::sleep_for(500ms);
    return magenta_extent(screenshot(prism, name));
}

TEST(Budgets, MaxCursorSizeIsAPerVmKey) {
    Prism prism({{"evil", "red", {}, "[limits]\nmax_cursor_size = 1024"}}, kHeadless);
    const auto [width, height] = cursor_extent(prism, "cursor-1024");
    // The whole image is shown (cut only by the screen's edges).
    EXPECT_GT(width, 400);
    EXPECT_GT(height, 400);
    prism.stop();
}

TEST(Budgets, LargeCursorImagesAreRefusedByDefault) {
    Prism prism({{"evil", "red", {}}}, kHeadless);
    const auto [width, height] = cursor_extent(prism, "cursor-default");
    EXPECT_EQ(width, 0);
    EXPECT_EQ(height, 0);
    prism.stop();
}

// Issue 13: while one VM floods prism with everything its budgets bound at once (windows with
// title changes, activation tokens, MIME types, connections, and titles on 30000 px wide
// windows), another VM's round trips stay fast.
TEST(Budgets, AnotherVmsRoundTripsStayFastUnderAFlood) {
    Prism prism({{"work", "#3465a4", {}}, {"evil", "red", {}}}, kHeadless);
    Child titles =
        prism.client({attack(), "--mode", "title-flood"}, prism.vm_socket("evil"), "titles");
    ASSERT_TRUE(eventually([&] { return printed(titles, "flooding"); })) << titles.output();
    Child storm = prism.client({attack(), "--mode", "storm"}, prism.vm_socket("evil"), "storm");
    ASSERT_TRUE(eventually([&] { return printed(storm, "storming"); })) << storm.output();
    std::this_thread::sleep_for(1s); // the storm is in full swing
    Child work = prism.client({attack(), "--mode", "latency"}, prism.vm_socket("work"), "work");
    ASSERT_TRUE(eventually([&] { return printed(work, "latency p99"); }, 60s)) << work.output();
    storm.signal(SIGUSR1);
    titles.signal(SIGUSR1);
    ASSERT_TRUE(eventually([&] { return printed(storm, "storm rounds"); }, 60s)) << storm.output();
    ASSERT_TRUE(eventually([&] { return printed(titles, "flooded"); }, 60s)) << titles.output();
    std::cerr << "work: " << work.output() << "storm: rounds " << number_after(storm, "rounds ")
              << "\n";
    // The flood went on all along: several rounds, each reaching the limits.
    EXPECT_GE(number_after(storm, "storm rounds "), 2) << storm.output();
    const std::string log = prism.log();
    EXPECT_NE(log.find("limits.windows = 256 reached"), std::string::npos);
    EXPECT_NE(log.find("refusing a connection: limits.connections = 128 reached"),
              std::string::npos);
    EXPECT_NE(log.find("more than 256 MIME types offered"), std::string::npos);
    EXPECT_NE(log.find("at its limit of 32 activation tokens"), std::string::npos);
    // The speed target (p99 under 50 ms) is held by bench/storm.py, in an optimized build side
    // by side with sway (docs/benchmarks.md, "Another VM's round trips while one VM floods":
    // p99 4-8 ms there). This test runs under ASan and UBSan on 2 cores shared with other
    // builds, where it measured p50 3.5-13 ms and p99 21-58 ms in most runs, with outliers of
    // 128 and 580 ms when the machine starved prism of CPU (the storm itself then managed a
    // third of its usual rounds); before the per-VM title budget, set_title coalescing, the
    // 256-offer cap and cheaper windows, p99 was 151-381 ms. So its bounds only catch a flood
    // that stalls the other VM: a median under 50 ms and a p99 under 1 s.
    EXPECT_GT(latency_p50(work), 0) << work.output();
    EXPECT_LT(latency_p50(work), 50000) << work.output();
    EXPECT_GT(latency_p99(work), 0) << work.output();
    EXPECT_LT(latency_p99(work), 1000000) << work.output();
    EXPECT_TRUE(prism.process().running());
    prism.stop();
}

// A surface that has subsurfaces of its own, made a subsurface: the depth is that of the whole
// tree it makes (5 + 1 + 3 = 9 > 8), not only of its parent.
TEST(Budgets, GraftingATreeCountsItsHeight) {
    Prism prism({{"evil", "red", {}, "[limits]\nmax_subsurface_depth = 8"}}, kHeadless);
    Child evil = prism.client({attack(), "--mode", "nest-graft", "--count", "5", "--others", "3"},
                              prism.vm_socket("evil"), "evil");
    ASSERT_TRUE(eventually([&] { return printed(evil, "graft"); }, 60s)) << evil.output();
    EXPECT_TRUE(printed(evil, "graft refused")) << evil.output();
    EXPECT_NE(prism.log().find("limits.max_subsurface_depth = 8 reached"), std::string::npos)
        << prism.log();
    // One level less fits exactly.
    Child fits = prism.client({attack(), "--mode", "nest-graft", "--count", "4", "--others", "3"},
                              prism.vm_socket("evil"), "fits");
    ASSERT_TRUE(eventually([&] { return printed(fits, "graft"); }, 60s)) << fits.output();
    EXPECT_TRUE(printed(fits, "grafted")) << fits.output();
    prism.stop();
}

} // namespace
} // namespace prism::test
