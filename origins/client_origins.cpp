#include "origins/client_origins.hpp"

#include <cerrno>
#include <unistd.h>

namespace prism::origins {

struct ClientOrigins::Entry {
    ClientOrigins* owner;
    wl_client* client;
    mutable Origin origin;
    wl_listener destroy{};
    mutable bool settled = false; // the sandbox lookup was asked (host clients only)
};

ClientOrigins::ClientOrigins(wl_display* display, SandboxLookup sandbox_of)
    : display_(display)
    , sandbox_of_(std::move(sandbox_of)) {
    client_created_.notify = &ClientOrigins::handle_client_created;
    wl_display_add_client_created_listener(display_, &client_created_);
}

ClientOrigins::~ClientOrigins() {
    wl_list_remove(&client_created_.link);
    for (auto& [client, entry] : entries_) {
        wl_list_remove(&entry->destroy.link);
    }
}

wl_client* ClientOrigins::create_vm_client(int fd, const std::string& vm) {
    pending_vm_ = vm;
    wl_client* client = wl_client_create(display_, fd);
    pending_vm_.reset();
    if (client == nullptr) {
        const int error = errno; // what the caller reports (EMFILE: libwayland dups the fd)
        close(fd);
        errno = error;
    }
    return client;
}

void ClientOrigins::handle_client_created(wl_listener* listener, void* data) {
    ClientOrigins* self = wl_container_of(listener, self, client_created_);
    self->add(static_cast<wl_client*>(data));
}

void ClientOrigins::add(wl_client* client) {
    auto entry = std::make_unique<Entry>(
        Entry{this, client, pending_vm_ ? Origin::vm(*pending_vm_) : Origin::host(), {}, false});
    entry->destroy.notify = &ClientOrigins::handle_client_destroyed;
    wl_client_add_destroy_listener(client, &entry->destroy);
    const Origin origin = entry->origin;
    entries_[client] = std::move(entry);
    if (origin.is_vm()) {
        ++vm_counts_[origin.vm_name()];
    }
    if (on_client_created) {
        on_client_created(client, origin);
    }
}

void ClientOrigins::handle_client_destroyed(wl_listener* listener, void* data) {
    Entry* entry = wl_container_of(listener, entry, destroy);
    ClientOrigins* self = entry->owner;
    wl_list_remove(&entry->destroy.link);
    if (self->on_client_destroyed) {
        self->on_client_destroyed(entry->client, self->settle(*entry));
    }
    if (entry->origin.is_vm()) {
        auto count = self->vm_counts_.find(entry->origin.vm_name());
        if (count != self->vm_counts_.end() && --count->second == 0) {
            self->vm_counts_.erase(count);
        }
    }
    self->entries_.erase(entry->client);
}

Origin ClientOrigins::origin_of(const wl_client* client) const {
    auto it = entries_.find(client);
    if (it == entries_.end()) {
        return Origin::unknown();
    }
    return settle(*it->second);
}

const Origin& ClientOrigins::settle(const Entry& entry) const {
    if (!entry.settled && entry.origin.is_host()) {
        entry.settled = true;
        if (sandbox_of_) {
            if (auto sandbox = sandbox_of_(entry.client)) {
                entry.origin = Origin::sandbox(std::move(*sandbox));
            }
        }
    }
    return entry.origin;
}

std::size_t ClientOrigins::vm_client_count(const std::string& vm) const {
    auto it = vm_counts_.find(vm);
    return it == vm_counts_.end() ? 0 : it->second;
}

std::vector<wl_client*> ClientOrigins::clients_of(const Origin& origin) const {
    std::vector<wl_client*> result;
    for (const auto& [client, entry] : entries_) {
        if (settle(*entry) == origin) {
            result.push_back(entry->client);
        }
    }
    return result;
}

} // namespace prism::origins
