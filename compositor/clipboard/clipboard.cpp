#include "compositor/clipboard/clipboard.hpp"

#include "compositor/clipboard/placement.hpp"
#include "compositor/clipboard/policy.hpp"

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
    crossings_ = std::make_unique<CrossingLog>(*notice_, styles_, desktop_);

    Dialog::Hooks dialog_hooks;
    dialog_hooks.area_for = [this](const wl_client* client, wlr_box* output, float* scale) {
        return area_for_client(desktop_, client, output, scale);
    };
    dialog_hooks.answer = [this](std::uint64_t prompt, Answer answer, const std::string& how) {
        mediator_->answer(prompt, answer, how);
    };
    dialog_ = std::make_unique<Dialog>(overlay_, styles_, std::move(dialog_hooks));

    Mediator::Hooks hooks;
    hooks.policy = [this](const Origin& origin, Selection selection) {
        return policy_of(config_, origin, selection);
    };
    hooks.show = [this](const std::optional<Prompt>& prompt) {
        handle_show(prompt);
    };
    hooks.crossed = [this](const Crossing& crossing) {
        crossings_->record(crossing);
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
    crossings_.reset();
    notice_.reset();
    mediator_.reset();
}

void Clipboard::apply_config() {
    mediator_->set_limits(config_.clipboard_limits);
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

} // namespace prism::clipboard
