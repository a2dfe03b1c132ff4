// Origins and the global filter, on a real wl_display with real libwayland clients.
#include "origins/client_origins.hpp"
#include "origins/global_filter.hpp"

#include <gtest/gtest.h>
#include <poll.h>
#include <set>
#include <string>
#include <sys/socket.h>
#include <unistd.h>
#include <wayland-client-core.h>
#include <wayland-client-protocol.h>

namespace prism::origins {
namespace {

// Fake global interfaces: only their names matter to the filter.
const wl_interface kCompositor = {"wl_compositor", 1, 0, nullptr, 0, nullptr};
const wl_interface kScreencopy = {"zwlr_screencopy_manager_v1", 1, 0, nullptr, 0, nullptr};
const wl_interface kUnclassified = {"prism_test_unclassified_v1", 1, 0, nullptr, 0, nullptr};

void bind_nothing(wl_client*, void*, uint32_t, uint32_t) {
}

class OriginsTest : public ::testing::Test {
protected:
    void SetUp() override {
        display_ = wl_display_create();
        origins_ = std::make_unique<ClientOrigins>(display_);
        for (const wl_interface* iface : {&kCompositor, &kScreencopy, &kUnclassified}) {
            wl_global_create(display_, iface, 1, nullptr, bind_nothing);
        }
    }
    void TearDown() override {
        for (wl_display* client : clients_) {
            wl_display_disconnect(client);
        }
        filter_.reset();
        wl_display_destroy_clients(display_);
        origins_.reset();
        wl_display_destroy(display_);
    }

    // Connects a libwayland client; the server side is made by `make_server_client`.
    wl_display* connect(const std::function<wl_client*(int)>& make_server_client) {
        int fds[2];
        EXPECT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), 0);
        EXPECT_NE(make_server_client(fds[0]), nullptr);
        wl_display* client = wl_display_connect_to_fd(fds[1]);
        clients_.push_back(client);
        return client;
    }

    // The global interface names the client's registry announces.
    std::set<std::string> globals_seen_by(wl_display* client) {
        std::set<std::string> names;
        static const wl_registry_listener kListener = {
            [](void* data, wl_registry*, uint32_t, const char* iface, uint32_t) {
                static_cast<std::set<std::string>*>(data)->insert(iface);
            },
            [](void*, wl_registry*, uint32_t) {},
        };
        wl_registry* registry = wl_display_get_registry(client);
        wl_registry_add_listener(registry, &kListener, &names);
        bool done = false;
        static const wl_callback_listener kDone = {[](void* data, wl_callback*, uint32_t) {
            *static_cast<bool*>(data) = true;
        }};
        wl_callback* sync = wl_display_sync(client);
        wl_callback_add_listener(sync, &kDone, &done);
        for (int i = 0; i < 200 && !done; ++i) {
            wl_display_flush(client);
            wl_event_loop_dispatch(wl_display_get_event_loop(display_), 5);
            wl_display_flush_clients(display_);
            while (wl_display_prepare_read(client) != 0) {
                wl_display_dispatch_pending(client);
            }
            pollfd pfd{wl_display_get_fd(client), POLLIN, 0};
            if (poll(&pfd, 1, 5) > 0) {
                wl_display_read_events(client);
            } else {
                wl_display_cancel_read(client);
            }
            wl_display_dispatch_pending(client);
        }
        EXPECT_TRUE(done) << "the compositor never answered wl_display.sync";
        wl_callback_destroy(sync);
        wl_registry_destroy(registry);
        return names;
    }

    wl_display* display_ = nullptr;
    std::unique_ptr<ClientOrigins> origins_;
    std::unique_ptr<GlobalFilter> filter_;
    std::vector<wl_display*> clients_;
};

TEST_F(OriginsTest, VmClientsCarryTheirVmFromCreation) {
    std::vector<std::string> created;
    origins_->on_client_created = [&](wl_client*, const Origin& origin) {
        created.emplace_back(origin.display_name());
    };
    wl_client* vm_client = nullptr;
    connect([&](int fd) { return vm_client = origins_->create_vm_client(fd, "work"); });
    EXPECT_EQ(origins_->origin_of(vm_client), Origin::vm("work"));
    EXPECT_EQ(created, std::vector<std::string>{"work"});
}

TEST_F(OriginsTest, ClientsNotMadeForAVmAreHost) {
    wl_client* host_client = nullptr;
    connect([&](int fd) { return host_client = wl_client_create(display_, fd); });
    EXPECT_EQ(origins_->origin_of(host_client), Origin::host());
}

TEST_F(OriginsTest, DestroyedClientsAreForgottenAfterTheirLastCallback) {
    wl_client* vm_client = nullptr;
    connect([&](int fd) { return vm_client = origins_->create_vm_client(fd, "work"); });
    std::string destroyed;
    origins_->on_client_destroyed = [&](wl_client*, const Origin& origin) {
        destroyed = origin.display_name();
    };
    EXPECT_EQ(origins_->clients_of(Origin::vm("work")).size(), 1u);
    wl_client_destroy(vm_client);
    EXPECT_EQ(destroyed, "work");
    EXPECT_TRUE(origins_->clients_of(Origin::vm("work")).empty());
}

TEST_F(OriginsTest, FilterHidesHostOnlyAndUnclassifiedGlobalsFromVms) {
    std::vector<std::string> allow;
    filter_ = std::make_unique<GlobalFilter>(
        display_, *origins_,
        [&](const std::string&) -> const std::vector<std::string>& { return allow; });
    wl_display* vm = connect([&](int fd) { return origins_->create_vm_client(fd, "work"); });
    wl_display* host = connect([&](int fd) { return wl_client_create(display_, fd); });

    EXPECT_EQ(globals_seen_by(vm), std::set<std::string>{"wl_compositor"});
    EXPECT_EQ(globals_seen_by(host),
              (std::set<std::string>{"wl_compositor", "zwlr_screencopy_manager_v1",
                                     "prism_test_unclassified_v1"}));
}

TEST_F(OriginsTest, FilterShowsAllowedHostOnlyGlobalToThatVm) {
    std::vector<std::string> allow{"zwlr_screencopy_manager_v1"};
    filter_ = std::make_unique<GlobalFilter>(
        display_, *origins_, [&](const std::string& vm) -> const std::vector<std::string>& {
            static const std::vector<std::string> kNone;
            return vm == "work" ? allow : kNone;
        });
    wl_display* work = connect([&](int fd) { return origins_->create_vm_client(fd, "work"); });
    wl_display* other = connect([&](int fd) { return origins_->create_vm_client(fd, "other"); });
    EXPECT_EQ(globals_seen_by(work),
              (std::set<std::string>{"wl_compositor", "zwlr_screencopy_manager_v1"}));
    EXPECT_EQ(globals_seen_by(other), std::set<std::string>{"wl_compositor"});
}

} // namespace
} // namespace prism::origins
