//! The secrets the server keeps in its data directory.

use std::io::Write;
use std::path::Path;

use rand::RngCore;

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
    /// `<data_dir>/admin_token`, generated at first start. Both files are
    /// written with mode 0600.
    pub fn load_or_create(data_dir: &Path, admin_token: Option<&str>) -> std::io::Result<Secrets> {
        let key_path = data_dir.join("server_key");
        let server_key = match std::fs::read(&key_path) {
            Ok(bytes) if bytes.len() == 32 => {
                let mut key = [0u8; 32];
                key.copy_from_slice(&bytes);
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
                write_private(&key_path, &key)?;
                key
            }
            Err(e) => return Err(e),
        };

        let admin_token = match admin_token {
            Some(token) if !token.is_empty() => token.to_owned(),
            _ => {
                let token_path = data_dir.join("admin_token");
                match std::fs::read_to_string(&token_path) {
                    Ok(token) if !token.trim().is_empty() => token.trim().to_owned(),
                    Ok(_) | Err(_) => {
                        let token = random_hex(32);
                        write_private(&token_path, format!("{token}\n").as_bytes())?;
                        tracing::info!(
                            path = %token_path.display(),
                            "generated an admin token; read it from this file"
                        );
                        token
                    }
                }
            }
        };
        Ok(Secrets {
            server_key,
            admin_token,
        })
    }
}

/// `n` random bytes as lowercase hex.
pub fn random_hex(n: usize) -> String {
    let mut bytes = vec![0u8; n];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// Writes a file readable only by its owner, durably.
fn write_private(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(contents)?;
    file.sync_all()
}
