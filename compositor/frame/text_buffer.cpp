#include "compositor/frame/text_buffer.hpp"

#include <algorithm>
#include <bit>
#include <cmath>
#include <string>
#include <type_traits>
#include <unordered_map>

#include <drm_fourcc.h>
#include <pango/pangocairo.h>

#include "compositor/frame/title.hpp"

namespace prism::frame {
namespace {

// cairo's ARGB32 is a native-endian 32-bit word A:R:G:B, premultiplied. DRM formats are
// little-endian words, so on a little-endian machine that is DRM_FORMAT_ARGB8888; on a
// big-endian one the same bytes in memory (A, R, G, B) are DRM_FORMAT_BGRA8888.
constexpr std::uint32_t kDrmFormat =
    std::endian::native == std::endian::little ? DRM_FORMAT_ARGB8888 : DRM_FORMAT_BGRA8888;

// A wlr_buffer backed by a cairo image surface. `base` comes first and the struct is standard
// layout, so a wlr_buffer* handed to the impl functions is a pointer to the whole object.
struct TextBuffer {
    wlr_buffer base{};
    cairo_surface_t* surface = nullptr;

    TextBuffer() = default;
    TextBuffer(const TextBuffer&) = delete;
    TextBuffer& operator=(const TextBuffer&) = delete;
    ~TextBuffer() {
        if (surface != nullptr) {
            cairo_surface_destroy(surface);
        }
    }

    static TextBuffer* from(wlr_buffer* buffer) { return reinterpret_cast<TextBuffer*>(buffer); }
};
static_assert(std::is_standard_layout_v<TextBuffer>);

// Called by wlroots once the buffer is dropped and unlocked: the object is ours to delete.
void text_buffer_destroy(wlr_buffer* buffer) {
    delete TextBuffer::from(buffer);
}

bool text_buffer_begin_data_ptr_access(wlr_buffer* buffer, std::uint32_t /*flags*/, void** data,
                                       std::uint32_t* format, std::size_t* stride) {
    cairo_surface_t* surface = TextBuffer::from(buffer)->surface;
    *data = cairo_image_surface_get_data(surface);
    *format = kDrmFormat;
    *stride = static_cast<std::size_t>(cairo_image_surface_get_stride(surface));
    return true;
}

void text_buffer_end_data_ptr_access(wlr_buffer* /*buffer*/) {
}

const wlr_buffer_impl text_buffer_impl = {
    .destroy = text_buffer_destroy,
    .get_dmabuf = nullptr,
    .get_shm = nullptr,
    .begin_data_ptr_access = text_buffer_begin_data_ptr_access,
    .end_data_ptr_access = text_buffer_end_data_ptr_access,
};

void set_source(cairo_t* cr, config::Colour c, double alpha = 1.0) {
    cairo_set_source_rgba(cr, c.r / 255.0, c.g / 255.0, c.b / 255.0, alpha);
}

// The pieces of the layout setup shared by line_height() and render_text(), so that the height
// measured matches the text drawn.
struct FontDescription {
    explicit FontDescription(const std::string& font, bool bold = false)
        : desc(pango_font_description_from_string(font.c_str())) {
        if (bold) {
            pango_font_description_set_weight(desc, PANGO_WEIGHT_BOLD);
        }
    }
    FontDescription(const FontDescription&) = delete;
    FontDescription& operator=(const FontDescription&) = delete;
    ~FontDescription() { pango_font_description_free(desc); }

    PangoFontDescription* desc;
};

void draw_close_button(cairo_t* cr, const Rect& r, config::Colour colour) {
    const double size = std::min(r.width, r.height);
    const double inset = size * 0.32;
    const double cx = r.x + r.width / 2.0;
    const double cy = r.y + r.height / 2.0;
    const double half = size / 2.0 - inset;
    if (half <= 0) {
        return;
    }
    cairo_save(cr);
    set_source(cr, colour);
    cairo_set_line_width(cr, std::max(1.5, size / 12.0));
    cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND);
    cairo_move_to(cr, cx - half, cy - half);
    cairo_line_to(cr, cx + half, cy + half);
    cairo_move_to(cr, cx + half, cy - half);
    cairo_line_to(cr, cx - half, cy + half);
    cairo_stroke(cr);
    cairo_restore(cr);
}

void draw_text(cairo_t* cr, const TextSpec& spec, double left, double right) {
    if (spec.utf8.empty() || right <= left) {
        return;
    }
    // pango_layout_set_text wants valid UTF-8; the caller promised it, but a mistake must not
    // turn into garbage or a critical warning.
    std::string sanitized;
    const std::string* text = &spec.utf8;
    if (g_utf8_validate(spec.utf8.data(), static_cast<gssize>(spec.utf8.size()), nullptr) == 0) {
        sanitized = sanitize_title(spec.utf8, spec.utf8.size());
        text = &sanitized;
    }

    PangoLayout* layout = pango_cairo_create_layout(cr);
    // A fixed left-to-right base direction: with Pango's default (from the first strong
    // character) a title in a right-to-left script could make the paragraph right-to-left and
    // move "[label]" away from the left edge.
    pango_context_set_base_dir(pango_layout_get_context(layout), PANGO_DIRECTION_LTR);
    pango_layout_set_auto_dir(layout, FALSE);
    pango_layout_context_changed(layout);

    const FontDescription font(spec.font, spec.bold);
    pango_layout_set_font_description(layout, font.desc);
    pango_layout_set_single_paragraph_mode(layout, TRUE);
    pango_layout_set_ellipsize(layout, PANGO_ELLIPSIZE_END);
    pango_layout_set_width(layout, static_cast<int>((right - left) * PANGO_SCALE));
    pango_layout_set_alignment(layout, spec.centred ? PANGO_ALIGN_CENTER : PANGO_ALIGN_LEFT);
    pango_layout_set_text(layout, text->data(), static_cast<int>(text->size()));

    PangoRectangle logical;
    pango_layout_get_extents(layout, nullptr, &logical);
    const double text_height = static_cast<double>(logical.height) / PANGO_SCALE;

    cairo_save(cr);
    // Ellipsizing keeps the logical extents inside the width, but glyph ink may overhang a
    // little (italics, accents): the clip keeps it off the close button.
    cairo_rectangle(cr, 0, 0, right, spec.height);
    cairo_clip(cr);
    set_source(cr, spec.text);
    cairo_move_to(cr, left, (spec.height - text_height) / 2.0);
    pango_cairo_show_layout(cr, layout);
    cairo_restore(cr);

    g_object_unref(layout);
}

} // namespace

Rect close_button_rect(int width, int height) {
    const int side = std::max(0, std::min(width, height));
    return {std::max(0, width - side), 0, side, std::max(0, height)};
}

int line_height(const std::string& font) {
    // Asked for on every commit of every window (Frame::margins): measured once per font. The
    // fonts are the config's, so the cache stays small.
    static std::unordered_map<std::string, int> measured;
    if (auto it = measured.find(font); it != measured.end()) {
        return it->second;
    }
    // The same font map, resolution (96 dpi) and font options as render_text's layouts get from
    // a cairo image surface.
    PangoContext* context = pango_font_map_create_context(pango_cairo_font_map_get_default());
    const FontDescription desc(font);
    PangoFontMetrics* metrics = pango_context_get_metrics(context, desc.desc, nullptr);
    const int units =
        pango_font_metrics_get_ascent(metrics) + pango_font_metrics_get_descent(metrics);
    pango_font_metrics_unref(metrics);
    g_object_unref(context);
    const int height = (units + PANGO_SCALE - 1) / PANGO_SCALE;
    measured.emplace(font, height);
    return height;
}

wlr_buffer* render_text(const TextSpec& spec) {
    if (spec.width <= 0 || spec.height <= 0) {
        return nullptr;
    }
    const double scale =
        std::isfinite(spec.scale) && spec.scale > 0 ? static_cast<double>(spec.scale) : 1.0;
    const double pixel_width = std::ceil(spec.width * scale);
    const double pixel_height = std::ceil(spec.height * scale);
    constexpr double kMaxSide = 32767; // cairo's limit for image surfaces
    if (pixel_width > kMaxSide || pixel_height > kMaxSide) {
        return nullptr;
    }

    cairo_surface_t* surface = cairo_image_surface_create(
        CAIRO_FORMAT_ARGB32, static_cast<int>(pixel_width), static_cast<int>(pixel_height));
    if (cairo_surface_status(surface) != CAIRO_STATUS_SUCCESS) {
        cairo_surface_destroy(surface);
        return nullptr;
    }

    cairo_t* cr = cairo_create(surface);
    cairo_scale(cr, scale, scale);

    // Greyscale antialiasing: subpixel (coloured) fringes would be wrong once the compositor
    // scales or the buffer lands on an output with another subpixel order.
    cairo_font_options_t* options = cairo_font_options_create();
    cairo_font_options_set_antialias(options, CAIRO_ANTIALIAS_GRAY);
    cairo_set_font_options(cr, options);
    cairo_font_options_destroy(options);

    // SOURCE replaces the (transparent) pixels: with alpha 1 each is exactly 0xff:r:g:b, and
    // cairo premultiplies a translucent background.
    const double alpha =
        std::isnan(spec.background_alpha) ? 1.0 : std::clamp(spec.background_alpha, 0.0, 1.0);
    cairo_set_operator(cr, CAIRO_OPERATOR_SOURCE);
    set_source(cr, spec.background, alpha);
    cairo_paint(cr);
    cairo_set_operator(cr, CAIRO_OPERATOR_OVER);

    const int padding = std::max(0, spec.padding);
    double text_right = spec.width - padding;
    if (spec.close_button) {
        const Rect close = close_button_rect(spec.width, spec.height);
        draw_close_button(cr, close, spec.text);
        text_right = close.x - padding;
    }
    draw_text(cr, spec, padding, text_right);

    cairo_destroy(cr);
    cairo_surface_flush(surface);

    auto* buffer = new TextBuffer;
    buffer->surface = surface;
    wlr_buffer_init(&buffer->base, &text_buffer_impl, static_cast<int>(pixel_width),
                    static_cast<int>(pixel_height));
    return &buffer->base;
}

wlr_scene_buffer* add_text_node(wlr_scene_tree* parent, const TextSpec& spec, int x, int y) {
    wlr_buffer* buffer = render_text(spec);
    if (buffer == nullptr) {
        return nullptr;
    }
    wlr_scene_buffer* node = wlr_scene_buffer_create(parent, buffer);
    wlr_buffer_drop(buffer); // the node holds its own reference
    wlr_scene_buffer_set_dest_size(node, spec.width, spec.height);
    wlr_scene_node_set_position(&node->node, x, y);
    return node;
}

} // namespace prism::frame
