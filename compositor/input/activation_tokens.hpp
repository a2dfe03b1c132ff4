// A budget of xdg-activation tokens per origin ([limits] max_activation_tokens).
//
// wlroots keeps every committed token in one list for 30 s and looks each activation up by
// walking it: a VM making tokens as fast as it can would grow prism's memory and slow every
// other client's activation. Each token is counted against the origin of the client that
// committed it; one beyond the origin's limit expires its oldest token (which can then no
// longer activate anything). Bookkeeping is O(1) per token; wlroots' own list is bounded by
// the sum of the limits.
#pragma once

#include "compositor/input/input_serials.hpp"
#include "compositor/listener.hpp"
#include "compositor/wlr.hpp"
#include "origins/client_origins.hpp"
#include "origins/origin.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <string>

namespace prism {

class ActivationTokens {
public:
    // `limit_of` gives an origin's max_activation_tokens (looked up on each new token, so a
    // reload applies at once).
    ActivationTokens(wlr_xdg_activation_v1* activation, const origins::ClientOrigins& origins,
                     const InputSerials& serials,
                     std::function<std::uint32_t(const origins::Origin&)> limit_of);
    ~ActivationTokens();
    ActivationTokens(const ActivationTokens&) = delete;
    ActivationTokens& operator=(const ActivationTokens&) = delete;

    // Live tokens of that origin ("host", a VM's name, "unknown").
    std::size_t count(const std::string& origin) const;
    // Tokens expired early because their origin was at its limit, since prism started.
    std::uint64_t evicted(const std::string& origin) const;

private:
    struct Entry;
    struct Budget {
        std::list<std::unique_ptr<Entry>> tokens; // oldest first
        std::uint64_t evicted = 0;
        std::chrono::steady_clock::time_point last_log{};
        bool logged = false;
    };
    struct Entry {
        wlr_xdg_activation_token_v1* token = nullptr;
        Budget* budget = nullptr;
        std::list<std::unique_ptr<Entry>>::iterator where;
        Listener<void> destroy;
    };

    void handle_new_token(wlr_xdg_activation_token_v1* token);

    const origins::ClientOrigins& origins_;
    const InputSerials& serials_;
    std::function<std::uint32_t(const origins::Origin&)> limit_of_;
    std::map<std::string, Budget, std::less<>> budgets_;
    Listener<wlr_xdg_activation_token_v1> new_token_;
    Listener<void> activation_destroy_;
};

} // namespace prism
