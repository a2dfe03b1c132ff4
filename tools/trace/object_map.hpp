// Which interface each object id of one connection has, learned from the new_id arguments that
// pass by, so that messages can be decoded. Ids are reused freely: a new_id simply overwrites.
#pragma once

#include "tools/trace/connection.hpp"

#include <map>
#include <variant>

namespace prism::trace {

class ObjectMap {
public:
    ObjectMap() { objects_[1] = "wl_display"; }

    // The interface of `id`, or nullptr if no message created it.
    const std::string* interface_of(std::uint32_t id) const;
    // Registers the objects `message` creates.
    void learn(const Message& message);
    // The lowest client-side id no request has used yet: safe for a new object of our own.
    std::uint32_t next_client_id() const { return max_client_id_ + 1; }

    // Decodes a raw message of this connection (it takes its fds from `fds`) and learns from
    // it. An unknown object, interface or opcode is an error.
    std::variant<Message, std::string> decode(const RawMessage& raw, Direction direction,
                                              const Protocols& protocols, std::deque<int>& fds);

private:
    std::map<std::uint32_t, std::string> objects_;
    std::uint32_t max_client_id_ = 1;
};

} // namespace prism::trace
