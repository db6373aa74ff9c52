//! The domain: types that cannot hold an invalid value, and the rules of the
//! service as pure functions of facts. No I/O, no clock, no HTTP, no SQL;
//! everything else may use it.
//!
//! A write's rules are decisions: a function takes the facts a backend read
//! inside its write transaction and returns either a [`Refusal`] or the plan
//! the backend applies in that same transaction (see `crate::store`).

pub mod account;
pub mod client;
pub mod group;
mod ids;
pub mod lists;
pub mod message;
pub mod paging;
pub mod presign;
pub mod qrlogin;
pub mod relation;
pub mod system;
pub mod tag;
pub mod throttle;
pub mod upload;

use std::borrow::Cow;

use sixin_api::Code;

pub use account::{Profile, Uname};
pub use ids::{Mid, MsgKey, Seqno, TagId};

/// Why a rule refused: the documented code the client sees, and a detail
/// for the log (never shown).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{code} ({detail})")]
pub struct Refusal {
    pub code: Code,
    pub detail: Cow<'static, str>,
}

impl Refusal {
    /// A refusal with a detail for the log.
    pub fn new(code: Code, detail: impl Into<Cow<'static, str>>) -> Refusal {
        Refusal {
            code,
            detail: detail.into(),
        }
    }

    /// A malformed request (-400).
    pub fn bad_request(detail: impl Into<Cow<'static, str>>) -> Refusal {
        Refusal::new(Code::BadRequest, detail)
    }
}

impl From<Code> for Refusal {
    fn from(code: Code) -> Self {
        Refusal::new(code, code.message())
    }
}
