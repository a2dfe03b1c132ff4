#include "compositor/control/commands.hpp"

#include "compositor/control/control_server.hpp"
#include "compositor/server.hpp"

#include <nlohmann/json.hpp>

namespace prism {

namespace {

using nlohmann::json;

json list_vms(const Server& server) {
    json result = json::array();
    for (const config::VmConfig* vm : server.vms().all()) {
        const auto origin = origins::Origin::vm(vm->name);
        int windows = 0;
        for (const auto& view : server.desktop().views()) {
            windows += view->mapped() && view->origin() == origin ? 1 : 0;
        }
        result.push_back({
            {"name", vm->name},
            {"label", vm->label},
            {"colour", vm->colour.hex()},
            {"socket", vm->socket.string()},
            {"clients", server.origins().clients_of(origin).size()},
            {"windows", windows},
            {"activation_tokens", server.activation_tokens().count(vm->name)},
            {"activation_tokens_expired_early", server.activation_tokens().evicted(vm->name)},
            {"surfaces", server.surface_budgets().surfaces(vm->name)},
            {"toplevels", server.surface_budgets().toplevels(vm->name)},
        });
        const TitleBudget* titles = server.desktop().find_title_budget(vm->name);
        result.back()["title_renders"] = titles != nullptr ? titles->renders() : 0;
        result.back()["titles_waiting"] = titles != nullptr ? titles->waiting() : 0;
        if (const VmbridgeHost* bridge = server.vms().bridge(vm->name)) {
            json state = {{"socket", bridge->socket().string()},
                          {"connected", bridge->connected()}};
            if (const auto stats = bridge->stats()) {
                state["contexts"] = stats->contexts;
                state["vfds"] = stats->vfds;
                state["shm_bytes"] = stats->shm_bytes;
                state["queued_messages"] = stats->queued_messages;
                state["reading"] = stats->reading;
            }
            if (const auto* vhost = bridge->vhost_user()) {
                const auto& status = vhost->status();
                state["transport"] = "vhost-user";
                state["backend"] = vmbridge::vhost_user::Supervisor::state_name(status.state);
                state["backend_pid"] = status.backend_pid;
                state["backend_restarts"] = status.restarts;
                state["vmm_pid"] = status.vmm_pid;
                state["features"] = status.features;
                state["protocol_features"] = status.protocol_features;
            } else {
                state["transport"] = "test";
            }
            result.back()["vmbridge"] = std::move(state);
        }
    }
    return result;
}

json list_windows(const Server& server) {
    json result = json::array();
    // Bottom to top, so the last entry is the top of the stack.
    const auto& views = server.desktop().views();
    for (auto it = views.rbegin(); it != views.rend(); ++it) {
        const View& view = **it;
        if (!view.mapped()) {
            continue;
        }
        const wlr_box box = view.content_box();
        const wlr_box outer = view.outer_box();
        json popups = json::array();
        for (const wlr_box& popup : view.popup_boxes()) {
            popups.push_back(
                {{"x", popup.x}, {"y", popup.y}, {"width", popup.width}, {"height", popup.height}});
        }
        result.push_back({
            {"id", view.id()},
            {"vm", std::string(view.origin().display_name())},
            {"title", view.title()},
            {"app_id", view.app_id()},
            {"x", box.x},
            {"y", box.y},
            {"width", box.width},
            {"height", box.height},
            {"focused", server.desktop().focused() == &view},
            {"urgent", view.urgent()},
            {"maximized", view.maximized()},
            {"fullscreen", view.fullscreen()},
            {"frame",
             {{"x", outer.x}, {"y", outer.y}, {"width", outer.width}, {"height", outer.height}}},
            {"popups", std::move(popups)},
        });
    }
    return result;
}

json list_outputs(const Server& server) {
    json result = json::array();
    for (const auto& output : server.outputs()) {
        wlr_output* wlr = output->wlr();
        wlr_box box{};
        wlr_output_layout_get_box(server.desktop().layout(), wlr, &box); // empty if not in it
        result.push_back({
            {"name", output->name()},
            {"x", box.x},
            {"y", box.y},
            {"width", wlr->width},
            {"height", wlr->height},
            {"scale", wlr->scale},
            {"enabled", wlr->enabled},
        });
    }
    return result;
}

// The selections' owners and types and the crossing log; never any content (not even the
// dialog's preview).
json clipboard_state(const Server& server) {
    const clipboard::Mediator& mediator = server.clipboard();
    json selections = json::array();
    for (const auto& selection : mediator.selections()) {
        selections.push_back({
            {"selection", clipboard::to_string(selection.selection)},
            {"owner", std::string(selection.origin.display_name())},
            {"mime_types", selection.mime_types},
        });
    }
    json prompt = nullptr;
    if (const auto shown = mediator.current_prompt()) {
        prompt = {
            {"id", shown->id},
            {"selection", clipboard::to_string(shown->selection)},
            {"from", std::string(shown->from.display_name())},
            {"to", std::string(shown->to.display_name())},
            {"mime_type", shown->mime_type},
            {"size", shown->size ? json(*shown->size) : json(nullptr)},
        };
        auto to_json = [](const wlr_box& box) {
            return json{{"x", box.x}, {"y", box.y}, {"width", box.width}, {"height", box.height}};
        };
        const clipboard::Dialog& dialog = server.clipboard_dialog();
        prompt["dialog"] = to_json(dialog.box());
        prompt["dialog"]["allow"] = to_json(dialog.allow_box());
        prompt["dialog"]["deny"] = to_json(dialog.deny_box());
        prompt["dialog"]["deny_all"] = to_json(dialog.deny_all_box());
    }
    json crossings = json::array();
    for (const clipboard::Crossing& crossing : mediator.log()) {
        crossings.push_back({
            {"time_ms", crossing.unix_ms},
            {"selection", clipboard::to_string(crossing.selection)},
            {"from", std::string(crossing.from.display_name())},
            {"to", std::string(crossing.to.display_name())},
            {"mime_type", crossing.mime_type},
            {"bytes", crossing.bytes},
            {"decision", clipboard::to_string(crossing.decision)},
            {"rule", crossing.rule},
        });
    }
    return json{
        {"selections", selections},
        {"prompt", prompt},
        {"waiting", mediator.pending_count()},
        {"crossings", crossings},
    };
}

} // namespace

void register_control_commands(control::ControlServer& control, Server& server) {
    control.add_command("vms", [&server](const json&) { return list_vms(server); });
    control.add_command("windows", [&server](const json&) { return list_windows(server); });
    control.add_command("outputs", [&server](const json&) { return list_outputs(server); });
    control.add_command("clipboard", [&server](const json&) { return clipboard_state(server); });
    control.add_command("idle", [&server](const json&) {
        json inhibitors = json::array();
        for (const Idle::Inhibitor& inhibitor : server.idle().inhibitors()) {
            inhibitors.push_back({{"vm", inhibitor.origin},
                                  {"title", inhibitor.title},
                                  {"active", inhibitor.active}});
        }
        return json{{"inhibited", server.idle().inhibited()}, {"inhibitors", inhibitors}};
    });
    control.add_command("reload", [&server](const json&) {
        std::vector<std::string> errors;
        if (!server.reload(&errors)) {
            control::CommandError error("configuration rejected; the running one stays");
            error.details = std::move(errors);
            throw error;
        }
        return json{{"vms", server.config().vms.size()}};
    });
    control.add_command("lock", [&server](const json&) {
        server.lock_session();
        return json{{"state", SessionLock::state_name(server.session_lock().state())}};
    });
    control.add_command("quit", [&server](const json&) {
        server.quit();
        return json::object();
    });
}

} // namespace prism
