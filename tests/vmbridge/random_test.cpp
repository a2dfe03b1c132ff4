// Deterministic random input: parsing never crashes (CI runs this under ASan/UBSan), and
// whatever parses builds back to bytes that parse to the same value.
#include "test_support.hpp"

#include "vmbridge/virtio_wl/le.hpp"

#include <array>
#include <cstdint>
#include <gtest/gtest.h>

namespace prism::vmbridge::virtio_wl::test {
namespace {

// xorshift64*: fixed output on every platform (unlike the <random> distributions).
class Rng {
public:
    explicit Rng(std::uint64_t seed)
        : s_(seed) {}
    std::uint64_t next() {
        s_ ^= s_ >> 12;
        s_ ^= s_ << 25;
        s_ ^= s_ >> 27;
        return s_ * 0x2545F4914F6CDD1DULL;
    }
    std::uint32_t below(std::uint32_t n) { return static_cast<std::uint32_t>(next() % n); }

private:
    std::uint64_t s_;
};

constexpr std::array<std::uint32_t, 20> kTypes = {
    kCmdVfdNew,         kCmdVfdClose,   kCmdVfdSend,      kCmdVfdRecv,       kCmdVfdNewCtx,
    kCmdVfdNewPipe,     kCmdVfdHup,     kCmdVfdNewDmabuf, kCmdVfdDmabufSync, kCmdVfdSendForeignId,
    kCmdVfdNewCtxNamed, kRespOk,        kRespVfdNew,      kRespVfdNewDmabuf, kRespErr,
    kRespOutOfMemory,   kRespInvalidId, kRespInvalidType, kRespInvalidFlags, kRespInvalidCmd,
};

std::uint32_t interesting_id(Rng& rng) {
    switch (rng.below(6)) {
    case 0:
        return 1 + rng.below(kGuestIdMax);
    case 1:
        return kHostIdBase + rng.below(64);
    case 2:
        return 0;
    case 3:
        return kGuestIdMax + 1;
    case 4:
        return kVfdIllegalSignBit | rng.below(4);
    default:
        return static_cast<std::uint32_t>(rng.next());
    }
}

Bytes random_message(Rng& rng) {
    std::size_t size = rng.below(8) == 0 ? rng.below(kInBufferSize + 64) : rng.below(160);
    Bytes b(size);
    for (auto& byte : b) {
        byte = static_cast<std::uint8_t>(rng.next());
    }
    if (size >= 4 && rng.below(8) != 0) {
        store_le32(b, 0, kTypes[rng.below(kTypes.size())]);
    }
    if (size >= 12 && rng.below(2) == 0) {
        store_le32(b, 8, interesting_id(rng));
    }
    if (size >= 16 && rng.below(2) == 0) {
        store_le32(b, 12, rng.below(4) == 0 ? rng.below(32) : rng.below(8)); // flags or count
    }
    // Make id lists and foreign entries plausible some of the time, so parsing gets deep.
    for (std::size_t at = 16; at + 4 <= size && rng.below(4) != 0; at += 4) {
        store_le32(b, at, rng.below(3) == 0 ? rng.below(4) : interesting_id(rng));
    }
    if (size >= 64 && rng.below(4) == 0) {
        b[layout::kName + rng.below(layout::kNameSize)] = 0;
    }
    return b;
}

Features random_features(Rng& rng) {
    return Features{rng.below(16)}.wl_only();
}

struct Counts {
    std::size_t ok = 0;
    std::size_t errors = 0;
    std::array<std::size_t, 11> by_kind{};
};

void run_all(const Bytes& b, const Features& f, const DeviceSupport& support, Counts& counts) {
    auto cmd = parse_command(b, f, support);
    if (cmd.ok()) {
        ++counts.ok;
        auto again = parse_command(build(cmd.value(), f), f, support);
        ASSERT_TRUE(again.ok()) << ::testing::PrintToString(again.error());
        ASSERT_TRUE(again.value() == cmd.value());
    } else {
        ++counts.errors;
        ++counts.by_kind.at(static_cast<std::size_t>(cmd.error().kind));
        (void)error_response_for(cmd.error());
    }
    auto resp = parse_response(b, f);
    if (resp.ok()) {
        ++counts.ok;
        auto again = parse_response(build(resp.value()), f);
        ASSERT_TRUE(again.ok()) << ::testing::PrintToString(again.error());
        ASSERT_TRUE(again.value() == resp.value());
    } else {
        ++counts.by_kind.at(static_cast<std::size_t>(resp.error().kind));
    }
    auto in = parse_in_queue(b, f);
    if (in.ok()) {
        ++counts.ok;
        auto again = parse_in_queue(build(in.value()), f);
        ASSERT_TRUE(again.ok()) << ::testing::PrintToString(again.error());
        ASSERT_TRUE(again.value() == in.value());
    } else {
        ++counts.by_kind.at(static_cast<std::size_t>(in.error().kind));
    }
}

TEST(VirtioWlRandom, HundredThousandRandomBuffers) {
    Rng rng(0x7072'6973'6D00'0001ULL); // "prism", 1
    Counts counts;
    for (int i = 0; i < 100000; ++i) {
        const Bytes b = random_message(rng);
        const Features f = random_features(rng);
        const DeviceSupport support{.dmabuf = rng.below(4) != 0, .foreign_id = rng.below(4) != 0};
        run_all(b, f, support, counts);
        if (::testing::Test::HasFatalFailure()) {
            FAIL() << "iteration " << i;
        }
    }
    // The generator must reach both successful parses and every error class.
    EXPECT_GT(counts.ok, 5000u);
    for (std::size_t k = 0; k < counts.by_kind.size(); ++k) {
        EXPECT_GT(counts.by_kind[k], 0u)
            << "never produced " << kind_name(static_cast<ParseError::Kind>(k));
    }
}

TEST(VirtioWlRandom, MutatedGoldenMessages) {
    Rng rng(0x676F'6C64'656EULL); // "golden"
    Counts counts;
    std::vector<std::pair<Bytes, Features>> seeds;
    for (const auto& g : command_goldens()) {
        seeds.emplace_back(g.bytes, g.features);
    }
    for (const auto& g : response_goldens()) {
        seeds.emplace_back(g.bytes, g.features);
    }
    for (const auto& g : in_queue_goldens()) {
        seeds.emplace_back(g.bytes, g.features);
    }
    for (const auto& [seed, features] : seeds) {
        for (int i = 0; i < 2000; ++i) {
            Bytes b = seed;
            const std::uint32_t edits = 1 + rng.below(4);
            for (std::uint32_t e = 0; e < edits && !b.empty(); ++e) {
                switch (rng.below(4)) {
                case 0: // flip a bit
                    b[rng.below(static_cast<std::uint32_t>(b.size()))] ^=
                        static_cast<std::uint8_t>(1u << rng.below(8));
                    break;
                case 1: // replace a byte
                    b[rng.below(static_cast<std::uint32_t>(b.size()))] =
                        static_cast<std::uint8_t>(rng.next());
                    break;
                case 2: // cut
                    b.resize(rng.below(static_cast<std::uint32_t>(b.size())));
                    break;
                default: // grow
                    b.resize(b.size() + rng.below(40), static_cast<std::uint8_t>(rng.next()));
                    break;
                }
            }
            const Features f = rng.below(2) == 0 ? features : random_features(rng);
            run_all(b, f, DeviceSupport{}, counts);
            if (::testing::Test::HasFatalFailure()) {
                FAIL() << "seed message of " << seed.size() << " bytes, iteration " << i;
            }
        }
    }
    EXPECT_GT(counts.ok, 1000u);
}

} // namespace
} // namespace prism::vmbridge::virtio_wl::test
