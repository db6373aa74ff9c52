//! Attacks on the running server, each tried through HTTP and expected to
//! be refused or harmless: guessing passwords, QR-code keys and the admin
//! token; stale sessions (remembered ones too, on one node and across
//! nodes); reading what others keep private.

mod privacy;
mod remembered;
mod remembered_nodes;
mod sessions;
mod throttles;
