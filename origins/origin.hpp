// Where a Wayland client came from: the host, one VM, or a host sandbox.
//
// A client's origin is decided from the socket (or the virtio-wl context) it arrived on, never
// from anything the client says. A sandbox is a host sandbox engine's listening socket
// (wp_security_context_v1, e.g. Flatpak's): its clients are not trusted like the host's.
#pragma once

#include <string>
#include <string_view>

namespace prism::origins {

class Origin {
public:
    enum class Kind {
        Host,    // a trusted host tool, from the host's wayland-N socket
        Vm,      // a client of the VM named vm_name()
        Sandbox, // a client of a host sandbox engine's security context
        Unknown, // not attributed (never expected): every policy treats it as the most hostile
    };

    // What a sandbox engine said of a security context when it created it (each may be empty).
    struct Sandbox {
        std::string engine, app_id, instance_id;
        bool operator==(const Sandbox&) const = default;
    };

    static Origin host() { return Origin{Kind::Host, {}}; }
    static Origin vm(std::string name) { return Origin{Kind::Vm, std::move(name)}; }
    static Origin unknown() { return Origin{Kind::Unknown, {}}; }
    // Its name is "sandbox:<engine>:<app id>:<instance id>": distinct for each instance, and
    // never a VM's name (those have no ':').
    static Origin sandbox(Sandbox sandbox) {
        Origin origin{Kind::Sandbox, {}};
        origin.name_ =
            "sandbox:" + sandbox.engine + ":" + sandbox.app_id + ":" + sandbox.instance_id;
        origin.sandbox_ = std::move(sandbox);
        return origin;
    }

    Kind kind() const { return kind_; }
    bool is_host() const { return kind_ == Kind::Host; }
    bool is_vm() const { return kind_ == Kind::Vm; }
    bool is_sandbox() const { return kind_ == Kind::Sandbox; }
    // What the sandbox engine said; empty unless is_sandbox().
    const Sandbox& sandbox() const { return sandbox_; }
    // The VM's name; empty unless is_vm().
    const std::string& vm_name() const { return vm_; }
    // "host", the VM's name, the sandbox's name, or "unknown": what prismctl, the logs and the
    // clipboard policies' paste_from keys use.
    std::string_view display_name() const {
        switch (kind_) {
        case Kind::Host:
            return "host";
        case Kind::Vm:
            return vm_;
        case Kind::Sandbox:
            return name_;
        case Kind::Unknown:
            break;
        }
        return "unknown";
    }

    bool operator==(const Origin&) const = default;

private:
    Origin(Kind kind, std::string vm)
        : kind_(kind)
        , vm_(std::move(vm)) {}
    Kind kind_;
    std::string vm_;
    std::string name_;  // a sandbox's display name
    Sandbox sandbox_{}; // a sandbox's identity
};

} // namespace prism::origins
