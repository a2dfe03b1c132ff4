// A Wayland client made of hand-built wire messages, running over one virtio-wl context of
// the guest-driver double: what a guest proxy forwards, byte for byte.
//
// Requests are built with Message; events are split from the context's VFD_RECV data, and fds
// (host VFD ids) are queued in arrival order, as libwayland does.
#pragma once

#include "wl0.hpp"

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace prism::vmbridge::guest {

// One request: object id, opcode, then arguments in wire order.
class Message {
public:
    Message(std::uint32_t object, std::uint16_t opcode);
    Message& u(std::uint32_t value);
    Message& i(std::int32_t value);
    Message& s(std::string_view text);
    Message& a(std::span<const std::uint8_t> bytes);
    std::vector<std::uint8_t> bytes() const; // with the size filled in

private:
    std::vector<std::uint8_t> bytes_;
};

struct Event {
    std::uint32_t object = 0;
    std::uint16_t opcode = 0;
    std::vector<std::uint8_t> args;
};

// Reads an event's arguments in order; `ok()` turns false on any overrun.
class ArgReader {
public:
    explicit ArgReader(const Event& event)
        : args_(event.args) {}
    std::uint32_t u();
    std::int32_t i() { return static_cast<std::int32_t>(u()); }
    std::string s();
    std::vector<std::uint8_t> a();
    bool ok() const { return ok_; }

private:
    const std::vector<std::uint8_t>& args_;
    std::size_t at_ = 0;
    bool ok_ = true;
};

class WaylandSession {
public:
    // Opens a context (VFD_NEW_CTX, or _NAMED when `name` is set). Throws on failure.
    explicit WaylandSession(GuestDriver& driver, std::optional<std::string> name = std::nullopt);

    std::uint32_t context() const { return ctx_; }
    std::uint32_t new_id() { return next_id_++; }

    // Sends one request (with VFDs for its fd arguments); returns the driver's errno.
    int send(const Message& message, const std::vector<std::uint32_t>& vfds = {});
    // Receives what the context has; false on timeout. Events land in `events`, fds in `fds`.
    bool receive(std::chrono::milliseconds timeout);
    // Waits until an event matches; returns it (removed from `events`), or nullopt.
    std::optional<Event> wait_for(std::uint32_t object, std::uint16_t opcode,
                                  std::chrono::milliseconds timeout = std::chrono::seconds(10));
    // wl_display.sync and wait for its done.
    bool roundtrip(std::chrono::milliseconds timeout = std::chrono::seconds(10));
    // wl_display.get_registry and a roundtrip; fills `globals`.
    bool get_registry();
    // wl_registry.bind of the global with `interface`; returns the new object id (0 if none).
    std::uint32_t bind(const std::string& interface, std::uint32_t version);

    struct Global {
        std::uint32_t name = 0;
        std::uint32_t version = 0;
    };
    std::map<std::string, Global> globals;
    std::deque<Event> events;
    std::deque<std::uint32_t> fds;
    bool hung_up = false;
    std::optional<std::string> protocol_error; // wl_display.error, as "object code message"

private:
    void handle_core(const Event& event);

    GuestDriver& driver_;
    std::uint32_t ctx_ = 0;
    std::uint32_t next_id_ = 2; // 1 is wl_display
    std::uint32_t registry_ = 0;
    std::vector<std::uint8_t> buffer_;
};

} // namespace prism::vmbridge::guest
