// Little-endian loads and stores on byte buffers, independent of the host's byte order and of
// alignment (no casts of buffer pointers). Callers check bounds first; the asserts only catch
// codec bugs.
#pragma once

#include <cassert>
#include <cstddef>
#include <cstdint>
#include <span>

namespace prism::vmbridge::virtio_wl {

template <class T> constexpr T load_le(std::span<const std::uint8_t> buffer, std::size_t offset) {
    assert(offset <= buffer.size() && sizeof(T) <= buffer.size() - offset);
    T value = 0;
    for (std::size_t i = 0; i < sizeof(T); ++i) {
        value |= static_cast<T>(static_cast<T>(buffer[offset + i]) << (8 * i));
    }
    return value;
}

template <class T>
constexpr void store_le(std::span<std::uint8_t> buffer, std::size_t offset, T value) {
    assert(offset <= buffer.size() && sizeof(T) <= buffer.size() - offset);
    for (std::size_t i = 0; i < sizeof(T); ++i) {
        buffer[offset + i] = static_cast<std::uint8_t>(value >> (8 * i));
    }
}

constexpr std::uint16_t load_le16(std::span<const std::uint8_t> b, std::size_t offset) {
    return load_le<std::uint16_t>(b, offset);
}
constexpr std::uint32_t load_le32(std::span<const std::uint8_t> b, std::size_t offset) {
    return load_le<std::uint32_t>(b, offset);
}
constexpr std::uint64_t load_le64(std::span<const std::uint8_t> b, std::size_t offset) {
    return load_le<std::uint64_t>(b, offset);
}
constexpr void store_le16(std::span<std::uint8_t> b, std::size_t offset, std::uint16_t v) {
    store_le<std::uint16_t>(b, offset, v);
}
constexpr void store_le32(std::span<std::uint8_t> b, std::size_t offset, std::uint32_t v) {
    store_le<std::uint32_t>(b, offset, v);
}
constexpr void store_le64(std::span<std::uint8_t> b, std::size_t offset, std::uint64_t v) {
    store_le<std::uint64_t>(b, offset, v);
}

} // namespace prism::vmbridge::virtio_wl
