#include "compositor/model/desktop.hpp"

#include "compositor/model/popup.hpp"
#include "compositor/output/output.hpp"

#include <algorithm>
#include <iterator>
#include <utility>
#include <vector>

namespace prism {

namespace {

// How often the windows are looked at again while one is suspended.
constexpr int kVisibilityRecheckMs = 500;

} // namespace

Desktop::Desktop(Services services, const FrameStyles& styles,
                 const config::FocusConfig& focus_policy)
    : services_(std::move(services))
    , styles_(styles)
    , focus_policy_(focus_policy) {
    // Stacking, bottom to top: the background and bottom layers, the windows, the top and
    // overlay layers. Trees created later by the server (dialogs, the lock) go above them all.
    layers_[ZWLR_LAYER_SHELL_V1_LAYER_BACKGROUND] = wlr_scene_tree_create(&services_.scene->tree);
    layers_[ZWLR_LAYER_SHELL_V1_LAYER_BOTTOM] = wlr_scene_tree_create(&services_.scene->tree);
    windows_ = wlr_scene_tree_create(&services_.scene->tree);
    layers_[ZWLR_LAYER_SHELL_V1_LAYER_TOP] = wlr_scene_tree_create(&services_.scene->tree);
    layers_[ZWLR_LAYER_SHELL_V1_LAYER_OVERLAY] = wlr_scene_tree_create(&services_.scene->tree);
    // A popup grab is for the window the user works in: a client whose window does not have
    // the keyboard may not take it (and with it the keyboard and the pointer) from it.
    keyboard_grab_begin_.connect(
        &services_.seat->events.keyboard_grab_begin, [this](wlr_seat_keyboard_grab*) {
            wl_client* keep = focused_ != nullptr
                                  ? wl_resource_get_client(focused_->surface()->resource)
                                  : nullptr;
            // And only with the serial of an input event it got (a click or key that opened
            // the menu): a made-up serial dismisses the grab.
            const std::optional<InputSerials::GrabRequest> request =
                services_.serials != nullptr ? services_.serials->take_popup_grab() : std::nullopt;
            if (request && !services_.serials->is_recent_input(request->client, request->serial)) {
                wlr_log(WLR_DEBUG,
                        "xdg_popup.grab with serial %u, which prism sent no input "
                        "event with: dismissed",
                        request->serial);
                keep = nullptr;
            }
            end_popup_grab(keep);
        });
}

Desktop::~Desktop() {
    for (wl_event_source* source : {visibility_check_, visibility_recheck_}) {
        if (source != nullptr) {
            wl_event_source_remove(source);
        }
    }
    keyboard_grab_begin_.disconnect();
    views_.clear();
    wlr_scene_node_destroy(&windows_->node);
    for (wlr_scene_tree* tree : layers_) {
        wlr_scene_node_destroy(&tree->node);
    }
}

wlr_scene_tree* Desktop::layer_tree(std::uint32_t layer) const {
    return layer < std::size(layers_) ? layers_[layer] : layers_[ZWLR_LAYER_SHELL_V1_LAYER_TOP];
}

TitleBudget& Desktop::title_budget(const origins::Origin& origin) {
    const std::uint32_t rate = styles_.limits(origin).title_renders;
    const std::string name(origin.display_name());
    auto [it, added] = title_budgets_.try_emplace(name);
    if (added) {
        it->second = std::make_unique<TitleBudget>(services_.loop, name, rate);
    } else {
        it->second->set_rate(rate);
    }
    return *it->second;
}

View& Desktop::add_view(wlr_xdg_toplevel* toplevel, origins::Origin origin) {
    views_.push_front(std::make_unique<View>(*this, toplevel, std::move(origin), next_id_++));
    return *views_.front();
}

void Desktop::remove_view(View& view) {
    if (focused_ == &view) {
        focused_ = nullptr;
    }
    if (services_.view_removed) {
        services_.view_removed(view);
    }
    views_.remove_if([&](const auto& candidate) { return candidate.get() == &view; });
}

void Desktop::view_mapped(View& view) {
    place_new_view(view);
    notify_changed(view);

    if (may_take_focus(view)) {
        focus(&view);
        return;
    }
    // Open it right below the focused window, so it cannot cover what the user is typing into.
    view.set_urgent(true);
    wlr_scene_node_place_below(&view.tree()->node, &focused_->tree()->node);
    auto it = std::find_if(views_.begin(), views_.end(),
                           [&](const auto& candidate) { return candidate.get() == &view; });
    auto focused_it = std::find_if(views_.begin(), views_.end(), [&](const auto& candidate) {
        return candidate.get() == focused_;
    });
    views_.splice(std::next(focused_it), views_, it);
}

bool Desktop::may_take_focus(const View& view) const {
    NewWindowContext context;
    context.something_focused = focused_ != nullptr && focused_ != &view;
    context.focused_has_same_origin = focused_ != nullptr && focused_->origin() == view.origin();
    if (last_key_) {
        context.since_last_key = std::chrono::duration_cast<std::chrono::milliseconds>(
            std::chrono::steady_clock::now() - *last_key_);
    }
    return decide_new_window_focus(focus_policy_, context) == NewWindowFocusDecision::Focus;
}

void Desktop::schedule_visibility_check() {
    if (visibility_check_ != nullptr || services_.loop == nullptr) {
        return;
    }
    visibility_check_ = wl_event_loop_add_idle(
        services_.loop,
        [](void* data) {
            auto* desktop = static_cast<Desktop*>(data);
            desktop->visibility_check_ = nullptr;
            bool any_suspended = false;
            for (const auto& view : desktop->views_) {
                if (view->mapped()) {
                    view->set_suspended(!view->shown());
                    any_suspended = any_suspended || view->suspended();
                }
            }
            // What uncovers a window is not always a window (the session lock's cover, prism's
            // dialog): while one is suspended, look again now and then, so it never stays so.
            if (any_suspended) {
                if (desktop->visibility_recheck_ == nullptr) {
                    desktop->visibility_recheck_ = wl_event_loop_add_timer(
                        desktop->services_.loop,
                        [](void* timer_data) {
                            static_cast<Desktop*>(timer_data)->schedule_visibility_check();
                            return 0;
                        },
                        desktop);
                }
                wl_event_source_timer_update(desktop->visibility_recheck_, kVisibilityRecheckMs);
            }
        },
        this);
}

void Desktop::view_unmapped(View& view) {
    schedule_visibility_check(); // what it covered shows again
    // An unmapped window is not moved or resized any more (it has no size to configure until
    // it maps again).
    if (services_.view_removed) {
        services_.view_removed(view);
    }
    notify_changed(view);
    if (focused_ != &view) {
        return;
    }
    focused_ = nullptr;
    // Hand focus to the next window down the stack.
    for (const auto& candidate : views_) {
        if (candidate.get() != &view && candidate->mapped()) {
            focus(candidate.get());
            return;
        }
    }
    if (focused_layer_ == nullptr) {
        wlr_seat_keyboard_notify_clear_focus(services_.seat);
    }
}

void Desktop::request_interactive(View& view, std::uint32_t edges) {
    // Only the focused window may start a move or resize: a background client cannot grab the
    // pointer away from the user.
    if (&view == focused_ && services_.begin_interactive) {
        services_.begin_interactive(view, edges);
    }
}

void Desktop::focus(View* view, bool with_held_keys) {
    View* previous = focused_;
    if (view == nullptr) {
        focused_ = nullptr;
        if (previous != nullptr) {
            previous->set_activated(false);
            notify_changed(*previous);
        }
        if (focused_layer_ == nullptr) {
            wlr_seat_keyboard_notify_clear_focus(services_.seat);
        }
        return;
    }
    if (!view->mapped()) {
        return;
    }
    // focused_ first: the frames redrawn by set_activated ask who has focus.
    focused_ = view;
    if (previous != nullptr && previous != view) {
        previous->set_activated(false);
        notify_changed(*previous);
    }
    view->set_urgent(false);
    raise(*view);
    schedule_visibility_check();
    view->set_activated(true);
    notify_changed(*view);

    // Another client's popup grab would keep the keyboard: focus elsewhere dismisses its
    // popups, as a click outside them does.
    end_popup_grab(wl_resource_get_client(view->surface()->resource));
    if (layer_holds_keyboard()) {
        return; // raised, but the keys stay with the launcher or panel that asked for them all
    }
    focused_layer_ = nullptr; // an on-demand layer surface gives the keyboard up to a window
    enter_keyboard(view->surface(), with_held_keys);
}

void Desktop::raise(View& view) {
    wlr_scene_node_raise_to_top(&view.tree()->node);
    auto it = std::find_if(views_.begin(), views_.end(),
                           [&](const auto& candidate) { return candidate.get() == &view; });
    views_.splice(views_.begin(), views_, it);
    // Its dialogs go above it, bottom-most first so that they keep their order among
    // themselves (xdg-shell: a toplevel is stacked above its parent). View::parent() counts only
    // a mapped parent of the same client, so no window is ever kept above another client's, and
    // wlroots refuses a parent that would make a loop.
    std::vector<View*> dialogs;
    for (auto candidate = views_.rbegin(); candidate != views_.rend(); ++candidate) {
        if ((*candidate)->mapped() && (*candidate)->parent() == &view) {
            dialogs.push_back(candidate->get());
        }
    }
    for (View* dialog : dialogs) {
        raise(*dialog);
    }
}

void Desktop::enter_keyboard(wlr_surface* surface, bool with_held_keys) {
    wlr_keyboard* keyboard = wlr_seat_get_keyboard(services_.seat);
    if (keyboard != nullptr) {
        wlr_seat_keyboard_notify_enter(
            services_.seat, surface, with_held_keys ? keyboard->keycodes : nullptr,
            with_held_keys ? keyboard->num_keycodes : 0, &keyboard->modifiers);
    } else {
        wlr_seat_keyboard_notify_enter(services_.seat, surface, nullptr, 0, nullptr);
    }
}

bool Desktop::layer_holds_keyboard() const {
    return focused_layer_ != nullptr && focused_layer_->current.keyboard_interactive ==
                                            ZWLR_LAYER_SURFACE_V1_KEYBOARD_INTERACTIVITY_EXCLUSIVE;
}

void Desktop::focus_layer(wlr_layer_surface_v1* layer) {
    if (layer == focused_layer_) {
        return;
    }
    focused_layer_ = layer;
    if (layer != nullptr) {
        // Entered without the keys held now: a key pressed for a window is not the launcher's.
        enter_keyboard(layer->surface, false);
    } else if (focused_ != nullptr) {
        enter_keyboard(focused_->surface(), false);
    } else {
        wlr_seat_keyboard_notify_clear_focus(services_.seat);
    }
}

void Desktop::layer_clicked(wlr_layer_surface_v1* layer) {
    if (layer->current.keyboard_interactive != ZWLR_LAYER_SURFACE_V1_KEYBOARD_INTERACTIVITY_NONE &&
        !layer_holds_keyboard()) {
        focus_layer(layer);
    }
}

void Desktop::layer_gone(wlr_layer_surface_v1* layer) {
    if (focused_layer_ == layer) {
        focus_layer(nullptr);
    }
}

void Desktop::restore_keyboard_focus() {
    if (focused_layer_ != nullptr) {
        enter_keyboard(focused_layer_->surface, false);
    } else if (focused_ != nullptr) {
        focus(focused_, false);
    }
}

void Desktop::end_popup_grab(wl_client* keep) {
    if (services_.xdg_shell == nullptr) {
        return;
    }
    wlr_seat* seat = services_.seat;
    wlr_xdg_popup_grab* grab = nullptr;
    wl_list_for_each(grab, &services_.xdg_shell->popup_grabs, link) {
        if (grab->seat != seat || grab->client == keep) {
            continue;
        }
        // Ending the pointer grab sends popup_done to its popups and ends the keyboard grab.
        if (seat->pointer_state.grab == &grab->pointer_grab) {
            wlr_seat_pointer_end_grab(seat);
        }
        if (seat->keyboard_state.grab == &grab->keyboard_grab) {
            wlr_seat_keyboard_end_grab(seat);
        }
        if (seat->touch_state.grab == &grab->touch_grab) {
            wlr_seat_touch_end_grab(seat);
        }
        return; // one grab per seat
    }
}

void Desktop::cycle_focus() {
    // The stack is ordered by recency; the bottom-most mapped view is the one least recently
    // used, so focusing it walks through every window in turn.
    for (auto it = views_.rbegin(); it != views_.rend(); ++it) {
        if ((*it)->mapped() && it->get() != focused_) {
            // A window with dialogs comes forward with them above it, and the top-most dialog
            // (its own dialogs first) gets the keyboard, as when the user clicks it: the keys
            // never go to a window under its own dialog, and the dialog is not skipped forever
            // (raising its parent would put it back above the next one to cycle to).
            View* target = it->get();
            raise(*target);
            while (View* dialog = top_dialog(*target)) {
                target = dialog;
            }
            focus(target);
            return;
        }
    }
}

View* Desktop::top_dialog(const View& parent) const {
    for (const auto& view : views_) {
        if (view->mapped() && view->parent() == &parent) {
            return view.get();
        }
    }
    return nullptr;
}

void Desktop::activate(View& view, const origins::Origin& requester, bool vouched) {
    // The window has the focus already: nothing to ask for (Firefox activates itself as it
    // starts, with a token naming no surface).
    if (&view == focused_) {
        return;
    }
    // A VM may only activate its own windows; the host may activate any.
    if (!requester.is_host() && requester != view.origin()) {
        view.set_urgent(true);
        return;
    }
    // A VM may take the keyboard only from itself, and only with a token made from the user's
    // input to it since it got the keyboard; otherwise its window only asks for attention.
    if (!requester.is_host() &&
        (!vouched || focused_ == nullptr || focused_->origin() != requester)) {
        if (&view != focused_) {
            view.set_urgent(true);
        }
        return;
    }
    if (may_take_focus(view)) {
        focus(&view);
    } else {
        view.set_urgent(true);
    }
}

namespace {

// The client surface of a layer-shell layer at a layout point, if any.
Desktop::Hit layer_hit(wlr_scene_tree* tree, double lx, double ly) {
    Desktop::Hit hit;
    double sx = 0, sy = 0;
    wlr_scene_node* node = wlr_scene_node_at(&tree->node, lx, ly, &sx, &sy);
    if (node == nullptr || node->type != WLR_SCENE_NODE_BUFFER) {
        return hit;
    }
    wlr_scene_surface* scene_surface =
        wlr_scene_surface_try_from_buffer(wlr_scene_buffer_from_node(node));
    if (scene_surface == nullptr) {
        return hit;
    }
    hit.surface = scene_surface->surface;
    hit.sx = sx;
    hit.sy = sy;
    hit.layer = wlr_layer_surface_v1_try_from_wlr_surface(
        wlr_surface_get_root_surface(scene_surface->surface));
    return hit;
}

} // namespace

Desktop::Hit Desktop::hit_test(double lx, double ly) const {
    // Top to bottom: the overlay and top layers, the windows, the bottom and background layers.
    for (auto layer : {ZWLR_LAYER_SHELL_V1_LAYER_OVERLAY, ZWLR_LAYER_SHELL_V1_LAYER_TOP}) {
        if (Hit hit = layer_hit(layers_[layer], lx, ly); hit.surface != nullptr) {
            return hit;
        }
    }
    Hit hit;
    double sx = 0, sy = 0;
    wlr_scene_node* node = wlr_scene_node_at(&windows_->node, lx, ly, &sx, &sy);
    if (node == nullptr) {
        for (auto layer :
             {ZWLR_LAYER_SHELL_V1_LAYER_BOTTOM, ZWLR_LAYER_SHELL_V1_LAYER_BACKGROUND}) {
            if (Hit below = layer_hit(layers_[layer], lx, ly); below.surface != nullptr) {
                return below;
            }
        }
        return hit;
    }
    hit.view = View::from_node(node);
    if (hit.view == nullptr) {
        return hit;
    }
    wlr_scene_surface* scene_surface = nullptr;
    if (node->type == WLR_SCENE_NODE_BUFFER) {
        scene_surface = wlr_scene_surface_try_from_buffer(wlr_scene_buffer_from_node(node));
    }
    if (scene_surface != nullptr) {
        hit.surface = scene_surface->surface;
        hit.sx = sx;
        hit.sy = sy;
    } else {
        hit.part = hit.view->frame_part_at(lx, ly);
    }
    return hit;
}

float Desktop::scale_at(double lx, double ly) const {
    wlr_output* output = wlr_output_layout_output_at(services_.layout, lx, ly);
    if (output == nullptr) {
        output = wlr_output_layout_get_center_output(services_.layout);
    }
    return output != nullptr ? output->scale : 1.0f;
}

void Desktop::refresh_frames() {
    for (const auto& view : views_) {
        view->refresh_style();
    }
}

void Desktop::set_xray(bool on) {
    for (const auto& view : views_) {
        view->set_xray(on);
    }
    Popup::set_xray(on); // their popups too, where they reach outside the window
}

wlr_output* Desktop::output_for(const View* view) const {
    wlr_output* output = nullptr;
    if (view != nullptr) {
        const wlr_box box = view->content_box();
        output = wlr_output_layout_output_at(services_.layout, box.x + box.width / 2.0,
                                             box.y + box.height / 2.0);
    }
    if (output == nullptr) {
        double x = 0, y = 0;
        services_.cursor_position(x, y);
        output = wlr_output_layout_output_at(services_.layout, x, y);
    }
    if (output == nullptr) {
        output = wlr_output_layout_get_center_output(services_.layout);
    }
    return output;
}

wlr_box Desktop::output_box_for(const View* view) const {
    wlr_box box{};
    if (wlr_output* output = output_for(view)) {
        wlr_output_layout_get_box(services_.layout, output, &box);
    }
    return box;
}

wlr_box Desktop::usable_area_for(const View* view) const {
    wlr_output* output = output_for(view);
    const auto* prism_output =
        output != nullptr ? static_cast<const Output*>(output->data) : nullptr;
    if (prism_output == nullptr) {
        return output_box_for(view);
    }
    return prism_output->usable_area(services_.layout);
}

void Desktop::usable_area_changed(wlr_output* output) {
    for (const auto& view : views_) {
        if (view->mapped() && view->maximized() && !view->fullscreen() &&
            output_for(view.get()) == output) {
            view->refit();
        }
    }
}

namespace {

// Where a box of `width` x `height` goes to be centred in `area` (its top-left corner); a box
// larger than the area starts at the area's corner.
std::pair<int, int> centred_in(const wlr_box& area, int width, int height) {
    return {area.x + std::max(0, (area.width - width) / 2),
            area.y + std::max(0, (area.height - height) / 2)};
}

} // namespace

void Desktop::place_new_view(View& view) {
    // A dialog opens centred on its parent, on the parent's output; any other window centred in
    // the usable area of the output under the cursor.
    const View* parent = view.parent();
    const wlr_box area = usable_area_for(parent);
    if (area.width <= 0 || area.height <= 0) {
        view.move_to(0, 0); // no output at all
        return;
    }
    // A window larger than the usable area is asked to fit it, and placed as if it did: its
    // title bar is on screen even if it keeps its size.
    view.fit_into(area);
    const wlr_box outer = view.outer_box();
    const int width = std::min(outer.width, area.width);
    const int height = std::min(outer.height, area.height);
    if (parent != nullptr) {
        const wlr_box over = parent->outer_box();
        const int left = over.x + (over.width - width) / 2;
        const int top = over.y + (over.height - height) / 2;
        // Inside the area, if the parent is near its edge.
        view.move_outer_to(std::clamp(left, area.x, area.x + area.width - width),
                           std::clamp(top, area.y, area.y + area.height - height));
        return;
    }
    auto [left, top] = centred_in(area, width, height);
    // A window already exactly there would hide the new one: cascade down and right.
    constexpr int kCascade = 32;
    for (bool moved = true; moved;) {
        moved = false;
        for (const auto& other : views_) {
            const wlr_box box = other->outer_box();
            if (other.get() != &view && other->mapped() && box.x == left && box.y == top &&
                left + kCascade + width <= area.x + area.width &&
                top + kCascade + height <= area.y + area.height) {
                left += kCascade;
                top += kCascade;
                moved = true;
            }
        }
    }
    view.move_outer_to(left, top);
}

void Desktop::rescue_offscreen_views() {
    for (const auto& view : views_) {
        const wlr_box box = view->outer_box();
        if (wlr_output_layout_output_at(services_.layout, box.x + box.width / 2.0,
                                        box.y + box.height / 2.0) == nullptr) {
            const auto [left, top] = centred_in(usable_area_for(nullptr), box.width, box.height);
            view->move_outer_to(left, top);
        }
    }
}

} // namespace prism
