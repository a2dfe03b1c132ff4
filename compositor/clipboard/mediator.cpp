#include "compositor/clipboard/mediator.hpp"

#include <algorithm>
#include <cerrno>
#include <utility>

#include <fcntl.h>
#include <unistd.h>

namespace prism::clipboard {
namespace {

// Text is previewed in the dialog; this much of it is kept for that (the dialog shortens it).
constexpr std::size_t kPreviewBytes = 512;

bool is_text(const std::string& mime_type) {
    return mime_type.rfind("text/", 0) == 0 || mime_type == "UTF8_STRING" ||
           mime_type == "STRING" || mime_type == "TEXT";
}

std::int64_t now_unix_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

std::string fetch_failure(const TransferResult& result, const config::ClipboardLimits& limits) {
    switch (result.status) {
    case TransferResult::Status::TooLarge:
        return "source sent more than clipboard.max_bytes = " + std::to_string(limits.max_bytes);
    case TransferResult::Status::TimedOut:
        return "source sent nothing for clipboard.transfer_timeout_ms = " +
               std::to_string(limits.transfer_timeout_ms);
    default:
        return std::string("source: ") + to_string(result.status);
    }
}

} // namespace

const char* to_string(Decision decision) {
    switch (decision) {
    case Decision::Allowed:
        return "allowed";
    case Decision::Denied:
        return "denied";
    case Decision::Cancelled:
        return "cancelled";
    case Decision::Refused:
        return "refused";
    case Decision::Failed:
        return "failed";
    }
    return "refused";
}

const char* to_string(Selection selection) {
    switch (selection) {
    case Selection::Clipboard:
        return "clipboard";
    case Selection::Primary:
        return "primary";
    case Selection::Drag:
        return "drag";
    }
    return "unknown";
}

struct Mediator::Request {
    Group* group = nullptr;
    std::string mime_type;
    int fd = -1; // the destination's, until handed to the delivering transfer
    std::unique_ptr<Transfer> transfer;
    bool fetched = false;
    std::string data;
    std::uint64_t held = 0; // counted in held_bytes_ from the fetch until finish()
};

struct Mediator::Group {
    std::uint64_t id = 0;
    std::uint64_t source = 0;
    Selection selection = Selection::Clipboard;
    Origin from = Origin::unknown(), to = Origin::unknown();
    const wl_client* client = nullptr;
    bool allowed = false; // by the policy or the user; until then the group asks
    std::string rule;     // what allowed it
    std::chrono::steady_clock::time_point shown_at{};
    bool shown = false;
    std::list<std::unique_ptr<Request>> requests;
};

Mediator::Mediator(wl_event_loop* loop, config::ClipboardLimits limits, Hooks hooks)
    : loop_(loop)
    , limits_(limits)
    , hooks_(std::move(hooks)) {
    prompt_timer_ = wl_event_loop_add_timer(loop_, on_prompt_timeout, this);
}

Mediator::~Mediator() {
    // Requests close their fds (and transfers theirs) as they go; nothing is reported.
    for (auto& group : groups_) {
        for (auto& request : group->requests) {
            if (request->fd >= 0) {
                close(request->fd);
            }
        }
    }
    groups_.clear();
    if (prompt_timer_ != nullptr) {
        wl_event_source_remove(prompt_timer_);
    }
}

std::uint64_t Mediator::source_set(Selection selection, Origin origin,
                                   std::vector<std::string> mime_types, SourceBackend* backend) {
    const std::uint64_t id = next_id_++;
    sources_.emplace(id, Source{id, selection, std::move(origin), std::move(mime_types), backend});
    current_[static_cast<int>(selection)] = id;
    return id;
}

void Mediator::source_gone(std::uint64_t source) {
    auto it = sources_.find(source);
    if (it == sources_.end()) {
        return;
    }
    auto& current = current_[static_cast<int>(it->second.selection)];
    if (current == source) {
        current.reset();
    }
    // A paste still asking is cancelled: an answer given now must not apply to what replaces
    // this selection. One already allowed goes on with the data it asked for.
    std::vector<Group*> cancelled;
    for (auto& group : groups_) {
        if (group->source == source && !group->allowed) {
            cancelled.push_back(group.get());
        }
    }
    for (Group* group : cancelled) {
        finish_all(*group, Decision::Cancelled,
                   "the selection was replaced or its owner went away");
    }
    std::erase_if(refused_, [&](const auto& entry) { return entry.second == source; });
    sources_.erase(source);
    refresh_prompt();
}

void Mediator::refuse(Selection selection, const Origin& from, const Origin& to,
                      const std::string& mime_type, int fd, Decision decision,
                      const std::string& rule) {
    close(fd);
    record(Crossing{now_unix_ms(), selection, from, to, mime_type, 0, decision, rule});
}

void Mediator::paste(std::uint64_t source_id, const Destination& destination,
                     const std::string& mime_type, int fd) {
    auto it = sources_.find(source_id);
    if (it == sources_.end()) {
        close(fd);
        return;
    }
    const Source& source = it->second;
    // Not even "unknown" into "unknown" counts as one origin.
    const bool known = destination.origin.kind() != Origin::Kind::Unknown &&
                       source.origin.kind() != Origin::Kind::Unknown;
    if (known && destination.origin == source.origin) {
        source.backend->send(mime_type, fd); // within one origin: as on any desktop
        return;
    }
    const Selection selection = source.selection;
    // The policy tables name origins as the configuration does: "host", a VM's name.
    const std::string from_name(source.origin.display_name());
    const std::string to_name(destination.origin.display_name());
    auto refuse_now = [&](Decision decision, const std::string& rule) {
        refuse(selection, source.origin, destination.origin, mime_type, fd, decision, rule);
    };

    if (denying_all(destination.origin)) {
        refuse_now(Decision::Denied, "every paste into " + to_name + " denied for " +
                                         std::to_string(kDenyAllDuration.count()) +
                                         " min (dialog: deny all)");
        return;
    }
    const config::PastePolicy* policy = hooks_.policy(destination.origin, selection);
    if (policy == nullptr) {
        refuse_now(Decision::Denied, "no policy for " + to_name);
        return;
    }
    const config::PasteDecision decision =
        clipboard::decide(*policy, selection, from_name, to_name);
    const std::string rule = describe_rule(*policy, selection, from_name, to_name);
    if (decision == config::PasteDecision::Deny) {
        refuse_now(Decision::Denied, rule);
        return;
    }
    if (!mime_allowed(*policy, mime_type)) {
        refuse_now(Decision::Refused, "type not in " + std::string(to_string(selection)) + ".mime");
        return;
    }
    if (std::find(source.mime_types.begin(), source.mime_types.end(), mime_type) ==
        source.mime_types.end()) {
        refuse_now(Decision::Refused, "type not offered by the source");
        return;
    }
    if (!destination.entitled) {
        refuse_now(Decision::Refused, "the pasting window has no keyboard focus");
        return;
    }
    if (refused_.contains({to_name, source_id})) {
        refuse_now(Decision::Denied, "already denied for this selection");
        return;
    }
    if (pending_count() >= kMaxPending) {
        refuse_now(Decision::Refused, "too many pastes waiting");
        return;
    }
    // Per destination origin: at most its limits.pending_pastes waiting, and at most one
    // question at a time, whatever number of clients it opens. A second client (or the same
    // client for another selection) asking while one is up is refused, not queued.
    std::size_t origin_pending = 0;
    Group* asking = nullptr;
    for (auto& group : groups_) {
        if (group->to == destination.origin) {
            origin_pending += group->requests.size();
            if (!group->allowed) {
                asking = group.get();
            }
        }
    }
    const std::size_t origin_limit =
        hooks_.max_pending ? std::max<std::size_t>(1, hooks_.max_pending(destination.origin))
                           : kMaxPending;
    if (origin_pending >= origin_limit) {
        refuse_now(Decision::Refused, "limits.pending_pastes = " + std::to_string(origin_limit) +
                                          " reached for " + to_name);
        return;
    }
    if (decision == config::PasteDecision::Ask && asking != nullptr &&
        (asking->client != destination.client || asking->source != source_id)) {
        refuse_now(Decision::Refused, "a dialog for " + to_name + " is already waiting");
        return;
    }
    std::size_t fetching = 0;
    for (const auto& group : groups_) {
        for (const auto& request : group->requests) {
            fetching += request->fetched ? 0 : 1;
        }
    }
    if (fetching >= kMaxFetching) {
        refuse_now(Decision::Refused, "too many pastes being read");
        return;
    }

    // One prompt for every request of one client for one selection while it asks: a paste
    // that reads two types, or a client asking twice, is one question.
    Group* group = nullptr;
    if (decision == config::PasteDecision::Ask) {
        for (auto& candidate : groups_) {
            if (!candidate->allowed && candidate->client == destination.client &&
                candidate->source == source_id) {
                group = candidate.get();
            }
        }
    }
    if (group == nullptr) {
        auto created = std::make_unique<Group>();
        created->id = next_id_++;
        created->source = source_id;
        created->selection = selection;
        created->from = source.origin;
        created->to = destination.origin;
        created->client = destination.client;
        created->allowed = decision == config::PasteDecision::Allow;
        created->rule = rule;
        group = created.get();
        groups_.push_back(std::move(created));
    }
    auto request = std::make_unique<Request>();
    request->group = group;
    request->mime_type = mime_type;
    request->fd = fd;
    Request& added = *request;
    group->requests.push_back(std::move(request));
    start_fetch(added);
    refresh_prompt();
}

Transfer::Limits Mediator::transfer_limits() const {
    return Transfer::Limits{limits_.max_bytes, limits_.transfer_timeout_ms};
}

void Mediator::start_fetch(Request& request) {
    const Source& source = sources_.at(request.group->source);
    int fds[2];
    if (pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0) {
        finish(request, Decision::Refused, "out of file descriptors", 0);
        return;
    }
    source.backend->send(request.mime_type, fds[1]);
    Request* r = &request;
    request.transfer =
        Transfer::collect(loop_, fds[0], transfer_limits(),
                          [this, r](const TransferResult& result) { fetch_done(*r, result); });
    if (!request.transfer) {
        finish(request, Decision::Refused, "out of memory", 0);
    }
}

void Mediator::fetch_done(Request& request, const TransferResult& result) {
    std::unique_ptr<Transfer> transfer = std::move(request.transfer); // freed on return
    if (result.status != TransferResult::Status::Done) {
        finish(request, Decision::Refused, fetch_failure(result, limits_), 0);
        return;
    }
    const std::uint64_t size = transfer->collected().size();
    const std::uint64_t budget = kHeldBudgetInMaxBytes * limits_.max_bytes;
    if (held_bytes_ + size > budget) {
        finish(request, Decision::Refused,
               "more than " + std::to_string(kHeldBudgetInMaxBytes) +
                   " x clipboard.max_bytes waiting in all pastes",
               0);
        return;
    }
    request.data = std::move(transfer->collected());
    request.fetched = true;
    request.held = size;
    held_bytes_ += size;
    if (request.group->allowed) {
        deliver(request);
    } else {
        refresh_prompt(); // the size and preview are known now
    }
}

void Mediator::deliver(Request& request) {
    Request* r = &request;
    const int fd = std::exchange(request.fd, -1);
    request.transfer = Transfer::deliver(
        loop_, std::move(request.data), fd, transfer_limits(),
        [this, r](const TransferResult& result) {
            std::unique_ptr<Transfer> done = std::move(r->transfer);
            if (result.status == TransferResult::Status::Done) {
                finish(*r, Decision::Allowed, r->group->rule, result.bytes);
            } else {
                finish(*r, Decision::Failed,
                       std::string("destination: ") + to_string(result.status), result.bytes);
            }
        });
    if (!request.transfer) {
        finish(request, Decision::Refused, "out of memory", 0);
    }
}

void Mediator::finish(Request& request, Decision decision, const std::string& rule,
                      std::uint64_t bytes) {
    Group& group = *request.group;
    held_bytes_ -= request.held;
    request.held = 0;
    record(Crossing{now_unix_ms(), group.selection, group.from, group.to, request.mime_type, bytes,
                    decision, rule});
    if (request.fd >= 0) {
        close(request.fd);
        request.fd = -1;
    }
    // Destroying a transfer that has not reported closes its fds without reporting.
    std::unique_ptr<Transfer> transfer = std::move(request.transfer);
    transfer.reset();
    group.requests.remove_if([&](const auto& candidate) { return candidate.get() == &request; });
    drop_group_if_done(group);
}

void Mediator::finish_all(Group& group, Decision decision, const std::string& rule) {
    // finish() frees each request, and the group with its last one: collect them first and
    // never touch the group afterwards.
    std::vector<Request*> requests;
    for (auto& request : group.requests) {
        requests.push_back(request.get());
    }
    for (Request* request : requests) {
        finish(*request, decision, rule, 0);
    }
}

void Mediator::drop_group_if_done(Group& group) {
    if (group.requests.empty()) {
        groups_.remove_if([&](const auto& candidate) { return candidate.get() == &group; });
    }
}

void Mediator::decide(Group& group, bool allow, const std::string& rule) {
    if (!allow) {
        refused_.insert({std::string(group.to.display_name()), group.source});
        finish_all(group, Decision::Denied, rule);
        return;
    }
    group.allowed = true;
    group.rule = rule;
    std::vector<Request*> ready;
    for (auto& request : group.requests) {
        if (request->fetched) {
            ready.push_back(request.get());
        }
    }
    for (Request* request : ready) {
        deliver(*request);
    }
}

void Mediator::answer(std::uint64_t prompt_id, Answer answer, const std::string& how) {
    if (!shown_ || shown_->id != prompt_id) {
        return;
    }
    const bool allow = answer == Answer::Allow;
    const std::string rule = std::string("dialog: ") +
                             (allow                       ? "allowed"
                              : answer == Answer::DenyAll ? "denied all"
                                                          : "denied") +
                             (how.empty() ? "" : " (" + how + ")");
    Origin to = Origin::unknown();
    for (auto& group : groups_) {
        if (group->id == prompt_id && !group->allowed) {
            to = group->to;
            decide(*group, allow, rule);
            break;
        }
    }
    if (answer == Answer::DenyAll && to.kind() != Origin::Kind::Unknown) {
        deny_all_until_[std::string(to.display_name())] =
            std::chrono::steady_clock::now() + kDenyAllDuration;
        // Whatever else of that origin still waits for the user goes too.
        std::vector<Group*> waiting;
        for (auto& group : groups_) {
            if (group->to == to && !group->allowed) {
                waiting.push_back(group.get());
            }
        }
        for (Group* group : waiting) {
            finish_all(*group, Decision::Denied, rule);
        }
    }
    refresh_prompt();
}

bool Mediator::denying_all(const Origin& origin) const {
    auto it = deny_all_until_.find(std::string(origin.display_name()));
    return it != deny_all_until_.end() && std::chrono::steady_clock::now() < it->second;
}

void Mediator::client_gone(const wl_client* client) {
    std::vector<Group*> gone;
    for (auto& group : groups_) {
        if (group->client == client) {
            gone.push_back(group.get());
        }
    }
    for (Group* group : gone) {
        finish_all(*group, Decision::Cancelled, "the pasting client went away");
    }
    refresh_prompt();
}

std::size_t Mediator::pending_count() const {
    std::size_t count = 0;
    for (const auto& group : groups_) {
        count += group->requests.size();
    }
    return count;
}

void Mediator::refresh_prompt() {
    Group* front = nullptr;
    for (auto& group : groups_) {
        if (!group->allowed) {
            front = group.get();
            break;
        }
    }
    if (front == nullptr) {
        if (shown_) {
            shown_.reset();
            wl_event_source_timer_update(prompt_timer_, 0);
            if (hooks_.show) {
                hooks_.show(std::nullopt);
            }
        }
        return;
    }
    if (!front->shown) {
        front->shown = true;
        front->shown_at = std::chrono::steady_clock::now();
        wl_event_source_timer_update(prompt_timer_, std::max(1, limits_.dialog_timeout_ms));
    }
    Prompt prompt;
    prompt.id = front->id;
    prompt.selection = front->selection;
    prompt.from = front->from;
    prompt.to = front->to;
    prompt.client = front->client;
    const Request& first = *front->requests.front();
    prompt.mime_type = first.mime_type;
    prompt.more_types = front->requests.size() - 1;
    if (first.fetched) {
        prompt.size = first.data.size();
        if (is_text(first.mime_type)) {
            prompt.preview = first.data.substr(0, kPreviewBytes);
        }
    }
    prompt.shown_at = front->shown_at;
    const bool changed = !shown_ || shown_->id != prompt.id || shown_->size != prompt.size ||
                         shown_->more_types != prompt.more_types ||
                         shown_->mime_type != prompt.mime_type;
    shown_ = prompt;
    if (changed && hooks_.show) {
        hooks_.show(shown_);
    }
}

int Mediator::on_prompt_timeout(void* data) {
    auto* self = static_cast<Mediator*>(data);
    if (self->shown_) {
        self->answer(self->shown_->id, false,
                     "no answer in " + std::to_string(self->limits_.dialog_timeout_ms) + " ms");
    }
    return 0;
}

std::optional<Prompt> Mediator::current_prompt() const {
    return shown_;
}

std::vector<Mediator::SelectionInfo> Mediator::selections() const {
    std::vector<SelectionInfo> out;
    for (const auto& current : current_) {
        if (current) {
            const Source& source = sources_.at(*current);
            out.push_back(SelectionInfo{source.selection, source.origin, source.mime_types});
        }
    }
    return out;
}

void Mediator::record(Crossing crossing) {
    log_.push_back(crossing);
    if (log_.size() > kMaxLog) {
        log_.pop_front();
    }
    if (hooks_.crossed) {
        hooks_.crossed(crossing);
    }
}

} // namespace prism::clipboard
