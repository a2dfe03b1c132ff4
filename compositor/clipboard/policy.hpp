// Who may paste what: the clipboard and primary selection policy between origins.
//
// prism keeps one clipboard selection and one primary selection and records which origin (the
// host or one VM) set each. A paste by a client of origin B of a selection set by origin A != B
// is a *crossing*; the policy of the destination B decides whether it is allowed, denied, or
// asked (a dialog prism draws). These functions are pure, so they can be tested without a
// compositor.
//
// Origins are named as prism shows them (origins::Origin::display_name()): "host", a VM's
// name, or "unknown" for a client prism cannot attribute. The configuration reserves "host"
// and "unknown", so no VM can be mistaken for either.
#pragma once

#include "config/config.hpp"
#include "origins/origin.hpp"

#include <string>
#include <string_view>

namespace prism::clipboard {

enum class Selection {
    Clipboard, // wl_data_device: Ctrl+C / Ctrl+V
    Primary,   // zwp_primary_selection: select / middle click
    Drag,      // wl_data_device drag and drop: decided by the [clipboard] policy
};

// The policy table of pastes into `destination` for `selection`, from the running `config`:
// the host's ([clipboard]/[primary] in prism.toml), the sandboxes' ([sandbox]) or the VM's
// (its file). Null for an origin with none (unknown, or a VM no longer configured): deny.
const config::PastePolicy* policy_of(const config::Config& config,
                                     const origins::Origin& destination, Selection selection);

// Decides a paste into `destination` of data set by `source`, given the destination's policy
// for `selection` (its [clipboard] or [primary] table):
// - "unknown" (or an empty name) on either side: Deny, always;
// - the same origin: Allow, without consulting the policy;
// - otherwise paste_from[source], else paste_from["*"], else the built-in default: Ask for the
//   clipboard and drag and drop, Deny for the primary selection.
config::PasteDecision decide(const config::PastePolicy& destination_policy, Selection selection,
                             std::string_view source, std::string_view destination);

// Whether `mime_type`, as offered by the source, may cross into a destination with this policy:
// it must match one of policy.mime, or when that is empty the default set (text/plain with any
// charset, every other text/*, and image/png). The type/subtype part is matched
// case-insensitively; parameters after ';' are ignored. The X11 text targets UTF8_STRING,
// STRING and TEXT count as text/plain. Malformed types (no type/subtype, a wildcard, control or
// non-ASCII characters, longer than 255 bytes) never cross.
bool mime_allowed(const config::PastePolicy& destination_policy, std::string_view mime_type);

// One line for logs and prismctl saying which rule decide() applied: "paste_from.work = deny",
// "paste_from.* = ask", "default: ask", "same origin: allow", "unknown origin: deny".
std::string describe_rule(const config::PastePolicy& destination_policy, Selection selection,
                          std::string_view source, std::string_view destination);

} // namespace prism::clipboard
