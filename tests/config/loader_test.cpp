#include "config/config.hpp"
#include "tests/config/test_util.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <unistd.h>

namespace prism::config {
namespace {

using ::testing::ElementsAre;
using testing_util::error_strings;
using testing_util::ScratchDir;

namespace fs = std::filesystem;

const Environment kEnv{"/run/user/1000"};

class LoaderTest : public ::testing::Test {
protected:
    std::string path(const fs::path& relative) const { return (dir_.path() / relative).string(); }

    Config load_ok(const Environment& env = kEnv) const {
        LoadResult result = load_config_dir(dir_.path(), env);
        EXPECT_TRUE(result.errors.empty())
            << ::testing::PrintToString(error_strings(result.errors));
        EXPECT_TRUE(result.config.has_value());
        return result.config.value_or(Config{});
    }

    std::vector<std::string> load_errors(const Environment& env = kEnv) const {
        LoadResult result = load_config_dir(dir_.path(), env);
        EXPECT_FALSE(result.config.has_value());
        return error_strings(result.errors);
    }

    ScratchDir dir_;
};

TEST_F(LoaderTest, MissingDirectoryGivesTheDefaults) {
    const fs::path missing = dir_.path() / "does-not-exist";
    const LoadResult result = load_config_dir(missing, kEnv);
    EXPECT_TRUE(result.errors.empty());
    ASSERT_TRUE(result.config.has_value());
    EXPECT_EQ(result.config->dir, missing);
    EXPECT_EQ(result.config->general.terminal, "foot");
    EXPECT_EQ(result.config->bindings, default_bindings());
    EXPECT_TRUE(result.config->vms.empty());
    EXPECT_TRUE(result.config->outputs.empty());
}

TEST_F(LoaderTest, EmptyDirectoryGivesTheDefaults) {
    const Config config = load_ok();
    EXPECT_EQ(config.dir, dir_.path());
    EXPECT_EQ(config.bindings, default_bindings());
    EXPECT_EQ(config.keyboard, KeyboardConfig{});
    EXPECT_TRUE(config.vms.empty());
}

TEST_F(LoaderTest, MainFileWithoutVms) {
    dir_.write("prism.toml",
               "[general]\nterminal = \"kitty\"\n[bindings]\n\"Super+M\" = \"none\"\n");
    const Config config = load_ok();
    EXPECT_EQ(config.general.terminal, "kitty");
    EXPECT_EQ(config.bindings.size(), default_bindings().size() - 1);
    EXPECT_TRUE(config.vms.empty());
}

TEST_F(LoaderTest, VmsWithoutMainFile) {
    dir_.write("vms/work.toml", "name = \"work\"\ncolour = \"blue\"\n");
    const Config config = load_ok();
    EXPECT_EQ(config.general, GeneralConfig{});
    ASSERT_EQ(config.vms.size(), 1u);
    EXPECT_EQ(config.vms[0].name, "work");
    EXPECT_EQ(config.vms[0].source_file, dir_.path() / "vms/work.toml");
    EXPECT_EQ(config.vms[0].socket, fs::path("/run/user/1000/wayland-vm-work"));
}

TEST_F(LoaderTest, VmsAreSortedByNameAndOnlyTomlFilesAreRead) {
    dir_.write("vms/1.toml", "name = \"zeta\"\ncolour = \"red\"\n");
    dir_.write("vms/2.toml", "name = \"alpha\"\ncolour = \"green\"\n");
    dir_.write("vms/3.toml", "name = \"mid\"\ncolour = \"gray\"\n");
    dir_.write("vms/README", "not toml at all [");
    dir_.write("vms/old.toml.bak", "not toml at all [");
    dir_.write("vms/.hidden.toml", "not toml at all [");
    dir_.write("vms/work.toml~", "not toml at all [");
    fs::create_directories(dir_.path() / "vms/subdir");
    dir_.write("vms/subdir/nested.toml", "not toml at all [");
    const Config config = load_ok();
    ASSERT_EQ(config.vms.size(), 3u);
    EXPECT_EQ(config.vms[0].name, "alpha");
    EXPECT_EQ(config.vms[1].name, "mid");
    EXPECT_EQ(config.vms[2].name, "zeta");
    ASSERT_NE(config.find_vm("mid"), nullptr);
    EXPECT_EQ(config.find_vm("mid")->colour.hex(), "#555753");
}

TEST_F(LoaderTest, ErrorsFromEveryFileAreCollected) {
    dir_.write("prism.toml", "[cursor]\nsize = 1\n");
    dir_.write("vms/a.toml", "name = \"a\"\ncolour = \"blu\"\n");
    dir_.write("vms/b.toml", "name = \"b\"\ncolour = \"red\"\n");
    dir_.write("vms/c.toml", "name = \"c\"\n[protocols]\nallow = [1]\n");
    EXPECT_THAT(
        load_errors(),
        ElementsAre(path("prism.toml") +
                        ":2:8: cursor.size: expected an integer from 8 to 256, got 1",
                    path("vms/a.toml") +
                        ":2:10: colour: expected #rrggbb or a colour name (red, orange, yellow, "
                        "green, gray, blue, purple, black), got \"blu\"",
                    path("vms/c.toml") + ": colour: missing required key 'colour'",
                    path("vms/c.toml") + ":3:10: protocols.allow: expected a string, got an "
                                         "integer"));
}

TEST_F(LoaderTest, SyntaxErrorInOneVmFile) {
    dir_.write("vms/a.toml", "name = \"a\"\ncolour = \"red\n");
    const LoadResult result = load_config_dir(dir_.path(), kEnv);
    EXPECT_FALSE(result.config.has_value());
    ASSERT_EQ(result.errors.size(), 1u);
    EXPECT_EQ(result.errors[0].file, path("vms/a.toml"));
    EXPECT_EQ(result.errors[0].line, 2);
    EXPECT_GT(result.errors[0].column, 0);
}

TEST_F(LoaderTest, DuplicateNameAcrossFiles) {
    dir_.write("vms/a.toml", "name = \"work\"\ncolour = \"red\"\nsocket = \"/run/a\"\n");
    dir_.write("vms/b.toml", "name = \"work\"\ncolour = \"blue\"\nsocket = \"/run/b\"\n");
    EXPECT_THAT(load_errors(),
                ElementsAre(path("vms/b.toml") + ": name: VM name \"work\" is also used by " +
                            path("vms/a.toml")));
}

TEST_F(LoaderTest, DuplicateSocketAcrossFiles) {
    dir_.write("vms/a.toml", "name = \"a\"\ncolour = \"red\"\nsocket = \"/run/vm.sock\"\n");
    dir_.write("vms/b.toml", "name = \"b\"\ncolour = \"red\"\nsocket = \"/run//vm.sock\"\n");
    dir_.write("vms/c.toml", "name = \"c\"\ncolour = \"red\"\n");
    // The default socket of "c" clashes with an explicit one.
    dir_.write("vms/d.toml",
               "name = \"d\"\ncolour = \"red\"\nsocket = \"/run/user/1000/wayland-vm-c\"\n");
    EXPECT_THAT(
        load_errors(),
        ElementsAre(path("vms/b.toml") + ": socket: socket \"/run/vm.sock\" is also used by " +
                        path("vms/a.toml"),
                    path("vms/d.toml") +
                        ": socket: socket \"/run/user/1000/wayland-vm-c\" is also used by " +
                        path("vms/c.toml")));
}

TEST_F(LoaderTest, MissingRuntimeDirIsAnErrorPerVmWithoutSocket) {
    dir_.write("vms/a.toml", "name = \"a\"\ncolour = \"red\"\n");
    dir_.write("vms/b.toml", "name = \"b\"\ncolour = \"red\"\nsocket = \"/run/b\"\n");
    dir_.write("vms/c.toml", "name = \"c\"\ncolour = \"red\"\n");
    EXPECT_THAT(
        load_errors(Environment{}),
        ElementsAre(path("vms/a.toml") + ": socket: no socket given and XDG_RUNTIME_DIR is unset",
                    path("vms/c.toml") + ": socket: no socket given and XDG_RUNTIME_DIR is unset"));
}

TEST_F(LoaderTest, DanglingSymlinkIsUnreadable) {
    fs::create_directories(dir_.path() / "vms");
    fs::create_symlink(dir_.path() / "nowhere.toml", dir_.path() / "vms/gone.toml");
    EXPECT_THAT(load_errors(),
                ElementsAre(path("vms/gone.toml") + ": cannot read: No such file or directory"));
}

TEST_F(LoaderTest, DirectoryInsteadOfAFile) {
    fs::create_directories(dir_.path() / "prism.toml");
    fs::create_directories(dir_.path() / "vms/odd.toml");
    EXPECT_THAT(load_errors(), ElementsAre(path("prism.toml") + ": cannot read: is a directory",
                                           path("vms/odd.toml") + ": cannot read: is a directory"));
}

TEST_F(LoaderTest, FileWithoutReadPermission) {
    if (geteuid() == 0) {
        GTEST_SKIP() << "root can read anything";
    }
    const fs::path file = dir_.write("vms/secret.toml", "name = \"a\"\ncolour = \"red\"\n");
    fs::permissions(file, fs::perms::none);
    EXPECT_THAT(load_errors(),
                ElementsAre(path("vms/secret.toml") + ": cannot read: Permission denied"));
}

TEST_F(LoaderTest, ConfigPathIsAFile) {
    const fs::path file = dir_.write("not-a-dir", "");
    const LoadResult result = load_config_dir(file, kEnv);
    EXPECT_FALSE(result.config.has_value());
    EXPECT_THAT(error_strings(result.errors), ElementsAre(file.string() + ": not a directory"));
}

TEST_F(LoaderTest, VmsIsAFile) {
    dir_.write("vms", "");
    EXPECT_THAT(load_errors(), ElementsAre(path("vms") + ": not a directory"));
}

TEST_F(LoaderTest, BindingsFromTheFileAreMergedOverTheDefaults) {
    dir_.write("prism.toml", "[bindings]\n\"Super+Return\" = \"exec foot\"\n");
    const Config config = load_ok();
    ASSERT_EQ(config.bindings.size(), default_bindings().size());
    EXPECT_EQ(config.bindings[0], (Binding{ModSuper, "Return", Action::Exec, "foot"}));
}

} // namespace
} // namespace prism::config
