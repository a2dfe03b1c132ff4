// Helpers shared by the prism.toml and vms/*.toml parsers: typed getters that report problems
// with the file, line, column and dotted key path, and a checker for unknown keys.
//
// Every getter follows the same rule: an absent key gives nullopt/nullptr and no error; a key
// of the wrong type or out of range gives nullopt/nullptr and one error.
#pragma once

#include "config/config.hpp"

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <toml++/toml.h>

namespace prism::config::detail {

// Collects the errors of one file.
class Reporter {
public:
    Reporter(std::string file, std::vector<Error>& errors)
        : file_(std::move(file))
        , errors_(errors) {}

    const std::string& file() const { return file_; }
    std::size_t error_count() const { return errors_.size(); }

    // An error at a position in the file (taken from a node's or a key's source region).
    void at(const toml::source_region& where, std::string key, std::string message);
    // An error about the file as a whole (line 0).
    void at_file(std::string key, std::string message);

private:
    std::string file_;
    std::vector<Error>& errors_;
};

// Parses `text` as TOML. On a syntax error, reports it and returns nullopt.
std::optional<toml::table> parse_toml(std::string_view text, Reporter& reporter);

// "a.b" from "a" and "b"; just "b" when the prefix is empty.
std::string join_key(std::string_view prefix, std::string_view key);

// "a string", "an integer", "a float", ... for "expected X, got Y" messages.
std::string type_name(toml::node_type type);

// `text` as a TOML basic string literal: in double quotes, with quotes, backslashes and
// control characters escaped.
std::string quote(std::string_view text);

// Reports every key of `table` not in `known` ("unknown key 'colur'", with a suggestion when
// a known key is spelled almost the same). `prefix` is the dotted path of the table.
void check_unknown_keys(Reporter& reporter, const toml::table& table, std::string_view prefix,
                        std::initializer_list<std::string_view> known);
void check_unknown_keys(Reporter& reporter, const toml::table& table, std::string_view prefix,
                        std::span<const std::string_view> known);

// Reports "expected <type>, got <type>" at the node and returns false when the type differs.
bool expect_type(Reporter& reporter, const toml::node& node, toml::node_type type,
                 const std::string& path);

// Typed access to a node. `path` is the node's dotted key path, used in errors.
std::optional<std::string> as_string(Reporter& reporter, const toml::node& node,
                                     const std::string& path);
std::optional<std::int64_t> as_integer(Reporter& reporter, const toml::node& node,
                                       const std::string& path, std::int64_t min, std::int64_t max);
// An integer or a float, in [min, max].
std::optional<double> as_number(Reporter& reporter, const toml::node& node, const std::string& path,
                                double min, double max);
std::optional<bool> as_boolean(Reporter& reporter, const toml::node& node, const std::string& path);
// A string that parse_colour() accepts; otherwise "expected #rrggbb or a colour name (...)".
std::optional<Colour> as_colour(Reporter& reporter, const toml::node& node,
                                const std::string& path);

// Typed access to `table[key]`; `prefix` is the dotted path of `table`.
std::optional<std::string> get_string(Reporter& reporter, const toml::table& table,
                                      std::string_view key, std::string_view prefix);
std::optional<std::int64_t> get_integer(Reporter& reporter, const toml::table& table,
                                        std::string_view key, std::string_view prefix,
                                        std::int64_t min, std::int64_t max);
std::optional<double> get_number(Reporter& reporter, const toml::table& table, std::string_view key,
                                 std::string_view prefix, double min, double max);
std::optional<bool> get_boolean(Reporter& reporter, const toml::table& table, std::string_view key,
                                std::string_view prefix);
std::optional<Colour> get_colour(Reporter& reporter, const toml::table& table, std::string_view key,
                                 std::string_view prefix);
const toml::table* get_table(Reporter& reporter, const toml::table& table, std::string_view key,
                             std::string_view prefix);
const toml::array* get_array(Reporter& reporter, const toml::table& table, std::string_view key,
                             std::string_view prefix);

// One of `choices`; otherwise "expected one of a, b, c, got "x"".
std::optional<std::string> get_enum(Reporter& reporter, const toml::table& table,
                                    std::string_view key, std::string_view prefix,
                                    std::initializer_list<std::string_view> choices);

// Reports "missing required key 'name'" at line 0 unless `table` has `key`; returns whether
// it has it.
bool require_key(Reporter& reporter, const toml::table& table, std::string_view key,
                 std::string_view prefix);

// Puts the errors in file order: errors about the whole file (line 0) first, then by line and
// column. toml++ tables iterate in key order, not document order, so parsers call this last.
void sort_errors(std::vector<Error>& errors);

// Reads `paste_from` and `mime` of a [clipboard] or [primary] table (prism.toml or a VM file)
// into `policy`; each is left unchanged when it has an error. Unknown keys are the caller's to
// check, since prism.toml's [clipboard] has more keys. `prefix` is the table's dotted path.
void parse_paste_policy(Reporter& reporter, const toml::table& table, std::string_view prefix,
                        PastePolicy& policy);

// Reads an allow list of global interface names (a VM file's [protocols] allow, prism.toml's
// [sandbox] allow) at `path`: each a valid name, listed once, and accepted by
// env.check_allowed_global when set. Entries with an error are left out.
std::vector<std::string> parse_allow(Reporter& reporter, const toml::array& allow,
                                     const Environment& env, const std::string& path);

// Helpers for strings the user wrote.
bool iequals(std::string_view a, std::string_view b);
std::string to_lower(std::string_view text);
std::string_view trim(std::string_view text);
// Number of code points in valid UTF-8 (toml++ has already rejected invalid UTF-8).
std::size_t utf8_length(std::string_view text);
// C0 controls, DEL, and the C1 controls U+0080..U+009F (encoded as 0xc2 0x80..0x9f).
bool has_control_characters(std::string_view text);

} // namespace prism::config::detail
