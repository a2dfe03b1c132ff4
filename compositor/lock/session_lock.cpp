#include "compositor/lock/session_lock.hpp"

#include "compositor/frame/scene_colour.hpp"
#include "compositor/frame/text_buffer.hpp"
#include "compositor/spawn.hpp"

namespace prism {

namespace {

// The cover is in the host's style (the clipboard dialog's colours): no VM draws it.
constexpr config::Colour kCover{30, 30, 30};
constexpr config::Colour kText{235, 235, 235};
constexpr float kClear[4] = {0, 0, 0, 0};
constexpr const char* kTitleFont = "sans 16";
constexpr const char* kMessageFont = "sans 11";
constexpr int kMargin = 24;

// What the cover says in each state: a title and the lines under it.
std::vector<std::string> cover_text(SessionLock::State state) {
    switch (state) {
    case SessionLock::State::Abandoned:
        return {
            "Locked: the screen locker stopped without unlocking",
            "To unlock, run  prismctl lock  from a text console (Ctrl+Alt+F2) or over ssh,",
            "then unlock in the locker it starts ([general] locker in prism.toml).",
        };
    case SessionLock::State::Covered:
        return {"Locked", "Starting the screen locker..."};
    case SessionLock::State::Locked:
    case SessionLock::State::Unlocked:
        break;
    }
    return {"Locked"};
}

void add_text(wlr_scene_tree* parent, const std::string& text, const char* font, bool bold, int x,
              int y, int width, float scale) {
    frame::TextSpec spec;
    spec.width = width;
    spec.height = frame::line_height(font) + 2 * spec.padding;
    spec.scale = scale;
    spec.background = kCover;
    spec.text = kText;
    spec.utf8 = text;
    spec.font = font;
    spec.bold = bold;
    spec.centred = true;
    frame::add_text_node(parent, spec, x, y);
}

} // namespace

const char* SessionLock::state_name(State state) {
    switch (state) {
    case State::Unlocked:
        return "unlocked";
    case State::Locked:
        return "locked";
    case State::Covered:
        return "covered";
    case State::Abandoned:
        return "abandoned";
    }
    return "unknown";
}

SessionLock::SessionLock(wl_display* display, wlr_scene* scene, wlr_output_layout* layout,
                         Seat& seat, std::vector<wlr_scene_tree*> hidden)
    : tree_(wlr_scene_tree_create(&scene->tree))
    , covers_(wlr_scene_tree_create(tree_))
    , surfaces_(wlr_scene_tree_create(tree_))
    , layout_(layout)
    , seat_(seat)
    , hidden_(std::move(hidden)) {
    wlr_scene_node_set_enabled(&tree_->node, false);
    // Host-only: origins/global_policy.cpp hides it from every VM.
    wlr_session_lock_manager_v1* manager = wlr_session_lock_manager_v1_create(display);
    new_lock_.connect(&manager->events.new_lock,
                      [this](wlr_session_lock_v1* lock) { handle_new_lock(lock); });
}

SessionLock::~SessionLock() {
    new_lock_.disconnect();
    pending_outputs_.clear();
    new_surface_.disconnect();
    unlock_.disconnect();
    lock_destroy_.disconnect();
    lock_surfaces_.clear();
    if (locked()) {
        seat_.set_lock(nullptr);
    }
    wlr_scene_node_destroy(&tree_->node);
}

void SessionLock::lock_with_cover() {
    if (locked()) {
        return;
    }
    state_ = State::Covered;
    engage();
}

void SessionLock::lock_and_start(const std::string& locker) {
    if (state_ == State::Locked) {
        return; // a locker holds the lock
    }
    // The cover first, so the session is locked even if the locker never starts.
    lock_with_cover();
    spawn(locker);
}

void SessionLock::handle_new_lock(wlr_session_lock_v1* lock) {
    if (lock_ != nullptr) {
        // One locker at a time; the second is told `finished` and must exit.
        wlr_log(WLR_INFO, "session lock: a second locker asked to lock; refused");
        wlr_session_lock_v1_destroy(lock);
        return;
    }
    lock_ = lock;
    new_surface_.connect(&lock->events.new_surface, [this](wlr_session_lock_surface_v1* surface) {
        handle_new_surface(surface);
    });
    unlock_.connect(&lock->events.unlock, [this](void*) { handle_unlock(); });
    lock_destroy_.connect(&lock->events.destroy, [this](void*) { handle_lock_destroy(); });
    const State before = state_;
    state_ = State::Locked;
    if (before == State::Unlocked) {
        engage();
        send_locked_when_drawn();
        return;
    }
    // Taking over prism's cover or an abandoned lock: the cover has been on screen all along,
    // and stays up until the new locker's surfaces cover it.
    wlr_log(WLR_INFO, "session lock: a new locker took over the %s lock", state_name(before));
    draw_covers();
    wlr_session_lock_v1_send_locked(lock);
}

void SessionLock::send_locked_when_drawn() {
    pending_outputs_.clear();
    wlr_output_layout_output* entry;
    wl_list_for_each(entry, &layout_->outputs, link) {
        if (!entry->output->enabled) {
            continue;
        }
        auto pending = std::make_unique<PendingOutput>();
        PendingOutput* raw = pending.get();
        raw->output = entry->output;
        raw->commit.connect(&entry->output->events.commit,
                            [this, raw](wlr_output_event_commit* event) {
                                if (event->state->committed & WLR_OUTPUT_STATE_BUFFER) {
                                    output_drawn(raw);
                                }
                            });
        // An output unplugged meanwhile shows nothing of the session either.
        raw->destroy.connect(&entry->output->events.destroy,
                             [this, raw](void*) { output_drawn(raw); });
        pending_outputs_.push_back(std::move(pending));
        wlr_output_schedule_frame(entry->output);
    }
    if (pending_outputs_.empty() && lock_ != nullptr) {
        wlr_session_lock_v1_send_locked(lock_);
    }
}

void SessionLock::output_drawn(PendingOutput* pending) {
    // Last use of `pending`: this destroys the listener running now, which touches nothing
    // after it returns.
    pending_outputs_.remove_if(
        [pending](const auto& candidate) { return candidate.get() == pending; });
    if (pending_outputs_.empty() && lock_ != nullptr && state_ == State::Locked) {
        wlr_log(WLR_INFO, "session lock: every output shows the lock; telling the locker");
        wlr_session_lock_v1_send_locked(lock_);
    }
}

void SessionLock::engage() {
    for (wlr_scene_tree* tree : hidden_) {
        wlr_scene_node_set_enabled(&tree->node, false);
    }
    wlr_scene_node_set_enabled(&tree_->node, true);
    draw_covers();
    seat_.set_lock(this);
    wlr_log(WLR_INFO, "session lock: locked (%s)", state_name(state_));
}

void SessionLock::disengage() {
    // The windows first: the seat gives focus back by looking at them.
    wlr_scene_node_set_enabled(&tree_->node, false);
    for (wlr_scene_tree* tree : hidden_) {
        wlr_scene_node_set_enabled(&tree->node, true);
    }
    seat_.set_lock(nullptr);
    wlr_log(WLR_INFO, "session lock: unlocked by the locker");
}

void SessionLock::handle_unlock() {
    // Only the locker's unlock_and_destroy gets here (wlroots refuses it before `locked`).
    pending_outputs_.clear();
    state_ = State::Unlocked;
    disengage();
}

void SessionLock::handle_lock_destroy() {
    new_surface_.disconnect();
    unlock_.disconnect();
    lock_destroy_.disconnect();
    lock_ = nullptr;
    pending_outputs_.clear();
    if (state_ == State::Locked) {
        state_ = State::Abandoned;
        wlr_log(WLR_ERROR,
                "session lock: the locker went away without unlocking; the session stays "
                "locked (run 'prismctl lock' to start the locker again)");
        draw_covers();
    }
}

void SessionLock::handle_new_surface(wlr_session_lock_surface_v1* wlr_surface_v1) {
    auto surface = std::make_unique<LockSurface>();
    LockSurface* raw = surface.get();
    raw->wlr = wlr_surface_v1;
    raw->tree = wlr_scene_subsurface_tree_create(surfaces_, wlr_surface_v1->surface);
    raw->map.connect(&wlr_surface_v1->surface->events.map, [this](void*) {
        focus_some_surface();
        seat_.cursor().update_focus(0);
    });
    raw->destroy.connect(&wlr_surface_v1->events.destroy,
                         [this, raw](void*) { handle_surface_destroy(raw); });
    // The scene destroys the tree with the wl_surface; from then on it is not ours to destroy.
    raw->tree_destroy.connect(&raw->tree->node.events.destroy,
                              [raw](void*) { raw->tree = nullptr; });
    lock_surfaces_.push_back(std::move(surface));
    arrange();
}

void SessionLock::handle_surface_destroy(LockSurface* surface) {
    if (surface->tree != nullptr) {
        surface->tree_destroy.disconnect();
        wlr_scene_node_destroy(&surface->tree->node);
    }
    const bool had_focus = seat_.wlr()->keyboard_state.focused_surface == surface->wlr->surface;
    // Last: this destroys the listener running now, which touches nothing after it returns.
    lock_surfaces_.remove_if(
        [surface](const auto& candidate) { return candidate.get() == surface; });
    if (had_focus && locked()) {
        focus_some_surface();
    }
    seat_.cursor().update_focus(0);
}

void SessionLock::focus_some_surface() {
    if (!locked()) {
        return;
    }
    wlr_surface* focused = seat_.wlr()->keyboard_state.focused_surface;
    for (const auto& surface : lock_surfaces_) {
        if (surface->wlr->surface == focused && surface->wlr->surface->mapped) {
            return;
        }
    }
    for (const auto& surface : lock_surfaces_) {
        if (surface->wlr->surface->mapped) {
            seat_.focus_lock_surface(surface->wlr->surface);
            return;
        }
    }
    seat_.focus_lock_surface(nullptr);
}

void SessionLock::arrange() {
    if (!locked()) {
        return;
    }
    draw_covers();
    for (const auto& surface : lock_surfaces_) {
        wlr_box box{};
        wlr_output_layout_get_box(layout_, surface->wlr->output, &box);
        if (surface->tree != nullptr) {
            wlr_scene_node_set_position(&surface->tree->node, box.x, box.y);
        }
        if (!wlr_box_empty(&box)) {
            wlr_session_lock_surface_v1_configure(surface->wlr,
                                                  static_cast<std::uint32_t>(box.width),
                                                  static_cast<std::uint32_t>(box.height));
        }
    }
}

void SessionLock::draw_covers() {
    wlr_scene_node* child;
    wlr_scene_node* next;
    wl_list_for_each_safe(child, next, &covers_->children, link) {
        wlr_scene_node_destroy(child);
    }
    const std::vector<std::string> lines = cover_text(state_);
    wlr_output_layout_output* entry;
    wl_list_for_each(entry, &layout_->outputs, link) {
        wlr_box box{};
        wlr_output_layout_get_box(layout_, entry->output, &box);
        if (wlr_box_empty(&box)) {
            continue;
        }
        wlr_scene_tree* cover = wlr_scene_tree_create(covers_);
        wlr_scene_node_set_position(&cover->node, box.x, box.y);
        wlr_scene_rect* rect = wlr_scene_rect_create(cover, box.width, box.height, kClear);
        frame::set_rect_colour(rect, kCover);
        const int width = box.width - 2 * kMargin;
        if (width <= 0) {
            continue;
        }
        int y = box.height / 3;
        for (std::size_t i = 0; i < lines.size(); ++i) {
            const char* font = i == 0 ? kTitleFont : kMessageFont;
            add_text(cover, lines[i], font, i == 0, kMargin, y, width, entry->output->scale);
            y += frame::line_height(font) + 2 * 6 + (i == 0 ? 12 : 0);
        }
    }
}

wlr_surface* SessionLock::surface_at(double lx, double ly, double* sx, double* sy) const {
    for (const auto& surface : lock_surfaces_) {
        if (surface->tree == nullptr || !surface->wlr->surface->mapped) {
            continue;
        }
        wlr_box box{};
        wlr_output_layout_get_box(layout_, surface->wlr->output, &box);
        if (!wlr_box_contains_point(&box, lx, ly)) {
            continue;
        }
        return wlr_surface_surface_at(surface->wlr->surface, lx - box.x, ly - box.y, sx, sy);
    }
    return nullptr;
}

} // namespace prism
