#include "config/toml_util.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <sstream>

namespace prism::config::detail {

namespace {

// Levenshtein distance, for "did you mean" suggestions on short key names.
std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) {
        row[j] = j;
    }
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t above = row[j];
            const std::size_t substitution = diagonal + (a[i - 1] == b[j - 1] ? 0 : 1);
            row[j] = std::min({above + 1, row[j - 1] + 1, substitution});
            diagonal = above;
        }
    }
    return row[b.size()];
}

// The known key closest to `key`, if it is close enough to be a likely typo.
std::optional<std::string_view> suggest(std::string_view key,
                                        std::span<const std::string_view> known) {
    std::optional<std::string_view> best;
    std::size_t best_distance = 0;
    for (std::string_view candidate : known) {
        const std::size_t distance =
            iequals(key, candidate) ? 0 : edit_distance(to_lower(key), to_lower(candidate));
        if (!best || distance < best_distance) {
            best = candidate;
            best_distance = distance;
        }
    }
    const std::size_t limit = key.size() <= 4 ? 1 : 2;
    if (best && best_distance <= limit) {
        return best;
    }
    return std::nullopt;
}

std::string format_number(double value) {
    std::ostringstream out;
    out << value;
    return out.str();
}

bool is_table_like(const toml::node& node) {
    if (node.is_table()) {
        return true;
    }
    const toml::array* array = node.as_array();
    return array != nullptr && !array->empty() && array->is_array_of_tables();
}

} // namespace

void Reporter::at(const toml::source_region& where, std::string key, std::string message) {
    errors_.push_back(Error{file_, static_cast<int>(where.begin.line),
                            static_cast<int>(where.begin.column), std::move(key),
                            std::move(message)});
}

void Reporter::at_file(std::string key, std::string message) {
    errors_.push_back(Error{file_, 0, 0, std::move(key), std::move(message)});
}

std::optional<toml::table> parse_toml(std::string_view text, Reporter& reporter) {
    try {
        return toml::parse(text, reporter.file());
    } catch (const toml::parse_error& error) {
        reporter.at(error.source(), "", std::string(error.description()));
        return std::nullopt;
    }
}

std::string join_key(std::string_view prefix, std::string_view key) {
    if (prefix.empty()) {
        return std::string(key);
    }
    std::string path(prefix);
    path += '.';
    path += key;
    return path;
}

std::string type_name(toml::node_type type) {
    switch (type) {
    case toml::node_type::none:
        return "nothing";
    case toml::node_type::table:
        return "a table";
    case toml::node_type::array:
        return "an array";
    case toml::node_type::string:
        return "a string";
    case toml::node_type::integer:
        return "an integer";
    case toml::node_type::floating_point:
        return "a float";
    case toml::node_type::boolean:
        return "a boolean";
    case toml::node_type::date:
        return "a date";
    case toml::node_type::time:
        return "a time";
    case toml::node_type::date_time:
        return "a date-time";
    }
    return "an unknown type";
}

std::string quote(std::string_view text) {
    std::string quoted = "\"";
    for (char c : text) {
        const auto byte = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            quoted += '\\';
            quoted += c;
        } else if (c == '\n') {
            quoted += "\\n";
        } else if (c == '\t') {
            quoted += "\\t";
        } else if (byte < 0x20 || byte == 0x7f) {
            char escape[8];
            std::snprintf(escape, sizeof escape, "\\u%04X", static_cast<unsigned>(byte));
            quoted += escape;
        } else {
            quoted += c;
        }
    }
    quoted += '"';
    return quoted;
}

void check_unknown_keys(Reporter& reporter, const toml::table& table, std::string_view prefix,
                        std::initializer_list<std::string_view> known) {
    check_unknown_keys(reporter, table, prefix, std::span(known.begin(), known.size()));
}

void check_unknown_keys(Reporter& reporter, const toml::table& table, std::string_view prefix,
                        std::span<const std::string_view> known) {
    for (const auto& [key, node] : table) {
        const std::string_view name = key.str();
        if (std::find(known.begin(), known.end(), name) != known.end()) {
            continue;
        }
        std::string message = is_table_like(node) ? "unknown table '" : "unknown key '";
        message += name;
        message += '\'';
        if (auto suggestion = suggest(name, known)) {
            message += " (did you mean '";
            message += *suggestion;
            message += "'?)";
        }
        reporter.at(key.source(), join_key(prefix, name), std::move(message));
    }
}

bool expect_type(Reporter& reporter, const toml::node& node, toml::node_type type,
                 const std::string& path) {
    if (node.type() == type) {
        return true;
    }
    reporter.at(node.source(), path,
                "expected " + type_name(type) + ", got " + type_name(node.type()));
    return false;
}

std::optional<std::string> as_string(Reporter& reporter, const toml::node& node,
                                     const std::string& path) {
    if (!expect_type(reporter, node, toml::node_type::string, path)) {
        return std::nullopt;
    }
    return node.as_string()->get();
}

std::optional<std::int64_t> as_integer(Reporter& reporter, const toml::node& node,
                                       const std::string& path, std::int64_t min,
                                       std::int64_t max) {
    if (!expect_type(reporter, node, toml::node_type::integer, path)) {
        return std::nullopt;
    }
    const std::int64_t value = node.as_integer()->get();
    if (value < min || value > max) {
        reporter.at(node.source(), path,
                    "expected an integer from " + std::to_string(min) + " to " +
                        std::to_string(max) + ", got " + std::to_string(value));
        return std::nullopt;
    }
    return value;
}

std::optional<double> as_number(Reporter& reporter, const toml::node& node, const std::string& path,
                                double min, double max) {
    double value = 0;
    std::string written;
    if (const auto* integer = node.as_integer()) {
        value = static_cast<double>(integer->get());
        written = std::to_string(integer->get());
    } else if (const auto* floating = node.as_floating_point()) {
        value = floating->get();
        written = format_number(value);
    } else {
        reporter.at(node.source(), path, "expected a number, got " + type_name(node.type()));
        return std::nullopt;
    }
    // Written so that NaN fails the check too.
    if (!(value >= min && value <= max)) {
        reporter.at(node.source(), path,
                    "expected a number from " + format_number(min) + " to " + format_number(max) +
                        ", got " + written);
        return std::nullopt;
    }
    return value;
}

std::optional<bool> as_boolean(Reporter& reporter, const toml::node& node,
                               const std::string& path) {
    if (!expect_type(reporter, node, toml::node_type::boolean, path)) {
        return std::nullopt;
    }
    return node.as_boolean()->get();
}

std::optional<Colour> as_colour(Reporter& reporter, const toml::node& node,
                                const std::string& path) {
    const std::optional<std::string> text = as_string(reporter, node, path);
    if (!text) {
        return std::nullopt;
    }
    if (auto colour = parse_colour(*text)) {
        return colour;
    }
    reporter.at(node.source(), path,
                "expected #rrggbb or a colour name (red, orange, yellow, green, gray, blue, "
                "purple, black), got " +
                    quote(*text));
    return std::nullopt;
}

std::optional<std::string> get_string(Reporter& reporter, const toml::table& table,
                                      std::string_view key, std::string_view prefix) {
    const toml::node* node = table.get(key);
    if (node == nullptr) {
        return std::nullopt;
    }
    return as_string(reporter, *node, join_key(prefix, key));
}

std::optional<std::int64_t> get_integer(Reporter& reporter, const toml::table& table,
                                        std::string_view key, std::string_view prefix,
                                        std::int64_t min, std::int64_t max) {
    const toml::node* node = table.get(key);
    if (node == nullptr) {
        return std::nullopt;
    }
    return as_integer(reporter, *node, join_key(prefix, key), min, max);
}

std::optional<double> get_number(Reporter& reporter, const toml::table& table, std::string_view key,
                                 std::string_view prefix, double min, double max) {
    const toml::node* node = table.get(key);
    if (node == nullptr) {
        return std::nullopt;
    }
    return as_number(reporter, *node, join_key(prefix, key), min, max);
}

std::optional<bool> get_boolean(Reporter& reporter, const toml::table& table, std::string_view key,
                                std::string_view prefix) {
    const toml::node* node = table.get(key);
    if (node == nullptr) {
        return std::nullopt;
    }
    return as_boolean(reporter, *node, join_key(prefix, key));
}

std::optional<Colour> get_colour(Reporter& reporter, const toml::table& table, std::string_view key,
                                 std::string_view prefix) {
    const toml::node* node = table.get(key);
    if (node == nullptr) {
        return std::nullopt;
    }
    return as_colour(reporter, *node, join_key(prefix, key));
}

const toml::table* get_table(Reporter& reporter, const toml::table& table, std::string_view key,
                             std::string_view prefix) {
    const toml::node* node = table.get(key);
    if (node == nullptr ||
        !expect_type(reporter, *node, toml::node_type::table, join_key(prefix, key))) {
        return nullptr;
    }
    return node->as_table();
}

const toml::array* get_array(Reporter& reporter, const toml::table& table, std::string_view key,
                             std::string_view prefix) {
    const toml::node* node = table.get(key);
    if (node == nullptr ||
        !expect_type(reporter, *node, toml::node_type::array, join_key(prefix, key))) {
        return nullptr;
    }
    return node->as_array();
}

std::optional<std::string> get_enum(Reporter& reporter, const toml::table& table,
                                    std::string_view key, std::string_view prefix,
                                    std::initializer_list<std::string_view> choices) {
    const toml::node* node = table.get(key);
    if (node == nullptr) {
        return std::nullopt;
    }
    const std::string path = join_key(prefix, key);
    std::optional<std::string> value = as_string(reporter, *node, path);
    if (!value) {
        return std::nullopt;
    }
    if (std::find(choices.begin(), choices.end(), *value) != choices.end()) {
        return value;
    }
    std::string message = "expected one of ";
    bool first = true;
    for (std::string_view choice : choices) {
        if (!first) {
            message += ", ";
        }
        message += choice;
        first = false;
    }
    message += ", got " + quote(*value);
    reporter.at(node->source(), path, std::move(message));
    return std::nullopt;
}

bool require_key(Reporter& reporter, const toml::table& table, std::string_view key,
                 std::string_view prefix) {
    if (table.contains(key)) {
        return true;
    }
    reporter.at_file(join_key(prefix, key), "missing required key '" + std::string(key) + "'");
    return false;
}

void sort_errors(std::vector<Error>& errors) {
    std::stable_sort(errors.begin(), errors.end(), [](const Error& a, const Error& b) {
        if (a.line != b.line) {
            return a.line < b.line;
        }
        return a.column < b.column;
    });
}

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) ==
                      std::tolower(static_cast<unsigned char>(y));
           });
}

std::string to_lower(std::string_view text) {
    std::string lower(text);
    for (char& c : lower) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return lower;
}

std::string_view trim(std::string_view text) {
    const auto is_space = [](char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
    };
    while (!text.empty() && is_space(text.front())) {
        text.remove_prefix(1);
    }
    while (!text.empty() && is_space(text.back())) {
        text.remove_suffix(1);
    }
    return text;
}

std::size_t utf8_length(std::string_view text) {
    return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) {
        return (static_cast<unsigned char>(c) & 0xc0) != 0x80;
    }));
}

bool has_control_characters(std::string_view text) {
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto byte = static_cast<unsigned char>(text[i]);
        if (byte < 0x20 || byte == 0x7f) {
            return true;
        }
        if (byte == 0xc2 && i + 1 < text.size()) {
            const auto next = static_cast<unsigned char>(text[i + 1]);
            if (next >= 0x80 && next <= 0x9f) {
                return true;
            }
        }
    }
    return false;
}

} // namespace prism::config::detail
