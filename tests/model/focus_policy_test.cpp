#include "compositor/model/focus_policy.hpp"

#include <gtest/gtest.h>

namespace prism {
namespace {

using namespace std::chrono_literals;
using enum NewWindowFocusDecision;

config::FocusConfig policy(config::NewWindowFocus rule, int grace_ms = 1000) {
    config::FocusConfig config;
    config.new_window = rule;
    config.typing_grace_ms = grace_ms;
    return config;
}

TEST(FocusPolicy, SmartFocusesWhenNothingIsFocused) {
    EXPECT_EQ(decide_new_window_focus(policy(config::NewWindowFocus::Smart), {false, false, 10ms}),
              Focus);
}

TEST(FocusPolicy, SmartFocusesWindowsOfTheFocusedOrigin) {
    EXPECT_EQ(decide_new_window_focus(policy(config::NewWindowFocus::Smart), {true, true, 10ms}),
              Focus);
}

TEST(FocusPolicy, SmartWithholdsFocusFromAnotherOriginWhileTheUserTypes) {
    EXPECT_EQ(decide_new_window_focus(policy(config::NewWindowFocus::Smart), {true, false, 999ms}),
              MarkAttention);
}

TEST(FocusPolicy, SmartFocusesAnotherOriginOnceTypingStopped) {
    EXPECT_EQ(decide_new_window_focus(policy(config::NewWindowFocus::Smart), {true, false, 1000ms}),
              Focus);
    EXPECT_EQ(
        decide_new_window_focus(policy(config::NewWindowFocus::Smart), {true, false, std::nullopt}),
        Focus);
}

TEST(FocusPolicy, GraceIsConfigurable) {
    EXPECT_EQ(
        decide_new_window_focus(policy(config::NewWindowFocus::Smart, 5000), {true, false, 4s}),
        MarkAttention);
}

TEST(FocusPolicy, AlwaysAndNever) {
    EXPECT_EQ(decide_new_window_focus(policy(config::NewWindowFocus::Always), {true, false, 1ms}),
              Focus);
    EXPECT_EQ(decide_new_window_focus(policy(config::NewWindowFocus::Never), {true, true, 1h}),
              MarkAttention);
    EXPECT_EQ(decide_new_window_focus(policy(config::NewWindowFocus::Never), {false, false, 1h}),
              Focus);
}

} // namespace
} // namespace prism
