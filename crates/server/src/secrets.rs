//! The secrets the server keeps in its data directory.

use std::io::Write;
use std::path::Path;

use rand::RngCore;

use crate::config::Config;
use crate::datadir;

/// Secrets that must survive restarts.
pub struct Secrets {
    /// Key for deriving `bili_jct` from SESSDATA and the WBI key names.
    pub server_key: [u8; 32],
    /// Bearer token of the admin API.
    pub admin_token: String,
}

impl std::fmt::Debug for Secrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secrets { .. }")
    }
}

impl Secrets {
    /// Loads the server key from `<data_dir>/server_key`, creating it at first
    /// start. The admin token is the configured one, else the one in
    /// `<data_dir>/admin_token`, generated at first start. The file always
    /// holds the token in force: a configured token different from the
    /// file's replaces it there, so the CLI (which reads the file) never
    /// holds a stale one. Both files are `0600`.
    pub fn load_or_create(data_dir: &Path, admin_token: Option<&str>) -> std::io::Result<Secrets> {
        let key_path = data_dir.join("server_key");
        let server_key = match std::fs::read(&key_path) {
            Ok(bytes) if bytes.len() == 32 => {
                let mut key = [0u8; 32];
                key.copy_from_slice(&bytes);
                datadir::make_private(&key_path, false)?;
                key
            }
            Ok(_) => {
                return Err(std::io::Error::other(format!(
                    "{} is not a 32-byte key",
                    key_path.display()
                )))
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let mut key = [0u8; 32];
                rand::rngs::OsRng.fill_bytes(&mut key);
                // Nodes sharing the directory may start together: the
                // first key written is everyone's.
                let kept = create_once(&key_path, &key)?;
                key.copy_from_slice(kept.get(..32).ok_or_else(|| {
                    std::io::Error::other(format!("{} is not a 32-byte key", key_path.display()))
                })?);
                key
            }
            Err(e) => return Err(e),
        };

        let token_path = data_dir.join("admin_token");
        let in_file = match std::fs::read_to_string(&token_path) {
            Ok(token) => Some(token.trim().to_owned()).filter(|t| !t.is_empty()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(e),
        };
        let configured = admin_token.map(str::trim).filter(|t| !t.is_empty());
        let admin_token = match (configured, in_file) {
            (Some(token), Some(kept)) if token == kept => {
                datadir::make_private(&token_path, false)?;
                kept
            }
            (Some(token), kept) => {
                write_private(&token_path, format!("{token}\n").as_bytes())?;
                if kept.is_some() {
                    tracing::info!(
                        path = %token_path.display(),
                        "the configured admin token replaces the one in this file"
                    );
                }
                token.to_owned()
            }
            (None, Some(kept)) => {
                datadir::make_private(&token_path, false)?;
                kept
            }
            (None, None) => {
                // Nodes sharing the directory may start together: the
                // first token written is everyone's.
                let token = random_hex(32);
                let kept = create_once(&token_path, format!("{token}\n").as_bytes())?;
                let token = String::from_utf8_lossy(&kept).trim().to_owned();
                tracing::info!(
                    path = %token_path.display(),
                    "generated an admin token; read it from this file"
                );
                token
            }
        };
        Ok(Secrets {
            server_key,
            admin_token,
        })
    }

    /// The configured admin token: `--admin-token` (or its environment
    /// variable), else the contents of `--admin-token-file`.
    pub fn configured_token(config: &Config) -> std::io::Result<Option<String>> {
        if let Some(token) = &config.admin_token {
            return Ok(Some(token.clone()));
        }
        let Some(path) = &config.admin_token_file else {
            return Ok(None);
        };
        let token = std::fs::read_to_string(path).map_err(|e| {
            std::io::Error::new(
                e.kind(),
                format!("cannot read the admin token file {}: {e}", path.display()),
            )
        })?;
        let token = token.trim();
        if token.is_empty() {
            return Err(std::io::Error::other(format!(
                "the admin token file {} is empty",
                path.display()
            )));
        }
        Ok(Some(token.to_owned()))
    }
}

/// `n` random bytes as lowercase hex.
pub fn random_hex(n: usize) -> String {
    let mut bytes = vec![0u8; n];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// Creates `path` with `contents` unless it exists (atomically: whoever
/// links it first wins), and answers what it holds.
fn create_once(path: &Path, contents: &[u8]) -> std::io::Result<Vec<u8>> {
    let staged = path.with_extension(format!("{}.new", random_hex(8)));
    write_private(&staged, contents)?;
    let linked = std::fs::hard_link(&staged, path);
    let _ = std::fs::remove_file(&staged);
    match linked {
        Ok(()) => Ok(contents.to_vec()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => std::fs::read(path),
        Err(e) => Err(e),
    }
}

/// Writes a file readable only by its owner, durably: into a fresh file
/// renamed over `path`, so that a crash leaves the old contents or the new.
fn write_private(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    let fresh = path.with_extension(format!("{}.new", random_hex(8)));
    let mut file = datadir::private_options()
        .write(true)
        .create(true)
        .truncate(true)
        .open(&fresh)?;
    datadir::make_private(&fresh, false)?;
    file.write_all(contents)?;
    file.sync_all()?;
    std::fs::rename(&fresh, path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file_token(dir: &Path) -> String {
        std::fs::read_to_string(dir.join("admin_token"))
            .unwrap()
            .trim()
            .to_owned()
    }

    #[test]
    fn the_token_file_always_holds_the_token_in_force() {
        let dir = tempfile::tempdir().unwrap();
        let generated = Secrets::load_or_create(dir.path(), None).unwrap();
        assert_eq!(file_token(dir.path()), generated.admin_token);
        let again = Secrets::load_or_create(dir.path(), None).unwrap();
        assert_eq!(
            again.admin_token, generated.admin_token,
            "kept across starts"
        );

        let configured = Secrets::load_or_create(dir.path(), Some("configured")).unwrap();
        assert_eq!(configured.admin_token, "configured");
        assert_eq!(
            file_token(dir.path()),
            "configured",
            "the stale one is replaced"
        );
        assert_eq!(configured.server_key, generated.server_key);
    }

    #[cfg(unix)]
    #[test]
    fn secrets_are_private_even_when_they_were_not() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        Secrets::load_or_create(dir.path(), None).unwrap();
        for name in ["server_key", "admin_token"] {
            let path = dir.path().join(name);
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        }
        Secrets::load_or_create(dir.path(), None).unwrap();
        for name in ["server_key", "admin_token"] {
            let mode = std::fs::metadata(dir.path().join(name))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600, "{name}");
        }
    }
}
