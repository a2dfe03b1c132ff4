#include "compositor/clipboard/policy.hpp"

#include <gtest/gtest.h>

namespace prism::clipboard {
namespace {

using config::PasteDecision;
using config::PastePolicy;
using enum PasteDecision;

PastePolicy policy(std::map<std::string, PasteDecision> paste_from,
                   std::vector<std::string> mime = {}) {
    return PastePolicy{std::move(paste_from), std::move(mime)};
}

// The policy of a VM whose file has no [clipboard] / [primary] table.
const PastePolicy kDefaultClipboard = config::VmConfig{}.clipboard;
const PastePolicy kDefaultPrimary = config::VmConfig{}.primary;

TEST(DecideTest, SameOriginIsAllowedWithoutConsultingThePolicy) {
    const PastePolicy deny_all = policy({{"*", Deny}, {"work", Deny}, {"host", Deny}});
    EXPECT_EQ(decide(deny_all, Selection::Clipboard, "work", "work"), Allow);
    EXPECT_EQ(decide(deny_all, Selection::Primary, "work", "work"), Allow);
    EXPECT_EQ(decide(deny_all, Selection::Clipboard, "host", "host"), Allow);
    EXPECT_EQ(decide(deny_all, Selection::Primary, "host", "host"), Allow);
    EXPECT_EQ(decide(policy({}), Selection::Primary, "work", "work"), Allow);
}

TEST(DecideTest, ExactSourceBeatsTheWildcard) {
    const PastePolicy p = policy({{"*", Deny}, {"work", Allow}, {"personal", Ask}});
    EXPECT_EQ(decide(p, Selection::Clipboard, "work", "untrusted"), Allow);
    EXPECT_EQ(decide(p, Selection::Clipboard, "personal", "untrusted"), Ask);
    EXPECT_EQ(decide(p, Selection::Clipboard, "other", "untrusted"), Deny);
    EXPECT_EQ(decide(p, Selection::Clipboard, "host", "untrusted"), Deny);
    // The other way round too.
    const PastePolicy q = policy({{"*", Allow}, {"untrusted", Deny}});
    EXPECT_EQ(decide(q, Selection::Clipboard, "untrusted", "work"), Deny);
    EXPECT_EQ(decide(q, Selection::Clipboard, "personal", "work"), Allow);
}

TEST(DecideTest, TheSameRulesHoldForThePrimarySelection) {
    const PastePolicy p = policy({{"*", Ask}, {"work", Allow}});
    EXPECT_EQ(decide(p, Selection::Primary, "work", "personal"), Allow);
    EXPECT_EQ(decide(p, Selection::Primary, "untrusted", "personal"), Ask);
}

TEST(DecideTest, BuiltInDefaultPerSelection) {
    // No entry for the source and no "*".
    const PastePolicy p = policy({{"work", Allow}});
    EXPECT_EQ(decide(p, Selection::Clipboard, "personal", "untrusted"), Ask);
    EXPECT_EQ(decide(p, Selection::Primary, "personal", "untrusted"), Deny);
    EXPECT_EQ(decide(policy({}), Selection::Clipboard, "host", "work"), Ask);
    EXPECT_EQ(decide(policy({}), Selection::Primary, "host", "work"), Deny);
    // A drop is a deliberate gesture, decided like the clipboard.
    EXPECT_EQ(decide(p, Selection::Drag, "personal", "untrusted"), Ask);
    EXPECT_EQ(decide(p, Selection::Drag, "work", "untrusted"), Allow);
}

TEST(DecideTest, ConfigDefaults) {
    EXPECT_EQ(decide(kDefaultClipboard, Selection::Clipboard, "work", "personal"), Ask);
    EXPECT_EQ(decide(kDefaultPrimary, Selection::Primary, "work", "personal"), Deny);
    EXPECT_EQ(decide(config::Config{}.host_clipboard, Selection::Clipboard, "work", "host"), Ask);
    EXPECT_EQ(decide(config::Config{}.host_primary, Selection::Primary, "work", "host"), Deny);
}

TEST(DecideTest, HostAsSource) {
    const PastePolicy p = policy({{"*", Deny}, {"host", Allow}});
    EXPECT_EQ(decide(p, Selection::Clipboard, "host", "work"), Allow);
    EXPECT_EQ(decide(p, Selection::Clipboard, "personal", "work"), Deny);
}

TEST(DecideTest, HostAsDestination) {
    const PastePolicy host = policy({{"*", Ask}, {"work", Allow}, {"untrusted", Deny}});
    EXPECT_EQ(decide(host, Selection::Clipboard, "work", "host"), Allow);
    EXPECT_EQ(decide(host, Selection::Clipboard, "untrusted", "host"), Deny);
    EXPECT_EQ(decide(host, Selection::Clipboard, "personal", "host"), Ask);
}

TEST(DecideTest, AVmNamedLikeAnotherVmsRuleGetsThatRuleOnly) {
    // Matching is exact: no prefixes, no case folding.
    const PastePolicy p = policy({{"*", Deny}, {"work", Allow}});
    EXPECT_EQ(decide(p, Selection::Clipboard, "work-2", "personal"), Deny);
    EXPECT_EQ(decide(p, Selection::Clipboard, "Work", "personal"), Deny);
    EXPECT_EQ(decide(p, Selection::Clipboard, "wor", "personal"), Deny);
}

TEST(DecideTest, UnknownOriginsAreAlwaysDenied) {
    const PastePolicy allow_all = policy({{"*", Allow}, {"unknown", Allow}});
    EXPECT_EQ(decide(allow_all, Selection::Clipboard, "unknown", "work"), Deny);
    EXPECT_EQ(decide(allow_all, Selection::Clipboard, "work", "unknown"), Deny);
    // Two unattributed clients need not be the same origin.
    EXPECT_EQ(decide(allow_all, Selection::Clipboard, "unknown", "unknown"), Deny);
    EXPECT_EQ(decide(allow_all, Selection::Clipboard, "", "work"), Deny);
    EXPECT_EQ(decide(allow_all, Selection::Clipboard, "work", ""), Deny);
    EXPECT_EQ(decide(allow_all, Selection::Clipboard, "", ""), Deny);
}

TEST(DecideTest, AStarSourceIsNotAnExactMatch) {
    // No origin is called "*"; if one were passed, it would still only get the wildcard rule.
    EXPECT_EQ(decide(policy({{"*", Deny}}), Selection::Clipboard, "*", "work"), Deny);
    EXPECT_EQ(describe_rule(policy({{"*", Deny}}), Selection::Clipboard, "*", "work"),
              "paste_from.* = deny");
}

TEST(DescribeRuleTest, NamesTheRuleThatDecided) {
    const PastePolicy p = policy({{"*", Ask}, {"work", Deny}, {"host", Allow}});
    EXPECT_EQ(describe_rule(p, Selection::Clipboard, "work", "personal"), "paste_from.work = deny");
    EXPECT_EQ(describe_rule(p, Selection::Clipboard, "host", "personal"),
              "paste_from.host = allow");
    EXPECT_EQ(describe_rule(p, Selection::Clipboard, "untrusted", "personal"),
              "paste_from.* = ask");
    EXPECT_EQ(describe_rule(p, Selection::Primary, "work", "personal"), "paste_from.work = deny");
}

TEST(DescribeRuleTest, Defaults) {
    EXPECT_EQ(describe_rule(policy({}), Selection::Clipboard, "work", "personal"), "default: ask");
    EXPECT_EQ(describe_rule(policy({}), Selection::Primary, "work", "personal"), "default: deny");
    EXPECT_EQ(describe_rule(policy({{"host", Allow}}), Selection::Primary, "work", "personal"),
              "default: deny");
    // A VM without a [clipboard] table has the rule "*" = "ask" written out.
    EXPECT_EQ(describe_rule(kDefaultClipboard, Selection::Clipboard, "work", "personal"),
              "paste_from.* = ask");
    EXPECT_EQ(describe_rule(kDefaultPrimary, Selection::Primary, "work", "personal"),
              "paste_from.* = deny");
}

TEST(DescribeRuleTest, SameAndUnknownOrigin) {
    const PastePolicy p = policy({{"*", Deny}});
    EXPECT_EQ(describe_rule(p, Selection::Clipboard, "work", "work"), "same origin: allow");
    EXPECT_EQ(describe_rule(p, Selection::Primary, "host", "host"), "same origin: allow");
    EXPECT_EQ(describe_rule(p, Selection::Clipboard, "unknown", "work"), "unknown origin: deny");
    EXPECT_EQ(describe_rule(p, Selection::Clipboard, "host", "unknown"), "unknown origin: deny");
}

TEST(DescribeRuleTest, AgreesWithDecide) {
    const PastePolicy p = policy({{"*", Ask}, {"work", Deny}, {"host", Allow}});
    for (Selection selection : {Selection::Clipboard, Selection::Primary}) {
        for (const char* source : {"work", "host", "personal", "unknown"}) {
            const std::string rule = describe_rule(p, selection, source, "untrusted");
            const std::string_view decision =
                config::paste_decision_name(decide(p, selection, source, "untrusted"));
            EXPECT_TRUE(rule.ends_with(decision)) << rule << " vs " << decision;
        }
    }
}

TEST(MimeAllowedTest, DefaultSetAllowsTextAndPng) {
    for (const char* type : {"text/plain", "text/plain;charset=utf-8", "text/plain; charset=UTF-8",
                             "text/plain;charset=iso-8859-1", "TEXT/PLAIN", "Text/Plain;Charset=x",
                             "text/html", "text/uri-list", "text/x-moz-url", "UTF8_STRING",
                             "STRING", "TEXT", "image/png", "IMAGE/PNG", "image/png;x=y"}) {
        EXPECT_TRUE(mime_allowed(kDefaultClipboard, type)) << type;
        EXPECT_TRUE(mime_allowed(policy({}), type)) << type;
    }
}

TEST(MimeAllowedTest, DefaultSetRefusesEverythingElse) {
    for (const char* type :
         {"image/jpeg", "image/svg+xml", "application/octet-stream",
          "application/x-kde-cutselection", "x-special/gnome-copied-files", "application/pdf",
          "texts/plain", "tex/plain", "image/pngx", "image/png2", "chromium/x-web-custom-data"}) {
        EXPECT_FALSE(mime_allowed(kDefaultClipboard, type)) << type;
    }
}

TEST(MimeAllowedTest, X11TargetsAreMatchedExactly) {
    EXPECT_FALSE(mime_allowed(policy({}), "utf8_string"));
    EXPECT_FALSE(mime_allowed(policy({}), "COMPOUND_TEXT"));
    EXPECT_FALSE(mime_allowed(policy({}), "TARGETS"));
    EXPECT_FALSE(mime_allowed(policy({}), "UTF8_STRING;charset=utf-8"));
    EXPECT_FALSE(mime_allowed(policy({}), " UTF8_STRING"));
}

TEST(MimeAllowedTest, X11TextTargetsFollowTextPlain) {
    EXPECT_TRUE(mime_allowed(policy({}, {"text/plain"}), "UTF8_STRING"));
    EXPECT_TRUE(mime_allowed(policy({}, {"text/*"}), "STRING"));
    EXPECT_FALSE(mime_allowed(policy({}, {"image/png"}), "UTF8_STRING"));
    EXPECT_FALSE(mime_allowed(policy({}, {"text/html"}), "TEXT"));
}

TEST(MimeAllowedTest, ConfiguredListReplacesTheDefault) {
    const PastePolicy p = policy({}, {"text/plain", "image/*"});
    EXPECT_TRUE(mime_allowed(p, "text/plain"));
    EXPECT_TRUE(mime_allowed(p, "text/plain;charset=utf-8"));
    EXPECT_TRUE(mime_allowed(p, "Text/Plain ; charset=utf-16"));
    EXPECT_FALSE(mime_allowed(p, "text/html"));
    EXPECT_FALSE(mime_allowed(p, "text/plain-ish"));
    EXPECT_TRUE(mime_allowed(p, "image/png"));
    EXPECT_TRUE(mime_allowed(p, "image/jpeg"));
    EXPECT_TRUE(mime_allowed(p, "IMAGE/SVG+XML"));
    EXPECT_FALSE(mime_allowed(p, "application/pdf"));
    EXPECT_FALSE(mime_allowed(p, "images/png"));
}

TEST(MimeAllowedTest, PatternsAreMatchedCaseInsensitively) {
    // The loader accepts only lower case, but a policy built by hand may hold anything.
    const PastePolicy p = policy({}, {"Text/HTML", "IMAGE/*"});
    EXPECT_TRUE(mime_allowed(p, "text/html"));
    EXPECT_TRUE(mime_allowed(p, "image/gif"));
    EXPECT_FALSE(mime_allowed(p, "text/plain"));
}

TEST(MimeAllowedTest, MalformedOffersNeverCross) {
    const PastePolicy p = policy({}, {"text/*", "image/png"});
    for (const std::string& type : {std::string(""),
                                    std::string("text"),
                                    std::string("text/"),
                                    std::string("/plain"),
                                    std::string("text/*"),
                                    std::string("*/*"),
                                    std::string("text/plain/x"),
                                    std::string("text /plain"),
                                    std::string(" text/plain"),
                                    std::string("\ttext/plain"),
                                    std::string("text/pl ain"),
                                    std::string(";text/plain"),
                                    std::string("text/plain\n"),
                                    std::string("text/plain;charset=\x1b[31m"),
                                    std::string("text/plain\0evil", 15),
                                    std::string("text/pl\xc3\xa4in"),
                                    std::string("text/plain;charset=\xc3\xa4"),
                                    std::string("-text/plain"),
                                    std::string("text/.plain"),
                                    "text/plain;" + std::string(245, 'x')}) {
        EXPECT_FALSE(mime_allowed(p, type)) << ::testing::PrintToString(type);
    }
    // The length limit counts parameters too.
    EXPECT_TRUE(mime_allowed(p, "text/plain;" + std::string(244, 'x')));
    EXPECT_TRUE(mime_allowed(p, "text/" + std::string(127, 'x')));
    EXPECT_FALSE(mime_allowed(p, "text/" + std::string(128, 'x')));
}

TEST(MimeAllowedTest, RestrictedNameCharacters) {
    const PastePolicy p = policy({}, {"application/*"});
    for (const char* type :
         {"application/vnd.oasis.opendocument.text", "application/ld+json",
          "application/x-www-form-urlencoded", "application/a!#$&^_.+-z", "application/0"}) {
        EXPECT_TRUE(mime_allowed(p, type)) << type;
    }
    for (const char* type : {"application/a(b)", "application/a@b", "application/\"x\"",
                             "application/a,b", "application/a=b", "application/a:b"}) {
        EXPECT_FALSE(mime_allowed(p, type)) << type;
    }
}

} // namespace
} // namespace prism::clipboard

namespace prism::clipboard {
namespace {

TEST(PolicyOfTest, EachOriginGetsItsOwnTable) {
    config::Config config;
    config.host_clipboard = policy({{"work", config::PasteDecision::Allow}});
    config.host_primary = policy({{"work", config::PasteDecision::Ask}});
    config.sandbox.clipboard = policy({{"*", config::PasteDecision::Deny}});
    config::VmConfig work;
    work.name = "work";
    work.clipboard = policy({{"host", config::PasteDecision::Allow}});
    work.primary = policy({{"host", config::PasteDecision::Deny}});
    config.vms.push_back(work);

    using origins::Origin;
    EXPECT_EQ(policy_of(config, Origin::host(), Selection::Clipboard), &config.host_clipboard);
    EXPECT_EQ(policy_of(config, Origin::host(), Selection::Primary), &config.host_primary);
    // Drag and drop follows the clipboard table.
    EXPECT_EQ(policy_of(config, Origin::host(), Selection::Drag), &config.host_clipboard);
    EXPECT_EQ(policy_of(config, Origin::sandbox({"flatpak", "org.example.App", "1"}),
                        Selection::Clipboard),
              &config.sandbox.clipboard);
    const config::PastePolicy* vm = policy_of(config, Origin::vm("work"), Selection::Clipboard);
    ASSERT_NE(vm, nullptr);
    EXPECT_EQ(vm->paste_from.at("host"), config::PasteDecision::Allow);
    EXPECT_EQ(policy_of(config, Origin::vm("work"), Selection::Primary)->paste_from.at("host"),
              config::PasteDecision::Deny);
    // No table: a VM no longer configured, an unknown client (the caller denies).
    EXPECT_EQ(policy_of(config, Origin::vm("gone"), Selection::Clipboard), nullptr);
    EXPECT_EQ(policy_of(config, Origin::unknown(), Selection::Clipboard), nullptr);
}

} // namespace
} // namespace prism::clipboard
