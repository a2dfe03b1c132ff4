// The compositor: owns the Wayland display, the wlroots backend and every subsystem, in the
// order wlroots needs them created and destroyed. Nothing here is global: tests and main()
// create a Server and run it.
#pragma once

#include "compositor/clipboard/clipboard.hpp"
#include "compositor/frame/decorations.hpp"
#include "compositor/input/activation_requests.hpp"
#include "compositor/input/activation_tokens.hpp"
#include "compositor/input/binding_actions.hpp"
#include "compositor/input/cursor_shape.hpp"
#include "compositor/input/input_method.hpp"
#include "compositor/input/input_serials.hpp"
#include "compositor/input/pointer_constraints.hpp"
#include "compositor/input/pointer_gestures.hpp"
#include "compositor/input/seat.hpp"
#include "compositor/listener.hpp"
#include "compositor/lock/session_lock.hpp"
#include "compositor/model/desktop.hpp"
#include "compositor/model/xdg_foreign.hpp"
#include "compositor/output/gamma.hpp"
#include "compositor/output/output.hpp"
#include "compositor/protocol_error_log.hpp"
#include "compositor/sandbox/security_context.hpp"
#include "compositor/shell/foreign_toplevels.hpp"
#include "compositor/shell/idle.hpp"
#include "compositor/shell/layer_shell.hpp"
#include "compositor/vms/surface_budgets.hpp"
#include "compositor/vms/vm_manager.hpp"
#include "compositor/wlr.hpp"
#include "config/config.hpp"
#include "origins/client_origins.hpp"
#include "origins/global_filter.hpp"

#include <chrono>
#include <filesystem>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace prism {

namespace control {
class ControlServer;
}

class Server {
public:
    // The versions prism implements: wl_compositor 6, xdg_wm_base 6.
    static constexpr std::uint32_t kCompositorVersion = 6;
    static constexpr std::uint32_t kXdgShellVersion = 6;
    static constexpr std::size_t kConnectionBufferBytes = 128 * 1024;

    struct Options {
        std::filesystem::path config_dir;
        std::vector<std::string> startup_commands;
    };

    // Creates the display, backend, renderer and globals. Returns nullptr after logging why.
    static std::unique_ptr<Server> create(config::Config config, Options options);
    ~Server();
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;

    // Opens the sockets, starts the backend and the startup commands. False on failure.
    bool start();
    void run();
    void quit();

    // Re-reads the configuration directory. On any error nothing changes, `errors` lists them
    // and they are logged; on success the new configuration is in effect.
    bool reload(std::vector<std::string>* errors);

    const config::Config& config() const { return config_; }
    const VmManager& vms() const { return *vms_; }
    const Desktop& desktop() const { return *desktop_; }
    const ActivationTokens& activation_tokens() const { return *activation_tokens_; }
    const SurfaceBudgets& surface_budgets() const { return *surface_budgets_; }
    const origins::ClientOrigins& origins() const { return *origins_; }
    const clipboard::Mediator& clipboard() const { return clipboard_->mediator(); }
    const clipboard::Dialog& clipboard_dialog() const { return clipboard_->dialog(); }
    const std::list<std::unique_ptr<Output>>& outputs() const { return outputs_; }
    const LayerShell& layer_shell() const { return *layer_shell_; }
    const Idle& idle() const { return *idle_; }
    // Locks the session with prism's cover at once and starts [general] locker, unless a
    // locker holds the lock already (the `lock` binding, prismctl lock).
    void lock_session();
    const SessionLock& session_lock() const { return *session_lock_; }
    wl_display* display() const { return display_; }
    const std::string& host_socket() const { return host_socket_; }
    const std::filesystem::path& control_socket() const;

private:
    explicit Server(config::Config config, Options options);
    bool init();
    void apply_config();

    void handle_new_output(wlr_output* output);
    void handle_new_input(wlr_input_device* device);
    void handle_new_virtual_keyboard(wlr_virtual_keyboard_v1* keyboard);
    void handle_new_virtual_pointer(wlr_virtual_pointer_v1_new_pointer_event* event);
    void handle_layout_change();
    void handle_new_toplevel(wlr_xdg_toplevel* toplevel);
    void handle_new_popup(wlr_xdg_popup* popup);
    void arrange_outputs();
    // A client connected to the host's wayland-N socket; false (fd closed, errno set) when
    // libwayland could not take it.
    bool accept_host_client(int fd);
    void add_headless_devices();
    void destroy_headless_devices();

    config::Config config_;
    Options options_;

    wl_display* display_ = nullptr;
    wl_event_loop* loop_ = nullptr;
    wlr_backend* backend_ = nullptr;
    wlr_backend* headless_ = nullptr; // the headless sub-backend, when running headless
    wlr_session* session_ = nullptr;  // when running on a TTY
    wlr_renderer* renderer_ = nullptr;
    wlr_allocator* allocator_ = nullptr;
    wlr_scene* scene_ = nullptr;
    wlr_output_layout* layout_ = nullptr;
    wlr_xdg_shell* xdg_shell_ = nullptr;
    std::unique_ptr<Idle> idle_;
    std::unique_ptr<ForeignToplevels> foreign_toplevels_;
    wlr_scene_output_layout* scene_layout_ = nullptr;
    // prism's own keyboard and pointer when headless (the headless backend has none).
    std::unique_ptr<wlr_keyboard> headless_keyboard_;
    std::unique_ptr<wlr_pointer> headless_pointer_;

    std::unique_ptr<origins::ClientOrigins> origins_;
    std::unique_ptr<SecurityContext> security_context_; // its lookup is the origins' sandbox lookup
    std::unique_ptr<origins::GlobalFilter> global_filter_;
    std::unique_ptr<ProtocolErrorLog> protocol_errors_;
    std::unique_ptr<SurfaceBudgets> surface_budgets_; // [limits] surfaces, windows, depth
    std::unique_ptr<InputSerials> serials_;
    std::unique_ptr<ActivationTokens> activation_tokens_;
    std::unique_ptr<Decorations> decorations_;
    std::unique_ptr<GammaControl> gamma_;
    std::unique_ptr<InputMethodRelay> input_methods_;
    std::unique_ptr<FrameStyles> frame_styles_;
    std::unique_ptr<Desktop> desktop_;
    std::unique_ptr<Seat> seat_;
    std::unique_ptr<LayerShell> layer_shell_;
    std::unique_ptr<VmManager> vms_;
    std::unique_ptr<CursorShape> cursor_shape_;
    std::unique_ptr<PointerGestures> pointer_gestures_;
    std::unique_ptr<XdgForeign> xdg_foreign_;
    wlr_scene_tree* overlay_ = nullptr; // prism's own dialogs and notices, above every window
    std::unique_ptr<PointerConstraints> pointer_constraints_;
    std::unique_ptr<clipboard::Clipboard> clipboard_;
    std::unique_ptr<SessionLock> session_lock_; // above the overlay
    std::unique_ptr<ActivationRequests> activation_requests_;
    std::unique_ptr<BindingActions> actions_;
    std::unique_ptr<control::ControlServer> control_;
    std::list<std::unique_ptr<Output>> outputs_;
    std::string host_socket_;
    // The host's wayland-N socket: prism accepts on it itself (not libwayland), so it pauses
    // when out of descriptors and logs that rate-limited, like every other listening socket.
    std::unique_ptr<origins::VmSocket> host_listener_;
    std::vector<wl_event_source*> signal_sources_;

    Listener<wlr_output> new_output_;
    Listener<wlr_input_device> new_input_;
    Listener<wlr_xdg_toplevel> new_toplevel_;
    Listener<wlr_xdg_popup> new_popup_;
    Listener<wlr_virtual_keyboard_v1> new_virtual_keyboard_;
    Listener<wlr_virtual_pointer_v1_new_pointer_event> new_virtual_pointer_;
    Listener<void> layout_change_;
};

// Loads `dir` and checks what the config library cannot: that every [protocols] allow entry
// names a host-only global prism knows. All problems are returned as errors.
config::LoadResult load_and_validate(const std::filesystem::path& dir);

} // namespace prism
