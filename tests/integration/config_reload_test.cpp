// Reloading the configuration: prismctl reload and SIGHUP.
#include "harness.hpp"

#include <csignal>
#include <fstream>
#include <gtest/gtest.h>
#include <sys/stat.h>

namespace prism::test {
namespace {

std::vector<std::string> vm_names(Prism& prism) {
    std::vector<std::string> names;
    for (const auto& vm : prism.ctl("vms")) {
        names.push_back(vm["name"]);
    }
    return names;
}

TEST(ConfigReload, AddsAndRemovesVmsAndTheirSockets) {
    Prism prism({{"work", "#3465a4", {}}, {"personal", "green", {}}});
    struct stat st;
    ASSERT_EQ(stat(prism.vm_socket("personal").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600);
    Child client = prism.client({"weston-simple-shm"}, prism.vm_socket("personal"), "personal");
    ASSERT_TRUE(eventually([&] { return prism.windows_of("personal").size() == 1; }));

    prism.remove_vm("personal");
    prism.write_vm({"untrusted", "red", {}});
    std::string output;
    ASSERT_EQ(prism.ctl_raw({"reload"}, &output), 0) << output;

    EXPECT_EQ(vm_names(prism), (std::vector<std::string>{"untrusted", "work"}));
    EXPECT_FALSE(std::filesystem::exists(prism.vm_socket("personal")));
    EXPECT_TRUE(std::filesystem::exists(prism.vm_socket("untrusted")));
    // The removed VM's client is disconnected, and its window is gone.
    EXPECT_TRUE(eventually([&] { return prism.windows_of("personal").empty(); }));
    EXPECT_TRUE(eventually([&] { return !client.running(); }));
}

TEST(ConfigReload, InvalidConfigIsRejectedWholeAndTheRunningOneStays) {
    Prism prism({{"work", "#3465a4", {}}});
    prism.write_vm({"second", "#00ff00", {}});
    std::ofstream(prism.config_dir() / "vms" / "broken.toml") << "name = \"broken\"\ncolur = 1\n";
    std::string output;
    EXPECT_EQ(prism.ctl_raw({"reload"}, &output), 1);
    EXPECT_NE(output.find("broken.toml"), std::string::npos) << output;
    EXPECT_NE(output.find("colur"), std::string::npos) << output;
    // prism's log says why too, as docs/config.md promises.
    EXPECT_NE(prism.log().find("reload: " + (prism.config_dir() / "vms" / "broken.toml").string()),
              std::string::npos)
        << prism.log();
    // Nothing of the new config applied: not even the valid new VM.
    EXPECT_EQ(vm_names(prism), std::vector<std::string>{"work"});
    EXPECT_FALSE(std::filesystem::exists(prism.vm_socket("second")));
}

TEST(ConfigReload, SighupReloads) {
    Prism prism({{"work", "#3465a4", {}}});
    prism.write_vm({"work", "#cc0000", {}});
    prism.process().signal(SIGHUP);
    EXPECT_TRUE(eventually([&] {
        const auto vms = prism.ctl("vms");
        return vms.size() == 1 && vms[0]["colour"] == "#cc0000";
    }));
}

} // namespace
} // namespace prism::test
