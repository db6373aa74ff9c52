//! Password hashing with Argon2id, off the async reactor.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

use crate::error::ApiError;

/// Longest password accepted, in bytes (hashing cost grows with length).
pub const MAX_PASSWORD_BYTES: usize = 256;

/// A PHC-format Argon2id hash of `password`.
pub async fn hash(password: String) -> Result<String, ApiError> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| ApiError::Internal(format!("hashing password: {e}")))
    })
    .await
    .map_err(|e| ApiError::Internal(format!("hashing task: {e}")))?
}

/// Whether `password` matches `stored`. Without a stored hash a dummy hash is
/// checked anyway, so that the answer takes as long for unknown users.
pub async fn verify(password: String, stored: Option<String>) -> Result<bool, ApiError> {
    tokio::task::spawn_blocking(move || {
        let argon = Argon2::default();
        match stored.as_deref().map(PasswordHash::new) {
            Some(Ok(parsed)) => argon.verify_password(password.as_bytes(), &parsed).is_ok(),
            Some(Err(_)) | None => {
                let salt = SaltString::generate(&mut OsRng);
                let _ = argon.hash_password(password.as_bytes(), &salt);
                false
            }
        }
    })
    .await
    .map_err(|e| ApiError::Internal(format!("verifying task: {e}")))
}
