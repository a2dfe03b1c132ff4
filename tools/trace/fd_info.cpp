#include "tools/trace/fd_info.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

namespace prism::trace {

std::uint64_t fnv1a(const std::string& bytes) {
    std::uint64_t hash = 0xcbf29ce484222325ull;
    for (unsigned char c : bytes) {
        hash = (hash ^ c) * 0x100000001b3ull;
    }
    return hash;
}

void set_content(FdInfo& info, const std::string& bytes, std::uint64_t total_size) {
    info.size = total_size;
    if (bytes.size() != total_size) {
        info.content = FdInfo::Content::Unknown;
    } else if (bytes.find_first_not_of('\0') == std::string::npos) {
        info.content = FdInfo::Content::Zero;
    } else if (bytes.size() <= kMaxStoredBytes) {
        info.content = FdInfo::Content::Bytes;
        info.bytes = bytes;
    } else {
        info.content = FdInfo::Content::Hash;
        info.hash = fnv1a(bytes);
    }
}

FdInfo describe_fd(int fd) {
    FdInfo info;
    struct stat st{};
    if (fstat(fd, &st) != 0) {
        return info;
    }
    if (S_ISFIFO(st.st_mode)) {
        info.kind = FdInfo::Kind::Pipe;
        return info;
    }
    if (!S_ISREG(st.st_mode)) {
        info.kind = FdInfo::Kind::Other;
        return info;
    }
    info.kind = FdInfo::Kind::File;
    const auto size = static_cast<std::uint64_t>(st.st_size);
    info.size = size;
    // Read through a private mapping: pread would do too, but a write-only or sealed memfd
    // may refuse one or the other. Files past 256 MiB are described by size alone.
    if (size == 0 || size > (256u << 20)) {
        if (size == 0) {
            info.content = FdInfo::Content::Zero;
        }
        return info;
    }
    void* data = mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (data == MAP_FAILED) {
        return info;
    }
    set_content(info, std::string(static_cast<const char*>(data), size), size);
    munmap(data, size);
    return info;
}

int make_file(const FdInfo& info, std::uint64_t fallback_size) {
    const std::uint64_t size = info.size.value_or(fallback_size);
    const int fd = memfd_create("prism-trace", MFD_CLOEXEC);
    if (fd < 0) {
        return -1;
    }
    if (ftruncate(fd, static_cast<off_t>(size)) != 0) {
        close(fd);
        return -1;
    }
    if (info.content == FdInfo::Content::Bytes &&
        pwrite(fd, info.bytes.data(), info.bytes.size(), 0) !=
            static_cast<ssize_t>(info.bytes.size())) {
        close(fd);
        return -1;
    }
    return fd;
}

bool is_pipe_write_end(int fd) {
    struct stat st{};
    if (fstat(fd, &st) != 0 || !S_ISFIFO(st.st_mode)) {
        return false;
    }
    const int flags = fcntl(fd, F_GETFL);
    return flags >= 0 && (flags & O_ACCMODE) == O_WRONLY;
}

} // namespace prism::trace
