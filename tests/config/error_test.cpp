#include "config/config.hpp"

#include <gtest/gtest.h>

namespace prism::config {
namespace {

TEST(ErrorTest, FullFormat) {
    const Error error{"/home/u/.config/prism/vms/work.toml", 3, 10, "colour",
                      "expected #rrggbb or a colour name (red, orange, yellow, green, gray, "
                      "blue, purple, black), got \"blu\""};
    EXPECT_EQ(error.to_string(),
              "/home/u/.config/prism/vms/work.toml:3:10: colour: expected #rrggbb or a colour "
              "name (red, orange, yellow, green, gray, blue, purple, black), got \"blu\"");
}

TEST(ErrorTest, LineZeroDropsThePosition) {
    const Error error{"vms/work.toml", 0, 0, "colour", "missing required key 'colour'"};
    EXPECT_EQ(error.to_string(), "vms/work.toml: colour: missing required key 'colour'");
}

TEST(ErrorTest, EmptyKeyDropsTheKey) {
    const Error error{"prism.toml", 2, 5, "", "expected value"};
    EXPECT_EQ(error.to_string(), "prism.toml:2:5: expected value");
}

TEST(ErrorTest, NeitherPositionNorKey) {
    const Error error{"vms/x.toml", 0, 0, "", "cannot read: Permission denied"};
    EXPECT_EQ(error.to_string(), "vms/x.toml: cannot read: Permission denied");
}

TEST(ErrorTest, LineWithoutColumn) {
    const Error error{"prism.toml", 7, 0, "focus", "oops"};
    EXPECT_EQ(error.to_string(), "prism.toml:7: focus: oops");
}

} // namespace
} // namespace prism::config
