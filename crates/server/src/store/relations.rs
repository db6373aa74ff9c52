//! Storage operations of the user-relation family.

use async_trait::async_trait;

/// Follows, quiet follows, blocks, fans and follow groups.
#[async_trait]
pub trait RelationStore: Send + Sync {}
