#include "config/config.hpp"
#include "tests/config/test_util.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace prism::config {
namespace {

using ::testing::ElementsAre;
using testing_util::error_strings;

const Environment kEnv{"/run/user/1000"};
const std::filesystem::path kFile = "vms/work.toml";

VmConfig parse_ok(std::string_view text, const Environment& env = kEnv) {
    VmParseResult result = parse_vm(text, kFile, env);
    EXPECT_TRUE(result.errors.empty()) << ::testing::PrintToString(error_strings(result.errors));
    EXPECT_TRUE(result.vm.has_value());
    return result.vm.value_or(VmConfig{});
}

std::vector<std::string> parse_errors(std::string_view text, const Environment& env = kEnv) {
    VmParseResult result = parse_vm(text, kFile, env);
    EXPECT_FALSE(result.vm.has_value());
    return error_strings(result.errors);
}

// One error expected; returns it whole, for the tests that check line, column and key.
Error single_error(std::string_view text, const Environment& env = kEnv) {
    VmParseResult result = parse_vm(text, kFile, env);
    EXPECT_FALSE(result.vm.has_value());
    EXPECT_EQ(result.errors.size(), 1u) << ::testing::PrintToString(error_strings(result.errors));
    return result.errors.empty() ? Error{} : result.errors.front();
}

TEST(ParseVmTest, AllowEntriesAreCheckedByTheEnvironment) {
    Environment env = kEnv;
    env.check_allowed_global = [](std::string_view name) -> std::optional<std::string> {
        if (name == "zwlr_screencopy_manager_v1") {
            return std::nullopt;
        }
        return "is not known";
    };
    EXPECT_EQ(parse_ok("name = \"work\"\ncolour = \"red\"\n[protocols]\n"
                       "allow = [\"zwlr_screencopy_manager_v1\"]\n",
                       env)
                  .allowed_globals,
              std::vector<std::string>{"zwlr_screencopy_manager_v1"});
    const Error error = single_error("name = \"work\"\ncolour = \"red\"\n[protocols]\n"
                                     "allow = [\"zwlr_screencopy_manager_v1\", \"bogus_v1\"]\n",
                                     env);
    EXPECT_EQ(error.to_string(), "vms/work.toml:4:40: protocols.allow: \"bogus_v1\" is not known");
}

TEST(VmNameTest, Valid) {
    EXPECT_TRUE(is_valid_vm_name("work"));
    EXPECT_TRUE(is_valid_vm_name("a"));
    EXPECT_TRUE(is_valid_vm_name("vm-2"));
    EXPECT_TRUE(is_valid_vm_name("-"));
    EXPECT_TRUE(is_valid_vm_name(std::string(32, 'x')));
}

TEST(VmNameTest, Invalid) {
    EXPECT_FALSE(is_valid_vm_name(""));
    EXPECT_FALSE(is_valid_vm_name(std::string(33, 'x')));
    EXPECT_FALSE(is_valid_vm_name("Work"));
    EXPECT_FALSE(is_valid_vm_name("my_vm"));
    EXPECT_FALSE(is_valid_vm_name("my vm"));
    EXPECT_FALSE(is_valid_vm_name("vm.1"));
    EXPECT_FALSE(is_valid_vm_name("caf\xc3\xa9"));
}

TEST(ParseVmTest, MinimalFileGetsDefaults) {
    const VmConfig vm = parse_ok("name = \"work\"\ncolour = \"#3465a4\"\n");
    EXPECT_EQ(vm.name, "work");
    EXPECT_EQ(vm.label, "work");
    EXPECT_EQ(vm.colour, (Colour{0x34, 0x65, 0xa4}));
    EXPECT_EQ(vm.socket, std::filesystem::path("/run/user/1000/wayland-vm-work"));
    EXPECT_TRUE(vm.allowed_globals.empty());
    EXPECT_EQ(vm.source_file, kFile);
    EXPECT_FALSE(vm.allow_fullscreen);
}

TEST(ParseVmTest, EveryKey) {
    const VmConfig vm = parse_ok(R"(
name = "work"
colour = "#3465A4"
label = "Work — Bank"
socket = "/tmp/prism/work.sock"
allow_fullscreen = true

[protocols]
allow = ["zwlr_screencopy_manager_v1", "wp_presentation"]
)");
    EXPECT_EQ(vm.name, "work");
    EXPECT_EQ(vm.label, "Work — Bank");
    EXPECT_EQ(vm.colour.hex(), "#3465a4");
    EXPECT_EQ(vm.socket, std::filesystem::path("/tmp/prism/work.sock"));
    EXPECT_TRUE(vm.allow_fullscreen);
    EXPECT_EQ(vm.allowed_globals,
              (std::vector<std::string>{"zwlr_screencopy_manager_v1", "wp_presentation"}));
}

TEST(ParseVmTest, ColourByName) {
    EXPECT_EQ(parse_ok("name = \"a\"\ncolour = \"purple\"\n").colour.hex(), "#75507b");
}

TEST(ParseVmTest, EmptyAllowList) {
    EXPECT_TRUE(parse_ok("name = \"a\"\ncolour = \"red\"\n[protocols]\nallow = []\n")
                    .allowed_globals.empty());
    EXPECT_TRUE(parse_ok("name = \"a\"\ncolour = \"red\"\n[protocols]\n").allowed_globals.empty());
}

TEST(ParseVmTest, SyntaxErrorHasLineAndColumn) {
    const Error error = single_error("name = \"work\"\ncolour = \n");
    EXPECT_EQ(error.file, "vms/work.toml");
    EXPECT_EQ(error.line, 2);
    EXPECT_EQ(error.column, 10);
    EXPECT_EQ(error.key, "");
    EXPECT_NE(error.message.find("expected value"), std::string::npos) << error.message;
}

TEST(ParseVmTest, UnknownKeyAtItsPositionWithSuggestion) {
    const Error error = single_error("name = \"work\"\n  colur = \"red\"\ncolour = \"red\"\n");
    EXPECT_EQ(error.to_string(),
              "vms/work.toml:2:3: colur: unknown key 'colur' (did you mean 'colour'?)");
}

TEST(ParseVmTest, UnknownKeyWithoutSuggestion) {
    EXPECT_THAT(parse_errors("name = \"a\"\ncolour = \"red\"\ndrag_and_drop = \"ask\"\n"),
                ElementsAre("vms/work.toml:3:1: drag_and_drop: unknown key 'drag_and_drop'"));
}

TEST(ParseVmTest, AllowFullscreen) {
    EXPECT_TRUE(
        parse_ok("name = \"a\"\ncolour = \"red\"\nallow_fullscreen = true\n").allow_fullscreen);
    EXPECT_FALSE(
        parse_ok("name = \"a\"\ncolour = \"red\"\nallow_fullscreen = false\n").allow_fullscreen);
    EXPECT_FALSE(parse_ok("name = \"a\"\ncolour = \"red\"\n").allow_fullscreen);
}

TEST(ParseVmTest, IdleInhibitDefaultsToWhileVisible) {
    EXPECT_EQ(parse_ok("name = \"a\"\ncolour = \"red\"\n").idle_inhibit, IdleInhibit::WhileVisible);
    EXPECT_EQ(parse_ok("name = \"a\"\ncolour = \"red\"\nidle_inhibit = \"visible\"\n").idle_inhibit,
              IdleInhibit::WhileVisible);
    EXPECT_EQ(parse_ok("name = \"a\"\ncolour = \"red\"\nidle_inhibit = \"never\"\n").idle_inhibit,
              IdleInhibit::Never);
    EXPECT_THAT(parse_errors("name = \"a\"\ncolour = \"red\"\nidle_inhibit = \"always\"\n"),
                ElementsAre("vms/work.toml:3:16: idle_inhibit: expected one of visible, never, "
                            "got \"always\""));
}

TEST(ParseVmTest, AllowFullscreenMustBeABoolean) {
    EXPECT_THAT(parse_errors("name = \"a\"\ncolour = \"red\"\nallow_fullscreen = \"true\"\n"),
                ElementsAre("vms/work.toml:3:20: allow_fullscreen: expected a boolean, got a "
                            "string"));
    EXPECT_THAT(parse_errors("name = \"a\"\ncolour = \"red\"\nallow_fullscreen = 1\n"),
                ElementsAre("vms/work.toml:3:20: allow_fullscreen: expected a boolean, got an "
                            "integer"));
    EXPECT_THAT(parse_errors("name = \"a\"\ncolour = \"red\"\nallow_fullscreen = \"no\"\n"),
                ElementsAre("vms/work.toml:3:20: allow_fullscreen: expected a boolean, got a "
                            "string"));
    const Error error =
        single_error("name = \"a\"\ncolour = \"red\"\n  allow_fullscreen = [true]\n");
    EXPECT_EQ(error.line, 3);
    EXPECT_EQ(error.column, 22);
    EXPECT_EQ(error.key, "allow_fullscreen");
    EXPECT_EQ(error.message, "expected a boolean, got an array");
}

TEST(ParseVmTest, AllowFullscreenMisspelt) {
    EXPECT_THAT(parse_errors("name = \"a\"\ncolour = \"red\"\nallow_fullscren = true\n"),
                ElementsAre("vms/work.toml:3:1: allow_fullscren: unknown key 'allow_fullscren' "
                            "(did you mean 'allow_fullscreen'?)"));
    EXPECT_THAT(parse_errors("name = \"a\"\ncolour = \"red\"\nfullscreen = true\n"),
                ElementsAre("vms/work.toml:3:1: fullscreen: unknown key 'fullscreen'"));
    // It is a top-level key, not part of [protocols].
    EXPECT_THAT(parse_errors("name = \"a\"\ncolour = \"red\"\n[protocols]\nallow_fullscreen = "
                             "true\n"),
                ElementsAre("vms/work.toml:4:1: protocols.allow_fullscreen: unknown key "
                            "'allow_fullscreen'"));
}

TEST(ParseVmTest, AmericanSpellingIsSuggestedTheBritishOne) {
    EXPECT_THAT(parse_errors("name = \"a\"\ncolor = \"red\"\n"),
                ElementsAre("vms/work.toml: colour: missing required key 'colour'",
                            "vms/work.toml:2:1: color: unknown key 'color' (did you mean "
                            "'colour'?)"));
}

TEST(ParseVmTest, UnknownTable) {
    EXPECT_THAT(parse_errors("name = \"a\"\ncolour = \"red\"\n\n[drag_and_drop]\nmode = \"ask\"\n"),
                ElementsAre("vms/work.toml:4:2: drag_and_drop: unknown table 'drag_and_drop'"));
}

TEST(ParseVmTest, UnknownKeyInProtocols) {
    EXPECT_THAT(parse_errors("name = \"a\"\ncolour = \"red\"\n[protocols]\nalow = []\n"),
                ElementsAre("vms/work.toml:4:1: protocols.alow: unknown key 'alow' (did you "
                            "mean 'allow'?)"));
}

TEST(ParseVmTest, WrongTypeAtTheValue) {
    EXPECT_THAT(parse_errors("name = 5\ncolour = \"red\"\n"),
                ElementsAre("vms/work.toml:1:8: name: expected a string, got an integer"));
    EXPECT_THAT(parse_errors("name = \"a\"\ncolour = [1, 2]\n"),
                ElementsAre("vms/work.toml:2:10: colour: expected a string, got an array"));
    EXPECT_THAT(parse_errors("name = \"a\"\ncolour = \"red\"\nlabel = true\n"),
                ElementsAre("vms/work.toml:3:9: label: expected a string, got a boolean"));
    EXPECT_THAT(parse_errors("name = \"a\"\ncolour = \"red\"\nsocket = 1.5\n"),
                ElementsAre("vms/work.toml:3:10: socket: expected a string, got a float"));
    EXPECT_THAT(parse_errors("name = \"a\"\ncolour = \"red\"\nprotocols = 1979-05-27\n"),
                ElementsAre("vms/work.toml:3:13: protocols: expected a table, got a date"));
    EXPECT_THAT(parse_errors("name = \"a\"\ncolour = \"red\"\n[protocols]\nallow = \"x\"\n"),
                ElementsAre("vms/work.toml:4:9: protocols.allow: expected an array, got a "
                            "string"));
}

TEST(ParseVmTest, MissingRequiredKeysAreAtLineZero) {
    EXPECT_THAT(parse_errors("colour = \"red\"\n"),
                ElementsAre("vms/work.toml: name: missing required key 'name'"));
    EXPECT_THAT(parse_errors("name = \"a\"\n"),
                ElementsAre("vms/work.toml: colour: missing required key 'colour'"));
    const std::vector<Error> errors = parse_vm("", kFile, kEnv).errors;
    ASSERT_EQ(errors.size(), 2u);
    EXPECT_EQ(errors[0].line, 0);
    EXPECT_EQ(errors[0].column, 0);
    EXPECT_EQ(errors[0].key, "name");
    EXPECT_EQ(errors[1].key, "colour");
}

TEST(ParseVmTest, BadName) {
    EXPECT_THAT(parse_errors("name = \"Work\"\ncolour = \"red\"\n"),
                ElementsAre("vms/work.toml:1:8: name: expected 1 to 32 characters from a-z, "
                            "0-9 and '-', got \"Work\""));
    EXPECT_THAT(parse_errors("name = \"\"\ncolour = \"red\"\n"),
                ElementsAre("vms/work.toml:1:8: name: expected 1 to 32 characters from a-z, "
                            "0-9 and '-', got \"\""));
    EXPECT_EQ(parse_errors("name = \"" + std::string(33, 'a') + "\"\ncolour = \"red\"\n").size(),
              1u);
}

TEST(ParseVmTest, ReservedNames) {
    // Policies and logs name the host's clients "host" and unattributed ones "unknown"; a VM
    // with either name could be mistaken for them.
    EXPECT_THAT(parse_errors("name = \"host\"\ncolour = \"red\"\n"),
                ElementsAre("vms/work.toml:1:8: name: \"host\" is reserved for the host's own "
                            "clients; choose another name"));
    EXPECT_THAT(parse_errors("name = \"unknown\"\ncolour = \"red\"\n"),
                ElementsAre("vms/work.toml:1:8: name: \"unknown\" is reserved for clients prism "
                            "cannot attribute; choose another name"));
    EXPECT_TRUE(is_reserved_origin_name("host"));
    EXPECT_TRUE(is_reserved_origin_name("unknown"));
    EXPECT_FALSE(is_reserved_origin_name("Host"));
    EXPECT_FALSE(is_reserved_origin_name("hosts"));
    EXPECT_FALSE(is_reserved_origin_name("work"));
    EXPECT_FALSE(is_reserved_origin_name(""));
    EXPECT_EQ(parse_ok("name = \"host-2\"\ncolour = \"red\"\n").name, "host-2");
    EXPECT_EQ(parse_ok("name = \"unknown-vm\"\ncolour = \"red\"\n").name, "unknown-vm");
}

TEST(ParseVmTest, BadColour) {
    EXPECT_THAT(parse_errors("name = \"work\"\ncolour =   \"blu\"\n"),
                ElementsAre("vms/work.toml:2:12: colour: expected #rrggbb or a colour name (red, "
                            "orange, yellow, green, gray, blue, purple, black), got \"blu\""));
}

TEST(ParseVmTest, EveryListedColourNameIsAccepted) {
    for (const char* name :
         {"red", "orange", "yellow", "green", "gray", "blue", "purple", "black"}) {
        parse_ok("name = \"a\"\ncolour = \"" + std::string(name) + "\"\n");
    }
}

TEST(ParseVmTest, SocketMustBeAbsolute) {
    EXPECT_THAT(parse_errors("name = \"a\"\ncolour = \"red\"\nsocket = \"run/vm.sock\"\n"),
                ElementsAre("vms/work.toml:3:10: socket: expected an absolute path, got "
                            "\"run/vm.sock\""));
    EXPECT_THAT(parse_errors("name = \"a\"\ncolour = \"red\"\nsocket = \"\"\n"),
                ElementsAre("vms/work.toml:3:10: socket: expected an absolute path, got \"\""));
}

TEST(ParseVmTest, SocketMustNotContainNul) {
    EXPECT_THAT(parse_errors("name = \"a\"\ncolour = \"red\"\nsocket = \"/run/a\\u0000b\"\n"),
                ElementsAre("vms/work.toml:3:10: socket: must not contain a NUL character"));
}

TEST(ParseVmTest, SocketMustFitInSockaddrUn) {
    const std::string path = "/" + std::string(107, 's');
    EXPECT_THAT(parse_errors("name = \"a\"\ncolour = \"red\"\nsocket = \"" + path + "\"\n"),
                ElementsAre("vms/work.toml:3:10: socket: socket path \"" + path +
                            "\" is too long for a Unix socket (108 bytes, at most 107)"));
    parse_ok("name = \"a\"\ncolour = \"red\"\nsocket = \"/" + std::string(106, 's') + "\"\n");
}

TEST(ParseVmTest, DefaultSocketMustFitInSockaddrUn) {
    const Environment env{"/" + std::string(100, 'r')};
    EXPECT_THAT(parse_errors("name = \"abcdef\"\ncolour = \"red\"\n", env),
                ElementsAre("vms/work.toml: socket: socket path \"" + env.runtime_dir.string() +
                            "/wayland-vm-abcdef\" is too long for a Unix socket (119 bytes, at "
                            "most 107)"));
}

TEST(ParseVmTest, NoRuntimeDirAndNoSocket) {
    EXPECT_THAT(parse_errors("name = \"a\"\ncolour = \"red\"\n", Environment{}),
                ElementsAre("vms/work.toml: socket: no socket given and XDG_RUNTIME_DIR is "
                            "unset"));
    const VmConfig vm =
        parse_ok("name = \"a\"\ncolour = \"red\"\nsocket = \"/run/a.sock\"\n", Environment{});
    EXPECT_EQ(vm.socket, std::filesystem::path("/run/a.sock"));
}

TEST(ParseVmTest, EmptyLabel) {
    EXPECT_THAT(parse_errors("name = \"a\"\ncolour = \"red\"\nlabel = \"\"\n"),
                ElementsAre("vms/work.toml:3:9: label: must not be empty (leave it out to use "
                            "the name)"));
}

TEST(ParseVmTest, LabelWithControlCharacters) {
    EXPECT_THAT(parse_errors("name = \"a\"\ncolour = \"red\"\nlabel = \"a\\tb\"\n"),
                ElementsAre("vms/work.toml:3:9: label: must not contain control characters"));
    EXPECT_EQ(parse_errors("name = \"a\"\ncolour = \"red\"\nlabel = \"new\\nline\"\n").size(), 1u);
    EXPECT_EQ(parse_errors("name = \"a\"\ncolour = \"red\"\nlabel = \"esc\\u001b[31m\"\n").size(),
              1u);
    EXPECT_EQ(parse_errors("name = \"a\"\ncolour = \"red\"\nlabel = \"del\\u007f\"\n").size(), 1u);
    // U+0085 NEXT LINE, a C1 control.
    EXPECT_EQ(parse_errors("name = \"a\"\ncolour = \"red\"\nlabel = \"c1\\u0085\"\n").size(), 1u);
}

TEST(ParseVmTest, LabelLengthCountsCharactersNotBytes) {
    std::string label;
    for (int i = 0; i < 64; ++i) {
        label += "\xc3\xa9"; // é, two bytes
    }
    EXPECT_EQ(parse_ok("name = \"a\"\ncolour = \"red\"\nlabel = \"" + label + "\"\n").label, label);
    EXPECT_THAT(
        parse_errors("name = \"a\"\ncolour = \"red\"\nlabel = \"" + std::string(65, 'x') + "\"\n"),
        ElementsAre("vms/work.toml:3:9: label: must be at most 64 characters, got 65"));
}

TEST(ParseVmTest, AllowEntries) {
    EXPECT_THAT(
        parse_errors("name = \"a\"\ncolour = \"red\"\n[protocols]\nallow = [\"ok_name\", 3, "
                     "\"Bad-Name\", \"ok_name\", \"9lives\"]\n"),
        ElementsAre("vms/work.toml:4:21: protocols.allow: expected a string, got an integer",
                    "vms/work.toml:4:24: protocols.allow: expected a protocol interface name "
                    "([a-z_][a-z0-9_]*), got \"Bad-Name\"",
                    "vms/work.toml:4:36: protocols.allow: \"ok_name\" is listed twice",
                    "vms/work.toml:4:47: protocols.allow: expected a protocol interface name "
                    "([a-z_][a-z0-9_]*), got \"9lives\""));
    EXPECT_EQ(parse_ok("name = \"a\"\ncolour = \"red\"\n[protocols]\nallow = [\"_x1\"]\n")
                  .allowed_globals,
              (std::vector<std::string>{"_x1"}));
}

TEST(ParseVmTest, AllErrorsAreCollectedInFileOrder) {
    EXPECT_THAT(parse_errors(R"(name = "Bad Name"
colour = "blu"
label = ""
socket = "relative"
colur = 1
allow_fullscreen = "yes"
[protocols]
allow = [1]
)"),
                ElementsAre("vms/work.toml:1:8: name: expected 1 to 32 characters from a-z, "
                            "0-9 and '-', got \"Bad Name\"",
                            "vms/work.toml:2:10: colour: expected #rrggbb or a colour name "
                            "(red, orange, yellow, green, gray, blue, purple, black), got \"blu\"",
                            "vms/work.toml:3:9: label: must not be empty (leave it out to use "
                            "the name)",
                            "vms/work.toml:4:10: socket: expected an absolute path, got "
                            "\"relative\"",
                            "vms/work.toml:5:1: colur: unknown key 'colur' (did you mean "
                            "'colour'?)",
                            "vms/work.toml:6:20: allow_fullscreen: expected a boolean, got a "
                            "string",
                            "vms/work.toml:8:10: protocols.allow: expected a string, got an "
                            "integer"));
}

} // namespace
} // namespace prism::config

namespace prism::config {
namespace {

TEST(ParseVmbridgeTest, OffByDefaultWithDocumentedLimits) {
    const VmConfig vm = parse_ok("name = \"work\"\ncolour = \"blue\"\n");
    EXPECT_FALSE(vm.vmbridge.enabled);
    EXPECT_TRUE(vm.vmbridge.socket.empty());
    EXPECT_EQ(vm.vmbridge.max_vfds, 1024u);
    EXPECT_EQ(vm.vmbridge.max_shm_bytes, 256u << 20);
    EXPECT_EQ(vm.vmbridge.max_queued_messages, 256u);
    EXPECT_TRUE(vm.vmbridge.context_names.empty());
    EXPECT_EQ(vm.vmbridge.transport, VmbridgeTransport::Test);
    EXPECT_EQ(vm.vmbridge.shmem_protocol_bit, 22u);
    EXPECT_EQ(vm.vmbridge.poll_us, 50u);
}

TEST(ParseVmbridgeTest, PollMicrosecondsAreReadAndBounded) {
    const std::string head = "name = \"work\"\ncolour = \"blue\"\n[vmbridge]\n";
    EXPECT_EQ(parse_ok(head + "poll_us = 0\n").vmbridge.poll_us, 0u);
    EXPECT_EQ(parse_ok(head + "poll_us = 1000\n").vmbridge.poll_us, 1000u);
    EXPECT_THAT(parse_errors(head + "poll_us = 1001\n"),
                ElementsAre(::testing::StartsWith("vms/work.toml:4:11: vmbridge.poll_us: ")));
    EXPECT_THAT(parse_errors(head + "poll_us = -1\n"),
                ElementsAre(::testing::StartsWith("vms/work.toml:4:11: vmbridge.poll_us: ")));
}

TEST(ParseVmbridgeTest, VhostUserTransportGetsItsOwnDefaultSocketAndShmemBit) {
    const VmConfig vm = parse_ok("name = \"work\"\ncolour = \"blue\"\n[vmbridge]\n"
                                 "enabled = true\ntransport = \"vhost-user\"\n"
                                 "shmem_protocol_bit = 21\n");
    EXPECT_EQ(vm.vmbridge.transport, VmbridgeTransport::VhostUser);
    EXPECT_EQ(vm.vmbridge.socket, "/run/user/1000/prism-vhost-wl-work.sock");
    EXPECT_EQ(vm.vmbridge.shmem_protocol_bit, 21u);
    EXPECT_EQ(parse_ok("name = \"work\"\ncolour = \"blue\"\n[vmbridge]\nenabled = true\n"
                       "transport = \"test\"\n")
                  .vmbridge.transport,
              VmbridgeTransport::Test);
}

TEST(ParseVmbridgeTest, EnabledGetsTheDefaultSocketAndEveryKeyIsRead) {
    const VmConfig vm = parse_ok("name = \"work\"\ncolour = \"blue\"\n[vmbridge]\n"
                                 "enabled = true\nmax_vfds = 64\nmax_shm_bytes = 2097152\n"
                                 "max_queued_messages = 40\ncontext_names = [\"camera\"]\n");
    EXPECT_TRUE(vm.vmbridge.enabled);
    EXPECT_EQ(vm.vmbridge.socket, "/run/user/1000/prism-vmbridge-work.sock");
    EXPECT_EQ(vm.vmbridge.max_vfds, 64u);
    EXPECT_EQ(vm.vmbridge.max_shm_bytes, 2097152u);
    EXPECT_EQ(vm.vmbridge.max_queued_messages, 40u);
    EXPECT_EQ(vm.vmbridge.context_names, std::vector<std::string>{"camera"});
    EXPECT_EQ(parse_ok("name = \"work\"\ncolour = \"blue\"\n[vmbridge]\nenabled = true\n"
                       "socket = \"/tmp/x//bridge.sock\"\n")
                  .vmbridge.socket,
              "/tmp/x/bridge.sock");
}

TEST(ParseVmbridgeTest, ErrorsNameFileLineAndKey) {
    const std::string head = "name = \"work\"\ncolour = \"blue\"\n[vmbridge]\n";
    EXPECT_THAT(
        parse_errors(head + "enabeld = true\n"),
        ElementsAre(::testing::HasSubstr("vms/work.toml:4:1: vmbridge.enabeld: unknown key")));
    EXPECT_THAT(parse_errors(head + "max_vfds = 0\n"),
                ElementsAre(::testing::StartsWith("vms/work.toml:4:12: vmbridge.max_vfds: ")));
    EXPECT_THAT(parse_errors(head + "max_shm_bytes = 8589934592\n"),
                ElementsAre(::testing::StartsWith("vms/work.toml:4:17: vmbridge.max_shm_bytes: ")));
    EXPECT_THAT(
        parse_errors(head + "max_queued_messages = 8\n"),
        ElementsAre(::testing::StartsWith("vms/work.toml:4:23: vmbridge.max_queued_messages: ")));
    EXPECT_THAT(parse_errors(head + "context_names = [\"a\", \"a\"]\n"),
                ElementsAre(::testing::HasSubstr("vmbridge.context_names: \"a\" is listed twice")));
    EXPECT_THAT(parse_errors(head + "context_names = [\"\"]\n"),
                ElementsAre(::testing::HasSubstr("vmbridge.context_names: expected 1 to 32")));
    EXPECT_THAT(parse_errors(head + "transport = \"virtio\"\n"),
                ElementsAre(::testing::StartsWith("vms/work.toml:4:13: vmbridge.transport: ")));
    EXPECT_THAT(parse_errors(head + "transport = \"virtio\"\n"),
                ElementsAre(::testing::HasSubstr("test, vhost-user")));
    EXPECT_THAT(
        parse_errors(head + "shmem_protocol_bit = 23\n"),
        ElementsAre(::testing::StartsWith("vms/work.toml:4:22: vmbridge.shmem_protocol_bit: ")));
    EXPECT_THAT(parse_errors(head + "socket = \"relative\"\n"),
                ElementsAre(::testing::HasSubstr("vmbridge.socket: expected an absolute path")));
    EXPECT_THAT(parse_errors("name = \"work\"\ncolour = \"blue\"\nsocket = \"/tmp/w\"\n"
                             "[vmbridge]\nenabled = true\n",
                             Environment{}),
                ElementsAre("vms/work.toml:4:1: vmbridge.socket: no socket given and "
                            "XDG_RUNTIME_DIR is unset"));
}

} // namespace
} // namespace prism::config

namespace prism::config {
namespace {

// [limits], part 2 (issue 13): connections, pending pastes, MIME types.
TEST(ParseLimitsTest, ConnectionsPendingPastesAndMimeTypes) {
    const VmConfig plain = parse_ok("name = \"work\"\ncolour = \"blue\"\n");
    EXPECT_EQ(plain.limits.connections, 128u);
    EXPECT_EQ(plain.limits.pending_pastes, 4u);
    EXPECT_EQ(plain.limits.mime_types, 64u);
    const std::string head = "name = \"work\"\ncolour = \"blue\"\n[limits]\n";
    const VmConfig vm = parse_ok(head + "connections = 10\npending_pastes = 2\nmime_types = 8\n");
    EXPECT_EQ(vm.limits.connections, 10u);
    EXPECT_EQ(vm.limits.pending_pastes, 2u);
    EXPECT_EQ(vm.limits.mime_types, 8u);
    EXPECT_THAT(parse_errors(head + "connections = 0\n"),
                ElementsAre(::testing::StartsWith("vms/work.toml:4:15: limits.connections: ")));
    EXPECT_THAT(parse_errors(head + "pending_pastes = 17\n"),
                ElementsAre(::testing::StartsWith("vms/work.toml:4:18: limits.pending_pastes: ")));
    EXPECT_THAT(parse_errors(head + "mime_types = 257\n"),
                ElementsAre(::testing::StartsWith("vms/work.toml:4:14: limits.mime_types: ")));
    EXPECT_THAT(parse_errors(head + "conections = 1\n"),
                ElementsAre(::testing::HasSubstr("limits.conections: unknown key")));
}

// [limits], part 3 (issue 13): windows, surfaces, subsurface depth, cursor and drag icon size.
TEST(ParseLimitsTest, SurfaceCountsDepthAndImageSizes) {
    const VmConfig plain = parse_ok("name = \"work\"\ncolour = \"blue\"\n");
    EXPECT_EQ(plain.limits.windows, 256u);
    EXPECT_EQ(plain.limits.surfaces, 4096u);
    EXPECT_EQ(plain.limits.max_subsurface_depth, 32u);
    EXPECT_EQ(plain.limits.max_cursor_size, 256u);
    EXPECT_EQ(plain.limits.max_drag_icon_size, 256u);
    const std::string head = "name = \"work\"\ncolour = \"blue\"\n[limits]\n";
    const VmConfig vm = parse_ok(head + "windows = 3\nsurfaces = 20\nmax_subsurface_depth = 2\n"
                                        "max_cursor_size = 512\nmax_drag_icon_size = 64\n");
    EXPECT_EQ(vm.limits.windows, 3u);
    EXPECT_EQ(vm.limits.surfaces, 20u);
    EXPECT_EQ(vm.limits.max_subsurface_depth, 2u);
    EXPECT_EQ(vm.limits.max_cursor_size, 512u);
    EXPECT_EQ(vm.limits.max_drag_icon_size, 64u);
    EXPECT_THAT(parse_errors(head + "windows = 0\n"),
                ElementsAre(::testing::StartsWith("vms/work.toml:4:11: limits.windows: ")));
    EXPECT_THAT(parse_errors(head + "surfaces = 15\n"),
                ElementsAre(::testing::StartsWith("vms/work.toml:4:12: limits.surfaces: ")));
    EXPECT_THAT(
        parse_errors(head + "max_subsurface_depth = 257\n"),
        ElementsAre(::testing::StartsWith("vms/work.toml:4:24: limits.max_subsurface_depth: ")));
    EXPECT_THAT(parse_errors(head + "max_cursor_size = 1025\n"),
                ElementsAre(::testing::StartsWith("vms/work.toml:4:19: limits.max_cursor_size: ")));
    EXPECT_THAT(
        parse_errors(head + "max_drag_icon_size = 8\n"),
        ElementsAre(::testing::StartsWith("vms/work.toml:4:22: limits.max_drag_icon_size: ")));
}

TEST(ParseLimitsTest, PopupDepth) {
    EXPECT_EQ(parse_ok("name = \"work\"\ncolour = \"blue\"\n").limits.max_popup_depth, 64u);
    const std::string head = "name = \"work\"\ncolour = \"blue\"\n[limits]\n";
    EXPECT_EQ(parse_ok(head + "max_popup_depth = 1\n").limits.max_popup_depth, 1u);
    EXPECT_EQ(parse_ok(head + "max_popup_depth = 256\n").limits.max_popup_depth, 256u);
    EXPECT_THAT(parse_errors(head + "max_popup_depth = 0\n"),
                ElementsAre(::testing::StartsWith("vms/work.toml:4:19: limits.max_popup_depth: ")));
    EXPECT_THAT(parse_errors(head + "max_popup_depth = 257\n"),
                ElementsAre(::testing::StartsWith("vms/work.toml:4:19: limits.max_popup_depth: ")));
    EXPECT_THAT(parse_errors(head + "max_popup_depth = \"deep\"\n"),
                ElementsAre(::testing::StartsWith("vms/work.toml:4:19: limits.max_popup_depth: ")));
}

TEST(ParseLimitsTest, TitleRenders) {
    EXPECT_EQ(parse_ok("name = \"work\"\ncolour = \"blue\"\n").limits.title_renders, 120u);
    const std::string head = "name = \"work\"\ncolour = \"blue\"\n[limits]\n";
    EXPECT_EQ(parse_ok(head + "title_renders = 1\n").limits.title_renders, 1u);
    EXPECT_EQ(parse_ok(head + "title_renders = 1000\n").limits.title_renders, 1000u);
    EXPECT_THAT(parse_errors(head + "title_renders = 0\n"),
                ElementsAre(::testing::StartsWith("vms/work.toml:4:17: limits.title_renders: ")));
    EXPECT_THAT(parse_errors(head + "title_renders = 1001\n"),
                ElementsAre(::testing::StartsWith("vms/work.toml:4:17: limits.title_renders: ")));
}

TEST(ParseLimitsTest, DefaultsAreTheDocumentedOnes) {
    const VmConfig vm = parse_ok("name = \"work\"\ncolour = \"blue\"\n");
    EXPECT_EQ(vm.limits.max_window_width, 16384u);
    EXPECT_EQ(vm.limits.max_window_height, 6144u);
    EXPECT_EQ(vm.limits.max_title_bytes, 512u);
    EXPECT_EQ(vm.limits.max_activation_tokens, 32u);
    EXPECT_EQ(vm.limits, VmLimits{});
}

TEST(ParseLimitsTest, EveryKeyIsRead) {
    const VmConfig vm = parse_ok("name = \"work\"\ncolour = \"blue\"\n[limits]\n"
                                 "max_window_width = 4000\nmax_window_height = 3000\n"
                                 "max_title_bytes = 64\nmax_activation_tokens = 4\n");
    EXPECT_EQ(vm.limits.max_window_width, 4000u);
    EXPECT_EQ(vm.limits.max_window_height, 3000u);
    EXPECT_EQ(vm.limits.max_title_bytes, 64u);
    EXPECT_EQ(vm.limits.max_activation_tokens, 4u);
}

TEST(ParseLimitsTest, ErrorsNameFileLineAndKey) {
    const std::string head = "name = \"work\"\ncolour = \"blue\"\n[limits]\n";
    EXPECT_THAT(
        parse_errors(head + "max_window_widht = 100\n"),
        ElementsAre(::testing::HasSubstr("vms/work.toml:4:1: limits.max_window_widht: unknown key "
                                         "'max_window_widht' (did you mean 'max_window_width'?)")));
    EXPECT_THAT(
        parse_errors(head + "max_window_width = 40000\n"),
        ElementsAre(::testing::StartsWith("vms/work.toml:4:20: limits.max_window_width: ")));
    EXPECT_THAT(
        parse_errors(head + "max_window_height = 10\n"),
        ElementsAre(::testing::StartsWith("vms/work.toml:4:21: limits.max_window_height: ")));
    EXPECT_THAT(parse_errors(head + "max_title_bytes = 8\n"),
                ElementsAre(::testing::StartsWith("vms/work.toml:4:19: limits.max_title_bytes: ")));
    EXPECT_THAT(
        parse_errors(head + "max_activation_tokens = 0\n"),
        ElementsAre(::testing::StartsWith("vms/work.toml:4:25: limits.max_activation_tokens: ")));
    EXPECT_THAT(parse_errors(head + "max_activation_tokens = \"many\"\n"),
                ElementsAre(::testing::HasSubstr("expected an integer, got a string")));
}

} // namespace
} // namespace prism::config
