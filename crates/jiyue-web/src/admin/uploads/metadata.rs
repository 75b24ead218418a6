//! Removes embedded metadata from uploaded JPEG and PNG originals before they are stored:
//! photos from phones and cameras carry EXIF data with the place they were taken, the device
//! and its owner, which a government site must not publish by accident. Pixels are left
//! untouched; only whole metadata segments or chunks go. Anything that does not parse as
//! expected is returned unchanged, since the decoder has already accepted the image.

use super::Kind;

/// JPEG application segments dropped: APP1 (EXIF, XMP) and APP13 (Photoshop, IPTC), plus
/// comments. APP0 (JFIF), APP2 (ICC colour profile) and APP14 (Adobe colour transform) stay,
/// as they change how the pixels look.
const JPEG_DROPPED: [u8; 3] = [0xE1, 0xED, 0xFE];

/// PNG chunks dropped: EXIF and the three kinds of text chunk.
const PNG_DROPPED: [&[u8; 4]; 4] = [b"eXIf", b"tEXt", b"zTXt", b"iTXt"];

/// Returns the image without its metadata, or unchanged for other kinds.
pub fn strip(bytes: Vec<u8>, kind: Kind) -> Vec<u8> {
    let stripped = match kind {
        Kind::Jpeg => strip_jpeg(&bytes),
        Kind::Png => strip_png(&bytes),
        _ => None,
    };
    stripped.unwrap_or(bytes)
}

fn strip_jpeg(bytes: &[u8]) -> Option<Vec<u8>> {
    if bytes.get(..2)? != [0xFF, 0xD8] {
        return None;
    }
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(&bytes[..2]);
    let mut at = 2;
    loop {
        if *bytes.get(at)? != 0xFF {
            return None;
        }
        let marker = *bytes.get(at + 1)?;
        // Start of scan: the entropy-coded data and everything after it is copied as it is.
        if marker == 0xDA {
            out.extend_from_slice(&bytes[at..]);
            return Some(out);
        }
        if marker == 0x01 || (0xD0..=0xD7).contains(&marker) {
            out.extend_from_slice(&bytes[at..at + 2]);
            at += 2;
            continue;
        }
        let length = usize::from(u16::from_be_bytes([
            *bytes.get(at + 2)?,
            *bytes.get(at + 3)?,
        ]));
        let end = at + 2 + length;
        if length < 2 || end > bytes.len() {
            return None;
        }
        if !JPEG_DROPPED.contains(&marker) {
            out.extend_from_slice(&bytes[at..end]);
        }
        at = end;
    }
}

fn strip_png(bytes: &[u8]) -> Option<Vec<u8>> {
    const SIGNATURE: [u8; 8] = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
    if bytes.get(..8)? != SIGNATURE {
        return None;
    }
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(&SIGNATURE);
    let mut at = 8;
    while at < bytes.len() {
        let length = u32::from_be_bytes(bytes.get(at..at + 4)?.try_into().ok()?);
        let end = at
            .checked_add(12)?
            .checked_add(usize::try_from(length).ok()?)?;
        if end > bytes.len() {
            return None;
        }
        let kind: &[u8; 4] = bytes.get(at + 4..at + 8)?.try_into().ok()?;
        if !PNG_DROPPED.contains(&kind) {
            out.extend_from_slice(&bytes[at..end]);
        }
        at = end;
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jpeg() -> Vec<u8> {
        let image = image::RgbImage::from_pixel(4, 3, image::Rgb([200, 30, 30]));
        let mut bytes = std::io::Cursor::new(Vec::new());
        image
            .write_to(&mut bytes, image::ImageFormat::Jpeg)
            .unwrap();
        bytes.into_inner()
    }

    fn with_exif(jpeg: &[u8]) -> Vec<u8> {
        let payload = b"Exif\0\0GPS 43.88N 125.35E owner Zhang San";
        let length = u16::try_from(payload.len() + 2).unwrap().to_be_bytes();
        let mut bytes = jpeg[..2].to_vec();
        bytes.extend_from_slice(&[0xFF, 0xE1, length[0], length[1]]);
        bytes.extend_from_slice(payload);
        bytes.extend_from_slice(&jpeg[2..]);
        bytes
    }

    #[test]
    fn jpeg_loses_exif_and_keeps_its_pixels() {
        let plain = jpeg();
        let tagged = with_exif(&plain);
        assert!(tagged.windows(3).any(|w| w == b"GPS"));
        let stripped = strip(tagged, Kind::Jpeg);
        assert!(!stripped.windows(3).any(|w| w == b"GPS"));
        assert_eq!(stripped, plain, "only the EXIF segment went");
        let decoded = image::load_from_memory(&stripped).unwrap();
        assert_eq!((decoded.width(), decoded.height()), (4, 3));
    }

    #[test]
    fn png_loses_text_chunks() {
        let image = image::RgbImage::from_pixel(2, 2, image::Rgb([0, 0, 0]));
        let mut cursor = std::io::Cursor::new(Vec::new());
        image
            .write_to(&mut cursor, image::ImageFormat::Png)
            .unwrap();
        let plain = cursor.into_inner();
        // A tEXt chunk after the header chunk (8 + 25 bytes); its CRC is not checked here.
        let mut tagged = plain[..33].to_vec();
        let data = b"Author\0Zhang San";
        tagged.extend_from_slice(&u32::try_from(data.len()).unwrap().to_be_bytes());
        tagged.extend_from_slice(b"tEXt");
        tagged.extend_from_slice(data);
        tagged.extend_from_slice(&[0, 0, 0, 0]);
        tagged.extend_from_slice(&plain[33..]);
        let stripped = strip(tagged, Kind::Png);
        assert_eq!(stripped, plain);
    }

    #[test]
    fn malformed_input_comes_back_unchanged() {
        let broken = vec![0xFF, 0xD8, 0xFF, 0xE1, 0xFF, 0xFF, 1, 2];
        assert_eq!(strip(broken.clone(), Kind::Jpeg), broken);
        assert_eq!(strip(b"plain".to_vec(), Kind::Pdf), b"plain".to_vec());
    }
}
