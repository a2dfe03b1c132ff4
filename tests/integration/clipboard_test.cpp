// The clipboard across VMs, with real wl-copy and wl-paste on VM sockets and the host socket,
// and the dialog answered the way a person would: keys from a host virtual keyboard (wtype).
#include "screenshot.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <sys/wait.h>
#include <thread>

namespace prism::test {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

const Rgb kWork = rgb(0x3465a4);
const Rgb kPersonal = rgb(0x4e9a06);
const Rgb kHostColour = rgb(0xf2f2f2);

const VmSpec kWorkVm{"work", "#3465a4", {}, ""};
const VmSpec kPersonalVm{"personal", "#4e9a06", {}, ""};

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

void write_file(const std::filesystem::path& path, const std::string& data) {
    std::ofstream out(path, std::ios::binary);
    out << data;
}

std::string random_binary(std::size_t size) {
    std::mt19937_64 rng(size + 1);
    std::string out(size, '\0');
    for (std::size_t i = 0; i < size; i += 8) {
        const std::uint64_t x = rng();
        std::memcpy(out.data() + i, &x, std::min<std::size_t>(8, size - i));
    }
    for (std::size_t i = 0; i < size; i += 1000) {
        out[i] = '\0';
    }
    return out;
}

class ClipboardTest : public ::testing::Test {
protected:
    // wl-copy in the foreground serves the selection until another copy replaces it.
    Child copy(Prism& prism, const std::filesystem::path& display, const std::string& text,
               const std::vector<std::string>& flags = {}) {
        const auto file = prism.runtime_dir() / ("copy-" + std::to_string(++counter_));
        write_file(file, text);
        std::string command = "exec wl-copy --foreground";
        for (const auto& flag : flags) {
            command += " " + flag;
        }
        command += " < '" + file.string() + "'";
        return prism.client({"sh", "-c", command}, display, "wl-copy");
    }

    // wl-paste writing to a file; returns the process and where its output goes.
    std::pair<Child, std::filesystem::path> paste(Prism& prism,
                                                  const std::filesystem::path& display,
                                                  const std::vector<std::string>& flags = {}) {
        const auto file = prism.runtime_dir() / ("paste-" + std::to_string(++counter_));
        std::string command = "exec wl-paste --no-newline";
        for (const auto& flag : flags) {
            command += " " + flag;
        }
        command += " > '" + file.string() + "'";
        return {prism.client({"sh", "-c", command}, display, "wl-paste"), file};
    }

    // Waits until the clipboard's owner is `origin`: the copy has taken.
    static bool owned_by(Prism& prism, const std::string& origin,
                         const std::string& selection = "clipboard") {
        return eventually([&] {
            const json state = prism.ctl("clipboard");
            for (const json& s : state["selections"]) {
                if (s["selection"] == selection && s["owner"] == origin) {
                    return true;
                }
            }
            return false;
        });
    }

    static json wait_prompt(Prism& prism) {
        json prompt;
        eventually([&] {
            prompt = prism.ctl("clipboard")["prompt"];
            return !prompt.is_null() && !prompt["size"].is_null();
        });
        return prompt;
    }

    // Presses one key on a virtual keyboard of the host, after the dialog's input delay.
    static void press(Prism& prism, const std::string& key) {
        std::this_thread::sleep_for(700ms);
        Child wtype = prism.client({"wtype", "-k", key}, prism.host_socket(), "wtype");
        const auto status = wtype.wait(20s);
        ASSERT_TRUE(status && WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << wtype.output();
    }

    static int exit_code(Child& child, std::chrono::milliseconds timeout = 20s) {
        const auto status = child.wait(timeout);
        if (!status) {
            return -1;
        }
        return WIFEXITED(*status) ? WEXITSTATUS(*status) : 128 + WTERMSIG(*status);
    }

    static json last_crossing(Prism& prism) {
        const json crossings = prism.ctl("clipboard")["crossings"];
        return crossings.empty() ? json() : crossings.back();
    }

    int counter_ = 0;
};

TEST_F(ClipboardTest, CopyAndPasteWithinOneVmIsImmediate) {
    Prism prism({kWorkVm, kPersonalVm});
    Child source = copy(prism, prism.vm_socket("work"), "inside work");
    ASSERT_TRUE(owned_by(prism, "work"));
    auto [paster, out] = paste(prism, prism.vm_socket("work"));
    EXPECT_EQ(exit_code(paster), 0) << paster.output();
    EXPECT_EQ(read_file(out), "inside work");
    EXPECT_TRUE(prism.ctl("clipboard")["crossings"].empty());
    EXPECT_TRUE(prism.ctl("clipboard")["prompt"].is_null());
    prism.stop();
}

TEST_F(ClipboardTest, CrossingWaitsForAllowThenArrivesWhole) {
    Prism prism({kWorkVm, kPersonalVm});
    Child source = copy(prism, prism.vm_socket("work"), "from work, with love");
    ASSERT_TRUE(owned_by(prism, "work"));
    auto [paster, out] = paste(prism, prism.vm_socket("personal"));
    const json prompt = wait_prompt(prism);
    ASSERT_FALSE(prompt.is_null()) << prism.log();
    EXPECT_EQ(prompt["from"], "work");
    EXPECT_EQ(prompt["to"], "personal");
    EXPECT_EQ(prompt["size"], 20);
    EXPECT_EQ(prompt["mime_type"].get<std::string>().rfind("text/plain", 0), 0u);

    // Nothing crosses while the dialog waits.
    std::this_thread::sleep_for(300ms);
    EXPECT_TRUE(paster.running());
    EXPECT_EQ(read_file(out), "");

    // The dialog, in the host's style, with both VMs' colours.
    const Image image = screenshot(prism, "clipboard-dialog");
    const json& box = prompt["dialog"];
    int work = 0, personal = 0, host = 0;
    for (int y = box["y"].get<int>(); y < box["y"].get<int>() + box["height"].get<int>(); ++y) {
        for (int x = box["x"].get<int>(); x < box["x"].get<int>() + box["width"].get<int>(); ++x) {
            if (!image.contains(x, y)) {
                continue;
            }
            const Rgb pixel = image.at(x, y);
            work += pixel == kWork;
            personal += pixel == kPersonal;
            host += pixel == kHostColour;
        }
    }
    EXPECT_GT(work, 1000) << "the source VM's chip";
    EXPECT_GT(personal, 1000) << "the destination VM's chip";
    EXPECT_GT(host, 2000) << "the host-coloured border";

    press(prism, "Return");
    EXPECT_EQ(exit_code(paster), 0) << paster.output();
    EXPECT_EQ(read_file(out), "from work, with love");
    const json crossing = last_crossing(prism);
    EXPECT_EQ(crossing["decision"], "allowed");
    EXPECT_EQ(crossing["rule"], "dialog: allowed (Enter)");
    EXPECT_EQ(crossing["bytes"], 20);
    EXPECT_EQ(crossing["from"], "work");
    EXPECT_EQ(crossing["to"], "personal");

    // The dialog is gone and the next copy in the destination VM still takes (the seat's
    // serial did not run ahead of the clients').
    EXPECT_TRUE(prism.ctl("clipboard")["prompt"].is_null());
    Child second = copy(prism, prism.vm_socket("personal"), "second copy");
    ASSERT_TRUE(owned_by(prism, "personal")) << prism.log();
    auto [again, again_out] = paste(prism, prism.vm_socket("personal"));
    EXPECT_EQ(exit_code(again), 0);
    EXPECT_EQ(read_file(again_out), "second copy");
    Child third = copy(prism, prism.vm_socket("work"), "third copy");
    ASSERT_TRUE(owned_by(prism, "work")) << prism.log();
    prism.stop();
}

TEST_F(ClipboardTest, KeysTypedIntoTheDialogReachNoClient) {
    // The pasting client itself logs every key it is sent.
    Prism prism({kWorkVm, kPersonalVm});
    Child source = copy(prism, prism.vm_socket("work"), "secret");
    ASSERT_TRUE(owned_by(prism, "work"));
    Child paster = prism.client({std::getenv("DND_CLIENT"), "paste"}, prism.vm_socket("personal"),
                                "dnd-paste");
    ASSERT_FALSE(wait_prompt(prism).is_null()) << prism.log();
    std::this_thread::sleep_for(700ms);
    Child typing = prism.client({"wtype", "abc"}, prism.host_socket(), "wtype");
    EXPECT_EQ(exit_code(typing), 0) << typing.output();
    EXPECT_FALSE(prism.ctl("clipboard")["prompt"].is_null()) << "other keys do not answer";
    press(prism, "Escape");
    EXPECT_TRUE(eventually([&] { return paster.output().find("pasted:") != std::string::npos; }))
        << paster.output();
    // After the dialog the window has the keyboard again: a key now reaches it.
    std::this_thread::sleep_for(300ms);
    Child after = prism.client({"wtype", "x"}, prism.host_socket(), "wtype");
    EXPECT_EQ(exit_code(after), 0);
    EXPECT_EQ(exit_code(paster), 0) << paster.output();
    const std::string out = paster.output();
    const std::size_t pasted = out.find("pasted:");
    ASSERT_NE(pasted, std::string::npos) << out;
    EXPECT_EQ(out.find("key "), out.find("key ", pasted))
        << "no key before the paste was answered:\n"
        << out;
    // wtype numbers the keys of its own keymap, so x is not evdev's 45: any key will do.
    EXPECT_NE(out.find(" down", out.find("key ", pasted)), std::string::npos) << "x, after it:\n"
                                                                              << out;
    EXPECT_EQ(out.find("pasted: secret"), std::string::npos) << "denied: nothing crossed";
    prism.stop();
}

TEST_F(ClipboardTest, DenyGivesNothingAndSaysWhy) {
    Prism prism({kWorkVm, kPersonalVm});
    Child source = copy(prism, prism.vm_socket("work"), "secret");
    ASSERT_TRUE(owned_by(prism, "work"));
    auto [paster, out] = paste(prism, prism.vm_socket("personal"));
    ASSERT_FALSE(wait_prompt(prism).is_null());
    press(prism, "Escape");
    exit_code(paster);
    EXPECT_EQ(read_file(out), "");
    const json crossing = last_crossing(prism);
    EXPECT_EQ(crossing["decision"], "denied");
    EXPECT_EQ(crossing["rule"], "dialog: denied (Escape)");
    EXPECT_EQ(crossing["bytes"], 0);
    EXPECT_NE(prism.log().find("clipboard: clipboard paste from work into personal"),
              std::string::npos);

    // A notice in the host's style at the top of the screen says so.
    const Image image = screenshot(prism, "clipboard-denied-notice");
    int host = 0;
    for (int y = 20; y < 70; ++y) {
        for (int x = 0; x < image.width; ++x) {
            host += image.at(x, y) == kHostColour;
        }
    }
    EXPECT_GT(host, 500) << "the notice's host-coloured border";

    // prismctl's table names the owner and the crossing, never the contents.
    std::string table;
    ASSERT_EQ(prism.ctl_raw({"clipboard"}, &table), 0) << table;
    EXPECT_NE(table.find("OWNER"), std::string::npos) << table;
    EXPECT_NE(table.find("work"), std::string::npos) << table;
    EXPECT_NE(table.find("dialog: denied (Escape)"), std::string::npos) << table;
    EXPECT_EQ(table.find("secret"), std::string::npos) << table;
    prism.stop();
}

TEST_F(ClipboardTest, TheDialogsButtonsAnswerIt) {
    Prism prism({kWorkVm, kPersonalVm});
    Child source;
    for (const char* button : {"deny", "allow"}) {
        SCOPED_TRACE(button);
        // A new copy each time: a selection refused to a VM is not asked about again.
        Child previous = std::move(source);
        source = copy(prism, prism.vm_socket("work"), "clicked");
        ASSERT_TRUE(eventually([&] { return !previous.running(); })) << "the copy took over";
        ASSERT_TRUE(owned_by(prism, "work"));
        auto [paster, out] = paste(prism, prism.vm_socket("personal"));
        const json prompt = wait_prompt(prism);
        ASSERT_FALSE(prompt.is_null());
        const json& box = prompt["dialog"][button];
        const int x = box["x"].get<int>() + box["width"].get<int>() / 2;
        const int y = box["y"].get<int>() + box["height"].get<int>() / 2;
        std::this_thread::sleep_for(700ms); // past the dialog's input delay
        Child click = prism.client({std::getenv("POINTER_CLIENT"), "1024x768", "move",
                                    std::to_string(x), std::to_string(y), "click"},
                                   prism.host_socket(), "pointer-client");
        EXPECT_EQ(exit_code(click), 0) << click.output();
        EXPECT_EQ(exit_code(paster), 0) << paster.output();
        EXPECT_EQ(read_file(out), std::string(button) == "allow" ? "clicked" : "");
        EXPECT_EQ(last_crossing(prism)["rule"],
                  std::string("dialog: ") + (std::string(button) == "allow"
                                                 ? "allowed (Allow button)"
                                                 : "denied (Deny button)"));
    }
    prism.stop();
}

TEST_F(ClipboardTest, PolicyAllowAndDenySkipTheDialog) {
    Prism prism({kWorkVm,
                 {"personal", "#4e9a06", {}, "[clipboard]\npaste_from = { work = \"allow\" }"},
                 {"untrusted", "#cc0000", {}, "[clipboard]\npaste_from = { work = \"deny\" }"}});
    Child source = copy(prism, prism.vm_socket("work"), "policy");
    ASSERT_TRUE(owned_by(prism, "work"));

    auto [allowed, allowed_out] = paste(prism, prism.vm_socket("personal"));
    EXPECT_EQ(exit_code(allowed), 0);
    EXPECT_EQ(read_file(allowed_out), "policy");
    EXPECT_EQ(last_crossing(prism)["rule"], "paste_from.work = allow");

    auto [denied, denied_out] = paste(prism, prism.vm_socket("untrusted"));
    exit_code(denied);
    EXPECT_EQ(read_file(denied_out), "");
    EXPECT_EQ(last_crossing(prism)["decision"], "denied");
    EXPECT_EQ(last_crossing(prism)["rule"], "paste_from.work = deny");
    EXPECT_EQ(prism.ctl("clipboard")["crossings"].size(), 2u) << "no dialog, no other crossing";
    prism.stop();
}

TEST_F(ClipboardTest, PrimarySelectionCrossingsAreDeniedByDefault) {
    Prism prism({kWorkVm,
                 kPersonalVm,
                 {"scratch", "#75507b", {}, "[primary]\npaste_from = { work = \"allow\" }"}});
    Child source = copy(prism, prism.vm_socket("work"), "selected text", {"--primary"});
    ASSERT_TRUE(owned_by(prism, "work", "primary"));

    auto [same, same_out] = paste(prism, prism.vm_socket("work"), {"--primary"});
    EXPECT_EQ(exit_code(same), 0);
    EXPECT_EQ(read_file(same_out), "selected text");

    auto [denied, denied_out] = paste(prism, prism.vm_socket("personal"), {"--primary"});
    exit_code(denied);
    EXPECT_EQ(read_file(denied_out), "");
    EXPECT_EQ(last_crossing(prism)["selection"], "primary");
    EXPECT_EQ(last_crossing(prism)["rule"], "paste_from.* = deny");

    auto [allowed, allowed_out] = paste(prism, prism.vm_socket("scratch"), {"--primary"});
    EXPECT_EQ(exit_code(allowed), 0);
    EXPECT_EQ(read_file(allowed_out), "selected text");
    prism.stop();
}

TEST_F(ClipboardTest, BinaryCrossesByteIdenticalUpToTheLimit) {
    Prism prism(
        {kWorkVm, {"personal", "#4e9a06", {}, "[clipboard]\npaste_from = { work = \"allow\" }"}},
        "[clipboard]\nmax_bytes = 2097152\n");
    for (const std::size_t size : {std::size_t{1}, std::size_t{1} << 20, std::size_t{2} << 20}) {
        SCOPED_TRACE(size);
        const std::string data = random_binary(size);
        Child source = copy(prism, prism.vm_socket("work"), data, {"--type", "image/png"});
        ASSERT_TRUE(eventually([&] {
            const json selections = prism.ctl("clipboard")["selections"];
            return !selections.empty() && selections[0]["owner"] == "work" &&
                   selections[0]["mime_types"] == json::array({"image/png"});
        }));
        auto [paster, out] = paste(prism, prism.vm_socket("personal"), {"--type", "image/png"});
        EXPECT_EQ(exit_code(paster, 60s), 0) << paster.output();
        const std::string got = read_file(out);
        EXPECT_EQ(got.size(), data.size());
        EXPECT_TRUE(got == data);
        EXPECT_EQ(last_crossing(prism)["bytes"], size);
        Child clear = prism.client({"wl-copy", "--clear"}, prism.vm_socket("work"), "wl-copy");
        exit_code(clear);
    }
    // One byte more than max_bytes is refused whole, not truncated.
    const std::string data = random_binary((2u << 20) + 1);
    Child source = copy(prism, prism.vm_socket("work"), data, {"--type", "image/png"});
    ASSERT_TRUE(owned_by(prism, "work"));
    auto [paster, out] = paste(prism, prism.vm_socket("personal"), {"--type", "image/png"});
    exit_code(paster, 60s);
    EXPECT_EQ(read_file(out), "");
    EXPECT_EQ(last_crossing(prism)["decision"], "refused");
    EXPECT_EQ(last_crossing(prism)["rule"], "source sent more than clipboard.max_bytes = 2097152");
    prism.stop();
}

TEST_F(ClipboardTest, EmptyAndSixtyFourMiBCrossWithTheDefaultLimit) {
    Prism prism(
        {kWorkVm, {"personal", "#4e9a06", {}, "[clipboard]\npaste_from = { work = \"allow\" }"}});
    for (const std::size_t size : {std::size_t{0}, std::size_t{64} << 20}) {
        SCOPED_TRACE(size);
        const std::string data = random_binary(size);
        Child source = copy(prism, prism.vm_socket("work"), data, {"--type", "image/png"});
        ASSERT_TRUE(owned_by(prism, "work"));
        auto [paster, out] = paste(prism, prism.vm_socket("personal"), {"--type", "image/png"});
        EXPECT_EQ(exit_code(paster, 120s), 0) << paster.output();
        const std::string got = read_file(out);
        EXPECT_EQ(got.size(), data.size());
        EXPECT_TRUE(got == data);
        EXPECT_EQ(last_crossing(prism)["decision"], "allowed");
        EXPECT_EQ(last_crossing(prism)["bytes"], size);
        source.signal(SIGTERM);
        exit_code(source);
        ASSERT_TRUE(eventually([&] { return prism.ctl("clipboard")["selections"].empty(); }));
    }
    prism.stop();
}

TEST_F(ClipboardTest, HostToolsPasteThroughTheSamePolicy) {
    // wl-copy and wl-paste on the host socket use data-control, which only the host sees.
    Prism prism({{"work", "#3465a4", {}, "[clipboard]\npaste_from = { host = \"allow\" }"}});
    Child source = copy(prism, prism.host_socket(), "from the host");
    ASSERT_TRUE(owned_by(prism, "host"));
    auto [into_vm, into_vm_out] = paste(prism, prism.vm_socket("work"));
    EXPECT_EQ(exit_code(into_vm), 0);
    EXPECT_EQ(read_file(into_vm_out), "from the host");

    Child vm_source = copy(prism, prism.vm_socket("work"), "from work");
    ASSERT_TRUE(owned_by(prism, "work"));
    auto [into_host, into_host_out] = paste(prism, prism.host_socket());
    ASSERT_FALSE(wait_prompt(prism).is_null()) << "the host asks by default";
    EXPECT_EQ(prism.ctl("clipboard")["prompt"]["to"], "host");
    press(prism, "Return");
    EXPECT_EQ(exit_code(into_host), 0);
    EXPECT_EQ(read_file(into_host_out), "from work");
    prism.stop();
}

TEST_F(ClipboardTest, PasterOrSourceGoingAwayCancelsTheDialog) {
    Prism prism({kWorkVm, kPersonalVm});
    Child source = copy(prism, prism.vm_socket("work"), "going");
    ASSERT_TRUE(owned_by(prism, "work"));
    {
        auto [paster, out] = paste(prism, prism.vm_socket("personal"));
        ASSERT_FALSE(wait_prompt(prism).is_null());
        paster.signal(SIGKILL);
        exit_code(paster);
        EXPECT_TRUE(eventually([&] { return prism.ctl("clipboard")["prompt"].is_null(); }));
        EXPECT_EQ(last_crossing(prism)["decision"], "cancelled");
    }
    {
        auto [paster, out] = paste(prism, prism.vm_socket("personal"));
        ASSERT_FALSE(wait_prompt(prism).is_null());
        source.signal(SIGKILL);
        exit_code(source);
        EXPECT_TRUE(eventually([&] { return prism.ctl("clipboard")["prompt"].is_null(); }));
        exit_code(paster);
        EXPECT_EQ(read_file(out), "");
        EXPECT_EQ(last_crossing(prism)["decision"], "cancelled");
        EXPECT_TRUE(prism.ctl("clipboard")["selections"].empty());
    }
    prism.stop();
}

// How many pixels of the host's colour a screenshot has inside `box` (the dialog's border).
int host_pixels_in(const Image& image, const json& box) {
    int host = 0;
    for (int y = box["y"].get<int>(); y < box["y"].get<int>() + box["height"].get<int>(); ++y) {
        for (int x = box["x"].get<int>(); x < box["x"].get<int>() + box["width"].get<int>(); ++x) {
            host += image.contains(x, y) && image.at(x, y) == kHostColour;
        }
    }
    return host;
}

// Lines of `text` containing `needle`.
int count_lines(const std::string& text, const std::string& needle) {
    int count = 0;
    std::size_t at = 0;
    while ((at = text.find(needle, at)) != std::string::npos) {
        ++count;
        at += needle.size();
    }
    return count;
}

// Every "paste I: N bytes" line a flood-client printed says 0 bytes.
bool nothing_pasted(const std::string& output) {
    std::size_t at = 0;
    while ((at = output.find("paste ", at)) != std::string::npos) {
        int index = 0;
        std::size_t bytes = 0;
        if (std::sscanf(output.c_str() + at, "paste %d: %zu bytes", &index, &bytes) == 2 &&
            bytes != 0) {
            return false;
        }
        at += 6;
    }
    return true;
}

json window_titled(Prism& prism, const std::string& vm, const std::string& title) {
    json found;
    eventually([&] {
        for (const json& w : prism.windows_of(vm)) {
            if (w["title"] == title && w.value("focused", false)) {
                found = w;
                return true;
            }
        }
        return false;
    });
    return found;
}

TEST_F(ClipboardTest, TypeAheadNeverAnswersTheDialog) {
    // The user types into a VM's window; the VM asks for the host's clipboard after the first
    // key. Neither the 'y' of "you" nor the Enter that ends the line may allow it: only an Enter
    // after a quiet moment does.
    Prism prism({kWorkVm, kPersonalVm});
    Child source = copy(prism, prism.host_socket(), "host secret");
    ASSERT_TRUE(owned_by(prism, "host"));
    Child vm = prism.client({std::getenv("FLOOD_CLIENT"), "paste-on-key"},
                            prism.vm_socket("personal"), "flood-paste-on-key");
    ASSERT_FALSE(window_titled(prism, "personal", "flood paste-on-key 0").is_null())
        << prism.ctl("windows").dump(2);
    Child typing = prism.client({"wtype", "-d", "120", "ok, see you at noon\n"},
                                prism.host_socket(), "wtype-burst");
    EXPECT_EQ(exit_code(typing), 0) << typing.output();
    std::this_thread::sleep_for(200ms);

    const json prompt = prism.ctl("clipboard")["prompt"];
    ASSERT_FALSE(prompt.is_null()) << "the burst answered the dialog:\n"
                                   << prism.ctl("clipboard").dump(2) << vm.output();
    EXPECT_EQ(prompt["to"], "personal");
    EXPECT_EQ(count_lines(vm.output(), "key down"), 1) << "only the first key reached the VM";
    EXPECT_EQ(vm.output().find("pasted:"), std::string::npos) << vm.output();
    EXPECT_GT(host_pixels_in(screenshot(prism, "type-ahead-dialog"), prompt["dialog"]), 2000)
        << "the dialog is still shown";

    press(prism, "Return"); // after 700 ms without a key
    EXPECT_TRUE(eventually([&] {
        return vm.output().find("pasted: host secret") != std::string::npos;
    })) << vm.output();
    EXPECT_EQ(last_crossing(prism)["rule"], "dialog: allowed (Enter)");
    prism.stop();
}

TEST_F(ClipboardTest, ANewClientPerPasteNeverBringsASecondDialog) {
    // A VM opens a new connection and window for each paste request. The user sees one dialog;
    // after Deny, its other clients' requests for the same selection are refused without one;
    // after "deny all", every later request from it is.
    Prism prism({kWorkVm, kPersonalVm});
    Child source = copy(prism, prism.host_socket(), "host secret");
    ASSERT_TRUE(owned_by(prism, "host"));
    Child spam = prism.client({std::getenv("FLOOD_CLIENT"), "paste-spam", "6"},
                              prism.vm_socket("personal"), "flood-paste-spam");
    const json first = wait_prompt(prism);
    ASSERT_FALSE(first.is_null()) << prism.log();
    EXPECT_TRUE(eventually([&] { return spam.output().find("opened 6") != std::string::npos; }))
        << spam.output();
    // Six windows of one VM, one dialog.
    EXPECT_EQ(prism.ctl("clipboard")["prompt"]["id"], first["id"]);
    EXPECT_LE(prism.ctl("clipboard")["waiting"].get<int>(), 1);
    EXPECT_GT(host_pixels_in(screenshot(prism, "spam-first-dialog"), first["dialog"]), 2000);

    press(prism, "Escape");
    EXPECT_TRUE(eventually([&] {
        return spam.output().find("paste 0: 0 bytes") != std::string::npos;
    })) << spam.output();
    // The keyboard goes back to the VM's newest window, which asks again: refused, no dialog.
    EXPECT_TRUE(eventually([&] {
        return prism.log().find("already denied for this selection") != std::string::npos;
    })) << prism.log();
    std::this_thread::sleep_for(1s);
    EXPECT_TRUE(prism.ctl("clipboard")["prompt"].is_null()) << prism.ctl("clipboard").dump(2);
    EXPECT_LT(host_pixels_in(screenshot(prism, "spam-after-deny"), first["dialog"]), 200)
        << "no second dialog";
    EXPECT_TRUE(nothing_pasted(spam.output())) << spam.output();
    const json crossings = prism.ctl("clipboard")["crossings"];
    for (const json& crossing : crossings) {
        EXPECT_NE(crossing["decision"], "allowed");
        EXPECT_EQ(crossing["bytes"], 0);
    }

    // A new copy: the VM asks once more, and the user answers "deny all" (Shift+Escape).
    Child second = copy(prism, prism.host_socket(), "second secret");
    ASSERT_TRUE(eventually([&] { return !source.running(); })) << "the first copy was replaced";
    Child again = prism.client({std::getenv("FLOOD_CLIENT"), "paste-spam", "1"},
                               prism.vm_socket("personal"), "flood-paste-again");
    ASSERT_FALSE(wait_prompt(prism).is_null()) << prism.log();
    std::this_thread::sleep_for(700ms);
    Child deny_all = prism.client({"wtype", "-M", "shift", "-k", "Escape", "-m", "shift"},
                                  prism.host_socket(), "wtype-deny-all");
    EXPECT_EQ(exit_code(deny_all), 0) << deny_all.output();
    EXPECT_TRUE(eventually([&] {
        return again.output().find("paste 0: 0 bytes") != std::string::npos;
    })) << again.output();
    EXPECT_EQ(last_crossing(prism)["rule"], "dialog: denied all (Shift+Escape)");

    // Yet another copy and new clients: refused without a dialog, with the reason logged.
    Child third = copy(prism, prism.host_socket(), "third secret");
    ASSERT_TRUE(eventually([&] { return !second.running(); }));
    Child more = prism.client({std::getenv("FLOOD_CLIENT"), "paste-spam", "3"},
                              prism.vm_socket("personal"), "flood-paste-more");
    EXPECT_TRUE(eventually([&] {
        return more.output().find("paste 2: 0 bytes") != std::string::npos;
    })) << more.output()
        << prism.log();
    EXPECT_TRUE(prism.ctl("clipboard")["prompt"].is_null());
    EXPECT_NE(prism.log().find("every paste into personal denied for 10 min (dialog: deny all)"),
              std::string::npos);
    EXPECT_LT(host_pixels_in(screenshot(prism, "spam-after-deny-all"), first["dialog"]), 200);
    EXPECT_TRUE(nothing_pasted(more.output() + again.output())) << more.output();

    // Another VM still asks.
    Child other = prism.client({std::getenv("FLOOD_CLIENT"), "paste-spam", "1"},
                               prism.vm_socket("work"), "flood-paste-work");
    const json work_prompt = wait_prompt(prism);
    ASSERT_FALSE(work_prompt.is_null());
    EXPECT_EQ(work_prompt["to"], "work");
    press(prism, "Escape");
    prism.stop();
}

TEST_F(ClipboardTest, ReplacingTheSelectionUnderTheDialogCancelsIt) {
    // A new copy while a VM's paste waits for the user: the dialog goes and the keyboard comes
    // back to the window, while wlroots is still replacing the selection. prism used to send
    // that window the old, half-destroyed selection and crash; a VM could do it with its own
    // copy.
    Prism prism({kWorkVm, kPersonalVm});
    Child source = copy(prism, prism.vm_socket("work"), "first");
    ASSERT_TRUE(owned_by(prism, "work"));
    Child paster = prism.client({std::getenv("FLOOD_CLIENT"), "paste-spam", "1"},
                                prism.vm_socket("personal"), "flood-paste");
    ASSERT_FALSE(wait_prompt(prism).is_null()) << prism.log();
    Child second = copy(prism, prism.host_socket(), "second");
    EXPECT_TRUE(eventually([&] {
        return paster.output().find("paste 0: 0 bytes") != std::string::npos;
    })) << paster.output();
    ASSERT_TRUE(prism.process().running()) << prism.log();
    EXPECT_TRUE(prism.ctl("clipboard")["prompt"].is_null());
    EXPECT_EQ(last_crossing(prism)["decision"], "cancelled");
    EXPECT_FALSE(window_titled(prism, "personal", "flood paste-spam 0").is_null())
        << "the window has the keyboard again";
    ASSERT_TRUE(owned_by(prism, "host"));
    prism.stop();
}

TEST_F(ClipboardTest, AMimeFloodNeitherReachesNorDisconnectsAnotherVm) {
    Prism prism({kWorkVm, kPersonalVm});
    // 30,000 types of 100 bytes: prism cuts the offering client off after 256.
    Child flood = prism.client({std::getenv("FLOOD_CLIENT"), "offer", "30000", "100"},
                               prism.vm_socket("work"), "flood-offer-30000");
    EXPECT_TRUE(eventually([&] { return !flood.running(); }, 30s)) << flood.output();
    EXPECT_NE(flood.output().find("disconnected"), std::string::npos) << flood.output();
    EXPECT_NE(prism.log().find("client of work (pid "), std::string::npos) << prism.log();
    EXPECT_NE(prism.log().find("more than 256 MIME types offered"), std::string::npos)
        << prism.log();
    Child victim = prism.client({std::getenv("FLOOD_CLIENT"), "victim"},
                                prism.vm_socket("personal"), "flood-victim");
    EXPECT_TRUE(eventually([&] {
        return victim.output().find("roundtrip 3\n") != std::string::npos;
    })) << victim.output();

    // 200 types of 100 bytes and one of 1000: the focused window of another VM is offered at
    // most limits.mime_types (64) of them, none longer than 255 bytes, and stays connected.
    Child offer = prism.client({std::getenv("FLOOD_CLIENT"), "offer", "200", "100"},
                               prism.vm_socket("work"), "flood-offer-200");
    ASSERT_TRUE(eventually([&] { return offer.output().find("offered") != std::string::npos; }))
        << offer.output();
    Child second = prism.client({std::getenv("FLOOD_CLIENT"), "victim"},
                                prism.vm_socket("personal"), "flood-victim-2");
    ASSERT_TRUE(eventually([&] { return second.output().find("selection ") != std::string::npos; }))
        << second.output() << prism.log();
    const std::string out = second.output();
    const std::size_t at = out.find("selection ");
    std::size_t types = 0, longest = 0;
    ASSERT_EQ(std::sscanf(out.c_str() + at, "selection %zu types, longest %zu", &types, &longest),
              2)
        << out;
    EXPECT_LE(types, 64u);
    EXPECT_GT(types, 0u);
    EXPECT_LE(longest, 255u);
    EXPECT_TRUE(eventually([&] {
        return second.output().find("roundtrip 5\n") != std::string::npos;
    })) << second.output();
    EXPECT_TRUE(second.running() && victim.running());
    EXPECT_EQ(second.output().find("disconnected"), std::string::npos);
    EXPECT_EQ(victim.output().find("disconnected"), std::string::npos);
    EXPECT_NE(prism.log().find("clipboard: work offered 202 MIME types (1 longer than 255 bytes): "
                               "prism offers 64 of them (limits.mime_types = 64)"),
              std::string::npos);
    prism.stop();
}

// A VM setting selections with too many types, and connections offering more than 256, in a
// loop for 3 s: both kinds of line are rate-limited per VM (one "prism offers N of them" line
// per 10 s, at most 5 protocol error lines per 10 s), however many times it does it.
TEST_F(ClipboardTest, AMimeFloodInALoopCannotFloodTheLog) {
    Prism prism({kWorkVm, kPersonalVm});
    Child flood = prism.client({std::getenv("FLOOD_CLIENT"), "offer-loop", "100", "30"},
                               prism.vm_socket("work"), "flood-offer-loop");
    ASSERT_TRUE(
        eventually([&] { return flood.output().find("looped ") != std::string::npos; }, 60s))
        << flood.output();
    int looped = 0, disconnected = 0;
    const std::string out = flood.output();
    ASSERT_EQ(std::sscanf(out.c_str() + out.find("looped "), "looped %d, disconnected %d", &looped,
                          &disconnected),
              2)
        << out;
    // The flood happened: many selections set, many connections cut off.
    EXPECT_GE(disconnected, 20) << out;
    EXPECT_EQ(disconnected, looped) << out;
    std::this_thread::sleep_for(200ms);
    const std::string log = prism.log();
    auto lines_with = [&](const std::string& needle) {
        std::size_t n = 0;
        for (std::size_t at = log.find(needle); at != std::string::npos;
             at = log.find(needle, at + 1)) {
            ++n;
        }
        return n;
    };
    const std::size_t capped = lines_with("clipboard: work offered 102 MIME types");
    // Every line about the cut-off connections (prism used to log each one itself as well).
    const std::size_t cut_off = lines_with("256 MIME types");
    EXPECT_GE(capped, 1u) << log;
    EXPECT_LE(capped, 1u) << log;
    EXPECT_GE(cut_off, 1u) << log;
    EXPECT_LE(cut_off, 5u) << log;
    EXPECT_EQ(lines_with("client of work (pid "), cut_off) << log;
    ASSERT_TRUE(prism.process().running());
    prism.stop();
}

// Drag and drop with a real client pair (dnd-client) and the pointer of the host.
class DragAndDropTest : public ClipboardTest {
protected:
    static void pointer(Prism& prism, const std::vector<std::string>& actions) {
        std::vector<std::string> argv{std::getenv("POINTER_CLIENT"), "1024x768"};
        argv.insert(argv.end(), actions.begin(), actions.end());
        Child client = prism.client(argv, prism.host_socket(), "pointer-client");
        ASSERT_EQ(exit_code(client), 0) << client.output();
    }
    static std::string at(int value) { return std::to_string(value); }

    static json window_of(Prism& prism, const std::string& vm, const std::string& title) {
        json found;
        eventually([&] {
            for (const json& w : prism.windows_of(vm)) {
                if (w["title"] == title) {
                    found = w;
                    return true;
                }
            }
            return false;
        });
        return found;
    }

    // Opens the source in `from` and the target in `to`, side by side, then drags from the
    // middle of one to the middle of the other and lets go.
    std::pair<Child, Child> drag(Prism& prism, const std::string& from, const std::string& to,
                                 const std::string& text) {
        Child source = prism.client({std::getenv("DND_CLIENT"), "source", text},
                                    prism.vm_socket(from), "dnd-source");
        const json s = window_of(prism, from, "dnd source");
        Child target =
            prism.client({std::getenv("DND_CLIENT"), "target"}, prism.vm_socket(to), "dnd-target");
        json t = window_of(prism, to, "dnd target");
        EXPECT_FALSE(s.is_null() || t.is_null()) << prism.ctl("windows").dump(2);
        // Move the target 300 px to the right by its title bar, clear of the source.
        const json& f = t["frame"];
        const int grab_x = f["x"].get<int>() + 40, grab_y = f["y"].get<int>() + 6;
        pointer(prism, {"move", at(grab_x), at(grab_y), "press", "move", at(grab_x + 150),
                        at(grab_y), "move", at(grab_x + 300), at(grab_y), "release"});
        t = window_of(prism, to, "dnd target");
        const int sx = s["x"].get<int>() + 100, sy = s["y"].get<int>() + 100;
        const int tx = t["x"].get<int>() + 100, ty = t["y"].get<int>() + 100;
        EXPECT_GT(tx - sx, 250) << "the windows must not overlap";
        pointer(prism, {"move",
                        at(sx),
                        at(sy),
                        "press",
                        "sleep",
                        "100",
                        "move",
                        at(sx + 40),
                        at(sy),
                        "sleep",
                        "50",
                        "move",
                        at((sx + tx) / 2),
                        at(sy),
                        "sleep",
                        "50",
                        "move",
                        at(tx),
                        at(ty),
                        "sleep",
                        "100",
                        "move",
                        at(tx + 5),
                        at(ty),
                        "sleep",
                        "100",
                        "release"});
        return {std::move(source), std::move(target)};
    }
};

TEST_F(DragAndDropTest, WithinOneVmTheDropIsImmediate) {
    Prism prism({kWorkVm});
    auto [source, target] = drag(prism, "work", "work", "dragged inside work");
    EXPECT_EQ(exit_code(target), 0) << target.output();
    EXPECT_NE(target.output().find("dropped: dragged inside work"), std::string::npos)
        << target.output();
    EXPECT_EQ(exit_code(source), 0);
    EXPECT_NE(source.output().find("finished"), std::string::npos) << source.output();
    EXPECT_TRUE(prism.ctl("clipboard")["crossings"].empty());
    prism.stop();
}

TEST_F(DragAndDropTest, AcrossVmsTheDropWaitsForAllow) {
    Prism prism({kWorkVm, kPersonalVm});
    auto [source, target] = drag(prism, "work", "personal", "dragged across");
    const json prompt = wait_prompt(prism);
    ASSERT_FALSE(prompt.is_null()) << prism.log();
    EXPECT_EQ(prompt["selection"], "drag");
    EXPECT_EQ(prompt["from"], "work");
    EXPECT_EQ(prompt["to"], "personal");
    EXPECT_EQ(target.output().find("dropped"), std::string::npos) << "nothing before Allow";
    screenshot(prism, "drag-dialog");
    press(prism, "Return");
    EXPECT_EQ(exit_code(target), 0) << target.output();
    EXPECT_NE(target.output().find("dropped: dragged across"), std::string::npos)
        << target.output();
    EXPECT_EQ(last_crossing(prism)["selection"], "drag");
    EXPECT_EQ(last_crossing(prism)["decision"], "allowed");
    prism.stop();
}

TEST_F(DragAndDropTest, ReusingADragSourceIsRefusedNotAUseAfterFree) {
    // A hostile client drags the same source twice, holding the first drop's offer without
    // finishing: starting the second drag would destroy the first one's source under wlroots.
    Prism prism({kWorkVm});
    Child client =
        prism.client({std::getenv("DND_CLIENT"), "reuse"}, prism.vm_socket("work"), "dnd-reuse");
    const json w = window_of(prism, "work", "dnd reuse");
    ASSERT_FALSE(w.is_null()) << prism.ctl("windows").dump(2);
    const int x = w["x"].get<int>() + 100, y = w["y"].get<int>() + 100;
    for (int i = 0; i < 2; ++i) {
        pointer(prism, {"move", at(x), at(y), "press", "sleep", "50", "move", at(x + 20), at(y),
                        "sleep", "50", "release", "sleep", "50"});
    }
    EXPECT_TRUE(eventually([&] { return client.output().find("drag 2") != std::string::npos; }))
        << client.output();
    EXPECT_TRUE(eventually([&] {
        return prism.log().find("refusing a drag: its source is already in use") !=
               std::string::npos;
    })) << prism.log();
    EXPECT_TRUE(client.running()) << "a refusal, not a disconnection";
    EXPECT_EQ(prism.ctl("windows").size(), 1u) << "prism is alive and answers";
    prism.stop(); // and exits cleanly under ASan
}

TEST_F(DragAndDropTest, ADeniedDropDeliversNothing) {
    Prism prism(
        {kWorkVm, {"personal", "#4e9a06", {}, "[clipboard]\npaste_from = { work = \"deny\" }"}});
    auto [source, target] = drag(prism, "work", "personal", "must not arrive");
    EXPECT_EQ(exit_code(target), 0) << target.output();
    EXPECT_NE(target.output().find("dropped: \n"), std::string::npos) << target.output();
    EXPECT_EQ(last_crossing(prism)["selection"], "drag");
    EXPECT_EQ(last_crossing(prism)["rule"], "paste_from.work = deny");
    prism.stop();
}

// Host sandboxes take part like VMs: by default a paste into one asks; prism.toml's
// [sandbox.clipboard] is their own policy, which can let the host's clipboard in.
TEST_F(ClipboardTest, ASandboxPastesAsItsOwnPolicySays) {
    const std::string headless = "[headless]\nwidth = 1024\nheight = 768\n";
    auto paste_in_sandbox = [&](Prism& prism, const std::filesystem::path& out) {
        const std::string socket = (prism.runtime_dir() / "sandbox-0").string();
        return prism.client({std::getenv("SANDBOX_CLIENT"), socket, "org.example.engine",
                             "org.example.App", "1", "--", "sh", "-c",
                             "exec wl-paste --no-newline > '" + out.string() + "'"},
                            prism.host_socket(), "sandboxed");
    };
    {
        Prism prism({}, headless);
        Child source = copy(prism, prism.host_socket(), "from the host");
        ASSERT_TRUE(owned_by(prism, "host"));
        const auto out = prism.runtime_dir() / "pasted";
        Child paster = paste_in_sandbox(prism, out);
        const json prompt = wait_prompt(prism);
        ASSERT_FALSE(prompt.is_null()) << prism.log();
        EXPECT_NE(prompt.dump().find("sandbox:org.example.engine:org.example.App:1"),
                  std::string::npos)
            << prompt.dump();
        press(prism, "Escape");
        exit_code(paster);
        EXPECT_EQ(read_file(out), "") << "refused: nothing crossed";
        prism.stop();
    }
    {
        Prism prism({}, headless + "[sandbox.clipboard]\npaste_from = { host = \"allow\" }\n");
        Child source = copy(prism, prism.host_socket(), "from the host");
        ASSERT_TRUE(owned_by(prism, "host"));
        const auto out = prism.runtime_dir() / "pasted";
        Child paster = paste_in_sandbox(prism, out);
        EXPECT_EQ(exit_code(paster), 0) << paster.output();
        EXPECT_EQ(read_file(out), "from the host");
        EXPECT_TRUE(prism.ctl("clipboard")["prompt"].is_null());
        prism.stop();
    }
}

} // namespace
} // namespace prism::test
