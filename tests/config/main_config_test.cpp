#include "config/config.hpp"
#include "tests/config/test_util.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace prism::config {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing_util::error_strings;

const std::filesystem::path kFile = "prism.toml";

Config defaults() {
    Config config;
    config.bindings = default_bindings();
    return config;
}

Config parse_ok(std::string_view text) {
    Config config = defaults();
    const std::vector<Error> errors = parse_main(text, kFile, config);
    EXPECT_TRUE(errors.empty()) << ::testing::PrintToString(error_strings(errors));
    return config;
}

std::vector<std::string> parse_errors(std::string_view text) {
    Config config = defaults();
    const std::vector<Error> errors = parse_main(text, kFile, config);
    EXPECT_FALSE(errors.empty());
    return error_strings(errors);
}

TEST(ParseMainTest, EmptyFileKeepsTheDefaults) {
    const Config config = parse_ok("");
    EXPECT_EQ(config.general, GeneralConfig{});
    EXPECT_EQ(config.general.terminal, "foot");
    EXPECT_EQ(config.general.locker, "swaylock");
    EXPECT_EQ(config.keyboard, KeyboardConfig{});
    EXPECT_EQ(config.keyboard.repeat_rate, 25);
    EXPECT_EQ(config.keyboard.repeat_delay, 600);
    EXPECT_EQ(config.cursor, CursorConfig{});
    EXPECT_EQ(config.cursor.size, 24);
    EXPECT_TRUE(config.outputs.empty());
    EXPECT_EQ(config.headless, HeadlessConfig{});
    EXPECT_EQ(config.focus, FocusConfig{});
    EXPECT_EQ(config.focus.new_window, NewWindowFocus::Smart);
    EXPECT_EQ(config.focus.typing_grace_ms, 1000);
    EXPECT_EQ(config.frame, FrameConfig{});
    EXPECT_EQ(config.frame.font, "sans 10");
    EXPECT_EQ(config.frame.border, 4);
    EXPECT_EQ(config.host, HostFrameConfig{});
    EXPECT_EQ(config.host.colour.hex(), "#f2f2f2");
    EXPECT_EQ(config.host.accent.hex(), "#202020");
    EXPECT_EQ(config.host.label, "host");
    EXPECT_EQ(config.bindings, default_bindings());
}

TEST(ParseMainTest, EveryKey) {
    const Config config = parse_ok(R"(
[general]
terminal = "alacritty -e tmux"

[keyboard]
rules = "evdev"
model = "pc105"
layout = "us,de"
variant = ",nodeadkeys"
options = "ctrl:nocaps"
repeat_rate = 40
repeat_delay = 250

[cursor]
theme = "Adwaita"
size = 32

[[output]]
name = "HDMI-A-1"
scale = 1.5
cursor_size = 48
x = -1920
y = 0

[[output]]
name = "*"
scale = 2

[headless]
outputs = 2
width = 1920
height = 1080

[focus]
new_window = "never"
typing_grace_ms = 0

[frame]
font = "DejaVu Sans Bold 12"
border = 6

[host]
colour = "#FFFFFF"
accent = "black"
label = "dom0 — trusted"
)");
    EXPECT_EQ(config.general.terminal, "alacritty -e tmux");
    EXPECT_EQ(config.keyboard.rules, "evdev");
    EXPECT_EQ(config.keyboard.model, "pc105");
    EXPECT_EQ(config.keyboard.layout, "us,de");
    EXPECT_EQ(config.keyboard.variant, ",nodeadkeys");
    EXPECT_EQ(config.keyboard.options, "ctrl:nocaps");
    EXPECT_EQ(config.keyboard.repeat_rate, 40);
    EXPECT_EQ(config.keyboard.repeat_delay, 250);
    EXPECT_EQ(config.cursor.theme, "Adwaita");
    EXPECT_EQ(config.cursor.size, 32);
    ASSERT_EQ(config.outputs.size(), 2u);
    EXPECT_EQ(config.outputs[0], (OutputConfig{"HDMI-A-1", 1.5, 48, -1920, 0}));
    EXPECT_EQ(config.outputs[1],
              (OutputConfig{"*", 2.0, std::nullopt, std::nullopt, std::nullopt}));
    EXPECT_EQ(config.headless, (HeadlessConfig{2, 1920, 1080}));
    EXPECT_EQ(config.focus, (FocusConfig{NewWindowFocus::Never, 0}));
    EXPECT_EQ(config.frame, (FrameConfig{"DejaVu Sans Bold 12", 6}));
    EXPECT_EQ(config.host, (HostFrameConfig{{0xff, 0xff, 0xff}, {0, 0, 0}, "dom0 — trusted"}));
}

TEST(ParseMainTest, FocusModes) {
    EXPECT_EQ(parse_ok("[focus]\nnew_window = \"always\"\n").focus.new_window,
              NewWindowFocus::Always);
    EXPECT_EQ(parse_ok("[focus]\nnew_window = \"never\"\n").focus.new_window,
              NewWindowFocus::Never);
    EXPECT_EQ(parse_ok("[focus]\nnew_window = \"smart\"\n").focus.new_window,
              NewWindowFocus::Smart);
}

TEST(ParseMainTest, DottedKeysWork) {
    EXPECT_EQ(parse_ok("keyboard.layout = \"fr\"\n").keyboard.layout, "fr");
}

TEST(ParseMainTest, SyntaxError) {
    EXPECT_THAT(parse_errors("[keyboard]\nlayout = \"us\nrepeat_rate = 25\n"),
                ElementsAre(::testing::StartsWith("prism.toml:2:")));
    Config config = defaults();
    const std::vector<Error> errors = parse_main("[focus\n", kFile, config);
    ASSERT_EQ(errors.size(), 1u);
    EXPECT_EQ(errors[0].line, 1);
    EXPECT_GT(errors[0].column, 0);
    EXPECT_EQ(errors[0].key, "");
}

TEST(ParseMainTest, UnknownTablesAndKeys) {
    EXPECT_THAT(parse_errors("[keybord]\nlayout = \"us\"\n"),
                ElementsAre("prism.toml:1:2: keybord: unknown table 'keybord' (did you mean "
                            "'keyboard'?)"));
    EXPECT_THAT(parse_errors("[keyboard]\nlayout = \"us\"\n  repeat-rate = 30\n"),
                ElementsAre("prism.toml:3:3: keyboard.repeat-rate: unknown key 'repeat-rate' "
                            "(did you mean 'repeat_rate'?)"));
    EXPECT_THAT(parse_errors("terminal = \"foot\"\n"),
                ElementsAre("prism.toml:1:1: terminal: unknown key 'terminal'"));
    EXPECT_THAT(parse_errors("[general]\nterm = \"foot\"\n"),
                ElementsAre("prism.toml:2:1: general.term: unknown key 'term'"));
    EXPECT_THAT(parse_errors("[cursor]\nsise = 3\n"),
                ElementsAre("prism.toml:2:1: cursor.sise: unknown key 'sise' (did you mean "
                            "'size'?)"));
    EXPECT_THAT(parse_errors("[headless]\noutput = 3\n"),
                ElementsAre("prism.toml:2:1: headless.output: unknown key 'output' (did you "
                            "mean 'outputs'?)"));
    EXPECT_THAT(parse_errors("[focus]\nnew_windows = \"smart\"\n"),
                ElementsAre("prism.toml:2:1: focus.new_windows: unknown key 'new_windows' (did "
                            "you mean 'new_window'?)"));
    EXPECT_THAT(parse_errors("[[output]]\nname = \"*\"\nscael = 2\n"),
                ElementsAre("prism.toml:3:1: output[0].scael: unknown key 'scael' (did you "
                            "mean 'scale'?)"));
    EXPECT_THAT(parse_errors("[[outputs]]\nname = \"*\"\n"),
                ElementsAre("prism.toml:1:3: outputs: unknown table 'outputs' (did you mean "
                            "'output'?)"));
}

TEST(ParseMainTest, WrongTypes) {
    EXPECT_THAT(parse_errors("[keyboard]\nlayout = 1\n"),
                ElementsAre("prism.toml:2:10: keyboard.layout: expected a string, got an "
                            "integer"));
    EXPECT_THAT(parse_errors("[keyboard]\nrepeat_rate = \"25\"\n"),
                ElementsAre("prism.toml:2:15: keyboard.repeat_rate: expected an integer, got a "
                            "string"));
    EXPECT_THAT(parse_errors("[keyboard]\nrepeat_rate = 25.0\n"),
                ElementsAre("prism.toml:2:15: keyboard.repeat_rate: expected an integer, got a "
                            "float"));
    EXPECT_THAT(parse_errors("keyboard = \"us\"\n"),
                ElementsAre("prism.toml:1:12: keyboard: expected a table, got a string"));
    EXPECT_THAT(parse_errors("[general]\nterminal = [\"foot\"]\n"),
                ElementsAre("prism.toml:2:12: general.terminal: expected a string, got an "
                            "array"));
    EXPECT_THAT(parse_errors("[cursor]\ntheme = {}\n"),
                ElementsAre("prism.toml:2:9: cursor.theme: expected a string, got a table"));
    EXPECT_THAT(parse_errors("[focus]\ntyping_grace_ms = 10:00:00\n"),
                ElementsAre("prism.toml:2:19: focus.typing_grace_ms: expected an integer, got a "
                            "time"));
    EXPECT_THAT(parse_errors("[headless]\nwidth = 1979-05-27T07:32:00Z\n"),
                ElementsAre("prism.toml:2:9: headless.width: expected an integer, got a "
                            "date-time"));
}

TEST(ParseMainTest, EmptyTerminal) {
    EXPECT_THAT(parse_errors("[general]\nterminal = \"  \"\n"),
                ElementsAre("prism.toml:2:12: general.terminal: must not be empty"));
}

TEST(ParseMainTest, Locker) {
    EXPECT_EQ(parse_ok("[general]\nlocker = \"swaylock -f -c 000000\"\n").general.locker,
              "swaylock -f -c 000000");
    EXPECT_THAT(parse_errors("[general]\nlocker = \"\"\n"),
                ElementsAre("prism.toml:2:10: general.locker: must not be empty"));
    EXPECT_THAT(parse_errors("[general]\nlocker = 1\n"),
                ElementsAre("prism.toml:2:10: general.locker: expected a string, got an integer"));
}

TEST(ParseMainTest, RangesAreChecked) {
    EXPECT_EQ(parse_ok("[keyboard]\nrepeat_rate = 0\n").keyboard.repeat_rate, 0);
    EXPECT_EQ(parse_ok("[keyboard]\nrepeat_rate = 1000\n").keyboard.repeat_rate, 1000);
    EXPECT_THAT(parse_errors("[keyboard]\nrepeat_rate = 1001\n"),
                ElementsAre("prism.toml:2:15: keyboard.repeat_rate: expected an integer from 0 "
                            "to 1000, got 1001"));
    EXPECT_THAT(parse_errors("[keyboard]\nrepeat_rate = -1\n"),
                ElementsAre("prism.toml:2:15: keyboard.repeat_rate: expected an integer from 0 "
                            "to 1000, got -1"));
    EXPECT_THAT(parse_errors("[keyboard]\nrepeat_delay = 0\n"),
                ElementsAre("prism.toml:2:16: keyboard.repeat_delay: expected an integer from 1 "
                            "to 10000, got 0"));
    EXPECT_EQ(parse_ok("[keyboard]\nrepeat_delay = 10000\n").keyboard.repeat_delay, 10000);
    EXPECT_THAT(parse_errors("[cursor]\nsize = 7\n"),
                ElementsAre("prism.toml:2:8: cursor.size: expected an integer from 8 to 256, got "
                            "7"));
    EXPECT_THAT(parse_errors("[cursor]\nsize = 257\n"),
                ElementsAre("prism.toml:2:8: cursor.size: expected an integer from 8 to 256, got "
                            "257"));
    EXPECT_THAT(parse_errors("[headless]\noutputs = 0\n"),
                ElementsAre("prism.toml:2:11: headless.outputs: expected an integer from 1 to 8, "
                            "got 0"));
    EXPECT_THAT(parse_errors("[headless]\noutputs = 9\n"),
                ElementsAre("prism.toml:2:11: headless.outputs: expected an integer from 1 to 8, "
                            "got 9"));
    EXPECT_THAT(parse_errors("[headless]\nwidth = 63\n"),
                ElementsAre("prism.toml:2:9: headless.width: expected an integer from 64 to "
                            "8192, got 63"));
    EXPECT_THAT(parse_errors("[headless]\nheight = 8193\n"),
                ElementsAre("prism.toml:2:10: headless.height: expected an integer from 64 to "
                            "8192, got 8193"));
    EXPECT_THAT(parse_errors("[focus]\ntyping_grace_ms = 60001\n"),
                ElementsAre("prism.toml:2:19: focus.typing_grace_ms: expected an integer from 0 "
                            "to 60000, got 60001"));
    EXPECT_EQ(parse_ok("[focus]\ntyping_grace_ms = 60000\n").focus.typing_grace_ms, 60000);
    // Far outside int: must not wrap around into the range.
    EXPECT_THAT(parse_errors("[cursor]\nsize = 4294967320\n"),
                ElementsAre("prism.toml:2:8: cursor.size: expected an integer from 8 to 256, got "
                            "4294967320"));
}

TEST(ParseMainTest, BadEnum) {
    EXPECT_THAT(parse_errors("[focus]\nnew_window = \"Smart\"\n"),
                ElementsAre("prism.toml:2:14: focus.new_window: expected one of always, never, "
                            "smart, got \"Smart\""));
    EXPECT_THAT(parse_errors("[focus]\nnew_window = true\n"),
                ElementsAre("prism.toml:2:14: focus.new_window: expected a string, got a "
                            "boolean"));
}

TEST(ParseOutputTest, Scale) {
    EXPECT_EQ(parse_ok("[[output]]\nname = \"*\"\nscale = 1\n").outputs[0].scale, 1.0);
    EXPECT_EQ(parse_ok("[[output]]\nname = \"*\"\nscale = 2\n").outputs[0].scale, 2.0);
    EXPECT_EQ(parse_ok("[[output]]\nname = \"*\"\nscale = 0.5\n").outputs[0].scale, 0.5);
    EXPECT_EQ(parse_ok("[[output]]\nname = \"*\"\nscale = 4.0\n").outputs[0].scale, 4.0);
    EXPECT_EQ(parse_ok("[[output]]\nname = \"*\"\n").outputs[0].scale, std::nullopt);
    EXPECT_THAT(parse_errors("[[output]]\nname = \"*\"\nscale = 0.25\n"),
                ElementsAre("prism.toml:3:9: output[0].scale: expected a number from 0.5 to 4, "
                            "got 0.25"));
    EXPECT_THAT(parse_errors("[[output]]\nname = \"*\"\nscale = 5\n"),
                ElementsAre("prism.toml:3:9: output[0].scale: expected a number from 0.5 to 4, "
                            "got 5"));
    EXPECT_THAT(parse_errors("[[output]]\nname = \"*\"\nscale = nan\n"),
                ElementsAre("prism.toml:3:9: output[0].scale: expected a number from 0.5 to 4, "
                            "got nan"));
    EXPECT_THAT(parse_errors("[[output]]\nname = \"*\"\nscale = \"2\"\n"),
                ElementsAre("prism.toml:3:9: output[0].scale: expected a number, got a string"));
}

TEST(ParseOutputTest, IndexInKeyPath) {
    EXPECT_THAT(parse_errors("[[output]]\nname = \"A\"\n\n[[output]]\nname = \"B\"\ncursor_size = "
                             "1\n"),
                ElementsAre("prism.toml:6:15: output[1].cursor_size: expected an integer from 8 "
                            "to 256, got 1"));
}

TEST(ParseOutputTest, NameIsRequiredAndNotEmpty) {
    // The [[output]] header is a more useful position than the whole file.
    EXPECT_THAT(parse_errors("[[output]]\nname = \"*\"\n\n[[output]]\nscale = 2\n"),
                ElementsAre("prism.toml:4:1: output[1].name: missing required key 'name'"));
    EXPECT_THAT(parse_errors("[[output]]\nname = \"\"\n"),
                ElementsAre("prism.toml:2:8: output[0].name: must not be empty (use \"*\" for "
                            "every output)"));
    EXPECT_THAT(parse_errors("[[output]]\nname = 1\n"),
                ElementsAre("prism.toml:2:8: output[0].name: expected a string, got an integer"));
}

TEST(ParseOutputTest, PositionIsBothOrNeither) {
    const Config config = parse_ok("[[output]]\nname = \"*\"\nx = -32768\ny = 32767\n");
    EXPECT_EQ(config.outputs[0].x, -32768);
    EXPECT_EQ(config.outputs[0].y, 32767);
    EXPECT_THAT(parse_errors("[[output]]\nname = \"*\"\nx = 0\n"),
                ElementsAre("prism.toml:3:5: output[0].x: x and y must be given together (y is "
                            "missing)"));
    EXPECT_THAT(parse_errors("[[output]]\nname = \"*\"\ny = 0\n"),
                ElementsAre("prism.toml:3:5: output[0].y: x and y must be given together (x is "
                            "missing)"));
    EXPECT_THAT(parse_errors("[[output]]\nname = \"*\"\nx = 32768\ny = 0\n"),
                ElementsAre("prism.toml:3:5: output[0].x: expected an integer from -32768 to "
                            "32767, got 32768"));
}

TEST(ParseOutputTest, MustBeAnArrayOfTables) {
    EXPECT_THAT(parse_errors("[output]\nname = \"*\"\n"),
                ElementsAre("prism.toml:1:1: output: expected an array of tables ([[output]]), "
                            "got a table"));
    EXPECT_THAT(parse_errors("output = [1]\n"),
                ElementsAre("prism.toml:1:11: output[0]: expected a table, got an integer"));
    const Config config = parse_ok("output = [{ name = \"DP-1\", scale = 2 }]\n");
    ASSERT_EQ(config.outputs.size(), 1u);
    EXPECT_EQ(config.outputs[0].name, "DP-1");
}

TEST(OutputForTest, ExactNameBeforeWildcard) {
    const Config config = parse_ok(R"(
[[output]]
name = "*"
scale = 1
[[output]]
name = "DP-1"
scale = 2
[[output]]
name = "DP-1"
scale = 3
)");
    ASSERT_NE(config.output_for("DP-1"), nullptr);
    EXPECT_EQ(config.output_for("DP-1")->scale, 2.0);
    ASSERT_NE(config.output_for("HDMI-A-1"), nullptr);
    EXPECT_EQ(config.output_for("HDMI-A-1")->scale, 1.0);
    EXPECT_EQ(parse_ok("[[output]]\nname = \"DP-1\"\n").output_for("DP-2"), nullptr);
    EXPECT_EQ(Config{}.output_for("DP-1"), nullptr);
}

TEST(FindVmTest, ByName) {
    Config config;
    config.vms.push_back(VmConfig{.name = "personal"});
    config.vms.push_back(VmConfig{.name = "work"});
    ASSERT_NE(config.find_vm("work"), nullptr);
    EXPECT_EQ(config.find_vm("work")->name, "work");
    EXPECT_EQ(config.find_vm("Work"), nullptr);
    EXPECT_EQ(config.find_vm(""), nullptr);
}

TEST(ParseBindingsTest, MergedOverTheDefaults) {
    const Config config = parse_ok(R"(
[bindings]
"Super+Return" = "exec foot --server"
"Super+D" = "exec fuzzel"
"Super+M" = "none"
"super+q" = "quit"
"Ctrl+Alt+R" = "reload"
)");
    const std::vector<Binding> expected = {
        {ModSuper, "Return", Action::Exec, "foot --server"},
        {ModSuper, "q", Action::Quit, ""},
        {ModAlt, "Tab", Action::CycleWindows, ""},
        {ModSuper, "F", Action::Fullscreen, ""},
        {ModSuper | ModShift, "E", Action::Quit, ""},
        {ModSuper, "X", Action::XRay, ""},
        {ModSuper, "D", Action::Exec, "fuzzel"},
        {ModCtrl | ModAlt, "R", Action::Reload, ""},
    };
    EXPECT_EQ(config.bindings, expected);
}

TEST(ParseBindingsTest, AliasesMatchTheDefault) {
    const Config config = parse_ok("[bindings]\n\"Mod4+shift+e\" = \"none\"\n\"Mod1+tab\" = "
                                   "\"none\"\n");
    EXPECT_EQ(config.bindings.size(), default_bindings().size() - 2);
    for (const Binding& binding : config.bindings) {
        EXPECT_NE(binding.action, Action::Quit);
        EXPECT_NE(binding.action, Action::CycleWindows);
    }
}

TEST(ParseBindingsTest, NoneWithoutADefaultIsHarmless) {
    EXPECT_EQ(parse_ok("[bindings]\n\"Super+Z\" = \"none\"\n").bindings, default_bindings());
}

TEST(ParseBindingsTest, MergesOverWhateverTheConfigHolds) {
    Config config; // no defaults in it
    EXPECT_TRUE(parse_main("[bindings]\n\"Super+Q\" = \"close\"\n", kFile, config).empty());
    EXPECT_EQ(config.bindings, (std::vector<Binding>{{ModSuper, "Q", Action::Close, ""}}));
}

TEST(ParseBindingsTest, SameComboTwiceIsAnError) {
    EXPECT_THAT(parse_errors("[bindings]\n\"Super+Q\" = \"close\"\n\"super+q\" = \"quit\"\n"),
                ElementsAre("prism.toml:3:1: bindings.super+q: \"super+q\" is the same key "
                            "combination as \"Super+Q\" on line 2"));
    // Reported at the later one in the file, whatever the key order.
    EXPECT_THAT(parse_errors("[bindings]\n\"super+q\" = \"quit\"\n\"Mod4+Q\" = \"close\"\n"),
                ElementsAre("prism.toml:3:1: bindings.Mod4+Q: \"Mod4+Q\" is the same key "
                            "combination as \"super+q\" on line 2"));
    EXPECT_THAT(parse_errors("[bindings]\n\"Alt+Shift+x\" = \"quit\"\n\"Shift+Alt+X\" = "
                             "\"none\"\n"),
                ElementsAre("prism.toml:3:1: bindings.Shift+Alt+X: \"Shift+Alt+X\" is the same "
                            "key combination as \"Alt+Shift+x\" on line 2"));
}

TEST(ParseBindingsTest, BadComboAtTheKey) {
    EXPECT_THAT(parse_errors("[bindings]\n  \"Hyper+Q\" = \"close\"\n"),
                ElementsAre("prism.toml:2:3: bindings.Hyper+Q: unknown modifier \"Hyper\" "
                            "(expected Super, Alt, Ctrl or Shift)"));
    EXPECT_THAT(parse_errors("[bindings]\n\"Super+Retrun\" = \"terminal\"\n"),
                ElementsAre("prism.toml:2:1: bindings.Super+Retrun: unknown key \"Retrun\" "
                            "(expected an xkb keysym name such as Return, q, F1)"));
}

TEST(ParseBindingsTest, BadActionAtTheValue) {
    EXPECT_THAT(parse_errors("[bindings]\n\"Super+Q\" = \"clsoe\"\n"),
                ElementsAre("prism.toml:2:13: bindings.Super+Q: unknown action \"clsoe\" "
                            "(expected one of terminal, exec <command>, close, cycle-windows, "
                            "fullscreen, maximize, reload, quit, xray, lock, none)"));
    EXPECT_THAT(parse_errors("[bindings]\n\"Super+D\" = \"exec\"\n"),
                ElementsAre("prism.toml:2:13: bindings.Super+D: exec needs a command, e.g. "
                            "\"exec firefox\""));
    EXPECT_THAT(parse_errors("[bindings]\n\"Super+D\" = 1\n"),
                ElementsAre("prism.toml:2:13: bindings.Super+D: expected a string, got an "
                            "integer"));
    EXPECT_THAT(parse_errors("bindings = [\"Super+D\"]\n"),
                ElementsAre("prism.toml:1:12: bindings: expected a table, got an array"));
}

TEST(ParseBindingsTest, AnErrorLeavesTheBindingsAlone) {
    Config config = defaults();
    const std::vector<Error> errors = parse_main(
        "[bindings]\n\"Super+Return\" = \"exec x\"\n\"Super+D\" = \"bogus\"\n", kFile, config);
    EXPECT_EQ(errors.size(), 1u);
    EXPECT_EQ(config.bindings, default_bindings());
}

TEST(ParseMainTest, AllErrorsAreCollectedInFileOrder) {
    EXPECT_THAT(parse_errors(R"([keyboard]
repeat_rate = 5000
layuot = "us"

[cursor]
size = "big"

[focus]
new_window = "sometimes"

[bindings]
"Super+Q" = "nope"
)"),
                ElementsAre("prism.toml:2:15: keyboard.repeat_rate: expected an integer from 0 "
                            "to 1000, got 5000",
                            "prism.toml:3:1: keyboard.layuot: unknown key 'layuot' (did you mean "
                            "'layout'?)",
                            "prism.toml:6:8: cursor.size: expected an integer, got a string",
                            "prism.toml:9:14: focus.new_window: expected one of always, never, "
                            "smart, got \"sometimes\"",
                            "prism.toml:12:13: bindings.Super+Q: unknown action \"nope\" "
                            "(expected one of terminal, exec <command>, close, cycle-windows, "
                            "fullscreen, maximize, reload, quit, xray, lock, none)"));
}

TEST(ParseFrameTest, EachKey) {
    const Config font = parse_ok("[frame]\nfont = \"Cantarell Bold 11\"\n");
    EXPECT_EQ(font.frame, (FrameConfig{"Cantarell Bold 11", 4}));
    const Config border = parse_ok("[frame]\nborder = 8\n");
    EXPECT_EQ(border.frame, (FrameConfig{"sans 10", 8}));
    EXPECT_EQ(parse_ok("frame.border = 2\n").frame.border, 2);
    EXPECT_EQ(parse_ok("frame = { font = \"monospace 9\" }\n").frame.font, "monospace 9");
    // Written as given; Pango interprets it.
    EXPECT_EQ(parse_ok("[frame]\nfont = \" Sans  10 \"\n").frame.font, " Sans  10 ");
}

TEST(ParseFrameTest, WrongTypes) {
    EXPECT_THAT(parse_errors("[frame]\nfont = 10\n"),
                ElementsAre("prism.toml:2:8: frame.font: expected a string, got an integer"));
    EXPECT_THAT(parse_errors("[frame]\nfont = [\"sans\", 10]\n"),
                ElementsAre("prism.toml:2:8: frame.font: expected a string, got an array"));
    EXPECT_THAT(parse_errors("[frame]\nborder = \"4\"\n"),
                ElementsAre("prism.toml:2:10: frame.border: expected an integer, got a string"));
    EXPECT_THAT(parse_errors("[frame]\nborder = 4.0\n"),
                ElementsAre("prism.toml:2:10: frame.border: expected an integer, got a float"));
    EXPECT_THAT(parse_errors("[frame]\nborder = true\n"),
                ElementsAre("prism.toml:2:10: frame.border: expected an integer, got a boolean"));
    EXPECT_THAT(parse_errors("frame = \"sans 10\"\n"),
                ElementsAre("prism.toml:1:9: frame: expected a table, got a string"));
    EXPECT_THAT(parse_errors("[[frame]]\nborder = 4\n"),
                ElementsAre("prism.toml:1:1: frame: expected a table, got an array"));
}

TEST(ParseFrameTest, BorderRange) {
    EXPECT_EQ(parse_ok("[frame]\nborder = 1\n").frame.border, 1);
    EXPECT_EQ(parse_ok("[frame]\nborder = 32\n").frame.border, 32);
    EXPECT_THAT(parse_errors("[frame]\nborder = 0\n"),
                ElementsAre("prism.toml:2:10: frame.border: expected an integer from 1 to 32, got "
                            "0"));
    EXPECT_THAT(parse_errors("[frame]\nborder = 33\n"),
                ElementsAre("prism.toml:2:10: frame.border: expected an integer from 1 to 32, got "
                            "33"));
    EXPECT_THAT(parse_errors("[frame]\nborder = -4\n"),
                ElementsAre("prism.toml:2:10: frame.border: expected an integer from 1 to 32, got "
                            "-4"));
    // Far outside int: must not wrap around into the range.
    EXPECT_THAT(parse_errors("[frame]\nborder = 4294967300\n"),
                ElementsAre("prism.toml:2:10: frame.border: expected an integer from 1 to 32, got "
                            "4294967300"));
}

TEST(ParseFrameTest, EmptyFont) {
    EXPECT_THAT(parse_errors("[frame]\nfont = \"\"\n"),
                ElementsAre("prism.toml:2:8: frame.font: must not be empty"));
    EXPECT_THAT(parse_errors("[frame]\nfont = \"   \"\n"),
                ElementsAre("prism.toml:2:8: frame.font: must not be empty"));
}

TEST(ParseFrameTest, FontWithControlCharacters) {
    EXPECT_THAT(parse_errors("[frame]\nfont = \"sans\\t10\"\n"),
                ElementsAre("prism.toml:2:8: frame.font: must not contain control characters"));
    EXPECT_THAT(parse_errors("[frame]\nfont = \"sans 10\\n\"\n"),
                ElementsAre("prism.toml:2:8: frame.font: must not contain control characters"));
    EXPECT_THAT(parse_errors("[frame]\nfont = \"sans\\u0000 10\"\n"),
                ElementsAre("prism.toml:2:8: frame.font: must not contain control characters"));
    EXPECT_THAT(parse_errors("[frame]\nfont = \"\\u001b[31msans\"\n"),
                ElementsAre("prism.toml:2:8: frame.font: must not contain control characters"));
    EXPECT_THAT(parse_errors("[frame]\nfont = \"sans\\u007f\"\n"),
                ElementsAre("prism.toml:2:8: frame.font: must not contain control characters"));
    // U+0085 NEXT LINE, a C1 control.
    EXPECT_THAT(parse_errors("[frame]\nfont = \"sans\\u0085\"\n"),
                ElementsAre("prism.toml:2:8: frame.font: must not contain control characters"));
}

TEST(ParseFrameTest, FontLengthCountsBytes) {
    const std::string longest(128, 'f');
    EXPECT_EQ(parse_ok("[frame]\nfont = \"" + longest + "\"\n").frame.font, longest);
    EXPECT_THAT(parse_errors("[frame]\nfont = \"" + std::string(129, 'f') + "\"\n"),
                ElementsAre("prism.toml:2:8: frame.font: must be at most 128 bytes, got 129"));
    std::string wide;
    for (int i = 0; i < 65; ++i) {
        wide += "\xc3\xa9"; // é, two bytes
    }
    EXPECT_THAT(parse_errors("[frame]\nfont = \"" + wide + "\"\n"),
                ElementsAre("prism.toml:2:8: frame.font: must be at most 128 bytes, got 130"));
}

TEST(ParseFrameTest, UnknownKeys) {
    EXPECT_THAT(parse_errors("[frame]\nborders = 2\n"),
                ElementsAre("prism.toml:2:1: frame.borders: unknown key 'borders' (did you mean "
                            "'border'?)"));
    EXPECT_THAT(parse_errors("[frame]\nfonts = \"sans\"\n"),
                ElementsAre("prism.toml:2:1: frame.fonts: unknown key 'fonts' (did you mean "
                            "'font'?)"));
    EXPECT_THAT(parse_errors("[frame]\ntitle_height = 20\n"),
                ElementsAre("prism.toml:2:1: frame.title_height: unknown key 'title_height'"));
    EXPECT_THAT(parse_errors("[frame.title]\nheight = 20\n"),
                ElementsAre("prism.toml:1:8: frame.title: unknown table 'title'"));
    EXPECT_THAT(parse_errors("[frames]\nborder = 2\n"),
                ElementsAre("prism.toml:1:2: frames: unknown table 'frames' (did you mean "
                            "'frame'?)"));
}

TEST(ParseFrameTest, AnErrorKeepsTheDefault) {
    Config config = defaults();
    const std::vector<Error> errors =
        parse_main("[frame]\nborder = 0\nfont = \"\"\n", kFile, config);
    EXPECT_EQ(errors.size(), 2u);
    EXPECT_EQ(config.frame, FrameConfig{});
}

TEST(ParseHostTest, EachKey) {
    const Config colour = parse_ok("[host]\ncolour = \"#FfFfFf\"\n");
    EXPECT_EQ(colour.host.colour.hex(), "#ffffff");
    EXPECT_EQ(colour.host.accent.hex(), "#202020");
    EXPECT_EQ(colour.host.label, "host");
    const Config accent = parse_ok("[host]\naccent = \"purple\"\n");
    EXPECT_EQ(accent.host.colour.hex(), "#f2f2f2");
    EXPECT_EQ(accent.host.accent, (Colour{0x75, 0x50, 0x7b}));
    EXPECT_EQ(parse_ok("[host]\nlabel = \"dom0\"\n").host,
              (HostFrameConfig{{0xf2, 0xf2, 0xf2}, {0x20, 0x20, 0x20}, "dom0"}));
    EXPECT_EQ(parse_ok("host.accent = \"BLUE\"\n").host.accent.hex(), "#3465a4");
    // Swapping the defaults is fine: they still differ.
    const Config swapped = parse_ok("[host]\ncolour = \"#202020\"\naccent = \"#f2f2f2\"\n");
    EXPECT_EQ(swapped.host.colour.hex(), "#202020");
    EXPECT_EQ(swapped.host.accent.hex(), "#f2f2f2");
}

TEST(ParseHostTest, WrongTypes) {
    EXPECT_THAT(parse_errors("[host]\ncolour = 0xf2f2f2\n"),
                ElementsAre("prism.toml:2:10: host.colour: expected a string, got an integer"));
    EXPECT_THAT(parse_errors("[host]\naccent = [32, 32, 32]\n"),
                ElementsAre("prism.toml:2:10: host.accent: expected a string, got an array"));
    EXPECT_THAT(parse_errors("[host]\nlabel = false\n"),
                ElementsAre("prism.toml:2:9: host.label: expected a string, got a boolean"));
    EXPECT_THAT(parse_errors("host = \"host\"\n"),
                ElementsAre("prism.toml:1:8: host: expected a table, got a string"));
}

TEST(ParseHostTest, BadColourNames) {
    EXPECT_THAT(parse_errors("[host]\ncolour = \"white\"\n"),
                ElementsAre("prism.toml:2:10: host.colour: expected #rrggbb or a colour name "
                            "(red, orange, yellow, green, gray, blue, purple, black), got "
                            "\"white\""));
    EXPECT_THAT(parse_errors("[host]\naccent = \"grey\"\n"),
                ElementsAre("prism.toml:2:10: host.accent: expected #rrggbb or a colour name "
                            "(red, orange, yellow, green, gray, blue, purple, black), got "
                            "\"grey\""));
    EXPECT_THAT(parse_errors("[host]\ncolour = \"#fff\"\naccent = \"#gg0000\"\n"),
                ElementsAre("prism.toml:2:10: host.colour: expected #rrggbb or a colour name "
                            "(red, orange, yellow, green, gray, blue, purple, black), got "
                            "\"#fff\"",
                            "prism.toml:3:10: host.accent: expected #rrggbb or a colour name "
                            "(red, orange, yellow, green, gray, blue, purple, black), got "
                            "\"#gg0000\""));
    EXPECT_THAT(parse_errors("[host]\ncolour = \"\"\n"),
                ElementsAre("prism.toml:2:10: host.colour: expected #rrggbb or a colour name "
                            "(red, orange, yellow, green, gray, blue, purple, black), got \"\""));
}

TEST(ParseHostTest, ColourMustDifferFromAccent) {
    EXPECT_THAT(parse_errors("[host]\ncolour = \"#3465a4\"\naccent = \"#3465a4\"\n"),
                ElementsAre("prism.toml:3:10: host.accent: must differ from host.colour"));
    // Compared as colours, not as text.
    EXPECT_THAT(parse_errors("[host]\ncolour = \"black\"\naccent = \"#000000\"\n"),
                ElementsAre("prism.toml:3:10: host.accent: must differ from host.colour"));
    EXPECT_THAT(parse_errors("[host]\naccent = \"#ABCDEF\"\ncolour = \"#abcdef\"\n"),
                ElementsAre("prism.toml:2:10: host.accent: must differ from host.colour"));
    // Against the default of the other one.
    EXPECT_THAT(parse_errors("[host]\naccent = \"#F2F2F2\"\n"),
                ElementsAre("prism.toml:2:10: host.accent: must differ from host.colour"));
    EXPECT_THAT(parse_errors("[host]\ncolour = \"#202020\"\n"),
                ElementsAre("prism.toml:2:10: host.colour: must differ from host.accent "
                            "(#202020 by default)"));
}

TEST(ParseHostTest, AnInvalidColourIsNotAlsoComparedWithTheAccent) {
    EXPECT_THAT(parse_errors("[host]\ncolour = \"blu\"\naccent = \"#f2f2f2\"\n"),
                ElementsAre("prism.toml:2:10: host.colour: expected #rrggbb or a colour name "
                            "(red, orange, yellow, green, gray, blue, purple, black), got "
                            "\"blu\""));
    Config config = defaults();
    EXPECT_EQ(parse_main("[host]\ncolour = \"red\"\naccent = \"red\"\n", kFile, config).size(), 1u);
    EXPECT_EQ(config.host, HostFrameConfig{});
}

TEST(ParseSandboxTest, EachKeyAndItsErrors) {
    const Config defaults_only = parse_ok("");
    EXPECT_EQ(defaults_only.sandbox.colour.hex(), "#f57900");
    EXPECT_EQ(defaults_only.sandbox.label, "sandbox");
    const Config set = parse_ok("[sandbox]\ncolour = \"#00aa55\"\nlabel = \"flatpak\"\n");
    EXPECT_EQ(set.sandbox.colour.hex(), "#00aa55");
    EXPECT_EQ(set.sandbox.label, "flatpak");
    // Pastes into a sandbox ask (clipboard) or are refused (primary), like a VM's defaults.
    EXPECT_EQ(set.sandbox.clipboard.paste_from.at("*"), PasteDecision::Ask);
    EXPECT_EQ(set.sandbox.primary.paste_from.at("*"), PasteDecision::Deny);
    EXPECT_THAT(parse_errors("[sandbox]\nlabel = \"\"\n"),
                ElementsAre("prism.toml:2:9: sandbox.label: must not be empty"));
    EXPECT_THAT(parse_errors("[sandbox]\ncolour = \"blu\"\n"),
                ElementsAre(HasSubstr("prism.toml:2:10: sandbox.colour:")));
    EXPECT_THAT(parse_errors("[sandbox]\naccent = \"red\"\n"),
                ElementsAre(HasSubstr("prism.toml:2:1: sandbox.accent:")));
}

// [sandbox] allow widens what sandboxed clients see, checked as a VM file's [protocols] allow
// is; [sandbox.clipboard] and [sandbox.primary] are paste policies like a VM's.
TEST(ParseSandboxTest, AllowListAndPastePolicies) {
    Environment env;
    env.check_allowed_global = [](std::string_view name) -> std::optional<std::string> {
        if (name == "zwlr_screencopy_manager_v1") {
            return std::nullopt;
        }
        return name == "zwlr_layer_shell_v1" ? "is the host's alone" : "is not known";
    };
    auto parse = [&](std::string_view text, std::vector<Error>* errors) {
        Config config = defaults();
        *errors = parse_main(text, kFile, config, env);
        return config;
    };
    std::vector<Error> errors;
    EXPECT_TRUE(parse("", &errors).sandbox.allowed_globals.empty());
    const Config allowed = parse("[sandbox]\nallow = [\"zwlr_screencopy_manager_v1\"]\n", &errors);
    EXPECT_TRUE(errors.empty()) << ::testing::PrintToString(error_strings(errors));
    EXPECT_EQ(allowed.sandbox.allowed_globals,
              std::vector<std::string>{"zwlr_screencopy_manager_v1"});
    parse("[sandbox]\nallow = [\"zwlr_screencopy_manager_v1\", \"zwlr_layer_shell_v1\",\n"
          "         \"bogus_v1\", \"Bad-Name\", \"zwlr_screencopy_manager_v1\"]\n",
          &errors);
    EXPECT_THAT(error_strings(errors),
                ElementsAre("prism.toml:2:40: sandbox.allow: \"zwlr_layer_shell_v1\" is the "
                            "host's alone",
                            "prism.toml:3:10: sandbox.allow: \"bogus_v1\" is not known",
                            "prism.toml:3:22: sandbox.allow: expected a protocol interface name "
                            "([a-z_][a-z0-9_]*), got \"Bad-Name\"",
                            "prism.toml:3:34: sandbox.allow: \"zwlr_screencopy_manager_v1\" is "
                            "listed twice"));

    const Config policies = parse_ok("[sandbox.clipboard]\npaste_from = { host = \"allow\", "
                                     "\"*\" = \"deny\" }\nmime = [\"text/plain\"]\n"
                                     "[sandbox.primary]\npaste_from = { work = \"ask\" }\n");
    EXPECT_EQ(policies.sandbox.clipboard.paste_from,
              (std::map<std::string, PasteDecision>{{"host", PasteDecision::Allow},
                                                    {"*", PasteDecision::Deny}}));
    EXPECT_EQ(policies.sandbox.clipboard.mime, std::vector<std::string>{"text/plain"});
    EXPECT_EQ(policies.sandbox.primary.paste_from,
              (std::map<std::string, PasteDecision>{{"work", PasteDecision::Ask}}));
    EXPECT_THAT(parse_errors("[sandbox.clipboard]\npaste_from = { host = \"maybe\" }\n"),
                ElementsAre(HasSubstr("prism.toml:2:23: sandbox.clipboard.paste_from.host: "
                                      "expected one of allow, deny, ask")));
    EXPECT_THAT(parse_errors("[sandbox.clipboard]\nmax_bytes = 5\n"),
                ElementsAre(HasSubstr("prism.toml:2:1: sandbox.clipboard.max_bytes:")));
}

TEST(ParseHostTest, Label) {
    EXPECT_THAT(parse_errors("[host]\nlabel = \"\"\n"),
                ElementsAre("prism.toml:2:9: host.label: must not be empty"));
    const std::string longest(32, 'h');
    EXPECT_EQ(parse_ok("[host]\nlabel = \"" + longest + "\"\n").host.label, longest);
    EXPECT_THAT(parse_errors("[host]\nlabel = \"" + std::string(33, 'h') + "\"\n"),
                ElementsAre("prism.toml:2:9: host.label: must be at most 32 characters, got 33"));
    // Characters, not bytes.
    std::string wide;
    for (int i = 0; i < 32; ++i) {
        wide += "\xc3\xa9"; // é, two bytes
    }
    EXPECT_EQ(parse_ok("[host]\nlabel = \"" + wide + "\"\n").host.label, wide);
    EXPECT_THAT(parse_errors("[host]\nlabel = \"" + wide + "x\"\n"),
                ElementsAre("prism.toml:2:9: host.label: must be at most 32 characters, got 33"));
}

TEST(ParseHostTest, LabelWithControlCharacters) {
    for (const char* label : {"a\\tb", "new\\nline", "esc\\u001b[31m", "del\\u007f", "c1\\u0085"}) {
        EXPECT_THAT(parse_errors("[host]\nlabel = \"" + std::string(label) + "\"\n"),
                    ElementsAre("prism.toml:2:9: host.label: must not contain control characters"))
            << label;
    }
}

TEST(ParseHostTest, UnknownKeys) {
    EXPECT_THAT(parse_errors("[host]\ncolor = \"red\"\n"),
                ElementsAre("prism.toml:2:1: host.color: unknown key 'color' (did you mean "
                            "'colour'?)"));
    EXPECT_THAT(parse_errors("[host]\naccents = \"red\"\n"),
                ElementsAre("prism.toml:2:1: host.accents: unknown key 'accents' (did you mean "
                            "'accent'?)"));
    EXPECT_THAT(parse_errors("[host]\nname = \"dom0\"\n"),
                ElementsAre("prism.toml:2:1: host.name: unknown key 'name'"));
    EXPECT_THAT(parse_errors("[host.border]\nwidth = 2\n"),
                ElementsAre("prism.toml:1:7: host.border: unknown table 'border'"));
    // allow_fullscreen belongs in a VM file.
    EXPECT_THAT(parse_errors("[host]\nallow_fullscreen = true\n"),
                ElementsAre("prism.toml:2:1: host.allow_fullscreen: unknown key "
                            "'allow_fullscreen'"));
}

TEST(ParseBindingsTest, XRay) {
    EXPECT_EQ(parse_ok("[bindings]\n\"Super+X\" = \"none\"\n").bindings.size(),
              default_bindings().size() - 1);
    const Config config =
        parse_ok("[bindings]\n\"Super+X\" = \"none\"\n\"Ctrl+Alt+X\" = \"xray\"\n");
    ASSERT_FALSE(config.bindings.empty());
    EXPECT_EQ(config.bindings.back(), (Binding{ModCtrl | ModAlt, "X", Action::XRay, ""}));
    for (std::size_t i = 0; i + 1 < config.bindings.size(); ++i) {
        EXPECT_NE(config.bindings[i].action, Action::XRay);
    }
    EXPECT_THAT(parse_errors("[bindings]\n\"Super+X\" = \"xray now\"\n"),
                ElementsAre("prism.toml:2:13: bindings.Super+X: action \"xray\" takes no "
                            "argument"));
}

TEST(ParseMainTest, FrameAndHostErrorsAreCollectedInFileOrder) {
    EXPECT_THAT(parse_errors(R"([host]
label = ""
accent = "#111111"
colour = "#111111"

[frame]
border = 64
font = 12
)"),
                ElementsAre("prism.toml:2:9: host.label: must not be empty",
                            "prism.toml:3:10: host.accent: must differ from host.colour",
                            "prism.toml:7:10: frame.border: expected an integer from 1 to 32, "
                            "got 64",
                            "prism.toml:8:8: frame.font: expected a string, got an integer"));
}

} // namespace
} // namespace prism::config
