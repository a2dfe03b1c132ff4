// The one place an origin becomes a frame style: the colour, label, font and border its windows,
// popups and prompts are drawn with, from the configuration.
#pragma once

#include "compositor/frame/frame.hpp"
#include "config/config.hpp"
#include "origins/origin.hpp"

namespace prism {

class FrameStyles {
public:
    // `config` is the running configuration; a reload assigns it in place.
    explicit FrameStyles(const config::Config& config)
        : config_(config) {}

    FrameStyle of(const origins::Origin& origin) const;
    FrameStyle host() const { return of(origins::Origin::host()); }
    // The origin's [limits]; the defaults for the host and for a VM no longer configured.
    config::VmLimits limits(const origins::Origin& origin) const;
    SizeLimit size_limit(const origins::Origin& origin) const;
    // The colour of the outline around a popup of `origin`: none for the host's.
    std::optional<config::Colour> popup_outline(const origins::Origin& origin) const;

private:
    const config::Config& config_;
};

} // namespace prism
