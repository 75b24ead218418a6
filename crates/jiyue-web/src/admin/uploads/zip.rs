//! Just enough of the ZIP format (PKWARE APPNOTE 6.3, sections 4.3.7, 4.3.12 and 4.3.16) to
//! list a package's entry names and read one small entry, so uploads can tell DOCX, XLSX,
//! PPTX and OFD from a plain archive.

use std::io::Read;

/// The most bytes read out of one entry; a content-types part is a few kilobytes.
const MAX_ENTRY_BYTES: u64 = 1024 * 1024;

/// The most entries looked at, so a crafted directory cannot keep the server busy.
const MAX_ENTRIES: usize = 10_000;

const LOCAL_HEADER: u32 = 0x0403_4b50;
const CENTRAL_HEADER: u32 = 0x0201_4b50;
const END_OF_DIRECTORY: u32 = 0x0605_4b50;

/// One central-directory record.
struct Entry {
    name: String,
    method: u16,
    compressed_size: usize,
    local_offset: usize,
}

/// Returns true when `bytes` start like a ZIP archive.
pub fn is_zip(bytes: &[u8]) -> bool {
    u32_at(bytes, 0) == Some(LOCAL_HEADER)
}

/// Returns the names of the entries, or `None` when the directory is unreadable.
pub fn entry_names(bytes: &[u8]) -> Option<Vec<String>> {
    Some(
        entries(bytes)?
            .into_iter()
            .map(|entry| entry.name)
            .collect(),
    )
}

/// Returns the bytes of the entry called `name` when it is stored or deflated.
pub fn read_entry(bytes: &[u8], name: &str) -> Option<Vec<u8>> {
    let entry = entries(bytes)?
        .into_iter()
        .find(|entry| entry.name == name)?;
    let at = entry.local_offset;
    if u32_at(bytes, at)? != LOCAL_HEADER {
        return None;
    }
    let start =
        at + 30 + usize::from(u16_at(bytes, at + 26)?) + usize::from(u16_at(bytes, at + 28)?);
    let data = bytes.get(start..start.checked_add(entry.compressed_size)?)?;
    let mut out = Vec::new();
    match entry.method {
        0 => data.take(MAX_ENTRY_BYTES).read_to_end(&mut out).ok()?,
        8 => flate2::read::DeflateDecoder::new(data)
            .take(MAX_ENTRY_BYTES)
            .read_to_end(&mut out)
            .ok()?,
        _ => return None,
    };
    Some(out)
}

fn entries(bytes: &[u8]) -> Option<Vec<Entry>> {
    let end = find_end_of_directory(bytes)?;
    let count = usize::from(u16_at(bytes, end + 10)?);
    let mut at = usize::try_from(u32_at(bytes, end + 16)?).ok()?;
    let mut entries = Vec::new();
    for _ in 0..count.min(MAX_ENTRIES) {
        if u32_at(bytes, at)? != CENTRAL_HEADER {
            return None;
        }
        let name_len = usize::from(u16_at(bytes, at + 28)?);
        let extra_len = usize::from(u16_at(bytes, at + 30)?);
        let comment_len = usize::from(u16_at(bytes, at + 32)?);
        let name = bytes.get(at + 46..at + 46 + name_len)?;
        entries.push(Entry {
            name: String::from_utf8_lossy(name).into_owned(),
            method: u16_at(bytes, at + 10)?,
            compressed_size: usize::try_from(u32_at(bytes, at + 20)?).ok()?,
            local_offset: usize::try_from(u32_at(bytes, at + 42)?).ok()?,
        });
        at += 46 + name_len + extra_len + comment_len;
    }
    Some(entries)
}

/// Finds the end-of-central-directory record, which sits in the last 22 + 65,535 bytes.
fn find_end_of_directory(bytes: &[u8]) -> Option<usize> {
    let last = bytes.len().checked_sub(22)?;
    let first = last.saturating_sub(65_535);
    (first..=last)
        .rev()
        .find(|&at| u32_at(bytes, at) == Some(END_OF_DIRECTORY))
}

fn u16_at(bytes: &[u8], at: usize) -> Option<u16> {
    let slice = bytes.get(at..at.checked_add(2)?)?;
    Some(u16::from_le_bytes([slice[0], slice[1]]))
}

fn u32_at(bytes: &[u8], at: usize) -> Option<u32> {
    let slice = bytes.get(at..at.checked_add(4)?)?;
    Some(u32::from_le_bytes([slice[0], slice[1], slice[2], slice[3]]))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Builds a ZIP of stored entries.
    pub fn stored_zip(files: &[(&str, &[u8])]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut directory = Vec::new();
        for (name, data) in files {
            let offset = out.len() as u32;
            let size = data.len() as u32;
            out.extend(LOCAL_HEADER.to_le_bytes());
            out.extend([20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
            out.extend(size.to_le_bytes());
            out.extend(size.to_le_bytes());
            out.extend((name.len() as u16).to_le_bytes());
            out.extend([0, 0]);
            out.extend(name.as_bytes());
            out.extend(*data);
            directory.extend(CENTRAL_HEADER.to_le_bytes());
            directory.extend([20, 0, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
            directory.extend(size.to_le_bytes());
            directory.extend(size.to_le_bytes());
            directory.extend((name.len() as u16).to_le_bytes());
            directory.extend([0; 12]);
            directory.extend(offset.to_le_bytes());
            directory.extend(name.as_bytes());
        }
        let directory_at = out.len() as u32;
        let count = files.len() as u16;
        out.extend(&directory);
        out.extend(END_OF_DIRECTORY.to_le_bytes());
        out.extend([0, 0, 0, 0]);
        out.extend(count.to_le_bytes());
        out.extend(count.to_le_bytes());
        out.extend((directory.len() as u32).to_le_bytes());
        out.extend(directory_at.to_le_bytes());
        out.extend([0, 0]);
        out
    }

    #[test]
    fn lists_and_reads_stored_entries() {
        let zip = stored_zip(&[("a.txt", b"hello"), ("[Content_Types].xml", b"<Types/>")]);
        assert!(is_zip(&zip));
        assert_eq!(
            entry_names(&zip).unwrap(),
            vec!["a.txt", "[Content_Types].xml"]
        );
        assert_eq!(read_entry(&zip, "a.txt").unwrap(), b"hello");
        assert_eq!(read_entry(&zip, "missing"), None);
    }

    #[test]
    fn package_kinds_come_from_the_parts() {
        use super::super::detect::{detect, Kind};
        let types: &[u8] = br#"<Types><Override ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#;
        let docx = stored_zip(&[("[Content_Types].xml", types)]);
        assert_eq!(detect(&docx, "x.zip"), Some(Kind::Docx));
        let ofd = stored_zip(&[("OFD.xml", b"<ofd:OFD/>")]);
        assert_eq!(detect(&ofd, "x.zip"), Some(Kind::Ofd));
        let plain = stored_zip(&[("a.txt", b"x")]);
        assert_eq!(detect(&plain, "x.docx"), Some(Kind::Zip));
    }

    #[test]
    fn truncated_archives_are_unreadable() {
        let zip = stored_zip(&[("a.txt", b"hello")]);
        assert_eq!(entry_names(&zip[..zip.len() - 5]), None);
    }
}
