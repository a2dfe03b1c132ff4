#include "compositor/input/activation_tokens.hpp"

#include <algorithm>

namespace prism {

ActivationTokens::ActivationTokens(wlr_xdg_activation_v1* activation,
                                   const origins::ClientOrigins& origins,
                                   const InputSerials& serials,
                                   std::function<std::uint32_t(const origins::Origin&)> limit_of)
    : origins_(origins)
    , serials_(serials)
    , limit_of_(std::move(limit_of)) {
    new_token_.connect(&activation->events.new_token,
                       [this](wlr_xdg_activation_token_v1* token) { handle_new_token(token); });
    // The display's destruction destroys every token (whose listeners then go first).
    activation_destroy_.connect(&activation->events.destroy, [this](void*) {
        new_token_.disconnect();
        activation_destroy_.disconnect();
    });
}

ActivationTokens::~ActivationTokens() {
    // Tokens wlroots still holds must not call back into freed entries.
    for (auto& [name, budget] : budgets_) {
        for (auto& entry : budget.tokens) {
            entry->destroy.disconnect();
        }
    }
}

std::size_t ActivationTokens::count(const std::string& origin) const {
    auto it = budgets_.find(origin);
    return it != budgets_.end() ? it->second.tokens.size() : 0;
}

std::uint64_t ActivationTokens::evicted(const std::string& origin) const {
    auto it = budgets_.find(origin);
    return it != budgets_.end() ? it->second.evicted : 0;
}

void ActivationTokens::handle_new_token(wlr_xdg_activation_token_v1* token) {
    // The client committing it (wlroots has already forgotten its resource).
    wl_client* client = serials_.token_committer();
    if (client == nullptr && token->surface != nullptr) {
        client = wl_resource_get_client(token->surface->resource);
    }
    const origins::Origin origin =
        client != nullptr ? origins_.origin_of(client) : origins::Origin::host(); // prism's own
    const std::string name(origin.display_name());
    Budget& budget = budgets_[name];

    auto entry = std::make_unique<Entry>();
    entry->token = token;
    entry->budget = &budget;
    Entry* raw = entry.get();
    budget.tokens.push_back(std::move(entry));
    raw->where = std::prev(budget.tokens.end());
    raw->destroy.connect(&token->events.destroy, [raw](void*) {
        // Used, expired or evicted: forget it (this erases the entry, listener included).
        raw->destroy.disconnect();
        raw->budget->tokens.erase(raw->where);
    });

    const std::size_t limit = std::max<std::uint32_t>(1, limit_of_(origin));
    std::size_t evicted_now = 0;
    while (budget.tokens.size() > limit) {
        // The oldest goes; never the new one (wlroots still sends its name to the client).
        wlr_xdg_activation_token_v1* oldest = budget.tokens.front()->token;
        wlr_xdg_activation_token_v1_destroy(oldest); // its destroy listener erases the entry
        ++evicted_now;
    }
    if (evicted_now == 0) {
        return;
    }
    budget.evicted += evicted_now;
    const auto now = std::chrono::steady_clock::now();
    if (!budget.logged || now - budget.last_log >= std::chrono::seconds(1)) {
        budget.logged = true;
        budget.last_log = now;
        wlr_log(WLR_INFO,
                "%s: at its limit of %zu activation tokens (max_activation_tokens); its oldest "
                "expire early (%llu so far)",
                name.c_str(), limit, static_cast<unsigned long long>(budget.evicted));
    }
}

} // namespace prism
