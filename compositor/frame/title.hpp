// Window titles as the frame shows them.
//
// A title comes from the client, i.e. from inside a VM, and must not be able to disguise
// itself: no control characters, no bidirectional overrides that reorder what is drawn, no
// line breaks, bounded length. The frame always draws "[label] " first, from the VM's config,
// so a title that itself starts with "[host]" is still visibly a VM's title.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace prism::frame {

// Makes a client-supplied title safe to draw:
// - valid UTF-8: each ill-formed subsequence (stray continuation bytes, truncated sequences,
//   overlong encodings, surrogates, code points above U+10FFFF) becomes one U+FFFD per maximal
//   subpart, as Unicode recommends;
// - C0/C1 control characters, DEL and the bidirectional controls (U+061C, U+200E, U+200F,
//   U+202A..U+202E, U+2066..U+2069) removed;
// - whitespace (Unicode White_Space: tab, LF, VT, FF, CR, NEL, U+2028, U+2029, NBSP, the
//   U+2000 spaces, ...) turned into a space, runs of it collapsed to one ASCII space, leading
//   and trailing whitespace trimmed; a removed character does not split a run;
// - at most `max_codepoints` code points: when longer, the first max_codepoints - 1 (trailing
//   whitespace trimmed) followed by "…" (U+2026), so the result never exceeds the cap.
std::string sanitize_title(std::string_view raw, std::size_t max_codepoints = 256);

// What the title bar shows: "[label] title", or "[label]" when the sanitized title is empty.
// The label comes from the VM's config (trusted) but is sanitized too.
std::string frame_title(std::string_view label, std::string_view raw_title);

} // namespace prism::frame
