#include "config/config.hpp"
#include "config/toml_util.hpp"

#include <array>

#include <xkbcommon/xkbcommon.h>

namespace prism::config {

namespace {

struct ModifierName {
    std::string_view name;
    Modifier modifier;
};

constexpr std::array kModifierNames = {
    ModifierName{"super", ModSuper},  ModifierName{"logo", ModSuper},
    ModifierName{"mod4", ModSuper},   ModifierName{"alt", ModAlt},
    ModifierName{"mod1", ModAlt},     ModifierName{"ctrl", ModCtrl},
    ModifierName{"control", ModCtrl}, ModifierName{"shift", ModShift},
};

struct ActionName {
    std::string_view name;
    Action action;
};

constexpr std::array kActionNames = {
    ActionName{"terminal", Action::Terminal},
    ActionName{"close", Action::Close},
    ActionName{"cycle-windows", Action::CycleWindows},
    ActionName{"fullscreen", Action::Fullscreen},
    ActionName{"maximize", Action::Maximize},
    ActionName{"reload", Action::Reload},
    ActionName{"quit", Action::Quit},
    ActionName{"xray", Action::XRay},
    ActionName{"lock", Action::Lock},
};

constexpr std::string_view kActionList =
    "terminal, exec <command>, close, cycle-windows, fullscreen, maximize, reload, quit, xray, "
    "lock, none";

std::optional<Modifier> modifier_from_name(std::string_view name) {
    for (const ModifierName& entry : kModifierNames) {
        if (detail::iequals(name, entry.name)) {
            return entry.modifier;
        }
    }
    return std::nullopt;
}

void set_error(std::string* error, std::string message) {
    if (error != nullptr) {
        *error = std::move(message);
    }
}

} // namespace

std::vector<Binding> default_bindings() {
    return {
        Binding{ModSuper, "Return", Action::Terminal, ""},
        Binding{ModSuper, "Q", Action::Close, ""},
        Binding{ModAlt, "Tab", Action::CycleWindows, ""},
        Binding{ModSuper, "F", Action::Fullscreen, ""},
        Binding{ModSuper, "M", Action::Maximize, ""},
        Binding{ModSuper | ModShift, "E", Action::Quit, ""},
        Binding{ModSuper, "X", Action::XRay, ""},
    };
}

std::optional<Binding> parse_key_combo(std::string_view combo, std::string* error) {
    if (detail::trim(combo).empty()) {
        set_error(error, "empty key combination");
        return std::nullopt;
    }
    Binding binding;
    std::string_view rest = combo;
    while (true) {
        const std::size_t plus = rest.find('+');
        const std::string_view part = detail::trim(rest.substr(0, plus));
        if (plus == std::string_view::npos) {
            // The last part is the key.
            if (part.empty()) {
                set_error(error, "missing key after '+' in " + detail::quote(combo));
                return std::nullopt;
            }
            const std::string key(part);
            if (xkb_keysym_from_name(key.c_str(), XKB_KEYSYM_CASE_INSENSITIVE) ==
                XKB_KEY_NoSymbol) {
                std::string message = "unknown key " + detail::quote(key) +
                                      " (expected an xkb keysym name such as Return, q, F1";
                if (modifier_from_name(key)) {
                    message += "; a modifier needs a key after it";
                }
                message += ')';
                set_error(error, std::move(message));
                return std::nullopt;
            }
            binding.key = key;
            return binding;
        }
        if (part.empty()) {
            set_error(error,
                      "empty part in " + detail::quote(combo) + " (write plus for the + key)");
            return std::nullopt;
        }
        const std::optional<Modifier> modifier = modifier_from_name(part);
        if (!modifier) {
            set_error(error, "unknown modifier " + detail::quote(part) +
                                 " (expected Super, Alt, Ctrl or Shift)");
            return std::nullopt;
        }
        if ((binding.modifiers & *modifier) != 0) {
            set_error(error, "modifier " + detail::quote(part) + " given twice");
            return std::nullopt;
        }
        binding.modifiers |= *modifier;
        rest.remove_prefix(plus + 1);
    }
}

std::optional<Binding> parse_action(std::string_view text, std::string* error) {
    const std::string_view action = detail::trim(text);
    const std::size_t space = action.find_first_of(" \t");
    const std::string_view word = action.substr(0, space);
    if (word == "exec") {
        const std::string_view command = space == std::string_view::npos
                                             ? std::string_view{}
                                             : detail::trim(action.substr(space));
        if (command.empty()) {
            set_error(error, "exec needs a command, e.g. \"exec firefox\"");
            return std::nullopt;
        }
        Binding binding;
        binding.action = Action::Exec;
        binding.argument = std::string(command);
        return binding;
    }
    if (action == "none") {
        set_error(error, "\"none\" is not an action; it only removes a binding in [bindings]");
        return std::nullopt;
    }
    for (const ActionName& entry : kActionNames) {
        if (action == entry.name) {
            Binding binding;
            binding.action = entry.action;
            return binding;
        }
    }
    std::string message = "unknown action " + detail::quote(action) + " (expected one of ";
    message += kActionList;
    message += ')';
    if (space != std::string_view::npos) {
        for (const ActionName& entry : kActionNames) {
            if (word == entry.name) {
                message = "action " + detail::quote(word) + " takes no argument";
            }
        }
    }
    set_error(error, std::move(message));
    return std::nullopt;
}

} // namespace prism::config
