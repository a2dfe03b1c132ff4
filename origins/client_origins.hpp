// The origin of every wl_client of one display.
//
// libwayland 1.21 has no per-client user data, so the registry listens for every client created
// on the display and keeps a map. A client created through create_vm_client() is attributed to
// that VM inside wl_client_create(), before a single request of it is read; every other client
// (the host's wayland-N socket, libwayland's own accept, a sandbox engine's socket) is attributed
// to the host, unless the sandbox lookup knows it: a client wlroots accepted on a security
// context's socket is that sandbox's. (wlroots records that only after wl_client_create()
// returns, so the lookup runs when the origin is first asked for; no request of the client has
// been read by then.)
#pragma once

#include "origins/origin.hpp"

#include <functional>
#include <memory>
#include <optional>
#include <unordered_map>
#include <vector>
#include <wayland-server-core.h>

namespace prism::origins {

class ClientOrigins {
public:
    // `sandbox_of(client)` says which sandbox a host-socket client belongs to, if any.
    using SandboxLookup = std::function<std::optional<Origin::Sandbox>(const wl_client*)>;

    explicit ClientOrigins(wl_display* display, SandboxLookup sandbox_of = {});
    ~ClientOrigins();
    ClientOrigins(const ClientOrigins&) = delete;
    ClientOrigins& operator=(const ClientOrigins&) = delete;

    // Creates a Wayland client for a connected socket `fd` with the given VM origin. Takes the
    // fd; returns nullptr (fd closed, errno kept) when libwayland cannot create the client.
    wl_client* create_vm_client(int fd, const std::string& vm);

    // The origin of `client`; Origin::unknown() for a client this registry never saw, which
    // every policy treats as hostile: default deny.
    Origin origin_of(const wl_client* client) const;

    // The live clients of one origin.
    std::vector<wl_client*> clients_of(const Origin& origin) const;
    // How many live clients the VM `vm` has (its socket's and its vmbridge contexts').
    std::size_t vm_client_count(const std::string& vm) const;

    // Called with every new client once its origin is set (a sandbox's client is still reported
    // as the host's here: see above), and with every client about to be destroyed (while its
    // origin is still known).
    std::function<void(wl_client*, const Origin&)> on_client_created;
    std::function<void(wl_client*, const Origin&)> on_client_destroyed;

private:
    struct Entry;
    static void handle_client_created(wl_listener* listener, void* data);
    static void handle_client_destroyed(wl_listener* listener, void* data);
    void add(wl_client* client);
    // The entry's origin, asking the sandbox lookup the first time for a host client.
    const Origin& settle(const Entry& entry) const;

    wl_display* display_;
    SandboxLookup sandbox_of_;
    wl_listener client_created_{};
    // Set only while create_vm_client() is inside wl_client_create().
    std::optional<std::string> pending_vm_;
    std::unordered_map<const wl_client*, std::unique_ptr<Entry>> entries_;
    std::unordered_map<std::string, std::size_t> vm_counts_;
};

} // namespace prism::origins
