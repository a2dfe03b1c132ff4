// The example configuration shipped in config/examples must load cleanly: it is what users
// copy, and the documentation points at it.
#include "config/config.hpp"
#include "tests/config/test_util.hpp"

#include <cstdlib>

#include <gtest/gtest.h>

namespace prism::config {
namespace {

using testing_util::error_strings;

std::filesystem::path examples_dir() {
    if (const char* dir = std::getenv("PRISM_CONFIG_EXAMPLES_DIR")) {
        return dir;
    }
    return PRISM_CONFIG_EXAMPLES_DIR;
}

TEST(ExamplesTest, LoadWithoutErrors) {
    const std::filesystem::path dir = examples_dir();
    ASSERT_TRUE(std::filesystem::is_regular_file(dir / "prism.toml")) << dir;
    const LoadResult result = load_config_dir(dir, Environment{"/run/user/1000"});
    ASSERT_TRUE(result.errors.empty()) << ::testing::PrintToString(error_strings(result.errors));
    ASSERT_TRUE(result.config.has_value());
    const Config& config = *result.config;

    EXPECT_EQ(config.general.terminal, "foot");
    EXPECT_EQ(config.keyboard.layout, "us");
    EXPECT_EQ(config.keyboard.options, "ctrl:nocaps");
    EXPECT_EQ(config.keyboard.repeat_rate, 25);
    EXPECT_EQ(config.keyboard.repeat_delay, 600);
    EXPECT_EQ(config.focus.new_window, NewWindowFocus::Smart);
    ASSERT_NE(config.output_for("HEADLESS-1"), nullptr);
    EXPECT_EQ(config.output_for("HEADLESS-1")->scale, 1.0);

    // The example binds Super+D to a launcher on top of the defaults.
    bool has_launcher = false;
    for (const Binding& binding : config.bindings) {
        if (binding.modifiers == ModSuper && binding.key == "D") {
            has_launcher = binding.action == Action::Exec && binding.argument == "fuzzel";
        }
    }
    EXPECT_TRUE(has_launcher);

    // [frame] and [host] are shown commented out, with their defaults.
    EXPECT_EQ(config.frame, FrameConfig{});
    EXPECT_EQ(config.host, HostFrameConfig{});
    // The default Super+X xray binding is kept.
    bool has_xray = false;
    for (const Binding& binding : config.bindings) {
        if (binding.modifiers == ModSuper && binding.key == "X") {
            has_xray = binding.action == Action::XRay;
        }
    }
    EXPECT_TRUE(has_xray);

    // The host denies pastes from the untrusted VM and asks for the others.
    EXPECT_EQ(config.host_clipboard.paste_from,
              (std::map<std::string, PasteDecision>{{"*", PasteDecision::Ask},
                                                    {"untrusted", PasteDecision::Deny}}));
    EXPECT_TRUE(config.host_clipboard.mime.empty());
    EXPECT_EQ(config.host_primary, Config{}.host_primary);
    EXPECT_EQ(config.clipboard_limits, ClipboardLimits{});

    ASSERT_EQ(config.vms.size(), 3u);
    const struct {
        const char* name;
        const char* colour;
    } expected[] = {{"personal", "#73d216"}, {"untrusted", "#cc0000"}, {"work", "#3465a4"}};
    for (std::size_t i = 0; i < 3; ++i) {
        const VmConfig& vm = config.vms[i];
        EXPECT_EQ(vm.name, expected[i].name);
        EXPECT_EQ(vm.label, expected[i].name);
        EXPECT_EQ(vm.colour.hex(), expected[i].colour);
        EXPECT_EQ(vm.socket, std::filesystem::path("/run/user/1000") /
                                 (std::string("wayland-vm-") + expected[i].name));
        EXPECT_EQ(vm.source_file, dir / "vms" / (std::string(expected[i].name) + ".toml"));
        // Host-only globals are shown commented out, not enabled.
        EXPECT_TRUE(vm.allowed_globals.empty());
        // So is fullscreen.
        EXPECT_FALSE(vm.allow_fullscreen) << vm.name;
        // No VM lets the primary selection cross.
        EXPECT_EQ(vm.primary, VmConfig{}.primary) << vm.name;
    }
    // personal and untrusted ask for every paste from elsewhere (the default, written out in
    // untrusted.toml); work takes text from the host, asks for personal, refuses untrusted.
    EXPECT_EQ(config.vms[0].clipboard, VmConfig{}.clipboard);
    EXPECT_EQ(config.vms[1].clipboard, VmConfig{}.clipboard);
    EXPECT_EQ(config.vms[2].clipboard.paste_from,
              (std::map<std::string, PasteDecision>{{"*", PasteDecision::Ask},
                                                    {"host", PasteDecision::Allow},
                                                    {"untrusted", PasteDecision::Deny}}));
    EXPECT_EQ(config.vms[2].clipboard.mime, std::vector<std::string>{"text/*"});
}

} // namespace
} // namespace prism::config
