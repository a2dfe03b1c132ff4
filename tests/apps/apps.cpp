#include "apps.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <thread>

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

// Waits until the window's geometry and flags are the same in two looks 400 ms apart and
// `condition` holds; returns it.
json settle(Prism& prism, const std::function<bool(const json&)>& condition) {
    json last;
    const bool settled = eventually(
        [&] {
            const auto windows = prism.windows_of(kVm);
            if (windows.size() != 1) {
                return false;
            }
            json now = windows[0];
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

} // namespace

json settled_window(Prism& prism) {
    return settle(prism, [](const json&) { return true; });
}

void keys(Prism& prism, const std::vector<std::string>& args) {
    std::vector<std::string> argv{"wtype"};
    argv.insert(argv.end(), args.begin(), args.end());
    run(prism.client(argv, prism.host_socket(), "wtype"), "wtype");
}

void pointer(Prism& prism, const std::vector<std::string>& actions) {
    std::vector<std::string> argv{std::getenv("POINTER_CLIENT"),
                                  str(kOutputWidth) + "x" + str(kOutputHeight)};
    argv.insert(argv.end(), actions.begin(), actions.end());
    run(prism.client(argv, prism.host_socket(), "pointer"), "pointer-client");
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
        const Image image = screenshot(prism, name + "-maximized-" + str(cycle));
        const int x = get(max, "x"), y = get(max, "y"), w = get(max, "width"),
                  h = get(max, "height");
        const std::pair<std::pair<int, int>, std::pair<int, int>> probes[] = {
            {{x - 1, y + h / 2}, {x, y + h / 2}},
            {{x + w, y + h / 2}, {x + w - 1, y + h / 2}},
            {{x + w / 2, y + h}, {x + w / 2, y + h - 1}},
        };
        for (const auto& [outside, inside] : probes) {
            EXPECT_EQ(image.at(outside.first, outside.second), kVmColour)
                << "outside at " << outside.first << "," << outside.second;
            EXPECT_NE(image.at(inside.first, inside.second), kVmColour)
                << "inside at " << inside.first << "," << inside.second;
        }

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
    pointer(prism, {"move", str(x), str(y), "sleep", "100", "rclick"});
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

} // namespace prism::test
