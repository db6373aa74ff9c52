//! sixin's own operational endpoints (not part of Bilibili's documents):
//! health for load balancers and supervisors.

use serde::{Deserialize, Serialize};

/// Body of `GET /health`: HTTP 200 when ready, 503 when not.
///
/// What carries writes depends on the backend, and the body names it:
/// `writer` on SQLite (its one writer thread), `pool` on PostgreSQL (its
/// pooled connections); the other is absent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Health {
    /// The process answers (always `true` in an answer).
    pub live: bool,
    /// It can serve requests: a probe write was committed.
    pub ready: bool,
    /// `"sqlite"` or `"postgresql"`.
    pub backend: String,
    /// `"writable"`; `"not writable"` when the database refused the probe
    /// write; `"unknown"` when no answer came from it.
    pub database: String,
    /// SQLite: `"alive"` (the writer thread ran the probe), `"stopped"` or
    /// `"not answering"`. Absent on PostgreSQL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub writer: Option<String>,
    /// PostgreSQL: `"answering"` (a pooled connection ran the probe),
    /// `"closed"`, `"no connection"`, `"connection lost"` or `"not
    /// answering"`. Absent on SQLite.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pool: Option<String>,
}
