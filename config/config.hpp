// prism's configuration: the global prism.toml and one file per VM in vms/*.toml.
//
// This library knows nothing about wlroots or Wayland: it turns files into plain structs and
// reports every problem it finds with the file, line, key and what is wrong. The compositor
// applies a Config; it never sees a half-valid one.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace prism::config {

struct Colour {
    std::uint8_t r = 0, g = 0, b = 0;

    // "#rrggbb", lower case.
    std::string hex() const;
    bool operator==(const Colour&) const = default;
};

// One problem in one file. `line`/`column` are 1-based; 0 when the problem is about the file
// as a whole (unreadable, a duplicate across files, ...). `key` is the dotted key path
// ("colour", "protocols.allow", "bindings.Super+Q"), empty when there is none.
struct Error {
    std::string file;
    int line = 0;
    int column = 0;
    std::string key;
    std::string message;

    // "FILE:LINE:COLUMN: KEY: MESSAGE" (the position and key parts are left out when absent).
    std::string to_string() const;
};

// What happens when a client pastes data that a client of another origin put on a selection
// (a *crossing*). Pastes within one origin never consult a policy.
enum class PasteDecision {
    Allow, // the paste goes through
    Deny,  // the paste is refused
    Ask,   // prism asks the user with a dialog; no answer within the timeout means Deny
};

// One [clipboard] or [primary] table: the policy of one destination (the host or a VM) for
// pastes INTO it.
struct PastePolicy {
    // Keyed by the source: "*" (any other origin), "host", or a VM name. A name matching no
    // configured VM is allowed (VMs come and go). A source with no entry and no "*" entry gets
    // the built-in default: Ask for the clipboard, Deny for the primary selection.
    std::map<std::string, PasteDecision> paste_from;
    // MIME patterns that may cross: "type/subtype" or "type/*", lower case. Empty = the
    // default set (text of any charset, and image/png).
    std::vector<std::string> mime;
    bool operator==(const PastePolicy&) const = default;
};

// Limits of the clipboard mediation, the same for every origin (prism.toml [clipboard]).
struct ClipboardLimits {
    std::uint64_t max_bytes = 64ull << 20; // largest transfer, 1 .. 1 GiB
    int dialog_timeout_ms = 30000;         // an unanswered dialog denies; 1000 .. 600000
    int transfer_timeout_ms = 10000;       // a stalled transfer is cut off; 100 .. 600000
    bool operator==(const ClipboardLimits&) const = default;
};

// The virtio-wl device inside prism for one VM ([vmbridge] table; docs/vmbridge.md).
enum class VmbridgeTransport {
    Test,      // the seqpacket test transport (docs/vmbridge.md)
    VhostUser, // prism-vhost-wl, a vhost-user wl backend the VMM drives
};

struct VmbridgeConfig {
    bool enabled = false;
    VmbridgeTransport transport = VmbridgeTransport::Test;
    // The transport's socket; absolute. Default (when enabled):
    // $XDG_RUNTIME_DIR/prism-vmbridge-<name>.sock (test) or prism-vhost-wl-<name>.sock
    std::filesystem::path socket;
    // The vhost-user SHMEM protocol-feature bit: 22 (crosvm and QEMU now), 20 or 21 (older
    // crosvm).
    unsigned shmem_protocol_bit = 22;
    // vhost-user: how long prism-vhost-wl keeps watching the rings after activity before it
    // sleeps, in microseconds, 0 .. 1000 (0: it sleeps at once).
    std::uint32_t poll_us = 50;
    std::uint32_t max_vfds = 1024;              // live VFDs, 1 .. 65536
    std::uint64_t max_shm_bytes = 256ull << 20; // shared memory in use, 1 MiB .. 4 GiB
    std::uint32_t max_queued_messages = 256;    // in-queue messages held, 32 .. 65536
    // Names VFD_NEW_CTX_NAMED may ask for (1 to 32 bytes each); all reach prism like the
    // unnamed context. Any other name is refused.
    std::vector<std::string> context_names;
    bool operator==(const VmbridgeConfig&) const = default;
};

// Per-VM budgets ([limits] table of a VM file). Each is a count or a size a hostile VM could
// otherwise grow without bound. A VM at a limit is refused (or its client disconnected) with a
// log line naming the VM and the limit; other VMs never notice. Host clients get the defaults.
// Every key is listed once in kLimitKeys (config/vm.cpp): name, range and field.
struct VmLimits {
    // Largest window, in logical pixels: the window geometry is clipped to it and configures
    // never ask for more. 64 .. 32767 each (the frame's title text must stay below the
    // renderers' 32767 px texture limit).
    std::uint32_t max_window_width = 16384;
    std::uint32_t max_window_height = 6144;
    // Title length kept, in bytes (cut at a UTF-8 boundary). 16 .. 4096.
    std::uint32_t max_title_bytes = 512;
    // Renders of title text per second, all the VM's windows together (a token bucket holding
    // at most frame::TitleBudget::kBurst): the titles changed beyond it are drawn later, the
    // latest of each window. 1 .. 1000.
    std::uint32_t title_renders = 120;
    // xdg-activation tokens the VM's clients may hold at once (1 .. 1024). Creating one more
    // expires the VM's oldest token.
    std::uint32_t max_activation_tokens = 32;
    // Wayland connections (clients) of the VM at once, its socket's and vmbridge's; one more on
    // its socket is closed as soon as it is accepted. 1 .. 4096.
    std::uint32_t connections = 128;
    // The VM's clipboard pastes waiting for an answer or their data, all its clients together;
    // one more is refused. 1 .. 16 (the mediator's own bound across all origins).
    std::uint32_t pending_pastes = 4;
    // MIME types of one selection or drag source set by the VM that prism offers on; the rest
    // are dropped. 1 .. 256 (SelectionBridge::kMaxOffersPerSource). Types longer than 255 bytes
    // are always dropped.
    std::uint32_t mime_types = 64;
    // xdg_toplevel objects (windows, mapped or not) of all the VM's clients at once; the client
    // asking for one more is disconnected (a protocol error). 1 .. 4096.
    std::uint32_t windows = 256;
    // wl_surface objects of all the VM's clients at once (windows, popups, subsurfaces, cursor
    // and drag images); the client creating one more is disconnected. 16 .. 65536.
    std::uint32_t surfaces = 4096;
    // Subsurfaces nested below a root surface: a client whose wl_subcompositor.get_subsurface
    // would make a tree deeper is disconnected. 1 .. 256.
    std::uint32_t max_subsurface_depth = 32;
    // Popups nested in a chain (a popup of a popup of ... a window): a client whose popup would
    // make a longer chain is disconnected. 1 .. 256.
    std::uint32_t max_popup_depth = 64;
    // Largest cursor image a client of the VM may set, in pixels each way, its hotspot inside
    // it; a larger one shows the default arrow instead. 16 .. 1024.
    std::uint32_t max_cursor_size = 256;
    // Drag icons of the VM's drags are clipped to this square, in pixels, from the pointer down
    // and right. 16 .. 2048.
    std::uint32_t max_drag_icon_size = 256;
    bool operator==(const VmLimits&) const = default;
};

// When a VM's idle inhibitors (idle-inhibit-unstable-v1: a video player keeping the screen on)
// take effect.
enum class IdleInhibit {
    WhileVisible, // only while the inhibiting window is mapped (shown), and never under the lock
    Never,        // never: the VM cannot keep the screen on
};

struct VmConfig {
    std::string name;  // unique, [a-z0-9-]+, at most 32 characters
    std::string label; // shown to the user; defaults to name
    Colour colour;
    std::filesystem::path socket; // absolute; default $XDG_RUNTIME_DIR/wayland-vm-<name>
    // Interface names of host-only globals this VM may nevertheless see ([protocols] allow).
    std::vector<std::string> allowed_globals;
    std::filesystem::path source_file; // the vms/*.toml it came from
    // Whether the VM's windows may go fullscreen; if not, a fullscreen request maximizes.
    // Even when allowed, an edge in the VM's colour stays visible and the label is shown on
    // entry.
    bool allow_fullscreen = false;
    // idle_inhibit: whether the VM's windows may keep the screen from blanking and locking.
    IdleInhibit idle_inhibit = IdleInhibit::WhileVisible;
    // Pastes into this VM of what another origin put on the clipboard / primary selection
    // ([clipboard] and [primary] tables). Defaults: ask for the clipboard; deny for the primary
    // selection (a stray middle click must neither cross silently nor pop up a dialog).
    PastePolicy clipboard{.paste_from = {{"*", PasteDecision::Ask}}};
    PastePolicy primary{.paste_from = {{"*", PasteDecision::Deny}}};
    VmbridgeConfig vmbridge;
    VmLimits limits;

    bool operator==(const VmConfig&) const = default;
};

struct KeyboardConfig {
    std::string rules, model, layout, variant, options; // empty = xkbcommon default
    int repeat_rate = 25;                               // keys per second
    int repeat_delay = 600;                             // milliseconds
    bool operator==(const KeyboardConfig&) const = default;
};

struct CursorConfig {
    std::string theme; // empty = default theme
    int size = 24;
    bool operator==(const CursorConfig&) const = default;
};

// [[output]] entries; `name` is an output name ("HDMI-A-1", "HEADLESS-1") or "*" for all.
// The first entry whose name matches an output applies to it.
struct OutputConfig {
    std::string name;
    std::optional<double> scale;    // 0.5 .. 4
    std::optional<int> cursor_size; // overrides cursor.size on this output
    std::optional<int> x, y;        // layout position; default: left to right
    bool operator==(const OutputConfig&) const = default;
};

// How many outputs, and of which size, the headless backend creates ([headless] table).
struct HeadlessConfig {
    int outputs = 1;
    int width = 1280;
    int height = 720;
    bool operator==(const HeadlessConfig&) const = default;
};

// The rule deciding whether a newly mapped window takes keyboard focus ([focus] table).
enum class NewWindowFocus {
    Always, // every new window takes focus
    Never,  // new windows never take focus (they are marked as wanting attention)
    Smart,  // focus if nothing is focused, the focused window has the same origin, or no key
            // was pressed during the last `typing_grace_ms`; otherwise mark as wanting attention
};

struct FocusConfig {
    NewWindowFocus new_window = NewWindowFocus::Smart;
    int typing_grace_ms = 1000;
    bool operator==(const FocusConfig&) const = default;
};

enum class Action {
    Terminal,     // spawn general.terminal
    Exec,         // spawn `argument` with /bin/sh -c
    Close,        // ask the focused window to close
    CycleWindows, // focus and raise the next window (Alt+Tab)
    Fullscreen,   // toggle fullscreen of the focused window
    Maximize,     // toggle maximize of the focused window
    Reload,       // re-read the configuration
    Quit,         // leave prism
    XRay,         // while held: tint every window with its VM's colour and show its label
    Lock,         // lock the session (ext-session-lock) and start general.locker
};

struct Binding {
    std::uint32_t modifiers = 0; // bit set of Modifier
    std::string key;             // xkb keysym name as written, e.g. "Return", "q", "Tab"
    Action action = Action::Close;
    std::string argument; // the command for Action::Exec
    bool operator==(const Binding&) const = default;
};

// Modifier bits, equal to wlroots' WLR_MODIFIER_* values so the compositor can compare directly.
enum Modifier : std::uint32_t {
    ModShift = 1 << 0,
    ModCtrl = 1 << 2,
    ModAlt = 1 << 3,
    ModSuper = 1 << 6,
};

// Window decorations ([frame] table).
struct FrameConfig {
    std::string font = "sans 10"; // Pango font description of the title bar text
    int border = 4;               // border width on all four sides, logical pixels, 1 .. 32
    bool operator==(const FrameConfig&) const = default;
};

// How host windows are decorated ([host] table). Their border is two-tone: the outer half in
// `colour`, the inner half in `accent`; a VM border is one solid colour, so no VM colour can
// imitate it.
struct HostFrameConfig {
    Colour colour{0xf2, 0xf2, 0xf2};
    Colour accent{0x20, 0x20, 0x20}; // differs from colour
    std::string label = "host";      // 1 .. 32 characters, no control characters
    bool operator==(const HostFrameConfig&) const = default;
};

// How the windows of host sandboxes (wp_security_context_v1: Flatpak, `waypipe --secctx`) are
// decorated ([sandbox] table): one solid colour like a VM's, and `label: <app id>` in the title.
// Pastes into them follow the VMs' defaults: ask for the clipboard, deny the primary selection
// ([sandbox.clipboard] and [sandbox.primary] change that). `allow` widens the globals they see,
// as a VM file's [protocols] allow does.
struct SandboxConfig {
    Colour colour{0xf5, 0x79, 0x00};
    std::string label = "sandbox"; // 1 .. 32 characters, no control characters
    PastePolicy clipboard{.paste_from = {{"*", PasteDecision::Ask}}};
    PastePolicy primary{.paste_from = {{"*", PasteDecision::Deny}}};
    std::vector<std::string> allowed_globals; // host-only globals every sandbox also sees
    bool operator==(const SandboxConfig&) const = default;
};

struct GeneralConfig {
    std::string terminal = "foot";
    std::string locker = "swaylock"; // started by the `lock` action and `prismctl lock`
    bool operator==(const GeneralConfig&) const = default;
};

struct Config {
    std::filesystem::path dir; // the directory it was loaded from
    GeneralConfig general;
    KeyboardConfig keyboard;
    CursorConfig cursor;
    std::vector<OutputConfig> outputs;
    HeadlessConfig headless;
    FocusConfig focus;
    FrameConfig frame;
    HostFrameConfig host;
    SandboxConfig sandbox;
    std::vector<Binding> bindings; // defaults merged with [bindings]
    std::vector<VmConfig> vms;     // sorted by name
    // Pastes into host clients ([clipboard] and [primary] in prism.toml); same defaults as a
    // VM's.
    PastePolicy host_clipboard{.paste_from = {{"*", PasteDecision::Ask}}};
    PastePolicy host_primary{.paste_from = {{"*", PasteDecision::Deny}}};
    ClipboardLimits clipboard_limits; // also from prism.toml [clipboard]

    const VmConfig* find_vm(std::string_view name) const;
    // The first [[output]] entry matching `output_name` (exact name, then "*"), or nullptr.
    const OutputConfig* output_for(std::string_view output_name) const;
};

// What the loader needs from the environment, passed in so tests control it.
struct Environment {
    std::filesystem::path runtime_dir; // $XDG_RUNTIME_DIR; used for default VM sockets
    // Checks one [protocols] allow entry against the globals the compositor knows: returns why
    // it is not allowed, or nullopt if it is. Unset: only the syntax is checked.
    std::function<std::optional<std::string>(std::string_view interface)> check_allowed_global;
};

struct LoadResult {
    std::optional<Config> config; // set if and only if errors is empty
    std::vector<Error> errors;
};

// Loads `dir`/prism.toml (optional) and every `dir`/vms/*.toml (in name order). A missing
// directory is not an error: it gives the defaults with no VMs. Every problem is collected,
// not just the first.
LoadResult load_config_dir(const std::filesystem::path& dir, const Environment& env);

// The pieces, for tests and for `--check-config`. `file` is used only in error messages.
struct VmParseResult {
    std::optional<VmConfig> vm;
    std::vector<Error> errors;
};
VmParseResult parse_vm(std::string_view text, const std::filesystem::path& file,
                       const Environment& env);

// Parses prism.toml into `config` (which holds the defaults on entry); returns the errors.
// `env` checks [sandbox] allow entries as it checks a VM's [protocols] allow.
std::vector<Error> parse_main(std::string_view text, const std::filesystem::path& file,
                              Config& config, const Environment& env = {});

// The default key bindings, before [bindings] is merged in.
std::vector<Binding> default_bindings();

// Parses "#rrggbb" (either case) or one of the label colour names (red, orange, yellow,
// green, gray, blue, purple, black).
std::optional<Colour> parse_colour(std::string_view text);

// "Super+Shift+E" -> modifiers and key; nullopt with a message in `error` when invalid.
std::optional<Binding> parse_key_combo(std::string_view combo, std::string* error);

// "terminal", "close", "exec firefox", ... -> action and argument.
std::optional<Binding> parse_action(std::string_view text, std::string* error);

bool is_valid_vm_name(std::string_view name);

// Whether `name` is a valid name but may not be a VM's: "host" (the host's own clients) and
// "unknown" (clients prism cannot attribute), which policies and logs use for those origins.
bool is_reserved_origin_name(std::string_view name);

// "allow", "deny" or "ask", as written in the configuration.
std::string_view paste_decision_name(PasteDecision decision);

} // namespace prism::config
