#include "config/config.hpp"
#include "config/toml_util.hpp"

#include <algorithm>
#include <utility>

namespace prism::config {

namespace {

using detail::Reporter;

constexpr std::int64_t kMinCursorSize = 8;
constexpr std::int64_t kMaxCursorSize = 256;
constexpr std::int64_t kMinPosition = -32768;
constexpr std::int64_t kMaxPosition = 32767;
constexpr std::size_t kMaxFontLength = 128; // bytes
constexpr std::int64_t kMinBorder = 1;
constexpr std::int64_t kMaxBorder = 32;
constexpr std::size_t kMaxHostLabelLength = 32; // characters
constexpr std::int64_t kMaxClipboardBytes = std::int64_t{1} << 30;

void parse_general(Reporter& reporter, const toml::table& table, GeneralConfig& general) {
    detail::check_unknown_keys(reporter, table, "general", {"terminal", "locker"});
    // Both are commands run with /bin/sh -c.
    const std::pair<std::string_view, std::string*> commands[] = {
        {"terminal", &general.terminal},
        {"locker", &general.locker},
    };
    for (const auto& [key, field] : commands) {
        if (auto command = detail::get_string(reporter, table, key, "general")) {
            if (detail::trim(*command).empty()) {
                reporter.at(table.get(key)->source(), "general." + std::string(key),
                            "must not be empty");
            } else {
                *field = std::move(*command);
            }
        }
    }
}

void parse_keyboard(Reporter& reporter, const toml::table& table, KeyboardConfig& keyboard) {
    detail::check_unknown_keys(
        reporter, table, "keyboard",
        {"rules", "model", "layout", "variant", "options", "repeat_rate", "repeat_delay"});
    const std::pair<std::string_view, std::string*> names[] = {
        {"rules", &keyboard.rules},     {"model", &keyboard.model},
        {"layout", &keyboard.layout},   {"variant", &keyboard.variant},
        {"options", &keyboard.options},
    };
    for (const auto& [key, field] : names) {
        if (auto value = detail::get_string(reporter, table, key, "keyboard")) {
            *field = std::move(*value);
        }
    }
    if (auto rate = detail::get_integer(reporter, table, "repeat_rate", "keyboard", 0, 1000)) {
        keyboard.repeat_rate = static_cast<int>(*rate);
    }
    if (auto delay = detail::get_integer(reporter, table, "repeat_delay", "keyboard", 1, 10000)) {
        keyboard.repeat_delay = static_cast<int>(*delay);
    }
}

void parse_cursor(Reporter& reporter, const toml::table& table, CursorConfig& cursor) {
    detail::check_unknown_keys(reporter, table, "cursor", {"theme", "size"});
    if (auto theme = detail::get_string(reporter, table, "theme", "cursor")) {
        cursor.theme = std::move(*theme);
    }
    if (auto size = detail::get_integer(reporter, table, "size", "cursor", kMinCursorSize,
                                        kMaxCursorSize)) {
        cursor.size = static_cast<int>(*size);
    }
}

std::optional<OutputConfig> parse_output(Reporter& reporter, const toml::table& table,
                                         const std::string& prefix) {
    const std::size_t errors_before = reporter.error_count();
    detail::check_unknown_keys(reporter, table, prefix, {"name", "scale", "cursor_size", "x", "y"});

    OutputConfig output;
    if (const toml::node* name = table.get("name")) {
        if (auto text = detail::as_string(reporter, *name, prefix + ".name")) {
            if (text->empty()) {
                reporter.at(name->source(), prefix + ".name",
                            "must not be empty (use \"*\" for every output)");
            }
            output.name = std::move(*text);
        }
    } else if (table.source().begin) {
        // The [[output]] header is a better place to point at than the whole file.
        reporter.at(table.source(), prefix + ".name", "missing required key 'name'");
    } else {
        reporter.at_file(prefix + ".name", "missing required key 'name'");
    }

    output.scale = detail::get_number(reporter, table, "scale", prefix, 0.5, 4.0);
    if (auto size = detail::get_integer(reporter, table, "cursor_size", prefix, kMinCursorSize,
                                        kMaxCursorSize)) {
        output.cursor_size = static_cast<int>(*size);
    }

    const toml::node* x = table.get("x");
    const toml::node* y = table.get("y");
    if (auto value =
            detail::get_integer(reporter, table, "x", prefix, kMinPosition, kMaxPosition)) {
        output.x = static_cast<int>(*value);
    }
    if (auto value =
            detail::get_integer(reporter, table, "y", prefix, kMinPosition, kMaxPosition)) {
        output.y = static_cast<int>(*value);
    }
    if (x != nullptr && y == nullptr) {
        reporter.at(x->source(), prefix + ".x", "x and y must be given together (y is missing)");
    } else if (y != nullptr && x == nullptr) {
        reporter.at(y->source(), prefix + ".y", "x and y must be given together (x is missing)");
    }

    if (reporter.error_count() != errors_before) {
        return std::nullopt;
    }
    return output;
}

void parse_outputs(Reporter& reporter, const toml::node& node, std::vector<OutputConfig>& outputs) {
    const toml::array* array = node.as_array();
    if (array == nullptr) {
        reporter.at(node.source(), "output",
                    "expected an array of tables ([[output]]), got " +
                        detail::type_name(node.type()));
        return;
    }
    std::vector<OutputConfig> parsed;
    for (std::size_t i = 0; i < array->size(); ++i) {
        const toml::node& entry = *array->get(i);
        const std::string prefix = "output[" + std::to_string(i) + "]";
        if (!detail::expect_type(reporter, entry, toml::node_type::table, prefix)) {
            continue;
        }
        if (auto output = parse_output(reporter, *entry.as_table(), prefix)) {
            parsed.push_back(std::move(*output));
        }
    }
    outputs = std::move(parsed);
}

void parse_headless(Reporter& reporter, const toml::table& table, HeadlessConfig& headless) {
    detail::check_unknown_keys(reporter, table, "headless", {"outputs", "width", "height"});
    if (auto outputs = detail::get_integer(reporter, table, "outputs", "headless", 1, 8)) {
        headless.outputs = static_cast<int>(*outputs);
    }
    if (auto width = detail::get_integer(reporter, table, "width", "headless", 64, 8192)) {
        headless.width = static_cast<int>(*width);
    }
    if (auto height = detail::get_integer(reporter, table, "height", "headless", 64, 8192)) {
        headless.height = static_cast<int>(*height);
    }
}

void parse_focus(Reporter& reporter, const toml::table& table, FocusConfig& focus) {
    detail::check_unknown_keys(reporter, table, "focus", {"new_window", "typing_grace_ms"});
    if (auto mode = detail::get_enum(reporter, table, "new_window", "focus",
                                     {"always", "never", "smart"})) {
        focus.new_window = *mode == "always"  ? NewWindowFocus::Always
                           : *mode == "never" ? NewWindowFocus::Never
                                              : NewWindowFocus::Smart;
    }
    if (auto grace = detail::get_integer(reporter, table, "typing_grace_ms", "focus", 0, 60000)) {
        focus.typing_grace_ms = static_cast<int>(*grace);
    }
}

void parse_frame(Reporter& reporter, const toml::table& table, FrameConfig& frame) {
    detail::check_unknown_keys(reporter, table, "frame", {"font", "border"});
    if (auto font = detail::get_string(reporter, table, "font", "frame")) {
        const toml::source_region& where = table.get("font")->source();
        if (detail::trim(*font).empty()) {
            reporter.at(where, "frame.font", "must not be empty");
        } else if (font->size() > kMaxFontLength) {
            reporter.at(where, "frame.font",
                        "must be at most " + std::to_string(kMaxFontLength) + " bytes, got " +
                            std::to_string(font->size()));
        } else if (detail::has_control_characters(*font)) {
            reporter.at(where, "frame.font", "must not contain control characters");
        } else {
            frame.font = std::move(*font);
        }
    }
    if (auto border =
            detail::get_integer(reporter, table, "border", "frame", kMinBorder, kMaxBorder)) {
        frame.border = static_cast<int>(*border);
    }
}

// `label` of the [host] or [sandbox] table: shown in title bars, so never empty, long or with
// control characters. `label` is kept on any error.
void parse_label(Reporter& reporter, const toml::table& table, const char* section,
                 std::string& label) {
    auto value = detail::get_string(reporter, table, "label", section);
    if (!value) {
        return;
    }
    const toml::source_region& where = table.get("label")->source();
    const std::string key = std::string(section) + ".label";
    if (value->empty()) {
        reporter.at(where, key, "must not be empty");
    } else if (detail::utf8_length(*value) > kMaxHostLabelLength) {
        reporter.at(where, key,
                    "must be at most " + std::to_string(kMaxHostLabelLength) + " characters, got " +
                        std::to_string(detail::utf8_length(*value)));
    } else if (detail::has_control_characters(*value)) {
        reporter.at(where, key, "must not contain control characters");
    } else {
        label = std::move(*value);
    }
}

void parse_host(Reporter& reporter, const toml::table& table, HostFrameConfig& host) {
    detail::check_unknown_keys(reporter, table, "host", {"colour", "accent", "label"});
    const std::size_t errors_before = reporter.error_count();
    HostFrameConfig parsed = host;
    if (auto colour = detail::get_colour(reporter, table, "colour", "host")) {
        parsed.colour = *colour;
    }
    if (auto accent = detail::get_colour(reporter, table, "accent", "host")) {
        parsed.accent = *accent;
    }
    // Compared only when both are valid, so that one typo does not give two errors. A default
    // counts: `colour` set to the default accent is as much a problem.
    const toml::node* colour_node = table.get("colour");
    const toml::node* accent_node = table.get("accent");
    if (reporter.error_count() == errors_before) {
        if (parsed.colour != parsed.accent) {
            host.colour = parsed.colour;
            host.accent = parsed.accent;
        } else if (accent_node != nullptr) {
            reporter.at(accent_node->source(), "host.accent", "must differ from host.colour");
        } else if (colour_node != nullptr) {
            reporter.at(colour_node->source(), "host.colour",
                        "must differ from host.accent (" + parsed.accent.hex() + " by default)");
        }
    }

    parse_label(reporter, table, "host", host.label);
}

void parse_sandbox(Reporter& reporter, const toml::table& table, SandboxConfig& sandbox,
                   const Environment& env) {
    detail::check_unknown_keys(reporter, table, "sandbox",
                               {"colour", "label", "allow", "clipboard", "primary"});
    if (auto colour = detail::get_colour(reporter, table, "colour", "sandbox")) {
        sandbox.colour = *colour;
    }
    parse_label(reporter, table, "sandbox", sandbox.label);
    if (const toml::array* allow = detail::get_array(reporter, table, "allow", "sandbox")) {
        sandbox.allowed_globals = detail::parse_allow(reporter, *allow, env, "sandbox.allow");
    }
    if (const toml::table* clipboard = detail::get_table(reporter, table, "clipboard", "sandbox")) {
        detail::check_unknown_keys(reporter, *clipboard, "sandbox.clipboard",
                                   {"paste_from", "mime"});
        detail::parse_paste_policy(reporter, *clipboard, "sandbox.clipboard", sandbox.clipboard);
    }
    if (const toml::table* primary = detail::get_table(reporter, table, "primary", "sandbox")) {
        detail::check_unknown_keys(reporter, *primary, "sandbox.primary", {"paste_from", "mime"});
        detail::parse_paste_policy(reporter, *primary, "sandbox.primary", sandbox.primary);
    }
}

bool same_combo(const Binding& a, const Binding& b) {
    return a.modifiers == b.modifiers && detail::iequals(a.key, b.key);
}

// A valid [bindings] entry: the combo, and the action or nullopt for "none".
struct UserBinding {
    Binding combo;
    std::optional<Binding> action;
};

void parse_bindings(Reporter& reporter, const toml::table& table, std::vector<Binding>& bindings) {
    // toml++ iterates keys in sorted order; duplicates are reported at the later one in the
    // file, so go through the entries in document order.
    std::vector<std::pair<const toml::key*, const toml::node*>> entries;
    for (const auto& [key, node] : table) {
        entries.emplace_back(&key, &node);
    }
    std::stable_sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
        return a.first->source().begin < b.first->source().begin;
    });

    struct Seen {
        std::string written;
        int line;
    };
    std::vector<std::pair<Binding, Seen>> seen;
    std::vector<UserBinding> parsed;
    bool valid = true;
    for (const auto& [key, node] : entries) {
        const std::string combo_text(key->str());
        const std::string path = "bindings." + combo_text;

        std::string error;
        std::optional<Binding> combo = parse_key_combo(combo_text, &error);
        if (!combo) {
            reporter.at(key->source(), path, error);
            valid = false;
        } else {
            const auto earlier = std::find_if(seen.begin(), seen.end(), [&](const auto& entry) {
                return same_combo(entry.first, *combo);
            });
            if (earlier != seen.end()) {
                reporter.at(key->source(), path,
                            detail::quote(combo_text) + " is the same key combination as " +
                                detail::quote(earlier->second.written) + " on line " +
                                std::to_string(earlier->second.line));
                valid = false;
                combo.reset();
            } else {
                seen.emplace_back(*combo,
                                  Seen{combo_text, static_cast<int>(key->source().begin.line)});
            }
        }

        std::optional<std::string> action_text = detail::as_string(reporter, *node, path);
        if (!action_text) {
            valid = false;
            continue;
        }
        std::optional<Binding> action;
        if (detail::trim(*action_text) != "none") {
            action = parse_action(*action_text, &error);
            if (!action) {
                reporter.at(node->source(), path, error);
                valid = false;
                continue;
            }
        }
        if (combo) {
            parsed.push_back(UserBinding{std::move(*combo), std::move(action)});
        }
    }
    if (!valid) {
        return;
    }

    for (UserBinding& user : parsed) {
        const auto existing = std::find_if(bindings.begin(), bindings.end(), [&](const auto& b) {
            return same_combo(b, user.combo);
        });
        if (!user.action) {
            if (existing != bindings.end()) {
                bindings.erase(existing);
            }
            continue;
        }
        Binding binding = std::move(user.combo);
        binding.action = user.action->action;
        binding.argument = std::move(user.action->argument);
        if (existing != bindings.end()) {
            *existing = std::move(binding);
        } else {
            bindings.push_back(std::move(binding));
        }
    }
}

// [clipboard]: the host's own paste policy and the limits that hold for every origin.
void parse_clipboard(Reporter& reporter, const toml::table& table, PastePolicy& policy,
                     ClipboardLimits& limits) {
    detail::check_unknown_keys(
        reporter, table, "clipboard",
        {"paste_from", "mime", "max_bytes", "dialog_timeout_ms", "transfer_timeout_ms"});
    detail::parse_paste_policy(reporter, table, "clipboard", policy);
    if (auto bytes =
            detail::get_integer(reporter, table, "max_bytes", "clipboard", 1, kMaxClipboardBytes)) {
        limits.max_bytes = static_cast<std::uint64_t>(*bytes);
    }
    if (auto timeout =
            detail::get_integer(reporter, table, "dialog_timeout_ms", "clipboard", 1000, 600000)) {
        limits.dialog_timeout_ms = static_cast<int>(*timeout);
    }
    if (auto timeout =
            detail::get_integer(reporter, table, "transfer_timeout_ms", "clipboard", 100, 600000)) {
        limits.transfer_timeout_ms = static_cast<int>(*timeout);
    }
}

// [primary]: the host's own paste policy for the primary selection.
void parse_primary(Reporter& reporter, const toml::table& table, PastePolicy& policy) {
    detail::check_unknown_keys(reporter, table, "primary", {"paste_from", "mime"});
    detail::parse_paste_policy(reporter, table, "primary", policy);
}

} // namespace

std::vector<Error> parse_main(std::string_view text, const std::filesystem::path& file,
                              Config& config, const Environment& env) {
    std::vector<Error> errors;
    Reporter reporter(file.string(), errors);
    const std::optional<toml::table> root = detail::parse_toml(text, reporter);
    if (!root) {
        return errors;
    }

    detail::check_unknown_keys(reporter, *root, "",
                               {"general", "keyboard", "cursor", "output", "headless", "focus",
                                "frame", "host", "sandbox", "bindings", "clipboard", "primary"});
    if (const toml::table* general = detail::get_table(reporter, *root, "general", "")) {
        parse_general(reporter, *general, config.general);
    }
    if (const toml::table* keyboard = detail::get_table(reporter, *root, "keyboard", "")) {
        parse_keyboard(reporter, *keyboard, config.keyboard);
    }
    if (const toml::table* cursor = detail::get_table(reporter, *root, "cursor", "")) {
        parse_cursor(reporter, *cursor, config.cursor);
    }
    if (const toml::node* outputs = root->get("output")) {
        parse_outputs(reporter, *outputs, config.outputs);
    }
    if (const toml::table* headless = detail::get_table(reporter, *root, "headless", "")) {
        parse_headless(reporter, *headless, config.headless);
    }
    if (const toml::table* focus = detail::get_table(reporter, *root, "focus", "")) {
        parse_focus(reporter, *focus, config.focus);
    }
    if (const toml::table* frame = detail::get_table(reporter, *root, "frame", "")) {
        parse_frame(reporter, *frame, config.frame);
    }
    if (const toml::table* host = detail::get_table(reporter, *root, "host", "")) {
        parse_host(reporter, *host, config.host);
    }
    if (const toml::table* sandbox = detail::get_table(reporter, *root, "sandbox", "")) {
        parse_sandbox(reporter, *sandbox, config.sandbox, env);
    }
    if (const toml::table* bindings = detail::get_table(reporter, *root, "bindings", "")) {
        parse_bindings(reporter, *bindings, config.bindings);
    }
    if (const toml::table* clipboard = detail::get_table(reporter, *root, "clipboard", "")) {
        parse_clipboard(reporter, *clipboard, config.host_clipboard, config.clipboard_limits);
    }
    if (const toml::table* primary = detail::get_table(reporter, *root, "primary", "")) {
        parse_primary(reporter, *primary, config.host_primary);
    }

    detail::sort_errors(errors);
    return errors;
}

const VmConfig* Config::find_vm(std::string_view name) const {
    for (const VmConfig& vm : vms) {
        if (vm.name == name) {
            return &vm;
        }
    }
    return nullptr;
}

const OutputConfig* Config::output_for(std::string_view output_name) const {
    for (const OutputConfig& output : outputs) {
        if (output.name == output_name) {
            return &output;
        }
    }
    for (const OutputConfig& output : outputs) {
        if (output.name == "*") {
            return &output;
        }
    }
    return nullptr;
}

} // namespace prism::config
