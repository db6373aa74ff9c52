//! Throttle state: the strikes of each key (`domain::throttle`), stored so
//! that a limit holds across restarts and across nodes.

use async_trait::async_trait;

use super::{Decide, StoreError};
use crate::domain::throttle::{Remembered, Strikes, ThrottleKey};

#[async_trait]
pub trait ThrottleStore: Send + Sync {
    /// The strikes of `key` (the default when nothing is remembered).
    async fn strikes(&self, key: ThrottleKey) -> Result<Strikes, StoreError>;

    /// Reads `key`'s strikes, runs `decide`, and stores the strikes it
    /// returns (`None`: writes nothing) until their `forget_at_ms`; strikes
    /// already forgettable at `now_ms` are forgotten instead. Every key
    /// forgettable at `now_ms` is forgotten too (not always in the same
    /// transaction), so the table keeps only live keys.
    async fn update_strikes(
        &self,
        key: ThrottleKey,
        now_ms: i64,
        decide: Decide<Strikes, Option<Remembered>>,
    ) -> Result<(), StoreError>;
}
