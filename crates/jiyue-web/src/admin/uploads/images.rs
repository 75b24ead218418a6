//! Opening uploaded images under limits, so a decompression bomb fails on its header, and
//! making the smaller renditions pages show: 1600 and 480 pixels wide, never wider than the
//! original.

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::imageops::FilterType;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};

use super::detect::Kind;

/// The widest and tallest image accepted, in pixels.
pub const MAX_SIDE: u32 = 12_000;

/// The most memory one decoded image may take.
pub const MAX_DECODED_BYTES: u64 = 256 * 1024 * 1024;

/// Widths of the renditions, largest first.
pub const RENDITION_WIDTHS: [u32; 2] = [1600, 480];

/// JPEG quality of the renditions (1–100).
const JPEG_QUALITY: u8 = 85;

/// Why an image could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ImageError {
    /// The image declares more pixels or needs more memory than allowed.
    #[error("the image is larger than {MAX_SIDE} × {MAX_SIDE} pixels or {MAX_DECODED_BYTES} bytes decoded ({0}); scale it down before uploading")]
    TooLarge(String),
    /// The bytes do not decode as the image they start like.
    #[error("the image cannot be decoded ({0}); save it again as PNG or JPEG")]
    Unreadable(String),
}

/// One smaller copy of an image.
#[derive(Debug)]
pub struct Rendition {
    pub width: u32,
    pub height: u32,
    pub kind: Kind,
    pub bytes: Vec<u8>,
}

/// An image checked by decoding it, with its renditions.
#[derive(Debug)]
pub struct Processed {
    pub width: u32,
    pub height: u32,
    pub renditions: Vec<Rendition>,
    /// A JPEG re-encoded upright, when its EXIF orientation turned it; it replaces the
    /// original, whose orientation tag goes with the rest of its metadata.
    pub upright: Option<Vec<u8>>,
}

/// Returns the limits every decode runs under.
fn limits() -> Limits {
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE);
    limits.max_image_height = Some(MAX_SIDE);
    limits.max_alloc = Some(MAX_DECODED_BYTES);
    limits
}

fn format_of(kind: Kind) -> Option<ImageFormat> {
    match kind {
        Kind::Png => Some(ImageFormat::Png),
        Kind::Jpeg => Some(ImageFormat::Jpeg),
        Kind::Gif => Some(ImageFormat::Gif),
        Kind::Webp => Some(ImageFormat::WebP),
        _ => None,
    }
}

fn classify(error: image::ImageError) -> ImageError {
    match error {
        image::ImageError::Limits(limit) => ImageError::TooLarge(limit.to_string()),
        other => ImageError::Unreadable(other.to_string()),
    }
}

/// Decodes a raster image under the limits, turned upright by its EXIF orientation. The flag
/// is true when the orientation turned it.
fn decode(bytes: &[u8], kind: Kind) -> Result<(DynamicImage, bool), ImageError> {
    let format = format_of(kind)
        .ok_or_else(|| ImageError::Unreadable(format!("{kind:?} is not a raster image")))?;
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(limits());
    let mut decoder = reader.into_decoder().map_err(classify)?;
    let (width, height) = decoder.dimensions();
    if width > MAX_SIDE || height > MAX_SIDE {
        return Err(ImageError::TooLarge(format!("{width} × {height} pixels")));
    }
    let orientation = decoder.orientation().map_err(classify)?;
    let mut image = DynamicImage::from_decoder(decoder).map_err(classify)?;
    image.apply_orientation(orientation);
    Ok((
        image,
        orientation != image::metadata::Orientation::NoTransforms,
    ))
}

/// Decodes an image and makes its renditions. Blocks: run it on a blocking thread.
pub fn process(bytes: &[u8], kind: Kind) -> Result<Processed, ImageError> {
    let (image, turned) = decode(bytes, kind)?;
    // Stripping the metadata drops the orientation tag too, so a turned photo is stored upright.
    let upright = match (turned, kind) {
        (true, Kind::Jpeg) => Some(rendition(&image, image.width())?.bytes),
        _ => None,
    };
    let (width, height) = (image.width(), image.height());
    let mut renditions = Vec::new();
    for target in RENDITION_WIDTHS {
        if target < width {
            renditions.push(rendition(&image, target)?);
        }
    }
    Ok(Processed {
        width,
        height,
        renditions,
        upright,
    })
}

/// Scales an image to `width`, keeping its proportions, as JPEG, or as PNG when it has
/// transparency.
fn rendition(image: &DynamicImage, width: u32) -> Result<Rendition, ImageError> {
    let scaled_height = u64::from(image.height()) * u64::from(width) / u64::from(image.width());
    let height = u32::try_from(scaled_height.max(1)).unwrap_or(1);
    let scaled = image.resize_exact(width, height, FilterType::Triangle);
    let mut bytes = Vec::new();
    let kind = if scaled.color().has_alpha() {
        scaled
            .write_to(&mut Cursor::new(&mut bytes), ImageFormat::Png)
            .map_err(classify)?;
        Kind::Png
    } else {
        JpegEncoder::new_with_quality(&mut bytes, JPEG_QUALITY)
            .encode_image(&scaled.to_rgb8())
            .map_err(classify)?;
        Kind::Jpeg
    };
    Ok(Rendition {
        width,
        height,
        kind,
        bytes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let image = DynamicImage::new_rgb8(width, height);
        let mut bytes = Vec::new();
        image
            .write_to(&mut Cursor::new(&mut bytes), ImageFormat::Png)
            .unwrap();
        bytes
    }

    #[test]
    fn renditions_never_upscale() {
        let processed = process(&png(2000, 1000), Kind::Png).unwrap();
        let widths: Vec<u32> = processed.renditions.iter().map(|r| r.width).collect();
        assert_eq!(widths, vec![1600, 480]);
        assert_eq!(processed.renditions[0].height, 800);
        assert_eq!(processed.renditions[0].kind, Kind::Jpeg);

        let small = process(&png(300, 200), Kind::Png).unwrap();
        assert!(small.renditions.is_empty());
    }

    #[test]
    fn a_declared_giant_fails_on_its_header() {
        let mut bytes = png(1, 1);
        // IHDR's width and height sit at bytes 16..24, its CRC (over type and data) at 29..33.
        bytes[16..20].copy_from_slice(&50_000u32.to_be_bytes());
        bytes[20..24].copy_from_slice(&50_000u32.to_be_bytes());
        let mut crc = flate2::Crc::new();
        crc.update(&bytes[12..29]);
        bytes[29..33].copy_from_slice(&crc.sum().to_be_bytes());
        let error = process(&bytes, Kind::Png).unwrap_err();
        assert!(matches!(error, ImageError::TooLarge(_)), "{error}");
    }

    #[test]
    fn garbage_after_a_signature_is_unreadable() {
        let error = process(b"\x89PNG\r\n\x1a\nnot really", Kind::Png).unwrap_err();
        assert!(matches!(error, ImageError::Unreadable(_)), "{error}");
    }
}
