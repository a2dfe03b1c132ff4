// The virtio-wl device core in process, driven by the guest-driver double: contexts are real
// libwayland clients of a wl_display with ClientOrigins, or (for byte-exact checks) raw
// sockets the test holds as "the compositor".
#include "guest/link.hpp"
#include "guest/wayland_session.hpp"
#include "guest/wl0.hpp"
#include "origins/client_origins.hpp"
#include "sys/fd_io.hpp"
#include "vmbridge/virtio_wl/le.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <gtest/gtest.h>
#include <sstream>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

namespace prism::vmbridge {
namespace {

using namespace std::chrono_literals;
using namespace virtio_wl;
using guest::GuestDriver;
using guest::Message;
using guest::WaylandSession;
using origins::ClientOrigins;
using origins::Origin;
using sys::UniqueFd;

class DeviceTest : public ::testing::Test {
protected:
    void SetUp() override {
        display_ = wl_display_create();
        wl_display_init_shm(display_);
        origins_ = std::make_unique<ClientOrigins>(display_);
    }
    void TearDown() override {
        guest_.reset();
        link_.reset();
        raw_.clear();
        wl_display_destroy_clients(display_);
        origins_.reset();
        wl_display_destroy(display_);
    }

    // Starts the device. `raw`: contexts are socketpairs whose far end the test keeps in
    // raw_; otherwise they are Wayland clients of the VM "test".
    void start(bool raw = false, device::Limits limits = {}, GuestDriver::Options guest = {}) {
        device::DeviceOptions options;
        options.limits = limits;
        options.log = [this](const std::string& line) {
            logs_.push_back(line);
        };
        options.features = guest.features;
        options.connect_context = [this, raw](std::string_view name) -> int {
            if (name != "" && name != "wayland-test") {
                return -1;
            }
            int ends[2];
            if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, ends) != 0) {
                return -1;
            }
            if (raw) {
                raw_.emplace_back(ends[1]);
            } else if (origins_->create_vm_client(ends[1], "test") == nullptr) {
                ::close(ends[0]);
                return -1;
            }
            return ends[0];
        };
        link_ = std::make_unique<guest::InProcessLink>(
            wl_display_get_event_loop(display_), [this] { wl_display_flush_clients(display_); },
            options);
        guest_ = std::make_unique<GuestDriver>(*link_, guest);
    }

    device::DeviceStats stats() { return link_->device().stats(); }

    // The response type the device writes for `command`.
    std::uint32_t response_type(const Command& command) {
        return response_type(build(command, guest_->features()));
    }
    std::uint32_t response_type(const std::vector<std::uint8_t>& request) {
        const std::vector<std::uint8_t> response = guest_->raw_request(request);
        EXPECT_GE(response.size(), 4u);
        return response.size() >= 4 ? load_le32(response, 0) : 0;
    }

    wl_display* display_ = nullptr;
    std::unique_ptr<ClientOrigins> origins_;
    std::unique_ptr<guest::InProcessLink> link_;
    std::unique_ptr<GuestDriver> guest_;
    std::vector<sys::UniqueFd> raw_;
    std::vector<std::string> logs_; // what the device logged
};

// Sends `data` and `fds` on a raw compositor end.
void send_with_fds(int socket, std::string_view data, const std::vector<int>& fds) {
    const std::span<const std::uint8_t> bytes(reinterpret_cast<const std::uint8_t*>(data.data()),
                                              data.size());
    ASSERT_EQ(sys::send_with_fds(socket, bytes, fds, sys::Wait::UntilSent),
              static_cast<ssize_t>(data.size()));
}

// Receives bytes and fds from a raw compositor end (non-blocking).
std::string recv_with_fds(int socket, std::vector<sys::UniqueFd>* fds) {
    char buffer[65536];
    iovec iov{buffer, sizeof(buffer)};
    alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * 32)];
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof(control);
    const ssize_t n = recvmsg(socket, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
    if (n <= 0) {
        return {};
    }
    for (cmsghdr* cmsg = CMSG_FIRSTHDR(&msg); cmsg != nullptr; cmsg = CMSG_NXTHDR(&msg, cmsg)) {
        const std::size_t count = (cmsg->cmsg_len - CMSG_LEN(0)) / sizeof(int);
        for (std::size_t i = 0; i < count; ++i) {
            int fd;
            std::memcpy(&fd, CMSG_DATA(cmsg) + i * sizeof(int), sizeof(int));
            fds->emplace_back(fd);
        }
    }
    return std::string(buffer, static_cast<std::size_t>(n));
}

std::vector<std::uint8_t> prefix_of(std::vector<std::uint8_t> bytes, std::size_t n) {
    bytes.resize(n);
    return bytes;
}

UniqueFd memfd_with(std::string_view content) {
    sys::UniqueFd fd(memfd_create("test", MFD_CLOEXEC));
    EXPECT_EQ(write(fd.get(), content.data(), content.size()),
              static_cast<ssize_t>(content.size()));
    return fd;
}

ino_t inode_of(int fd) {
    struct stat st{};
    fstat(fd, &st);
    return st.st_ino;
}

// How many mappings of this process show `inode` (/proc/self/maps).
int mappings_of(ino_t inode) {
    std::ifstream maps("/proc/self/maps");
    std::string line;
    int count = 0;
    while (std::getline(maps, line)) {
        std::istringstream fields(line);
        std::string range, perms, offset, dev;
        unsigned long ino = 0;
        fields >> range >> perms >> offset >> dev >> ino;
        count += ino == inode && line.find("memfd:") != std::string::npos ? 1 : 0;
    }
    return count;
}

// The inode of the memory mapped at `address` (/proc/self/maps).
ino_t inode_at(const void* address) {
    std::ifstream maps("/proc/self/maps");
    std::string line;
    const auto at = reinterpret_cast<std::uintptr_t>(address);
    while (std::getline(maps, line)) {
        std::istringstream fields(line);
        std::string range, perms, offset, dev;
        unsigned long ino = 0;
        fields >> range >> perms >> offset >> dev >> ino;
        const auto dash = range.find('-');
        const auto lo = std::stoull(range.substr(0, dash), nullptr, 16);
        const auto hi = std::stoull(range.substr(dash + 1), nullptr, 16);
        if (at >= lo && at < hi) {
            return static_cast<ino_t>(ino);
        }
    }
    return 0;
}

TEST_F(DeviceTest, NewCtxIsAWaylandClientWithTheVmOrigin) {
    start();
    WaylandSession session(*guest_);
    const GuestDriver::Vfd* ctx = guest_->vfd(session.context());
    ASSERT_NE(ctx, nullptr);
    EXPECT_EQ(ctx->flags, kVfdRead | kVfdWrite);
    EXPECT_EQ(ctx->pfn, 0u);
    EXPECT_EQ(origins_->clients_of(Origin::vm("test")).size(), 1u);
    EXPECT_TRUE(origins_->clients_of(Origin::host()).empty());

    ASSERT_TRUE(session.get_registry());
    EXPECT_EQ(session.globals.count("wl_shm"), 1u);
    EXPECT_EQ(stats().contexts, 1u);
}

TEST_F(DeviceTest, NamedContextsReachOnlyKnownNames) {
    start();
    std::uint32_t id = 0;
    EXPECT_EQ(guest_->new_ctx_named("wayland-test", &id), 0);
    EXPECT_EQ(guest_->new_ctx_named("", &id), 0); // "" is the unnamed socket, as in crosvm
    EXPECT_EQ(guest_->new_ctx_named("camera", &id), -ENODEV); // RESP_ERR
    EXPECT_EQ(origins_->clients_of(Origin::vm("test")).size(), 2u);
}

TEST_F(DeviceTest, AllocIsPageRoundedSealedAndMappedThroughTheRegion) {
    start();
    std::uint32_t id = 0;
    ASSERT_EQ(guest_->new_alloc(5000, &id), 0);
    const GuestDriver::Vfd* vfd = guest_->vfd(id);
    ASSERT_NE(vfd, nullptr);
    EXPECT_EQ(vfd->size, 8192u);
    EXPECT_EQ(vfd->flags, 0u);
    EXPECT_NE(vfd->pfn, 0u);
    EXPECT_LT(vfd->pfn, kShmemNoMemoryPfn);

    auto mapping = guest_->mmap(id, true);
    ASSERT_TRUE(mapping);
    std::memset(mapping->bytes(), 0xab, 8192);
    int err = 0;
    EXPECT_FALSE(guest_->mmap(id, true, &err, 3 * 4096));
    EXPECT_EQ(err, EINVAL);

    // A second mapping through the region sees the same bytes: one memory, no copies.
    auto again = guest_->mmap(id, false);
    ASSERT_TRUE(again);
    EXPECT_EQ(again->bytes()[8191], 0xab);
    EXPECT_EQ(inode_at(mapping->address), inode_at(again->address));
    EXPECT_EQ(stats().shm_bytes, 8192u);

    // Two allocations never overlap in the region.
    std::uint32_t other = 0;
    ASSERT_EQ(guest_->new_alloc(4096, &other), 0);
    EXPECT_TRUE(guest_->vfd(other)->pfn >= vfd->pfn + 2 || guest_->vfd(other)->pfn + 1 <= vfd->pfn);

    EXPECT_EQ(guest_->close(id), 0);
    EXPECT_EQ(stats().shm_bytes, 4096u);
    EXPECT_EQ(guest_->region_mappings(), 1u);
}

TEST_F(DeviceTest, AllocMemoryIsSealedAgainstShrinking) {
    start(true);
    std::uint32_t ctx = 0, id = 0;
    ASSERT_EQ(guest_->new_ctx(&ctx), 0);
    ASSERT_EQ(guest_->new_alloc(4096, &id), 0);
    const std::uint8_t byte = 'x';
    ASSERT_EQ(guest_->send(ctx, std::span(&byte, 1), {id}), 0);
    std::vector<sys::UniqueFd> fds;
    EXPECT_EQ(recv_with_fds(raw_[0].get(), &fds), "x");
    ASSERT_EQ(fds.size(), 1u);
    EXPECT_NE(fcntl(fds[0].get(), F_GET_SEALS) & F_SEAL_SHRINK, 0);
    EXPECT_NE(ftruncate(fds[0].get(), 0), 0) << "the compositor's copy could be shrunk";
}

TEST_F(DeviceTest, ShmPoolReceivesTheGuestsMemfdWithoutCopying) {
    start();
    WaylandSession session(*guest_);
    ASSERT_TRUE(session.get_registry());
    const std::uint32_t shm = session.bind("wl_shm", 1);
    ASSERT_NE(shm, 0u);
    std::uint32_t memory = 0;
    ASSERT_EQ(guest_->new_alloc(64 * 64 * 4, &memory), 0);
    auto mapping = guest_->mmap(memory, true);
    ASSERT_TRUE(mapping);
    const ino_t inode = inode_at(mapping->address);
    ASSERT_EQ(mappings_of(inode), 1);

    const std::uint32_t pool = session.new_id();
    ASSERT_EQ(session.send(Message(shm, 0).u(pool).i(64 * 64 * 4), {memory}), 0);
    ASSERT_TRUE(session.roundtrip());
    EXPECT_FALSE(session.protocol_error) << *session.protocol_error;
    // libwayland's wl_shm mapped the very memfd the guest draws into.
    EXPECT_EQ(mappings_of(inode), 2);
}

TEST_F(DeviceTest, EveryErrorResponse) {
    device::Limits limits;
    limits.max_vfds = 4;
    limits.max_shm_bytes = 64 * 1024;
    start(false, limits);
    std::uint32_t ctx = 0, memory = 0, pipe = 0;
    ASSERT_EQ(guest_->new_ctx(&ctx), 0);
    ASSERT_EQ(guest_->new_alloc(4096, &memory), 0);
    ASSERT_EQ(guest_->new_pipe_write(&pipe), 0);

    // RESP_ERR: truncated, unknown context name, nothing to allocate.
    EXPECT_EQ(response_type(std::vector<std::uint8_t>{0x04, 0x01, 0x00}), kRespErr);
    EXPECT_EQ(response_type(prefix_of(
                  build(Command{CmdVfdNew{.vfd_id = 9, .size = 4096}}, guest_->features()), 20)),
              kRespErr);
    EXPECT_EQ(response_type(CmdVfdNewCtxNamed{.vfd_id = 9, .name = "nope"}), kRespErr);
    EXPECT_EQ(response_type(CmdVfdNew{.vfd_id = 9, .size = 0}), kRespErr);
    // RESP_INVALID_ID: in use, host bit, unknown targets and ids.
    EXPECT_EQ(response_type(CmdVfdNewCtx{.vfd_id = ctx}), kRespInvalidId);
    EXPECT_EQ(response_type(CmdVfdNew{.vfd_id = kVfdIdHostMask | 5, .size = 4096}), kRespInvalidId);
    EXPECT_EQ(response_type(CmdVfdClose{.vfd_id = 77}), kRespInvalidId);
    EXPECT_EQ(response_type(CmdVfdSend{.vfd_id = 77, .data = {1}}), kRespInvalidId);
    EXPECT_EQ(response_type(CmdVfdSend{.vfd_id = ctx, .vfd_ids = {78}, .data = {1}}),
              kRespInvalidId);
    // RESP_INVALID_TYPE: memory is no stream; a pipe carries no fds.
    EXPECT_EQ(response_type(CmdVfdSend{.vfd_id = memory, .data = {1}}), kRespInvalidType);
    EXPECT_EQ(response_type(CmdVfdSend{.vfd_id = pipe, .vfd_ids = {memory}, .data = {1}}),
              kRespInvalidType);
    // RESP_INVALID_FLAGS
    EXPECT_EQ(response_type(CmdVfdNewPipe{.vfd_id = 9, .flags = kVfdRead | kVfdWrite}),
              kRespInvalidFlags);
    EXPECT_EQ(response_type(CmdVfdNew{.vfd_id = 9, .flags = kVfdWrite, .size = 4096}),
              kRespInvalidFlags);
    // RESP_INVALID_CMD: no dmabuf, no virtio-gpu bridge, unknown types, > 28 VFDs.
    std::uint32_t dmabuf = 0;
    EXPECT_EQ(guest_->new_dmabuf(64, 64, 0x34325258, &dmabuf), -ENOTTY);
    EXPECT_EQ(response_type(CmdVfdDmabufSync{.vfd_id = memory, .flags = 0}), kRespInvalidCmd);
    EXPECT_EQ(response_type(CmdVfdSendForeignId{
                  .vfd_id = ctx, .vfds = {{ForeignKind::Local, memory, 0}}, .data = {1}}),
              kRespInvalidCmd);
    std::vector<std::uint8_t> unknown(16, 0);
    store_le32(unknown, 0, 0x1ff);
    EXPECT_EQ(response_type(unknown), kRespInvalidCmd);
    EXPECT_EQ(response_type(CmdVfdSend{
                  .vfd_id = ctx, .vfd_ids = std::vector<std::uint32_t>(29, memory), .data = {1}}),
              kRespInvalidCmd);
    // RESP_OUT_OF_MEMORY: one SEND larger than a VFD's backlog may hold, more memory than
    // max_shm_bytes, more VFDs than max_vfds.
    EXPECT_EQ(guest_->send(ctx, std::vector<std::uint8_t>(device::Limits{}.max_backlog_bytes + 1)),
              -ENOMEM);
    EXPECT_EQ(response_type(CmdVfdNew{.vfd_id = 9, .size = 128 * 1024}), kRespOutOfMemory);
    std::uint32_t fourth = 0, fifth = 0;
    EXPECT_EQ(guest_->new_pipe_read(&fourth), 0);
    EXPECT_EQ(guest_->new_ctx(&fifth), -ENOMEM);
    EXPECT_EQ(guest_->new_alloc(4096, &fifth), -ENOMEM);
    EXPECT_EQ(guest_->new_pipe_read(&fifth), -ENOMEM);

    // None of it changed anything.
    EXPECT_EQ(stats().vfds, 4u);
    EXPECT_EQ(stats().shm_bytes, 4096u);
    EXPECT_EQ(origins_->clients_of(Origin::vm("test")).size(), 1u);
}

TEST_F(DeviceTest, WithoutTransFlagsTheLegacyFlagsApply) {
    GuestDriver::Options legacy;
    legacy.features = Features::all_wl().without(kFeatureTransFlags);
    start(true, {}, legacy);
    std::uint32_t ctx = 0;
    ASSERT_EQ(guest_->new_ctx(&ctx), 0);
    EXPECT_EQ(guest_->vfd(ctx)->flags, kVfdLegacyControl);
    // §1.7: legacy VFD_NEW takes WRITE|MAP and echoes them; anything else is RESP_ERR.
    const auto response = guest_->raw_request(build(
        Command{CmdVfdNew{.vfd_id = 5, .flags = kVfdLegacyWrite | kVfdLegacyMap, .size = 4096}},
        legacy.features));
    auto parsed = parse_response(response, legacy.features);
    ASSERT_TRUE(parsed);
    ASSERT_TRUE(std::holds_alternative<RespVfdNew>(parsed.value()));
    EXPECT_EQ(std::get<RespVfdNew>(parsed.value()).flags, kVfdLegacyWrite | kVfdLegacyMap);
    EXPECT_EQ(response_type(CmdVfdNew{.vfd_id = 6, .flags = kVfdLegacyControl, .size = 4096}),
              kRespErr);
    // Memory from the compositor is announced WRITE|MAP.
    sys::UniqueFd memory = memfd_with("m");
    send_with_fds(raw_[0].get(), "x", {memory.get()});
    GuestDriver::Received received;
    ASSERT_EQ(guest_->recv(ctx, &received), 0);
    ASSERT_EQ(received.ids.size(), 1u);
    EXPECT_EQ(guest_->vfd(received.ids[0])->flags, kVfdLegacyWrite | kVfdLegacyMap);
}

TEST_F(DeviceTest, SendCarriesBytesAndTranslatedFds) {
    start(true);
    std::uint32_t ctx = 0, memory = 0, pipe = 0;
    ASSERT_EQ(guest_->new_ctx(&ctx), 0);
    ASSERT_EQ(guest_->new_alloc(4096, &memory), 0);
    ASSERT_EQ(guest_->new_pipe_read(&pipe), 0);
    auto mapping = guest_->mmap(memory, true);
    ASSERT_TRUE(mapping);
    std::memcpy(mapping->bytes(), "pixels", 6);

    const std::string payload = "request bytes";
    ASSERT_EQ(guest_->send(
                  ctx,
                  std::span(reinterpret_cast<const std::uint8_t*>(payload.data()), payload.size()),
                  {memory, pipe}),
              0);
    std::vector<sys::UniqueFd> fds;
    EXPECT_EQ(recv_with_fds(raw_[0].get(), &fds), payload);
    ASSERT_EQ(fds.size(), 2u);
    // The memfd is the guest's memory itself.
    char seen[6];
    ASSERT_EQ(pread(fds[0].get(), seen, 6, 0), 6);
    EXPECT_EQ(std::string(seen, 6), "pixels");
    EXPECT_EQ(inode_of(fds[0].get()), inode_at(mapping->address));
    // The pipe's write end: what the compositor writes, the guest reads; then EOF.
    EXPECT_EQ(fcntl(fds[1].get(), F_GETFL) & O_ACCMODE, O_WRONLY);
    ASSERT_EQ(write(fds[1].get(), "paste", 5), 5);
    fds[1].reset();
    GuestDriver::Received received;
    ASSERT_EQ(guest_->recv(pipe, &received), 0);
    EXPECT_EQ(std::string(received.data.begin(), received.data.end()), "paste");
    ASSERT_EQ(guest_->recv(pipe, &received), 0);
    EXPECT_TRUE(received.eof) << "no VFD_HUP after the compositor closed the pipe";
}

TEST_F(DeviceTest, WritePipeCarriesGuestBytesAndHangsUpWhenTheReaderCloses) {
    start(true);
    std::uint32_t ctx = 0, pipe = 0;
    ASSERT_EQ(guest_->new_ctx(&ctx), 0);
    ASSERT_EQ(guest_->new_pipe_write(&pipe), 0);
    const std::uint8_t byte = 'x';
    ASSERT_EQ(guest_->send(ctx, std::span(&byte, 1), {pipe}), 0);
    std::vector<sys::UniqueFd> fds;
    recv_with_fds(raw_[0].get(), &fds);
    ASSERT_EQ(fds.size(), 1u);
    const std::string text = "clipboard text";
    ASSERT_EQ(guest_->send(
                  pipe, std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size())),
              0);
    char buffer[64];
    EXPECT_EQ(read(fds[0].get(), buffer, sizeof(buffer)), static_cast<ssize_t>(text.size()));
    EXPECT_EQ(std::string(buffer, text.size()), text);
    fds.clear();
    // Writing after the reader went away fails (EPIPE, RESP_ERR) without raising SIGPIPE in
    // prism (found by the fuzzer; this test process does not ignore SIGPIPE).
    EXPECT_EQ(guest_->send(pipe, std::span(reinterpret_cast<const std::uint8_t*>("late"), 4)),
              -ENODEV);
    GuestDriver::Received received;
    ASSERT_EQ(guest_->recv(pipe, &received), 0);
    EXPECT_TRUE(received.eof);
}

TEST_F(DeviceTest, RecvTurnsCompositorFdsIntoHostVfdsAnnouncedFirst) {
    start(true);
    std::uint32_t ctx = 0;
    ASSERT_EQ(guest_->new_ctx(&ctx), 0);
    sys::UniqueFd keymap = memfd_with("xkb_keymap { };");
    // The compositor sends keymaps read-only.
    sys::UniqueFd read_only(
        open(("/proc/self/fd/" + std::to_string(keymap.get())).c_str(), O_RDONLY | O_CLOEXEC));
    int ends[2];
    ASSERT_EQ(pipe2(ends, O_CLOEXEC), 0);
    sys::UniqueFd pipe_read(ends[0]), pipe_write(ends[1]);
    send_with_fds(raw_[0].get(), "event", {read_only.get(), pipe_write.get()});

    GuestDriver::Received received;
    ASSERT_EQ(guest_->recv(ctx, &received), 0);
    EXPECT_EQ(std::string(received.data.begin(), received.data.end()), "event");
    ASSERT_EQ(received.ids.size(), 2u);
    for (std::uint32_t id : received.ids) {
        EXPECT_TRUE(is_host_vfd_id(id)) << std::hex << id;
        ASSERT_NE(guest_->vfd(id), nullptr);
        EXPECT_TRUE(guest_->vfd(id)->host);
    }
    const GuestDriver::Vfd* memory = guest_->vfd(received.ids[0]);
    EXPECT_EQ(memory->size, 15u);
    int err = 0;
    EXPECT_FALSE(guest_->mmap(memory->id, true, &err)) << "a read-only fd became writable";
    auto mapping = guest_->mmap(memory->id, false);
    ASSERT_TRUE(mapping);
    EXPECT_EQ(std::string(reinterpret_cast<const char*>(mapping->bytes()), 15), "xkb_keymap { };");

    const GuestDriver::Vfd* stream = guest_->vfd(received.ids[1]);
    EXPECT_EQ(stream->flags, kVfdWrite);
    EXPECT_EQ(stream->pfn, kShmemNoMemoryPfn); // §1.9: "no memory" on the in queue
    pipe_write.reset();
    ASSERT_EQ(guest_->send(stream->id, std::span(reinterpret_cast<const std::uint8_t*>("abc"), 3)),
              0);
    char buffer[8];
    EXPECT_EQ(read(pipe_read.get(), buffer, sizeof(buffer)), 3);
}

TEST_F(DeviceTest, ContextHangsUpWhenTheCompositorCloses) {
    start(true);
    std::uint32_t ctx = 0;
    ASSERT_EQ(guest_->new_ctx(&ctx), 0);
    send_with_fds(raw_[0].get(), "last words", {});
    raw_[0].reset();
    GuestDriver::Received received;
    ASSERT_EQ(guest_->recv(ctx, &received), 0);
    EXPECT_EQ(std::string(received.data.begin(), received.data.end()), "last words");
    ASSERT_EQ(guest_->recv(ctx, &received), 0);
    EXPECT_TRUE(received.eof);
    EXPECT_EQ(guest_->send(ctx, std::span(reinterpret_cast<const std::uint8_t*>("x"), 1)),
              -EINVAL); // INVALID_TYPE: nothing to send to any more
    EXPECT_EQ(guest_->close(ctx), 0);
    EXPECT_EQ(stats().vfds, 0u);
}

TEST_F(DeviceTest, FullInQueuePausesReadingAndLosesNothing) {
    start(true, {}, GuestDriver::Options{.in_buffers = 2, .repost = false});
    std::uint32_t ctx = 0;
    ASSERT_EQ(guest_->new_ctx(&ctx), 0);
    fcntl(raw_[0].get(), F_SETFL, O_NONBLOCK);
    std::string sent;
    // Write until the socket is full: the device stops reading after two messages.
    for (int i = 0; sent.size() < 1000000; ++i) {
        guest_->pump(1ms);
        std::string chunk(1000, static_cast<char>('a' + i % 26));
        const ssize_t n = write(raw_[0].get(), chunk.data(), chunk.size());
        if (n < 0) {
            ASSERT_EQ(errno, EAGAIN);
            break;
        }
        sent.append(chunk, 0, static_cast<std::size_t>(n));
    }
    EXPECT_GT(sent.size(), 3 * kInRecvMaxData);
    EXPECT_LT(sent.size(), 1000000u) << "the device kept reading with no in-queue room";
    guest_->pump(200ms);
    EXPECT_EQ(guest_->in_messages(), 2u);
    EXPECT_FALSE(stats().reading);
    EXPECT_LE(stats().queued_messages, device::Limits{}.max_queued_messages);

    // The guest catches up: every byte arrives, in order.
    guest_->post_in_buffers(1000);
    std::string received_all;
    while (received_all.size() < sent.size()) {
        GuestDriver::Received received;
        ASSERT_EQ(guest_->recv(ctx, &received, 5s), 0) << received_all.size();
        ASSERT_FALSE(received.eof);
        received_all.append(received.data.begin(), received.data.end());
    }
    EXPECT_EQ(received_all, sent);
    EXPECT_TRUE(stats().reading);
}

TEST_F(DeviceTest, CloseDropsQueuedMessagesAndTheHostVfdsTheyAnnounced) {
    start(true, {}, GuestDriver::Options{.in_buffers = 1, .repost = false});
    std::uint32_t ctx = 0;
    ASSERT_EQ(guest_->new_ctx(&ctx), 0);
    sys::UniqueFd first = memfd_with("one"), second = memfd_with("two");
    send_with_fds(raw_[0].get(), "x", {first.get(), second.get()});
    guest_->pump(200ms);
    // One buffer: the first VFD_NEW went out; the second and the VFD_RECV wait.
    EXPECT_EQ(guest_->in_messages(), 1u);
    EXPECT_EQ(stats().vfds, 3u);
    EXPECT_EQ(stats().queued_messages, 2u);

    EXPECT_EQ(guest_->close(ctx), 0);
    EXPECT_EQ(stats().queued_messages, 0u);
    EXPECT_EQ(stats().vfds, 1u) << "the announced host VFD stays until the guest closes it";
    EXPECT_EQ(guest_->close(kHostIdBase), 0);
    EXPECT_EQ(stats().vfds, 0u);
    EXPECT_EQ(stats().shm_bytes, 0u);
    EXPECT_EQ(guest_->region_mappings(), 0u);
}

TEST_F(DeviceTest, GuestClosingMidSendFreesWhatWasBuffered) {
    start(true);
    std::uint32_t ctx = 0;
    ASSERT_EQ(guest_->new_ctx(&ctx), 0);
    // The compositor end never reads: the socket fills, then the device's bounded backlog.
    const std::vector<std::uint8_t> payload(60000, 0x5a);
    int result = 0, sends = 0;
    while ((result = guest_->send(ctx, payload)) == 0 && sends < 1000) {
        ++sends;
    }
    EXPECT_EQ(result, -ENOMEM) << "the backlog grew without bound";
    EXPECT_GT(sends, 3);
    EXPECT_EQ(guest_->close(ctx), 0);
    EXPECT_EQ(stats().vfds, 0u);
    guest_->pump(50ms);
}

TEST_F(DeviceTest, AContextNeverTravelsInASend) {
    // Sent over itself (or another context), prism would hold the context's own peer end and
    // its client would outlive VFD_CLOSE.
    start();
    std::uint32_t a = 0, b = 0;
    ASSERT_EQ(guest_->new_ctx(&a), 0);
    ASSERT_EQ(guest_->new_ctx(&b), 0);
    const std::vector<std::uint8_t> byte{1};
    EXPECT_EQ(guest_->send(a, byte, {a}), -EINVAL);
    EXPECT_EQ(guest_->send(a, byte, {b}), -EINVAL);
    EXPECT_EQ(guest_->close(a), 0);
    EXPECT_EQ(guest_->close(b), 0);
    bool gone = false;
    for (int i = 0; i < 100 && !gone; ++i) {
        guest_->pump(10ms);
        gone = origins_->clients_of(Origin::vm("test")).empty();
    }
    EXPECT_TRUE(gone) << "a closed context's client must go";
}

TEST_F(DeviceTest, ABacklogIsBoundedInWritesAndFdsNotJustBytes) {
    start(true);
    std::uint32_t ctx = 0, memory = 0;
    ASSERT_EQ(guest_->new_ctx(&ctx), 0);
    ASSERT_EQ(guest_->new_alloc(4096, &memory), 0);
    // Fill the socket (the compositor end never reads) so that what follows is kept: 720 KB,
    // more than a Unix socket buffers, less than the 1 MiB a VFD's backlog may hold.
    const std::vector<std::uint8_t> payload(60000, 0x5a);
    for (int i = 0; i < 12; ++i) {
        ASSERT_EQ(guest_->send(ctx, payload), 0);
    }
    // One byte with 28 copies of the memfd, over and over: refused long before prism's fd
    // table is in danger.
    const std::vector<std::uint8_t> byte{1};
    const std::vector<std::uint32_t> ids(28, memory);
    int sends = 0, result = 0;
    while ((result = guest_->send(ctx, byte, ids)) == 0 && sends < 1000) {
        ++sends;
    }
    EXPECT_EQ(result, -ENOMEM);
    EXPECT_LE(static_cast<std::size_t>(sends) * 28, device::kMaxBacklogFds);
    // Plain bytes are merged, within the byte limit.
    EXPECT_EQ(guest_->send(ctx, byte), 0);
    EXPECT_EQ(guest_->close(ctx), 0);
}

TEST_F(DeviceTest, ClosingAnAnnouncedHostVfdTakesItOutOfTheQueuedRecv) {
    start(true, {}, GuestDriver::Options{.in_buffers = 1, .repost = false});
    std::uint32_t ctx = 0;
    ASSERT_EQ(guest_->new_ctx(&ctx), 0);
    sys::UniqueFd first = memfd_with("one"), second = memfd_with("two");
    send_with_fds(raw_[0].get(), "x", {first.get(), second.get()});
    guest_->pump(200ms);
    ASSERT_EQ(guest_->in_messages(), 1u); // VFD_NEW(host 0) went out; VFD_NEW(host 1), RECV wait
    // The guest closes the second host VFD before it has even heard of it.
    EXPECT_EQ(guest_->close(kHostIdBase + 1), 0);
    EXPECT_EQ(stats().queued_messages, 1u) << "its VFD_NEW is dropped";
    guest_->post_in_buffers(4);
    GuestDriver::Received received;
    ASSERT_EQ(guest_->recv(ctx, &received, 2s), 0);
    EXPECT_EQ(received.data, std::vector<std::uint8_t>{'x'});
    EXPECT_EQ(received.ids, std::vector<std::uint32_t>{kHostIdBase})
        << "the closed id is no longer listed";
}

TEST_F(DeviceTest, HostFdsBeyondMaxVfdsAreDroppedNotQueued) {
    device::Limits limits;
    limits.max_vfds = 3;
    start(true, limits);
    std::uint32_t ctx = 0;
    ASSERT_EQ(guest_->new_ctx(&ctx), 0);
    std::vector<sys::UniqueFd> memfds;
    std::vector<int> raw;
    for (int i = 0; i < 5; ++i) {
        memfds.push_back(memfd_with("m"));
        raw.push_back(memfds.back().get());
    }
    send_with_fds(raw_[0].get(), "x", raw);
    GuestDriver::Received received;
    ASSERT_EQ(guest_->recv(ctx, &received), 0);
    EXPECT_EQ(received.ids.size(), 2u);
    EXPECT_EQ(stats().vfds, 3u);
}

TEST_F(DeviceTest, DroppedHostFdsDoNotFloodTheLog) {
    device::Limits limits;
    limits.max_vfds = 1;
    start(true, limits);
    std::uint32_t ctx = 0;
    ASSERT_EQ(guest_->new_ctx(&ctx), 0);
    sys::UniqueFd memfd = memfd_with("m");
    for (int i = 0; i < 40; ++i) { // 40 x 25 = 1000 fds the device has no room for
        send_with_fds(raw_[0].get(), "x", std::vector<int>(25, memfd.get()));
        GuestDriver::Received received;
        ASSERT_EQ(guest_->recv(ctx, &received), 0);
        EXPECT_TRUE(received.ids.empty());
    }
    // The 1st, 2nd, 4th, ... 512th drop: 10 lines for 1000 drops.
    EXPECT_EQ(logs_.size(), 10u);
    ASSERT_FALSE(logs_.empty());
    EXPECT_NE(logs_.back().find("(512 dropped so far)"), std::string::npos) << logs_.back();
}

TEST_F(DeviceTest, AThousandContextsOpenAndCloseWithoutALeak) {
    start();
    for (int i = 0; i < 1000; ++i) {
        WaylandSession session(*guest_);
        ASSERT_TRUE(session.roundtrip()) << "context " << i;
        ASSERT_EQ(guest_->close(session.context()), 0);
    }
    guest_->pump(100ms);
    EXPECT_EQ(stats().vfds, 0u);
    EXPECT_TRUE(origins_->clients_of(Origin::vm("test")).empty());
}

TEST_F(DeviceTest, CompositorKillingAClientHangsUpItsContext) {
    start();
    WaylandSession session(*guest_);
    ASSERT_TRUE(session.get_registry());
    // A request on an object that does not exist: libwayland kills the client.
    ASSERT_EQ(session.send(Message(999, 0)), 0);
    while (session.receive(5s)) {
    }
    EXPECT_TRUE(session.hung_up);
    EXPECT_TRUE(session.protocol_error.has_value());
    EXPECT_TRUE(origins_->clients_of(Origin::vm("test")).empty());
}

} // namespace
} // namespace prism::vmbridge
