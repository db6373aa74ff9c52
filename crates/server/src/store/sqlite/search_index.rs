//! Writing the search index of message texts (`message_text`, migration
//! 0015): the texts the trigger of migration 0019 queued in
//! `message_text_pending` during a transaction go into the index with one
//! statement, just before that transaction commits.
//!
//! Why not from the trigger: FTS5 writes its pending terms out as a new
//! segment whenever a savepoint begins or ends, and the writer wraps each
//! operation of a group commit in a savepoint, so every message became a
//! segment of its own, to be merged again later. Indexed here, a batch of
//! messages is one segment. Every connection that commits messages calls
//! [`index_queued`] before its `COMMIT` (the writer thread, bulk loads);
//! a savepoint rolled back drops what it queued, so a failed operation
//! leaves nothing in the index.

use rusqlite::Connection;

/// Moves every queued text into the index and empties the queue, in the
/// caller's transaction.
pub(super) fn index_queued(conn: &Connection) -> rusqlite::Result<()> {
    // In key order: FTS5 appends rowids that only grow most cheaply.
    let moved = conn
        .prepare_cached(
            "INSERT INTO message_text (rowid, text)
             SELECT msg_key, text FROM message_text_pending ORDER BY msg_key",
        )?
        .execute([])?;
    // Only when something was queued: emptying an empty table still
    // rewrites its root page, a page more in the WAL for every commit that
    // wrote no message (acks, settings, relations).
    if moved > 0 {
        conn.prepare_cached("DELETE FROM message_text_pending")?
            .execute([])?;
    }
    Ok(())
}
