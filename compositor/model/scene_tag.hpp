// What a scene node belongs to. prism stores a SceneTag in wlr_scene_node::data of the nodes
// it creates, so a node found by hit-testing or by walking the tree says whose it is.
#pragma once

namespace prism {

enum class FramePart {
    None,
    Border,      // the VM-coloured border (resizes)
    TitleBar,    // focuses, moves, double-click maximizes
    CloseButton, // closes the window
};

struct SceneTag {
    enum class Kind {
        View,  // a window's root tree; owner is the View
        Popup, // a popup's tree; owner is the Popup
        Frame, // a node of a window's frame; owner is the View, part says which
    };
    Kind kind;
    void* owner;
    FramePart part = FramePart::None;
};

} // namespace prism
