#include "config/config.hpp"
#include "config/toml_util.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <system_error>

namespace prism::config {

namespace {

namespace fs = std::filesystem;

void file_error(std::vector<Error>& errors, const fs::path& file, std::string message) {
    errors.push_back(Error{file.string(), 0, 0, "", std::move(message)});
}

// The whole file, or nullopt after reporting why it could not be read.
std::optional<std::string> read_file(const fs::path& file, std::vector<Error>& errors) {
    std::error_code ec;
    if (fs::is_directory(file, ec)) {
        file_error(errors, file, "cannot read: is a directory");
        return std::nullopt;
    }
    std::FILE* stream = std::fopen(file.c_str(), "rb");
    if (stream == nullptr) {
        file_error(errors, file, std::string("cannot read: ") + std::strerror(errno));
        return std::nullopt;
    }
    std::string text;
    char buffer[4096];
    std::size_t count = 0;
    while ((count = std::fread(buffer, 1, sizeof buffer, stream)) > 0) {
        text.append(buffer, count);
    }
    const bool failed = std::ferror(stream) != 0;
    const int read_errno = errno;
    std::fclose(stream);
    if (failed) {
        file_error(errors, file, std::string("cannot read: ") + std::strerror(read_errno));
        return std::nullopt;
    }
    return text;
}

// Whether `path` names something, a dangling symbolic link included. Errors other than "does
// not exist" are reported and count as existing, so that they are not silently ignored.
bool entry_exists(const fs::path& path, std::vector<Error>& errors) {
    std::error_code ec;
    const fs::file_status status = fs::symlink_status(path, ec);
    if (ec && ec != std::errc::no_such_file_or_directory) {
        file_error(errors, path, "cannot access: " + ec.message());
        return false;
    }
    return fs::exists(status);
}

// The vms/*.toml files in file-name order. Hidden files (editor lock files such as
// ".#work.toml") are skipped.
std::vector<fs::path> list_vm_files(const fs::path& vms_dir, std::vector<Error>& errors) {
    std::vector<fs::path> files;
    std::error_code ec;
    fs::directory_iterator it(vms_dir, ec);
    const fs::directory_iterator end;
    for (; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (name.size() > 5 && name.ends_with(".toml") && name[0] != '.') {
            files.push_back(it->path());
        }
    }
    if (ec) {
        file_error(errors, vms_dir, "cannot list directory: " + ec.message());
    }
    std::sort(files.begin(), files.end(),
              [](const fs::path& a, const fs::path& b) { return a.filename() < b.filename(); });
    return files;
}

// Two VMs must not share a name or a socket. The later file (in name order) gets the error.
void check_across_files(const std::vector<VmConfig>& vms, std::vector<Error>& errors) {
    for (std::size_t i = 0; i < vms.size(); ++i) {
        for (std::size_t j = 0; j < i; ++j) {
            if (vms[i].name == vms[j].name) {
                errors.push_back(Error{vms[i].source_file.string(), 0, 0, "name",
                                       "VM name " + detail::quote(vms[i].name) +
                                           " is also used by " + vms[j].source_file.string()});
                break;
            }
        }
        for (std::size_t j = 0; j < i; ++j) {
            if (vms[i].socket == vms[j].socket) {
                errors.push_back(Error{vms[i].source_file.string(), 0, 0, "socket",
                                       "socket " + detail::quote(vms[i].socket.string()) +
                                           " is also used by " + vms[j].source_file.string()});
                break;
            }
        }
        // A [vmbridge] socket is a path like any other: no VM may use it for anything else.
        if (vms[i].vmbridge.enabled && !vms[i].vmbridge.socket.empty()) {
            const fs::path& bridge = vms[i].vmbridge.socket;
            for (std::size_t j = 0; j < vms.size(); ++j) {
                const bool clash = vms[j].socket == bridge || (j < i && vms[j].vmbridge.enabled &&
                                                               vms[j].vmbridge.socket == bridge);
                if (clash) {
                    errors.push_back(Error{vms[i].source_file.string(), 0, 0, "vmbridge.socket",
                                           "socket " + detail::quote(bridge.string()) +
                                               " is also used by " + vms[j].source_file.string()});
                    break;
                }
            }
        }
    }
}

} // namespace

LoadResult load_config_dir(const fs::path& dir, const Environment& env) {
    LoadResult result;
    Config config;
    config.dir = dir;
    config.bindings = default_bindings();

    std::error_code ec;
    if (!entry_exists(dir, result.errors)) {
        if (result.errors.empty()) {
            result.config = std::move(config);
        }
        return result;
    }
    if (!fs::is_directory(dir, ec)) {
        file_error(result.errors, dir, "not a directory");
        return result;
    }

    const fs::path main_file = dir / "prism.toml";
    if (entry_exists(main_file, result.errors)) {
        if (auto text = read_file(main_file, result.errors)) {
            std::vector<Error> errors = parse_main(*text, main_file, config, env);
            result.errors.insert(result.errors.end(), errors.begin(), errors.end());
        }
    }

    const fs::path vms_dir = dir / "vms";
    std::vector<VmConfig> vms;
    if (entry_exists(vms_dir, result.errors)) {
        if (!fs::is_directory(vms_dir, ec)) {
            file_error(result.errors, vms_dir, "not a directory");
        } else {
            for (const fs::path& file : list_vm_files(vms_dir, result.errors)) {
                auto text = read_file(file, result.errors);
                if (!text) {
                    continue;
                }
                VmParseResult parsed = parse_vm(*text, file, env);
                result.errors.insert(result.errors.end(), parsed.errors.begin(),
                                     parsed.errors.end());
                if (parsed.vm) {
                    vms.push_back(std::move(*parsed.vm));
                }
            }
        }
    }
    check_across_files(vms, result.errors);

    if (!result.errors.empty()) {
        return result;
    }
    std::sort(vms.begin(), vms.end(),
              [](const VmConfig& a, const VmConfig& b) { return a.name < b.name; });
    config.vms = std::move(vms);
    result.config = std::move(config);
    return result;
}

} // namespace prism::config
