// Misbehaving clients are disconnected alone, with a log line saying why.
#include "harness.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <gtest/gtest.h>
#include <sstream>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <wayland-client.h>

namespace prism::test {
namespace {

struct Registry {
    std::map<std::string, uint32_t> names; // interface -> global name
};

void on_global(void* data, wl_registry*, uint32_t name, const char* iface, uint32_t) {
    static_cast<Registry*>(data)->names[iface] = name;
}
void on_global_remove(void*, wl_registry*, uint32_t) {
}
const wl_registry_listener kRegistryListener = {on_global, on_global_remove};

Registry registry_of(wl_display* display) {
    Registry registry;
    wl_registry* handle = wl_display_get_registry(display);
    wl_registry_add_listener(handle, &kRegistryListener, &registry);
    wl_display_roundtrip(display);
    wl_registry_destroy(handle);
    return registry;
}

TEST(Robustness, VmBindingAHiddenGlobalIsDisconnectedAlone) {
    Prism prism({{"work", "#3465a4", {}}, {"untrusted", "red", {}}});
    Child bystander = prism.client({"weston-simple-shm"}, prism.vm_socket("work"), "bystander");
    ASSERT_TRUE(eventually([&] { return prism.windows_of("work").size() == 1; }));

    // The host can see the screencopy global and learns its numeric name ...
    wl_display* host = wl_display_connect(prism.host_socket().c_str());
    ASSERT_NE(host, nullptr);
    const uint32_t screencopy = registry_of(host).names.at("zwlr_screencopy_manager_v1");
    wl_display_disconnect(host);

    // ... a hostile VM guesses that name and binds it anyway.
    wl_display* vm = wl_display_connect(prism.vm_socket("untrusted").c_str());
    ASSERT_NE(vm, nullptr);
    EXPECT_EQ(registry_of(vm).names.count("zwlr_screencopy_manager_v1"), 0u);
    wl_registry* registry = wl_display_get_registry(vm);
    static const wl_interface kScreencopy = {
        "zwlr_screencopy_manager_v1", 3, 0, nullptr, 0, nullptr};
    auto* bound = static_cast<wl_proxy*>(wl_registry_bind(registry, screencopy, &kScreencopy, 1));
    wl_display_roundtrip(vm);
    EXPECT_EQ(wl_display_get_error(vm), EPROTO);
    wl_proxy_destroy(bound);
    wl_registry_destroy(registry);
    wl_display_disconnect(vm);

    EXPECT_TRUE(eventually([&] {
        return prism.log().find("client of untrusted") != std::string::npos &&
               prism.log().find("disconnected for a protocol error") != std::string::npos;
    })) << prism.log();
    // Everyone else carries on.
    EXPECT_TRUE(bystander.running());
    EXPECT_EQ(prism.windows_of("work").size(), 1u);
}

// Raw bytes on a VM socket: prism must close that connection and nothing else.
void expect_garbage_disconnects(Prism& prism, const std::vector<uint32_t>& words) {
    const int fd = connect_unix(prism.vm_socket("work"));
    ASSERT_GE(fd, 0);
    const auto bytes = static_cast<ssize_t>(words.size() * sizeof(uint32_t));
    ASSERT_EQ(write(fd, words.data(), static_cast<size_t>(bytes)), bytes);
    char buffer[4096];
    // prism closes the connection: reads drain any error event, then see end of file.
    EXPECT_TRUE(eventually([&] {
        ssize_t n;
        while ((n = recv(fd, buffer, sizeof(buffer), MSG_DONTWAIT)) > 0) {
        }
        return n == 0 || (n < 0 && errno != EAGAIN);
    }));
    close(fd);
}

uint32_t header(uint16_t size, uint16_t opcode) {
    return static_cast<uint32_t>(size) << 16 | opcode;
}

TEST(Robustness, GarbageOnAVmSocketDisconnectsOnlyThatConnection) {
    Prism prism({{"work", "#3465a4", {}}});
    Child bystander = prism.client({"weston-simple-shm"}, prism.vm_socket("work"), "bystander");
    ASSERT_TRUE(eventually([&] { return prism.windows_of("work").size() == 1; }));

    {
        SCOPED_TRACE("wl_display@1 has no request 99");
        expect_garbage_disconnects(prism, {1, header(8, 99)});
    }
    {
        SCOPED_TRACE("a request to an object that was never created");
        expect_garbage_disconnects(prism, {77, header(8, 0)});
    }
    {
        // libwayland 1.23 buffers a message up to its announced size (at most 64 KiB): the flood
        // is longer than that, so a whole message of garbage arrives.
        SCOPED_TRACE("a flood of the largest message size, to an object that does not exist");
        expect_garbage_disconnects(prism, std::vector<uint32_t>(20000, 0xffffffffu));
    }

    EXPECT_TRUE(prism.process().running());
    EXPECT_TRUE(bystander.running());
    EXPECT_EQ(prism.windows_of("work").size(), 1u);
}

TEST(Robustness, MalformedControlRequestsGetAnErrorNotACrash) {
    Prism prism({});
    const int fd = connect_unix(prism.runtime_dir() / "prism-ipc.sock");
    ASSERT_GE(fd, 0);
    const std::string requests = "this is not json\n[1,2]\n{\"command\": \"explode\"}\n";
    ASSERT_EQ(write(fd, requests.data(), requests.size()), static_cast<ssize_t>(requests.size()));
    std::string replies;
    ASSERT_TRUE(eventually([&] {
        char buffer[4096];
        ssize_t n = recv(fd, buffer, sizeof(buffer), MSG_DONTWAIT);
        if (n > 0) {
            replies.append(buffer, static_cast<size_t>(n));
        }
        return std::count(replies.begin(), replies.end(), '\n') == 3;
    })) << replies;
    close(fd);
    std::istringstream lines(replies);
    std::string line;
    while (std::getline(lines, line)) {
        const auto reply = nlohmann::json::parse(line);
        EXPECT_EQ(reply["ok"], false) << line;
        EXPECT_FALSE(reply.value("error", "").empty()) << line;
    }
    EXPECT_NE(replies.find("explode"), std::string::npos) << replies;
    EXPECT_TRUE(prism.process().running());
    EXPECT_TRUE(prism.ctl("vms").is_array());
}

} // namespace
} // namespace prism::test
