#include "tools/trace/protocol.hpp"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <expat.h>
#include <fstream>
#include <sstream>

namespace prism::trace {

namespace {

std::optional<ArgType> arg_type_from(const std::string& text) {
    static const std::map<std::string, ArgType> kTypes = {
        {"int", ArgType::Int},       {"uint", ArgType::Uint},     {"fixed", ArgType::Fixed},
        {"string", ArgType::String}, {"object", ArgType::Object}, {"new_id", ArgType::NewId},
        {"array", ArgType::Array},   {"fd", ArgType::Fd},
    };
    auto it = kTypes.find(text);
    if (it == kTypes.end()) {
        return std::nullopt;
    }
    return it->second;
}

// The state of one expat parse: the interface and message being read.
struct Parser {
    XML_Parser xml = nullptr;
    std::string origin;
    std::deque<InterfaceSpec> interfaces; // a deque: push_back keeps `interface` valid
    InterfaceSpec* interface = nullptr;
    MessageSpec* message = nullptr;
    std::string error;

    void fail(const std::string& what) {
        if (error.empty()) {
            error = origin + ":" + std::to_string(XML_GetCurrentLineNumber64(xml)) + ": " + what;
        }
        XML_StopParser(xml, XML_FALSE);
    }

    static std::string attr(const XML_Char** attrs, const char* name) {
        for (int i = 0; attrs[i] != nullptr; i += 2) {
            if (std::strcmp(attrs[i], name) == 0) {
                return attrs[i + 1];
            }
        }
        return "";
    }

    void start(const std::string& element, const XML_Char** attrs) {
        if (element == "interface") {
            InterfaceSpec spec;
            spec.name = attr(attrs, "name");
            const std::string version = attr(attrs, "version");
            spec.version = version.empty() ? 1 : static_cast<unsigned>(std::atoi(version.c_str()));
            if (spec.name.empty()) {
                return fail("<interface> without a name");
            }
            interfaces.push_back(std::move(spec));
            interface = &interfaces.back();
            message = nullptr;
        } else if (element == "request" || element == "event") {
            if (interface == nullptr) {
                return fail("<" + element + "> outside an <interface>");
            }
            auto& list = element == "request" ? interface->requests : interface->events;
            list.push_back(
                MessageSpec{attr(attrs, "name"), {}, attr(attrs, "type") == "destructor"});
            message = &list.back();
        } else if (element == "arg") {
            if (message == nullptr) {
                return fail("<arg> outside a <request> or <event>");
            }
            auto type = arg_type_from(attr(attrs, "type"));
            if (!type) {
                return fail("unknown arg type '" + attr(attrs, "type") + "'");
            }
            message->args.push_back(ArgSpec{attr(attrs, "name"), *type, attr(attrs, "interface"),
                                            attr(attrs, "allow-null") == "true"});
        }
    }

    void end(const std::string& element) {
        if (element == "interface") {
            interface = nullptr;
            message = nullptr;
        } else if (element == "request" || element == "event") {
            message = nullptr;
        }
    }
};

} // namespace

std::optional<std::string> Protocols::load_text(const std::string& xml_text,
                                                const std::string& origin) {
    Parser parser;
    parser.origin = origin;
    parser.xml = XML_ParserCreate(nullptr);
    if (parser.xml == nullptr) {
        return origin + ": out of memory";
    }
    XML_SetUserData(parser.xml, &parser);
    XML_SetElementHandler(
        parser.xml,
        [](void* data, const XML_Char* name, const XML_Char** attrs) {
            static_cast<Parser*>(data)->start(name, attrs);
        },
        [](void* data, const XML_Char* name) { static_cast<Parser*>(data)->end(name); });
    const auto status =
        XML_Parse(parser.xml, xml_text.data(), static_cast<int>(xml_text.size()), XML_TRUE);
    if (status == XML_STATUS_ERROR && parser.error.empty()) {
        parser.error = origin + ":" + std::to_string(XML_GetCurrentLineNumber64(parser.xml)) +
                       ": " + XML_ErrorString(XML_GetErrorCode(parser.xml));
    }
    XML_ParserFree(parser.xml);
    if (!parser.error.empty()) {
        return parser.error;
    }
    for (auto& spec : parser.interfaces) {
        spec.file = origin;
        interfaces_.emplace(spec.name, std::move(spec));
    }
    return std::nullopt;
}

std::optional<std::string> Protocols::load_file(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        return file.string() + ": cannot be read";
    }
    std::stringstream text;
    text << in.rdbuf();
    return load_text(text.str(), file.string());
}

std::vector<std::string> Protocols::load_dir(const std::filesystem::path& dir) {
    std::vector<std::string> errors;
    std::error_code ec;
    if (std::filesystem::is_regular_file(dir, ec)) {
        if (auto error = load_file(dir)) {
            errors.push_back(*error);
        }
        return errors;
    }
    std::vector<std::filesystem::path> files;
    for (auto it = std::filesystem::recursive_directory_iterator(dir, ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
        if (it->path().extension() == ".xml") {
            files.push_back(it->path());
        }
    }
    if (ec) {
        errors.push_back(dir.string() + ": " + ec.message());
    }
    std::sort(files.begin(), files.end());
    for (const auto& file : files) {
        if (auto error = load_file(file)) {
            errors.push_back(*error);
        }
    }
    return errors;
}

const InterfaceSpec* Protocols::find(const std::string& name) const {
    auto it = interfaces_.find(name);
    return it == interfaces_.end() ? nullptr : &it->second;
}

std::vector<std::filesystem::path> default_protocol_paths() {
    std::vector<std::filesystem::path> paths;
    auto split = [&paths](const std::string& list) {
        std::stringstream in(list);
        std::string item;
        while (std::getline(in, item, ':')) {
            if (!item.empty()) {
                paths.emplace_back(item);
            }
        }
    };
    split(PRISM_TRACE_PROTOCOL_PATH);
    if (const char* extra = std::getenv("PRISM_TRACE_PROTOCOLS")) {
        split(extra);
    }
    return paths;
}

const MessageSpec* find_message(const std::vector<MessageSpec>& messages, const std::string& name) {
    for (const auto& message : messages) {
        if (message.name == name) {
            return &message;
        }
    }
    return nullptr;
}

} // namespace prism::trace
