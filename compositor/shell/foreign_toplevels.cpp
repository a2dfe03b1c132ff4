#include "compositor/shell/foreign_toplevels.hpp"

#include "compositor/frame/title.hpp"

#include <vector>

namespace prism {

// One listed window, and what the panel asks of it.
struct ForeignToplevels::Handle {
    Handle(ForeignToplevels& owner, View& view)
        : wlr(wlr_foreign_toplevel_handle_v1_create(owner.manager_)) {
        Desktop* desktop = owner.desktop_;
        View* target = &view;
        activate.connect(&wlr->events.request_activate,
                         [desktop, target](wlr_foreign_toplevel_handle_v1_activated_event*) {
                             if (desktop != nullptr && target->mapped()) {
                                 desktop->focus(target);
                             }
                         });
        close.connect(&wlr->events.request_close, [target](void*) { target->close(); });
        maximize.connect(&wlr->events.request_maximize,
                         [target](wlr_foreign_toplevel_handle_v1_maximized_event* event) {
                             target->set_maximized(event->maximized);
                         });
        fullscreen.connect(&wlr->events.request_fullscreen,
                           [target](wlr_foreign_toplevel_handle_v1_fullscreen_event* event) {
                               // A VM not trusted with fullscreen is maximized instead.
                               target->set_fullscreen(event->fullscreen);
                           });
    }
    ~Handle() { wlr_foreign_toplevel_handle_v1_destroy(wlr); }
    Handle(const Handle&) = delete;
    Handle& operator=(const Handle&) = delete;

    wlr_foreign_toplevel_handle_v1* wlr;
    std::string title, app_id;
    Listener<wlr_foreign_toplevel_handle_v1_activated_event> activate;
    Listener<void> close;
    Listener<wlr_foreign_toplevel_handle_v1_maximized_event> maximize;
    Listener<wlr_foreign_toplevel_handle_v1_fullscreen_event> fullscreen;
};

ForeignToplevels::ForeignToplevels(wl_display* display)
    : manager_(wlr_foreign_toplevel_manager_v1_create(display)) {
}

ForeignToplevels::~ForeignToplevels() {
    handles_.clear();
}

void ForeignToplevels::update(View& view) {
    if (!view.mapped() || desktop_ == nullptr) {
        forget(view);
        return;
    }
    auto& slot = handles_[&view];
    if (!slot) {
        slot = std::make_unique<Handle>(*this, view);
    }
    Handle& handle = *slot;
    // The title as the frame shows it: the origin's label first, from the config.
    const std::string title = frame::frame_title(view.style().label, view.title());
    if (title != handle.title) {
        handle.title = title;
        wlr_foreign_toplevel_handle_v1_set_title(handle.wlr, title.c_str());
    }
    const std::string app_id = frame::sanitize_title(view.app_id());
    if (app_id != handle.app_id) {
        handle.app_id = app_id;
        wlr_foreign_toplevel_handle_v1_set_app_id(handle.wlr, app_id.c_str());
    }
    wlr_foreign_toplevel_handle_v1_set_activated(handle.wlr, desktop_->focused() == &view);
    wlr_foreign_toplevel_handle_v1_set_maximized(handle.wlr, view.maximized());
    wlr_foreign_toplevel_handle_v1_set_fullscreen(handle.wlr, view.fullscreen());

    // On the output the window is on (panels list the windows of their own output).
    wlr_output* output = desktop_->output_for(&view);
    bool entered = false;
    std::vector<wlr_output*> left;
    wlr_foreign_toplevel_handle_v1_output* entry;
    wl_list_for_each(entry, &handle.wlr->outputs, link) {
        if (entry->output == output) {
            entered = true;
        } else {
            left.push_back(entry->output);
        }
    }
    for (wlr_output* gone : left) {
        wlr_foreign_toplevel_handle_v1_output_leave(handle.wlr, gone);
    }
    if (!entered && output != nullptr) {
        wlr_foreign_toplevel_handle_v1_output_enter(handle.wlr, output);
    }
}

void ForeignToplevels::forget(const View& view) {
    handles_.erase(&view);
}

} // namespace prism
