// Helpers shared by the config tests: a scratch directory and error formatting.
#pragma once

#include "config/config.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace prism::config::testing_util {

// A fresh directory under testing::TempDir(), removed again when the object goes away.
class ScratchDir {
public:
    ScratchDir() {
        std::string pattern = ::testing::TempDir() + "prism-config-XXXXXX";
        char* made = mkdtemp(pattern.data());
        if (made == nullptr) {
            ADD_FAILURE() << "mkdtemp failed for " << pattern;
        }
        path_ = pattern;
    }
    ~ScratchDir() {
        std::error_code ec;
        std::filesystem::permissions(path_, std::filesystem::perms::owner_all,
                                     std::filesystem::perm_options::add, ec);
        std::filesystem::remove_all(path_, ec);
    }
    ScratchDir(const ScratchDir&) = delete;
    ScratchDir& operator=(const ScratchDir&) = delete;

    const std::filesystem::path& path() const { return path_; }

    // Writes `text` to `relative` (creating parent directories) and returns its full path.
    std::filesystem::path write(const std::filesystem::path& relative,
                                const std::string& text) const {
        const std::filesystem::path file = path_ / relative;
        std::filesystem::create_directories(file.parent_path());
        std::ofstream out(file, std::ios::binary);
        out << text;
        return file;
    }

private:
    std::filesystem::path path_;
};

// The errors as "FILE:LINE:COLUMN: KEY: MESSAGE" lines, for readable assertion failures.
inline std::vector<std::string> error_strings(const std::vector<Error>& errors) {
    std::vector<std::string> lines;
    for (const Error& error : errors) {
        lines.push_back(error.to_string());
    }
    return lines;
}

} // namespace prism::config::testing_util
