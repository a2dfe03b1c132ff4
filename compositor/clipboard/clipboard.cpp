#include "compositor/clipboard/clipboard.hpp"

#include "compositor/frame/title.hpp"

namespace prism::clipboard {

Clipboard::Clipboard(wl_display* display, wl_event_loop* loop, wlr_scene_tree* overlay, Seat& seat,
                     const Desktop& desktop, origins::ClientOrigins& origins,
                     const config::Config& config, const FrameStyles& styles)
    : loop_(loop)
    , overlay_(overlay)
    , seat_(seat)
    , desktop_(desktop)
    , origins_(origins)
    , config_(config)
    , styles_(styles) {
    notice_ = std::make_unique<Notice>(overlay_, loop);

    Dialog::Hooks dialog_hooks;
    dialog_hooks.area_for = [this](const wl_client* client, wlr_box* output, float* scale) {
        return area_for(client, output, scale);
    };
    dialog_hooks.answer = [this](std::uint64_t prompt, Answer answer, const std::string& how) {
        mediator_->answer(prompt, answer, how);
    };
    dialog_ = std::make_unique<Dialog>(overlay_, styles_, std::move(dialog_hooks));

    Mediator::Hooks hooks;
    hooks.policy = [this](const Origin& origin, Selection selection) {
        return policy_for(origin, selection);
    };
    hooks.show = [this](const std::optional<Prompt>& prompt) {
        handle_show(prompt);
    };
    hooks.crossed = [this](const Crossing& crossing) {
        handle_crossed(crossing);
    };
    hooks.max_pending = [this](const Origin& origin) -> std::size_t {
        const config::VmConfig* vm = origin.is_vm() ? config_.find_vm(origin.vm_name()) : nullptr;
        return vm != nullptr ? static_cast<std::size_t>(vm->limits.pending_pastes)
                             : Mediator::kMaxPending;
    };
    mediator_ = std::make_unique<Mediator>(loop, config_.clipboard_limits, std::move(hooks));

    bridge_ = std::make_unique<SelectionBridge>(display, seat_.wlr(), seat_.route(), origins_,
                                                *mediator_, config_);
    origins_.on_client_destroyed = [this](wl_client* client, const origins::Origin&) {
        handle_client_destroyed(client);
    };
}

Clipboard::~Clipboard() {
    // While the seat and the scene exist: the bridge clears the selections.
    origins_.on_client_destroyed = nullptr;
    if (modal_idle_ != nullptr) {
        wl_event_source_remove(modal_idle_);
    }
    bridge_.reset();
    seat_.set_modal(nullptr);
    dialog_.reset();
    notice_.reset();
    mediator_.reset();
}

void Clipboard::apply_config() {
    mediator_->set_limits(config_.clipboard_limits);
}

const config::PastePolicy* Clipboard::policy_for(const Origin& origin, Selection selection) const {
    const bool primary = selection == Selection::Primary;
    if (origin.is_host()) {
        return primary ? &config_.host_primary : &config_.host_clipboard;
    }
    if (origin.is_sandbox()) {
        return primary ? &config_.sandbox.primary : &config_.sandbox.clipboard;
    }
    const config::VmConfig* vm = origin.is_vm() ? config_.find_vm(origin.vm_name()) : nullptr;
    if (vm == nullptr) {
        return nullptr;
    }
    return primary ? &vm->primary : &vm->clipboard;
}

void Clipboard::handle_show(const std::optional<Prompt>& prompt) {
    dialog_->show(prompt, config_.clipboard_limits.dialog_timeout_ms);
    if (prompt) {
        seat_.set_modal(dialog_.get());
        return;
    }
    // Taking the modal down gives the keyboard back to a window, and wlroots sends that client
    // the selection. A prompt can end inside wlroots' own selection change (the old source is
    // destroyed while the seat still points at it): sending it then would follow a dangling
    // pointer. So the modal goes from an idle callback, once wlroots is done.
    if (modal_idle_ == nullptr) {
        modal_idle_ = wl_event_loop_add_idle(loop_, &Clipboard::take_modal_down, this);
    }
}

void Clipboard::take_modal_down(void* data) {
    auto* self = static_cast<Clipboard*>(data);
    self->modal_idle_ = nullptr;
    if (!self->dialog_->visible()) {
        self->seat_.set_modal(nullptr);
    }
}

void Clipboard::handle_client_destroyed(wl_client* client) {
    mediator_->client_gone(client);
    bridge_->client_gone(client);
}

void Clipboard::handle_crossed(const Crossing& crossing) {
    // A VM can cause refusals as fast as it sends requests: at most kCrossingLinesPerSecond log
    // lines and notices a second, and a count of what was left out.
    const auto now = std::chrono::steady_clock::now();
    if (now - crossing_window_ >= std::chrono::seconds(1)) {
        if (crossings_unlogged_ > 0) {
            wlr_log(WLR_INFO, "clipboard: %d more crossings in the last second not logged",
                    crossings_unlogged_);
        }
        crossing_window_ = now;
        crossings_logged_ = 0;
        crossings_unlogged_ = 0;
    }
    if (++crossings_logged_ > kCrossingLinesPerSecond) {
        ++crossings_unlogged_; // still in prismctl clipboard's list
        return;
    }
    // The type comes from the pasting client: no control characters reach the log.
    const std::string type = frame::sanitize_title(crossing.mime_type, 128);
    const std::string from(crossing.from.display_name()), to(crossing.to.display_name());
    wlr_log(WLR_INFO, "clipboard: %s paste from %s into %s, type '%s', %llu bytes: %s (%s)",
            to_string(crossing.selection), from.c_str(), to.c_str(), type.c_str(),
            static_cast<unsigned long long>(crossing.bytes), to_string(crossing.decision),
            crossing.rule.c_str());
    if (crossing.decision == Decision::Allowed) {
        return;
    }
    const std::string what = crossing.selection == Selection::Clipboard ? "Paste"
                             : crossing.selection == Selection::Primary ? "Primary paste"
                                                                        : "Drop";
    const std::string text = what + " from " + styles_.of(crossing.from).label + " into " +
                             styles_.of(crossing.to).label + " " + to_string(crossing.decision) +
                             ": " + crossing.rule;
    float scale = 1.0f;
    wlr_box output{};
    const wlr_box area = area_for(nullptr, &output, &scale);
    notice_->show(text, styles_.host(), area, scale);
}

wlr_box Clipboard::area_for(const wl_client* client, wlr_box* output_box, float* scale) const {
    const View* target = nullptr;
    if (client != nullptr) {
        for (const auto& view : desktop_.views()) {
            if (view->mapped() && wl_resource_get_client(view->surface()->resource) == client) {
                target = view.get(); // the topmost window of that client
                break;
            }
        }
    }
    const wlr_box output = desktop_.output_box_for(target);
    *output_box = output;
    wlr_output* wlr_output = wlr_output_layout_output_at(
        desktop_.layout(), output.x + output.width / 2.0, output.y + output.height / 2.0);
    *scale = wlr_output != nullptr ? wlr_output->scale : 1.0f;
    if (target == nullptr) {
        return output;
    }
    // Over the window, but never off its output.
    wlr_box box = target->outer_box();
    wlr_box clipped{};
    if (!wlr_box_intersection(&clipped, &box, &output)) {
        return output;
    }
    return clipped;
}

} // namespace prism::clipboard
