//! What `migrate-data` does not copy, and why: the tables and columns one
//! backend has alone (the transfer's tests check that every other table
//! and column is in [`super::tables::TABLES`]).

/// SQLite tables that are not copied as tables, and why.
pub const SQLITE_ONLY: &[&str] = &[
    // Each database's own migrations.
    "sixin_migrations",
    // A counter: see COUNTERS.
    "relation_seq",
    // The readiness probe's row: each database proves its own writes.
    "health_probe",
    // SQLite's own AUTOINCREMENT bookkeeping.
    "sqlite_sequence",
    // Kept by triggers from the tables they count (migrations 0017 and
    // 0018): each database makes its own as the copied rows arrive.
    "unread_versions",
    "follower_buckets",
    // The search index of message texts (FTS5 and its own tables), made by
    // each database from its messages: PostgreSQL searches its own way.
    "message_text",
    "message_text_config",
    "message_text_data",
    "message_text_docsize",
    "message_text_idx",
    // Texts on their way into that index within a transaction (migration
    // 0019): empty once committed.
    "message_text_pending",
];

/// PostgreSQL tables that are not copied, and why.
pub const POSTGRES_ONLY: &[&str] = &[
    // Each database's own migrations.
    "sixin_migrations",
    // What migrate-data records in the target.
    "sixin_transfer",
    "sixin_transfer_tables",
    // The readiness probe's row: each database proves its own writes.
    "health_probe",
    // The reverse of `relations` (migration 0006), written with each
    // batch of `relations` copied (store/postgres/bookkeeping.rs):
    // verified through `relations`, and compared with it by the
    // transfer's tests.
    "followers",
    // Kept as `sessions` (by the copy's own statement, see
    // `store/postgres/messages/last.rs`), `relations`, `group_members` and
    // `followers` (store/postgres/bookkeeping.rs) are
    // written (migrations 0009, 0010 and 0012).
    "unread_versions",
    "follower_buckets",
];

/// PostgreSQL columns of copied tables that are not copied, and why
/// (`(table, column)`).
pub const POSTGRES_ONLY_COLUMNS: &[(&str, &str)] = &[
    // The message a session shows (migration 0007), written by the copy's
    // insert as `sessions` is copied (after `messages`) from the copied
    // messages: compared with what SQLite shows by migrate-data's tests.
    ("sessions", "last_msg"),
];
