#include "compositor/server.hpp"

#include "compositor/control/commands.hpp"
#include "compositor/control/control_server.hpp"
#include "compositor/control/protocol.hpp"
#include "compositor/fd_limit.hpp"
#include "compositor/model/popup.hpp"
#include "compositor/spawn.hpp"
#include "origins/global_policy.hpp"

#include <cerrno>
#include <csignal>
#include <filesystem>
#include <sys/wait.h>
#include <unistd.h>

namespace prism {

namespace {

bool env_set(const char* name) {
    const char* value = std::getenv(name);
    return value != nullptr && value[0] != '\0';
}

bool has_drm_card() {
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator("/dev/dri", ec)) {
        if (entry.path().filename().string().rfind("card", 0) == 0) {
            return true;
        }
    }
    return false;
}

// Where wlroots' own choice would fail: no parent session to nest in and no GPU to drive.
// There prism runs headless, as for tests and demos.
void choose_headless_if_nothing_else() {
    if (env_set("WLR_BACKENDS") || env_set("WAYLAND_DISPLAY") || env_set("DISPLAY") ||
        has_drm_card()) {
        return;
    }
    wlr_log(WLR_INFO, "no display, no parent session and no GPU: running headless");
    setenv("WLR_BACKENDS", "headless", 1);
    if (!env_set("WLR_RENDERER")) {
        setenv("WLR_RENDERER", "pixman", 1);
    }
}

void find_headless(wlr_backend* backend, void* data) {
    if (wlr_backend_is_headless(backend)) {
        *static_cast<wlr_backend**>(data) = backend;
    }
}

// The headless backend has no input devices of its own. prism makes a keyboard and a pointer:
// without a keyboard many clients refuse to run ("This seat has no keyboard").
void headless_led_update(wlr_keyboard*, std::uint32_t) {
}
const wlr_keyboard_impl kHeadlessKeyboard = {
    .name = "prism-headless-keyboard",
    .led_update = headless_led_update,
};
const wlr_pointer_impl kHeadlessPointer = {
    .name = "prism-headless-pointer",
};

int handle_terminate_signal(int signal, void* data) {
    wlr_log(WLR_INFO, "signal %d: quitting", signal);
    wl_display_terminate(static_cast<wl_display*>(data));
    return 0;
}

int handle_sighup(int, void* data) {
    std::vector<std::string> errors; // reload() logs them
    static_cast<Server*>(data)->reload(&errors);
    return 0;
}

int handle_sigchld(int, void*) {
    while (waitpid(-1, nullptr, WNOHANG) > 0) {
    }
    return 0;
}

} // namespace

config::LoadResult load_and_validate(const std::filesystem::path& dir) {
    const char* runtime = std::getenv("XDG_RUNTIME_DIR");
    config::Environment env;
    env.runtime_dir = runtime != nullptr ? runtime : "";
    env.check_allowed_global = origins::allow_entry_problem;
    return config::load_config_dir(dir, env);
}

Server::Server(config::Config config, Options options)
    : config_(std::move(config))
    , options_(std::move(options)) {
}

std::unique_ptr<Server> Server::create(config::Config config, Options options) {
    std::unique_ptr<Server> server(new Server(std::move(config), std::move(options)));
    if (!server->init()) {
        return nullptr;
    }
    return server;
}

bool Server::init() {
    display_ = wl_display_create();
    loop_ = wl_display_get_event_loop(display_);
    // Each connection buffers at most this much in each direction: room for the largest message
    // the wire format allows (64 KiB), so a malformed one is read whole and refused, and a
    // client that stops reading is disconnected once this much waits for it.
    wl_display_set_default_max_buffer_size(display_, kConnectionBufferBytes);

    // Origins first: every client, from the first, must be attributed when it is created. A
    // sandbox engine's clients are told apart through the security context manager.
    security_context_ = std::make_unique<SecurityContext>(display_);
    origins_ = std::make_unique<origins::ClientOrigins>(display_, security_context_->lookup());
    global_filter_ = std::make_unique<origins::GlobalFilter>(
        display_, *origins_,
        [this](const std::string& vm) -> const std::vector<std::string>& {
            return vms_->allow_list(vm);
        },
        [this]() -> const std::vector<std::string>& { return config_.sandbox.allowed_globals; });
    protocol_errors_ = std::make_unique<ProtocolErrorLog>(display_, *origins_);
    vms_ = std::make_unique<VmManager>(loop_, *origins_);

    choose_headless_if_nothing_else();
    // wlroots' autocreate adds WLR_HEADLESS_OUTPUTS outputs (default 1) of its own; prism adds
    // the ones [headless] asks for once it knows it is headless.
    setenv("WLR_HEADLESS_OUTPUTS", "0", 1);
    backend_ = wlr_backend_autocreate(loop_, &session_);
    if (backend_ == nullptr) {
        wlr_log(WLR_ERROR, "no backend: set WLR_BACKENDS=headless to run without a display");
        return false;
    }
    if (wlr_backend_is_multi(backend_)) {
        wlr_multi_for_each_backend(backend_, find_headless, &headless_);
    } else if (wlr_backend_is_headless(backend_)) {
        headless_ = backend_;
    }

    renderer_ = wlr_renderer_autocreate(backend_);
    if (renderer_ == nullptr && !env_set("WLR_RENDERER")) {
        wlr_log(WLR_INFO, "no GPU renderer; using pixman");
        renderer_ = wlr_pixman_renderer_create();
    }
    if (renderer_ == nullptr) {
        wlr_log(WLR_ERROR, "cannot create a renderer");
        return false;
    }
    // wl_shm, and linux-dmabuf when the renderer can import dmabufs.
    wlr_renderer_init_wl_display(renderer_, display_);
    allocator_ = wlr_allocator_autocreate(backend_, renderer_);
    if (allocator_ == nullptr) {
        wlr_log(WLR_ERROR, "cannot create an allocator");
        return false;
    }

    // VM-safe globals (see origins/global_policy.cpp for the classification).
    wlr_compositor* compositor = wlr_compositor_create(display_, kCompositorVersion, renderer_);
    // Every surface, window and subsurface tree of a VM counts against its [limits].
    surface_budgets_ = std::make_unique<SurfaceBudgets>(
        display_, compositor, *origins_,
        [this](const origins::Origin& origin) { return frame_styles_->limits(origin); });
    wlr_subcompositor_create(display_);
    wlr_data_device_manager_create(display_);
    wlr_primary_selection_v1_device_manager_create(display_);
    wlr_viewporter_create(display_);
    layout_ = wlr_output_layout_create(display_);
    wlr_xdg_output_manager_v1_create(display_, layout_);
    scene_ = wlr_scene_create();
    scene_layout_ = wlr_scene_attach_output_layout(scene_, layout_);
    wlr_presentation_create(display_, backend_); // the scene reports presentation times
    xdg_shell_ = wlr_xdg_shell_create(display_, kXdgShellVersion);
    decorations_ = std::make_unique<Decorations>(display_, *origins_);
    wlr_xdg_activation_v1* activation = wlr_xdg_activation_v1_create(display_);
    wlr_fractional_scale_manager_v1_create(display_, 1); // the scene tells each surface its scale
    wlr_single_pixel_buffer_manager_v1_create(display_);
    xdg_foreign_ = std::make_unique<XdgForeign>(display_, *origins_);

    // Host-only globals: the filter hides them from VMs.
    // No inhibitor is ever activated: prism's bindings always work, for host clients too.
    wlr_keyboard_shortcuts_inhibit_v1_create(display_);
    wlr_screencopy_manager_v1_create(display_);
    wlr_export_dmabuf_manager_v1_create(display_);
    wlr_data_control_manager_v1_create(display_);
    gamma_ = std::make_unique<GammaControl>(display_);
    // ext-idle-notify (host only) and idle-inhibit (every client; see Idle).
    idle_ = std::make_unique<Idle>(display_, *origins_, *vms_);
    wlr_virtual_keyboard_manager_v1* virtual_keyboards =
        wlr_virtual_keyboard_manager_v1_create(display_);
    wlr_virtual_pointer_manager_v1* virtual_pointers =
        wlr_virtual_pointer_manager_v1_create(display_);
    foreign_toplevels_ = std::make_unique<ForeignToplevels>(display_);

    frame_styles_ = std::make_unique<FrameStyles>(config_);
    Desktop::Services services;
    services.scene = scene_;
    services.layout = layout_;
    services.cursor_position = [this](double& x, double& y) {
        seat_->cursor().position(x, y);
    };
    services.begin_interactive = [this](View& view, std::uint32_t edges) {
        seat_->cursor().begin_interactive(view, edges);
    };
    services.fullscreen_allowed = [this](const origins::Origin& origin) {
        return vms_->allows_fullscreen(origin);
    };
    services.loop = loop_;
    services.xdg_shell = xdg_shell_;
    serials_ = std::make_unique<InputSerials>(display_);
    services.serials = serials_.get();
    activation_tokens_ = std::make_unique<ActivationTokens>(
        activation, *origins_, *serials_, [this](const origins::Origin& origin) {
            return frame_styles_->limits(origin).max_activation_tokens;
        });
    services.view_removed = [this](View& view) {
        seat_->cursor().forget(view);
        foreign_toplevels_->forget(view);
    };
    services.view_changed = [this](View& view) {
        foreign_toplevels_->update(view);
        idle_->update();
    };
    // The seat's hooks reach subsystems created after it (the bindings' actions need the lock,
    // which needs the seat).
    Seat::Hooks hooks;
    hooks.run_action = [this](const config::Binding& binding) {
        actions_->run(binding);
    };
    hooks.release_action = [this](config::Action action) {
        actions_->release(action);
    };
    hooks.switch_vt = [this](unsigned vt) {
        return actions_->switch_vt(vt);
    };
    hooks.activity = [this] {
        idle_->activity(seat_->wlr());
    };
    hooks.limits_of = [this](wl_client* client) {
        return frame_styles_->limits(origins_->origin_of(client));
    };
    hooks.cursor_size_of = [this](wlr_output* output) {
        return Output::cursor_size_of(output, config_.cursor.size);
    };
    // One wlr_seat: the Desktop gives it keyboard focus, the Seat feeds it input.
    wlr_seat* seat = wlr_seat_create(display_, "seat0");
    services.seat = seat;
    desktop_ = std::make_unique<Desktop>(services, *frame_styles_, config_.focus);
    foreign_toplevels_->set_desktop(desktop_.get());
    // Host-only: panels, launchers and notifications in the desktop's layer trees.
    layer_shell_ = std::make_unique<LayerShell>(
        display_, *desktop_, *origins_, [this] { return desktop_->output_for(nullptr); },
        [this](wlr_xdg_popup* popup) { handle_new_popup(popup); });
    // The input method's popups (its own tree, made now) above every window and panel.
    input_methods_ = std::make_unique<InputMethodRelay>(display_, seat, scene_, layout_);
    // The overlay is created after the desktop's trees, so it is drawn above every window and
    // popup: prism's dialogs, notices and drag icons.
    overlay_ = wlr_scene_tree_create(&scene_->tree);
    seat_ = std::make_unique<Seat>(seat, layout_, *desktop_, overlay_, input_methods_.get(), hooks);
    cursor_shape_ = std::make_unique<CursorShape>(display_, seat, seat_->cursor());
    pointer_gestures_ =
        std::make_unique<PointerGestures>(display_, seat, seat_->cursor(), seat_->route());
    pointer_constraints_ = std::make_unique<PointerConstraints>(
        display_, seat, seat_->cursor(), layout_, overlay_,
        [this](wl_client* client) { return frame_styles_->of(origins_->origin_of(client)); });
    clipboard_ = std::make_unique<clipboard::Clipboard>(
        display_, loop_, overlay_, *seat_, *desktop_, *origins_, config_, *frame_styles_);
    // The session lock's tree is created last: above the windows and the overlay alike.
    std::vector<wlr_scene_tree*> hidden_while_locked{desktop_->windows_tree(), overlay_,
                                                     input_methods_->popup_tree()};
    for (std::uint32_t layer = 0; layer < 4; ++layer) {
        hidden_while_locked.push_back(desktop_->layer_tree(layer));
    }
    session_lock_ = std::make_unique<SessionLock>(display_, scene_, layout_, *seat_,
                                                  std::move(hidden_while_locked));
    activation_requests_ =
        std::make_unique<ActivationRequests>(activation, *origins_, *serials_, *desktop_, seat);
    BindingActions::ServerActions server_actions;
    server_actions.reload = [this] {
        std::vector<std::string> errors; // reload() logs them
        reload(&errors);
    };
    server_actions.quit = [this] {
        quit();
    };
    actions_ = std::make_unique<BindingActions>(*desktop_, *session_lock_, *pointer_constraints_,
                                                session_, config_, std::move(server_actions));

    new_output_.connect(&backend_->events.new_output,
                        [this](wlr_output* output) { handle_new_output(output); });
    new_input_.connect(&backend_->events.new_input,
                       [this](wlr_input_device* device) { handle_new_input(device); });
    new_toplevel_.connect(&xdg_shell_->events.new_toplevel,
                          [this](wlr_xdg_toplevel* toplevel) { handle_new_toplevel(toplevel); });
    new_popup_.connect(&xdg_shell_->events.new_popup,
                       [this](wlr_xdg_popup* popup) { handle_new_popup(popup); });
    new_virtual_keyboard_.connect(
        &virtual_keyboards->events.new_virtual_keyboard,
        [this](wlr_virtual_keyboard_v1* keyboard) { handle_new_virtual_keyboard(keyboard); });
    new_virtual_pointer_.connect(&virtual_pointers->events.new_virtual_pointer,
                                 [this](wlr_virtual_pointer_v1_new_pointer_event* event) {
                                     handle_new_virtual_pointer(event);
                                 });
    layout_change_.connect(&layout_->events.change, [this](void*) { handle_layout_change(); });

    for (int signal : {SIGINT, SIGTERM}) {
        signal_sources_.push_back(
            wl_event_loop_add_signal(loop_, signal, handle_terminate_signal, display_));
    }
    signal_sources_.push_back(wl_event_loop_add_signal(loop_, SIGHUP, handle_sighup, this));
    signal_sources_.push_back(wl_event_loop_add_signal(loop_, SIGCHLD, handle_sigchld, nullptr));

    seat_->apply_config(config_);
    return true;
}

Server::~Server() {
    if (display_ == nullptr) {
        return;
    }
    control_.reset();
    host_listener_.reset();
    if (vms_) {
        vms_->clear();
    }
    // Clients first, while every object their resources point into is alive; then the idle
    // work their destruction queued.
    wl_display_destroy_clients(display_);
    wl_event_loop_dispatch_idle(loop_);
    actions_.reset();
    activation_requests_.reset();
    // The clipboard goes while the seat and the scene exist: it clears the selections.
    clipboard_.reset();
    session_lock_.reset();
    if (seat_) {
        seat_->forget_input_method();
    }
    input_methods_.reset();
    pointer_constraints_.reset();
    pointer_gestures_.reset();
    cursor_shape_.reset();
    for (wl_event_source* source : signal_sources_) {
        wl_event_source_remove(source);
    }
    // Destroying the backend destroys the outputs, whose handlers still use the desktop and
    // the cursor: it goes before them. prism's own headless input devices go first.
    layout_change_.disconnect();
    destroy_headless_devices();
    if (backend_ != nullptr) {
        wlr_backend_destroy(backend_);
    }
    outputs_.clear();
    // The scene, the cursor and xdg-output all listen for the layout's destruction: it goes
    // while they are still alive.
    if (layout_ != nullptr) {
        wlr_output_layout_destroy(layout_);
        layout_ = nullptr;
    }
    layer_shell_.reset();
    seat_.reset();
    desktop_.reset();
    foreign_toplevels_.reset();
    idle_.reset();
    decorations_.reset();
    gamma_.reset();
    if (scene_ != nullptr) {
        wlr_scene_node_destroy(&scene_->tree.node);
    }
    if (allocator_ != nullptr) {
        wlr_allocator_destroy(allocator_);
    }
    if (renderer_ != nullptr) {
        wlr_renderer_destroy(renderer_);
    }
    protocol_errors_.reset();
    surface_budgets_.reset(); // before the display: it listens to the wlr_compositor
    activation_tokens_.reset();
    serials_.reset();
    xdg_foreign_.reset();
    global_filter_.reset();
    wl_display_destroy(display_);
    vms_.reset();
    origins_.reset();
}

bool Server::start() {
    // wayland-0 .. wayland-32, the first free one, with a lock file as libwayland does; the
    // accept loop is prism's own (VmSocket), with its pause and rate-limited logging.
    const char* runtime_dir = std::getenv("XDG_RUNTIME_DIR");
    if (runtime_dir == nullptr || runtime_dir[0] != '/') {
        wlr_log(WLR_ERROR, "cannot create the host Wayland socket: XDG_RUNTIME_DIR is not set");
        return false;
    }
    for (int n = 0; n <= 32 && !host_listener_; ++n) {
        const std::string name = "wayland-" + std::to_string(n);
        std::string error;
        host_listener_ = origins::VmSocket::create(
            loop_, std::filesystem::path(runtime_dir) / name,
            [this](int fd) { return accept_host_client(fd); }, &error,
            [](const std::string& line) { wlr_log(WLR_ERROR, "host socket %s", line.c_str()); });
        if (host_listener_) {
            host_socket_ = name;
        }
    }
    if (!host_listener_) {
        wlr_log(WLR_ERROR, "cannot create the host Wayland socket in %s", runtime_dir);
        return false;
    }

    std::vector<std::string> errors;
    if (!vms_->apply(config_.vms, &errors)) {
        for (const auto& error : errors) {
            wlr_log(WLR_ERROR, "%s", error.c_str());
        }
        return false;
    }

    const std::filesystem::path control_path = control::default_socket_path();
    if (control_path.empty()) {
        wlr_log(WLR_ERROR, "no control socket path: set XDG_RUNTIME_DIR or PRISM_SOCKET");
        return false;
    }
    control_ = control::ControlServer::create(loop_, control_path);
    if (!control_) {
        return false;
    }
    register_control_commands(*control_, *this);

    if (!wlr_backend_start(backend_)) {
        wlr_log(WLR_ERROR, "cannot start the backend");
        return false;
    }
    add_headless_devices();

    // Children (and only they) talk to the host socket and control socket.
    setenv("WAYLAND_DISPLAY", host_socket_.c_str(), 1);
    setenv("PRISM_SOCKET", control_path.c_str(), 1);

    const char* runtime = std::getenv("XDG_RUNTIME_DIR");
    std::printf("prism %s\n", PRISM_VERSION);
    std::printf("host: WAYLAND_DISPLAY=%s (%s/%s)\n", host_socket_.c_str(),
                runtime != nullptr ? runtime : "", host_socket_.c_str());
    for (const config::VmConfig* vm : vms_->all()) {
        std::printf("vm %s: %s\n", vm->name.c_str(), vm->socket.c_str());
        if (const VmbridgeHost* bridge = vms_->bridge(vm->name)) {
            std::printf("vmbridge %s: %s\n", vm->name.c_str(), bridge->socket().c_str());
        }
    }
    std::printf("control: PRISM_SOCKET=%s\n", control_path.c_str());
    std::fflush(stdout);

    for (const auto& command : options_.startup_commands) {
        spawn(command);
    }
    return true;
}

bool Server::accept_host_client(int fd) {
    // ClientOrigins attributes every client it did not create to the host.
    if (wl_client_create(display_, fd) == nullptr) {
        const int saved = errno;
        close(fd);
        errno = saved;
        return false;
    }
    return true;
}

void Server::add_headless_devices() {
    if (headless_ == nullptr) {
        return;
    }
    for (int i = 0; i < config_.headless.outputs; ++i) {
        wlr_headless_add_output(headless_, static_cast<unsigned>(config_.headless.width),
                                static_cast<unsigned>(config_.headless.height));
    }
    // A keyboard and a pointer, so clients see a seat with both; tests drive them through the
    // host's virtual keyboard and pointer, which the seat and cursor treat alike.
    headless_keyboard_ = std::make_unique<wlr_keyboard>();
    wlr_keyboard_init(headless_keyboard_.get(), &kHeadlessKeyboard, kHeadlessKeyboard.name);
    seat_->add_device(&headless_keyboard_->base);
    headless_pointer_ = std::make_unique<wlr_pointer>();
    wlr_pointer_init(headless_pointer_.get(), &kHeadlessPointer, kHeadlessPointer.name);
    seat_->add_device(&headless_pointer_->base);
}

void Server::destroy_headless_devices() {
    // Finishing a device emits its destroy signal: the seat and cursor let go of it.
    if (headless_keyboard_) {
        wlr_keyboard_finish(headless_keyboard_.get());
        headless_keyboard_.reset();
    }
    if (headless_pointer_) {
        wlr_pointer_finish(headless_pointer_.get());
        headless_pointer_.reset();
    }
}

void Server::run() {
    wl_display_run(display_);
}

void Server::quit() {
    wl_display_terminate(display_);
}

const std::filesystem::path& Server::control_socket() const {
    return control_->path();
}

bool Server::reload(std::vector<std::string>* errors) {
    // Every way of reloading (SIGHUP, the binding, prismctl) logs the same lines.
    auto reject = [errors](const char* why) {
        for (const auto& error : *errors) {
            wlr_log(WLR_ERROR, "reload: %s", error.c_str());
        }
        wlr_log(WLR_ERROR, "reload: %s, keeping the running configuration", why);
        return false;
    };
    config::LoadResult result = load_and_validate(options_.config_dir);
    if (!result.config) {
        for (const auto& error : result.errors) {
            errors->push_back(error.to_string());
        }
        return reject("configuration rejected");
    }
    if (!vms_->apply(result.config->vms, errors)) {
        return reject("VM sockets could not be opened");
    }
    config_ = std::move(*result.config);
    apply_config();
    idle_->update(); // a VM's idle_inhibit may have changed
    wlr_log(WLR_INFO, "reload: configuration applied (%zu VMs)", config_.vms.size());
    return true;
}

void Server::apply_config() {
    desktop_->set_focus_policy(config_.focus);
    clipboard_->apply_config();
    seat_->apply_config(config_);
    for (const auto& output : outputs_) {
        output->configure(config_.output_for(output->name()));
    }
    arrange_outputs();
    seat_->cursor().refresh_image();
    // Changed colours, labels, fonts and borders apply to open windows.
    desktop_->refresh_frames();
}

void Server::arrange_outputs() {
    // Configured positions are honoured; the rest go left to right in the order they came.
    for (const auto& output : outputs_) {
        const config::OutputConfig* config = config_.output_for(output->name());
        if (config != nullptr && config->x && config->y) {
            output->place(layout_, scene_layout_, config->x, config->y);
        } else {
            output->place(layout_, scene_layout_, std::nullopt, std::nullopt);
        }
    }
}

void Server::handle_new_output(wlr_output* wlr_output) {
    if (!wlr_output_init_render(wlr_output, allocator_, renderer_)) {
        wlr_log(WLR_ERROR, "output %s: cannot initialise rendering", wlr_output->name);
        return;
    }
    auto output = std::make_unique<Output>(wlr_output, scene_, [this](Output& gone) {
        outputs_.remove_if([&](const auto& candidate) { return candidate.get() == &gone; });
        desktop_->rescue_offscreen_views();
    });
    if (!output->configure(config_.output_for(wlr_output->name))) {
        return;
    }
    wlr_log(WLR_INFO, "output %s: %dx%d, scale %.2f", wlr_output->name, wlr_output->width,
            wlr_output->height, static_cast<double>(wlr_output->scale));
    outputs_.push_back(std::move(output));
    arrange_outputs();
    seat_->cursor().refresh_image();
}

void Server::handle_new_input(wlr_input_device* device) {
    seat_->add_device(device);
}

void Server::handle_new_virtual_keyboard(wlr_virtual_keyboard_v1* keyboard) {
    const bool host = origins_->origin_of(wl_resource_get_client(keyboard->resource)).is_host();
    seat_->add_device(&keyboard->keyboard.base, true, host);
}

void Server::handle_new_virtual_pointer(wlr_virtual_pointer_v1_new_pointer_event* event) {
    wlr_virtual_pointer_v1* pointer = event->new_pointer;
    const bool host = origins_->origin_of(wl_resource_get_client(pointer->resource)).is_host();
    seat_->add_device(&pointer->pointer.base, false, host);
}

void Server::handle_layout_change() {
    layer_shell_->arrange_all(); // panels first: the usable area they leave is where windows go
    desktop_->rescue_offscreen_views();
    session_lock_->arrange();
    // Warping in place re-places the cursor image on every output of the new layout.
    wlr_cursor* cursor = seat_->cursor().wlr();
    wlr_cursor_warp(cursor, nullptr, cursor->x, cursor->y);
    seat_->cursor().refresh_image();
}

void Server::handle_new_toplevel(wlr_xdg_toplevel* toplevel) {
    if (!surface_budgets_->admit_toplevel(toplevel)) {
        return; // over [limits] windows: its client is disconnected
    }
    wl_client* client = wl_resource_get_client(toplevel->resource);
    desktop_->add_view(toplevel, origins_->origin_of(client));
}

void Server::handle_new_popup(wlr_xdg_popup* popup) {
    const origins::Origin origin = origins_->origin_of(wl_resource_get_client(popup->resource));
    Popup::create(popup, *desktop_, frame_styles_->popup_outline(origin),
                  frame_styles_->size_limit(origin), frame_styles_->limits(origin).max_popup_depth);
}

void Server::lock_session() {
    session_lock_->lock_and_start(config_.general.locker);
}

} // namespace prism
