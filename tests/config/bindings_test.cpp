#include "config/config.hpp"

#include <algorithm>

#include <gtest/gtest.h>

namespace prism::config {
namespace {

Binding combo(std::string_view text) {
    std::string error;
    std::optional<Binding> binding = parse_key_combo(text, &error);
    EXPECT_TRUE(binding) << text << ": " << error;
    return binding.value_or(Binding{});
}

std::string combo_error(std::string_view text) {
    std::string error;
    EXPECT_EQ(parse_key_combo(text, &error), std::nullopt) << text;
    return error;
}

Binding action(std::string_view text) {
    std::string error;
    std::optional<Binding> binding = parse_action(text, &error);
    EXPECT_TRUE(binding) << text << ": " << error;
    return binding.value_or(Binding{});
}

std::string action_error(std::string_view text) {
    std::string error;
    EXPECT_EQ(parse_action(text, &error), std::nullopt) << text;
    return error;
}

TEST(DefaultBindingsTest, AreTheDocumentedOnes) {
    const std::vector<Binding> expected = {
        {ModSuper, "Return", Action::Terminal, ""}, {ModSuper, "Q", Action::Close, ""},
        {ModAlt, "Tab", Action::CycleWindows, ""},  {ModSuper, "F", Action::Fullscreen, ""},
        {ModSuper, "M", Action::Maximize, ""},      {ModSuper | ModShift, "E", Action::Quit, ""},
        {ModSuper, "X", Action::XRay, ""},
    };
    EXPECT_EQ(default_bindings(), expected);
}

TEST(DefaultBindingsTest, SuperXIsXRay) {
    const std::vector<Binding> bindings = default_bindings();
    const auto xray = std::find_if(bindings.begin(), bindings.end(), [](const Binding& binding) {
        return binding.action == Action::XRay;
    });
    ASSERT_NE(xray, bindings.end());
    EXPECT_EQ(xray->modifiers, ModSuper);
    EXPECT_EQ(xray->key, "X");
    EXPECT_EQ(xray->argument, "");
    // The one added last: the actions before it keep their numbers.
    EXPECT_EQ(static_cast<int>(Action::Quit), 7);
    EXPECT_EQ(static_cast<int>(Action::XRay), 8);
}

TEST(KeyComboTest, ModifiersAndKey) {
    const Binding binding = combo("Super+Shift+E");
    EXPECT_EQ(binding.modifiers, ModSuper | ModShift);
    EXPECT_EQ(binding.key, "E");
}

TEST(KeyComboTest, ModifierValuesMatchWlroots) {
    // WLR_MODIFIER_SHIFT, _CTRL, _ALT, _LOGO.
    EXPECT_EQ(ModShift, 1u);
    EXPECT_EQ(ModCtrl, 4u);
    EXPECT_EQ(ModAlt, 8u);
    EXPECT_EQ(ModSuper, 64u);
}

TEST(KeyComboTest, ModifierNamesAndAliasesAreCaseInsensitive) {
    EXPECT_EQ(combo("Super+a").modifiers, ModSuper);
    EXPECT_EQ(combo("logo+a").modifiers, ModSuper);
    EXPECT_EQ(combo("MOD4+a").modifiers, ModSuper);
    EXPECT_EQ(combo("alt+a").modifiers, ModAlt);
    EXPECT_EQ(combo("Mod1+a").modifiers, ModAlt);
    EXPECT_EQ(combo("Ctrl+a").modifiers, ModCtrl);
    EXPECT_EQ(combo("control+a").modifiers, ModCtrl);
    EXPECT_EQ(combo("SHIFT+a").modifiers, ModShift);
    EXPECT_EQ(combo("Ctrl+Alt+Shift+Super+a").modifiers, ModCtrl | ModAlt | ModShift | ModSuper);
}

TEST(KeyComboTest, KeyIsKeptAsWritten) {
    EXPECT_EQ(combo("Super+return").key, "return");
    EXPECT_EQ(combo("Super+Return").key, "Return");
    EXPECT_EQ(combo("Super+q").key, "q");
    EXPECT_EQ(combo("Super+plus").key, "plus");
    EXPECT_EQ(combo("Super+F12").key, "F12");
    EXPECT_EQ(combo("XF86AudioRaiseVolume").key, "XF86AudioRaiseVolume");
}

TEST(KeyComboTest, KeyWithoutModifiers) {
    const Binding binding = combo("Print");
    EXPECT_EQ(binding.modifiers, 0u);
    EXPECT_EQ(binding.key, "Print");
}

TEST(KeyComboTest, SpacesAroundPartsAreIgnored) {
    const Binding binding = combo("Super + Shift + e");
    EXPECT_EQ(binding.modifiers, ModSuper | ModShift);
    EXPECT_EQ(binding.key, "e");
}

TEST(KeyComboTest, Errors) {
    EXPECT_EQ(combo_error(""), "empty key combination");
    EXPECT_EQ(combo_error("Hyper+Q"),
              "unknown modifier \"Hyper\" (expected Super, Alt, Ctrl or Shift)");
    EXPECT_EQ(combo_error("Super+Retrun"),
              "unknown key \"Retrun\" (expected an xkb keysym name such as Return, q, F1)");
    EXPECT_EQ(combo_error("Super+"), "missing key after '+' in \"Super+\"");
    EXPECT_EQ(combo_error("Super++"), "empty part in \"Super++\" (write plus for the + key)");
    EXPECT_EQ(combo_error("Super+super+Q"), "modifier \"super\" given twice");
    EXPECT_EQ(combo_error("Ctrl+Shift"),
              "unknown key \"Shift\" (expected an xkb keysym name such as Return, q, F1; a "
              "modifier needs a key after it)");
}

TEST(KeyComboTest, NullErrorPointerIsAllowed) {
    EXPECT_EQ(parse_key_combo("Hyper+Q", nullptr), std::nullopt);
    EXPECT_EQ(parse_action("bogus", nullptr), std::nullopt);
}

TEST(ActionTest, SimpleActions) {
    EXPECT_EQ(action("terminal").action, Action::Terminal);
    EXPECT_EQ(action("lock").action, Action::Lock);
    EXPECT_EQ(action("close").action, Action::Close);
    EXPECT_EQ(action("cycle-windows").action, Action::CycleWindows);
    EXPECT_EQ(action("fullscreen").action, Action::Fullscreen);
    EXPECT_EQ(action("maximize").action, Action::Maximize);
    EXPECT_EQ(action("reload").action, Action::Reload);
    EXPECT_EQ(action("quit").action, Action::Quit);
    EXPECT_EQ(action("xray").action, Action::XRay);
    EXPECT_EQ(action("  xray ").action, Action::XRay);
    EXPECT_EQ(action("xray").argument, "");
    EXPECT_EQ(action("close").argument, "");
}

TEST(ActionTest, ExecKeepsTheCommand) {
    const Binding binding = action("exec fuzzel --dmenu | sh");
    EXPECT_EQ(binding.action, Action::Exec);
    EXPECT_EQ(binding.argument, "fuzzel --dmenu | sh");
    EXPECT_EQ(action("  exec   firefox  ").argument, "firefox");
}

TEST(ActionTest, Errors) {
    EXPECT_EQ(action_error("exec"), "exec needs a command, e.g. \"exec firefox\"");
    EXPECT_EQ(action_error("exec   "), "exec needs a command, e.g. \"exec firefox\"");
    EXPECT_EQ(action_error("launch"),
              "unknown action \"launch\" (expected one of terminal, exec <command>, close, "
              "cycle-windows, fullscreen, maximize, reload, quit, xray, lock, none)");
    EXPECT_EQ(action_error(""),
              "unknown action \"\" (expected one of terminal, exec <command>, close, "
              "cycle-windows, fullscreen, maximize, reload, quit, xray, lock, none)");
    EXPECT_EQ(action_error("Close"),
              "unknown action \"Close\" (expected one of terminal, exec <command>, close, "
              "cycle-windows, fullscreen, maximize, reload, quit, xray, lock, none)");
    EXPECT_EQ(action_error("close now"), "action \"close\" takes no argument");
    EXPECT_EQ(action_error("xray on"), "action \"xray\" takes no argument");
    EXPECT_EQ(action_error("XRay"),
              "unknown action \"XRay\" (expected one of terminal, exec <command>, close, "
              "cycle-windows, fullscreen, maximize, reload, quit, xray, lock, none)");
    EXPECT_EQ(action_error("x-ray"),
              "unknown action \"x-ray\" (expected one of terminal, exec <command>, close, "
              "cycle-windows, fullscreen, maximize, reload, quit, xray, lock, none)");
    EXPECT_EQ(action_error("none"),
              "\"none\" is not an action; it only removes a binding in [bindings]");
}

} // namespace
} // namespace prism::config
