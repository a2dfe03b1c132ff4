#include "config/config.hpp"
#include "config/toml_util.hpp"

#include <algorithm>

namespace prism::config {

namespace {

constexpr std::size_t kMaxNameLength = 32;
constexpr std::size_t kMaxLabelLength = 64;
// sockaddr_un::sun_path holds 108 bytes including the terminating NUL.
constexpr std::size_t kMaxSocketPathLength = 107;

std::string socket_too_long(const std::filesystem::path& path) {
    return "socket path " + detail::quote(path.string()) + " is too long for a Unix socket (" +
           std::to_string(path.string().size()) + " bytes, at most " +
           std::to_string(kMaxSocketPathLength) + ")";
}

bool is_valid_interface_name(std::string_view name) {
    if (name.empty() || !((name[0] >= 'a' && name[0] <= 'z') || name[0] == '_')) {
        return false;
    }
    return std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    });
}

} // namespace

namespace detail {

std::vector<std::string> parse_allow(Reporter& reporter, const toml::array& allow,
                                     const Environment& env, const std::string& path) {
    std::vector<std::string> names;
    for (const toml::node& entry : allow) {
        std::optional<std::string> name = detail::as_string(reporter, entry, path);
        if (!name) {
            continue;
        }
        if (!is_valid_interface_name(*name)) {
            reporter.at(entry.source(), path,
                        "expected a protocol interface name ([a-z_][a-z0-9_]*), got " +
                            detail::quote(*name));
            continue;
        }
        if (std::find(names.begin(), names.end(), *name) != names.end()) {
            reporter.at(entry.source(), path, detail::quote(*name) + " is listed twice");
            continue;
        }
        if (env.check_allowed_global) {
            if (auto problem = env.check_allowed_global(*name)) {
                reporter.at(entry.source(), path, detail::quote(*name) + " " + *problem);
                continue;
            }
        }
        names.push_back(std::move(*name));
    }
    return names;
}

} // namespace detail

namespace {

constexpr std::int64_t kMaxVmbridgeVfds = 65536;
constexpr std::int64_t kMinShmBytes = 1ll << 20;
constexpr std::int64_t kMaxShmBytes = 4ll << 30; // the device's shared-memory region
// One read of a context can produce 29 in-queue messages (28 VFD_NEW and a VFD_RECV).
constexpr std::int64_t kMinQueuedMessages = 32;
constexpr std::int64_t kMaxQueuedMessages = 65536;
constexpr std::size_t kMaxContextNameBytes = 32; // virtio_wl_ctrl_vfd_new.name[32]

void parse_vmbridge(detail::Reporter& reporter, const toml::table& table, VmConfig& vm,
                    const Environment& env) {
    const std::string prefix = "vmbridge";
    detail::check_unknown_keys(reporter, table, prefix,
                               {"enabled", "transport", "socket", "shmem_protocol_bit", "poll_us",
                                "max_vfds", "max_shm_bytes", "max_queued_messages",
                                "context_names"});
    VmbridgeConfig& bridge = vm.vmbridge;
    if (auto enabled = detail::get_boolean(reporter, table, "enabled", prefix)) {
        bridge.enabled = *enabled;
    }
    if (auto transport =
            detail::get_enum(reporter, table, "transport", prefix, {"test", "vhost-user"})) {
        bridge.transport =
            *transport == "vhost-user" ? VmbridgeTransport::VhostUser : VmbridgeTransport::Test;
    }
    // The SHMEM protocol-feature bit moved between VMM versions: 20, 21 (older crosvm), 22.
    if (auto bit = detail::get_integer(reporter, table, "shmem_protocol_bit", prefix, 20, 22)) {
        bridge.shmem_protocol_bit = static_cast<unsigned>(*bit);
    }
    if (auto value = detail::get_integer(reporter, table, "poll_us", prefix, 0, 1000)) {
        bridge.poll_us = static_cast<std::uint32_t>(*value);
    }
    if (auto value =
            detail::get_integer(reporter, table, "max_vfds", prefix, 1, kMaxVmbridgeVfds)) {
        bridge.max_vfds = static_cast<std::uint32_t>(*value);
    }
    if (auto value = detail::get_integer(reporter, table, "max_shm_bytes", prefix, kMinShmBytes,
                                         kMaxShmBytes)) {
        bridge.max_shm_bytes = static_cast<std::uint64_t>(*value);
    }
    if (auto value = detail::get_integer(reporter, table, "max_queued_messages", prefix,
                                         kMinQueuedMessages, kMaxQueuedMessages)) {
        bridge.max_queued_messages = static_cast<std::uint32_t>(*value);
    }
    if (const toml::array* names = detail::get_array(reporter, table, "context_names", prefix)) {
        const std::string path = prefix + ".context_names";
        for (const toml::node& entry : *names) {
            std::optional<std::string> name = detail::as_string(reporter, entry, path);
            if (!name) {
                continue;
            }
            if (name->empty() || name->size() > kMaxContextNameBytes ||
                name->find('\0') != std::string::npos) {
                reporter.at(entry.source(), path,
                            "expected 1 to 32 bytes without NUL, got " + detail::quote(*name));
            } else if (std::find(bridge.context_names.begin(), bridge.context_names.end(), *name) !=
                       bridge.context_names.end()) {
                reporter.at(entry.source(), path, detail::quote(*name) + " is listed twice");
            } else {
                bridge.context_names.push_back(std::move(*name));
            }
        }
    }
    const std::string socket_key = prefix + ".socket";
    if (const toml::node* socket = table.get("socket")) {
        if (auto path = detail::as_string(reporter, *socket, socket_key)) {
            if (path->empty() || (*path)[0] != '/') {
                reporter.at(socket->source(), socket_key,
                            "expected an absolute path, got " + detail::quote(*path));
            } else if (path->find('\0') != std::string::npos) {
                reporter.at(socket->source(), socket_key, "must not contain a NUL character");
            } else if (path->size() > kMaxSocketPathLength) {
                reporter.at(socket->source(), socket_key, socket_too_long(*path));
            } else {
                bridge.socket = std::filesystem::path(*path).lexically_normal();
            }
        }
    } else if (bridge.enabled) {
        if (env.runtime_dir.empty()) {
            reporter.at(table.source(), socket_key, "no socket given and XDG_RUNTIME_DIR is unset");
        } else if (!vm.name.empty()) {
            const std::string stem = bridge.transport == VmbridgeTransport::VhostUser
                                         ? "prism-vhost-wl-"
                                         : "prism-vmbridge-";
            const std::filesystem::path path = env.runtime_dir / (stem + vm.name + ".sock");
            if (path.string().size() > kMaxSocketPathLength) {
                reporter.at(table.source(), socket_key, socket_too_long(path));
            } else {
                bridge.socket = path.lexically_normal();
            }
        }
    }
}

// The [limits] keys: name, accepted range and the VmLimits field it sets. One line per key.
struct LimitKey {
    std::string_view key;
    std::int64_t min, max;
    std::uint32_t VmLimits::* field;
};
constexpr LimitKey kLimitKeys[] = {
    {"max_window_width", 64, 32767, &VmLimits::max_window_width},
    {"max_window_height", 64, 32767, &VmLimits::max_window_height},
    {"max_title_bytes", 16, 4096, &VmLimits::max_title_bytes},
    {"title_renders", 1, 1000, &VmLimits::title_renders},
    {"max_activation_tokens", 1, 1024, &VmLimits::max_activation_tokens},
    {"connections", 1, 4096, &VmLimits::connections},
    {"pending_pastes", 1, 16, &VmLimits::pending_pastes}, // clipboard::Mediator::kMaxPending
    {"mime_types", 1, 256, &VmLimits::mime_types},        // SelectionBridge::kMaxOffersPerSource
    {"windows", 1, 4096, &VmLimits::windows},
    {"surfaces", 16, 65536, &VmLimits::surfaces},
    {"max_subsurface_depth", 1, 256, &VmLimits::max_subsurface_depth},
    {"max_popup_depth", 1, 256, &VmLimits::max_popup_depth},
    {"max_cursor_size", 16, 1024, &VmLimits::max_cursor_size},
    {"max_drag_icon_size", 16, 2048, &VmLimits::max_drag_icon_size},
};

void parse_limits(detail::Reporter& reporter, const toml::table& table, VmLimits& limits) {
    const std::string prefix = "limits";
    std::vector<std::string_view> known;
    for (const LimitKey& entry : kLimitKeys) {
        known.push_back(entry.key);
    }
    detail::check_unknown_keys(reporter, table, prefix, known);
    for (const LimitKey& entry : kLimitKeys) {
        if (auto value =
                detail::get_integer(reporter, table, entry.key, prefix, entry.min, entry.max)) {
            limits.*entry.field = static_cast<std::uint32_t>(*value);
        }
    }
}

} // namespace

bool is_valid_vm_name(std::string_view name) {
    if (name.empty() || name.size() > kMaxNameLength) {
        return false;
    }
    return std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
    });
}

VmParseResult parse_vm(std::string_view text, const std::filesystem::path& file,
                       const Environment& env) {
    VmParseResult result;
    detail::Reporter reporter(file.string(), result.errors);
    const std::optional<toml::table> root = detail::parse_toml(text, reporter);
    if (!root) {
        return result;
    }

    VmConfig vm;
    vm.source_file = file;
    detail::check_unknown_keys(reporter, *root, "",
                               {"name", "colour", "label", "socket", "allow_fullscreen",
                                "idle_inhibit", "protocols", "clipboard", "primary", "vmbridge",
                                "limits"});

    if (detail::require_key(reporter, *root, "name", "")) {
        if (auto name = detail::get_string(reporter, *root, "name", "")) {
            if (is_reserved_origin_name(*name)) {
                reporter.at(root->get("name")->source(), "name",
                            detail::quote(*name) + " is reserved for " +
                                (*name == "host" ? "the host's own clients"
                                                 : "clients prism cannot attribute") +
                                "; choose another name");
            } else if (is_valid_vm_name(*name)) {
                vm.name = std::move(*name);
            } else {
                reporter.at(root->get("name")->source(), "name",
                            "expected 1 to 32 characters from a-z, 0-9 and '-', got " +
                                detail::quote(*name));
            }
        }
    }

    if (detail::require_key(reporter, *root, "colour", "")) {
        if (auto colour = detail::get_colour(reporter, *root, "colour", "")) {
            vm.colour = *colour;
        }
    }

    if (auto label = detail::get_string(reporter, *root, "label", "")) {
        const toml::source_region& where = root->get("label")->source();
        if (label->empty()) {
            reporter.at(where, "label", "must not be empty (leave it out to use the name)");
        } else if (detail::utf8_length(*label) > kMaxLabelLength) {
            reporter.at(where, "label",
                        "must be at most " + std::to_string(kMaxLabelLength) + " characters, got " +
                            std::to_string(detail::utf8_length(*label)));
        } else if (detail::has_control_characters(*label)) {
            reporter.at(where, "label", "must not contain control characters");
        } else {
            vm.label = std::move(*label);
        }
    } else {
        vm.label = vm.name;
    }

    if (const toml::node* socket = root->get("socket")) {
        if (auto path = detail::as_string(reporter, *socket, "socket")) {
            if (path->empty() || (*path)[0] != '/') {
                reporter.at(socket->source(), "socket",
                            "expected an absolute path, got " + detail::quote(*path));
            } else if (path->find('\0') != std::string::npos) {
                reporter.at(socket->source(), "socket", "must not contain a NUL character");
            } else if (path->size() > kMaxSocketPathLength) {
                reporter.at(socket->source(), "socket", socket_too_long(*path));
            } else {
                vm.socket = std::filesystem::path(*path).lexically_normal();
            }
        }
    } else if (env.runtime_dir.empty()) {
        reporter.at_file("socket", "no socket given and XDG_RUNTIME_DIR is unset");
    } else if (!vm.name.empty()) {
        const std::filesystem::path path = env.runtime_dir / ("wayland-vm-" + vm.name);
        if (path.string().size() > kMaxSocketPathLength) {
            reporter.at_file("socket", socket_too_long(path));
        } else {
            vm.socket = path.lexically_normal();
        }
    }

    if (auto allow = detail::get_boolean(reporter, *root, "allow_fullscreen", "")) {
        vm.allow_fullscreen = *allow;
    }
    if (auto inhibit =
            detail::get_enum(reporter, *root, "idle_inhibit", "", {"visible", "never"})) {
        vm.idle_inhibit = *inhibit == "never" ? IdleInhibit::Never : IdleInhibit::WhileVisible;
    }

    if (const toml::table* protocols = detail::get_table(reporter, *root, "protocols", "")) {
        detail::check_unknown_keys(reporter, *protocols, "protocols", {"allow"});
        if (const toml::array* allow =
                detail::get_array(reporter, *protocols, "allow", "protocols")) {
            vm.allowed_globals = detail::parse_allow(reporter, *allow, env, "protocols.allow");
        }
    }

    if (const toml::table* clipboard = detail::get_table(reporter, *root, "clipboard", "")) {
        detail::check_unknown_keys(reporter, *clipboard, "clipboard", {"paste_from", "mime"});
        detail::parse_paste_policy(reporter, *clipboard, "clipboard", vm.clipboard);
    }
    if (const toml::table* primary = detail::get_table(reporter, *root, "primary", "")) {
        detail::check_unknown_keys(reporter, *primary, "primary", {"paste_from", "mime"});
        detail::parse_paste_policy(reporter, *primary, "primary", vm.primary);
    }

    if (const toml::table* vmbridge = detail::get_table(reporter, *root, "vmbridge", "")) {
        parse_vmbridge(reporter, *vmbridge, vm, env);
    }

    if (const toml::table* limits = detail::get_table(reporter, *root, "limits", "")) {
        parse_limits(reporter, *limits, vm.limits);
    }

    detail::sort_errors(result.errors);
    if (result.errors.empty()) {
        result.vm = std::move(vm);
    }
    return result;
}

} // namespace prism::config
