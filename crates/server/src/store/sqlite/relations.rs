//! User relations in SQLite.

use async_trait::async_trait;

use super::Sqlite;
use crate::store::RelationStore;

#[async_trait]
impl RelationStore for Sqlite {}
