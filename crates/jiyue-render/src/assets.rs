//! The default theme's files compiled into the binary: templates and static assets.

/// The platform-owned base layout, which a theme folder on disk may not replace.
pub(crate) const BASE_TEMPLATE: &str = "base.html";

/// Templates of the default theme, by name.
pub(crate) const TEMPLATES: [(&str, &str); 16] = [
    (
        BASE_TEMPLATE,
        include_str!("../../../themes/default/templates/base.html"),
    ),
    (
        "home.html",
        include_str!("../../../themes/default/templates/home.html"),
    ),
    (
        "column.html",
        include_str!("../../../themes/default/templates/column.html"),
    ),
    (
        "item.html",
        include_str!("../../../themes/default/templates/item.html"),
    ),
    (
        "search.html",
        include_str!("../../../themes/default/templates/search.html"),
    ),
    (
        "directory.html",
        include_str!("../../../themes/default/templates/directory.html"),
    ),
    (
        "not_found.html",
        include_str!("../../../themes/default/templates/not_found.html"),
    ),
    (
        "gone.html",
        include_str!("../../../themes/default/templates/gone.html"),
    ),
    (
        "site_map.html",
        include_str!("../../../themes/default/templates/site_map.html"),
    ),
    (
        "entry_list.html",
        include_str!("../../../themes/default/templates/entry_list.html"),
    ),
    (
        "pagination.html",
        include_str!("../../../themes/default/templates/pagination.html"),
    ),
    (
        "site_header.html",
        include_str!("../../../themes/default/templates/site_header.html"),
    ),
    (
        "site_footer.html",
        include_str!("../../../themes/default/templates/site_footer.html"),
    ),
    (
        "breadcrumbs.html",
        include_str!("../../../themes/default/templates/breadcrumbs.html"),
    ),
    (
        "item_meta.html",
        include_str!("../../../themes/default/templates/item_meta.html"),
    ),
    (
        "item_links.html",
        include_str!("../../../themes/default/templates/item_links.html"),
    ),
];

/// Static files of the default theme: name, bytes and content type.
const STATIC_FILES: [(&str, &[u8], &str); 2] = [
    (
        "site.css",
        include_bytes!("../../../themes/default/static/site.css"),
        "text/css; charset=utf-8",
    ),
    (
        "challenge.js",
        include_bytes!("../../../themes/default/static/challenge.js"),
        "text/javascript; charset=utf-8",
    ),
];

/// Returns the bytes and the content type of the default theme's static file `name` (such as
/// `site.css`, served at `/static/site.css`), or `None` when the theme has no such file.
pub fn static_asset(name: &str) -> Option<(&'static [u8], &'static str)> {
    STATIC_FILES
        .iter()
        .find(|(file, _, _)| *file == name)
        .map(|(_, bytes, content_type)| (*bytes, *content_type))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stylesheet_is_served_as_css() {
        let (bytes, content_type) = static_asset("site.css").unwrap();
        assert!(!bytes.is_empty());
        assert_eq!(content_type, "text/css; charset=utf-8");
    }

    /// Returns the relative luminance of a `#rrggbb` colour (WCAG 2.1 definition).
    fn luminance(hex: &str) -> f64 {
        let channel = |range: std::ops::Range<usize>| {
            let value = f64::from(u8::from_str_radix(&hex[range], 16).unwrap()) / 255.0;
            if value <= 0.04045 {
                value / 12.92
            } else {
                ((value + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(1..3) + 0.7152 * channel(3..5) + 0.0722 * channel(5..7)
    }

    fn contrast(first: &str, second: &str) -> f64 {
        let (a, b) = (luminance(first), luminance(second));
        (a.max(b) + 0.05) / (a.min(b) + 0.05)
    }

    #[test]
    fn stylesheet_colour_pairs_meet_wcag_aa() {
        let css = std::str::from_utf8(static_asset("site.css").unwrap().0).unwrap();
        let colour = |name: &str| -> String {
            let declaration = format!("--color-{name}: ");
            let start = css
                .find(&declaration)
                .unwrap_or_else(|| panic!("no {name}"));
            css[start + declaration.len()..start + declaration.len() + 7].to_owned()
        };

        let list_start = css.find("contrast pairs:").unwrap();
        let list_end = list_start + css[list_start..].find("*/").unwrap();
        let pairs: Vec<&str> = css[list_start + "contrast pairs:".len()..list_end]
            .split(',')
            .map(str::trim)
            .collect();
        assert!(pairs.len() >= 10, "only {} pairs listed", pairs.len());

        for pair in pairs {
            let (foreground, background) = pair.split_once('/').unwrap();
            let ratio = contrast(&colour(foreground), &colour(background));
            assert!(ratio >= 4.5, "{pair} has contrast {ratio:.2}, below 4.5");
        }
    }

    #[test]
    fn stylesheet_line_height_minimum() {
        let css = std::str::from_utf8(static_asset("site.css").unwrap().0).unwrap();
        for declaration in css.split("line-height:").skip(1) {
            let value: f64 = declaration
                .split(';')
                .next()
                .unwrap()
                .trim()
                .parse()
                .unwrap();
            assert!(value >= 1.5, "line-height {value} is below 1.5");
        }
    }

    #[test]
    fn unknown_asset_is_none() {
        assert!(static_asset("../Cargo.toml").is_none());
        assert!(static_asset("missing.css").is_none());
    }
}
