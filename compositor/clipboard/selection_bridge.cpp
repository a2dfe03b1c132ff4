#include "compositor/clipboard/selection_bridge.hpp"

#include <cstring>
#include <type_traits>
#include <utility>

#include <unistd.h>

namespace prism::clipboard {
namespace {

// The MIME types of a wlroots source (a wl_array of char*), in order.
std::vector<std::string> mime_types_of(const wl_array& array) {
    std::vector<std::string> types;
    const auto* items = static_cast<char* const*>(array.data);
    for (std::size_t i = 0; i < array.size / sizeof(char*); ++i) {
        types.emplace_back(items[i]);
    }
    return types;
}

// Fills a compositor-owned source's array; wlroots frees each string when it is destroyed.
void copy_mime_types(const std::vector<std::string>& types, wl_array& array) {
    for (const std::string& type : types) {
        auto** slot = static_cast<char**>(wl_array_add(&array, sizeof(char*)));
        if (slot == nullptr) {
            return;
        }
        *slot = strdup(type.c_str());
        if (*slot == nullptr) {
            array.size -= sizeof(char*);
            return;
        }
    }
}

} // namespace

// The offers one client source has made so far; forgotten with the source.
struct SelectionBridge::OfferCount {
    SelectionBridge* bridge = nullptr;
    const wl_resource* resource = nullptr;
    std::size_t offers = 0;
    wl_listener destroy{};
};

// One client source and the compositor-owned source that stands for it on the seat.
class SelectionBridge::Wrapped : public SourceBackend {
public:
    // wlroots hands the impl functions a pointer to `base`; it comes first in a standard-layout
    // struct, so that pointer is the shell's.
    struct DataShell {
        wlr_data_source base;
        Wrapped* self;
    };
    struct PrimaryShell {
        wlr_primary_selection_source base;
        Wrapped* self;
    };
    static_assert(std::is_standard_layout_v<DataShell>);
    static_assert(std::is_standard_layout_v<PrimaryShell>);

    Wrapped(SelectionBridge& bridge, Selection kind)
        : bridge_(bridge)
        , kind_(kind) {}
    Wrapped(const Wrapped&) = delete;
    Wrapped& operator=(const Wrapped&) = delete;

    // Wraps `original` and registers it with the mediator as set by `origin`.
    void wrap(wlr_data_source* original, const Origin& origin) {
        data_original_ = original;
        const auto types = bridge_.capped(mime_types_of(original->mime_types), origin);
        data_shell_.self = this;
        wlr_data_source_init(&data_shell_.base, kind_ == Selection::Drag ? &kDragImpl : &kDataImpl);
        data_shell_.base.actions = original->actions;
        data_shell_.base.compositor_action = original->compositor_action;
        copy_mime_types(types, data_shell_.base.mime_types);
        id_ = bridge_.mediator_.source_set(kind_, origin, types, this);
        original_destroy_.connect(&original->events.destroy, [this](void*) { original_gone(); });
    }
    // Takes the place of `drag`'s source before the drag starts, so offers, accept, actions
    // and the drop all go through the shell, and remembers which client the drop lands on.
    void wrap_drag(wlr_drag* drag, const Origin& origin) {
        wrap(drag->source, origin);
        wl_list_remove(&drag->source_destroy.link);
        drag->source = &data_shell_.base;
        wl_signal_add(&drag->source->events.destroy, &drag->source_destroy);
        drag_drop_.connect(&drag->events.drop, [this, drag](wlr_drag_drop_event*) {
            dropped_on_ = drag->focus_client != nullptr ? drag->focus_client->client : nullptr;
        });
        drag_destroy_.connect(&drag->events.destroy, [this](void*) {
            drag_drop_.disconnect();
            drag_destroy_.disconnect();
        });
    }
    // The client the drag was dropped on: the only one that may receive its data.
    const wl_client* dropped_on() const { return dropped_on_; }

    void wrap(wlr_primary_selection_source* original, const Origin& origin) {
        primary_original_ = original;
        const auto types = bridge_.capped(mime_types_of(original->mime_types), origin);
        primary_shell_.self = this;
        wlr_primary_selection_source_init(&primary_shell_.base, &kPrimaryImpl);
        copy_mime_types(types, primary_shell_.base.mime_types);
        id_ = bridge_.mediator_.source_set(kind_, origin, types, this);
        original_destroy_.connect(&original->events.destroy, [this](void*) { original_gone(); });
    }

    wlr_data_source* data_shell() { return &data_shell_.base; }
    wlr_primary_selection_source* primary_shell() { return &primary_shell_.base; }
    bool wraps(const void* original) const {
        return !dead_ && original != nullptr &&
               (original == data_original_ || original == primary_original_);
    }
    std::uint64_t id() const { return id_; }
    Selection kind() const { return kind_; }

    // The mediator asks the real source for the bytes.
    void send(const std::string& mime_type, int fd) override {
        if (data_original_ != nullptr) {
            wlr_data_source_send(data_original_, mime_type.c_str(), fd);
        } else if (primary_original_ != nullptr) {
            wlr_primary_selection_source_send(primary_original_, mime_type.c_str(), fd);
        } else {
            close(fd);
        }
    }

private:
    // The client destroyed its source (or went away): the selection it stood for is gone.
    void original_gone() {
        original_destroy_.disconnect();
        data_original_ = nullptr;
        primary_original_ = nullptr;
        bridge_.mediator_.source_gone(id_);
        if (dead_) {
            return;
        }
        // Destroying the shell clears the seat's selection (wlroots listens for that), then
        // calls shell_destroyed().
        if (kind_ != Selection::Primary) {
            wlr_data_source_destroy(&data_shell_.base);
        } else {
            wlr_primary_selection_source_destroy(&primary_shell_.base);
        }
    }

    // wlroots destroyed the shell: the selection was replaced or cleared.
    void shell_destroyed() {
        if (dead_) {
            return;
        }
        dead_ = true;
        bridge_.mediator_.source_gone(id_);
        original_destroy_.disconnect();
        // The client's source is told it is no longer the selection (wl_data_source.cancelled).
        if (wlr_data_source* original = std::exchange(data_original_, nullptr)) {
            wlr_data_source_destroy(original);
        }
        if (wlr_primary_selection_source* original = std::exchange(primary_original_, nullptr)) {
            wlr_primary_selection_source_destroy(original);
        }
        bridge_.bury(*this);
    }

    static void data_send(wlr_data_source* source, const char* mime_type, std::int32_t fd) {
        Wrapped* self = reinterpret_cast<DataShell*>(source)->self;
        self->bridge_.paste(*self, mime_type, fd);
    }
    static void data_destroy(wlr_data_source* source) {
        reinterpret_cast<DataShell*>(source)->self->shell_destroyed();
    }
    static void primary_send(wlr_primary_selection_source* source, const char* mime_type, int fd) {
        Wrapped* self = reinterpret_cast<PrimaryShell*>(source)->self;
        self->bridge_.paste(*self, mime_type, fd);
    }
    static void primary_destroy(wlr_primary_selection_source* source) {
        reinterpret_cast<PrimaryShell*>(source)->self->shell_destroyed();
    }
    // Drag and drop: the source client hears what the target does, through the shell.
    static wlr_data_source* original_of(wlr_data_source* shell) {
        return reinterpret_cast<DataShell*>(shell)->self->data_original_;
    }
    static void drag_accept(wlr_data_source* shell, std::uint32_t serial, const char* mime_type) {
        if (wlr_data_source* original = original_of(shell)) {
            wlr_data_source_accept(original, serial, mime_type);
        }
    }
    static void drag_drop(wlr_data_source* shell) {
        if (wlr_data_source* original = original_of(shell)) {
            wlr_data_source_dnd_drop(original);
        }
    }
    static void drag_finish(wlr_data_source* shell) {
        if (wlr_data_source* original = original_of(shell)) {
            wlr_data_source_dnd_finish(original);
        }
    }
    static void drag_action(wlr_data_source* shell, wl_data_device_manager_dnd_action action) {
        if (wlr_data_source* original = original_of(shell)) {
            wlr_data_source_dnd_action(original, action);
        }
    }
    static constexpr wlr_data_source_impl kDragImpl = {
        .send = data_send,
        .accept = drag_accept,
        .destroy = data_destroy,
        .dnd_drop = drag_drop,
        .dnd_finish = drag_finish,
        .dnd_action = drag_action,
    };
    static constexpr wlr_data_source_impl kDataImpl = {
        .send = data_send,
        .accept = nullptr,
        .destroy = data_destroy,
        .dnd_drop = nullptr,
        .dnd_finish = nullptr,
        .dnd_action = nullptr,
    };
    static constexpr wlr_primary_selection_source_impl kPrimaryImpl = {
        .send = primary_send,
        .destroy = primary_destroy,
    };

    SelectionBridge& bridge_;
    Selection kind_;
    std::uint64_t id_ = 0;
    bool dead_ = false;
    wlr_data_source* data_original_ = nullptr;
    wlr_primary_selection_source* primary_original_ = nullptr;
    DataShell data_shell_{};
    PrimaryShell primary_shell_{};
    Listener<void> original_destroy_;
    const wl_client* dropped_on_ = nullptr;
    Listener<wlr_drag_drop_event> drag_drop_;
    Listener<void> drag_destroy_;
};

std::size_t SelectionBridge::mime_type_limit(const Origin& origin) const {
    const config::VmConfig* vm = origin.is_vm() ? config_.find_vm(origin.vm_name()) : nullptr;
    return vm != nullptr ? vm->limits.mime_types : config::VmLimits{}.mime_types;
}

SelectionBridge::SelectionBridge(wl_display* display, wlr_seat* seat, const InputRoute& route,
                                 const origins::ClientOrigins& origins, Mediator& mediator,
                                 const config::Config& config)
    : loop_(wl_display_get_event_loop(display))
    , seat_(seat)
    , route_(route)
    , origins_(origins)
    , config_(config)
    , mediator_(mediator)
    , requests_(display) {
    request_set_selection_.connect(&seat_->events.request_set_selection,
                                   [this](wlr_seat_request_set_selection_event* event) {
                                       handle_set_selection(event->source, event->serial);
                                   });
    request_start_drag_.connect(&seat_->events.request_start_drag,
                                [this](wlr_seat_request_start_drag_event* event) {
                                    handle_start_drag(event->drag, event->origin, event->serial);
                                });
    offer_logger_ = wl_display_add_protocol_logger(display, &SelectionBridge::count_offer, this);
    request_set_primary_.connect(&seat_->events.request_set_primary_selection,
                                 [this](wlr_seat_request_set_primary_selection_event* event) {
                                     handle_set_primary(event->source, event->serial);
                                 });
}

SelectionBridge::~SelectionBridge() {
    request_set_selection_.disconnect();
    request_set_primary_.disconnect();
    request_start_drag_.disconnect();
    if (offer_logger_ != nullptr) {
        wl_protocol_logger_destroy(offer_logger_);
    }
    for (auto& [resource, count] : offer_counts_) {
        wl_list_remove(&count->destroy.link);
    }
    offer_counts_.clear();
    // The serials stay what they were: a newer one would make wlroots reject the clients' next
    // set_selection as stale.
    wlr_seat_set_selection(seat_, nullptr, seat_->selection_serial);
    wlr_seat_set_primary_selection(seat_, nullptr, seat_->primary_selection_serial);
    live_.clear();
    dead_.clear();
    if (garbage_idle_ != nullptr) {
        wl_event_source_remove(garbage_idle_);
    }
}

void SelectionBridge::count_offer(void* data, wl_protocol_logger_type type,
                                  const wl_protocol_logger_message* message) {
    if (type != WL_PROTOCOL_LOGGER_REQUEST || std::strcmp(message->message->name, "offer") != 0) {
        return;
    }
    const char* interface = wl_resource_get_class(message->resource);
    if (std::strcmp(interface, "wl_data_source") != 0 &&
        std::strcmp(interface, "zwp_primary_selection_source_v1") != 0 &&
        std::strcmp(interface, "zwlr_data_control_source_v1") != 0) {
        return;
    }
    auto* self = static_cast<SelectionBridge*>(data);
    auto& count = self->offer_counts_[message->resource];
    if (!count) {
        count = std::make_unique<OfferCount>();
        count->bridge = self;
        count->resource = message->resource;
        count->destroy.notify = [](wl_listener* listener, void*) {
            OfferCount* gone = wl_container_of(listener, gone, destroy);
            wl_list_remove(&gone->destroy.link);
            gone->bridge->offer_counts_.erase(gone->resource); // frees `gone`
        };
        wl_resource_add_destroy_listener(message->resource, &count->destroy);
    }
    if (++count->offers == kMaxOffersPerSource + 1) {
        // The request is still handled (a logger cannot stop it); the client goes right after.
        // ProtocolErrorLog logs it with the client's origin, rate-limited per origin: a VM
        // that reconnects and does it again and again cannot flood the log.
        wl_resource_post_error(message->resource, 0, "more than %zu MIME types offered",
                               kMaxOffersPerSource);
    }
}

std::vector<std::string> SelectionBridge::capped(std::vector<std::string> types,
                                                 const Origin& origin) {
    const std::size_t limit = mime_type_limit(origin);
    const std::size_t offered = types.size();
    std::size_t too_long = 0;
    std::vector<std::string> kept;
    for (std::string& type : types) {
        if (type.size() > kMaxMimeTypeLength) {
            ++too_long;
        } else if (kept.size() < limit) {
            kept.push_back(std::move(type));
        }
    }
    if (kept.size() < offered) {
        // Rate-limited per origin (capped_log_): a VM may set selections as fast as it likes.
        const std::string name(origin.display_name());
        if (const std::optional<std::string> left_out = capped_log_.admit(name)) {
            wlr_log(WLR_INFO,
                    "clipboard: %s offered %zu MIME types (%zu longer than %zu bytes): prism "
                    "offers %zu of them (limits.mime_types = %zu)%s",
                    name.c_str(), offered, too_long, kMaxMimeTypeLength, kept.size(), limit,
                    left_out->c_str());
        }
    }
    return kept;
}

Origin SelectionBridge::origin_of(wl_client* client) const {
    return client != nullptr ? origins_.origin_of(client) : Origin::unknown();
}

void SelectionBridge::handle_set_selection(wlr_data_source* source, std::uint32_t serial) {
    const RequestContext::Request request = requests_.take(
        {"wl_data_device.set_selection", "zwlr_data_control_device_v1.set_selection"});
    if (source == nullptr) {
        wlr_seat_set_selection(seat_, nullptr, serial);
        return;
    }
    for (const auto& wrapped : live_) {
        if (!wrapped->wraps(source)) {
            continue;
        }
        if (seat_->selection_source == wrapped->data_shell()) {
            wlr_seat_set_selection(seat_, wrapped->data_shell(), serial); // the serial only
        } else {
            // The source of a drag still in progress: one use at a time, as the protocol says.
            wlr_log(WLR_DEBUG, "clipboard: ignoring a selection whose source is in use");
        }
        return;
    }
    live_.push_back(std::make_unique<Wrapped>(*this, Selection::Clipboard));
    Wrapped& wrapped = *live_.back();
    wrapped.wrap(source, origin_of(request.client));
    // The serial is the client's own, already validated by wlroots: the seat's selection serial
    // never runs ahead of what clients have seen.
    wlr_seat_set_selection(seat_, wrapped.data_shell(), serial);
}

void SelectionBridge::handle_set_primary(wlr_primary_selection_source* source,
                                         std::uint32_t serial) {
    const RequestContext::Request request =
        requests_.take({"zwp_primary_selection_device_v1.set_selection",
                        "zwlr_data_control_device_v1.set_primary_selection"});
    if (source == nullptr) {
        wlr_seat_set_primary_selection(seat_, nullptr, serial);
        return;
    }
    for (const auto& wrapped : live_) {
        if (wrapped->wraps(source) && seat_->primary_selection_source == wrapped->primary_shell()) {
            wlr_seat_set_primary_selection(seat_, wrapped->primary_shell(), serial);
            return;
        }
    }
    live_.push_back(std::make_unique<Wrapped>(*this, Selection::Primary));
    Wrapped& wrapped = *live_.back();
    wrapped.wrap(source, origin_of(request.client));
    wlr_seat_set_primary_selection(seat_, wrapped.primary_shell(), serial);
}

void SelectionBridge::handle_start_drag(wlr_drag* drag, wlr_surface* origin, std::uint32_t serial) {
    wl_client* client = drag->seat_client != nullptr ? drag->seat_client->client : nullptr;
    // Refused: a drag without a button held on the client's own surface (wlroots keeps the
    // serial of that press), any drag while prism's dialog is up, and a source that is already
    // in use (a selection, or an earlier drag whose target never finished): starting it would
    // destroy the earlier use's source under wlroots' feet, and the new drag with it.
    const char* refusal = nullptr;
    if (route_.modal_up()) {
        refusal = "a dialog is up";
    } else if (!wlr_seat_validate_pointer_grab_serial(seat_, origin, serial)) {
        refusal = "no matching button press";
    } else if (drag->source != nullptr) {
        for (const auto& wrapped : live_) {
            if (wrapped->wraps(drag->source)) {
                refusal = "its source is already in use";
            }
        }
    }
    if (refusal != nullptr) {
        wlr_log(WLR_DEBUG, "clipboard: refusing a drag: %s", refusal);
        if (drag->source != nullptr) {
            // Not started yet: wlroots frees the drag with its source.
            wlr_data_source_destroy(drag->source);
        } else if (client != nullptr && ++refused_sourceless_[client] > kMaxRefusedDrags) {
            // wlroots 0.15 cannot free a drag without a source that never started; a client
            // that keeps asking is cut off before that adds up.
            wl_client_post_implementation_error(client, "too many refused drags");
        }
        return;
    }
    if (drag->source != nullptr) {
        live_.push_back(std::make_unique<Wrapped>(*this, Selection::Drag));
        live_.back()->wrap_drag(drag, origin_of(client));
    }
    // A drag without a source stays inside its client (wl_data_device.start_drag's rule).
    wlr_seat_start_pointer_drag(seat_, drag, serial);
}

void SelectionBridge::paste(Wrapped& wrapped, const char* mime_type, int fd) {
    if (wrapped.kind() == Selection::Drag) {
        // Only the client the drag was dropped on may read it, and only after the drop. A
        // target reading while the drag merely passes over it is refused quietly: that is no
        // paste the user made.
        const RequestContext::Request request = requests_.take({"wl_data_offer.receive"});
        if (request.client == nullptr || request.client != wrapped.dropped_on()) {
            wlr_log(WLR_DEBUG, "clipboard: refusing a read of a drag that was not dropped there");
            close(fd);
            return;
        }
        Destination destination;
        destination.client = request.client;
        destination.origin = origin_of(request.client);
        destination.entitled = request.client != nullptr && request.client == wrapped.dropped_on();
        mediator_.paste(wrapped.id(), destination, mime_type != nullptr ? mime_type : "", fd);
        return;
    }
    const RequestContext::Request request =
        wrapped.kind() == Selection::Clipboard
            ? requests_.take({"wl_data_offer.receive", "zwlr_data_control_offer_v1.receive"})
            : requests_.take(
                  {"zwp_primary_selection_offer_v1.receive", "zwlr_data_control_offer_v1.receive"});
    Destination destination;
    destination.client = request.client;
    destination.origin = origin_of(request.client);
    // data-control is host-only (or explicitly allowed to a VM): it reads the selection by
    // design. Anyone else must be the window the user is in, or the one the dialog is for.
    const bool control = request.interface != nullptr &&
                         std::strcmp(request.interface, "zwlr_data_control_offer_v1") == 0;
    const wl_client* focused = seat_->keyboard_state.focused_client
                                   ? seat_->keyboard_state.focused_client->client
                                   : nullptr;
    const std::optional<Prompt> prompt = mediator_.current_prompt();
    destination.entitled =
        request.client != nullptr &&
        (control || request.client == focused || (prompt && prompt->client == request.client));
    mediator_.paste(wrapped.id(), destination, mime_type != nullptr ? mime_type : "", fd);
}

void SelectionBridge::bury(Wrapped& wrapped) {
    for (auto it = live_.begin(); it != live_.end(); ++it) {
        if (it->get() == &wrapped) {
            dead_.push_back(std::move(*it));
            live_.erase(it);
            break;
        }
    }
    if (garbage_idle_ == nullptr) {
        garbage_idle_ = wl_event_loop_add_idle(loop_, collect_garbage, this);
    }
}

void SelectionBridge::collect_garbage(void* data) {
    auto* self = static_cast<SelectionBridge*>(data);
    self->garbage_idle_ = nullptr;
    self->dead_.clear();
}

} // namespace prism::clipboard
