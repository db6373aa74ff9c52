//! What a readiness check finds: whether the database takes writes, and
//! how the part of the backend that carries them is. Each backend says it
//! in its own terms, so that `/health` reports what is true of it: SQLite
//! writes through one writer thread, PostgreSQL through pooled connections.

use std::time::Duration;

/// Whether a probe write was committed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Database {
    /// It was: the database takes writes.
    Writable,
    /// The database answered and refused it (read-only, disk full, ...).
    NotWritable,
    /// No answer came from the database (see the write path).
    Unknown,
}

/// The part of a backend that carries writes, and how it was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WritePath {
    /// SQLite's writer thread: `"alive"` (it ran the probe, whatever the
    /// database said), `"stopped"` (the store is closed) or `"not
    /// answering"` (no answer in time).
    Writer(&'static str),
    /// A pooled PostgreSQL connection: `"answering"` (one ran the probe,
    /// whatever the database said), `"closed"` (the pool is), `"no
    /// connection"` (none could be had), `"connection lost"` (one failed
    /// before the database answered) or `"not answering"` (no answer in
    /// time).
    Pool(&'static str),
}

/// What a readiness check found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Readiness {
    pub database: Database,
    pub path: WritePath,
}

impl Readiness {
    /// Ready to serve: the probe write was committed.
    pub fn is_ready(&self) -> bool {
        self.database == Database::Writable
    }
}

/// How long a readiness check may take before the write path counts as
/// not answering.
pub const PROBE_TIMEOUT: Duration = Duration::from_secs(5);
