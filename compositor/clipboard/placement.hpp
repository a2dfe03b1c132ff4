// Where prism's clipboard dialog and notices go on the desktop.
#pragma once

#include "compositor/model/desktop.hpp"
#include "compositor/wlr.hpp"

namespace prism::clipboard {

// Where the dialog (or a notice) goes for a paste by `client`: over that client's topmost
// window, cut to the window's output; with no client, or one with no window, the output under
// the cursor. Sets `output` to that output's box (layout coordinates) and `scale` to its scale.
wlr_box area_for_client(const Desktop& desktop, const wl_client* client, wlr_box* output,
                        float* scale);

} // namespace prism::clipboard
