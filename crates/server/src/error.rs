//! The one error type of the service: a documented refusal the client sees,
//! or an internal failure that keeps its cause for the log and shows the
//! client only `-500`. `http::error` turns it into an envelope and logs it,
//! once, with the code it became.

use std::borrow::Cow;

use sixin_api::Code;

use crate::domain::Refusal;
use crate::store::StoreError;

/// A boxed cause.
pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Why a request failed.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A rule or a malformed request refused it.
    #[error(transparent)]
    Refused(#[from] Refusal),
    /// Anything else.
    #[error("internal error")]
    Internal(#[source] BoxError),
}

impl Error {
    /// A malformed request (-400), with a detail for the log.
    pub fn bad_request(detail: impl Into<Cow<'static, str>>) -> Error {
        Error::Refused(Refusal::bad_request(detail))
    }

    /// An internal failure described by `message`.
    pub fn internal(message: impl Into<String>) -> Error {
        Error::Internal(message.into().into())
    }

    /// A failed blocking task.
    pub fn from_join(err: tokio::task::JoinError) -> Error {
        Error::Internal(Box::new(err))
    }

    /// The code the client sees.
    pub fn code(&self) -> Code {
        match self {
            Error::Refused(refusal) => refusal.code,
            Error::Internal(_) => Code::ServerError,
        }
    }
}

impl From<Code> for Error {
    fn from(code: Code) -> Self {
        Error::Refused(code.into())
    }
}

impl From<StoreError> for Error {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::Refused(refusal) => Error::Refused(refusal),
            other => Error::Internal(Box::new(other)),
        }
    }
}
