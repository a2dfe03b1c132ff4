// What a scene node belongs to. The tree of each window carries a SceneTag naming its View in
// wlr_scene_node::data; View::from_node walks up from any node to it. No other node of prism's
// scene carries data (wlroots' scene helpers leave it alone).
#pragma once

namespace prism {

class View;

struct SceneTag {
    View* view;
};

} // namespace prism
