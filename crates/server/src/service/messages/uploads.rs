//! Images uploaded for image messages
//! (`POST /x/dynamic/feed/draw/upload_bfs`), and reading them back.
//!
//! An upload arrives as a staged file (never in memory). Before it is
//! stored it must be one well-formed image of a kind sixin accepts (PNG,
//! JPEG, GIF, WebP, BMP), else 21037:
//! - the `image` crate reads the header for the real dimensions, and an
//!   image of more than the configured pixels (every frame of an animation
//!   counted) is refused before any pixel is decoded, so that a small file
//!   cannot make the server allocate a huge one;
//! - then every frame is decoded (under memory limits the header
//!   justifies, two images at a time), which proves the pixel data whole;
//! - and the file must end where its format's trailer says it ends, so a
//!   valid image with anything glued after it is refused.
//!
//! Files are named by a keyed hash of their bytes (`ImageNameKey`: the same
//! image gets the same name, but nobody without the server's secret can
//! work it out, so `/bfs/im/` cannot be probed for an image); images
//! uploaded earlier were named by their plain SHA-256 and keep their
//! names. The bytes are stored (durably) before the upload is recorded, so
//! an acknowledged upload survives a crash.

use std::io::{BufReader, Read};
use std::path::Path;

use image::codecs::gif::GifDecoder;
use image::codecs::webp::WebPDecoder;
use image::{AnimationDecoder, ImageFormat, ImageReader, Limits};
use sha2::{Digest, Sha256};
use sixin_api::Code;

use super::MessageService;
use crate::domain::{Mid, Refusal};
use crate::error::Error;
use crate::store::catalogue::Upload;
use crate::store::files::{ByteStream, Staged};

/// Path under which uploaded images are served.
pub const IMAGE_PATH: &str = "/bfs/im/";

/// Whether `name` looks like a name this server gave an upload.
pub fn valid_upload_name(name: &str) -> bool {
    match name.split_once('.') {
        Some((hash, ext)) => {
            hash.len() == 64
                && hash
                    .bytes()
                    .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
                && matches!(ext, "png" | "jpg" | "gif" | "webp" | "bmp")
        }
        None => false,
    }
}

/// What checking an image found.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Checked {
    ext: &'static str,
    mime: &'static str,
    width: u32,
    height: u32,
    sha256: [u8; 32],
}

fn invalid(detail: impl Into<std::borrow::Cow<'static, str>>) -> Refusal {
    Refusal::new(Code::ImageInvalid, detail)
}

/// The image check of `upload_bfs` on the file at `path`, for the fuzz
/// targets (`crate::fuzzing`).
pub(crate) fn check_image_file(path: &Path, max_pixels: u64) -> Result<(), Refusal> {
    check_image(path, max_pixels).map(|_| ())
}

/// Checks the image in the file at `path` (see the module's header).
fn check_image(path: &Path, max_pixels: u64) -> Result<Checked, Refusal> {
    let io = |e: std::io::Error| invalid(format!("reading the upload: {e}"));
    let reader = ImageReader::open(path)
        .map_err(io)?
        .with_guessed_format()
        .map_err(io)?;
    let (ext, mime) = match reader.format() {
        Some(ImageFormat::Png) => ("png", "image/png"),
        Some(ImageFormat::Jpeg) => ("jpg", "image/jpeg"),
        Some(ImageFormat::Gif) => ("gif", "image/gif"),
        Some(ImageFormat::WebP) => ("webp", "image/webp"),
        Some(ImageFormat::Bmp) => ("bmp", "image/bmp"),
        _ => return Err(invalid("not an image of an accepted kind")),
    };
    let format = reader.format().expect("matched above");
    let (width, height) = reader
        .into_dimensions()
        .map_err(|e| invalid(format!("image header: {e}")))?;
    let pixels = u64::from(width) * u64::from(height);
    if pixels == 0 || pixels > max_pixels {
        return Err(invalid(format!(
            "{width}x{height} is over {max_pixels} pixels"
        )));
    }
    let mut limits = Limits::default();
    limits.max_image_width = Some(width);
    limits.max_image_height = Some(height);
    // Room for the decoded frame and the decoder's own buffers.
    limits.max_alloc = Some(pixels.saturating_mul(16).saturating_add(64 << 20));
    decode_all(path, format, limits, max_pixels, pixels)?;
    let file = std::fs::File::open(path).map_err(io)?;
    let len = file.metadata().map_err(io)?.len();
    if !ends_where_it_should(ext, &file, len).map_err(io)? {
        return Err(invalid("bytes after the end of the image"));
    }
    Ok(Checked {
        ext,
        mime,
        width,
        height,
        sha256: sha256_of(path).map_err(io)?,
    })
}

/// Decodes every frame; animations may hold `max_pixels` over all frames.
fn decode_all(
    path: &Path,
    format: ImageFormat,
    limits: Limits,
    max_pixels: u64,
    frame_pixels: u64,
) -> Result<(), Refusal> {
    let broken = |e: image::ImageError| invalid(format!("image data: {e}"));
    let open = || {
        std::fs::File::open(path)
            .map(BufReader::new)
            .map_err(|e| invalid(format!("reading the upload: {e}")))
    };
    let frames = match format {
        ImageFormat::Gif => {
            let mut decoder = GifDecoder::new(open()?).map_err(broken)?;
            image::ImageDecoder::set_limits(&mut decoder, limits.clone()).map_err(broken)?;
            Some(decoder.into_frames())
        }
        ImageFormat::WebP => {
            let mut decoder = WebPDecoder::new(open()?).map_err(broken)?;
            if decoder.has_animation() {
                image::ImageDecoder::set_limits(&mut decoder, limits.clone()).map_err(broken)?;
                Some(decoder.into_frames())
            } else {
                None
            }
        }
        _ => None,
    };
    match frames {
        Some(frames) => {
            let mut decoded = 0u64;
            for frame in frames {
                frame.map_err(broken)?;
                decoded += frame_pixels;
                if decoded > max_pixels {
                    return Err(invalid(format!(
                        "animation frames hold over {max_pixels} pixels"
                    )));
                }
            }
            if decoded == 0 {
                return Err(invalid("an animation without frames"));
            }
        }
        None => {
            let mut reader = ImageReader::with_format(open()?, format);
            reader.limits(limits);
            reader.decode().map_err(broken)?;
        }
    }
    Ok(())
}

/// Whether the file is exactly one image: walking its format's structure
/// (PNG chunks, JPEG segments and entropy-coded data, GIF blocks, the RIFF
/// and BMP sizes) ends exactly at the end of the file.
fn ends_where_it_should(ext: &str, file: &std::fs::File, len: u64) -> std::io::Result<bool> {
    let mut r = Walker {
        inner: BufReader::new(file),
        at: 0,
    };
    let end = match ext {
        "png" => png_end(&mut r),
        "jpg" => jpeg_end(&mut r),
        "gif" => gif_end(&mut r),
        "webp" => {
            r.skip(4)?;
            let size = r.le32()?;
            Ok(size + 8)
        }
        "bmp" => {
            r.skip(2)?;
            r.le32()
        }
        _ => return Ok(false),
    };
    match end {
        Ok(end) => Ok(end == len),
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => Ok(false),
        Err(e) => Err(e),
    }
}

/// Sequential reads that know where they are.
struct Walker<R> {
    inner: R,
    at: u64,
}

impl<R: Read> Walker<R> {
    fn byte(&mut self) -> std::io::Result<u8> {
        let mut b = [0u8; 1];
        self.inner.read_exact(&mut b)?;
        self.at += 1;
        Ok(b[0])
    }

    fn bytes<const N: usize>(&mut self) -> std::io::Result<[u8; N]> {
        let mut b = [0u8; N];
        self.inner.read_exact(&mut b)?;
        self.at += N as u64;
        Ok(b)
    }

    fn skip(&mut self, n: u64) -> std::io::Result<()> {
        let copied = std::io::copy(&mut (&mut self.inner).take(n), &mut std::io::sink())?;
        self.at += copied;
        if copied < n {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        Ok(())
    }

    fn le32(&mut self) -> std::io::Result<u64> {
        Ok(u64::from(u32::from_le_bytes(self.bytes()?)))
    }
}

fn png_end<R: Read>(r: &mut Walker<R>) -> std::io::Result<u64> {
    r.skip(8)?;
    loop {
        let len = u64::from(u32::from_be_bytes(r.bytes()?));
        let kind: [u8; 4] = r.bytes()?;
        r.skip(len + 4)?;
        if &kind == b"IEND" {
            return Ok(r.at);
        }
    }
}

fn jpeg_end<R: Read>(r: &mut Walker<R>) -> std::io::Result<u64> {
    r.skip(2)?;
    let mut marker = None;
    loop {
        let m = match marker.take() {
            Some(m) => m,
            None => {
                if r.byte()? != 0xFF {
                    return Ok(0);
                }
                let mut m = r.byte()?;
                while m == 0xFF {
                    m = r.byte()?;
                }
                m
            }
        };
        match m {
            0xD9 => return Ok(r.at),
            0x01 | 0xD0..=0xD7 => {}
            _ => {
                let len = u64::from(u16::from_be_bytes(r.bytes()?));
                r.skip(len.saturating_sub(2))?;
                if m == 0xDA {
                    // Entropy-coded data runs to the next marker that is
                    // neither a stuffed 0xFF00 nor a restart marker.
                    loop {
                        if r.byte()? != 0xFF {
                            continue;
                        }
                        let mut next = r.byte()?;
                        while next == 0xFF {
                            next = r.byte()?;
                        }
                        if next != 0x00 && !(0xD0..=0xD7).contains(&next) {
                            marker = Some(next);
                            break;
                        }
                    }
                }
            }
        }
    }
}

fn gif_end<R: Read>(r: &mut Walker<R>) -> std::io::Result<u64> {
    r.skip(10)?;
    let flags = r.byte()?;
    r.skip(2)?;
    if flags & 0x80 != 0 {
        r.skip(3 << ((flags & 7) + 1))?;
    }
    let sub_blocks = |r: &mut Walker<R>| -> std::io::Result<()> {
        loop {
            let n = r.byte()?;
            if n == 0 {
                return Ok(());
            }
            r.skip(u64::from(n))?;
        }
    };
    loop {
        match r.byte()? {
            0x3B => return Ok(r.at),
            0x21 => {
                r.skip(1)?;
                sub_blocks(r)?;
            }
            0x2C => {
                r.skip(8)?;
                let flags = r.byte()?;
                if flags & 0x80 != 0 {
                    r.skip(3 << ((flags & 7) + 1))?;
                }
                r.skip(1)?;
                sub_blocks(r)?;
            }
            _ => return Ok(0),
        }
    }
}

fn sha256_of(path: &Path) -> std::io::Result<[u8; 32]> {
    let mut file = std::fs::File::open(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            return Ok(hasher.finalize().into());
        }
        hasher.update(&buf[..n]);
    }
}

impl MessageService {
    /// Stores an image `owner` uploaded (staged); 21037 when it is not one
    /// well-formed image of a kind sixin accepts, or has too many pixels.
    pub async fn upload_image(&self, owner: Mid, mut staged: Staged) -> Result<Upload, Error> {
        staged.finish().await?;
        let path = staged.path().to_owned();
        let max_pixels = self.limits.max_image_pixels;
        let checked = {
            let _permit = self
                .decoding
                .acquire()
                .await
                .map_err(|e| Error::internal(e.to_string()))?;
            tokio::task::spawn_blocking(move || check_image(&path, max_pixels))
                .await
                .map_err(Error::from_join)??
        };
        let name = self.image_names.name(&checked.sha256, checked.ext);
        let upload = Upload {
            name: name.clone(),
            owner,
            mime: checked.mime.into(),
            width: checked.width,
            height: checked.height,
            bytes: staged.len(),
            created_at: self.clock.now_secs(),
        };
        self.files.put(&name, staged).await?;
        self.store.record_upload(upload.clone()).await?;
        Ok(upload)
    }

    /// An uploaded image and its bytes (-404 for a name never given out).
    pub async fn image(&self, name: &str) -> Result<(Upload, ByteStream), Error> {
        let not_found = || Error::from(Refusal::new(Code::NotFound, "no such upload"));
        if !valid_upload_name(name) {
            return Err(not_found());
        }
        let upload = self
            .store
            .upload(name.to_owned())
            .await?
            .ok_or_else(not_found)?;
        let bytes = self
            .files
            .get(name, 0..upload.bytes)
            .await?
            .ok_or_else(|| Error::internal(format!("upload {name} has no file")))?;
        Ok((upload, bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_server_given_names_are_valid() {
        let hash = "a".repeat(64);
        assert!(valid_upload_name(&format!("{hash}.png")));
        assert!(!valid_upload_name(&format!("{hash}.exe")));
        assert!(!valid_upload_name("../../etc/passwd"));
        assert!(!valid_upload_name(&format!("{}.png", "A".repeat(64))));
    }

    fn check(bytes: &[u8], max_pixels: u64) -> Result<Checked, Refusal> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("upload");
        std::fs::write(&path, bytes).unwrap();
        check_image(&path, max_pixels)
    }

    #[test]
    fn images_are_recognised_by_their_bytes() {
        let png = include_bytes!("../../../assets/noface.png");
        let checked = check(png, 40_000_000).unwrap();
        assert_eq!(
            (checked.ext, checked.mime, checked.width, checked.height),
            ("png", "image/png", 96, 96)
        );
        assert_eq!(checked.sha256, <[u8; 32]>::from(Sha256::digest(png)));
        for junk in [&b"GIF89a but not really"[..], b"hello", b""] {
            assert_eq!(
                check(junk, 40_000_000).unwrap_err().code,
                Code::ImageInvalid
            );
        }
    }

    #[test]
    fn broken_or_padded_images_are_refused() {
        let png = include_bytes!("../../../assets/noface.png");
        let mut truncated = png.to_vec();
        truncated.truncate(png.len() - 12);
        assert!(check(&truncated, 40_000_000).is_err());
        // A corrupted byte in the middle of the pixel data.
        let mut corrupted = png.to_vec();
        let middle = corrupted.len() / 2;
        corrupted[middle] ^= 0xff;
        assert!(check(&corrupted, 40_000_000).is_err());
        // Two images glued together are not one image.
        let mut twice = png.to_vec();
        twice.extend_from_slice(b"junk");
        twice.extend_from_slice(png);
        assert!(check(&twice, 40_000_000).is_err());
    }

    #[test]
    fn every_accepted_format_is_checked_to_its_end() {
        let picture = image::DynamicImage::ImageRgb8(image::RgbImage::from_fn(40, 30, |x, y| {
            image::Rgb([x as u8 * 6, y as u8 * 8, 128])
        }));
        for (format, ext) in [
            (ImageFormat::Png, "png"),
            (ImageFormat::Jpeg, "jpg"),
            (ImageFormat::Gif, "gif"),
            (ImageFormat::WebP, "webp"),
            (ImageFormat::Bmp, "bmp"),
        ] {
            let mut bytes = std::io::Cursor::new(Vec::new());
            picture.write_to(&mut bytes, format).unwrap();
            let bytes = bytes.into_inner();
            let checked = check(&bytes, 40_000_000).unwrap();
            assert_eq!((checked.ext, checked.width, checked.height), (ext, 40, 30));
            let mut padded = bytes.clone();
            padded.extend_from_slice(&bytes);
            assert!(check(&padded, 40_000_000).is_err(), "{ext} twice");
            let mut cut = bytes.clone();
            cut.truncate(bytes.len() - 3);
            assert!(check(&cut, 40_000_000).is_err(), "{ext} cut short");
        }
    }

    #[test]
    fn the_pixel_cap_is_read_from_the_header() {
        let png = include_bytes!("../../../assets/noface.png");
        assert!(check(png, 96 * 96).is_ok());
        assert_eq!(
            check(png, 96 * 96 - 1).unwrap_err().code,
            Code::ImageInvalid
        );
    }
}
