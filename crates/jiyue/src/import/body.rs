//! Item bodies: Markdown converted to sanitized HTML, and HTML sanitized, both by the renderer
//! so that imported and edited items follow one allowlist.

/// Converts a Markdown body to sanitized HTML.
pub(crate) fn markdown_to_html(markdown: &str) -> String {
    jiyue_render::markdown_to_html(markdown)
}

/// Sanitizes an HTML body.
pub(crate) fn sanitize_html(html: &str) -> String {
    jiyue_render::sanitize_html(html)
}
