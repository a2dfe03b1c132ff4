// prism-trace: records Wayland conversations between real clients and prism, and replays them.
//
//   prism-trace record -o FILE [--duration S] [--header 'KEY: VALUE']... -- CMD [ARGS...]
//   prism-trace replay [--timeout S] [--verbose] FILE
//   prism-trace import [-o FILE] [--header 'KEY: VALUE']... WAYLAND_DEBUG_LOG
//   prism-trace check FILE...
//
// Every command takes --protocols DIR|FILE (repeatable) to load more protocol XMLs.
// docs/testing.md describes the trace format and the matching rules.
#include "tools/trace/protocol.hpp"
#include "tools/trace/record.hpp"
#include "tools/trace/replay.hpp"
#include "tools/trace/text_format.hpp"

#include <cctype>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace {

using namespace prism::trace;

const char kUsage[] =
    "usage: prism-trace record -o FILE [--duration S] [--header 'KEY: VALUE']... -- CMD [ARGS...]\n"
    "       prism-trace replay [--timeout S] [--verbose] FILE\n"
    "       prism-trace import [-o FILE] [--header 'KEY: VALUE']... WAYLAND_DEBUG_LOG\n"
    "       prism-trace check FILE...\n"
    "options for every command: --protocols DIR|FILE (more protocol XMLs)\n";

int usage(const std::string& problem) {
    if (!problem.empty()) {
        std::fprintf(stderr, "prism-trace: %s\n", problem.c_str());
    }
    std::fputs(kUsage, stderr);
    return 2;
}

bool parse_seconds(const std::string& text, double* out) {
    char* end = nullptr;
    *out = std::strtod(text.c_str(), &end);
    return end != text.c_str() && *end == '\0' && *out >= 0 && *out < 3600;
}

bool parse_header(const std::string& text, std::vector<std::pair<std::string, std::string>>* out) {
    const size_t colon = text.find(':');
    if (colon == std::string::npos || colon == 0 || text.find(' ') < colon ||
        text.find('\n') != std::string::npos) {
        return false;
    }
    const size_t value = text.find_first_not_of(' ', colon + 1);
    out->emplace_back(text.substr(0, colon), value == std::string::npos ? "" : text.substr(value));
    return true;
}

std::optional<std::string> read_text(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        return std::nullopt;
    }
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

// Keeps the lines of WAYLAND_DEBUG=1 output that are messages, checks that each parses, and
// writes them as a trace.
// Writes object ids as "name@id" where libwayland 1.23 writes "name#id", leaving quoted
// strings as they are.
std::string at_object_ids(std::string line) {
    bool quoted = false;
    for (size_t i = 0; i < line.size(); ++i) {
        if (line[i] == '\\' && quoted) {
            ++i;
        } else if (line[i] == '"') {
            quoted = !quoted;
        } else if (!quoted && line[i] == '#' && i > 0 && i + 1 < line.size() &&
                   std::isdigit(static_cast<unsigned char>(line[i + 1])) &&
                   (std::isalnum(static_cast<unsigned char>(line[i - 1])) || line[i - 1] == '_' ||
                    line[i - 1] == ']')) {
            line[i] = '@';
        }
    }
    return line;
}

int import_log(const std::string& input, const std::string& output,
               const std::vector<std::pair<std::string, std::string>>& header,
               const Protocols& protocols) {
    auto text = read_text(input);
    if (!text) {
        std::fprintf(stderr, "prism-trace import: cannot read %s\n", input.c_str());
        return 2;
    }
    // libwayland 1.23 writes "[time] {Queue name}  -> wl_display#1.sync(new id wl_callback#3)";
    // earlier versions "[time]  -> wl_display@1.sync(new id wl_callback@3)".
    static const std::regex kMessage(
        R"(^(\[[0-9. ]+\]\s*)?(\{[^}]*\}\s*)?(-> )?[A-Za-z_][A-Za-z0-9_]*[@#][0-9]+\.[A-Za-z_][A-Za-z0-9_]*\(.*$)");
    Trace trace;
    trace.header.emplace_back("prism-trace", "1");
    trace.header.emplace_back("imported-from", input);
    for (const auto& entry : header) {
        trace.header.push_back(entry);
    }
    std::istringstream in(*text);
    std::string raw;
    size_t number = 0;
    while (std::getline(in, raw)) {
        ++number;
        if (!raw.empty() && raw.back() == '\r') {
            raw.pop_back();
        }
        if (!std::regex_match(raw, kMessage)) {
            continue;
        }
        auto parsed = parse_line(at_object_ids(raw), protocols);
        if (auto* error = std::get_if<std::string>(&parsed)) {
            std::fprintf(stderr, "prism-trace import: %s:%zu: %s\n", input.c_str(), number,
                         error->c_str());
            return 1;
        }
        trace.lines.push_back(std::get<TraceLine>(parsed));
    }
    const std::string out = format_trace(trace);
    if (output.empty() || output == "-") {
        std::fputs(out.c_str(), stdout);
        return 0;
    }
    std::ofstream file(output);
    file << out;
    return file ? 0 : 1;
}

} // namespace

int main(int argc, char** argv) {
    // Pipes of a paste may lose their reader; a failed write is handled where it happens.
    std::signal(SIGPIPE, SIG_IGN);
    std::vector<std::string> args(argv + 1, argv + argc);
    if (args.empty() || args[0] == "--help" || args[0] == "-h") {
        return usage(args.empty() ? "no command" : "");
    }
    const std::string command = args[0];
    std::vector<std::string> protocol_paths;
    RecordOptions record_options;
    ReplayOptions replay_options;
    std::vector<std::string> positional;
    std::string output;
    size_t i = 1;
    for (; i < args.size(); ++i) {
        const std::string& arg = args[i];
        const bool has_value = i + 1 < args.size();
        if (arg == "--") {
            ++i;
            break;
        }
        if (arg == "--protocols" && has_value) {
            protocol_paths.push_back(args[++i]);
        } else if ((arg == "-o" || arg == "--output") && has_value) {
            output = args[++i];
        } else if (arg == "--duration" && has_value) {
            if (!parse_seconds(args[++i], &record_options.duration)) {
                return usage("bad --duration");
            }
        } else if (arg == "--timeout" && has_value) {
            if (!parse_seconds(args[++i], &replay_options.timeout)) {
                return usage("bad --timeout");
            }
        } else if (arg == "--header" && has_value) {
            if (!parse_header(args[++i], &record_options.header)) {
                return usage("--header takes 'KEY: VALUE'");
            }
        } else if (arg == "--verbose" || arg == "-v") {
            replay_options.verbose = true;
        } else if (!arg.empty() && arg[0] == '-') {
            return usage("unknown option " + arg);
        } else if (command == "record") {
            break; // the command to run, without a "--"
        } else {
            positional.push_back(arg);
        }
    }

    Protocols protocols;
    auto paths = default_protocol_paths();
    paths.insert(paths.end(), protocol_paths.begin(), protocol_paths.end());
    for (const auto& path : paths) {
        for (const auto& error : protocols.load_dir(path)) {
            std::fprintf(stderr, "prism-trace: %s\n", error.c_str());
        }
    }
    if (protocols.find("wl_display") == nullptr) {
        std::fprintf(stderr, "prism-trace: no protocol defines wl_display; is wayland.xml in "
                             "the protocol path or --protocols?\n");
        return 2;
    }

    if (command == "record") {
        record_options.command.assign(args.begin() + static_cast<long>(i), args.end());
        if (output.empty() || record_options.command.empty()) {
            return usage("record needs -o FILE and a command");
        }
        record_options.output = output;
        return record(record_options, protocols);
    }
    positional.insert(positional.end(), args.begin() + static_cast<long>(i), args.end());
    if (command == "replay") {
        if (positional.size() != 1) {
            return usage("replay takes one trace file");
        }
        replay_options.trace = positional[0];
        return replay(replay_options, protocols);
    }
    if (command == "import") {
        if (positional.size() != 1) {
            return usage("import takes one WAYLAND_DEBUG log");
        }
        return import_log(positional[0], output, record_options.header, protocols);
    }
    if (command == "check") {
        if (positional.empty()) {
            return usage("check takes trace files");
        }
        int status = 0;
        for (const auto& file : positional) {
            auto text = read_text(file);
            if (!text) {
                std::fprintf(stderr, "prism-trace check: cannot read %s\n", file.c_str());
                status = 1;
                continue;
            }
            auto parsed = parse_trace(*text, protocols, file);
            if (auto* error = std::get_if<std::string>(&parsed)) {
                std::fprintf(stderr, "prism-trace check: %s\n", error->c_str());
                status = 1;
            }
        }
        return status;
    }
    return usage("unknown command " + command);
}
