#include "tools/trace/wire.hpp"

#include <cstring>

namespace prism::trace {

std::vector<ArgSpec> wire_args(const MessageSpec& spec) {
    std::vector<ArgSpec> args;
    for (const auto& arg : spec.args) {
        if (arg.type == ArgType::NewId && arg.interface.empty()) {
            args.push_back(ArgSpec{"interface", ArgType::String, "", false});
            args.push_back(ArgSpec{"version", ArgType::Uint, "", false});
        }
        args.push_back(arg);
    }
    return args;
}

namespace {

std::uint32_t read_word(const std::string& bytes, size_t at) {
    std::uint32_t word = 0;
    std::memcpy(&word, bytes.data() + at, 4);
    return word;
}

void write_word(std::string& out, std::uint32_t word) {
    char raw[4];
    std::memcpy(raw, &word, 4);
    out.append(raw, 4);
}

size_t padded(size_t size) {
    return (size + 3) & ~size_t{3};
}

} // namespace

std::optional<WireHeader> peek_header(const std::string& bytes) {
    if (bytes.size() < 8) {
        return std::nullopt;
    }
    const std::uint32_t second = read_word(bytes, 4);
    return WireHeader{read_word(bytes, 0), static_cast<std::uint16_t>(second & 0xffff),
                      static_cast<std::uint16_t>(second >> 16)};
}

std::variant<Message, std::string> decode(const std::string& bytes, const MessageSpec& spec,
                                          std::deque<int>& fds) {
    auto header = peek_header(bytes);
    if (!header || header->size != bytes.size() || header->size < 8 || header->size % 4 != 0) {
        return std::string("bad message header or size");
    }
    Message message;
    message.object = header->object;
    message.opcode = header->opcode;
    message.name = spec.name;
    size_t at = 8;
    std::string last_interface; // an untyped new_id takes its interface from the string before
    for (const auto& arg : wire_args(spec)) {
        Value value;
        value.type = arg.type;
        if (arg.type == ArgType::Fd) {
            if (fds.empty()) {
                return "argument '" + arg.name + "' needs a file descriptor and none came";
            }
            value.fd = fds.front();
            fds.pop_front();
            message.args.push_back(std::move(value));
            continue;
        }
        if (at + 4 > bytes.size()) {
            return "message " + spec.name + " ends before argument '" + arg.name + "'";
        }
        const std::uint32_t word = read_word(bytes, at);
        at += 4;
        switch (arg.type) {
        case ArgType::String:
        case ArgType::Array: {
            if (word > bytes.size() - at || padded(word) > bytes.size() - at) {
                return "argument '" + arg.name + "' is longer than the message";
            }
            std::string data = bytes.substr(at, word);
            at += padded(word);
            if (arg.type == ArgType::Array) {
                value.array_size = word;
                value.array = std::move(data);
            } else if (word != 0) { // 0 is nil: libwayland's peer decides if that is allowed
                if (data.back() != '\0' || data.find('\0') != word - 1) {
                    return "argument '" + arg.name + "' is not a NUL-terminated string";
                }
                data.pop_back();
                value.text = std::move(data);
                last_interface = *value.text;
            }
            break;
        }
        case ArgType::Object:
        case ArgType::NewId:
            value.word = word;
            value.interface = arg.interface.empty() ? last_interface : arg.interface;
            break;
        default:
            value.word = word;
            break;
        }
        message.args.push_back(std::move(value));
    }
    if (at != bytes.size()) {
        return "message " + spec.name + " has " + std::to_string(bytes.size() - at) +
               " bytes after its last argument";
    }
    return message;
}

std::string encode(const Message& message, std::vector<int>& fds) {
    std::string out;
    write_word(out, message.object);
    write_word(out, 0); // size and opcode, filled in at the end
    for (const auto& value : message.args) {
        switch (value.type) {
        case ArgType::Fd:
            fds.push_back(value.fd);
            break;
        case ArgType::String:
            if (!value.text) {
                write_word(out, 0);
            } else {
                write_word(out, static_cast<std::uint32_t>(value.text->size() + 1));
                out += *value.text;
                out.append(padded(value.text->size() + 1) - value.text->size(), '\0');
            }
            break;
        case ArgType::Array: {
            std::string data = value.array.value_or(std::string());
            data.resize(value.array_size, '\0');
            write_word(out, value.array_size);
            out += data;
            out.append(padded(data.size()) - data.size(), '\0');
            break;
        }
        default:
            write_word(out, value.word);
            break;
        }
    }
    const std::uint32_t second =
        (static_cast<std::uint32_t>(out.size()) << 16) | static_cast<std::uint32_t>(message.opcode);
    std::memcpy(out.data() + 4, &second, 4);
    return out;
}

} // namespace prism::trace
