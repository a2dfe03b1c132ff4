#include "compositor/input/bindings.hpp"

#include <gtest/gtest.h>

namespace prism {
namespace {

config::Binding binding(std::uint32_t mods, const char* key, config::Action action) {
    config::Binding result;
    result.modifiers = mods;
    result.key = key;
    result.action = action;
    return result;
}

TEST(BindingTable, MatchesExactModifiersAndKeyCaseInsensitively) {
    BindingTable table({binding(config::ModSuper | config::ModShift, "E", config::Action::Quit),
                        binding(config::ModSuper, "q", config::Action::Close)});
    // With Shift held xkbcommon reports the upper-case keysym.
    const auto* quit = table.match(config::ModSuper | config::ModShift, XKB_KEY_E);
    ASSERT_NE(quit, nullptr);
    EXPECT_EQ(quit->action, config::Action::Quit);
    const auto* close = table.match(config::ModSuper, XKB_KEY_q);
    ASSERT_NE(close, nullptr);
    EXPECT_EQ(close->action, config::Action::Close);
}

TEST(BindingTable, ExtraOrMissingModifiersDoNotMatch) {
    BindingTable table({binding(config::ModSuper, "q", config::Action::Close)});
    EXPECT_EQ(table.match(0, XKB_KEY_q), nullptr);
    EXPECT_EQ(table.match(config::ModSuper | config::ModCtrl, XKB_KEY_q), nullptr);
    EXPECT_EQ(table.match(config::ModSuper, XKB_KEY_w), nullptr);
}

TEST(BindingTable, LockModifiersAreIgnored) {
    constexpr std::uint32_t kCapsLock = 1 << 1, kNumLock = 1 << 4;
    BindingTable table({binding(config::ModAlt, "Tab", config::Action::CycleWindows)});
    EXPECT_NE(table.match(config::ModAlt | kCapsLock | kNumLock, XKB_KEY_Tab), nullptr);
}

} // namespace
} // namespace prism
