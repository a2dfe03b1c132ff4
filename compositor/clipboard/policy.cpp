#include "compositor/clipboard/policy.hpp"

#include <algorithm>
#include <array>

namespace prism::clipboard {

const config::PastePolicy* policy_of(const config::Config& config,
                                     const origins::Origin& destination, Selection selection) {
    const bool primary = selection == Selection::Primary;
    if (destination.is_host()) {
        return primary ? &config.host_primary : &config.host_clipboard;
    }
    if (destination.is_sandbox()) {
        return primary ? &config.sandbox.primary : &config.sandbox.clipboard;
    }
    const config::VmConfig* vm =
        destination.is_vm() ? config.find_vm(destination.vm_name()) : nullptr;
    if (vm == nullptr) {
        return nullptr;
    }
    return primary ? &vm->primary : &vm->clipboard;
}

namespace {

using config::PasteDecision;

// The longest offered MIME type that may cross, parameters included.
constexpr std::size_t kMaxOfferedTypeLength = 255;

// What crosses when a policy lists no `mime`. text/* covers text/plain;charset=<any>.
constexpr std::array<std::string_view, 2> kDefaultPatterns = {"text/*", "image/png"};

// X11 selection targets for text that Xwayland-era clients offer next to (or instead of)
// text/plain.
constexpr std::array<std::string_view, 3> kX11TextTargets = {"UTF8_STRING", "STRING", "TEXT"};

enum class Rule { Unknown, SameOrigin, Exact, Wildcard, Default };

struct Match {
    Rule rule;
    PasteDecision decision;
};

bool is_unknown(std::string_view origin) {
    return origin.empty() || origin == "unknown";
}

Match match(const config::PastePolicy& policy, Selection selection, std::string_view source,
            std::string_view destination) {
    if (is_unknown(source) || is_unknown(destination)) {
        return {Rule::Unknown, PasteDecision::Deny};
    }
    if (source == destination) {
        return {Rule::SameOrigin, PasteDecision::Allow};
    }
    if (source != "*") {
        if (auto it = policy.paste_from.find(std::string(source)); it != policy.paste_from.end()) {
            return {Rule::Exact, it->second};
        }
    }
    if (auto it = policy.paste_from.find("*"); it != policy.paste_from.end()) {
        return {Rule::Wildcard, it->second};
    }
    return {Rule::Default,
            selection == Selection::Primary ? PasteDecision::Deny : PasteDecision::Ask};
}

char lower(char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

std::string to_lower(std::string_view text) {
    std::string result(text);
    std::transform(result.begin(), result.end(), result.begin(), lower);
    return result;
}

// Spaces before the parameters ("text/plain ; charset=utf-8") are tolerated, leading ones not.
std::string_view trim_end(std::string_view text) {
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) {
        text.remove_suffix(1);
    }
    return text;
}

// An RFC 6838 restricted-name, either case.
bool is_mime_name(std::string_view name) {
    const auto alnum = [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
    };
    if (name.empty() || name.size() > 127 || !alnum(name[0])) {
        return false;
    }
    return std::all_of(name.begin() + 1, name.end(), [&](char c) {
        return alnum(c) || std::string_view("!#$&-^_.+").find(c) != std::string_view::npos;
    });
}

// The "type/subtype" of an offered MIME type, lower case; empty if it is malformed.
std::string essence(std::string_view mime_type) {
    if (mime_type.size() > kMaxOfferedTypeLength) {
        return {};
    }
    // Printable ASCII only, in the parameters too: the string is passed on to the destination.
    if (!std::all_of(mime_type.begin(), mime_type.end(), [](char c) {
            const auto byte = static_cast<unsigned char>(c);
            return byte >= 0x20 && byte < 0x7f;
        })) {
        return {};
    }
    const std::string_view type_subtype = trim_end(mime_type.substr(0, mime_type.find(';')));
    const std::size_t slash = type_subtype.find('/');
    if (slash == std::string_view::npos || !is_mime_name(type_subtype.substr(0, slash)) ||
        !is_mime_name(type_subtype.substr(slash + 1))) {
        return {};
    }
    return to_lower(type_subtype);
}

// Whether `pattern` ("type/subtype" or "type/*") matches the lower-case `type_subtype`.
bool matches(std::string_view pattern, std::string_view type_subtype) {
    const std::string lower_pattern = to_lower(pattern);
    if (lower_pattern.ends_with("/*")) {
        const std::string_view type =
            std::string_view(lower_pattern).substr(0, lower_pattern.size() - 1);
        return type_subtype.starts_with(type);
    }
    return lower_pattern == type_subtype;
}

} // namespace

PasteDecision decide(const config::PastePolicy& destination_policy, Selection selection,
                     std::string_view source, std::string_view destination) {
    return match(destination_policy, selection, source, destination).decision;
}

bool mime_allowed(const config::PastePolicy& destination_policy, std::string_view mime_type) {
    std::string type_subtype;
    if (std::find(kX11TextTargets.begin(), kX11TextTargets.end(), mime_type) !=
        kX11TextTargets.end()) {
        type_subtype = "text/plain";
    } else {
        type_subtype = essence(mime_type);
        if (type_subtype.empty()) {
            return false;
        }
    }
    if (destination_policy.mime.empty()) {
        return std::any_of(
            kDefaultPatterns.begin(), kDefaultPatterns.end(),
            [&](std::string_view pattern) { return matches(pattern, type_subtype); });
    }
    return std::any_of(destination_policy.mime.begin(), destination_policy.mime.end(),
                       [&](const std::string& pattern) { return matches(pattern, type_subtype); });
}

std::string describe_rule(const config::PastePolicy& destination_policy, Selection selection,
                          std::string_view source, std::string_view destination) {
    const Match found = match(destination_policy, selection, source, destination);
    const std::string decision(config::paste_decision_name(found.decision));
    switch (found.rule) {
    case Rule::Unknown:
        return "unknown origin: " + decision;
    case Rule::SameOrigin:
        return "same origin: " + decision;
    case Rule::Exact:
        return "paste_from." + std::string(source) + " = " + decision;
    case Rule::Wildcard:
        return "paste_from.* = " + decision;
    case Rule::Default:
        break;
    }
    return "default: " + decision;
}

} // namespace prism::clipboard
