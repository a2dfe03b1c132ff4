// The real prism binary with [vmbridge] enabled, driven through its test transport socket by
// the guest-driver double: a "VM" runs a Wayland session of hand-built wire messages, and the
// window it makes must show up with the VM's origin, frame and exact pixels. The tests that are
// about the device rather than the transport (TEST_P) run twice: through the test transport,
// and through the vhost-user rings of prism-vhost-wl driven by the frontend double.
#include "guest/link.hpp"
#include "guest/wayland_session.hpp"
#include "guest/wl0.hpp"
#include "tests/integration/harness.hpp"
#include "tests/integration/screenshot.hpp"
#include "vhost/frontend.hpp"
#include "vmbridge/device/test_transport_wire.hpp"
#include "vmbridge/virtio_wl/le.hpp"

#include <cstring>
#include <gtest/gtest.h>
#include <thread>

namespace prism::test {
namespace {

using namespace std::chrono_literals;
using vmbridge::guest::ArgReader;
using vmbridge::guest::GuestDriver;
using vmbridge::guest::Message;
using vmbridge::guest::SocketLink;
using vmbridge::guest::WaylandSession;

const std::string kBridge = "[vmbridge]\nenabled = true\n";
const Rgb kWork = rgb(0x3465a4);

std::filesystem::path bridge_socket(Prism& prism, const std::string& vm) {
    return prism.runtime_dir() / ("prism-vmbridge-" + vm + ".sock");
}

// How the guest-driver double reaches the device.
enum class Via { TestTransport, VhostUser };

std::string bridge_config(Via via) {
    return via == Via::VhostUser ? kBridge + "transport = \"vhost-user\"\n" : kBridge;
}

std::unique_ptr<vmbridge::guest::GuestLink> connect(Prism& prism, const std::string& vm, Via via) {
    if (via == Via::VhostUser) {
        return std::make_unique<vmbridge::vhost_test::Frontend>(prism.runtime_dir() /
                                                                ("prism-vhost-wl-" + vm + ".sock"));
    }
    return std::make_unique<SocketLink>(bridge_socket(prism, vm));
}

class VmbridgeEndToEndVia : public ::testing::TestWithParam<Via> {};

std::string via_name(const ::testing::TestParamInfo<Via>& info) {
    return info.param == Via::VhostUser ? "VhostUser" : "TestTransport";
}

nlohmann::json vm_state(Prism& prism, const std::string& vm) {
    for (const auto& entry : prism.ctl("vms")) {
        if (entry["name"] == vm) {
            return entry;
        }
    }
    return nullptr;
}

// wayland.xml / xdg-shell.xml opcodes used below.
namespace op {
constexpr std::uint16_t kCompositorCreateSurface = 0;
constexpr std::uint16_t kShmCreatePool = 0;
constexpr std::uint16_t kPoolCreateBuffer = 0;
constexpr std::uint16_t kSurfaceAttach = 1, kSurfaceDamage = 2, kSurfaceCommit = 6;
constexpr std::uint16_t kSeatGetKeyboard = 1;
constexpr std::uint16_t kKeyboardKeymap = 0; // event
constexpr std::uint16_t kWmBaseGetXdgSurface = 2;
constexpr std::uint16_t kXdgSurfaceGetToplevel = 1, kXdgSurfaceAckConfigure = 4;
constexpr std::uint16_t kXdgSurfaceConfigure = 0; // event
constexpr std::uint16_t kToplevelSetTitle = 2;
constexpr std::uint32_t kFormatXrgb8888 = 1;
} // namespace op

TEST_P(VmbridgeEndToEndVia, GuestWindowShowsItsPixelsWithTheVmsOriginAndFrame) {
    Prism prism({{"work", "#3465a4", {}, bridge_config(GetParam())}});
    const auto link = connect(prism, "work", GetParam());
    GuestDriver guest(*link);
    WaylandSession session(guest);
    ASSERT_TRUE(session.get_registry());
    const std::uint32_t compositor = session.bind("wl_compositor", 4);
    const std::uint32_t shm = session.bind("wl_shm", 1);
    const std::uint32_t wm_base = session.bind("xdg_wm_base", 1);
    const std::uint32_t seat = session.bind("wl_seat", 1);
    ASSERT_TRUE(compositor && shm && wm_base && seat);
    EXPECT_EQ(session.globals.count("zwlr_screencopy_manager_v1"), 0u) << "VM sees host globals";

    const std::uint32_t surface = session.new_id();
    const std::uint32_t xdg_surface = session.new_id();
    const std::uint32_t toplevel = session.new_id();
    ASSERT_EQ(session.send(Message(compositor, op::kCompositorCreateSurface).u(surface)), 0);
    ASSERT_EQ(session.send(Message(wm_base, op::kWmBaseGetXdgSurface).u(xdg_surface).u(surface)),
              0);
    ASSERT_EQ(session.send(Message(xdg_surface, op::kXdgSurfaceGetToplevel).u(toplevel)), 0);
    ASSERT_EQ(session.send(Message(toplevel, op::kToplevelSetTitle).s("drawn in a vm")), 0);
    ASSERT_EQ(session.send(Message(surface, op::kSurfaceCommit)), 0);
    auto configure = session.wait_for(xdg_surface, op::kXdgSurfaceConfigure);
    ASSERT_TRUE(configure) << session.protocol_error.value_or("no configure");
    ASSERT_EQ(session.send(
                  Message(xdg_surface, op::kXdgSurfaceAckConfigure).u(ArgReader(*configure).u())),
              0);

    // Pixels drawn into ALLOC'd memory through the region mapping: left half one colour,
    // right half another, one marker row.
    constexpr int kWidth = 200, kHeight = 120, kStride = kWidth * 4;
    std::uint32_t memory = 0;
    ASSERT_EQ(guest.new_alloc(kStride * kHeight, &memory), 0);
    auto mapping = guest.mmap(memory, true);
    ASSERT_TRUE(mapping);
    auto pixel = [](int x, int y) -> std::uint32_t {
        if (y == 60) {
            return 0x00ffff00; // a yellow row
        }
        return x < kWidth / 2 ? 0x00d03020 : 0x0020c0d0;
    };
    for (int y = 0; y < kHeight; ++y) {
        for (int x = 0; x < kWidth; ++x) {
            const std::uint32_t value = pixel(x, y);
            std::memcpy(mapping->bytes() + y * kStride + x * 4, &value, 4);
        }
    }
    const std::uint32_t pool = session.new_id();
    const std::uint32_t buffer = session.new_id();
    ASSERT_EQ(session.send(Message(shm, op::kShmCreatePool).u(pool).i(kStride * kHeight), {memory}),
              0);
    ASSERT_EQ(session.send(Message(pool, op::kPoolCreateBuffer)
                               .u(buffer)
                               .i(0)
                               .i(kWidth)
                               .i(kHeight)
                               .i(kStride)
                               .u(op::kFormatXrgb8888)),
              0);
    ASSERT_EQ(session.send(Message(surface, op::kSurfaceAttach).u(buffer).i(0).i(0)), 0);
    ASSERT_EQ(session.send(Message(surface, op::kSurfaceDamage).i(0).i(0).i(kWidth).i(kHeight)), 0);
    ASSERT_EQ(session.send(Message(surface, op::kSurfaceCommit)), 0);
    ASSERT_TRUE(session.roundtrip());
    ASSERT_FALSE(session.protocol_error) << *session.protocol_error;

    ASSERT_TRUE(eventually([&] { return prism.windows_of("work").size() == 1; })) << prism.log();
    const auto window = prism.windows_of("work")[0];
    EXPECT_EQ(window["vm"], "work");
    EXPECT_EQ(window["title"], "drawn in a vm");
    EXPECT_EQ(window["width"], kWidth);
    EXPECT_EQ(window["height"], kHeight);
    const auto state = vm_state(prism, "work");
    EXPECT_EQ(state["clients"], 1) << state.dump();
    EXPECT_EQ(state["vmbridge"]["connected"], true) << state.dump();
    EXPECT_EQ(state["vmbridge"]["contexts"], 1) << state.dump();

    const int x0 = window["x"], y0 = window["y"];
    Image image;
    // The first frame may still be on its way: wait for the pixels.
    eventually([&] {
        image = screenshot(prism, "vmbridge-window");
        return image.at(x0 + 5, y0 + 5) == rgb(0xd03020);
    });
    int wrong = 0;
    std::string first_wrong;
    for (int y = 0; y < kHeight; ++y) {
        for (int x = 0; x < kWidth; ++x) {
            if (image.at(x0 + x, y0 + y) != rgb(pixel(x, y))) {
                if (wrong++ == 0) {
                    first_wrong = std::to_string(x) + "," + std::to_string(y) + " is " +
                                  to_string(image.at(x0 + x, y0 + y));
                }
            }
        }
    }
    EXPECT_EQ(wrong, 0) << "first wrong pixel " << first_wrong;
    // The frame prism draws around it is the VM's colour.
    EXPECT_EQ(image.at(x0 - 1, y0 + kHeight / 2), kWork);
    EXPECT_EQ(image.at(x0 + kWidth, y0 + kHeight / 2), kWork);
    EXPECT_EQ(image.at(x0 + kWidth / 2, y0 + kHeight), kWork);

    // Zero copies: the guest redraws in place and re-attaches the same buffer; no pixel
    // travels through the transport, yet prism shows the new ones.
    for (int y = 0; y < kHeight; ++y) {
        for (int x = 0; x < kWidth; ++x) {
            const std::uint32_t value = 0x00102030;
            std::memcpy(mapping->bytes() + y * kStride + x * 4, &value, 4);
        }
    }
    ASSERT_EQ(session.send(Message(surface, op::kSurfaceDamage).i(0).i(0).i(kWidth).i(kHeight)), 0);
    ASSERT_EQ(session.send(Message(surface, op::kSurfaceAttach).u(buffer).i(0).i(0)), 0);
    ASSERT_EQ(session.send(Message(surface, op::kSurfaceCommit)), 0);
    ASSERT_TRUE(session.roundtrip());
    EXPECT_TRUE(eventually([&] {
        image = screenshot(prism, "vmbridge-window-redrawn");
        return image.at(x0 + 150, y0 + 100) == rgb(0x102030);
    }));

    // The keymap arrives as a host VFD whose memory the guest can map and read.
    const std::uint32_t keyboard = session.new_id();
    ASSERT_EQ(session.send(Message(seat, op::kSeatGetKeyboard).u(keyboard)), 0);
    auto keymap = session.wait_for(keyboard, op::kKeyboardKeymap);
    ASSERT_TRUE(keymap);
    ArgReader args(*keymap);
    EXPECT_EQ(args.u(), 1u); // WL_KEYBOARD_KEYMAP_FORMAT_XKB_V1
    const std::uint32_t size = args.u();
    ASSERT_FALSE(session.fds.empty());
    const std::uint32_t keymap_vfd = session.fds.front();
    ASSERT_NE(guest.vfd(keymap_vfd), nullptr);
    EXPECT_TRUE(guest.vfd(keymap_vfd)->host);
    EXPECT_GE(guest.vfd(keymap_vfd)->size, size);
    auto keymap_memory = guest.mmap(keymap_vfd, false);
    ASSERT_TRUE(keymap_memory);
    const std::string text(reinterpret_cast<const char*>(keymap_memory->bytes()), size - 1);
    EXPECT_EQ(text.rfind("xkb_keymap", 0), 0u) << text.substr(0, 64);
    EXPECT_NE(text.find("xkb_symbols"), std::string::npos);

    prism.stop();
}

TEST_P(VmbridgeEndToEndVia, AGuestThatNeverReadsStallsOnlyItself) {
    Prism prism({{"stuck", "red", {}, bridge_config(GetParam())},
                 {"work", "#3465a4", {}, bridge_config(GetParam())}});
    const auto stuck_link = connect(prism, "stuck", GetParam());
    GuestDriver stuck(*stuck_link, GuestDriver::Options{.in_buffers = 4, .repost = false});
    WaylandSession flood(stuck);
    std::vector<std::uint32_t> callbacks;
    for (int i = 0; i < 300; ++i) {
        callbacks.push_back(flood.new_id());
        ASSERT_EQ(flood.send(Message(1, 0).u(callbacks.back())), 0); // wl_display.sync
    }
    ASSERT_TRUE(eventually([&] {
        const auto state = vm_state(prism, "stuck")["vmbridge"];
        return state.contains("reading") && state["reading"] == false;
    })) << vm_state(prism, "stuck").dump();
    EXPECT_LE(vm_state(prism, "stuck")["vmbridge"]["queued_messages"].get<int>(), 256);

    // Another VM's guest, meanwhile, runs normally.
    const auto work_link = connect(prism, "work", GetParam());
    GuestDriver work(*work_link);
    WaylandSession session(work);
    ASSERT_TRUE(session.get_registry());
    for (int i = 0; i < 20; ++i) {
        ASSERT_TRUE(session.roundtrip(5s)) << i;
    }
    EXPECT_EQ(vm_state(prism, "work")["vmbridge"]["reading"], true);

    // The stuck guest catches up: every callback arrives; nothing was lost.
    stuck.post_in_buffers(4096);
    for (std::uint32_t callback : callbacks) {
        ASSERT_TRUE(flood.wait_for(callback, 0, 10s)) << "callback " << callback << " lost";
    }
    prism.stop();
}

TEST(VmbridgeEndToEnd, GuestVanishingMidSendCleansUpAndTheVmCanReconnect) {
    Prism prism({{"work", "#3465a4", {}, kBridge}});
    {
        SocketLink link(bridge_socket(prism, "work"));
        GuestDriver guest(link);
        WaylandSession session(guest);
        ASSERT_TRUE(session.get_registry());
        std::uint32_t memory = 0;
        ASSERT_EQ(guest.new_alloc(1 << 20, &memory), 0);
        // Half a Wayland message, then the VMM is gone.
        std::vector<std::uint8_t> half = Message(1, 0).u(99).bytes();
        half.resize(6);
        ASSERT_EQ(guest.send(session.context(), half), 0);
        ASSERT_TRUE(eventually([&] { return vm_state(prism, "work")["clients"] == 1; }));
        // A second VMM is refused while one is connected.
        EXPECT_THROW(SocketLink second(bridge_socket(prism, "work")), std::runtime_error);
        link.disconnect();
    }
    ASSERT_TRUE(eventually([&] {
        const auto state = vm_state(prism, "work");
        return state["clients"] == 0 && state["vmbridge"]["connected"] == false;
    })) << vm_state(prism, "work").dump();
    ASSERT_TRUE(prism.process().running());

    SocketLink link(bridge_socket(prism, "work"));
    GuestDriver guest(link);
    WaylandSession session(guest);
    EXPECT_TRUE(session.get_registry());
    EXPECT_EQ(vm_state(prism, "work")["vmbridge"]["shm_bytes"], 0);
    prism.stop();
}

TEST_P(VmbridgeEndToEndVia, AThousandContextsComeAndGoWithoutALeakInPrism) {
    Prism prism({{"work", "#3465a4", {}, bridge_config(GetParam())}});
    const auto link = connect(prism, "work", GetParam());
    GuestDriver guest(*link);
    for (int i = 0; i < 1000; ++i) {
        WaylandSession session(guest);
        ASSERT_TRUE(session.roundtrip()) << "context " << i;
        ASSERT_EQ(guest.close(session.context()), 0);
    }
    ASSERT_TRUE(eventually([&] { return vm_state(prism, "work")["clients"] == 0; }));
    const auto state = vm_state(prism, "work")["vmbridge"];
    EXPECT_EQ(state["vfds"], 0) << state.dump();
    EXPECT_EQ(state["contexts"], 0) << state.dump();
    // prism runs under LeakSanitizer: a leak per context would fail its exit here.
    prism.stop();
}

TEST_P(VmbridgeEndToEndVia, NamedContextsReachPrismOnlyUnderConfiguredNames) {
    Prism prism(
        {{"work", "#3465a4", {}, bridge_config(GetParam()) + "context_names = [\"camera\"]\n"}});
    const auto link = connect(prism, "work", GetParam());
    GuestDriver guest(*link);
    std::uint32_t id = 0;
    EXPECT_EQ(guest.new_ctx_named("nope", &id), -ENODEV);
    WaylandSession camera(guest, "camera");
    ASSERT_TRUE(camera.get_registry());
    EXPECT_EQ(vm_state(prism, "work")["clients"], 1);
    prism.stop();
}

TEST(VmbridgeEndToEnd, MalformedTransportPacketsEndOnlyThatConnection) {
    Prism prism({{"work", "#3465a4", {}, kBridge}});
    namespace wire = vmbridge::device::test_wire;
    for (std::vector<std::uint8_t> packet : {
             std::vector<std::uint8_t>{1, 2},                      // shorter than a tag
             std::vector<std::uint8_t>{0x99, 0, 0, 0},             // unknown tag
             std::vector<std::uint8_t>{wire::kCredit, 0, 0, 0, 1}, // bad credit size
             std::vector<std::uint8_t>{wire::kCredit, 0, 0, 0, 0xff, 0xff, 0, 0}, // > a queue
         }) {
        SocketLink link(bridge_socket(prism, "work"), false);
        link.send_raw(packet);
        EXPECT_FALSE(link.read_packet(5s));
        EXPECT_TRUE(link.closed());
        ASSERT_TRUE(
            eventually([&] { return vm_state(prism, "work")["vmbridge"]["connected"] == false; }));
    }
    // A request larger than the transport allows.
    {
        SocketLink link(bridge_socket(prism, "work"));
        std::vector<std::uint8_t> big(wire::kMaxRequestPacket + 1, 0);
        vmbridge::virtio_wl::store_le32(big, 0, wire::kRequest);
        link.send_raw(big);
        EXPECT_FALSE(link.read_packet(5s));
        EXPECT_TRUE(link.closed());
    }
    // Every virtio-wl error still comes back as a response, not a disconnect.
    SocketLink link(bridge_socket(prism, "work"));
    GuestDriver guest(link);
    std::uint32_t id = 0;
    EXPECT_EQ(guest.new_ctx_named("nope", &id), -ENODEV);
    EXPECT_EQ(guest.new_dmabuf(1, 1, 0, &id), -ENOTTY);
    EXPECT_EQ(guest.close(0x123), -ENOENT);
    EXPECT_TRUE(prism.process().running());
    prism.stop();
}

TEST(VmbridgeEndToEnd, ReloadOpensKeepsAndClosesTheDevice) {
    Prism prism({{"work", "#3465a4", {}, ""}});
    const auto socket = bridge_socket(prism, "work");
    EXPECT_FALSE(std::filesystem::exists(socket));
    EXPECT_FALSE(vm_state(prism, "work").contains("vmbridge"));

    prism.write_vm({"work", "#3465a4", {}, kBridge});
    prism.ctl("reload");
    ASSERT_TRUE(std::filesystem::exists(socket));
    SocketLink link(socket);
    GuestDriver guest(link);
    WaylandSession session(guest);
    ASSERT_TRUE(session.get_registry());

    // New limits keep the socket and the connected VMM (they apply from its next connection).
    prism.write_vm({"work", "#3465a4", {}, kBridge + "max_vfds = 8\n"});
    prism.ctl("reload");
    EXPECT_TRUE(session.roundtrip());
    EXPECT_EQ(vm_state(prism, "work")["vmbridge"]["connected"], true);

    // Turning it off closes the socket, the connection and the VM's contexts.
    prism.write_vm({"work", "#3465a4", {}, ""});
    prism.ctl("reload");
    EXPECT_FALSE(std::filesystem::exists(socket));
    while (link.read_packet(5s)) {
    }
    EXPECT_TRUE(link.closed());
    EXPECT_TRUE(eventually([&] { return vm_state(prism, "work")["clients"] == 0; }));

    // A bad [vmbridge] section is rejected whole, like any configuration error.
    prism.write_vm({"work", "#3465a4", {}, kBridge + "max_vfds = 0\n"});
    std::string output;
    EXPECT_NE(prism.ctl_raw({"reload"}, &output), 0);
    EXPECT_NE(output.find("vmbridge.max_vfds"), std::string::npos) << output;
    EXPECT_FALSE(std::filesystem::exists(socket));
    prism.stop();
}

TEST_P(VmbridgeEndToEndVia, SameVmPasteFlowsThroughAGuestPipe) {
    Prism prism({{"work", "#3465a4", {}, bridge_config(GetParam())}});
    const auto link = connect(prism, "work", GetParam());
    GuestDriver guest(*link);
    WaylandSession session(guest);
    ASSERT_TRUE(session.get_registry());
    const std::uint32_t compositor = session.bind("wl_compositor", 4);
    const std::uint32_t shm = session.bind("wl_shm", 1);
    const std::uint32_t wm_base = session.bind("xdg_wm_base", 1);
    const std::uint32_t seat = session.bind("wl_seat", 1);
    const std::uint32_t manager = session.bind("wl_data_device_manager", 3);
    ASSERT_TRUE(compositor && shm && wm_base && seat && manager);

    // A keyboard, and a mapped window that takes keyboard focus: its enter serial is what
    // wl_data_device.set_selection needs.
    const std::uint32_t keyboard = session.new_id();
    ASSERT_EQ(session.send(Message(seat, op::kSeatGetKeyboard).u(keyboard)), 0);
    ASSERT_TRUE(session.wait_for(keyboard, op::kKeyboardKeymap));
    session.fds.clear(); // the keymap's VFD
    const std::uint32_t surface = session.new_id(), xdg_surface = session.new_id(),
                        toplevel = session.new_id();
    ASSERT_EQ(session.send(Message(compositor, op::kCompositorCreateSurface).u(surface)), 0);
    ASSERT_EQ(session.send(Message(wm_base, op::kWmBaseGetXdgSurface).u(xdg_surface).u(surface)),
              0);
    ASSERT_EQ(session.send(Message(xdg_surface, op::kXdgSurfaceGetToplevel).u(toplevel)), 0);
    ASSERT_EQ(session.send(Message(surface, op::kSurfaceCommit)), 0);
    auto configure = session.wait_for(xdg_surface, op::kXdgSurfaceConfigure);
    ASSERT_TRUE(configure);
    ASSERT_EQ(session.send(
                  Message(xdg_surface, op::kXdgSurfaceAckConfigure).u(ArgReader(*configure).u())),
              0);
    std::uint32_t memory = 0;
    ASSERT_EQ(guest.new_alloc(64 * 64 * 4, &memory), 0);
    const std::uint32_t pool = session.new_id(), buffer = session.new_id();
    ASSERT_EQ(session.send(Message(shm, op::kShmCreatePool).u(pool).i(64 * 64 * 4), {memory}), 0);
    ASSERT_EQ(session.send(Message(pool, op::kPoolCreateBuffer)
                               .u(buffer)
                               .i(0)
                               .i(64)
                               .i(64)
                               .i(64 * 4)
                               .u(op::kFormatXrgb8888)),
              0);
    ASSERT_EQ(session.send(Message(surface, op::kSurfaceAttach).u(buffer).i(0).i(0)), 0);
    ASSERT_EQ(session.send(Message(surface, op::kSurfaceCommit)), 0);
    constexpr std::uint16_t kKeyboardEnter = 1;
    auto enter = session.wait_for(keyboard, kKeyboardEnter);
    ASSERT_TRUE(enter) << prism.log();
    const std::uint32_t serial = ArgReader(*enter).u();

    // wl_data_device_manager / wl_data_source / wl_data_device / wl_data_offer opcodes.
    constexpr std::uint16_t kCreateDataSource = 0, kGetDataDevice = 1, kSourceOffer = 0,
                            kSetSelection = 1, kOfferReceive = 1;
    constexpr std::uint16_t kDeviceDataOffer = 0, kDeviceSelection = 5, kSourceSend = 1;
    const std::uint32_t device = session.new_id(), source = session.new_id();
    ASSERT_EQ(session.send(Message(manager, kGetDataDevice).u(device).u(seat)), 0);
    ASSERT_EQ(session.send(Message(manager, kCreateDataSource).u(source)), 0);
    ASSERT_EQ(session.send(Message(source, kSourceOffer).s("text/plain;charset=utf-8")), 0);
    ASSERT_EQ(session.send(Message(device, kSetSelection).u(source).u(serial)), 0);

    // The focused client (this one) is offered the selection (after the empty selection it
    // was sent when it got its data device) ...
    auto offer_event = session.wait_for(device, kDeviceDataOffer);
    ASSERT_TRUE(offer_event) << prism.log();
    const std::uint32_t offer = ArgReader(*offer_event).u();
    std::uint32_t selected = 0;
    while (selected == 0) {
        auto selection = session.wait_for(device, kDeviceSelection);
        ASSERT_TRUE(selection);
        selected = ArgReader(*selection).u();
    }
    EXPECT_EQ(selected, offer);

    // ... and pastes it into a guest pipe (NEW_PIPE READ), passed as receive()'s fd.
    std::uint32_t pipe = 0;
    ASSERT_EQ(guest.new_pipe_read(&pipe), 0);
    ASSERT_EQ(session.send(Message(offer, kOfferReceive).s("text/plain;charset=utf-8"), {pipe}), 0);

    // The source side gets send(mime, fd): the fd is the pipe's write end, now a host VFD.
    auto send_event = session.wait_for(source, kSourceSend);
    ASSERT_TRUE(send_event) << prism.log();
    EXPECT_EQ(ArgReader(*send_event).s(), "text/plain;charset=utf-8");
    ASSERT_EQ(session.fds.size(), 1u);
    const std::uint32_t write_end = session.fds.front();
    ASSERT_NE(guest.vfd(write_end), nullptr);
    EXPECT_EQ(guest.vfd(write_end)->flags, vmbridge::virtio_wl::kVfdWrite);
    const std::string text = "pasted from the vm";
    ASSERT_EQ(guest.send(write_end, std::span(reinterpret_cast<const std::uint8_t*>(text.data()),
                                              text.size())),
              0);
    ASSERT_EQ(guest.close(write_end), 0);

    std::string pasted;
    for (;;) {
        GuestDriver::Received received;
        ASSERT_EQ(guest.recv(pipe, &received), 0) << "pasted so far: " << pasted;
        if (received.eof) {
            break;
        }
        pasted.append(received.data.begin(), received.data.end());
    }
    EXPECT_EQ(pasted, text);
    prism.stop();
}

INSTANTIATE_TEST_SUITE_P(Transports, VmbridgeEndToEndVia,
                         ::testing::Values(Via::TestTransport, Via::VhostUser), via_name);

} // namespace
} // namespace prism::test
