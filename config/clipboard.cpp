// The [clipboard] and [primary] tables shared by prism.toml and vms/*.toml: which origins may
// paste into this one (paste_from), and which MIME types may cross (mime).
#include "config/config.hpp"
#include "config/toml_util.hpp"

#include <algorithm>
#include <map>
#include <utility>

namespace prism::config {

namespace {

constexpr std::size_t kMaxMimeLength = 127;

// An RFC 6838 restricted-name in lower case: a letter or digit, then letters, digits and
// ! # $ & - ^ _ . +
bool is_mime_name(std::string_view name) {
    if (name.empty()) {
        return false;
    }
    const auto lower_alnum = [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    };
    if (!lower_alnum(name[0])) {
        return false;
    }
    return std::all_of(name.begin() + 1, name.end(), [&](char c) {
        return lower_alnum(c) || std::string_view("!#$&-^_.+").find(c) != std::string_view::npos;
    });
}

// "type/subtype" or "type/*".
bool is_mime_pattern(std::string_view text) {
    const std::size_t slash = text.find('/');
    if (slash == std::string_view::npos) {
        return false;
    }
    const std::string_view subtype = text.substr(slash + 1);
    return is_mime_name(text.substr(0, slash)) && (subtype == "*" || is_mime_name(subtype));
}

std::optional<std::map<std::string, PasteDecision>>
parse_paste_from(detail::Reporter& reporter, const toml::table& table, const std::string& path) {
    const std::size_t errors_before = reporter.error_count();
    std::map<std::string, PasteDecision> rules;
    for (const auto& [key, node] : table) {
        const std::string name(key.str());
        if (name == "unknown") {
            reporter.at(key.source(), detail::join_key(path, name),
                        "\"unknown\" cannot be given a rule: pastes from clients prism cannot "
                        "attribute are always denied");
        } else if (name != "*" && name != "host" && !is_valid_vm_name(name)) {
            reporter.at(key.source(), detail::join_key(path, name),
                        "expected \"*\", \"host\" or a VM name (1 to 32 characters from a-z, "
                        "0-9 and '-'), got " +
                            detail::quote(name));
        }
        const std::optional<std::string> decision =
            detail::get_enum(reporter, table, name, path, {"allow", "deny", "ask"});
        if (decision) {
            rules[name] = *decision == "allow"  ? PasteDecision::Allow
                          : *decision == "deny" ? PasteDecision::Deny
                                                : PasteDecision::Ask;
        }
    }
    if (reporter.error_count() != errors_before) {
        return std::nullopt;
    }
    return rules;
}

std::optional<std::vector<std::string>>
parse_mime(detail::Reporter& reporter, const toml::array& array, const std::string& path) {
    if (array.empty()) {
        reporter.at(array.source(), path,
                    "must not be empty (leave it out for the default set; to refuse pastes, "
                    "use paste_from)");
        return std::nullopt;
    }
    const std::size_t errors_before = reporter.error_count();
    std::vector<std::string> patterns;
    for (const toml::node& entry : array) {
        std::optional<std::string> text = detail::as_string(reporter, entry, path);
        if (!text) {
            continue;
        }
        if (text->size() > kMaxMimeLength) {
            reporter.at(entry.source(), path,
                        "must be at most " + std::to_string(kMaxMimeLength) + " characters, got " +
                            std::to_string(text->size()));
        } else if (!is_mime_pattern(*text)) {
            reporter.at(entry.source(), path,
                        "expected a MIME type \"type/subtype\" or \"type/*\" in lower case, "
                        "such as \"text/plain\" or \"image/*\", got " +
                            detail::quote(*text));
        } else if (std::find(patterns.begin(), patterns.end(), *text) != patterns.end()) {
            reporter.at(entry.source(), path, detail::quote(*text) + " is listed twice");
        } else {
            patterns.push_back(std::move(*text));
        }
    }
    if (reporter.error_count() != errors_before) {
        return std::nullopt;
    }
    return patterns;
}

} // namespace

bool is_reserved_origin_name(std::string_view name) {
    return name == "host" || name == "unknown";
}

std::string_view paste_decision_name(PasteDecision decision) {
    switch (decision) {
    case PasteDecision::Allow:
        return "allow";
    case PasteDecision::Deny:
        return "deny";
    case PasteDecision::Ask:
        break;
    }
    return "ask";
}

namespace detail {

void parse_paste_policy(Reporter& reporter, const toml::table& table, std::string_view prefix,
                        PastePolicy& policy) {
    if (const toml::table* paste_from = get_table(reporter, table, "paste_from", prefix)) {
        if (auto rules = parse_paste_from(reporter, *paste_from, join_key(prefix, "paste_from"))) {
            policy.paste_from = std::move(*rules);
        }
    }
    if (const toml::array* mime = get_array(reporter, table, "mime", prefix)) {
        if (auto patterns = parse_mime(reporter, *mime, join_key(prefix, "mime"))) {
            policy.mime = std::move(*patterns);
        }
    }
}

} // namespace detail

} // namespace prism::config
