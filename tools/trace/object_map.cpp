#include "tools/trace/object_map.hpp"

namespace prism::trace {

const std::string* ObjectMap::interface_of(std::uint32_t id) const {
    auto it = objects_.find(id);
    return it == objects_.end() ? nullptr : &it->second;
}

void ObjectMap::learn(const Message& message) {
    if (message.object < kServerIdStart && message.object > max_client_id_) {
        max_client_id_ = message.object;
    }
    for (const auto& arg : message.args) {
        if (arg.type == ArgType::NewId && arg.word != 0) {
            objects_[arg.word] = arg.interface;
            if (arg.word < kServerIdStart && arg.word > max_client_id_) {
                max_client_id_ = arg.word;
            }
        }
    }
}

std::variant<Message, std::string> ObjectMap::decode(const RawMessage& raw, Direction direction,
                                                     const Protocols& protocols,
                                                     std::deque<int>& fds) {
    const std::uint32_t id = raw.header.object;
    const std::string* interface = interface_of(id);
    if (interface == nullptr) {
        return "message for object " + std::to_string(id) + ", which no message created";
    }
    const InterfaceSpec* spec = protocols.find(*interface);
    if (spec == nullptr) {
        return "object " + std::to_string(id) + " has interface " + *interface +
               ", which no protocol XML defines";
    }
    const auto& list = direction == Direction::Request ? spec->requests : spec->events;
    if (raw.header.opcode >= list.size()) {
        return *interface + " has no " + (direction == Direction::Request ? "request" : "event") +
               " with opcode " + std::to_string(raw.header.opcode);
    }
    auto decoded = trace::decode(raw.bytes, list[raw.header.opcode], fds);
    if (auto* message = std::get_if<Message>(&decoded)) {
        message->direction = direction;
        message->interface = *interface;
        // An object argument of any interface (wl_display.error) names the one it has.
        for (auto& arg : message->args) {
            if (arg.type == ArgType::Object && arg.interface.empty() && arg.word != 0) {
                if (const std::string* known = interface_of(arg.word)) {
                    arg.interface = *known;
                }
            }
        }
        learn(*message);
    }
    return decoded;
}

} // namespace prism::trace
