// xdg-foreign v2: a client exports a handle to one of its toplevels, and a client that imports
// the handle may make its own toplevels children of it (a portal's dialog over the app that
// asked for it).
//
// prism implements it itself, so that handles are scoped by origin: a handle is found only by
// clients of the origin that exported it. Importing another VM's handle, or any handle that
// is not (or no longer) exported, yields an import that is at once `destroyed`, exactly as an
// unknown handle does; nothing tells the importer that the handle exists elsewhere.
#pragma once

#include "compositor/listener.hpp"
#include "compositor/wlr.hpp"
#include "origins/client_origins.hpp"

#include <list>
#include <map>
#include <memory>
#include <string>

namespace prism {

class XdgForeign {
public:
    XdgForeign(wl_display* display, const origins::ClientOrigins& origins);
    ~XdgForeign();
    XdgForeign(const XdgForeign&) = delete;
    XdgForeign& operator=(const XdgForeign&) = delete;

    struct Exported;
    struct Imported;

private:
    static void bind_exporter(wl_client* client, void* data, std::uint32_t version,
                              std::uint32_t id);
    static void bind_importer(wl_client* client, void* data, std::uint32_t version,
                              std::uint32_t id);

public:
    // Called by the request handlers in xdg_foreign.cpp.
    void export_toplevel(wl_resource* exporter, std::uint32_t id, wl_resource* surface);
    void import_toplevel(wl_resource* importer, std::uint32_t id, const char* handle);
    // The export ends (its resource or its toplevel went). Deleted at once, or from an idle
    // callback when `deferred`: a listener it owns is running.
    void forget(Exported& exported, bool deferred = false);

private:
    wl_event_loop* loop_;
    const origins::ClientOrigins& origins_;
    wl_global* exporter_ = nullptr;
    wl_global* importer_ = nullptr;
    // Every live export by its handle; each knows the origin that made it.
    std::map<std::string, Exported*> exported_;
};

} // namespace prism
