#include "compositor/control/protocol.hpp"

#include <cstdlib>
#include <cstring>

namespace prism::control {

using nlohmann::json;

std::filesystem::path default_socket_path() {
    const std::string env_var(kSocketEnvVar);
    if (const char* socket = std::getenv(env_var.c_str()); socket != nullptr && *socket != '\0') {
        return socket;
    }
    if (const char* runtime_dir = std::getenv("XDG_RUNTIME_DIR");
        runtime_dir != nullptr && *runtime_dir != '\0') {
        return std::filesystem::path(runtime_dir) / kSocketFileName;
    }
    return {};
}

bool is_valid_utf8(std::string_view text) {
    const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
    const std::size_t size = text.size();
    std::size_t i = 0;
    while (i < size) {
        const unsigned char lead = bytes[i];
        if (lead < 0x80) {
            ++i;
            continue;
        }
        std::size_t length = 0;
        char32_t code_point = 0;
        char32_t minimum = 0;
        if ((lead & 0xE0) == 0xC0) {
            length = 2;
            code_point = lead & 0x1F;
            minimum = 0x80;
        } else if ((lead & 0xF0) == 0xE0) {
            length = 3;
            code_point = lead & 0x0F;
            minimum = 0x800;
        } else if ((lead & 0xF8) == 0xF0) {
            length = 4;
            code_point = lead & 0x07;
            minimum = 0x10000;
        } else {
            return false; // continuation byte without a lead, or 0xF8..0xFF
        }
        if (size - i < length) {
            return false;
        }
        for (std::size_t k = 1; k < length; ++k) {
            const unsigned char continuation = bytes[i + k];
            if ((continuation & 0xC0) != 0x80) {
                return false;
            }
            code_point = (code_point << 6) | (continuation & 0x3F);
        }
        if (code_point < minimum || code_point > 0x10FFFF ||
            (code_point >= 0xD800 && code_point <= 0xDFFF)) {
            return false;
        }
        i += length;
    }
    return true;
}

std::string dump_json(const json& value, int indent) {
    return value.dump(indent, ' ', false, json::error_handler_t::replace);
}

std::string encode_request(std::string_view command, const json& arguments) {
    json request = arguments.is_object() ? arguments : json::object();
    request["command"] = std::string(command);
    return dump_json(request) + '\n';
}

std::string encode_ok_reply(const json& result) {
    return R"({"ok":true,"result":)" + dump_json(result) + "}\n";
}

std::string encode_error_reply(std::string_view error, const std::vector<std::string>& details) {
    std::string line = R"({"ok":false,"error":)" + dump_json(std::string(error));
    if (!details.empty()) {
        line += R"(,"details":)" + dump_json(details);
    }
    line += "}\n";
    return line;
}

namespace {

// nlohmann's messages start with "[json.exception.parse_error.101] "; the tag helps nobody.
std::string strip_exception_tag(const char* what) {
    std::string_view message(what);
    if (message.starts_with('[')) {
        if (const auto end = message.find("] "); end != std::string_view::npos) {
            message.remove_prefix(end + 2);
        }
    }
    return std::string(message);
}

json parse_object(std::string_view line, const char* what) {
    json value;
    try {
        value = json::parse(line.begin(), line.end());
    } catch (const json::parse_error& e) {
        throw ProtocolError(std::string(what) + " is not valid JSON (" +
                            strip_exception_tag(e.what()) + ")");
    }
    if (!value.is_object()) {
        throw ProtocolError(std::string(what) + " must be a JSON object, got " + value.type_name());
    }
    return value;
}

} // namespace

json decode_request(std::string_view line) {
    if (!is_valid_utf8(line)) {
        throw ProtocolError("request is not valid UTF-8");
    }
    json request = parse_object(line, "request");
    const auto command = request.find("command");
    if (command == request.end()) {
        throw ProtocolError(R"(request has no "command" member)");
    }
    if (!command->is_string()) {
        throw ProtocolError(std::string(R"(request member "command" must be a string, got )") +
                            command->type_name());
    }
    return request;
}

Reply decode_reply(std::string_view line) {
    if (!is_valid_utf8(line)) {
        throw ProtocolError("reply is not valid UTF-8");
    }
    const json value = parse_object(line, "reply");
    const auto ok = value.find("ok");
    if (ok == value.end() || !ok->is_boolean()) {
        throw ProtocolError(R"(reply has no boolean "ok" member)");
    }
    Reply reply;
    reply.ok = ok->get<bool>();
    if (reply.ok) {
        reply.result = value.value("result", json());
        return reply;
    }
    const auto error = value.find("error");
    if (error != value.end() && error->is_string()) {
        reply.error = error->get<std::string>();
    } else {
        reply.error = "unspecified error";
    }
    if (const auto details = value.find("details"); details != value.end()) {
        if (!details->is_array()) {
            throw ProtocolError(R"(reply member "details" must be an array)");
        }
        for (const auto& detail : *details) {
            reply.details.push_back(detail.is_string() ? detail.get<std::string>()
                                                       : dump_json(detail));
        }
    }
    return reply;
}

std::optional<std::string> LineBuffer::next_line() {
    if (overflowed_) {
        return std::nullopt;
    }
    const std::size_t newline = data_.find('\n', scan_);
    if (newline == std::string::npos) {
        scan_ = data_.size();
        if (buffered() > max_line_) {
            overflowed_ = true;
        }
        return std::nullopt;
    }
    if (newline - start_ > max_line_) {
        overflowed_ = true;
        return std::nullopt;
    }
    std::string line = data_.substr(start_, newline - start_);
    start_ = scan_ = newline + 1;
    // Drop the consumed prefix once it dominates the buffer, so memory stays bounded.
    if (start_ == data_.size()) {
        data_.clear();
        start_ = scan_ = 0;
    } else if (start_ >= 4096 && start_ * 2 >= data_.size()) {
        data_.erase(0, start_);
        scan_ -= start_;
        start_ = 0;
    }
    return line;
}

std::string LineBuffer::take_rest() {
    std::string rest = data_.substr(start_);
    data_.clear();
    start_ = scan_ = 0;
    return rest;
}

} // namespace prism::control
