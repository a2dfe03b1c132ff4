#include "apps.hpp"

#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <gtest/gtest.h>
#include <set>
#include <sstream>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace prism::test {

using namespace std::chrono_literals;
using nlohmann::json;

namespace {

int get(const json& j, const char* key) {
    return j[key].get<int>();
}

std::string str(int v) {
    return std::to_string(v);
}

std::string box_of(const json& w) {
    return str(get(w, "x")) + "," + str(get(w, "y")) + " " + str(get(w, "width")) + "x" +
           str(get(w, "height"));
}

void run(Child client, const std::string& what) {
    const auto status = client.wait(20s);
    ASSERT_TRUE(status && WIFEXITED(*status) && WEXITSTATUS(*status) == 0)
        << what << ": " << client.output();
}

// Where `program` is on PATH, or "".
std::string find_program(const std::string& program) {
    if (program.find('/') != std::string::npos) {
        return access(program.c_str(), X_OK) == 0 ? program : "";
    }
    const char* path = std::getenv("PATH");
    std::stringstream dirs(path != nullptr ? path : "/usr/bin:/bin");
    for (std::string dir; std::getline(dirs, dir, ':');) {
        const std::string candidate = dir + "/" + program;
        if (!dir.empty() && access(candidate.c_str(), X_OK) == 0) {
            return candidate;
        }
    }
    return "";
}

// Waits until the window `pick` chooses has the same geometry and flags in two looks 400 ms
// apart and `condition` holds; returns it.
json settle_picked(Prism& prism, const std::function<const json*(const std::vector<json>&)>& pick,
                   const std::function<bool(const json&)>& condition) {
    json last;
    const bool settled = eventually(
        [&] {
            const auto windows = prism.windows_of(kVm);
            const json* picked = pick(windows);
            if (picked == nullptr) {
                last = json();
                return false;
            }
            json now = *picked;
            now.erase("popups");
            const bool same = now == last;
            last = now;
            if (!same || !condition(now)) {
                std::this_thread::sleep_for(400ms);
                return false;
            }
            return true;
        },
        30s);
    EXPECT_TRUE(settled) << prism.ctl("windows").dump(2);
    return last;
}

const json* only_window(const std::vector<json>& windows) {
    return windows.size() == 1 ? &windows[0] : nullptr;
}

// The only window of the VM, once `condition` holds and it has stopped changing.
json settle(Prism& prism, const std::function<bool(const json&)>& condition) {
    return settle_picked(prism, only_window, condition);
}

} // namespace

App::App(Prism& prism, const std::vector<std::string>& argv, const std::string& package,
         const std::map<std::string, std::string>& env) {
    if (find_program(argv.at(0)).empty()) {
        ADD_FAILURE() << argv[0] << " is not installed (Debian package " << package
                      << "): scripts/deps.sh lists it, `scripts/in-root true` installs it";
        return;
    }
    home_ = test_output_dir() / "home";
    std::filesystem::remove_all(home_);
    std::filesystem::create_directories(home_);
    // Through env(1): the harness gives every client the test's environment, this adds the
    // app's own.
    std::vector<std::string> command{
        "env", "HOME=" + home_, "XDG_CONFIG_HOME=" + home_ + "/.config",
        "XDG_CACHE_HOME=" + home_ + "/.cache", "XDG_DATA_HOME=" + home_ + "/.local/share"};
    for (const auto& [key, value] : env) {
        command.push_back(key + "=" + value);
    }
    command.insert(command.end(), argv.begin(), argv.end());
    child_ = prism.client(command, prism.vm_socket(kVm), std::filesystem::path(argv[0]).filename());
}

App::~App() {
    // The app's own helpers (Firefox's content processes) are in its process group.
    if (child_.pid() > 0 && child_.running()) {
        kill(-child_.pid(), SIGKILL);
    }
}

json settled_window(Prism& prism) {
    return settle(prism, [](const json&) { return true; });
}

json settled_window_titled(Prism& prism, const std::string& title) {
    return settle_picked(
        prism,
        [&title](const std::vector<json>& windows) -> const json* {
            const json* found = nullptr;
            for (const json& w : windows) {
                if (w["title"] == title) {
                    if (found != nullptr) {
                        return nullptr; // more than one
                    }
                    found = &w;
                }
            }
            return found;
        },
        [](const json&) { return true; });
}

void expect_frame_hugs(const Image& image, const json& window) {
    const int x = get(window, "x"), y = get(window, "y"), w = get(window, "width"),
              h = get(window, "height");
    const std::pair<std::pair<int, int>, std::pair<int, int>> probes[] = {
        {{x - 1, y + h / 2}, {x, y + h / 2}},
        {{x + w, y + h / 2}, {x + w - 1, y + h / 2}},
        {{x + w / 2, y + h}, {x + w / 2, y + h - 1}},
    };
    for (const auto& [outside, inside] : probes) {
        if (!image.contains(outside.first, outside.second)) {
            continue;
        }
        EXPECT_EQ(image.at(outside.first, outside.second), kVmColour)
            << "outside at " << outside.first << "," << outside.second << " of " << box_of(window);
        EXPECT_NE(image.at(inside.first, inside.second), kVmColour)
            << "inside at " << inside.first << "," << inside.second << " of " << box_of(window);
    }
}

void keys(Prism& prism, const std::vector<std::string>& args) {
    std::vector<std::string> argv{"wtype"};
    argv.insert(argv.end(), args.begin(), args.end());
    run(prism.client(argv, prism.host_socket(), "wtype"), "wtype");
}

void click(Prism& prism, int x, int y) {
    pointer(prism, {"move", str(x), str(y), "sleep", "100", "click"}, kOutputSize);
}

void expect_restores_into_output(Prism& prism, const std::string& name) {
    const json start = settled_window(prism);
    ASSERT_EQ(start["maximized"], true) << start.dump();
    keys(prism, {"-M", "logo", "m", "-m", "logo"});
    const json restored = settle(prism, [](const json& w) { return w["maximized"] == false; });
    ASSERT_EQ(restored["maximized"], false) << restored.dump();
    const json& f = restored["frame"];
    SCOPED_TRACE("restored to " + box_of(restored) + ", frame " + box_of(f));
    EXPECT_GE(get(f, "x"), 0);
    EXPECT_GE(get(f, "y"), 0);
    EXPECT_LE(get(f, "x") + get(f, "width"), kOutputWidth);
    EXPECT_LE(get(f, "y") + get(f, "height"), kOutputHeight);
    std::this_thread::sleep_for(300ms);
    expect_frame_hugs(screenshot(prism, name + "-restored"), restored);
}

void expect_maximize_restore_cycles(Prism& prism, const std::string& name, int cycles) {
    const json before = settled_window(prism);
    ASSERT_EQ(before["focused"], true) << before.dump();
    ASSERT_EQ(before["maximized"], false) << before.dump();
    for (int cycle = 1; cycle <= cycles; ++cycle) {
        SCOPED_TRACE("cycle " + str(cycle));
        keys(prism, {"-M", "logo", "m", "-m", "logo"});
        const json max = settle(prism, [](const json& w) {
            const json& f = w["frame"];
            return w["maximized"] == true && get(f, "x") == 0 && get(f, "y") == 0 &&
                   get(f, "width") == kOutputWidth && get(f, "height") == kOutputHeight;
        });
        ASSERT_EQ(max["maximized"], true) << max.dump();
        // The frame hugs the window geometry, and the window draws up to it: the VM's colour
        // on the first pixel outside, the app's own on the first inside (no shadow band).
        std::this_thread::sleep_for(300ms);
        expect_frame_hugs(screenshot(prism, name + "-maximized-" + str(cycle)), max);

        keys(prism, {"-M", "logo", "m", "-m", "logo"});
        const json restored = settle(prism, [&](const json& now) {
            return now["maximized"] == false && box_of(now) == box_of(before);
        });
        EXPECT_EQ(box_of(restored), box_of(before)) << "restored to another geometry";
        EXPECT_EQ(restored["maximized"], false);
    }
}

json expect_context_menu(Prism& prism, const std::string& name, int x, int y) {
    const json window = settled_window(prism);
    pointer(prism, {"move", str(x), str(y), "sleep", "100", "rclick"}, kOutputSize);
    json popup;
    EXPECT_TRUE(eventually([&] {
        const auto windows = prism.windows_of(kVm);
        if (windows.size() != 1 || windows[0]["popups"].empty()) {
            return false;
        }
        popup = windows[0]["popups"].back();
        return get(popup, "width") > 0 && get(popup, "height") > 0;
    })) << "no menu opened: "
        << prism.ctl("windows").dump(2);
    if (popup.is_null()) {
        return popup;
    }
    std::this_thread::sleep_for(700ms); // the menu draws its items
    popup = prism.windows_of(kVm)[0]["popups"].back();
    const int px = get(popup, "x"), py = get(popup, "y"), pw = get(popup, "width"),
              ph = get(popup, "height");
    SCOPED_TRACE("menu at " + box_of(popup));
    // Fully on the output.
    EXPECT_GE(px, 0);
    EXPECT_GE(py, 0);
    EXPECT_LE(px + pw, kOutputWidth);
    EXPECT_LE(py + ph, kOutputHeight);
    // Below the title bar (and the border above it) wherever it overlaps the window's columns.
    const json& f = window["frame"];
    const bool columns = px < get(f, "x") + get(f, "width") && px + pw > get(f, "x");
    if (columns) {
        EXPECT_TRUE(py >= get(window, "y") || py + ph <= get(f, "y"))
            << "over the title bar of " << window.dump();
    }
    const Image image = screenshot(prism, name + "-menu");
    // The VM's outline around it, where it is on screen.
    const int mid_x = px + pw / 2, mid_y = py + ph / 2;
    for (auto [ox, oy] : {std::pair{px - 1, mid_y}, std::pair{px + pw, mid_y},
                          std::pair{mid_x, py - 1}, std::pair{mid_x, py + ph}}) {
        if (image.contains(ox, oy)) {
            EXPECT_EQ(image.at(ox, oy), kVmColour) << "outline at " << ox << "," << oy;
        }
    }
    // The menu's own pixels where it crosses the window's right border: it is drawn above it.
    const int right = get(window, "x") + get(window, "width");
    const int border = get(f, "x") + get(f, "width") - right;
    if (px < right && px + pw > right + border) {
        for (int bx = right; bx < right + border; ++bx) {
            EXPECT_NE(image.at(bx, mid_y), kVmColour)
                << "the border covers the menu at " << bx << "," << mid_y;
        }
    }
    return popup;
}

json expect_dialog_fits(Prism& prism, const std::string& name, const json& parent,
                        const std::function<void()>& open) {
    std::set<int> before;
    for (const json& w : prism.windows_of(kVm)) {
        before.insert(get(w, "id"));
    }
    open();
    // The one window that was not there before.
    const json dialog = settle_picked(
        prism,
        [&before](const std::vector<json>& windows) -> const json* {
            const json* added = nullptr;
            for (const json& w : windows) {
                if (before.count(get(w, "id")) == 0) {
                    if (added != nullptr) {
                        return nullptr; // more than one
                    }
                    added = &w;
                }
            }
            return added;
        },
        [](const json&) { return true; });
    if (dialog.is_null()) {
        ADD_FAILURE() << "no dialog opened: " << prism.ctl("windows").dump(2);
        return dialog;
    }
    SCOPED_TRACE("dialog " + box_of(dialog) + ", frame " + box_of(dialog["frame"]));
    const json& f = dialog["frame"];
    EXPECT_GE(get(f, "x"), 0);
    EXPECT_GE(get(f, "y"), 0);
    EXPECT_LE(get(f, "x") + get(f, "width"), kOutputWidth);
    EXPECT_LE(get(f, "y") + get(f, "height"), kOutputHeight);
    // Centred on its parent, unless that would push it off the output.
    const json& pf = parent["frame"];
    const int left = get(pf, "x") + (get(pf, "width") - get(f, "width")) / 2;
    const int top = get(pf, "y") + (get(pf, "height") - get(f, "height")) / 2;
    if (left >= 0 && top >= 0 && left + get(f, "width") <= kOutputWidth &&
        top + get(f, "height") <= kOutputHeight) {
        EXPECT_EQ(get(f, "x"), left) << "not centred on its parent " << box_of(pf);
        EXPECT_EQ(get(f, "y"), top) << "not centred on its parent " << box_of(pf);
    }
    std::this_thread::sleep_for(300ms);
    expect_frame_hugs(screenshot(prism, name + "-file-dialog"), dialog);
    return dialog;
}

json expect_file_dialog_fits(Prism& prism, const std::string& name,
                             const std::vector<std::string>& shortcut) {
    const json parent = settled_window(prism);
    return expect_dialog_fits(prism, name, parent, [&] { keys(prism, shortcut); });
}

} // namespace prism::test
