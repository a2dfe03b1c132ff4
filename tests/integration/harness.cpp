#include "harness.hpp"

#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <gtest/gtest.h>
#include <sstream>
#include <stdexcept>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace prism::test {

namespace {

std::string env_or_fail(const char* name) {
    const char* value = std::getenv(name);
    if (value == nullptr) {
        ADD_FAILURE() << name << " is not set; run the tests through meson test";
        return "";
    }
    return value;
}

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

std::string sanitize(std::string name) {
    for (char& c : name) {
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') {
            c = '_';
        }
    }
    return name;
}

// This process's environment, as a map to adjust for a child.
std::map<std::string, std::string> inherited_env() {
    std::map<std::string, std::string> env;
    for (char** entry = environ; *entry != nullptr; ++entry) {
        std::string text = *entry;
        auto eq = text.find('=');
        env[text.substr(0, eq)] = eq == std::string::npos ? "" : text.substr(eq + 1);
    }
    return env;
}

} // namespace

int connect_unix(const std::filesystem::path& path) {
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::strncpy(addr.sun_path, path.c_str(), sizeof(addr.sun_path) - 1);
    if (fd < 0 || connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
        if (fd >= 0) {
            close(fd);
        }
        return -1;
    }
    return fd;
}

std::filesystem::path test_output_dir() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::filesystem::path base = std::getenv("PRISM_TEST_OUTPUT") != nullptr
                                     ? std::getenv("PRISM_TEST_OUTPUT")
                                     : std::filesystem::temp_directory_path() / "prism-tests";
    std::filesystem::path dir =
        base / (info != nullptr
                    ? sanitize(std::string(info->test_suite_name()) + "." + info->name())
                    : "unknown");
    std::filesystem::create_directories(dir);
    return dir;
}

bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
        if (condition()) {
            return true;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return condition();
}

void pointer(Prism& prism, const std::vector<std::string>& actions, const std::string& size) {
    std::vector<std::string> argv{std::getenv("POINTER_CLIENT"), size};
    argv.insert(argv.end(), actions.begin(), actions.end());
    Child client = prism.client(argv, prism.host_socket(), "pointer");
    const auto status = client.wait(std::chrono::seconds(20));
    ASSERT_TRUE(status && WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << client.output();
}

Child::Child(std::vector<std::string> argv, const std::map<std::string, std::string>& env,
             std::filesystem::path output)
    : output_(std::move(output)) {
    std::vector<std::string> env_strings;
    for (const auto& [key, value] : env) {
        env_strings.push_back(key + "=" + value);
    }
    // Opened (and truncated) before the fork: whoever reads the output right after this
    // constructor must never see an earlier run's file.
    const int fd = open(output_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    pid_ = fork();
    if (pid_ == 0) {
        dup2(fd, STDOUT_FILENO);
        dup2(fd, STDERR_FILENO);
        int null = open("/dev/null", O_RDONLY);
        dup2(null, STDIN_FILENO);
        setpgid(0, 0);
        std::vector<char*> args, envp;
        for (auto& arg : argv) {
            args.push_back(arg.data());
        }
        args.push_back(nullptr);
        for (auto& entry : env_strings) {
            envp.push_back(entry.data());
        }
        envp.push_back(nullptr);
        execvpe(args[0], args.data(), envp.data());
        _exit(127);
    }
    close(fd);
}

Child::Child(Child&& other) noexcept {
    *this = std::move(other);
}

Child& Child::operator=(Child&& other) noexcept {
    std::swap(pid_, other.pid_);
    std::swap(status_, other.status_);
    std::swap(output_, other.output_);
    return *this;
}

Child::~Child() {
    if (pid_ > 0 && !status_) {
        kill(pid_, SIGKILL);
        wait(std::chrono::seconds(10));
    }
}

bool Child::running() {
    if (pid_ <= 0 || status_) {
        return false;
    }
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
        status_ = status;
        return false;
    }
    return true;
}

void Child::signal(int sig) {
    if (running()) {
        kill(pid_, sig);
    }
}

std::optional<int> Child::wait(std::chrono::milliseconds timeout) {
    eventually([this] { return !running(); }, timeout);
    return status_;
}

std::string Child::output() const {
    return read_file(output_);
}

Prism::Prism(std::initializer_list<VmSpec> vms, std::string prism_toml,
             std::vector<std::string> extra_args, std::vector<std::string> wrapper,
             const std::map<std::string, std::string>& extra_env) {
    char dir_template[] = "/tmp/prism-test-XXXXXX";
    if (mkdtemp(dir_template) == nullptr) {
        throw std::runtime_error("mkdtemp failed");
    }
    runtime_dir_ = dir_template; // mkdtemp makes it 0700, as XDG_RUNTIME_DIR must be
    config_dir_ = runtime_dir_ / "config";
    output_dir_ = test_output_dir();
    std::filesystem::create_directories(config_dir_ / "vms");
    if (prism_toml.empty()) {
        prism_toml = "[headless]\nwidth = 1024\nheight = 768\n";
    }
    std::ofstream(config_dir_ / "prism.toml") << prism_toml;
    for (const auto& vm : vms) {
        write_vm(vm);
    }

    std::map<std::string, std::string> env = inherited_env();
    env.erase("WAYLAND_DISPLAY");
    env.erase("DISPLAY");
    env.erase("PRISM_SOCKET");
    env["XDG_RUNTIME_DIR"] = runtime_dir_;
    env["WLR_BACKENDS"] = "headless";
    env["WLR_RENDERER"] = "pixman";
    env["WLR_LIBINPUT_NO_DEVICES"] = "1";
    for (const auto& [name, value] : extra_env) {
        env[name] = value;
    }
    std::vector<std::string> argv{env_or_fail("PRISM_BIN"), "--config", config_dir_.string(),
                                  "--debug"};
    argv.insert(argv.end(), extra_args.begin(), extra_args.end());
    argv.insert(argv.begin(), wrapper.begin(), wrapper.end());
    process_ = Child(argv, env, output_dir_ / "prism.log");

    const bool ready = eventually([this] {
        return log().find("control: PRISM_SOCKET=") != std::string::npos || !process_.running();
    });
    if (!ready || !process_.running()) {
        stopped_ = true;
        throw std::runtime_error("prism did not start:\n" + log());
    }
    const std::string text = log();
    const std::string marker = "host: WAYLAND_DISPLAY=";
    const auto at = text.find(marker) + marker.size();
    host_display_ = text.substr(at, text.find(' ', at) - at);
}

Prism::~Prism() {
    if (!stopped_) {
        stop();
    }
    std::filesystem::remove_all(runtime_dir_);
}

void Prism::stop() {
    stopped_ = true;
    process_.signal(SIGTERM);
    const auto status = process_.wait(std::chrono::seconds(20));
    ASSERT_TRUE(status.has_value()) << "prism did not exit on SIGTERM";
    EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0)
        << "prism exited with wait status " << *status << "; log in " << output_dir_;
}

std::filesystem::path Prism::vm_socket(const std::string& vm) const {
    return runtime_dir_ / ("wayland-vm-" + vm);
}

std::map<std::string, std::string> Prism::client_env(const std::filesystem::path& display) const {
    std::map<std::string, std::string> env = inherited_env();
    env.erase("DISPLAY");
    env["XDG_RUNTIME_DIR"] = runtime_dir_;
    env["WAYLAND_DISPLAY"] = display;
    env["PRISM_SOCKET"] = runtime_dir_ / "prism-ipc.sock";
    // Sanitizer settings are for prism, not for the clients.
    env.erase("LD_PRELOAD");
    return env;
}

Child Prism::client(const std::vector<std::string>& argv, const std::filesystem::path& display,
                    const std::string& label) {
    return Child(argv, client_env(display), output_dir_ / (sanitize(label) + ".log"));
}

int Prism::ctl_raw(const std::vector<std::string>& args, std::string* output) {
    std::vector<std::string> argv{env_or_fail("PRISMCTL_BIN")};
    argv.insert(argv.end(), args.begin(), args.end());
    const auto path = output_dir_ / "prismctl.out";
    Child child(argv, client_env(host_socket()), path);
    const auto status = child.wait(std::chrono::seconds(20));
    if (output != nullptr) {
        *output = child.output();
    }
    if (!status || !WIFEXITED(*status)) {
        return -1;
    }
    return WEXITSTATUS(*status);
}

nlohmann::json Prism::ctl(const std::string& command) {
    std::string output;
    const int code = ctl_raw({"--json", command}, &output);
    EXPECT_EQ(code, 0) << "prismctl --json " << command << ":\n" << output;
    if (code != 0) {
        return nlohmann::json();
    }
    return nlohmann::json::parse(output, nullptr, false);
}

std::vector<nlohmann::json> Prism::windows_of(const std::string& vm) {
    std::vector<nlohmann::json> result;
    for (const auto& window : ctl("windows")) {
        if (window.value("vm", "") == vm) {
            result.push_back(window);
        }
    }
    return result;
}

void Prism::write_vm(const VmSpec& vm) {
    std::ofstream out(config_dir_ / "vms" / (vm.name + ".toml"));
    out << "name = \"" << vm.name << "\"\ncolour = \"" << vm.colour << "\"\n" << vm.extra << "\n";
    if (!vm.allow.empty()) {
        out << "[protocols]\nallow = [";
        for (size_t i = 0; i < vm.allow.size(); ++i) {
            out << (i ? ", " : "") << '"' << vm.allow[i] << '"';
        }
        out << "]\n";
    }
}

void Prism::remove_vm(const std::string& name) {
    std::filesystem::remove(config_dir_ / "vms" / (name + ".toml"));
}

std::string Prism::log() const {
    return read_file(output_dir_ / "prism.log");
}

} // namespace prism::test
