#include "compositor/shell/layer_shell.hpp"

#include "compositor/output/output.hpp"

#include <array>

namespace prism {

namespace {

// The version wlroots 0.18 implements (on-demand keyboard interactivity is version 4).
constexpr std::uint32_t kLayerShellVersion = 4;

const char* layer_name(std::uint32_t layer) {
    switch (layer) {
    case ZWLR_LAYER_SHELL_V1_LAYER_BACKGROUND:
        return "background";
    case ZWLR_LAYER_SHELL_V1_LAYER_BOTTOM:
        return "bottom";
    case ZWLR_LAYER_SHELL_V1_LAYER_TOP:
        return "top";
    default:
        return "overlay";
    }
}

} // namespace

// One layer surface: its scene node (wlroots' scene helper sizes and places it), the output it
// is on, and its popups' parent (the layer surface's data).
class LayerShell::Surface {
public:
    Surface(LayerShell& shell, wlr_layer_surface_v1* layer, wlr_scene_layer_surface_v1* scene)
        : shell_(shell)
        , layer_(layer)
        , scene_(scene)
        , tree_(scene->tree)
        , output_(layer->output) {
        // Popups of this surface (a panel's menus) go in its tree: Popup::create finds it here.
        layer_->data = tree_;
        commit_.connect(&layer_->surface->events.commit, [this](void*) { handle_commit(); });
        map_.connect(&layer_->surface->events.map, [this](void*) { handle_map(); });
        unmap_.connect(&layer_->surface->events.unmap, [this](void*) {
            mapped_ = false;
            shell_.desktop_.layer_gone(layer_);
            shell_.arrange(output_);
        });
        destroy_.connect(&layer_->events.destroy, [this](void*) { shell_.remove(*this); });
        // A menu the panel opens: an xdg popup made with no parent, given this surface as its
        // parent only now (get_popup), so xdg-shell's new_popup could not place it.
        new_popup_.connect(&layer_->events.new_popup,
                           [this](wlr_xdg_popup* popup) { shell_.new_popup_(popup); });
        output_destroy_.connect(&output_->events.destroy, [this](void*) {
            // The surface goes with its output (the spec's closed event); nothing is arranged on
            // the output that is going.
            output_ = nullptr;
            output_destroy_.disconnect();
            wlr_layer_surface_v1_destroy(layer_);
        });
    }
    ~Surface() {
        // wlroots may have freed the scene node already (it goes with the layer surface): only
        // its address is compared.
        if (layer_->data == tree_) {
            layer_->data = nullptr;
        }
    }
    Surface(const Surface&) = delete;
    Surface& operator=(const Surface&) = delete;

    wlr_layer_surface_v1* layer() const { return layer_; }
    wlr_scene_layer_surface_v1* scene() const { return scene_; }
    wlr_output* output() const { return output_; }
    bool mapped() const { return mapped_; }

private:
    void handle_commit() {
        if (!layer_->initialized) {
            return;
        }
        const std::uint32_t committed = layer_->current.committed;
        if ((committed & WLR_LAYER_SURFACE_V1_STATE_LAYER) != 0) {
            wlr_scene_node_reparent(&scene_->tree->node,
                                    shell_.desktop_.layer_tree(layer_->current.layer));
        }
        if (layer_->initial_commit || committed != 0 || layer_->surface->mapped != mapped_) {
            mapped_ = layer_->surface->mapped;
            shell_.arrange(output_);
        }
    }

    void handle_map() {
        mapped_ = true;
        // A launcher or a panel's menu that takes keys on demand gets them as it appears, if it
        // is above the windows and no other surface holds them exclusively.
        const auto layer = layer_->current.layer;
        if (layer_->current.keyboard_interactive ==
                ZWLR_LAYER_SURFACE_V1_KEYBOARD_INTERACTIVITY_ON_DEMAND &&
            (layer == ZWLR_LAYER_SHELL_V1_LAYER_TOP ||
             layer == ZWLR_LAYER_SHELL_V1_LAYER_OVERLAY)) {
            shell_.desktop_.layer_clicked(layer_);
        }
        shell_.arrange(output_);
    }

    LayerShell& shell_;
    wlr_layer_surface_v1* layer_;
    wlr_scene_layer_surface_v1* scene_;
    wlr_scene_tree* tree_;
    wlr_output* output_;
    bool mapped_ = false;
    Listener<void> commit_, map_, unmap_, destroy_, output_destroy_;
    Listener<wlr_xdg_popup> new_popup_;
};

LayerShell::LayerShell(wl_display* display, Desktop& desktop, const origins::ClientOrigins& origins,
                       std::function<wlr_output*()> default_output,
                       std::function<void(wlr_xdg_popup*)> new_popup)
    : desktop_(desktop)
    , origins_(origins)
    , default_output_(std::move(default_output))
    , new_popup_(std::move(new_popup))
    , shell_(wlr_layer_shell_v1_create(display, kLayerShellVersion)) {
    new_surface_.connect(&shell_->events.new_surface,
                         [this](wlr_layer_surface_v1* layer) { handle_new_surface(layer); });
}

LayerShell::~LayerShell() {
    new_surface_.disconnect();
    surfaces_.clear();
}

void LayerShell::handle_new_surface(wlr_layer_surface_v1* layer) {
    const origins::Origin origin = origins_.origin_of(wl_resource_get_client(layer->resource));
    if (!origin.is_host()) {
        // The global policy never shows a VM this global; should one reach it anyway, it draws
        // nothing outside its frame.
        wlr_log(WLR_ERROR, "%s: a layer surface from a client that is not the host: refused",
                std::string(origin.display_name()).c_str());
        wlr_layer_surface_v1_destroy(layer);
        return;
    }
    if (layer->output == nullptr) {
        layer->output = default_output_();
    }
    if (layer->output == nullptr || layer->output->data == nullptr) {
        wlr_log(WLR_INFO, "layer surface '%s': no output to show it on", layer->namespace_);
        wlr_layer_surface_v1_destroy(layer);
        return;
    }
    wlr_scene_layer_surface_v1* scene =
        wlr_scene_layer_surface_v1_create(desktop_.layer_tree(layer->pending.layer), layer);
    if (scene == nullptr) {
        wlr_layer_surface_v1_destroy(layer);
        return;
    }
    wlr_log(WLR_DEBUG, "layer surface '%s' on %s in the %s layer", layer->namespace_,
            layer->output->name, layer_name(layer->pending.layer));
    surfaces_.push_back(std::make_unique<Surface>(*this, layer, scene));
}

void LayerShell::remove(Surface& surface) {
    wlr_output* output = surface.output();
    desktop_.layer_gone(surface.layer());
    surfaces_.remove_if([&](const auto& candidate) { return candidate.get() == &surface; });
    if (output != nullptr) {
        arrange(output);
    } else {
        update_keyboard();
    }
}

void LayerShell::arrange_all() {
    wlr_output_layout_output* entry;
    wl_list_for_each(entry, &desktop_.layout()->outputs, link) {
        arrange(entry->output);
    }
}

void LayerShell::arrange(wlr_output* wlr_output) {
    auto* output = wlr_output != nullptr ? static_cast<Output*>(wlr_output->data) : nullptr;
    if (output == nullptr) {
        return;
    }
    const wlr_box full = output->box(desktop_.layout());
    if (full.width > 0 && full.height > 0) {
        wlr_box usable = full;
        // Surfaces with an exclusive zone first, from the top layer down, each taking its zone
        // off what is left; then the others, placed within what the zones left (or the whole
        // output when they ask for it with an exclusive zone of -1).
        constexpr std::array kOrder = {
            ZWLR_LAYER_SHELL_V1_LAYER_OVERLAY, ZWLR_LAYER_SHELL_V1_LAYER_TOP,
            ZWLR_LAYER_SHELL_V1_LAYER_BOTTOM, ZWLR_LAYER_SHELL_V1_LAYER_BACKGROUND};
        for (bool exclusive : {true, false}) {
            for (auto layer : kOrder) {
                for (const auto& surface : surfaces_) {
                    wlr_layer_surface_v1* wlr = surface->layer();
                    if (surface->output() != wlr_output || !wlr->initialized ||
                        wlr->current.layer != layer ||
                        (wlr->current.exclusive_zone > 0) != exclusive) {
                        continue;
                    }
                    wlr_scene_layer_surface_v1_configure(surface->scene(), &full, &usable);
                }
            }
        }
        if (output->set_usable_area(full, usable)) {
            wlr_log(WLR_DEBUG, "output %s: usable area %dx%d at %d,%d", wlr_output->name,
                    usable.width, usable.height, usable.x - full.x, usable.y - full.y);
            desktop_.usable_area_changed(wlr_output);
        }
    }
    update_keyboard();
}

void LayerShell::update_keyboard() {
    // The topmost mapped surface above the windows that asks for every key gets them.
    wlr_layer_surface_v1* exclusive = nullptr;
    for (auto layer : {ZWLR_LAYER_SHELL_V1_LAYER_OVERLAY, ZWLR_LAYER_SHELL_V1_LAYER_TOP}) {
        wlr_scene_node* node;
        wl_list_for_each_reverse(node, &desktop_.layer_tree(layer)->children, link) {
            for (const auto& surface : surfaces_) {
                wlr_layer_surface_v1* wlr = surface->layer();
                if (&surface->scene()->tree->node == node && surface->mapped() &&
                    wlr->current.keyboard_interactive ==
                        ZWLR_LAYER_SURFACE_V1_KEYBOARD_INTERACTIVITY_EXCLUSIVE) {
                    exclusive = wlr;
                    break;
                }
            }
            if (exclusive != nullptr) {
                break;
            }
        }
        if (exclusive != nullptr) {
            break;
        }
    }
    wlr_layer_surface_v1* focused = desktop_.focused_layer();
    if (exclusive != nullptr) {
        desktop_.focus_layer(exclusive);
    } else if (focused != nullptr && (focused->current.keyboard_interactive ==
                                          ZWLR_LAYER_SURFACE_V1_KEYBOARD_INTERACTIVITY_EXCLUSIVE ||
                                      focused->current.keyboard_interactive ==
                                          ZWLR_LAYER_SURFACE_V1_KEYBOARD_INTERACTIVITY_NONE)) {
        // It stopped asking for the keys (or is exclusive only below the windows).
        desktop_.focus_layer(nullptr);
    }
}

std::vector<LayerShell::Info> LayerShell::surfaces() const {
    std::vector<Info> result;
    for (const auto& surface : surfaces_) {
        if (!surface->mapped()) {
            continue;
        }
        wlr_layer_surface_v1* wlr = surface->layer();
        int x = 0, y = 0;
        wlr_scene_node_coords(&surface->scene()->tree->node, &x, &y);
        result.push_back(Info{
            wlr->namespace_ != nullptr ? wlr->namespace_ : "",
            wlr->current.layer,
            surface->output() != nullptr ? surface->output()->name : "",
            wlr_box{x, y, static_cast<int>(wlr->current.actual_width),
                    static_cast<int>(wlr->current.actual_height)},
            wlr->current.exclusive_zone,
            static_cast<std::uint32_t>(wlr->current.keyboard_interactive),
        });
    }
    return result;
}

} // namespace prism
