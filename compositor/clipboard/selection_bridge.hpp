// Puts the clipboard mediator between the seat's selections and the clients that paste them.
//
// When a client sets the clipboard or primary selection, the bridge records its origin (from
// the client that sent the set_selection request) and puts a compositor-owned source on the
// seat in its place, offering the same MIME types. When any client pastes, wlroots asks that
// compositor-owned source to send; the bridge identifies the pasting client the same way and
// hands the request to the Mediator, which decides whether, and when, the real source is asked.
// The client's own source is never on the seat, so no paste can reach it except through here.
//
// Drag and drop goes the same way: before a drag starts, its source is replaced by a
// compositor-owned one (accept, actions and the drop are passed on to the client's), and only
// the client the drag is dropped on may receive the data, through the mediator, under the
// destination's [clipboard] policy.
//
// MIME types: prism offers at most the source origin's limits.mime_types of a source's types
// (each at most kMaxMimeTypeLength bytes; longer ones are dropped), so one VM's selection cannot
// overflow another VM's connection with offer events. A client offering more than
// kMaxOffersPerSource types on one source is disconnected (wlroots compares each new type with
// every earlier one, so an unbounded offer list would stall prism).
#pragma once

#include "compositor/clipboard/mediator.hpp"
#include "compositor/clipboard/request_context.hpp"
#include "compositor/input/input_route.hpp"
#include "compositor/listener.hpp"
#include "compositor/log_budget.hpp"
#include "compositor/wlr.hpp"
#include "config/config.hpp"
#include "origins/client_origins.hpp"

#include <chrono>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <vector>

namespace prism::clipboard {

class SelectionBridge {
public:
    // No drag may start while `route` says prism's dialog is up.
    // `config` is the running configuration (its VMs' limits.mime_types).
    SelectionBridge(wl_display* display, wlr_seat* seat, const InputRoute& route,
                    const origins::ClientOrigins& origins, Mediator& mediator,
                    const config::Config& config);
    // Clears both selections (while the seat still exists), so nothing refers to the bridge.
    ~SelectionBridge();
    SelectionBridge(const SelectionBridge&) = delete;
    SelectionBridge& operator=(const SelectionBridge&) = delete;

    // A client went away: forget what was counted for it.
    void client_gone(const wl_client* client) { refused_sourceless_.erase(client); }

    static constexpr std::size_t kMaxMimeTypeLength = 255;
    // wlroots' check for a duplicate costs each offer a comparison with every earlier type: a
    // source's offers cost it n^2 / 2 comparisons, all within the reads that carried them
    // (about 250 offers of 255 bytes per 64 KiB read), while other clients wait. At 256,
    // a read costs at most 64,000 comparisons; at 1024 it was four times as many per read and
    // sixteen times as many per source.
    static constexpr std::size_t kMaxOffersPerSource = 256;
    // Refused drags without a source a client may ask for before it is disconnected.
    static constexpr int kMaxRefusedDrags = 32;

private:
    // How many MIME types of a source set by `origin` prism offers on (limits.mime_types).
    std::size_t mime_type_limit(const Origin& origin) const;
    class Wrapped;
    friend class Wrapped;

    void handle_set_selection(wlr_data_source* source, std::uint32_t serial);
    void handle_set_primary(wlr_primary_selection_source* source, std::uint32_t serial);
    void handle_start_drag(wlr_drag* drag, wlr_surface* origin, std::uint32_t serial);
    Origin origin_of(wl_client* client) const;
    // The types prism offers for a source of `origin` offering `types`.
    std::vector<std::string> capped(std::vector<std::string> types, const Origin& origin);
    static void count_offer(void* data, wl_protocol_logger_type type,
                            const wl_protocol_logger_message* message);
    struct OfferCount;
    // A compositor-owned source was asked to send: find who pastes and ask the mediator.
    void paste(Wrapped& wrapped, const char* mime_type, int fd);
    // A wrapper is done with: freed from the loop, never inside a callback of its own.
    void bury(Wrapped& wrapped);
    static void collect_garbage(void* data);

    wl_event_loop* loop_;
    wlr_seat* seat_;
    const InputRoute& route_;
    const origins::ClientOrigins& origins_;
    const config::Config& config_;
    Mediator& mediator_;
    RequestContext requests_;
    std::list<std::unique_ptr<Wrapped>> live_;
    std::vector<std::unique_ptr<Wrapped>> dead_;
    std::map<const wl_client*, int> refused_sourceless_; // a client's refused sourceless drags
    wl_event_source* garbage_idle_ = nullptr;
    wl_protocol_logger* offer_logger_ = nullptr;
    std::map<const wl_resource*, std::unique_ptr<OfferCount>> offer_counts_;
    // The "prism offers N of them" lines: one per origin every 10 s, with the count left out.
    LogBudget capped_log_{1, std::chrono::seconds(10)};
    Listener<wlr_seat_request_set_selection_event> request_set_selection_;
    Listener<wlr_seat_request_set_primary_selection_event> request_set_primary_;
    Listener<wlr_seat_request_start_drag_event> request_start_drag_;
};

} // namespace prism::clipboard
