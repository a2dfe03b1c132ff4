#include "tools/trace/text_format.hpp"

#include "tools/trace/wire.hpp"

#include <cctype>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace prism::trace {

namespace {

const char kHex[] = "0123456789abcdef";

std::string to_hex(const std::string& bytes) {
    std::string out;
    for (unsigned char c : bytes) {
        out += kHex[c >> 4];
        out += kHex[c & 15];
    }
    return out;
}

std::string quote(const std::string& text) {
    std::string out = "\"";
    for (unsigned char c : text) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += static_cast<char>(c);
        } else if (c == '\n') {
            out += "\\n";
        } else if (c == '\t') {
            out += "\\t";
        } else if (c < 0x20 || c == 0x7f) {
            out += "\\x";
            out += kHex[c >> 4];
            out += kHex[c & 15];
        } else {
            out += static_cast<char>(c);
        }
    }
    return out + "\"";
}

std::string format_fixed(std::int32_t f) {
    char text[32];
    // As libwayland prints it: 390625 is 1e8 / 256.
    if (f >= 0) {
        std::snprintf(text, sizeof(text), "%d.%08d", f / 256, 390625 * (f % 256));
    } else {
        std::snprintf(text, sizeof(text), "-%d.%08d", f / -256, -390625 * (f % 256));
    }
    return text;
}

std::string format_fd_info(const FdInfo& info) {
    if (info.kind == FdInfo::Kind::Unknown) {
        return "";
    }
    std::string out = " {";
    out += info.kind == FdInfo::Kind::File   ? "file"
           : info.kind == FdInfo::Kind::Pipe ? "pipe"
                                             : "other";
    if (info.size) {
        out += " " + std::to_string(*info.size);
    }
    switch (info.content) {
    case FdInfo::Content::Zero:
        out += " zero";
        break;
    case FdInfo::Content::Bytes:
        out += " hex:" + to_hex(info.bytes);
        break;
    case FdInfo::Content::Hash: {
        char hash[32];
        std::snprintf(hash, sizeof(hash), " fnv1a:%016" PRIx64, info.hash);
        out += hash;
        break;
    }
    case FdInfo::Content::Unknown:
        break;
    }
    return out + "}";
}

std::string object_text(const std::string& interface, std::uint32_t id) {
    return (interface.empty() ? "[unknown]" : interface) + "@" + std::to_string(id);
}

// A cursor over one line, with the parsing steps the grammar needs.
class Cursor {
public:
    explicit Cursor(const std::string& text)
        : text_(text) {}

    bool done() const { return at_ >= text_.size(); }
    char peek() const { return done() ? '\0' : text_[at_]; }
    size_t position() const { return at_; }
    std::string rest() const { return done() ? "" : text_.substr(at_); }
    void skip_spaces() {
        while (!done() && (text_[at_] == ' ' || text_[at_] == '\t')) {
            ++at_;
        }
    }
    bool eat(const std::string& word) {
        if (text_.compare(at_, word.size(), word) == 0) {
            at_ += word.size();
            return true;
        }
        return false;
    }
    std::string identifier() {
        const size_t start = at_;
        while (!done() &&
               (std::isalnum(static_cast<unsigned char>(text_[at_])) || text_[at_] == '_')) {
            ++at_;
        }
        return text_.substr(start, at_ - start);
    }
    // An optionally signed decimal number, as text ("" if none).
    std::string number(bool allow_fraction) {
        const size_t start = at_;
        if (peek() == '-') {
            ++at_;
        }
        while (!done() && (std::isdigit(static_cast<unsigned char>(text_[at_])) ||
                           (allow_fraction && text_[at_] == '.'))) {
            ++at_;
        }
        return text_.substr(start, at_ - start);
    }
    std::optional<std::string> until(char end) {
        const size_t close = text_.find(end, at_);
        if (close == std::string::npos) {
            return std::nullopt;
        }
        std::string inside = text_.substr(at_, close - at_);
        at_ = close + 1;
        return inside;
    }
    // A quoted string with backslash escapes. A bare '"' not followed by ',' or ')' is taken
    // as part of the string: libwayland prints strings without escaping them.
    std::optional<std::string> quoted(std::string* error) {
        if (!eat("\"")) {
            *error = "expected a string";
            return std::nullopt;
        }
        std::string out;
        while (!done()) {
            const char c = text_[at_++];
            if (c == '\\' && !done()) {
                const char e = text_[at_++];
                if (e == 'n') {
                    out += '\n';
                } else if (e == 't') {
                    out += '\t';
                } else if (e == 'x' && at_ + 2 <= text_.size() &&
                           std::isxdigit(static_cast<unsigned char>(text_[at_])) &&
                           std::isxdigit(static_cast<unsigned char>(text_[at_ + 1]))) {
                    out += static_cast<char>(std::stoi(text_.substr(at_, 2), nullptr, 16));
                    at_ += 2;
                } else {
                    out += e;
                }
            } else if (c == '"') {
                const size_t next = text_.find_first_not_of(" \t", at_);
                if (next == std::string::npos || text_[next] == ',' || text_[next] == ')') {
                    return out;
                }
                out += c;
            } else {
                out += c;
            }
        }
        *error = "unterminated string";
        return std::nullopt;
    }

private:
    const std::string& text_;
    size_t at_ = 0;
};

std::optional<std::uint32_t> parse_id(const std::string& digits) {
    if (digits.empty() || digits.size() > 10 || digits[0] == '-') {
        return std::nullopt;
    }
    const unsigned long long value = std::stoull(digits);
    if (value > 0xffffffffull) {
        return std::nullopt;
    }
    return static_cast<std::uint32_t>(value);
}

std::optional<std::string> from_hex(const std::string& hex) {
    if (hex.size() % 2 != 0) {
        return std::nullopt;
    }
    std::string out;
    for (size_t i = 0; i < hex.size(); i += 2) {
        if (!std::isxdigit(static_cast<unsigned char>(hex[i])) ||
            !std::isxdigit(static_cast<unsigned char>(hex[i + 1]))) {
            return std::nullopt;
        }
        out += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
    }
    return out;
}

std::optional<std::string> parse_fd_info(const std::string& inside, FdInfo& info) {
    std::istringstream words(inside);
    std::string kind, word;
    words >> kind;
    if (kind == "file") {
        info.kind = FdInfo::Kind::File;
    } else if (kind == "pipe") {
        info.kind = FdInfo::Kind::Pipe;
    } else if (kind == "other") {
        info.kind = FdInfo::Kind::Other;
    } else {
        return "fd kind must be file, pipe or other, not '" + kind + "'";
    }
    while (words >> word) {
        if (std::isdigit(static_cast<unsigned char>(word[0]))) {
            if (word.size() > 15 || word.find_first_not_of("0123456789") != std::string::npos) {
                return "bad fd size '" + word + "'";
            }
            info.size = std::stoull(word);
        } else if (word == "zero") {
            info.content = FdInfo::Content::Zero;
        } else if (word.rfind("hex:", 0) == 0) {
            auto bytes = from_hex(word.substr(4));
            if (!bytes) {
                return "bad hex content in fd";
            }
            info.content = FdInfo::Content::Bytes;
            info.bytes = *bytes;
        } else if (word.rfind("fnv1a:", 0) == 0 && word.size() == 22 &&
                   word.find_first_not_of("0123456789abcdef", 6) == std::string::npos) {
            info.content = FdInfo::Content::Hash;
            info.hash = std::stoull(word.substr(6), nullptr, 16);
        } else {
            return "unknown fd detail '" + word + "'";
        }
    }
    if (info.content == FdInfo::Content::Bytes && info.size && *info.size != info.bytes.size()) {
        return "fd size and content length differ";
    }
    return std::nullopt;
}

// Parses one argument of type `spec` at the cursor into `value`. Returns an error or nullopt.
std::optional<std::string> parse_value(Cursor& in, const ArgSpec& spec,
                                       const std::string& last_string, Value& value) {
    value.type = spec.type;
    if (in.eat("*")) {
        if (spec.type == ArgType::NewId) {
            return "'*' cannot stand for a new id";
        }
        value.any = true;
        return std::nullopt;
    }
    if (in.eat("=")) {
        value.pinned = true;
    }
    switch (spec.type) {
    case ArgType::Int:
    case ArgType::Uint: {
        const std::string digits = in.number(false);
        if (digits.empty() || digits == "-" || digits.size() > 11) {
            return "expected a number";
        }
        const long long number = std::stoll(digits);
        const bool fits = spec.type == ArgType::Int ? number >= INT32_MIN && number <= INT32_MAX
                                                    : number >= 0 && number <= UINT32_MAX;
        if (!fits) {
            return "number " + digits + " is out of range";
        }
        value.word = static_cast<std::uint32_t>(number);
        return std::nullopt;
    }
    case ArgType::Fixed: {
        const std::string digits = in.number(true);
        if (digits.empty() || digits == "-" || digits.size() > 20) {
            return "expected a fixed-point number";
        }
        char* end = nullptr;
        const long double number = std::strtold(digits.c_str(), &end);
        if (end == nullptr || *end != '\0' || std::fabs(number) >= 8388608.0L) {
            return "bad fixed-point number '" + digits + "'";
        }
        value.word = static_cast<std::uint32_t>(
            static_cast<std::int32_t>(std::lround(static_cast<double>(number * 256.0L))));
        return std::nullopt;
    }
    case ArgType::String: {
        if (in.eat("nil")) {
            return std::nullopt;
        }
        std::string error;
        value.text = in.quoted(&error);
        return value.text ? std::nullopt : std::optional<std::string>(error);
    }
    case ArgType::Object:
    case ArgType::NewId: {
        if (spec.type == ArgType::NewId && !in.eat("new id ")) {
            return "expected 'new id INTERFACE@ID'";
        }
        if (in.eat("nil")) {
            return std::nullopt;
        }
        std::string interface = in.eat("[unknown]") ? "" : in.identifier();
        if (!in.eat("@")) {
            return "expected INTERFACE@ID";
        }
        auto id = parse_id(in.number(false));
        if (!id) {
            return "bad object id";
        }
        if (interface.empty()) {
            interface = spec.interface.empty() ? last_string : spec.interface;
        }
        value.interface = interface;
        value.word = *id;
        return std::nullopt;
    }
    case ArgType::Array: {
        if (!in.eat("array[")) {
            return "expected 'array[SIZE]'";
        }
        auto size = parse_id(in.number(false));
        if (!size || !in.eat("]") || *size > kMaxMessageSize) {
            return "bad array size";
        }
        value.array_size = *size;
        if (in.eat("{")) {
            auto inside = in.until('}');
            auto bytes = inside ? from_hex(*inside) : std::nullopt;
            if (!bytes || bytes->size() != *size) {
                return "array contents must be SIZE bytes of hex inside {}";
            }
            value.array = *bytes;
        }
        return std::nullopt;
    }
    case ArgType::Fd: {
        if (!in.eat("fd")) {
            return "expected 'fd'";
        }
        in.skip_spaces();
        const std::string digits = in.number(false);
        if (!digits.empty()) {
            auto number = parse_id(digits);
            if (!number || *number > 0x7fffffff) {
                return "bad fd number";
            }
            value.fd = static_cast<int>(*number);
        }
        in.skip_spaces();
        if (in.eat("{")) {
            auto inside = in.until('}');
            if (!inside) {
                return "unterminated fd details '{...}'";
            }
            return parse_fd_info(*inside, value.fd_info);
        }
        return std::nullopt;
    }
    }
    return "unknown argument type";
}

bool is_timestamp_prefix(const std::string& text, size_t* end) {
    if (text.empty() || text[0] != '[') {
        return false;
    }
    const size_t close = text.find(']');
    if (close == std::string::npos || text.find_first_not_of("0123456789. ", 1) != close) {
        return false;
    }
    *end = close + 1;
    return true;
}

} // namespace

std::string Trace::header_value(const std::string& key) const {
    for (const auto& [name, value] : header) {
        if (name == key) {
            return value;
        }
    }
    return "";
}

std::string format_value(const Value& value) {
    if (value.any) {
        return "*";
    }
    std::string out = value.pinned ? "=" : "";
    switch (value.type) {
    case ArgType::Int:
        return out + std::to_string(static_cast<std::int32_t>(value.word));
    case ArgType::Uint:
        return out + std::to_string(value.word);
    case ArgType::Fixed:
        return out + format_fixed(static_cast<std::int32_t>(value.word));
    case ArgType::String:
        return out + (value.text ? quote(*value.text) : "nil");
    case ArgType::Object:
        return out + (value.word == 0 ? "nil" : object_text(value.interface, value.word));
    case ArgType::NewId:
        return out + "new id " +
               (value.word == 0 ? "nil" : object_text(value.interface, value.word));
    case ArgType::Array:
        out += "array[" + std::to_string(value.array_size) + "]";
        if (value.array) {
            out += "{" + to_hex(*value.array) + "}";
        }
        return out;
    case ArgType::Fd:
        out += "fd";
        if (value.fd >= 0) {
            out += " " + std::to_string(value.fd);
        }
        return out + format_fd_info(value.fd_info);
    }
    return out;
}

std::string format_message(const Message& message) {
    std::string out = message.direction == Direction::Request ? "-> " : "";
    out += object_text(message.interface, message.object) + "." + message.name + "(";
    for (size_t i = 0; i < message.args.size(); ++i) {
        out += (i ? ", " : "") + format_value(message.args[i]);
    }
    return out + ")";
}

std::string format_line(const TraceLine& line) {
    std::string out = line.connection == 1 ? "" : "c" + std::to_string(line.connection) + " ";
    if (line.kind == TraceLine::Kind::Disconnect) {
        out += "-> disconnect";
    } else {
        out += format_message(line.message);
    }
    std::string trailer;
    if (line.any) {
        trailer += " any";
    }
    if (line.optional) {
        trailer += " optional";
    }
    if (!line.comment.empty()) {
        trailer += " " + line.comment;
    }
    if (!trailer.empty()) {
        out += "  #" + trailer;
    }
    return out;
}

std::string format_trace(const Trace& trace) {
    std::string out;
    for (const auto& [key, value] : trace.header) {
        out += "# " + key + ": " + value + "\n";
    }
    for (const auto& line : trace.lines) {
        out += format_line(line) + "\n";
    }
    return out;
}

std::variant<TraceLine, std::string> parse_line(const std::string& text,
                                                const Protocols& protocols) {
    TraceLine line;
    size_t start = 0;
    if (is_timestamp_prefix(text, &start)) {
        while (start < text.size() && text[start] == ' ') {
            ++start;
        }
        // libwayland 1.23 names the event queue next: "{Default Queue} ".
        if (start < text.size() && text[start] == '{') {
            const size_t close = text.find('}', start);
            if (close != std::string::npos) {
                start = close + 1;
                while (start < text.size() && text[start] == ' ') {
                    ++start;
                }
            }
        }
    }
    const std::string body = text.substr(start);
    Cursor in(body);
    if (in.peek() == 'c' && body.size() > 1 && std::isdigit(static_cast<unsigned char>(body[1]))) {
        in.eat("c");
        auto connection = parse_id(in.number(false));
        if (!connection || *connection == 0 || *connection > 1000 || in.peek() != ' ') {
            return std::string("bad connection prefix (expected 'cN ')");
        }
        line.connection = *connection;
        in.skip_spaces();
    }
    Message& message = line.message;
    message.direction = in.eat("-> ") ? Direction::Request : Direction::Event;
    in.skip_spaces();
    if (message.direction == Direction::Request && in.eat("disconnect")) {
        line.kind = TraceLine::Kind::Disconnect;
    } else {
        message.interface = in.identifier();
        if (message.interface.empty() || !in.eat("@")) {
            return std::string("expected INTERFACE@ID.MESSAGE(...)");
        }
        auto object = parse_id(in.number(false));
        if (!object || *object == 0) {
            return std::string("bad object id");
        }
        message.object = *object;
        if (!in.eat(".")) {
            return std::string("expected '.' after the object");
        }
        message.name = in.identifier();
        if (message.name.empty() || !in.eat("(")) {
            return std::string("expected MESSAGE( after the object");
        }
        const InterfaceSpec* interface = protocols.find(message.interface);
        if (interface == nullptr) {
            return "unknown interface " + message.interface +
                   " (no protocol XML prism-trace loaded defines it)";
        }
        const bool request = message.direction == Direction::Request;
        const auto& list = request ? interface->requests : interface->events;
        const MessageSpec* spec = find_message(list, message.name);
        if (spec == nullptr) {
            return message.interface + " has no " + (request ? "request " : "event ") +
                   message.name;
        }
        message.opcode = static_cast<std::uint16_t>(spec - list.data());
        const auto args = wire_args(*spec);
        std::string last_string;
        for (size_t i = 0; i < args.size(); ++i) {
            in.skip_spaces();
            if (i > 0 && !in.eat(",")) {
                return message.interface + "." + message.name + " takes " +
                       std::to_string(args.size()) + " arguments; expected ',' before '" +
                       args[i].name + "'";
            }
            in.skip_spaces();
            Value value;
            if (auto error = parse_value(in, args[i], last_string, value)) {
                return "argument " + std::to_string(i + 1) + " ('" + args[i].name + "'): " + *error;
            }
            if (value.text) {
                last_string = *value.text;
            }
            if (value.any && !request && args[i].type == ArgType::String && i + 2 < args.size() &&
                args[i + 2].type == ArgType::NewId) {
                return std::string("'*' cannot stand for the interface of a new id");
            }
            message.args.push_back(std::move(value));
        }
        in.skip_spaces();
        if (!in.eat(")")) {
            return message.interface + "." + message.name + " takes " +
                   std::to_string(args.size()) + " arguments; expected ')'";
        }
    }
    in.skip_spaces();
    if (in.eat("#")) {
        std::istringstream words(in.rest());
        std::string word;
        bool flags = true;
        while (words >> word) {
            if (flags && word == "any") {
                line.any = true;
            } else if (flags && word == "optional") {
                line.optional = true;
            } else {
                flags = false;
                line.comment += (line.comment.empty() ? "" : " ") + word;
            }
        }
    } else if (!in.done()) {
        return "unexpected text after the message: '" + in.rest() + "'";
    }
    if ((line.any || line.optional) &&
        (line.kind == TraceLine::Kind::Disconnect || message.direction == Direction::Request)) {
        return std::string("'# any' and '# optional' apply to events only");
    }
    return line;
}

std::variant<Trace, std::string> parse_trace(const std::string& text, const Protocols& protocols,
                                             const std::string& origin) {
    Trace trace;
    std::istringstream in(text);
    std::string raw;
    size_t number = 0;
    while (std::getline(in, raw)) {
        ++number;
        while (!raw.empty() && (raw.back() == '\r' || raw.back() == ' ' || raw.back() == '\t')) {
            raw.pop_back();
        }
        const size_t first = raw.find_first_not_of(" \t");
        if (first == std::string::npos) {
            continue;
        }
        if (raw[first] == '#') {
            const size_t colon = raw.find(':');
            if (trace.lines.empty() && colon != std::string::npos) {
                std::string key = raw.substr(first + 1, colon - first - 1);
                key.erase(0, key.find_first_not_of(' '));
                if (!key.empty() && key.find(' ') == std::string::npos) {
                    const size_t value = raw.find_first_not_of(' ', colon + 1);
                    trace.header.emplace_back(key,
                                              value == std::string::npos ? "" : raw.substr(value));
                }
            }
            continue;
        }
        if (raw.size() > 64 * 1024) {
            return origin + ":" + std::to_string(number) + ": line too long";
        }
        auto parsed = parse_line(raw.substr(first), protocols);
        if (auto* error = std::get_if<std::string>(&parsed)) {
            return origin + ":" + std::to_string(number) + ": " + *error;
        }
        auto& line = std::get<TraceLine>(parsed);
        line.number = number;
        trace.lines.push_back(std::move(line));
    }
    return trace;
}

} // namespace prism::trace
