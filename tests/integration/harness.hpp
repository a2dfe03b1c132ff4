// Runs the real prism binary headless in a private runtime directory, with real clients.
//
// Every test gets its own XDG_RUNTIME_DIR and config directory, so tests never see the
// machine's own session (CI runs as root with no XDG_RUNTIME_DIR at all).
#pragma once

#include <chrono>
#include <filesystem>
#include <functional>
#include <initializer_list>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace prism::test {

// A child process with its output captured to a file.
class Child {
public:
    Child() = default;
    Child(std::vector<std::string> argv, const std::map<std::string, std::string>& env,
          std::filesystem::path output);
    Child(Child&& other) noexcept;
    Child& operator=(Child&& other) noexcept;
    ~Child();

    pid_t pid() const { return pid_; }
    bool running();
    void signal(int sig);
    // Waits for exit; returns the wait status, or nullopt on timeout.
    std::optional<int> wait(std::chrono::milliseconds timeout);
    std::string output() const;

private:
    pid_t pid_ = -1;
    std::optional<int> status_;
    std::filesystem::path output_;
};

struct VmSpec {
    std::string name;
    std::string colour;
    std::vector<std::string> allow;
    std::string extra; // more TOML lines for the VM's file (top-level keys)
};

class Prism {
public:
    // Starts prism with these VMs and this prism.toml (a small headless output by default).
    // Throws (failing the test) when prism does not come up.
    // `wrapper` runs prism (e.g. {"prlimit", "--nofile=256:256", "--"}); `env` is set in
    // prism's environment last (e.g. WLR_BACKENDS=wayland and WAYLAND_DISPLAY to run it nested).
    explicit Prism(std::initializer_list<VmSpec> vms, std::string prism_toml = "",
                   std::vector<std::string> extra_args = {}, std::vector<std::string> wrapper = {},
                   const std::map<std::string, std::string>& env = {});
    ~Prism();
    Prism(const Prism&) = delete;
    Prism& operator=(const Prism&) = delete;

    const std::filesystem::path& runtime_dir() const { return runtime_dir_; }
    const std::filesystem::path& config_dir() const { return config_dir_; }
    std::filesystem::path vm_socket(const std::string& vm) const;
    // The host socket as an absolute path (usable as WAYLAND_DISPLAY).
    std::filesystem::path host_socket() const { return runtime_dir_ / host_display_; }

    // Runs `prismctl --json ARGS...` and parses its output; fails the test on a non-zero exit.
    nlohmann::json ctl(const std::string& command);
    // Runs prismctl and returns its exit code, stdout and stderr together.
    int ctl_raw(const std::vector<std::string>& args, std::string* output);

    // Starts a client on `display` (a socket path).
    Child client(const std::vector<std::string>& argv, const std::filesystem::path& display,
                 const std::string& label);

    // Writes a VM file into the config dir (replacing one of the same name).
    void write_vm(const VmSpec& vm);
    void remove_vm(const std::string& name);

    std::string log() const;
    Child& process() { return process_; }
    // Asks prism to quit and checks it exits cleanly (sanitizers abort otherwise).
    void stop();

    // The windows prismctl reports for one origin.
    std::vector<nlohmann::json> windows_of(const std::string& vm);

private:
    std::map<std::string, std::string> client_env(const std::filesystem::path& display) const;

    std::filesystem::path runtime_dir_, config_dir_, output_dir_;
    std::string host_display_;
    Child process_;
    bool stopped_ = false;
};

// Polls `condition` every 50 ms until it holds or `timeout` passes.
bool eventually(const std::function<bool()>& condition,
                std::chrono::milliseconds timeout = std::chrono::seconds(20));

// Runs pointer-client (tests/clients/pointer_client.cpp) with `actions` on the host socket, for
// an output of `size` (the harness's default is 1024x768), and fails the test unless it exits
// cleanly.
void pointer(Prism& prism, const std::vector<std::string>& actions,
             const std::string& size = "1024x768");

// A connected Unix stream socket to `path`, or -1.
int connect_unix(const std::filesystem::path& path);

// Where tests put files a person may want to look at (logs, screenshots).
std::filesystem::path test_output_dir();

} // namespace prism::test
