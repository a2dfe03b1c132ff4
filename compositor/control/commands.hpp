// The commands prism answers on its control socket (prismctl vms|windows|outputs|reload|quit).
#pragma once

namespace prism {

class Server;
namespace control {
class ControlServer;
}

void register_control_commands(control::ControlServer& control, Server& server);

} // namespace prism
