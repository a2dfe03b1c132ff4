// Shared pieces of the virtio-wl codec tests: hand-written golden messages and gtest printers.
#pragma once

#include "vmbridge/virtio_wl/codec.hpp"

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <ostream>
#include <string>
#include <vector>

namespace prism::vmbridge::virtio_wl {

void PrintTo(const ParseError& error, std::ostream* os);

} // namespace prism::vmbridge::virtio_wl

namespace prism::vmbridge::virtio_wl::test {

using Bytes = std::vector<std::uint8_t>;

// `bytes` followed by zeros up to `pad_to` bytes (if longer than that, unchanged).
Bytes B(std::initializer_list<int> bytes, std::size_t pad_to = 0);
// The first `n` bytes of `bytes`.
Bytes prefix(const Bytes& bytes, std::size_t n);

inline constexpr Features kAll = Features::all_wl(); // TRANS_FLAGS | SEND_FENCES | USE_SHMEM
inline constexpr Features kLegacy = Features::none();
inline constexpr Features kTransOnly = Features::none().with(kFeatureTransFlags);

// A message as hand-written bytes (from the layouts of §1.4) and the value they mean.
// `stages`: the lengths at which a prefix stops being truncated, in order (the header, then the
// fixed body, then the entries a count announces). A prefix shorter than stages[i] (and not
// shorter than stages[i-1]) must fail Truncated with detail stages[i]; a prefix at least
// stages.back() long parses (trailing data cut to what is there).
template <class Message> struct Golden {
    std::string name;
    Features features;
    Bytes bytes;
    Message value;
    std::vector<std::size_t> stages;
};

std::vector<Golden<Command>> command_goldens();
std::vector<Golden<Response>> response_goldens();
std::vector<Golden<InQueueMessage>> in_queue_goldens();

// `message` with its trailing data (if it has any) cut to `size` bytes.
template <class Variant> Variant with_data_size(Variant message, std::size_t size) {
    std::visit(
        [size](auto& m) {
            if constexpr (requires { m.data; }) {
                m.data.resize(size);
            }
        },
        message);
    return message;
}

} // namespace prism::vmbridge::virtio_wl::test
