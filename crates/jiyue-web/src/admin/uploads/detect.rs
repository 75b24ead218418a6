//! What an uploaded file is, decided from its bytes alone: magic numbers for images, PDF and
//! the Office formats, the parts list inside ZIP packages (OOXML, OFD), an XML parse for SVG,
//! and a check for readable text. The name a browser sends only chooses between CSV and plain
//! text, which look the same.

use quick_xml::events::Event;

use super::zip;

/// The kinds of file editors may upload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Png,
    Jpeg,
    Gif,
    Webp,
    Svg,
    Pdf,
    Docx,
    Xlsx,
    Pptx,
    Doc,
    Xls,
    Ppt,
    Ofd,
    Zip,
    Text,
    Csv,
}

/// Every kind with its content type and file extension: the one table of both.
const TABLE: [(Kind, &str, &str); 16] = [
    (Kind::Png, "image/png", "png"),
    (Kind::Jpeg, "image/jpeg", "jpg"),
    (Kind::Gif, "image/gif", "gif"),
    (Kind::Webp, "image/webp", "webp"),
    (Kind::Svg, "image/svg+xml", "svg"),
    (Kind::Pdf, "application/pdf", "pdf"),
    (
        Kind::Docx,
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "docx",
    ),
    (
        Kind::Xlsx,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xlsx",
    ),
    (
        Kind::Pptx,
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "pptx",
    ),
    (Kind::Doc, "application/msword", "doc"),
    (Kind::Xls, "application/vnd.ms-excel", "xls"),
    (Kind::Ppt, "application/vnd.ms-powerpoint", "ppt"),
    (Kind::Ofd, "application/ofd", "ofd"),
    (Kind::Zip, "application/zip", "zip"),
    (Kind::Text, "text/plain; charset=utf-8", "txt"),
    (Kind::Csv, "text/csv; charset=utf-8", "csv"),
];

/// The allowed kinds as people name them, for refusal messages.
pub const ALLOWED: &str = "PNG, JPEG, GIF, WebP, SVG, PDF, DOCX, XLSX, PPTX, DOC, XLS, PPT, OFD, \
                           ZIP, TXT, CSV";

impl Kind {
    /// Returns the content type files of this kind are stored and served with.
    pub fn content_type(self) -> &'static str {
        TABLE
            .iter()
            .find(|(kind, _, _)| *kind == self)
            .map_or("application/octet-stream", |(_, content_type, _)| {
                content_type
            })
    }

    /// Returns the file extension of the kind, without the dot.
    pub fn extension(self) -> &'static str {
        TABLE
            .iter()
            .find(|(kind, _, _)| *kind == self)
            .map_or("bin", |(_, _, extension)| extension)
    }

    /// Returns the kind stored under a content type, if it is one of ours.
    pub fn from_content_type(content_type: &str) -> Option<Kind> {
        TABLE
            .iter()
            .find(|(_, stored, _)| *stored == content_type)
            .map(|(kind, _, _)| *kind)
    }

    /// Returns the name people know the kind by, as in [`ALLOWED`].
    pub fn label(self) -> &'static str {
        match self {
            Kind::Png => "PNG",
            Kind::Jpeg => "JPEG",
            Kind::Gif => "GIF",
            Kind::Webp => "WebP",
            Kind::Svg => "SVG",
            Kind::Pdf => "PDF",
            Kind::Docx => "DOCX",
            Kind::Xlsx => "XLSX",
            Kind::Pptx => "PPTX",
            Kind::Doc => "DOC",
            Kind::Xls => "XLS",
            Kind::Ppt => "PPT",
            Kind::Ofd => "OFD",
            Kind::Zip => "ZIP",
            Kind::Text => "TXT",
            Kind::Csv => "CSV",
        }
    }

    /// Returns true for the raster images that get renditions.
    pub fn is_raster(self) -> bool {
        matches!(self, Kind::Png | Kind::Jpeg | Kind::Gif | Kind::Webp)
    }
}

/// Returns the kind of `bytes`, or `None` when they are none of the allowed kinds. `name` is
/// the name the browser sent; it only tells CSV from plain text.
pub fn detect(bytes: &[u8], name: &str) -> Option<Kind> {
    magic(bytes)
        .or_else(|| zip::is_zip(bytes).then(|| package_kind(bytes)).flatten())
        .or_else(|| ole_kind(bytes))
        .or_else(|| text_kind(bytes, name))
}

/// Returns false when `name` ends in the extension of another kind than `kind`, such as a
/// text file called `photo.png`: the content decides, and a name that disagrees with it is
/// refused rather than trusted. Unknown extensions pass.
pub fn name_agrees(kind: Kind, name: &str) -> bool {
    let Some((_, extension)) = name.rsplit_once('.') else {
        return true;
    };
    let extension = match extension.to_ascii_lowercase().as_str() {
        "jpeg" | "jpe" => "jpg".to_string(),
        other => other.to_string(),
    };
    let claimed = TABLE
        .iter()
        .find(|(_, _, known)| *known == extension)
        .map(|(kind, _, _)| *kind);
    match claimed {
        None => true,
        Some(Kind::Text | Kind::Csv) => matches!(kind, Kind::Text | Kind::Csv),
        Some(claimed) => claimed == kind,
    }
}

fn magic(bytes: &[u8]) -> Option<Kind> {
    // Signatures: PNG (RFC 2083, section 12.11), JPEG (JFIF SOI marker FF D8 FF), GIF87a/89a,
    // WebP (RIFF container with the WEBP form type), PDF (ISO 32000 header "%PDF-").
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(Kind::Png)
    } else if bytes.starts_with(b"\xff\xd8\xff") {
        Some(Kind::Jpeg)
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some(Kind::Gif)
    } else if bytes.len() >= 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP" {
        Some(Kind::Webp)
    } else if bytes.starts_with(b"%PDF-") {
        Some(Kind::Pdf)
    } else {
        None
    }
}

/// Tells the ZIP packages apart by their parts: OFD (GB/T 33190) has `OFD.xml` at the root,
/// OOXML has `[Content_Types].xml` naming its main part.
fn package_kind(bytes: &[u8]) -> Option<Kind> {
    let names = zip::entry_names(bytes)?;
    if names.iter().any(|name| name == "OFD.xml") {
        return Some(Kind::Ofd);
    }
    if !names.iter().any(|name| name == "[Content_Types].xml") {
        return Some(Kind::Zip);
    }
    let types = zip::read_entry(bytes, "[Content_Types].xml")?;
    let types = String::from_utf8_lossy(&types);
    let main = |part: &str| types.contains(&format!("{part}.main+xml"));
    if main("wordprocessingml.document") || main("wordprocessingml.template") {
        Some(Kind::Docx)
    } else if main("spreadsheetml.sheet") || main("spreadsheetml.template") {
        Some(Kind::Xlsx)
    } else if main("presentationml.presentation") || main("presentationml.slideshow") {
        Some(Kind::Pptx)
    } else {
        Some(Kind::Zip)
    }
}

/// Tells the old Office formats apart by the stream names in their compound file (the OLE2
/// signature D0 CF 11 E0 A1 B1 1A E1, then UTF-16 directory entries).
fn ole_kind(bytes: &[u8]) -> Option<Kind> {
    if !bytes.starts_with(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1") {
        return None;
    }
    let has = |stream: &str| {
        let wide: Vec<u8> = stream.encode_utf16().flat_map(u16::to_le_bytes).collect();
        bytes.windows(wide.len()).any(|window| window == wide)
    };
    if has("WordDocument") {
        Some(Kind::Doc)
    } else if has("Workbook") || has("Book") {
        Some(Kind::Xls)
    } else if has("PowerPoint Document") {
        Some(Kind::Ppt)
    } else {
        None
    }
}

/// Accepts UTF-8 text without control characters other than tab, line feed, carriage return
/// and form feed; an XML document whose root is `<svg>` is SVG.
fn text_kind(bytes: &[u8], name: &str) -> Option<Kind> {
    let text = std::str::from_utf8(bytes).ok()?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let readable = text
        .chars()
        .all(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r' | '\u{c}'));
    if !readable || text.trim().is_empty() {
        return None;
    }
    if is_svg(text) {
        return Some(Kind::Svg);
    }
    if name.to_ascii_lowercase().ends_with(".csv") {
        Some(Kind::Csv)
    } else {
        Some(Kind::Text)
    }
}

/// Returns true when `text` parses as XML to the end and its root element is `svg`.
fn is_svg(text: &str) -> bool {
    let mut reader = quick_xml::Reader::from_str(text);
    let mut root = None;
    loop {
        match reader.read_event() {
            Ok(Event::Start(element) | Event::Empty(element)) if root.is_none() => {
                let name = element.local_name();
                root = Some(name.as_ref() == b"svg");
            }
            Ok(Event::Eof) => return root == Some(true),
            Ok(_) => {}
            Err(_) => return false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn magic_numbers_decide_not_names() {
        assert_eq!(detect(b"\x89PNG\r\n\x1a\n....", "a.pdf"), Some(Kind::Png));
        assert_eq!(detect(b"%PDF-1.7\n", "a.png"), Some(Kind::Pdf));
        assert_eq!(detect(b"GIF89a....", "x"), Some(Kind::Gif));
        assert_eq!(detect(b"RIFF\0\0\0\0WEBPVP8 ", "x"), Some(Kind::Webp));
    }

    #[test]
    fn text_is_text_whatever_its_name() {
        assert_eq!(
            detect("通知全文\n".as_bytes(), "photo.png"),
            Some(Kind::Text)
        );
        assert_eq!(detect(b"a,b\n1,2\n", "data.csv"), Some(Kind::Csv));
        assert_eq!(detect(b"\x00\x01\x02binary", "a.txt"), None);
        assert_eq!(detect(b"   ", "a.txt"), None);
    }

    #[test]
    fn svg_needs_an_svg_root_in_well_formed_xml() {
        let svg = r#"<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><rect/></svg>"#;
        assert_eq!(detect(svg.as_bytes(), "a.txt"), Some(Kind::Svg));
        assert_eq!(detect(b"<svg><g></svg>", "a.svg"), Some(Kind::Text));
        assert_eq!(
            detect(b"<html><svg></svg></html>", "a.svg"),
            Some(Kind::Text)
        );
    }

    #[test]
    fn ole_streams_name_the_format() {
        let mut doc = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1".to_vec();
        doc.extend("WordDocument".encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(detect(&doc, "a.xls"), Some(Kind::Doc));
        assert_eq!(detect(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "a.doc"), None);
    }

    #[test]
    fn names_must_not_contradict_the_content() {
        assert!(!name_agrees(Kind::Text, "photo.png"));
        assert!(!name_agrees(Kind::Zip, "report.docx"));
        assert!(name_agrees(Kind::Jpeg, "IMG_1.JPEG"));
        assert!(name_agrees(Kind::Text, "data.csv"));
        assert!(name_agrees(Kind::Text, "README"));
        assert!(name_agrees(Kind::Text, "notes.md"));
    }

    #[test]
    fn the_table_round_trips() {
        for (kind, content_type, _) in TABLE {
            assert_eq!(Kind::from_content_type(content_type), Some(kind));
        }
    }
}
