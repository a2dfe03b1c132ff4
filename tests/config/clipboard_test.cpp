// The [clipboard] and [primary] tables: in a VM file (pastes into that VM) and in prism.toml
// (pastes into host clients, and the limits).
#include "config/config.hpp"
#include "tests/config/test_util.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace prism::config {
namespace {

using ::testing::ElementsAre;
using testing_util::error_strings;

using Rules = std::map<std::string, PasteDecision>;

const Environment kEnv{"/run/user/1000"};
const std::filesystem::path kVmFile = "vms/work.toml";
const std::filesystem::path kMainFile = "prism.toml";
const std::string kVmHead = "name = \"work\"\ncolour = \"blue\"\n"; // two lines

VmConfig vm_ok(const std::string& tables) {
    VmParseResult result = parse_vm(kVmHead + tables, kVmFile, kEnv);
    EXPECT_TRUE(result.errors.empty()) << ::testing::PrintToString(error_strings(result.errors));
    EXPECT_TRUE(result.vm.has_value());
    return result.vm.value_or(VmConfig{});
}

std::vector<std::string> vm_errors(const std::string& tables) {
    VmParseResult result = parse_vm(kVmHead + tables, kVmFile, kEnv);
    EXPECT_FALSE(result.vm.has_value());
    return error_strings(result.errors);
}

Config main_ok(std::string_view text) {
    Config config;
    const std::vector<Error> errors = parse_main(text, kMainFile, config);
    EXPECT_TRUE(errors.empty()) << ::testing::PrintToString(error_strings(errors));
    return config;
}

std::vector<std::string> main_errors(std::string_view text) {
    Config config;
    const std::vector<Error> errors = parse_main(text, kMainFile, config);
    EXPECT_FALSE(errors.empty());
    return error_strings(errors);
}

// --- Defaults ---------------------------------------------------------------------------------

TEST(ClipboardDefaultsTest, VmWithoutTables) {
    const VmConfig vm = vm_ok("");
    EXPECT_EQ(vm.clipboard.paste_from, (Rules{{"*", PasteDecision::Ask}}));
    EXPECT_TRUE(vm.clipboard.mime.empty());
    EXPECT_EQ(vm.primary.paste_from, (Rules{{"*", PasteDecision::Deny}}));
    EXPECT_TRUE(vm.primary.mime.empty());
    EXPECT_EQ(vm.clipboard, VmConfig{}.clipboard);
    EXPECT_EQ(vm.primary, VmConfig{}.primary);
}

TEST(ClipboardDefaultsTest, HostWithoutTables) {
    const Config config = main_ok("");
    EXPECT_EQ(config.host_clipboard.paste_from, (Rules{{"*", PasteDecision::Ask}}));
    EXPECT_TRUE(config.host_clipboard.mime.empty());
    EXPECT_EQ(config.host_primary.paste_from, (Rules{{"*", PasteDecision::Deny}}));
    EXPECT_TRUE(config.host_primary.mime.empty());
    EXPECT_EQ(config.clipboard_limits, ClipboardLimits{});
    EXPECT_EQ(config.clipboard_limits.max_bytes, 67108864u);
    EXPECT_EQ(config.clipboard_limits.dialog_timeout_ms, 30000);
    EXPECT_EQ(config.clipboard_limits.transfer_timeout_ms, 10000);
}

TEST(ClipboardDefaultsTest, EmptyTablesKeepTheDefaults) {
    const VmConfig vm = vm_ok("[clipboard]\n[primary]\n");
    EXPECT_EQ(vm.clipboard, VmConfig{}.clipboard);
    EXPECT_EQ(vm.primary, VmConfig{}.primary);
    const Config config = main_ok("[clipboard]\n[primary]\n");
    EXPECT_EQ(config.host_clipboard, Config{}.host_clipboard);
    EXPECT_EQ(config.host_primary, Config{}.host_primary);
    EXPECT_EQ(config.clipboard_limits, ClipboardLimits{});
}

TEST(ClipboardDefaultsTest, DecisionNames) {
    EXPECT_EQ(paste_decision_name(PasteDecision::Allow), "allow");
    EXPECT_EQ(paste_decision_name(PasteDecision::Deny), "deny");
    EXPECT_EQ(paste_decision_name(PasteDecision::Ask), "ask");
}

// --- A VM's tables ----------------------------------------------------------------------------

TEST(VmClipboardTest, EveryKey) {
    const VmConfig vm = vm_ok(R"(
[clipboard]
paste_from = { "*" = "ask", "personal" = "allow", untrusted = "deny", host = "allow" }
mime = ["text/*", "image/png"]

[primary]
paste_from = { "*" = "deny", personal = "ask" }
mime = ["text/plain"]
)");
    EXPECT_EQ(vm.clipboard.paste_from, (Rules{{"*", PasteDecision::Ask},
                                              {"personal", PasteDecision::Allow},
                                              {"untrusted", PasteDecision::Deny},
                                              {"host", PasteDecision::Allow}}));
    EXPECT_EQ(vm.clipboard.mime, (std::vector<std::string>{"text/*", "image/png"}));
    EXPECT_EQ(vm.primary.paste_from,
              (Rules{{"*", PasteDecision::Deny}, {"personal", PasteDecision::Ask}}));
    EXPECT_EQ(vm.primary.mime, (std::vector<std::string>{"text/plain"}));
}

TEST(VmClipboardTest, PasteFromReplacesTheDefaultTable) {
    // No "*" entry: other sources get the built-in default (see compositor/clipboard/policy).
    EXPECT_EQ(vm_ok("[clipboard]\npaste_from = { personal = \"allow\" }\n").clipboard.paste_from,
              (Rules{{"personal", PasteDecision::Allow}}));
    EXPECT_TRUE(vm_ok("[clipboard]\npaste_from = {}\n").clipboard.paste_from.empty());
    EXPECT_TRUE(vm_ok("[primary]\npaste_from = {}\n").primary.paste_from.empty());
}

TEST(VmClipboardTest, MimeAloneKeepsTheDefaultPasteFrom) {
    const VmConfig vm = vm_ok("[clipboard]\nmime = [\"text/plain\"]\n");
    EXPECT_EQ(vm.clipboard.paste_from, VmConfig{}.clipboard.paste_from);
    EXPECT_EQ(vm.clipboard.mime, std::vector<std::string>{"text/plain"});
    EXPECT_EQ(vm.primary, VmConfig{}.primary);
}

TEST(VmClipboardTest, ClipboardAndPrimaryAreIndependent) {
    const VmConfig vm = vm_ok("[primary]\npaste_from = { \"*\" = \"ask\" }\n");
    EXPECT_EQ(vm.clipboard, VmConfig{}.clipboard);
    EXPECT_EQ(vm.primary.paste_from, (Rules{{"*", PasteDecision::Ask}}));
}

TEST(VmClipboardTest, OtherTomlSpellings) {
    EXPECT_EQ(
        vm_ok("[clipboard.paste_from]\n\"*\" = \"deny\"\nhost = \"ask\"\n").clipboard.paste_from,
        (Rules{{"*", PasteDecision::Deny}, {"host", PasteDecision::Ask}}));
    EXPECT_EQ(vm_ok("clipboard.paste_from.personal = \"allow\"\n").clipboard.paste_from,
              (Rules{{"personal", PasteDecision::Allow}}));
    EXPECT_EQ(vm_ok("primary = { mime = [\"image/*\"] }\n").primary.mime,
              std::vector<std::string>{"image/*"});
}

TEST(VmClipboardTest, NamesOfVmsThatDoNotExistAreFine) {
    // VMs come and go; a rule for one that is not configured (now) is not an error.
    EXPECT_EQ(
        vm_ok("[clipboard]\npaste_from = { \"no-such-vm\" = \"allow\", \"" + std::string(32, 'v') +
              "\" = \"deny\" }\n")
            .clipboard.paste_from,
        (Rules{{"no-such-vm", PasteDecision::Allow}, {std::string(32, 'v'), PasteDecision::Deny}}));
    // A rule for the VM itself is never consulted (pastes within a VM are always allowed).
    EXPECT_EQ(vm_ok("[clipboard]\npaste_from = { work = \"deny\" }\n").clipboard.paste_from,
              (Rules{{"work", PasteDecision::Deny}}));
}

TEST(VmClipboardTest, BadDecision) {
    EXPECT_THAT(vm_errors("[clipboard]\npaste_from = { personal = \"Allow\" }\n"),
                ElementsAre("vms/work.toml:4:27: clipboard.paste_from.personal: expected one of "
                            "allow, deny, ask, got \"Allow\""));
    EXPECT_THAT(vm_errors("[primary]\npaste_from = { \"*\" = \"never\" }\n"),
                ElementsAre("vms/work.toml:4:22: primary.paste_from.*: expected one of allow, "
                            "deny, ask, got \"never\""));
    EXPECT_THAT(vm_errors("[clipboard]\npaste_from = { host = \"\" }\n"),
                ElementsAre("vms/work.toml:4:23: clipboard.paste_from.host: expected one of "
                            "allow, deny, ask, got \"\""));
    EXPECT_THAT(vm_errors("[clipboard]\npaste_from = { host = true }\n"),
                ElementsAre("vms/work.toml:4:23: clipboard.paste_from.host: expected a string, "
                            "got a boolean"));
    EXPECT_THAT(vm_errors("[clipboard.paste_from]\nhost = [\"allow\"]\n"),
                ElementsAre("vms/work.toml:4:8: clipboard.paste_from.host: expected a string, "
                            "got an array"));
}

TEST(VmClipboardTest, BadSourceName) {
    EXPECT_THAT(vm_errors("[clipboard]\npaste_from = { Personal = \"allow\" }\n"),
                ElementsAre("vms/work.toml:4:16: clipboard.paste_from.Personal: expected \"*\", "
                            "\"host\" or a VM name (1 to 32 characters from a-z, 0-9 and '-'), "
                            "got \"Personal\""));
    EXPECT_THAT(vm_errors("[clipboard]\npaste_from = { my_vm = \"allow\" }\n"),
                ElementsAre("vms/work.toml:4:16: clipboard.paste_from.my_vm: expected \"*\", "
                            "\"host\" or a VM name (1 to 32 characters from a-z, 0-9 and '-'), "
                            "got \"my_vm\""));
    EXPECT_THAT(vm_errors("[primary]\npaste_from = { \"*.*\" = \"deny\", \"\" = \"deny\" }\n"),
                ElementsAre("vms/work.toml:4:16: primary.paste_from.*.*: expected \"*\", "
                            "\"host\" or a VM name (1 to 32 characters from a-z, 0-9 and '-'), "
                            "got \"*.*\"",
                            "vms/work.toml:4:32: primary.paste_from.: expected \"*\", \"host\" "
                            "or a VM name (1 to 32 characters from a-z, 0-9 and '-'), got \"\""));
    EXPECT_EQ(
        vm_errors("[clipboard]\npaste_from = { \"" + std::string(33, 'v') + "\" = \"deny\" }\n")
            .size(),
        1u);
    EXPECT_EQ(vm_errors("[clipboard]\npaste_from = { \"a b\" = \"deny\" }\n").size(), 1u);
    EXPECT_EQ(vm_errors("[clipboard]\npaste_from = { \"Host\" = \"deny\" }\n").size(), 1u);
    EXPECT_EQ(vm_errors("[clipboard]\npaste_from = { \"caf\xc3\xa9\" = \"deny\" }\n").size(), 1u);
    // A key with a control character is shown escaped.
    EXPECT_THAT(vm_errors("[clipboard]\npaste_from = { \"a\\u001bb\" = \"deny\" }\n"),
                ElementsAre("vms/work.toml:4:16: clipboard.paste_from.a\x1b"
                            "b: expected \"*\", "
                            "\"host\" or a VM name (1 to 32 characters from a-z, 0-9 and '-'), "
                            "got \"a\\u001Bb\""));
}

TEST(VmClipboardTest, BadNameAndBadDecisionAreBothReported) {
    EXPECT_THAT(vm_errors("[clipboard]\npaste_from = { Work = \"maybe\" }\n"),
                ElementsAre("vms/work.toml:4:16: clipboard.paste_from.Work: expected \"*\", "
                            "\"host\" or a VM name (1 to 32 characters from a-z, 0-9 and '-'), "
                            "got \"Work\"",
                            "vms/work.toml:4:23: clipboard.paste_from.Work: expected one of "
                            "allow, deny, ask, got \"maybe\""));
}

TEST(VmClipboardTest, UnknownHasNoRule) {
    EXPECT_THAT(vm_errors("[clipboard]\npaste_from = { unknown = \"deny\" }\n"),
                ElementsAre("vms/work.toml:4:16: clipboard.paste_from.unknown: \"unknown\" cannot "
                            "be given a rule: pastes from clients prism cannot attribute are "
                            "always denied"));
}

TEST(VmClipboardTest, WrongTypes) {
    EXPECT_THAT(vm_errors("clipboard = \"ask\"\n"),
                ElementsAre("vms/work.toml:3:13: clipboard: expected a table, got a string"));
    EXPECT_THAT(vm_errors("[[primary]]\npaste_from = {}\n"),
                ElementsAre("vms/work.toml:3:1: primary: expected a table, got an array"));
    EXPECT_THAT(vm_errors("[clipboard]\npaste_from = \"ask\"\n"),
                ElementsAre("vms/work.toml:4:14: clipboard.paste_from: expected a table, got a "
                            "string"));
    EXPECT_THAT(vm_errors("[primary]\npaste_from = [\"*\", \"deny\"]\n"),
                ElementsAre("vms/work.toml:4:14: primary.paste_from: expected a table, got an "
                            "array"));
    EXPECT_THAT(vm_errors("[clipboard]\nmime = \"text/plain\"\n"),
                ElementsAre("vms/work.toml:4:8: clipboard.mime: expected an array, got a string"));
    EXPECT_THAT(vm_errors("[clipboard]\nmime = [\"text/plain\", 1, [\"image/png\"]]\n"),
                ElementsAre("vms/work.toml:4:23: clipboard.mime: expected a string, got an "
                            "integer",
                            "vms/work.toml:4:26: clipboard.mime: expected a string, got an "
                            "array"));
}

TEST(VmClipboardTest, Mime) {
    EXPECT_EQ(
        vm_ok("[clipboard]\nmime = [\"text/plain\", \"text/html\", \"image/*\", "
              "\"application/vnd.oasis.opendocument.text\", \"image/svg+xml\"]\n")
            .clipboard.mime,
        (std::vector<std::string>{"text/plain", "text/html", "image/*",
                                  "application/vnd.oasis.opendocument.text", "image/svg+xml"}));
    const std::string longest = "application/" + std::string(115, 'x');
    EXPECT_EQ(vm_ok("[primary]\nmime = [\"" + longest + "\"]\n").primary.mime,
              std::vector<std::string>{longest});
}

TEST(VmClipboardTest, BadMime) {
    const std::string expected = "expected a MIME type \"type/subtype\" or \"type/*\" in lower "
                                 "case, such as \"text/plain\" or \"image/*\", got ";
    for (const char* bad : {"Text/Plain", "text/PLAIN", "text", "text/", "/plain", "*/*", "*/plain",
                            "text/**", "text/plain;charset=utf-8", "text/ plain", " text/plain",
                            "text/plain/x", "", "UTF8_STRING", "text/-x", "image/p@ng"}) {
        EXPECT_THAT(
            vm_errors("[clipboard]\nmime = [\"" + std::string(bad) + "\"]\n"),
            ElementsAre("vms/work.toml:4:9: clipboard.mime: " + expected + "\"" + bad + "\""))
            << bad;
    }
    EXPECT_THAT(vm_errors("[clipboard]\nmime = [\"application/" + std::string(116, 'x') + "\"]\n"),
                ElementsAre("vms/work.toml:4:9: clipboard.mime: must be at most 127 characters, "
                            "got 128"));
}

TEST(VmClipboardTest, MimeListedTwice) {
    EXPECT_THAT(vm_errors("[primary]\nmime = [\"text/*\", \"image/png\", \"text/*\"]\n"),
                ElementsAre("vms/work.toml:4:32: primary.mime: \"text/*\" is listed twice"));
}

TEST(VmClipboardTest, EmptyMimeIsAnError) {
    EXPECT_THAT(vm_errors("[clipboard]\nmime = []\n"),
                ElementsAre("vms/work.toml:4:8: clipboard.mime: must not be empty (leave it out "
                            "for the default set; to refuse pastes, use paste_from)"));
}

TEST(VmClipboardTest, UnknownKeys) {
    EXPECT_THAT(vm_errors("[clipboard]\npastefrom = \"ask\"\n"),
                ElementsAre("vms/work.toml:4:1: clipboard.pastefrom: unknown key 'pastefrom' "
                            "(did you mean 'paste_from'?)"));
    EXPECT_THAT(vm_errors("[primary]\nmimes = []\n"),
                ElementsAre("vms/work.toml:4:1: primary.mimes: unknown key 'mimes' (did you "
                            "mean 'mime'?)"));
    // The limits are global: they belong in prism.toml.
    EXPECT_THAT(vm_errors("[clipboard]\nmax_bytes = 1024\n"),
                ElementsAre("vms/work.toml:4:1: clipboard.max_bytes: unknown key 'max_bytes'"));
    EXPECT_THAT(vm_errors("[clipboard]\ndialog_timeout_ms = 1000\n"),
                ElementsAre("vms/work.toml:4:1: clipboard.dialog_timeout_ms: unknown key "
                            "'dialog_timeout_ms'"));
    EXPECT_THAT(vm_errors("[primary.paste]\nfrom = \"x\"\n"),
                ElementsAre("vms/work.toml:3:10: primary.paste: unknown table 'paste'"));
    EXPECT_THAT(vm_errors("[clipbaord]\n"),
                ElementsAre("vms/work.toml:3:2: clipbaord: unknown table 'clipbaord' (did you "
                            "mean 'clipboard'?)"));
    // paste_from belongs in a table, not at the top level.
    EXPECT_THAT(vm_errors("paste_from = { \"*\" = \"ask\" }\n"),
                ElementsAre("vms/work.toml:3:1: paste_from: unknown table 'paste_from'"));
}

TEST(VmClipboardTest, AllErrorsAreCollectedInFileOrder) {
    EXPECT_THAT(vm_errors(R"([clipboard]
paste_from = { "*" = "yes", Work = "deny" }
mime = ["text/*", "Image/PNG"]
max_bytes = 5

[primary]
paste_from = { unknown = "allow" }
mime = []
)"),
                ElementsAre("vms/work.toml:4:22: clipboard.paste_from.*: expected one of allow, "
                            "deny, ask, got \"yes\"",
                            "vms/work.toml:4:29: clipboard.paste_from.Work: expected \"*\", "
                            "\"host\" or a VM name (1 to 32 characters from a-z, 0-9 and '-'), "
                            "got \"Work\"",
                            "vms/work.toml:5:19: clipboard.mime: expected a MIME type "
                            "\"type/subtype\" or \"type/*\" in lower case, such as \"text/plain\" "
                            "or \"image/*\", got \"Image/PNG\"",
                            "vms/work.toml:6:1: clipboard.max_bytes: unknown key 'max_bytes'",
                            "vms/work.toml:9:16: primary.paste_from.unknown: \"unknown\" cannot "
                            "be given a rule: pastes from clients prism cannot attribute are "
                            "always denied",
                            "vms/work.toml:10:8: primary.mime: must not be empty (leave it out "
                            "for the default set; to refuse pastes, use paste_from)"));
}

// --- prism.toml: the host's tables and the limits ---------------------------------------------

TEST(HostClipboardTest, EveryKey) {
    const Config config = main_ok(R"(
[clipboard]
paste_from = { "*" = "ask", work = "allow", untrusted = "deny" }
mime = ["text/plain"]
max_bytes = 1048576
dialog_timeout_ms = 60000
transfer_timeout_ms = 2500

[primary]
paste_from = { work = "ask" }
mime = ["text/*"]
)");
    EXPECT_EQ(config.host_clipboard.paste_from, (Rules{{"*", PasteDecision::Ask},
                                                       {"work", PasteDecision::Allow},
                                                       {"untrusted", PasteDecision::Deny}}));
    EXPECT_EQ(config.host_clipboard.mime, std::vector<std::string>{"text/plain"});
    EXPECT_EQ(config.clipboard_limits, (ClipboardLimits{1048576, 60000, 2500}));
    EXPECT_EQ(config.host_primary.paste_from, (Rules{{"work", PasteDecision::Ask}}));
    EXPECT_EQ(config.host_primary.mime, std::vector<std::string>{"text/*"});
}

TEST(HostClipboardTest, EachLimitAlone) {
    EXPECT_EQ(main_ok("[clipboard]\nmax_bytes = 4096\n").clipboard_limits,
              (ClipboardLimits{4096, 30000, 10000}));
    EXPECT_EQ(main_ok("[clipboard]\ndialog_timeout_ms = 5000\n").clipboard_limits,
              (ClipboardLimits{64ull << 20, 5000, 10000}));
    EXPECT_EQ(main_ok("clipboard.transfer_timeout_ms = 500\n").clipboard_limits,
              (ClipboardLimits{64ull << 20, 30000, 500}));
    // The limits do not touch the policy, nor the other way round.
    EXPECT_EQ(main_ok("[clipboard]\nmax_bytes = 4096\n").host_clipboard, Config{}.host_clipboard);
    EXPECT_EQ(main_ok("[clipboard]\npaste_from = {}\n").clipboard_limits, ClipboardLimits{});
}

TEST(HostClipboardTest, HostKeyIsAcceptedButNeverConsulted) {
    // Pastes from host clients into host clients are always allowed; the rule is harmless.
    EXPECT_EQ(main_ok("[clipboard]\npaste_from = { host = \"deny\" }\n").host_clipboard.paste_from,
              (Rules{{"host", PasteDecision::Deny}}));
}

TEST(HostClipboardTest, LimitRanges) {
    EXPECT_EQ(main_ok("[clipboard]\nmax_bytes = 1\n").clipboard_limits.max_bytes, 1u);
    EXPECT_EQ(main_ok("[clipboard]\nmax_bytes = 1073741824\n").clipboard_limits.max_bytes,
              1073741824u);
    EXPECT_THAT(main_errors("[clipboard]\nmax_bytes = 0\n"),
                ElementsAre("prism.toml:2:13: clipboard.max_bytes: expected an integer from 1 to "
                            "1073741824, got 0"));
    EXPECT_THAT(main_errors("[clipboard]\nmax_bytes = 1073741825\n"),
                ElementsAre("prism.toml:2:13: clipboard.max_bytes: expected an integer from 1 to "
                            "1073741824, got 1073741825"));
    EXPECT_THAT(main_errors("[clipboard]\nmax_bytes = -1\n"),
                ElementsAre("prism.toml:2:13: clipboard.max_bytes: expected an integer from 1 to "
                            "1073741824, got -1"));
    EXPECT_EQ(main_ok("[clipboard]\ndialog_timeout_ms = 1000\n").clipboard_limits.dialog_timeout_ms,
              1000);
    EXPECT_EQ(
        main_ok("[clipboard]\ndialog_timeout_ms = 600000\n").clipboard_limits.dialog_timeout_ms,
        600000);
    EXPECT_THAT(main_errors("[clipboard]\ndialog_timeout_ms = 999\n"),
                ElementsAre("prism.toml:2:21: clipboard.dialog_timeout_ms: expected an integer "
                            "from 1000 to 600000, got 999"));
    EXPECT_THAT(main_errors("[clipboard]\ndialog_timeout_ms = 600001\n"),
                ElementsAre("prism.toml:2:21: clipboard.dialog_timeout_ms: expected an integer "
                            "from 1000 to 600000, got 600001"));
    EXPECT_EQ(
        main_ok("[clipboard]\ntransfer_timeout_ms = 100\n").clipboard_limits.transfer_timeout_ms,
        100);
    EXPECT_EQ(
        main_ok("[clipboard]\ntransfer_timeout_ms = 600000\n").clipboard_limits.transfer_timeout_ms,
        600000);
    EXPECT_THAT(main_errors("[clipboard]\ntransfer_timeout_ms = 99\n"),
                ElementsAre("prism.toml:2:23: clipboard.transfer_timeout_ms: expected an integer "
                            "from 100 to 600000, got 99"));
    EXPECT_THAT(main_errors("[clipboard]\ntransfer_timeout_ms = 600001\n"),
                ElementsAre("prism.toml:2:23: clipboard.transfer_timeout_ms: expected an integer "
                            "from 100 to 600000, got 600001"));
    // Far outside int: must not wrap around into the range.
    EXPECT_THAT(main_errors("[clipboard]\ndialog_timeout_ms = 4294997296\n"),
                ElementsAre("prism.toml:2:21: clipboard.dialog_timeout_ms: expected an integer "
                            "from 1000 to 600000, got 4294997296"));
}

TEST(HostClipboardTest, LimitTypes) {
    EXPECT_THAT(main_errors("[clipboard]\nmax_bytes = \"64M\"\n"),
                ElementsAre("prism.toml:2:13: clipboard.max_bytes: expected an integer, got a "
                            "string"));
    EXPECT_THAT(main_errors("[clipboard]\nmax_bytes = 1e6\n"),
                ElementsAre("prism.toml:2:13: clipboard.max_bytes: expected an integer, got a "
                            "float"));
    EXPECT_THAT(main_errors("[clipboard]\ndialog_timeout_ms = 00:00:30\n"),
                ElementsAre("prism.toml:2:21: clipboard.dialog_timeout_ms: expected an integer, "
                            "got a time"));
    EXPECT_THAT(main_errors("[clipboard]\ntransfer_timeout_ms = true\n"),
                ElementsAre("prism.toml:2:23: clipboard.transfer_timeout_ms: expected an integer, "
                            "got a boolean"));
    EXPECT_THAT(main_errors("clipboard = [1]\n"),
                ElementsAre("prism.toml:1:13: clipboard: expected a table, got an array"));
    EXPECT_THAT(main_errors("primary = \"deny\"\n"),
                ElementsAre("prism.toml:1:11: primary: expected a table, got a string"));
}

TEST(HostClipboardTest, PolicyErrorsUseTheSameKeyPaths) {
    EXPECT_THAT(main_errors("[clipboard]\npaste_from = { work = \"Deny\" }\n"),
                ElementsAre("prism.toml:2:23: clipboard.paste_from.work: expected one of allow, "
                            "deny, ask, got \"Deny\""));
    EXPECT_THAT(main_errors("[primary]\npaste_from = { \"VM 1\" = \"deny\" }\n"),
                ElementsAre("prism.toml:2:16: primary.paste_from.VM 1: expected \"*\", \"host\" "
                            "or a VM name (1 to 32 characters from a-z, 0-9 and '-'), got "
                            "\"VM 1\""));
    EXPECT_THAT(main_errors("[primary]\nmime = [\"text/plain\", \"text\"]\n"),
                ElementsAre("prism.toml:2:23: primary.mime: expected a MIME type "
                            "\"type/subtype\" or \"type/*\" in lower case, such as \"text/plain\" "
                            "or \"image/*\", got \"text\""));
    EXPECT_THAT(main_errors("[clipboard]\npaste_from = { unknown = \"ask\" }\n"),
                ElementsAre("prism.toml:2:16: clipboard.paste_from.unknown: \"unknown\" cannot "
                            "be given a rule: pastes from clients prism cannot attribute are "
                            "always denied"));
}

TEST(HostClipboardTest, UnknownKeys) {
    EXPECT_THAT(main_errors("[clipboard]\nmax_byte = 1\n"),
                ElementsAre("prism.toml:2:1: clipboard.max_byte: unknown key 'max_byte' (did you "
                            "mean 'max_bytes'?)"));
    EXPECT_THAT(main_errors("[clipboard]\ndialog_timeout = 1000\n"),
                ElementsAre("prism.toml:2:1: clipboard.dialog_timeout: unknown key "
                            "'dialog_timeout'"));
    EXPECT_THAT(main_errors("[clipboard]\ndialog_timout_ms = 1000\n"),
                ElementsAre("prism.toml:2:1: clipboard.dialog_timout_ms: unknown key "
                            "'dialog_timout_ms' (did you mean 'dialog_timeout_ms'?)"));
    // The limits hold for both selections; they are set in [clipboard] only.
    EXPECT_THAT(main_errors("[primary]\nmax_bytes = 1024\n"),
                ElementsAre("prism.toml:2:1: primary.max_bytes: unknown key 'max_bytes'"));
    EXPECT_THAT(main_errors("[primary]\ntransfer_timeout_ms = 1000\n"),
                ElementsAre("prism.toml:2:1: primary.transfer_timeout_ms: unknown key "
                            "'transfer_timeout_ms'"));
    EXPECT_THAT(main_errors("[primry]\n"),
                ElementsAre("prism.toml:1:2: primry: unknown table 'primry' (did you mean "
                            "'primary'?)"));
}

TEST(HostClipboardTest, AnErrorKeepsTheDefault) {
    Config config;
    const std::vector<Error> errors = parse_main(
        "[clipboard]\npaste_from = { work = \"allow\", untrusted = \"nope\" }\nmime = [\"text/*\", "
        "\"x\"]\nmax_bytes = 0\n",
        kMainFile, config);
    EXPECT_EQ(errors.size(), 3u) << ::testing::PrintToString(error_strings(errors));
    EXPECT_EQ(config.host_clipboard, Config{}.host_clipboard);
    EXPECT_EQ(config.clipboard_limits, ClipboardLimits{});
}

TEST(HostClipboardTest, AllErrorsAreCollectedInFileOrder) {
    EXPECT_THAT(main_errors(R"([primary]
paste_from = { "*" = "allow", Work = 1 }

[clipboard]
transfer_timeout_ms = 0
max_bytes = "lots"
mime = ["text/*", "text/*"]
)"),
                ElementsAre("prism.toml:2:31: primary.paste_from.Work: expected \"*\", \"host\" "
                            "or a VM name (1 to 32 characters from a-z, 0-9 and '-'), got "
                            "\"Work\"",
                            "prism.toml:2:38: primary.paste_from.Work: expected a string, got an "
                            "integer",
                            "prism.toml:5:23: clipboard.transfer_timeout_ms: expected an integer "
                            "from 100 to 600000, got 0",
                            "prism.toml:6:13: clipboard.max_bytes: expected an integer, got a "
                            "string",
                            "prism.toml:7:19: clipboard.mime: \"text/*\" is listed twice"));
}

} // namespace
} // namespace prism::config
