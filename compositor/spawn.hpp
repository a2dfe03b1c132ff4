// Starting programs: terminals, `exec` bindings, `--startup` commands and the locker.
#pragma once

#include <string>

namespace prism {

// Runs `command` with /bin/sh -c in a new session, with the signal mask, SIGPIPE and the file
// descriptor limit prism changed for itself restored; logs the pid or why it failed.
void spawn(const std::string& command);

} // namespace prism
