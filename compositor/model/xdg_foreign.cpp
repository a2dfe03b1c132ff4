#include "compositor/model/xdg_foreign.hpp"

#include "xdg-foreign-unstable-v2-protocol.h"

#include <cstdio>
#include <sys/random.h>

namespace prism {

// One exported toplevel. Its resource's user data points here until the surface or the
// resource goes.
struct XdgForeign::Exported {
    XdgForeign* foreign = nullptr;
    wl_resource* resource = nullptr;
    wlr_xdg_toplevel* toplevel = nullptr;
    origins::Origin origin = origins::Origin::unknown();
    std::string handle;
    std::list<Imported*> imports;
    Listener<void> toplevel_destroy;
};

// One import of a handle; inert (user data null) when the handle was unknown to its origin, or
// once the export is gone.
struct XdgForeign::Imported {
    wl_resource* resource = nullptr;
    Exported* exported = nullptr;
    // The importer's toplevels made children of the export, each until it goes.
    struct Child {
        wlr_xdg_toplevel* toplevel = nullptr;
        Listener<void> destroy;
    };
    std::list<Child> children;

    // Ends every parent relation this import made (the import or its export went).
    void release_children() {
        for (Child& child : children) {
            if (child.toplevel != nullptr && exported != nullptr &&
                child.toplevel->parent == exported->toplevel) {
                wlr_xdg_toplevel_set_parent(child.toplevel, nullptr);
            }
        }
        children.clear();
    }
};

namespace {

void destroy_request(wl_client*, wl_resource* resource) {
    wl_resource_destroy(resource);
}

// 32 hexadecimal digits from the kernel's random source: a handle nobody can guess.
std::string random_handle() {
    unsigned char bytes[16] = {};
    std::size_t got = 0;
    while (got < sizeof bytes) {
        const ssize_t n = getrandom(bytes + got, sizeof bytes - got, 0);
        if (n > 0) {
            got += static_cast<std::size_t>(n);
        }
    }
    std::string handle;
    char digits[3];
    for (unsigned char byte : bytes) {
        std::snprintf(digits, sizeof digits, "%02x", byte);
        handle += digits;
    }
    return handle;
}

XdgForeign::Imported* imported_from(wl_resource* resource);
XdgForeign::Exported* exported_from(wl_resource* resource);

void handle_set_parent_of(wl_client*, wl_resource* resource, wl_resource* surface_resource) {
    XdgForeign::Imported* imported = imported_from(resource);
    wlr_surface* surface = wlr_surface_from_resource(surface_resource);
    wlr_xdg_toplevel* child = wlr_xdg_toplevel_try_from_wlr_surface(surface);
    if (child == nullptr) {
        wl_resource_post_error(resource, ZXDG_IMPORTED_V2_ERROR_INVALID_SURFACE,
                               "set_parent_of: the surface is not an xdg_toplevel");
        return;
    }
    if (imported == nullptr || imported->exported == nullptr) {
        return; // an import of an unknown or vanished handle: nothing to be a child of
    }
    if (!wlr_xdg_toplevel_set_parent(child, imported->exported->toplevel)) {
        return; // it would make a loop; wlroots refuses
    }
    imported->children.remove_if([](const auto& entry) { return entry.toplevel == nullptr; });
    for (const auto& existing : imported->children) {
        if (existing.toplevel == child) {
            return;
        }
    }
    auto& entry = imported->children.emplace_back();
    entry.toplevel = child;
    // Forgotten, not erased: erasing would destroy the listener being called.
    entry.destroy.connect(&child->events.destroy, [&entry](void*) {
        entry.toplevel = nullptr;
        entry.destroy.disconnect();
    });
}

const struct zxdg_imported_v2_interface kImportedImpl = {
    .destroy = destroy_request,
    .set_parent_of = handle_set_parent_of,
};

const struct zxdg_exported_v2_interface kExportedImpl = {
    .destroy = destroy_request,
};

XdgForeign::Imported* imported_from(wl_resource* resource) {
    return static_cast<XdgForeign::Imported*>(wl_resource_get_user_data(resource));
}

XdgForeign::Exported* exported_from(wl_resource* resource) {
    return static_cast<XdgForeign::Exported*>(wl_resource_get_user_data(resource));
}

void destroy_imported_resource(wl_resource* resource) {
    XdgForeign::Imported* imported = imported_from(resource);
    if (imported == nullptr) {
        return;
    }
    imported->release_children();
    if (imported->exported != nullptr) {
        imported->exported->imports.remove(imported);
    }
    delete imported;
}

void destroy_exported_resource(wl_resource* resource) {
    if (XdgForeign::Exported* exported = exported_from(resource)) {
        exported->foreign->forget(*exported);
    }
}

void handle_export_toplevel(wl_client*, wl_resource* exporter, std::uint32_t id,
                            wl_resource* surface) {
    static_cast<XdgForeign*>(wl_resource_get_user_data(exporter))
        ->export_toplevel(exporter, id, surface);
}

void handle_import_toplevel(wl_client*, wl_resource* importer, std::uint32_t id,
                            const char* handle) {
    static_cast<XdgForeign*>(wl_resource_get_user_data(importer))
        ->import_toplevel(importer, id, handle);
}

const struct zxdg_exporter_v2_interface kExporterImpl = {
    .destroy = destroy_request,
    .export_toplevel = handle_export_toplevel,
};

const struct zxdg_importer_v2_interface kImporterImpl = {
    .destroy = destroy_request,
    .import_toplevel = handle_import_toplevel,
};

} // namespace

XdgForeign::XdgForeign(wl_display* display, const origins::ClientOrigins& origins)
    : loop_(wl_display_get_event_loop(display))
    , origins_(origins) {
    exporter_ = wl_global_create(display, &zxdg_exporter_v2_interface, 1, this, bind_exporter);
    importer_ = wl_global_create(display, &zxdg_importer_v2_interface, 1, this, bind_importer);
}

XdgForeign::~XdgForeign() {
    // The display destroys its clients (and with them every resource) before this goes.
    wl_global_destroy(exporter_);
    wl_global_destroy(importer_);
}

void XdgForeign::bind_exporter(wl_client* client, void* data, std::uint32_t version,
                               std::uint32_t id) {
    wl_resource* resource =
        wl_resource_create(client, &zxdg_exporter_v2_interface, static_cast<int>(version), id);
    if (resource == nullptr) {
        wl_client_post_no_memory(client);
        return;
    }
    wl_resource_set_implementation(resource, &kExporterImpl, data, nullptr);
}

void XdgForeign::bind_importer(wl_client* client, void* data, std::uint32_t version,
                               std::uint32_t id) {
    wl_resource* resource =
        wl_resource_create(client, &zxdg_importer_v2_interface, static_cast<int>(version), id);
    if (resource == nullptr) {
        wl_client_post_no_memory(client);
        return;
    }
    wl_resource_set_implementation(resource, &kImporterImpl, data, nullptr);
}

void XdgForeign::export_toplevel(wl_resource* exporter, std::uint32_t id,
                                 wl_resource* surface_resource) {
    wl_client* client = wl_resource_get_client(exporter);
    wlr_xdg_toplevel* toplevel =
        wlr_xdg_toplevel_try_from_wlr_surface(wlr_surface_from_resource(surface_resource));
    if (toplevel == nullptr) {
        wl_resource_post_error(exporter, ZXDG_EXPORTER_V2_ERROR_INVALID_SURFACE,
                               "export_toplevel: the surface is not an xdg_toplevel");
        return;
    }
    wl_resource* resource = wl_resource_create(client, &zxdg_exported_v2_interface,
                                               wl_resource_get_version(exporter), id);
    if (resource == nullptr) {
        wl_client_post_no_memory(client);
        return;
    }
    auto* exported = new Exported;
    exported->foreign = this;
    exported->resource = resource;
    exported->toplevel = toplevel;
    exported->origin = origins_.origin_of(client);
    do {
        exported->handle = random_handle();
    } while (exported_.count(exported->handle) > 0);
    exported_[exported->handle] = exported;
    exported->toplevel_destroy.connect(&toplevel->events.destroy,
                                       [this, exported](void*) { forget(*exported, true); });
    wl_resource_set_implementation(resource, &kExportedImpl, exported, destroy_exported_resource);
    zxdg_exported_v2_send_handle(resource, exported->handle.c_str());
}

void XdgForeign::import_toplevel(wl_resource* importer, std::uint32_t id, const char* handle) {
    wl_client* client = wl_resource_get_client(importer);
    wl_resource* resource = wl_resource_create(client, &zxdg_imported_v2_interface,
                                               wl_resource_get_version(importer), id);
    if (resource == nullptr) {
        wl_client_post_no_memory(client);
        return;
    }
    auto it = exported_.find(handle);
    // Only the exporting origin (the host, one VM, one sandbox instance) finds its handle: to
    // anyone else it is unknown. A client of no known origin finds none.
    const origins::Origin origin = origins_.origin_of(client);
    if (it == exported_.end() || origin.kind() == origins::Origin::Kind::Unknown ||
        !(it->second->origin == origin)) {
        wl_resource_set_implementation(resource, &kImportedImpl, nullptr, nullptr);
        zxdg_imported_v2_send_destroyed(resource);
        return;
    }
    auto* imported = new Imported;
    imported->resource = resource;
    imported->exported = it->second;
    it->second->imports.push_back(imported);
    wl_resource_set_implementation(resource, &kImportedImpl, imported, destroy_imported_resource);
}

void XdgForeign::forget(Exported& exported, bool deferred) {
    // The toplevel or the export went: every import of it is destroyed, and made inert.
    for (Imported* imported : exported.imports) {
        imported->release_children();
        imported->exported = nullptr;
        zxdg_imported_v2_send_destroyed(imported->resource);
        wl_resource_set_user_data(imported->resource, nullptr);
        wl_resource_set_destructor(imported->resource, nullptr);
        delete imported;
    }
    exported.imports.clear();
    exported_.erase(exported.handle);
    wl_resource_set_user_data(exported.resource, nullptr);
    wl_resource_set_destructor(exported.resource, nullptr);
    exported.toplevel_destroy.disconnect();
    if (!deferred) {
        delete &exported;
        return;
    }
    wl_event_loop_add_idle(
        loop_, [](void* data) { delete static_cast<Exported*>(data); }, &exported);
}

} // namespace prism
