// How many file descriptors prism may hold.
//
// Every client costs prism a few descriptors, and a VM's virtio-wl contexts and pipes several
// each (docs/vmbridge.md), so the common soft limit of 1024 could be reached by one busy or
// hostile VM, and then no one could connect. prism raises its soft limit to the hard limit at
// start, and gives the programs it starts the original one back (many still use select()).
#pragma once

namespace prism {

// Raises the soft RLIMIT_NOFILE to the hard limit, remembering the original.
void raise_fd_limit();
// In a child between fork and exec: the original soft limit again.
void restore_fd_limit();

} // namespace prism
