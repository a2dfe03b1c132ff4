// Graphics tablets (tablet-v2), with the real prism binary and a real tablet device: prism runs
// nested (WLR_BACKENDS=wayland) in tablet-host, a small compositor with a tablet, a pen and a
// pad, whose tablet-v2 events on prism's output window wlroots' Wayland backend turns into the
// tablet, tool and pad devices libinput would give prism (headless wlroots has none). VM
// clients (tablet-client) say what they receive: tablet-v2 events when they bound the tablet
// manager, pointer events (the pen acting as a mouse) when they did not, nothing when prism's
// dialog or lock holds the input or the pen is on prism's frame.
#include "harness.hpp"

#include <csignal>
#include <fcntl.h>
#include <fstream>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

extern char** environ;

namespace prism::test {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

constexpr const char* kFocusAlways = "[focus]\nnew_window = \"always\"\n";
const VmSpec kWork{"work", "#3465a4", {}, ""};
const VmSpec kPersonal{"personal", "#4e9a06", {}, ""};

int get(const json& j, const char* key) {
    return j[key].get<int>();
}

std::size_t count(const std::string& text, const std::string& line) {
    std::size_t n = 0;
    for (auto at = text.find(line); at != std::string::npos; at = text.find(line, at + 1)) {
        ++n;
    }
    return n;
}

// What a client printed after `mark` (a length of its output taken earlier).
std::string since(const Child& child, std::size_t mark) {
    const std::string text = child.output();
    return mark < text.size() ? text.substr(mark) : std::string();
}

bool printed(const Child& child, const std::string& line, std::size_t mark = 0) {
    return since(child, mark).find(line) != std::string::npos;
}

// tablet-host, with the pipe its commands go through.
class TabletHost {
public:
    TabletHost() {
        char dir_template[] = "/tmp/prism-tablet-host-XXXXXX";
        if (mkdtemp(dir_template) == nullptr) {
            throw std::runtime_error("mkdtemp failed");
        }
        dir_ = dir_template;
        fifo_ = dir_ / "commands";
        if (mkfifo(fifo_.c_str(), 0600) != 0) {
            throw std::runtime_error("mkfifo failed");
        }
        std::map<std::string, std::string> env;
        for (char** entry = environ; *entry != nullptr; ++entry) {
            const std::string text = *entry;
            const auto eq = text.find('=');
            if (eq != std::string::npos) {
                env[text.substr(0, eq)] = text.substr(eq + 1);
            }
        }
        env.erase("WAYLAND_DISPLAY");
        env.erase("DISPLAY");
        env.erase("LD_PRELOAD");
        env["XDG_RUNTIME_DIR"] = dir_;
        process_ = Child({std::getenv("TABLET_HOST"), "tablet-host-0", fifo_.string()}, env,
                         test_output_dir() / "tablet-host.log");
        if (!eventually([&] { return process_.output().find("listening") != std::string::npos; })) {
            throw std::runtime_error("tablet-host did not start:\n" + process_.output());
        }
        fd_ = open(fifo_.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
        if (fd_ < 0) {
            throw std::runtime_error("cannot open the tablet-host's pipe");
        }
    }
    ~TabletHost() {
        close(fd_);
        process_.signal(SIGTERM);
        process_.wait(10s);
        std::filesystem::remove_all(dir_);
    }
    TabletHost(const TabletHost&) = delete;
    TabletHost& operator=(const TabletHost&) = delete;

    // prism's environment to run nested in the host, with its tablet.
    std::map<std::string, std::string> prism_env() const {
        return {{"WLR_BACKENDS", "wayland"},
                {"WAYLAND_DISPLAY", (dir_ / "tablet-host-0").string()},
                {"WLR_WL_OUTPUTS", "1"}};
    }

    // Sends a command and waits until the host has sent its events.
    void send(const std::string& command) {
        const std::string done = "done " + command + "\n";
        const std::size_t before = count(process_.output(), done);
        const std::string line = command + "\n";
        ASSERT_EQ(write(fd_, line.data(), line.size()), static_cast<ssize_t>(line.size()));
        ASSERT_TRUE(eventually([&] { return count(process_.output(), done) > before; }, 10s))
            << "tablet-host did not do '" << command << "':\n"
            << process_.output();
    }
    // The pen at layout (x, y): prism's one output fills the host's window, at 0,0.
    void pen_in(int x, int y) { send("in " + std::to_string(x) + " " + std::to_string(y)); }
    void pen_move(int x, int y) { send("move " + std::to_string(x) + " " + std::to_string(y)); }

private:
    std::filesystem::path dir_, fifo_;
    Child process_;
    int fd_ = -1;
};

class TabletTest : public ::testing::Test {
protected:
    // A tablet-client window of `vm` (`tablet` false: it does not bind the tablet manager);
    // returns the client once its window is drawn and the window prismctl reports.
    std::pair<Child, json> window(Prism& prism, const std::string& vm, const std::string& size,
                                  bool tablet = true) {
        std::vector<std::string> argv{std::getenv("TABLET_CLIENT"), "--size", size, "--title",
                                      vm + "-" + size};
        if (!tablet) {
            argv.push_back("--no-tablet");
        }
        const std::size_t before = prism.windows_of(vm).size();
        Child client = prism.client(argv, prism.vm_socket(vm), "tablet-client-" + vm + "-" + size);
        EXPECT_TRUE(eventually([&] { return printed(client, "ready"); })) << client.output();
        if (tablet) {
            // Tools are made when they first come near the tablet.
            EXPECT_TRUE(eventually([&] { return printed(client, "tablet-added"); }))
                << "the VM's client was told of no tablet:\n"
                << client.output();
        }
        EXPECT_TRUE(eventually([&] { return prism.windows_of(vm).size() == before + 1; }));
        std::this_thread::sleep_for(200ms);
        json found;
        for (const json& w : prism.windows_of(vm)) {
            if (w["title"] == vm + "-" + size) {
                found = w;
            }
        }
        return {std::move(client), found};
    }

    // Waits for `line` in what `client` printed after `mark`.
    static void expect_line(const Child& client, const std::string& line, std::size_t mark = 0) {
        EXPECT_TRUE(eventually([&] { return printed(client, line, mark); }, 10s))
            << "no '" << line << "' in:\n"
            << since(client, mark);
    }
};

TEST_F(TabletTest, APenDrawsInAVmWindowThatTakesTabletInput) {
    TabletHost host;
    Prism prism({kWork}, kFocusAlways, {}, {}, host.prism_env());
    auto [client, w] = window(prism, "work", "300x200");
    ASSERT_FALSE(w.is_null());
    // The seat has a pointer because it has a tablet: the pen is a mouse where tablet-v2 is not
    // used.
    EXPECT_NE(prism.log().find("input: tablet '"), std::string::npos) << prism.log();
    const int x = get(w, "x"), y = get(w, "y");

    host.pen_in(x + 50, y + 40);
    expect_line(client, "tool proximity-in own");
    expect_line(client, "tool motion 50 40");
    expect_line(client, "tool frame");
    host.send("pressure 0.5");
    expect_line(client, "tool pressure 32767");
    host.send("down");
    expect_line(client, "tool down");
    host.pen_move(x + 120, y + 90);
    expect_line(client, "tool motion 120 90");
    host.send("up");
    expect_line(client, "tool up");
    host.send("button 331 1");
    expect_line(client, "tool button 331 pressed");
    host.send("button 331 0");
    expect_line(client, "tool button 331 released");
    host.send("out");
    expect_line(client, "tool proximity-out");
    // Tablet input is not also sent as pointer input.
    EXPECT_FALSE(printed(client, "pointer button")) << client.output();
    EXPECT_FALSE(printed(client, "pointer enter")) << client.output();
    prism.stop();
}

TEST_F(TabletTest, APenIsAMouseForAVmWindowWithoutTabletInput) {
    TabletHost host;
    Prism prism({kWork}, kFocusAlways, {}, {}, host.prism_env());
    auto [client, w] = window(prism, "work", "300x200", false);
    ASSERT_FALSE(w.is_null());
    const int x = get(w, "x"), y = get(w, "y");

    host.pen_in(x + 50, y + 40);
    expect_line(client, "pointer enter 50 40");
    host.send("down");
    expect_line(client, "pointer button 272 pressed"); // BTN_LEFT
    host.pen_move(x + 70, y + 60);
    expect_line(client, "pointer motion 70 60");
    host.send("up");
    expect_line(client, "pointer button 272 released");
    host.send("button 331 1"); // BTN_STYLUS: the right button
    expect_line(client, "pointer button 273 pressed");
    host.send("button 331 0");
    expect_line(client, "pointer button 273 released");
    EXPECT_FALSE(printed(client, "tool ")) << client.output();
    prism.stop();
}

TEST_F(TabletTest, PrismsFrameUnderThePenIsPrisms) {
    TabletHost host;
    Prism prism({kWork}, kFocusAlways, {}, {}, host.prism_env());
    auto [client, w] = window(prism, "work", "300x200");
    ASSERT_FALSE(w.is_null());
    const int x = get(w, "x"), y = get(w, "y");
    const int title_y = (get(w["frame"], "y") + y) / 2; // the middle of the title bar
    ASSERT_LT(get(w["frame"], "y"), title_y);

    // On the title bar: the window's client hears nothing of the pen, and the pen drags the
    // window as a mouse would.
    host.pen_in(x + 100, title_y);
    host.send("down");
    host.pen_move(x + 160, title_y + 50);
    host.send("up");
    EXPECT_TRUE(eventually([&] { return get(prism.windows_of("work").at(0), "x") == x + 60; }))
        << prism.windows_of("work").at(0).dump();
    EXPECT_EQ(get(prism.windows_of("work").at(0), "y"), y + 50);
    host.send("out");
    std::this_thread::sleep_for(300ms);
    EXPECT_FALSE(printed(client, "tool ")) << client.output();
    EXPECT_FALSE(printed(client, "pointer ")) << client.output();
    prism.stop();
}

TEST_F(TabletTest, AStrokeNeverCrossesIntoAnotherVm) {
    TabletHost host;
    Prism prism({kWork, kPersonal}, kFocusAlways, {}, {}, host.prism_env());
    // Both centred: personal's small window on top, in the middle of work's large one.
    auto [large, lw] = window(prism, "work", "600x400");
    auto [small, sw] = window(prism, "personal", "200x150");
    ASSERT_FALSE(lw.is_null());
    ASSERT_FALSE(sw.is_null());
    const int lx = get(lw, "x"), ly = get(lw, "y");
    const int sx = get(sw, "x"), sy = get(sw, "y");
    ASSERT_LT(lx + 60, get(sw["frame"], "x"));

    // A stroke begins on personal's window and goes on over work's.
    host.pen_in(sx + 50, sy + 50);
    host.send("down");
    expect_line(small, "tool down");
    const std::size_t small_mark = small.output().size();
    const std::size_t large_mark = large.output().size();
    host.pen_move(lx + 30, ly + 30);
    // The stroke ends for personal's window where it left it.
    expect_line(small, "tool up", small_mark);
    expect_line(small, "tool proximity-out", small_mark);
    const std::size_t left = small.output().size();
    host.pen_move(lx + 40, ly + 40);
    std::this_thread::sleep_for(500ms);
    // Work's window never sees the stroke: no proximity, no down; personal's hears no more.
    EXPECT_EQ(since(large, large_mark).find("tool "), std::string::npos) << large.output();
    EXPECT_EQ(since(small, left), "") << small.output();
    // Lifted: now the pen is work's, without a press.
    host.send("up");
    expect_line(large, "tool proximity-in own", large_mark);
    host.pen_move(lx + 50, ly + 50);
    expect_line(large, "tool motion 50 50", large_mark);
    EXPECT_FALSE(printed(large, "tool down", large_mark)) << large.output();
    EXPECT_EQ(since(small, left), "") << small.output();
    prism.stop();
}

TEST_F(TabletTest, NoPenInputReachesAnyVmWhileTheClipboardDialogIsUp) {
    TabletHost host;
    Prism prism({kWork, kPersonal}, kFocusAlways, {}, {}, host.prism_env());
    // Two large windows, work's cascaded over personal's: each shows a part of itself beside
    // the dialog, which is centred.
    auto [plain, pw] = window(prism, "personal", "600x400", false);
    auto [drawing, dw] = window(prism, "work", "600x400");
    ASSERT_FALSE(dw.is_null());
    ASSERT_FALSE(pw.is_null());
    const int dx = get(dw, "x") + 20, dy = get(dw, "y") + 20;
    const int px = get(pw, "x") + 10, py = get(pw, "y") + 300; // left of work's window
    ASSERT_LT(px, get(dw["frame"], "x"));
    // A tap gives work's window the keyboard, and the pad.
    host.send("pad-enter");
    host.pen_in(dx, dy);
    host.send("down");
    host.send("up");
    host.send("out");
    expect_line(drawing, "pad enter");

    // A paste from work into personal: prism's dialog asks.
    const auto file = prism.runtime_dir() / "copied";
    std::ofstream(file) << "from work";
    Child copy = prism.client({"sh", "-c", "exec wl-copy --foreground < '" + file.string() + "'"},
                              prism.vm_socket("work"), "wl-copy");
    ASSERT_TRUE(eventually([&] {
        const json state = prism.ctl("clipboard");
        for (const json& s : state["selections"]) {
            if (s["selection"] == "clipboard" && s["owner"] == "work") {
                return true;
            }
        }
        return false;
    }));
    Child paste = prism.client({"sh", "-c", "exec wl-paste --no-newline > /dev/null"},
                               prism.vm_socket("personal"), "wl-paste");
    json prompt;
    ASSERT_TRUE(eventually([&] {
        prompt = prism.ctl("clipboard")["prompt"];
        // Laid out for good once the size of what is pasted is known.
        return !prompt.is_null() && !prompt["size"].is_null();
    })) << prism.log();

    // The pen over both windows, beside the dialog (a tap on it would answer it), touching and
    // pressing its button.
    const json& box = prompt["dialog"];
    auto outside_dialog = [&](int x, int y) {
        return x < get(box, "x") || x >= get(box, "x") + get(box, "width") || y < get(box, "y") ||
               y >= get(box, "y") + get(box, "height");
    };
    ASSERT_TRUE(outside_dialog(dx, dy)) << box.dump() << dw.dump();
    ASSERT_TRUE(outside_dialog(px, py)) << box.dump() << pw.dump();
    const std::size_t drawing_mark = drawing.output().size();
    const std::size_t plain_mark = plain.output().size();
    for (auto [x, y] : {std::pair{dx, dy}, std::pair{px, py}}) {
        host.pen_in(x, y);
        host.send("down");
        host.pen_move(x + 5, y + 5);
        host.send("up");
        host.send("button 331 1");
        host.send("button 331 0");
        host.send("out");
    }
    host.send("pad-button 0 1");
    host.send("pad-button 0 0");
    std::this_thread::sleep_for(1s);
    EXPECT_EQ(since(drawing, drawing_mark).find("tool "), std::string::npos) << drawing.output();
    EXPECT_EQ(since(drawing, drawing_mark).find("pointer "), std::string::npos) << drawing.output();
    EXPECT_EQ(since(plain, plain_mark).find("pointer "), std::string::npos) << plain.output();
    EXPECT_EQ(since(drawing, drawing_mark).find("pad button"), std::string::npos)
        << drawing.output();
    EXPECT_FALSE(prism.ctl("clipboard")["prompt"].is_null()) << "a tap answered the dialog";

    // The pen answers the dialog as a mouse does: a tap on Deny.
    const json deny = prism.ctl("clipboard")["prompt"]["dialog"]["deny"];
    std::this_thread::sleep_for(700ms); // past the dialog's input delay
    host.pen_in(get(deny, "x") + get(deny, "width") / 2, get(deny, "y") + get(deny, "height") / 2);
    host.send("down");
    host.send("up");
    host.send("out");
    ASSERT_TRUE(eventually([&] { return prism.ctl("clipboard")["prompt"].is_null(); }));
    const json crossings = prism.ctl("clipboard")["crossings"];
    ASSERT_FALSE(crossings.empty());
    EXPECT_EQ(crossings.back()["rule"], "dialog: denied (Deny button)");

    // Once the dialog is answered, the same pen reaches the windows again.
    host.pen_in(dx, dy);
    expect_line(drawing, "tool proximity-in own", drawing_mark);
    host.pen_move(px, py);
    expect_line(plain, "pointer enter 10 300", plain_mark);
    prism.stop();
}

TEST_F(TabletTest, NoPenInputReachesAnyVmWhileTheSessionIsLocked) {
    TabletHost host;
    Prism prism({kWork}, kFocusAlways, {}, {}, host.prism_env());
    auto [client, w] = window(prism, "work", "300x200");
    ASSERT_FALSE(w.is_null());
    const int x = get(w, "x"), y = get(w, "y");

    // Before the lock the pen reaches the window; it is over it when the lock comes.
    host.pen_in(x + 50, y + 40);
    host.send("down");
    expect_line(client, "tool down");
    const std::size_t mark = client.output().size();
    prism.ctl("lock");
    // The window is left at once, the stroke ended.
    expect_line(client, "tool up", mark);
    expect_line(client, "tool proximity-out", mark);
    const std::size_t locked = client.output().size();
    host.pen_move(x + 60, y + 50);
    host.send("up");
    host.send("down");
    host.send("button 331 1");
    host.send("button 331 0");
    host.send("up");
    host.send("out");
    host.pen_in(x + 70, y + 60);
    host.send("out");
    std::this_thread::sleep_for(1s);
    EXPECT_EQ(since(client, locked), "") << client.output();
    prism.stop();
}

TEST_F(TabletTest, ThePadFollowsTheKeyboardFocus) {
    TabletHost host;
    Prism prism({kWork, kPersonal}, kFocusAlways, {}, {}, host.prism_env());
    auto [large, lw] = window(prism, "work", "600x400");
    auto [small, sw] = window(prism, "personal", "200x150");
    ASSERT_FALSE(lw.is_null());
    ASSERT_FALSE(sw.is_null());
    EXPECT_TRUE(printed(large, "pad-added")) << large.output();

    // The newest window has the keyboard: the pad's buttons go to it.
    host.send("pad-enter");
    expect_line(small, "pad enter");
    host.send("pad-button 1 1");
    expect_line(small, "pad button 1 pressed");
    host.send("pad-button 1 0");
    EXPECT_FALSE(printed(large, "pad button")) << large.output();

    // A tap with the pen on work's window focuses it, and the pad follows.
    const std::size_t mark = small.output().size();
    host.pen_in(get(lw, "x") + 20, get(lw, "y") + 20);
    host.send("down");
    host.send("up");
    host.send("out");
    expect_line(small, "pad leave", mark);
    expect_line(large, "pad enter");
    host.send("pad-button 0 1");
    expect_line(large, "pad button 0 pressed");
    std::this_thread::sleep_for(300ms);
    EXPECT_FALSE(printed(small, "pad button 0", mark)) << small.output();
    prism.stop();
}

} // namespace
} // namespace prism::test
