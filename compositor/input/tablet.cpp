#include "compositor/input/tablet.hpp"

#include <algorithm>
#include <vector>

namespace prism {

struct Tablets::Tablet {
    wlr_input_device* device = nullptr;
    wlr_tablet_v2_tablet* v2 = nullptr;
    bool gone = false;
    Listener<wlr_tablet_tool_proximity_event> proximity;
    Listener<wlr_tablet_tool_axis_event> axis;
    Listener<wlr_tablet_tool_tip_event> tip;
    Listener<wlr_tablet_tool_button_event> button;
    Listener<void> destroy;
};

struct Tablets::Pad {
    std::unique_ptr<TabletPad> pad;
    bool gone = false;
    Listener<void> destroy;
};

struct Tablets::Tool {
    wlr_tablet_tool* wlr_tool = nullptr;
    std::unique_ptr<TabletTool> tool;
    bool gone = false;
    Listener<void> destroy;
};

Tablets::Tablets(wlr_seat* seat, Cursor& cursor, Desktop& desktop, const InputRoute& route,
                 std::function<void()> on_activity, std::function<void()> on_devices_changed)
    : seat_(seat)
    , cursor_(cursor)
    , desktop_(desktop)
    , route_(route)
    , on_activity_(std::move(on_activity))
    , on_devices_changed_(std::move(on_devices_changed))
    , manager_(wlr_tablet_v2_create(seat->display))
    , loop_(wl_display_get_event_loop(seat->display)) {
    keyboard_focus_.connect(&seat_->keyboard_state.events.focus_change,
                            [this](wlr_seat_keyboard_focus_change_event* event) {
                                for (const auto& pad : pads_) {
                                    if (!pad->gone) {
                                        pad->pad->set_focus(event->new_surface);
                                    }
                                }
                            });
}

Tablets::~Tablets() {
    if (cleanup_ != nullptr) {
        wl_event_source_remove(cleanup_);
    }
    for (const auto& pad : pads_) {
        if (!pad->gone) {
            pad->pad->detach();
        }
    }
}

bool Tablets::has_tablets() const {
    return std::any_of(tablets_.begin(), tablets_.end(),
                       [](const auto& tablet) { return !tablet->gone; });
}

void Tablets::add_tablet(wlr_input_device* device) {
    auto entry = std::make_unique<Tablet>();
    Tablet* tablet = entry.get();
    tablet->device = device;
    // Before wlroots' own: the tools leave their surfaces while the tablet-v2 tablet exists.
    tablet->destroy.connect(&device->events.destroy, [this, tablet](void*) {
        for (const auto& tool : tools_) {
            if (!tool->gone) {
                tool->tool->forget_tablet(tablet->v2);
            }
        }
        tablet->gone = true;
        tablet->proximity.disconnect();
        tablet->axis.disconnect();
        tablet->tip.disconnect();
        tablet->button.disconnect();
        tablet->destroy.disconnect();
        pair_pads();
        schedule_cleanup();
        on_devices_changed_();
    });
    tablet->v2 = wlr_tablet_create(manager_, seat_, device);
    wlr_tablet* wlr = wlr_tablet_from_input_device(device);
    wlr_log(WLR_INFO, "input: tablet '%s' (%.0fx%.0f mm)", device->name, wlr->width_mm,
            wlr->height_mm);
    tablet->proximity.connect(&wlr->events.proximity,
                              [this, tablet](wlr_tablet_tool_proximity_event* event) {
                                  on_activity_();
                                  if (TabletTool* tool = tool_for(event->tool, true)) {
                                      tool->proximity(*event, tablet->v2);
                                  }
                              });
    tablet->axis.connect(&wlr->events.axis, [this, tablet](wlr_tablet_tool_axis_event* event) {
        on_activity_();
        if (TabletTool* tool = tool_for(event->tool, false)) {
            tool->axis(*event, tablet->v2);
        }
    });
    tablet->tip.connect(&wlr->events.tip, [this, tablet](wlr_tablet_tool_tip_event* event) {
        on_activity_();
        if (TabletTool* tool = tool_for(event->tool, false)) {
            tool->tip(*event, tablet->v2);
        }
    });
    tablet->button.connect(&wlr->events.button,
                           [this, tablet](wlr_tablet_tool_button_event* event) {
                               on_activity_();
                               if (TabletTool* tool = tool_for(event->tool, false)) {
                                   tool->button(*event, tablet->v2);
                               }
                           });
    tablets_.push_back(std::move(entry));
    pair_pads();
}

TabletTool* Tablets::tool_for(wlr_tablet_tool* wlr_tool, bool create) {
    for (const auto& tool : tools_) {
        if (!tool->gone && tool->wlr_tool == wlr_tool) {
            return tool->tool.get();
        }
    }
    if (!create) {
        return nullptr; // nothing before the tool's first proximity
    }
    auto entry = std::make_unique<Tool>();
    Tool* tool = entry.get();
    tool->wlr_tool = wlr_tool;
    // Before wlroots' own, as for tablets.
    tool->destroy.connect(&wlr_tool->events.destroy, [this, tool](void*) {
        tool->gone = true;
        tool->tool.reset();
        tool->destroy.disconnect();
        schedule_cleanup();
    });
    // nullptr for a tool tablet-v2 has no type for (a totem): it acts as a pointer.
    wlr_tablet_v2_tablet_tool* v2 = wlr_tablet_tool_create(manager_, seat_, wlr_tool);
    tool->tool = std::make_unique<TabletTool>(wlr_tool, v2, seat_, cursor_, desktop_, route_);
    tools_.push_back(std::move(entry));
    return tool->tool.get();
}

void Tablets::add_pad(wlr_input_device* device) {
    auto entry = std::make_unique<Pad>();
    Pad* pad = entry.get();
    // Before wlroots' own: the pad leaves its surface while the tablet-v2 pad exists.
    pad->destroy.connect(&device->events.destroy, [this, pad](void*) {
        pad->pad->detach();
        pad->gone = true;
        pad->destroy.disconnect();
        schedule_cleanup();
    });
    wlr_tablet_v2_tablet_pad* v2 = wlr_tablet_pad_create(manager_, seat_, device);
    pad->pad = std::make_unique<TabletPad>(device, v2, route_, on_activity_);
    wlr_log(WLR_INFO, "input: tablet pad '%s'", device->name);
    pads_.push_back(std::move(entry));
    pair_pads();
}

wlr_tablet_v2_tablet* Tablets::tablet_for(const Pad& pad) const {
    std::vector<const Tablet*> live;
    for (const auto& tablet : tablets_) {
        if (!tablet->gone && tablet->v2 != nullptr) {
            live.push_back(tablet.get());
        }
    }
    wlr_input_device* pad_device = pad.pad->device();
    if (wlr_input_device_is_libinput(pad_device)) {
        libinput_device_group* group =
            libinput_device_get_device_group(wlr_libinput_get_device_handle(pad_device));
        for (const Tablet* tablet : live) {
            if (wlr_input_device_is_libinput(tablet->device) &&
                libinput_device_get_device_group(wlr_libinput_get_device_handle(tablet->device)) ==
                    group) {
                return tablet->v2;
            }
        }
    }
    return live.size() == 1 ? live.front()->v2 : nullptr;
}

void Tablets::pair_pads() {
    for (const auto& pad : pads_) {
        if (!pad->gone) {
            pad->pad->set_tablet(tablet_for(*pad), seat_->keyboard_state.focused_surface);
        }
    }
}

void Tablets::route_changed() {
    for (const auto& tool : tools_) {
        if (!tool->gone) {
            tool->tool->check_focus();
        }
    }
}

void Tablets::schedule_cleanup() {
    if (cleanup_ == nullptr) {
        cleanup_ = wl_event_loop_add_idle(
            loop_, [](void* data) { static_cast<Tablets*>(data)->cleanup(); }, this);
    }
}

void Tablets::cleanup() {
    cleanup_ = nullptr;
    tablets_.remove_if([](const auto& tablet) { return tablet->gone; });
    pads_.remove_if([](const auto& pad) { return pad->gone; });
    tools_.remove_if([](const auto& tool) { return tool->gone; });
}

} // namespace prism
