//! Escaping for the XML documents this crate writes (Atom feeds and sitemaps).

/// Escapes `text` for XML character data and attribute values, and drops characters that XML
/// 1.0 forbids (C0 controls other than tab, line feed and carriage return, and U+FFFE/U+FFFF).
pub fn escape_xml(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&apos;"),
            '\t' | '\n' | '\r' => escaped.push(character),
            '\u{0}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => {}
            _ => escaped.push(character),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::escape_xml;

    #[test]
    fn escapes_markup_characters() {
        assert_eq!(
            escape_xml(r#"<a href="x">'&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;"
        );
    }

    #[test]
    fn drops_forbidden_characters() {
        assert_eq!(escape_xml("通知\u{0}\u{8}公告\u{b}\n"), "通知公告\n");
    }
}
