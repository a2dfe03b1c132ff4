// Where a Wayland client came from: the host, or one VM.
//
// A client's origin is decided once, when the client is created, from the socket (or, later,
// the virtio-wl context) it arrived on; never from anything the client says.
#pragma once

#include <string>
#include <string_view>

namespace prism::origins {

class Origin {
public:
    enum class Kind {
        Host,    // a trusted host tool, from the host's wayland-N socket
        Vm,      // a client of the VM named vm_name()
        Unknown, // not attributed (never expected): every policy treats it as the most hostile
    };

    static Origin host() { return Origin{Kind::Host, {}}; }
    static Origin vm(std::string name) { return Origin{Kind::Vm, std::move(name)}; }
    static Origin unknown() { return Origin{Kind::Unknown, {}}; }

    Kind kind() const { return kind_; }
    bool is_host() const { return kind_ == Kind::Host; }
    bool is_vm() const { return kind_ == Kind::Vm; }
    // The VM's name; empty unless is_vm().
    const std::string& vm_name() const { return vm_; }
    // "host", the VM's name, or "unknown": what prismctl and the logs show.
    std::string_view display_name() const {
        switch (kind_) {
        case Kind::Host:
            return "host";
        case Kind::Vm:
            return vm_;
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
};

} // namespace prism::origins
