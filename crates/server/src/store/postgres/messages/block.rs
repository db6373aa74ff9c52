//! Message block words in PostgreSQL: at most a few hundred short rows per
//! user, read whole (by `get_block_words`; sends read them with their facts).

use deadpool_postgres::GenericClient;

use super::super::{execute, lock, query, Lock};
use crate::domain::message::block::BlockWord;
use crate::domain::Mid;
use crate::store::{Decide, StoreError};

/// `mid`'s words in the order they were added, each with when.
pub(super) async fn words_with_time(
    c: &impl GenericClient,
    mid: Mid,
) -> Result<Vec<(BlockWord, i64)>, StoreError> {
    Ok(query(
        c,
        "SELECT word, ctime FROM message_block_words WHERE mid = $1 ORDER BY id",
        &[&mid.as_i64()],
    )
    .await?
    .iter()
    .map(|r| (BlockWord::stored(r.get(0)), r.get(1)))
    .collect())
}

pub(super) async fn add(
    c: &impl GenericClient,
    mid: Mid,
    word: &BlockWord,
    now: i64,
    decide: Decide<Vec<BlockWord>, ()>,
) -> Result<(), StoreError> {
    lock(c, &[Lock::User(mid)]).await?;
    let words = words_with_time(c, mid)
        .await?
        .into_iter()
        .map(|(word, _)| word)
        .collect();
    decide(&words)?;
    execute(
        c,
        "INSERT INTO message_block_words (mid, word, word_key, ctime) VALUES ($1, $2, $3, $4)",
        &[&mid.as_i64(), &word.as_str(), &word.key(), &now],
    )
    .await?;
    Ok(())
}

pub(super) async fn delete(c: &impl GenericClient, mid: Mid, key: &str) -> Result<(), StoreError> {
    execute(
        c,
        "DELETE FROM message_block_words WHERE mid = $1 AND word_key = $2",
        &[&mid.as_i64(), &key],
    )
    .await?;
    Ok(())
}
