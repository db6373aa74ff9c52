//! Names of uploaded files: the server picks the stored name, the client's
//! name only ever becomes the name a download is saved as, made safe.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The key that names uploaded images, derived from the server's secret.
#[derive(Clone)]
pub struct ImageNameKey([u8; 32]);

impl ImageNameKey {
    pub fn derive(server_key: &[u8; 32]) -> ImageNameKey {
        let mut mac = Hmac::<Sha256>::new_from_slice(server_key).expect("any key length");
        mac.update(b"sixin image names");
        ImageNameKey(mac.finalize().into_bytes().into())
    }

    /// The stored name of an image whose bytes hash to `sha256`: 64 hex
    /// digits, a dot, the extension. The same image always gets the same
    /// name on one server (uploading it twice stores it once), but without
    /// the server's secret nobody can work the name out from the image, so
    /// asking for `/bfs/im/<name>` tells nothing about what was uploaded.
    /// (Images uploaded before were named by their plain SHA-256; those
    /// names keep working.)
    pub fn name(&self, sha256: &[u8; 32], ext: &str) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("any key length");
        mac.update(sha256);
        format!("{}.{ext}", hex::encode(mac.finalize().into_bytes()))
    }
}

/// Longest download name kept, in characters.
pub const MAX_FILENAME_CHARS: usize = 200;

/// The name a client gave, made safe to offer as a download name: its last
/// path component, without control characters, trimmed, at most
/// [`MAX_FILENAME_CHARS`]; `None` when nothing usable is left.
pub fn safe_filename(name: &str) -> Option<String> {
    let last = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = last
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_FILENAME_CHARS)
        .collect();
    let cleaned = cleaned.trim();
    match cleaned {
        "" | "." | ".." => None,
        name => Some(name.to_owned()),
    }
}

/// The extension of a file name, lower case, if it is 1 to 10 ASCII
/// letters and digits (`xx-out.xcf` → `xcf`).
pub fn extension(name: &str) -> Option<String> {
    let last = name.rsplit(['/', '\\']).next().unwrap_or_default();
    let (stem, ext) = last.rsplit_once('.')?;
    let ok = !stem.is_empty()
        && (1..=10).contains(&ext.len())
        && ext.bytes().all(|b| b.is_ascii_alphanumeric());
    ok.then(|| ext.to_ascii_lowercase())
}

/// Whether `key` has the shape of a stored name: 32 lower-case hex digits,
/// a dot and an extension.
pub fn is_file_key(key: &str) -> bool {
    match key.split_once('.') {
        Some((hex, ext)) => {
            hex.len() == 32
                && hex
                    .bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
                && (1..=10).contains(&ext.len())
                && ext
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_names_lose_their_paths_and_controls() {
        assert_eq!(safe_filename("../../etc/passwd").as_deref(), Some("passwd"));
        assert_eq!(
            safe_filename("C:\\Windows\\evil.exe").as_deref(),
            Some("evil.exe")
        );
        assert_eq!(safe_filename("a\r\nb\0.txt").as_deref(), Some("ab.txt"));
        assert_eq!(
            safe_filename("报告 2024.pdf").as_deref(),
            Some("报告 2024.pdf")
        );
        assert_eq!(safe_filename("../"), None);
        assert_eq!(safe_filename(".."), None);
        assert_eq!(safe_filename("   "), None);
        assert_eq!(
            safe_filename(&"x".repeat(500)).unwrap().len(),
            MAX_FILENAME_CHARS
        );
    }

    #[test]
    fn extensions_are_short_and_plain() {
        assert_eq!(extension("./headers/xx-out.xcf").as_deref(), Some("xcf"));
        assert_eq!(extension("A.PNG").as_deref(), Some("png"));
        assert_eq!(extension("ihavenoname"), None);
        assert_eq!(extension(".bashrc"), None);
        assert_eq!(extension("a.tar.gz").as_deref(), Some("gz"));
        assert_eq!(extension("a.ph p"), None);
        assert_eq!(extension("a.verylongextension"), None);
        assert_eq!(extension("dir.d/file"), None);
    }

    #[test]
    fn image_names_are_stable_per_server_and_not_the_plain_hash() {
        let digest = [9u8; 32];
        let key = ImageNameKey::derive(&[1u8; 32]);
        let name = key.name(&digest, "png");
        assert_eq!(name, key.name(&digest, "png"));
        assert_eq!(name.len(), 64 + 4);
        assert!(!name.starts_with(&hex::encode(digest)));
        assert_ne!(name, ImageNameKey::derive(&[2u8; 32]).name(&digest, "png"));
    }

    #[test]
    fn only_server_keys_are_keys() {
        assert!(is_file_key("1a0c88d240852155a111e4cc6893be39.xcf"));
        assert!(!is_file_key("1A0C88D240852155A111E4CC6893BE39.xcf"));
        assert!(!is_file_key("../1a0c88d240852155a111e4cc6893be39.xcf"));
        assert!(!is_file_key("1a0c88d240852155a111e4cc6893be39"));
        assert!(!is_file_key("1a0c88d240852155a111e4cc6893be39.x/y"));
    }
}
