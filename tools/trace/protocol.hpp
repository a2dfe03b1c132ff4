// The Wayland protocol definitions prism-trace decodes messages with: every interface, request
// and event, and each argument's wire type, loaded from protocol XML files at run time.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace prism::trace {

// The wire types of the Wayland protocol (wayland.dtd's arg types).
enum class ArgType { Int, Uint, Fixed, String, Object, NewId, Array, Fd };

struct ArgSpec {
    std::string name;
    ArgType type = ArgType::Int;
    std::string interface; // for Object and NewId; empty for an untyped new_id (wl_registry.bind)
    bool nullable = false;
};

struct MessageSpec {
    std::string name;
    std::vector<ArgSpec> args;
    bool destructor = false;
};

struct InterfaceSpec {
    std::string name;
    unsigned version = 1;
    std::vector<MessageSpec> requests;
    std::vector<MessageSpec> events;
    std::filesystem::path file; // where it was defined, for messages
};

class Protocols {
public:
    // Loads one XML file. Returns an error ("FILE:LINE: problem"), or nullopt on success.
    // An interface already known from an earlier file is kept and the new one ignored.
    std::optional<std::string> load_file(const std::filesystem::path& file);
    // Loads every *.xml under `dir`, recursively, in sorted order. Errors are collected.
    std::vector<std::string> load_dir(const std::filesystem::path& dir);
    // Parses XML text directly (tests); `origin` names it in errors.
    std::optional<std::string> load_text(const std::string& xml, const std::string& origin);

    const InterfaceSpec* find(const std::string& name) const;
    size_t size() const { return interfaces_.size(); }

private:
    std::map<std::string, InterfaceSpec> interfaces_;
};

// The directories compiled in (core wayland.xml, wayland-protocols, the repository's
// protocols/), followed by those in $PRISM_TRACE_PROTOCOLS (colon-separated).
std::vector<std::filesystem::path> default_protocol_paths();

// Finds a message by name; nullptr if there is none.
const MessageSpec* find_message(const std::vector<MessageSpec>& messages, const std::string& name);

} // namespace prism::trace
