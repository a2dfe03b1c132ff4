#include "compositor/input/pointer_constraints.hpp"

#include "compositor/frame/contrast.hpp"
#include "compositor/frame/scene_colour.hpp"
#include "compositor/frame/text_buffer.hpp"

namespace prism {

PointerConstraints::PointerConstraints(wl_display* display, wlr_seat* seat, Cursor& cursor,
                                       wlr_output_layout* layout, wlr_scene_tree* overlay,
                                       std::function<FrameStyle(wl_client*)> style_of)
    : loop_(wl_display_get_event_loop(display))
    , seat_(seat)
    , cursor_(cursor)
    , layout_(layout)
    , style_of_(std::move(style_of))
    , relative_(wlr_relative_pointer_manager_v1_create(display))
    , constraints_(wlr_pointer_constraints_v1_create(display)) {
    const float none[4] = {0, 0, 0, 0};
    hint_ = wlr_scene_tree_create(overlay);
    bar_ = wlr_scene_rect_create(hint_, 0, 0, none);
    notice_ = wlr_scene_buffer_create(hint_, nullptr);
    wlr_scene_node_set_enabled(&hint_->node, false);

    new_constraint_.connect(
        &constraints_->events.new_constraint, [this](wlr_pointer_constraint_v1* constraint) {
            // Listeners of constraints already gone, dropped here: never
            // inside their own callback.
            std::erase_if(destroy_, [](const auto& entry) { return !entry.second->connected(); });
            auto listener = std::make_unique<Listener<void>>();
            Listener<void>* self = listener.get();
            listener->connect(&constraint->events.destroy, [this, constraint, self](void*) {
                self->disconnect();
                released_.erase(constraint);
                if (active_ == constraint) {
                    active_ = nullptr;
                    wlr_scene_node_set_enabled(&hint_->node, false);
                }
                schedule_update();
            });
            destroy_[constraint] = std::move(listener);
            schedule_update();
        });
    pointer_focus_.connect(&seat_->pointer_state.events.focus_change,
                           [this](void*) { schedule_update(); });
    keyboard_focus_.connect(&seat_->keyboard_state.events.focus_change,
                            [this](void*) { schedule_update(); });
    cursor_.set_motion_constraint([this](const wlr_pointer_motion_event& event, double* dx,
                                         double* dy) { constrain(event, dx, dy); });
}

PointerConstraints::~PointerConstraints() {
    cursor_.set_motion_constraint(nullptr);
    if (idle_ != nullptr) {
        wl_event_source_remove(idle_);
    }
    wlr_scene_node_destroy(&hint_->node);
}

void PointerConstraints::release_by_binding() {
    if (active_ == nullptr) {
        return;
    }
    wlr_log(WLR_INFO, "pointer constraint released by a prism binding");
    released_.insert(active_);
    deactivate();
}

void PointerConstraints::schedule_update() {
    // Focus changes arrive from inside wlroots' own focus changes, and deactivating a one-shot
    // constraint destroys it: the decision is made once the current request is done.
    if (idle_ != nullptr) {
        return;
    }
    idle_ = wl_event_loop_add_idle(
        loop_,
        [](void* data) {
            auto* self = static_cast<PointerConstraints*>(data);
            self->idle_ = nullptr;
            self->update();
        },
        this);
}

void PointerConstraints::update() {
    wlr_surface* keyboard = seat_->keyboard_state.focused_surface;
    wlr_surface* pointer = seat_->pointer_state.focused_surface;
    // A constraint a binding ended may come back only after its window lost focus.
    std::erase_if(released_, [&](wlr_pointer_constraint_v1* constraint) {
        return wlr_surface_get_root_surface(constraint->surface) != keyboard;
    });
    wlr_pointer_constraint_v1* wanted = nullptr;
    if (pointer != nullptr && keyboard != nullptr &&
        wlr_surface_get_root_surface(pointer) == keyboard) {
        wanted = wlr_pointer_constraints_v1_constraint_for_surface(constraints_, pointer, seat_);
        if (wanted != nullptr && released_.count(wanted) > 0) {
            wanted = nullptr;
        }
    }
    if (wanted == active_) {
        return;
    }
    deactivate();
    if (wanted != nullptr) {
        activate(wanted);
    }
}

void PointerConstraints::activate(wlr_pointer_constraint_v1* constraint) {
    active_ = constraint;
    show_hint(constraint);
    wlr_pointer_constraint_v1_send_activated(constraint);
}

void PointerConstraints::deactivate() {
    wlr_pointer_constraint_v1* constraint = active_;
    if (constraint == nullptr) {
        return;
    }
    active_ = nullptr;
    wlr_scene_node_set_enabled(&hint_->node, false);
    // A one-shot constraint is destroyed by this.
    wlr_pointer_constraint_v1_send_deactivated(constraint);
}

void PointerConstraints::show_hint(wlr_pointer_constraint_v1* constraint) {
    wlr_cursor* cursor = cursor_.wlr();
    wlr_output* output = wlr_output_layout_output_at(layout_, cursor->x, cursor->y);
    wlr_box box{};
    wlr_output_layout_get_box(layout_, output, &box);
    if (wlr_box_empty(&box)) {
        return;
    }
    const FrameStyle style = style_of_(wl_resource_get_client(constraint->surface->resource));
    frame::set_rect_colour(bar_, style.colour);
    wlr_scene_rect_set_size(bar_, box.width, kHintHeight);
    wlr_scene_node_set_position(&hint_->node, box.x, box.y);

    frame::TextSpec spec;
    spec.width = std::min(kNoticeWidth, box.width);
    spec.height = frame::line_height(style.font) + 2 * spec.padding;
    spec.scale = output->scale;
    spec.background = style.colour;
    spec.text = frame::text_colour_for(style.colour);
    spec.utf8 = "Pointer held by " + (style.label.empty() ? std::string("the host") : style.label) +
                ": press any prism key binding to release it";
    spec.font = style.font;
    spec.centred = true;
    wlr_buffer* buffer = frame::render_text(spec);
    wlr_scene_buffer_set_buffer(notice_, buffer);
    if (buffer != nullptr) {
        wlr_buffer_drop(buffer);
        wlr_scene_buffer_set_dest_size(notice_, spec.width, spec.height);
        wlr_scene_node_set_position(&notice_->node, (box.width - spec.width) / 2, kHintHeight);
    }
    wlr_scene_node_raise_to_top(&hint_->node);
    wlr_scene_node_set_enabled(&hint_->node, true);
}

void PointerConstraints::constrain(const wlr_pointer_motion_event& event, double* dx, double* dy) {
    wlr_relative_pointer_manager_v1_send_relative_motion(
        relative_, seat_, static_cast<std::uint64_t>(event.time_msec) * 1000, event.delta_x,
        event.delta_y, event.unaccel_dx, event.unaccel_dy);
    wlr_pointer_constraint_v1* constraint = active_;
    if (constraint == nullptr || constraint->surface != seat_->pointer_state.focused_surface) {
        return;
    }
    if (constraint->type == WLR_POINTER_CONSTRAINT_V1_LOCKED) {
        *dx = 0;
        *dy = 0;
        return;
    }
    // Confined: the pointer stays inside the constraint's region of the surface.
    const double sx = seat_->pointer_state.sx;
    const double sy = seat_->pointer_state.sy;
    double x = sx + *dx, y = sy + *dy;
    if (!wlr_region_confine(&constraint->region, sx, sy, sx + *dx, sy + *dy, &x, &y)) {
        *dx = 0;
        *dy = 0;
        return;
    }
    *dx = x - sx;
    *dy = y - sy;
}

} // namespace prism
