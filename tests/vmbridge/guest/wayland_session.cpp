#include "wayland_session.hpp"

#include "vmbridge/virtio_wl/le.hpp"

#include <stdexcept>

namespace prism::vmbridge::guest {

using virtio_wl::load_le32;
using virtio_wl::store_le32;

namespace {
constexpr std::uint32_t kDisplay = 1;
constexpr std::uint16_t kDisplaySync = 0, kDisplayGetRegistry = 1;
constexpr std::uint16_t kDisplayError = 0, kDisplayDeleteId = 1;
constexpr std::uint16_t kRegistryBind = 0, kRegistryGlobal = 0;
constexpr std::uint16_t kCallbackDone = 0;

void append_u32(std::vector<std::uint8_t>& bytes, std::uint32_t value) {
    const std::size_t at = bytes.size();
    bytes.resize(at + 4);
    store_le32(bytes, at, value);
}
} // namespace

Message::Message(std::uint32_t object, std::uint16_t opcode) {
    append_u32(bytes_, object);
    append_u32(bytes_, opcode);
}

Message& Message::u(std::uint32_t value) {
    append_u32(bytes_, value);
    return *this;
}

Message& Message::i(std::int32_t value) {
    return u(static_cast<std::uint32_t>(value));
}

Message& Message::s(std::string_view text) {
    append_u32(bytes_, static_cast<std::uint32_t>(text.size() + 1));
    bytes_.insert(bytes_.end(), text.begin(), text.end());
    bytes_.push_back(0);
    while (bytes_.size() % 4 != 0) {
        bytes_.push_back(0);
    }
    return *this;
}

Message& Message::a(std::span<const std::uint8_t> bytes) {
    append_u32(bytes_, static_cast<std::uint32_t>(bytes.size()));
    bytes_.insert(bytes_.end(), bytes.begin(), bytes.end());
    while (bytes_.size() % 4 != 0) {
        bytes_.push_back(0);
    }
    return *this;
}

std::vector<std::uint8_t> Message::bytes() const {
    std::vector<std::uint8_t> out = bytes_;
    const std::uint32_t opcode = load_le32(out, 4) & 0xffff;
    store_le32(out, 4, static_cast<std::uint32_t>(out.size()) << 16 | opcode);
    return out;
}

std::uint32_t ArgReader::u() {
    if (!ok_ || at_ + 4 > args_.size()) {
        ok_ = false;
        return 0;
    }
    const std::uint32_t value = load_le32(args_, at_);
    at_ += 4;
    return value;
}

std::string ArgReader::s() {
    const std::uint32_t length = u();
    const std::size_t padded = (std::size_t{length} + 3) & ~std::size_t{3};
    if (!ok_ || length == 0 || at_ + padded > args_.size()) {
        ok_ = ok_ && length == 0;
        return {};
    }
    std::string text(reinterpret_cast<const char*>(args_.data() + at_), length - 1);
    at_ += padded;
    return text;
}

std::vector<std::uint8_t> ArgReader::a() {
    const std::uint32_t length = u();
    const std::size_t padded = (std::size_t{length} + 3) & ~std::size_t{3};
    if (!ok_ || at_ + padded > args_.size()) {
        ok_ = false;
        return {};
    }
    std::vector<std::uint8_t> bytes(args_.begin() + static_cast<std::ptrdiff_t>(at_),
                                    args_.begin() + static_cast<std::ptrdiff_t>(at_ + length));
    at_ += padded;
    return bytes;
}

WaylandSession::WaylandSession(GuestDriver& driver, std::optional<std::string> name)
    : driver_(driver) {
    const int err = name ? driver_.new_ctx_named(*name, &ctx_) : driver_.new_ctx(&ctx_);
    if (err != 0) {
        throw std::runtime_error("VFD_NEW_CTX failed: errno " + std::to_string(-err));
    }
}

int WaylandSession::send(const Message& message, const std::vector<std::uint32_t>& vfds) {
    return driver_.send(ctx_, message.bytes(), vfds);
}

bool WaylandSession::receive(std::chrono::milliseconds timeout) {
    GuestDriver::Received received;
    if (driver_.recv(ctx_, &received, timeout) != 0) {
        return false;
    }
    if (received.eof) {
        hung_up = true;
        return false;
    }
    fds.insert(fds.end(), received.ids.begin(), received.ids.end());
    buffer_.insert(buffer_.end(), received.data.begin(), received.data.end());
    while (buffer_.size() >= 8) {
        const std::uint32_t header = load_le32(buffer_, 4);
        const std::size_t size = header >> 16;
        if (size < 8) {
            throw std::runtime_error("malformed event from the compositor");
        }
        if (buffer_.size() < size) {
            break;
        }
        Event event;
        event.object = load_le32(buffer_, 0);
        event.opcode = static_cast<std::uint16_t>(header & 0xffff);
        event.args.assign(buffer_.begin() + 8, buffer_.begin() + static_cast<std::ptrdiff_t>(size));
        buffer_.erase(buffer_.begin(), buffer_.begin() + static_cast<std::ptrdiff_t>(size));
        handle_core(event);
        events.push_back(std::move(event));
    }
    return true;
}

void WaylandSession::handle_core(const Event& event) {
    if (event.object == kDisplay && event.opcode == kDisplayError) {
        ArgReader args(event);
        const std::uint32_t object = args.u();
        const std::uint32_t code = args.u();
        protocol_error = std::to_string(object) + " " + std::to_string(code) + " " + args.s();
    } else if (registry_ != 0 && event.object == registry_ && event.opcode == kRegistryGlobal) {
        ArgReader args(event);
        const std::uint32_t name = args.u();
        const std::string interface = args.s();
        const std::uint32_t version = args.u();
        globals[interface] = Global{name, version};
    }
    (void)kDisplayDeleteId;
}

std::optional<Event> WaylandSession::wait_for(std::uint32_t object, std::uint16_t opcode,
                                              std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        for (auto it = events.begin(); it != events.end(); ++it) {
            if (it->object == object && it->opcode == opcode) {
                Event event = std::move(*it);
                events.erase(it);
                return event;
            }
        }
        const auto now = std::chrono::steady_clock::now();
        if (now >= deadline || hung_up) {
            return std::nullopt;
        }
        receive(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now));
    }
}

bool WaylandSession::roundtrip(std::chrono::milliseconds timeout) {
    const std::uint32_t callback = new_id();
    if (send(Message(kDisplay, kDisplaySync).u(callback)) != 0) {
        return false;
    }
    return wait_for(callback, kCallbackDone, timeout).has_value();
}

bool WaylandSession::get_registry() {
    registry_ = new_id();
    if (send(Message(kDisplay, kDisplayGetRegistry).u(registry_)) != 0) {
        return false;
    }
    return roundtrip();
}

std::uint32_t WaylandSession::bind(const std::string& interface, std::uint32_t version) {
    auto it = globals.find(interface);
    if (it == globals.end()) {
        return 0;
    }
    const std::uint32_t id = new_id();
    if (send(Message(registry_, kRegistryBind).u(it->second.name).s(interface).u(version).u(id)) !=
        0) {
        return 0;
    }
    return id;
}

} // namespace prism::vmbridge::guest
