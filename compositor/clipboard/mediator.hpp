// The clipboard mediator: which origin set each selection, and what happens when another origin
// pastes it.
//
// prism puts a compositor-owned source on the seat in place of every client's selection source
// (see mediated_source.hpp). Each paste (wl_data_offer.receive, its primary-selection and
// data-control twins) then reaches the mediator as paste(source, destination, mime, fd), where
// fd is the write end the pasting client wants the bytes in. The mediator decides:
// - the same origin: the real source writes straight into fd, as on any desktop;
// - a crossing the policy denies, a MIME type it does not let cross, an unknown origin, or a
//   paster without keyboard focus: fd is closed with zero bytes written, and a notice says why;
// - a crossing the policy allows or asks about: prism reads the data from the source into
//   memory (bounded by max_bytes; nothing is written to fd yet); on `ask` one prompt per paste
//   is queued and shown one at a time. Only after Allow (by policy or by the user) are the
//   bytes written to fd, all of them or none: a source sending more than max_bytes is refused
//   before the first byte reaches the destination.
//
// Whatever happens in between, nothing from the source reaches the destination before Allow:
// the selection replaced or its source gone, the destination gone, or the prompt timing out
// all close fd unwritten. The mediator is independent of wlroots so that these races can be
// tested with plain pipes and an event loop.
#pragma once

#include "compositor/clipboard/policy.hpp"
#include "compositor/clipboard/transfer.hpp"
#include "config/config.hpp"
#include "origins/origin.hpp"

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <wayland-server-core.h>

namespace prism::clipboard {

const char* to_string(Selection selection); // "clipboard", "primary", "drag"

using origins::Origin;

// How a crossing ended.
enum class Decision {
    Allowed,   // the bytes were delivered
    Denied,    // by policy or by the user
    Cancelled, // the selection, the source or the paster went away, or the prompt timed out
    Refused,   // not allowed to ask (type, focus, limits) or the data could not be read
    Failed,    // allowed, but the destination stopped reading before the end
};
// "allowed", "denied", "cancelled", "refused", "failed"
const char* to_string(Decision decision);

// The real data behind a selection: asks the client (or whatever set it) to write one MIME type
// into an fd.
class SourceBackend {
public:
    virtual ~SourceBackend() = default;
    // Takes `fd`.
    virtual void send(const std::string& mime_type, int fd) = 0;
};

// Who pastes.
struct Destination {
    const wl_client* client = nullptr; // identity only; never dereferenced
    Origin origin = Origin::unknown();
    // The client has keyboard focus, or pastes through a host-only interface (data-control)
    // that reads the selection by design. Crossings into anyone else are refused outright.
    bool entitled = false;
};

// One line of the crossing log (prismctl clipboard).
struct Crossing {
    std::int64_t unix_ms = 0;
    Selection selection = Selection::Clipboard;
    Origin from = Origin::unknown(), to = Origin::unknown();
    std::string mime_type;
    std::uint64_t bytes = 0; // delivered to the destination
    Decision decision = Decision::Refused;
    std::string rule; // which rule or event decided it
};

// The user's answer to a prompt.
enum class Answer {
    Allow,   // this paste, once
    Deny,    // this paste; the same selection is not asked about again for that origin
    DenyAll, // this paste and every crossing into its destination origin for kDenyAllDuration
};

// What the dialog shows for the paste waiting for an answer.
struct Prompt {
    std::uint64_t id = 0;
    Selection selection = Selection::Clipboard;
    Origin from = Origin::unknown(), to = Origin::unknown();
    const wl_client* client = nullptr;
    std::string mime_type;             // of the first request
    std::size_t more_types = 0;        // further requests in the same paste
    std::optional<std::uint64_t> size; // once read from the source
    std::string preview;               // a short text preview, once known (text types only)
    std::chrono::steady_clock::time_point shown_at{};
};

class Mediator {
public:
    struct Hooks {
        // The paste policy of a destination origin for one selection; nullptr when the origin
        // has none (unknown, or a VM no longer configured): every crossing into it is denied.
        std::function<const config::PastePolicy*(const Origin& origin, Selection)> policy;
        // The prompt to show now, or nullopt to hide it. Called whenever the front of the queue
        // or what is known about it changes.
        std::function<void(const std::optional<Prompt>&)> show;
        // Every crossing once decided and done, also allowed ones (for the log line); the user
        // should see a notice for any decision but Allowed.
        std::function<void(const Crossing&)> crossed;
        // How many pastes into `origin` may wait at once (its limits.pending_pastes); unset or
        // 0: kMaxPending.
        std::function<std::size_t(const Origin& origin)> max_pending;
    };

    // Pastes waiting for an answer or their data, across all destinations; one more is refused.
    static constexpr std::size_t kMaxPending = 16;
    // Of those, how many may be reading their source at once.
    static constexpr std::size_t kMaxFetching = 4;
    // Bytes read from sources and not yet delivered, all pastes together, in units of
    // max_bytes: a paste that would hold more is refused.
    static constexpr std::uint64_t kHeldBudgetInMaxBytes = 2;
    static constexpr std::size_t kMaxLog = 100;
    static constexpr std::size_t kPreviewChars = 80;
    // How long "deny all" refuses every crossing into the origin it was answered for.
    static constexpr std::chrono::minutes kDenyAllDuration{10};

    Mediator(wl_event_loop* loop, config::ClipboardLimits limits, Hooks hooks);
    ~Mediator();
    Mediator(const Mediator&) = delete;
    Mediator& operator=(const Mediator&) = delete;

    void set_limits(const config::ClipboardLimits& limits) { limits_ = limits; }

    // A new selection set by `origin`, offered in `mime_types`; it replaces the previous one of
    // that kind. Returns its id. `backend` must stay valid until source_gone(id).
    std::uint64_t source_set(Selection selection, Origin origin,
                             std::vector<std::string> mime_types, SourceBackend* backend);
    // The source is no longer the selection (replaced, cleared, or its client went away). Every
    // paste of it still waiting is cancelled; nothing more is read from `backend`.
    void source_gone(std::uint64_t source);

    // A paste of `mime_type` from source `source` into `fd` (taken).
    void paste(std::uint64_t source, const Destination& destination, const std::string& mime_type,
               int fd);
    // A client went away: its waiting pastes are cancelled.
    void client_gone(const wl_client* client);
    // The policy changed (reload): nothing pending changes; new pastes use the new policy.

    // The user's answer to the prompt shown (by id, so a stale answer does nothing).
    void answer(std::uint64_t prompt_id, Answer answer, const std::string& how);
    void answer(std::uint64_t prompt_id, bool allow, const std::string& how) {
        answer(prompt_id, allow ? Answer::Allow : Answer::Deny, how);
    }
    // Whether every crossing into `origin` is refused now (the user answered "deny all").
    bool denying_all(const Origin& origin) const;

    // For prismctl: the current selections and the crossing log, oldest first.
    struct SelectionInfo {
        Selection selection;
        Origin origin;
        std::vector<std::string> mime_types;
    };
    std::vector<SelectionInfo> selections() const;
    const std::deque<Crossing>& log() const { return log_; }
    std::optional<Prompt> current_prompt() const;
    std::size_t pending_count() const;

private:
    struct Source {
        std::uint64_t id;
        Selection selection;
        Origin origin;
        std::vector<std::string> mime_types;
        SourceBackend* backend;
    };
    struct Request; // one paste of one MIME type
    struct Group;   // the requests of one destination client for one source: one prompt

    void decide(Group& group, bool allow, const std::string& rule);
    void start_fetch(Request& request);
    void fetch_done(Request& request, const TransferResult& result);
    void deliver(Request& request);
    void finish(Request& request, Decision decision, const std::string& rule, std::uint64_t bytes);
    // Finishes every request of `group`, which is freed with the last one.
    void finish_all(Group& group, Decision decision, const std::string& rule);
    void drop_group_if_done(Group& group);
    void refresh_prompt();
    void record(Crossing crossing);
    void refuse(Selection selection, const Origin& from, const Origin& to,
                const std::string& mime_type, int fd, Decision decision, const std::string& rule);
    Transfer::Limits transfer_limits() const;
    static int on_prompt_timeout(void* data);

    wl_event_loop* loop_;
    config::ClipboardLimits limits_;
    Hooks hooks_;
    std::uint64_t next_id_ = 1;
    std::map<std::uint64_t, Source> sources_;
    std::optional<std::uint64_t> current_[3];  // by Selection
    std::list<std::unique_ptr<Group>> groups_; // queue order; the front one asking is shown
    // (destination origin, source) pairs the user refused: a second paste of the same selection
    // into any client of that origin is refused without asking again, so a VM opening a new
    // client per request cannot flood the user.
    std::set<std::pair<std::string, std::uint64_t>> refused_;
    // Destination origins the user answered "deny all" for, and until when.
    std::map<std::string, std::chrono::steady_clock::time_point> deny_all_until_;
    std::deque<Crossing> log_;
    std::uint64_t held_bytes_ = 0; // read from sources, not yet delivered or dropped
    std::optional<Prompt> shown_;
    wl_event_source* prompt_timer_ = nullptr;
};

} // namespace prism::clipboard
