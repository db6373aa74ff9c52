//! Message block words in SQLite: at most a few hundred short rows per
//! user, read whole (by `get_block_words`, and by every send to the user).

use rusqlite::{params, Connection};

use crate::domain::message::block::BlockWord;
use crate::domain::Mid;
use crate::store::{Decide, StoreError};

/// `mid`'s words in the order they were added, each with when.
pub(super) fn words_with_time(
    conn: &Connection,
    mid: Mid,
) -> rusqlite::Result<Vec<(BlockWord, i64)>> {
    conn.prepare_cached("SELECT word, ctime FROM message_block_words WHERE mid = ?1 ORDER BY id")?
        .query_map([mid.as_i64()], |r| {
            Ok((BlockWord::stored(r.get(0)?), r.get(1)?))
        })?
        .collect()
}

/// `mid`'s words, in the order they were added.
pub(super) fn words(conn: &Connection, mid: Mid) -> rusqlite::Result<Vec<BlockWord>> {
    Ok(words_with_time(conn, mid)?
        .into_iter()
        .map(|(word, _)| word)
        .collect())
}

pub(super) fn add(
    conn: &Connection,
    mid: Mid,
    word: &BlockWord,
    now: i64,
    decide: Decide<Vec<BlockWord>, ()>,
) -> Result<(), StoreError> {
    decide(&words(conn, mid)?)?;
    conn.prepare_cached(
        "INSERT INTO message_block_words (mid, word, word_key, ctime) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![mid.as_i64(), word.as_str(), word.key(), now])?;
    Ok(())
}

pub(super) fn delete(conn: &Connection, mid: Mid, key: &str) -> rusqlite::Result<()> {
    conn.prepare_cached("DELETE FROM message_block_words WHERE mid = ?1 AND word_key = ?2")?
        .execute(params![mid.as_i64(), key])?;
    Ok(())
}
