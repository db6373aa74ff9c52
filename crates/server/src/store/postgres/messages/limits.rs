//! What a send remembers of its sender in PostgreSQL: its retry
//! fingerprints (so that a retry answers the first send) and its
//! rate-limit state; user and group sends alike.

use super::super::Pipeline;
use crate::domain::message::rate::SendRate;
use crate::domain::message::send::Fingerprint;
use crate::domain::{Mid, Seqno};

/// Remembers a send's retry fingerprint (forgetting `sender`'s ones older
/// than the retry window, which starts at `since`, or now), pointing at the
/// message the pipeline inserted at `seqno` of `conversation` before this.
pub(in crate::store::postgres) fn remember_retry(
    pipeline: &mut Pipeline,
    sender: Mid,
    fingerprint: Fingerprint,
    since: Option<i64>,
    now_us: i64,
    conversation: i64,
    seqno: Seqno,
) {
    let now_secs = now_us / 1_000_000;
    let sender = sender.as_i64();
    pipeline.push(
        "DELETE FROM send_retries WHERE sender = $1 AND created_at < $2",
        vec![Box::new(sender), Box::new(since.unwrap_or(now_secs))],
    );
    pipeline.push(
        "INSERT INTO send_retries (sender, fingerprint, msg_key, created_at)
         SELECT $1, $2, msg_key, $3 FROM messages WHERE conversation_id = $4 AND seqno = $5
         ON CONFLICT (sender, fingerprint) DO UPDATE SET
            msg_key = excluded.msg_key, created_at = excluded.created_at",
        vec![
            Box::new(sender),
            Box::new(fingerprint.to_vec()),
            Box::new(now_secs),
            Box::new(conversation),
            Box::new(seqno.get() as i64),
        ],
    );
}

/// Stores `mid`'s rate-limit state.
pub(in crate::store::postgres) fn store_rate(pipeline: &mut Pipeline, mid: Mid, rate: &SendRate) {
    pipeline.push(
        "INSERT INTO send_rates (mid, window_start, count, strikes) VALUES ($1, $2, $3, $4)
         ON CONFLICT (mid) DO UPDATE SET window_start = excluded.window_start,
            count = excluded.count, strikes = excluded.strikes",
        vec![
            Box::new(mid.as_i64()),
            Box::new(rate.window_start),
            Box::new(i64::from(rate.count)),
            Box::new(rate.strikes.clone()),
        ],
    );
}
