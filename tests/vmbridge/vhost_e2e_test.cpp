// The real prism binary with `[vmbridge] transport = "vhost-user"`: the frontend double plays
// the VMM (crosvm's message order, then QEMU's) against prism-vhost-wl over real split rings,
// and the guest-driver double runs a Wayland session on top. Then hostile frontends, each of
// which must end only its own VM's device, with a log line, while prism and another VM go on.
#include "guest/wayland_session.hpp"
#include "guest/wl0.hpp"
#include "tests/integration/harness.hpp"
#include "tests/integration/screenshot.hpp"
#include "vhost/frontend.hpp"
#include "vmbridge/vhost_user/protocol.hpp"
#include "vmbridge/virtio_wl/codec.hpp"
#include "vmbridge/virtio_wl/le.hpp"

#include <csignal>
#include <cstring>
#include <deque>
#include <fstream>
#include <gtest/gtest.h>
#include <map>
#include <set>
#include <sstream>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

namespace prism::test {
namespace {

using namespace std::chrono_literals;
using sys::UniqueFd;
using vmbridge::guest::ArgReader;
using vmbridge::guest::GuestDriver;
using vmbridge::guest::Message;
using vmbridge::guest::SocketLink;
using vmbridge::guest::WaylandSession;
using vmbridge::vhost_test::Frontend;
using vmbridge::vhost_test::FrontendOptions;
namespace vu = vmbridge::vhost_user;

const std::string kVhost = "[vmbridge]\nenabled = true\ntransport = \"vhost-user\"\n";
const std::string kTestTransport = "[vmbridge]\nenabled = true\n";
const Rgb kWork = rgb(0x3465a4);

std::filesystem::path vhost_socket(Prism& prism, const std::string& vm) {
    return prism.runtime_dir() / ("prism-vhost-wl-" + vm + ".sock");
}

nlohmann::json bridge_state(Prism& prism, const std::string& vm) {
    for (const auto& entry : prism.ctl("vms")) {
        if (entry["name"] == vm) {
            return entry.value("vmbridge", nlohmann::json());
        }
    }
    return nullptr;
}

namespace op {
constexpr std::uint16_t kCompositorCreateSurface = 0;
constexpr std::uint16_t kShmCreatePool = 0;
constexpr std::uint16_t kPoolCreateBuffer = 0;
constexpr std::uint16_t kSurfaceAttach = 1, kSurfaceDamage = 2, kSurfaceCommit = 6;
constexpr std::uint16_t kWmBaseGetXdgSurface = 2;
constexpr std::uint16_t kXdgSurfaceGetToplevel = 1, kXdgSurfaceAckConfigure = 4;
constexpr std::uint16_t kXdgSurfaceConfigure = 0; // event
constexpr std::uint16_t kToplevelSetTitle = 2;
constexpr std::uint32_t kFormatXrgb8888 = 1;
} // namespace op

// The inodes of the memfds process `pid` maps.
std::vector<unsigned long> memfd_inodes(pid_t pid) {
    std::ifstream maps("/proc/" + std::to_string(pid) + "/maps");
    std::vector<unsigned long> inodes;
    std::string line;
    while (std::getline(maps, line)) {
        std::istringstream fields(line);
        std::string range, perms, offset, dev;
        unsigned long ino = 0;
        fields >> range >> perms >> offset >> dev >> ino;
        if (line.find("memfd:") != std::string::npos) {
            inodes.push_back(ino);
        }
    }
    return inodes;
}

// The inode of the memory mapped at `address` in this process (/proc/self/maps), or 0.
unsigned long inode_at(const void* address) {
    std::ifstream maps("/proc/self/maps");
    const auto at = reinterpret_cast<std::uintptr_t>(address);
    std::string line;
    while (std::getline(maps, line)) {
        std::istringstream fields(line);
        std::string range, perms, offset, dev;
        unsigned long ino = 0;
        fields >> range >> perms >> offset >> dev >> ino;
        const auto dash = range.find('-');
        if (at >= std::stoull(range.substr(0, dash), nullptr, 16) &&
            at < std::stoull(range.substr(dash + 1), nullptr, 16)) {
            return ino;
        }
    }
    return 0;
}

// A toplevel of kWidth x kHeight drawn into VFD_NEW memory and committed; returns the guest's
// memory VFD.
struct Window {
    static constexpr int kWidth = 160, kHeight = 100, kStride = kWidth * 4;
    std::uint32_t memory = 0;
    std::uint32_t surface = 0, buffer = 0;
    std::optional<GuestDriver::Mapping> mapping;
};

Window draw_window(GuestDriver& guest, WaylandSession& session, const std::string& title,
                   std::uint32_t colour) {
    Window window;
    const std::uint32_t compositor = session.bind("wl_compositor", 4);
    const std::uint32_t shm = session.bind("wl_shm", 1);
    const std::uint32_t wm_base = session.bind("xdg_wm_base", 1);
    EXPECT_TRUE(compositor && shm && wm_base);
    const std::uint32_t surface = window.surface = session.new_id();
    const std::uint32_t xdg_surface = session.new_id();
    const std::uint32_t toplevel = session.new_id();
    EXPECT_EQ(session.send(Message(compositor, op::kCompositorCreateSurface).u(surface)), 0);
    EXPECT_EQ(session.send(Message(wm_base, op::kWmBaseGetXdgSurface).u(xdg_surface).u(surface)),
              0);
    EXPECT_EQ(session.send(Message(xdg_surface, op::kXdgSurfaceGetToplevel).u(toplevel)), 0);
    EXPECT_EQ(session.send(Message(toplevel, op::kToplevelSetTitle).s(title)), 0);
    EXPECT_EQ(session.send(Message(surface, op::kSurfaceCommit)), 0);
    auto configure = session.wait_for(xdg_surface, op::kXdgSurfaceConfigure);
    EXPECT_TRUE(configure) << session.protocol_error.value_or("no configure");
    if (!configure) {
        return window;
    }
    EXPECT_EQ(session.send(
                  Message(xdg_surface, op::kXdgSurfaceAckConfigure).u(ArgReader(*configure).u())),
              0);
    EXPECT_EQ(guest.new_alloc(Window::kStride * Window::kHeight, &window.memory), 0);
    window.mapping = guest.mmap(window.memory, true);
    EXPECT_TRUE(window.mapping);
    if (!window.mapping) {
        return window;
    }
    for (int i = 0; i < Window::kWidth * Window::kHeight; ++i) {
        std::memcpy(window.mapping->bytes() + 4 * i, &colour, 4);
    }
    const std::uint32_t pool = session.new_id();
    const std::uint32_t buffer = window.buffer = session.new_id();
    EXPECT_EQ(
        session.send(Message(shm, op::kShmCreatePool).u(pool).i(Window::kStride * Window::kHeight),
                     {window.memory}),
        0);
    EXPECT_EQ(session.send(Message(pool, op::kPoolCreateBuffer)
                               .u(buffer)
                               .i(0)
                               .i(Window::kWidth)
                               .i(Window::kHeight)
                               .i(Window::kStride)
                               .u(op::kFormatXrgb8888)),
              0);
    EXPECT_EQ(session.send(Message(surface, op::kSurfaceAttach).u(buffer).i(0).i(0)), 0);
    EXPECT_EQ(
        session.send(
            Message(surface, op::kSurfaceDamage).i(0).i(0).i(Window::kWidth).i(Window::kHeight)),
        0);
    EXPECT_EQ(session.send(Message(surface, op::kSurfaceCommit)), 0);
    EXPECT_TRUE(session.roundtrip());
    return window;
}

// crosvm's message order; a window through the rings; its pixels, frame and origin; zero
// copies by inode; prismctl's view of the device.
TEST(VhostUserEndToEnd, CrosvmOrderWindowShowsWithTheVmsOriginColourAndTheGuestsOwnMemfd) {
    Prism prism({{"work", "#3465a4", {}, kVhost}});
    ASSERT_TRUE(eventually([&] { return std::filesystem::exists(vhost_socket(prism, "work")); }))
        << prism.log();
    struct stat st = {};
    ASSERT_EQ(stat(vhost_socket(prism, "work").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    EXPECT_EQ(bridge_state(prism, "work")["backend"], "waiting") << prism.log();

    Frontend frontend(vhost_socket(prism, "work"));
    EXPECT_EQ(frontend.shmem_size(), 1ull << 32);
    EXPECT_NE(frontend.offered_protocol_features() & vu::bit(22), 0u);
    GuestDriver guest(frontend);
    WaylandSession session(guest);
    ASSERT_TRUE(session.get_registry());
    Window window = draw_window(guest, session, "through the rings", 0x00d03020);
    ASSERT_TRUE(window.mapping);
    ASSERT_FALSE(session.protocol_error) << *session.protocol_error;

    ASSERT_TRUE(eventually([&] { return prism.windows_of("work").size() == 1; })) << prism.log();
    const auto info = prism.windows_of("work")[0];
    EXPECT_EQ(info["vm"], "work");
    EXPECT_EQ(info["title"], "through the rings");
    const int x0 = info["x"], y0 = info["y"];
    Image image;
    EXPECT_TRUE(eventually([&] {
        image = screenshot(prism, "vhost-user-window");
        return image.at(x0 + 5, y0 + 5) == rgb(0xd03020);
    }));
    EXPECT_EQ(image.at(x0 + Window::kWidth - 1, y0 + Window::kHeight - 1), rgb(0xd03020));
    EXPECT_EQ(image.at(x0 - 1, y0 + Window::kHeight / 2), kWork); // the VM's frame
    EXPECT_EQ(image.at(x0 + Window::kWidth, y0 + Window::kHeight / 2), kWork);

    // Zero copies: the memfd the guest writes into (the SHMEM_MAP fd, mapped in the VMM's
    // window) is, by inode, one prism maps for the wl_shm pool.
    const auto* vfd = guest.vfd(window.memory);
    ASSERT_NE(vfd, nullptr);
    const std::uint64_t offset = vfd->pfn << 12;
    ASSERT_EQ(frontend.mapped().count(offset), 1u);
    // The guest's bytes are in the window at the VFD's pfn: the same memory.
    std::uint32_t seen = 0;
    std::memcpy(&seen, frontend.window(offset), 4);
    EXPECT_EQ(seen, 0x00d03020u);
    const unsigned long guest_inode = inode_at(frontend.window(offset));
    ASSERT_NE(guest_inode, 0u);
    const auto inodes = memfd_inodes(prism.process().pid());
    EXPECT_NE(std::find(inodes.begin(), inodes.end(), guest_inode), inodes.end())
        << "prism does not map the guest's memfd (inode " << guest_inode << ")";
    // Guest RAM itself is mapped by prism-vhost-wl only, never by the compositor.
    struct stat ram = {};
    ASSERT_EQ(fstat(frontend.memory_fd(), &ram), 0);
    EXPECT_EQ(std::find(inodes.begin(), inodes.end(), ram.st_ino), inodes.end())
        << "prism maps guest RAM";

    // Redrawn in place and committed again: no pixel travels through any queue (the commit
    // is a few bytes of Wayland), yet prism shows the new ones.
    for (int i = 0; i < Window::kWidth * Window::kHeight; ++i) {
        const std::uint32_t value = 0x00102030;
        std::memcpy(window.mapping->bytes() + 4 * i, &value, 4);
    }
    ASSERT_EQ(session.send(Message(window.surface, op::kSurfaceAttach).u(window.buffer).i(0).i(0)),
              0);
    ASSERT_EQ(session.send(Message(window.surface, op::kSurfaceDamage)
                               .i(0)
                               .i(0)
                               .i(Window::kWidth)
                               .i(Window::kHeight)),
              0);
    ASSERT_EQ(session.send(Message(window.surface, op::kSurfaceCommit)), 0);
    ASSERT_TRUE(session.roundtrip());
    ASSERT_FALSE(session.protocol_error) << *session.protocol_error;
    ASSERT_EQ(prism.windows_of("work").size(), 1u) << prism.log();
    EXPECT_TRUE(eventually([&] {
        image = screenshot(prism, "vhost-user-window-redrawn");
        return image.at(x0 + Window::kWidth / 2, y0 + Window::kHeight / 2) == rgb(0x102030);
    }));

    const auto state = bridge_state(prism, "work");
    EXPECT_EQ(state["transport"], "vhost-user") << state.dump();
    EXPECT_EQ(state["backend"], "running") << state.dump();
    EXPECT_EQ(state["vmm_pid"], getpid()) << state.dump();
    EXPECT_EQ(state["connected"], true) << state.dump();
    EXPECT_EQ(state["contexts"], 1) << state.dump();
    EXPECT_NE(state["features"].get<std::uint64_t>() & (1u << 3), 0u) << state.dump();
    std::string table;
    EXPECT_EQ(prism.ctl_raw({"vms"}, &table), 0);
    EXPECT_NE(table.find("VMM " + std::to_string(getpid())), std::string::npos) << table;
    EXPECT_NE(table.find("1 ctx"), std::string::npos) << table;

    // The backend runs under seccomp (mode 2: a filter).
    const pid_t backend = state["backend_pid"];
    std::ifstream status("/proc/" + std::to_string(backend) + "/status");
    std::string text((std::istreambuf_iterator<char>(status)), std::istreambuf_iterator<char>());
    EXPECT_NE(text.find("Seccomp:\t2"), std::string::npos) << text;
    prism.stop();
}

// Many SENDs in flight at once, as when several guest clients flush together: prism-vhost-wl
// hands the chains of each kick to the device in one packet, and asks the guest for no kicks
// while it has requests out (it looks at the ring again when their responses come). Every SEND
// is answered OK, none is lost or stalls, and the compositor gets the messages in the order the
// guest queued them: the wl_callback.done of each wl_display.sync comes back in that order.
TEST(VhostUserEndToEnd, ManySendsInFlightAreAnsweredAndDeliveredInOrder) {
    Prism prism({{"work", "#3465a4", {}, kVhost}});
    ASSERT_TRUE(eventually([&] { return std::filesystem::exists(vhost_socket(prism, "work")); }))
        << prism.log();
    Frontend frontend(vhost_socket(prism, "work"));
    GuestDriver guest(frontend);
    WaylandSession session(guest);
    ASSERT_TRUE(session.get_registry());

    constexpr std::size_t kSyncs = 600, kWindow = 64;
    std::vector<std::uint32_t> callbacks;
    std::deque<std::uint16_t> in_flight;
    const auto deadline = std::chrono::steady_clock::now() + 60s;
    while (callbacks.size() < kSyncs || !in_flight.empty()) {
        ASSERT_LT(std::chrono::steady_clock::now(), deadline)
            << in_flight.size() << " SENDs never answered; " << prism.log();
        while (callbacks.size() < kSyncs && in_flight.size() < kWindow &&
               frontend.free_out_slots() > 0) {
            const std::uint32_t callback = session.new_id();
            callbacks.push_back(callback);
            const auto bytes = Message(1, 0).u(callback).bytes(); // wl_display.sync
            in_flight.push_back(frontend.post_request(vmbridge::virtio_wl::build(
                vmbridge::virtio_wl::Command{vmbridge::virtio_wl::CmdVfdSend{
                    .vfd_id = session.context(), .vfd_ids = {}, .data = bytes}},
                guest.features())));
        }
        frontend.pump(50ms);
        while (!in_flight.empty()) {
            const auto response = frontend.take_response(in_flight.front());
            if (!response) {
                break;
            }
            ASSERT_GE(response->size(), 4u);
            EXPECT_EQ(vmbridge::virtio_wl::load_le32(*response, 0), vmbridge::virtio_wl::kRespOk);
            in_flight.pop_front();
        }
    }
    const std::set<std::uint32_t> ours(callbacks.begin(), callbacks.end());
    std::vector<std::uint32_t> done;
    while (done.size() < kSyncs && session.receive(10s)) {
        for (const auto& event : session.events) {
            if (event.opcode == 0 && ours.count(event.object) != 0) {
                done.push_back(event.object);
            }
        }
        session.events.clear();
    }
    ASSERT_FALSE(session.protocol_error) << *session.protocol_error;
    EXPECT_EQ(done, callbacks);
    prism.stop();
}

// A surface with no role, whose commits are SENDs the compositor answers with nothing: 0 if
// the session could not make one.
std::uint32_t new_surface(WaylandSession& session) {
    if (!session.get_registry()) {
        return 0;
    }
    const std::uint32_t compositor = session.bind("wl_compositor", 4);
    const std::uint32_t surface = session.new_id();
    if (compositor == 0 ||
        session.send(Message(compositor, op::kCompositorCreateSurface).u(surface)) != 0 ||
        !session.roundtrip()) {
        return 0;
    }
    return surface;
}

// One SEND at a time, each waiting for its response, as the guest driver's ioctl does: a VM's
// device that watches after activity (poll_us, here the largest, so that even a slow sanitized
// run sends its next SEND inside the window) lets the guest leave out its kicks. One that never
// watches (poll_us 0) asks for kicks again as soon as its last request is answered, so the
// guest leaves one out only when it posts the next SEND before that. Either way every SEND is
// answered, and once the device is idle its used ring asks for kicks again, so a round trip
// after a pause is answered.
TEST(VhostUserEndToEnd, AWatchingDeviceSparesTheGuestItsKicksAndWantsThemBackWhenIdle) {
    Prism prism({{"watching", "#3465a4", {}, kVhost + "poll_us = 1000\n"},
                 {"sleeping", "red", {}, kVhost + "poll_us = 0\n"}});
    std::map<std::string, std::uint64_t> skipped;
    for (const std::string vm : {"watching", "sleeping"}) {
        ASSERT_TRUE(eventually([&] { return std::filesystem::exists(vhost_socket(prism, vm)); }))
            << prism.log();
        Frontend frontend(vhost_socket(prism, vm));
        GuestDriver guest(frontend);
        WaylandSession session(guest);
        const std::uint32_t surface = new_surface(session);
        ASSERT_NE(surface, 0u) << vm << "; " << prism.log();
        const std::uint64_t before = frontend.kicks_skipped();
        for (int i = 0; i < 300; ++i) {
            ASSERT_EQ(session.send(Message(surface, op::kSurfaceCommit)), 0)
                << vm << " SEND " << i << "; " << prism.log();
        }
        skipped[vm] = frontend.kicks_skipped() - before;
        std::this_thread::sleep_for(100ms); // the watch (1 ms at most) is long over
        EXPECT_TRUE(frontend.kicks_wanted(vmbridge::virtio_wl::kQueueOut)) << vm;
        EXPECT_TRUE(session.roundtrip()) << vm << "; " << prism.log();
        EXPECT_FALSE(session.protocol_error) << *session.protocol_error;
    }
    std::cerr << "kicks left out of 300: watching " << skipped["watching"] << ", sleeping "
              << skipped["sleeping"] << "\n";
    // Measured under ASan: 295-299 against 62-87.
    EXPECT_GE(skipped["watching"], 150u);
    EXPECT_GT(skipped["watching"], 2 * skipped["sleeping"]);
    prism.stop();
}

// The watch ends while the guest may be adding a chain without a kick (the used ring still
// said none was needed): the device turns kicks back on and looks again before it sleeps. SENDs
// spaced at random around the window's length (20 us), each with its response awaited, are
// all answered: none is left in the ring unseen until the 10 s the double waits.
TEST(VhostUserEndToEnd, SendsAsTheWatchEndsAreNeverLeftUnseen) {
    Prism prism({{"work", "#3465a4", {}, kVhost + "poll_us = 20\n"}});
    ASSERT_TRUE(eventually([&] { return std::filesystem::exists(vhost_socket(prism, "work")); }))
        << prism.log();
    Frontend frontend(vhost_socket(prism, "work"));
    GuestDriver guest(frontend);
    WaylandSession session(guest);
    const std::uint32_t surface = new_surface(session);
    ASSERT_NE(surface, 0u) << prism.log();
    std::uint32_t seed = 12345;
    for (int i = 0; i < 2000; ++i) {
        seed = seed * 1103515245u + 12345u;
        const auto gap = std::chrono::microseconds((seed >> 16) % 60);
        const auto until = std::chrono::steady_clock::now() + gap;
        while (std::chrono::steady_clock::now() < until) {
        }
        ASSERT_EQ(session.send(Message(surface, op::kSurfaceCommit)), 0)
            << "SEND " << i << "; " << prism.log();
    }
    EXPECT_TRUE(session.roundtrip()) << prism.log();
    EXPECT_FALSE(session.protocol_error) << *session.protocol_error;
    EXPECT_EQ(prism.log().find("ending the device"), std::string::npos) << prism.log();
    prism.stop();
}

// QEMU's order: SET_OWNER after the backend channel, SET_VRING_CALL before the queues and
// again with each, NEED_REPLY on every set message. Then a reset (GET_VRING_BASE) unmaps
// everything the device mapped and ends its contexts.
TEST(VhostUserEndToEnd, QemuOrderWorksAndAResetUnmapsEverything) {
    Prism prism({{"work", "#3465a4", {}, kVhost}});
    FrontendOptions options;
    options.order = FrontendOptions::Order::Qemu;
    Frontend frontend(vhost_socket(prism, "work"), options);
    {
        GuestDriver guest(frontend);
        WaylandSession session(guest);
        ASSERT_TRUE(session.get_registry());
        std::uint32_t a = 0, b = 0;
        ASSERT_EQ(guest.new_alloc(8192, &a), 0);
        ASSERT_EQ(guest.new_alloc(4096, &b), 0);
        EXPECT_GE(frontend.maps(), 2u);
        ASSERT_TRUE(eventually([&] { return bridge_state(prism, "work")["contexts"] == 1; }));
    }
    const std::size_t live = frontend.mapped().size();
    EXPECT_GE(live, 2u);
    std::vector<std::uint8_t> state(vu::kVringStateSize);
    auto reply = frontend.message(static_cast<std::uint32_t>(vu::Request::GetVringBase), state);
    ASSERT_TRUE(reply);
    ASSERT_EQ(reply->size(), vu::kVringStateSize);
    EXPECT_TRUE(eventually([&] {
        frontend.pump(20ms);
        return frontend.mapped().empty();
    })) << frontend.mapped().size()
        << " mappings left";
    EXPECT_TRUE(eventually([&] {
        const auto s = bridge_state(prism, "work");
        return s["connected"] == false && s["backend"] == "negotiating";
    })) << bridge_state(prism, "work").dump();
    EXPECT_TRUE(eventually([&] { return prism.ctl("vms")[0]["clients"] == 0; }));
    prism.stop();
}

// A driver that does not take USE_SHMEM gets no device.
TEST(VhostUserEndToEnd, WithoutUseShmemTheDeviceDoesNotStart) {
    Prism prism({{"work", "#3465a4", {}, kVhost}});
    FrontendOptions options;
    options.ack_use_shmem = false;
    Frontend frontend(vhost_socket(prism, "work"), options);
    EXPECT_TRUE(eventually([&] {
        return prism.log().find("not starting the device: the driver did not accept USE_SHMEM") !=
               std::string::npos;
    })) << prism.log();
    EXPECT_EQ(bridge_state(prism, "work")["backend"], "negotiating");
    EXPECT_EQ(bridge_state(prism, "work")["connected"], false);
    prism.stop();
}

// The SHMEM protocol-feature bit is the configured one: a VMM using bit 20 works when prism is
// told so, and gets no device when it is not.
TEST(VhostUserEndToEnd, TheShmemProtocolBitIsConfigurable) {
    Prism prism(
        {{"old", "#3465a4", {}, kVhost + "shmem_protocol_bit = 20\n"}, {"new", "red", {}, kVhost}});
    FrontendOptions old_crosvm;
    old_crosvm.shmem_bit = 20;
    {
        Frontend frontend(vhost_socket(prism, "old"), old_crosvm);
        EXPECT_NE(frontend.offered_protocol_features() & vu::bit(20), 0u);
        EXPECT_EQ(frontend.offered_protocol_features() & vu::bit(22), 0u);
        GuestDriver guest(frontend);
        std::uint32_t memory = 0;
        EXPECT_EQ(guest.new_alloc(4096, &memory), 0);
        EXPECT_EQ(frontend.maps(), 1u);
    }
    Frontend mismatched(vhost_socket(prism, "new"), old_crosvm);
    EXPECT_TRUE(eventually([&] {
        return prism.log().find("prism-vhost-wl new: not starting the device: the VMM did not "
                                "accept BACKEND_REQ, BACKEND_SEND_FD, REPLY_ACK and SHMEM (bit "
                                "22)") != std::string::npos;
    })) << prism.log();
    prism.stop();
}

// The largest queues crosvm can ask for work, and a call fd replaced while the queues run is
// the one signalled from then on.
TEST(VhostUserEndToEnd, LargestQueuesAndACallFdReplacedAtRunTime) {
    Prism prism({{"work", "#3465a4", {}, kVhost}});
    FrontendOptions options;
    options.queue_size = 32768;
    Frontend frontend(vhost_socket(prism, "work"), options);
    GuestDriver guest(frontend);
    WaylandSession session(guest);
    ASSERT_TRUE(session.get_registry());
    sys::UniqueFd old_call = frontend.replace_call(1);
    std::uint64_t stale = 0;
    while (read(old_call.get(), &stale, sizeof(stale)) > 0) {
    }
    ASSERT_TRUE(session.roundtrip()); // answered through the new call fd
    EXPECT_LT(read(old_call.get(), &stale, sizeof(stale)), 0) << "the old call fd was signalled";
    prism.stop();
}

// A backend killed from outside is started again; the VM works for its next VMM.
TEST(VhostUserEndToEnd, AKilledBackendIsRestarted) {
    Prism prism({{"work", "#3465a4", {}, kVhost}});
    Frontend first(vhost_socket(prism, "work"));
    const pid_t backend = bridge_state(prism, "work")["backend_pid"];
    ASSERT_GT(backend, 0);
    kill(backend, SIGKILL);
    EXPECT_TRUE(first.wait_closed(5s));
    EXPECT_TRUE(eventually([&] {
        const auto state = bridge_state(prism, "work");
        return state["backend"] == "waiting" && state["backend_pid"] != backend;
    })) << bridge_state(prism, "work").dump();
    EXPECT_EQ(bridge_state(prism, "work")["backend_restarts"], 1);
    Frontend second(vhost_socket(prism, "work"));
    GuestDriver guest(second);
    WaylandSession session(guest);
    EXPECT_TRUE(session.get_registry());
    prism.stop();
}

// A reload with new limits keeps the backend and its VMM; switching to the test transport
// replaces it (the vhost-user socket and the VMM's connection go); a bad key is named.
TEST(VhostUserEndToEnd, ReloadKeepsTheBackendAndSwitchingTransportReplacesIt) {
    Prism prism({{"work", "#3465a4", {}, kVhost}});
    Frontend frontend(vhost_socket(prism, "work"));
    GuestDriver guest(frontend);
    WaylandSession session(guest);
    ASSERT_TRUE(session.get_registry());
    const pid_t backend = bridge_state(prism, "work")["backend_pid"];

    prism.write_vm({"work", "#3465a4", {}, kVhost + "max_vfds = 8\n"});
    prism.ctl("reload");
    EXPECT_TRUE(session.roundtrip());
    EXPECT_EQ(bridge_state(prism, "work")["backend_pid"], backend);
    EXPECT_EQ(bridge_state(prism, "work")["connected"], true);

    std::string output;
    prism.write_vm({"work", "#3465a4", {}, kTestTransport + "transport = \"virtio\"\n"});
    EXPECT_NE(prism.ctl_raw({"reload"}, &output), 0);
    EXPECT_NE(output.find("work.toml:5:13: vmbridge.transport: expected one of test, vhost-user"),
              std::string::npos)
        << output;
    EXPECT_EQ(bridge_state(prism, "work")["connected"], true); // the running one stays

    prism.write_vm({"work", "#3465a4", {}, kTestTransport});
    prism.ctl("reload");
    EXPECT_FALSE(std::filesystem::exists(vhost_socket(prism, "work")));
    EXPECT_TRUE(std::filesystem::exists(prism.runtime_dir() / "prism-vmbridge-work.sock"));
    EXPECT_TRUE(frontend.wait_closed(5s));
    EXPECT_EQ(bridge_state(prism, "work")["transport"], "test");
    EXPECT_TRUE(eventually([&] { return prism.ctl("vms")[0]["clients"] == 0; }));
    prism.stop();
}

// ---- hostile frontends ------------------------------------------------------------------------

// Runs `attack` on VM "bad" and checks: its backend logs `expected` and ends; prism and VM
// "good" (on the test transport) carry on; a new frontend can then use "bad" again.
void expect_contained(const std::string& name, FrontendOptions options,
                      const std::function<void(Frontend&)>& attack, const std::string& expected,
                      bool setup = true) {
    Prism prism({{"bad", "red", {}, kVhost}, {"good", "#3465a4", {}, kTestTransport}});
    SocketLink good_link(prism.runtime_dir() / "prism-vmbridge-good.sock");
    GuestDriver good(good_link);
    WaylandSession good_session(good);
    ASSERT_TRUE(good_session.get_registry());
    {
        std::unique_ptr<Frontend> bad =
            setup ? std::make_unique<Frontend>(vhost_socket(prism, "bad"), options)
                  : Frontend::connect_only(vhost_socket(prism, "bad"), options);
        attack(*bad);
        // Meanwhile (a map never acknowledged, a backend gone) the good VM is served.
        EXPECT_TRUE(good_session.roundtrip()) << name;
        // The backend may not have read everything yet: keep the frontend connected until it
        // has (unless the disconnect is the point).
        const auto logged = [&] {
            return prism.log().find("prism-vhost-wl bad: " + expected) != std::string::npos;
        };
        if (expected != "the VMM disconnected") {
            EXPECT_TRUE(eventually(logged)) << name << ": " << prism.log();
        }
    } // the frontend goes (for the attacks that leave it connected: a disconnect mid-map)
    EXPECT_TRUE(eventually([&] {
        return prism.log().find("prism-vhost-wl bad: " + expected) != std::string::npos;
    })) << name
        << ": " << prism.log();
    EXPECT_TRUE(prism.process().running()) << name;
    // The good VM's context is untouched.
    EXPECT_TRUE(good_session.roundtrip()) << name;
    std::uint32_t memory = 0;
    EXPECT_EQ(good.new_alloc(4096, &memory), 0) << name;
    // The bad VM's backend comes back for the next VMM.
    EXPECT_TRUE(eventually([&] { return bridge_state(prism, "bad")["backend"] == "waiting"; }))
        << name << ": " << bridge_state(prism, "bad").dump();
    Frontend again(vhost_socket(prism, "bad"));
    GuestDriver guest(again);
    WaylandSession session(guest);
    EXPECT_TRUE(session.get_registry()) << name;
    prism.stop();
}

TEST(VhostUserHostile, DescriptorLoop) {
    expect_contained(
        "loop", {}, [](Frontend& f) { f.hostile_descriptor_loop(); },
        "out queue: descriptor chain longer than the queue (a loop)");
}

TEST(VhostUserHostile, AddressOutsideGuestMemory) {
    expect_contained(
        "out of range", {}, [](Frontend& f) { f.hostile_out_of_range(); },
        "out queue: readable buffer outside guest memory");
}

TEST(VhostUserHostile, OversizedQueue) {
    FrontendOptions options;
    options.queue_size = 65536;
    expect_contained(
        "oversized", options,
        [](Frontend& f) {
            std::vector<std::uint8_t> num(vu::kVringStateSize);
            vu::store<std::uint32_t>(num, 4, 65536);
            f.message(static_cast<std::uint32_t>(vu::Request::SetVringNum), num);
            EXPECT_TRUE(f.wait_closed(5s));
        },
        "queue 0 of 65536 entries", false);
}

TEST(VhostUserHostile, UnsealedMemoryTruncatedUnderTheBackend) {
    FrontendOptions options;
    options.seal_memory = false;
    expect_contained(
        "truncated", options, [](Frontend& f) { f.hostile_truncate_then_request(); },
        "out queue: readable buffer outside guest memory");
}

TEST(VhostUserHostile, GarbageMessages) {
    expect_contained(
        "garbage", {},
        [](Frontend& f) {
            const std::uint8_t garbage[] = {0xde, 0xad, 0xbe, 0xef, 0x55, 0x55,
                                            0x55, 0x55, 0x10, 0x00, 0x00, 0x00};
            f.send_raw(garbage);
            EXPECT_TRUE(f.wait_closed(5s));
        },
        "malformed message from the VMM", false);
}

TEST(VhostUserHostile, UnknownRequest) {
    expect_contained(
        "unknown", {},
        [](Frontend& f) {
            f.message(77, {});
            EXPECT_TRUE(f.wait_closed(5s));
        },
        "unsupported request request 77", false);
}

// A VMM that never acknowledges SHMEM_MAP: the VFD_NEW is never answered, the rest of prism
// goes on; when it disconnects mid-map, its device ends and comes back.
TEST(VhostUserHostile, NeverAcksAMapThenDisconnects) {
    FrontendOptions options;
    options.ack_maps = false;
    expect_contained(
        "never acks", options,
        [](Frontend& f) {
            GuestDriver guest(f);
            std::vector<std::uint8_t> request(vmbridge::virtio_wl::layout::kCtrlVfdNewSize);
            vmbridge::virtio_wl::store_le32(request, 0, vmbridge::virtio_wl::kCmdVfdNew);
            vmbridge::virtio_wl::store_le32(request, 8, 1); // id
            vmbridge::virtio_wl::store_le32(request, 24, 4096);
            const std::uint16_t head = f.post_request(request);
            EXPECT_TRUE(eventually([&] {
                f.pump(20ms);
                return f.maps() == 1;
            }));
            // Unanswered: nothing comes back on the out queue.
            for (int i = 0; i < 10; ++i) {
                f.pump(50ms);
            }
            EXPECT_EQ(f.mapped().size(), 1u);
            EXPECT_FALSE(f.answered(head)) << "VFD_NEW answered before its SHMEM_MAP was acked";
            // Meanwhile the backend still answers vhost-user messages.
            const auto features =
                f.message(static_cast<std::uint32_t>(vu::Request::GetFeatures), {});
            ASSERT_TRUE(features);
            EXPECT_EQ(features->size(), 8u);
            // Disconnect mid-map (the Frontend goes away with the scope).
        },
        "the VMM disconnected");
}

} // namespace
} // namespace prism::test
