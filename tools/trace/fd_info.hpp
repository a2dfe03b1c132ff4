// What a trace records of a file descriptor, and how the replayer makes one from that record.
//
// A regular file (shm pool, keymap, format table) is recorded with its size and content: "zero"
// when every byte is 0, the bytes themselves up to kMaxStoredBytes, else an FNV-1a hash. A pipe
// is recorded with the bytes that went through it (the recorder interposes its own pipe).
#pragma once

#include "tools/trace/message.hpp"

namespace prism::trace {

constexpr size_t kMaxStoredBytes = 4096;

std::uint64_t fnv1a(const std::string& bytes);

// Fills size and content from bytes that went through a pipe or were read from a file.
void set_content(FdInfo& info, const std::string& bytes, std::uint64_t total_size);

// Looks at `fd` without changing it: its kind, and for a regular file its size and content.
FdInfo describe_fd(int fd);

// A new memfd with the recorded size and content (zeros where only a hash is known, or where
// nothing is known but `fallback_size`). Returns -1 on failure.
int make_file(const FdInfo& info, std::uint64_t fallback_size);

// True if `fd` is a pipe end opened for writing.
bool is_pipe_write_end(int fd);

} // namespace prism::trace
