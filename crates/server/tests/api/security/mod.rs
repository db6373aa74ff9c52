//! Attacks on the running server, each tried through HTTP and expected to
//! be refused or harmless: guessing passwords, QR-code keys and the admin
//! token; stale sessions; reading what others keep private.

mod privacy;
mod sessions;
mod throttles;
