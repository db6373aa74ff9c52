//! `send` and `fetch`: durable one-to-one sends between pairs who follow
//! each other (so the stranger rule never holds one back), from many
//! connections and from one; then 20-message history pages of the same
//! conversations, which the sends have made long. Every acknowledged send
//! is looked for afterwards: the conversations' newest seqnos must have
//! grown by at least as many.

use std::sync::Arc;
use std::time::Duration;

use super::load::{self, Maker, Request};
use super::provision::{max_seqno, send_all, User};
use super::report::{Row, Snapshot};
use super::Bench;

pub const SEND_PATH: &str = "/web_im/v1/web_im/send_msg";

/// The form of a text message from `from` to `to`, unique to `(conn, n)`
/// (so that no send is taken for the retry of another).
pub fn send_form(from: &User, to: u64, conn: usize, n: u64) -> String {
    let content = format!(r#"{{"content":"bench {conn} {n}"}}"#);
    form_urlencoded::Serializer::new(String::new())
        .append_pair("msg[sender_uid]", &from.mid.to_string())
        .append_pair("msg[receiver_id]", &to.to_string())
        .append_pair("msg[receiver_type]", "1")
        .append_pair("msg[msg_type]", "1")
        .append_pair("msg[msg_status]", "0")
        .append_pair("msg[dev_id]", "BENCH-0000-0000-0000-000000000000")
        .append_pair("msg[timestamp]", &(1_000_000 + n).to_string())
        .append_pair("msg[content]", &content)
        .append_pair("csrf", &from.csrf)
        .finish()
}

/// Sends from `pairs[i % len].0` to `.1` on connection `i`.
pub fn send_maker(pairs: Arc<Vec<(User, User)>>, salt: usize) -> Maker {
    Arc::new(move |conn, n| {
        let (from, to) = &pairs[conn % pairs.len()];
        Request::post(
            SEND_PATH.into(),
            Some(from.cookie.clone()),
            send_form(from, to.mid, conn + salt, n),
        )
    })
}

/// How many messages the pairs' conversations hold, together.
pub async fn stored(pairs: &[(User, User)]) -> Result<u64, String> {
    let mut total = 0;
    for (a, b) in pairs {
        total += max_seqno(a, b.mid).await?;
    }
    Ok(total)
}

/// One send load of `connections` over `pairs`; the row, with the stored
/// check in its note (a shortfall counts as errors).
pub async fn send_load(
    bench: &mut Bench,
    variant: &str,
    pairs: &Arc<Vec<(User, User)>>,
    connections: usize,
    duration: Duration,
) -> Result<Row, String> {
    let used = &pairs[..connections.min(pairs.len())];
    let before = stored(used).await?;
    let snapshot = Snapshot::take(&bench.target);
    // Each load gets its own content, so no send repeats an earlier one.
    bench.salt += 1_000_000;
    let make = send_maker(pairs.clone(), bench.salt);
    let outcome = load::run(&bench.target.urls, connections, duration, make, None).await;
    let mut row = Row::new("send", variant, connections, &outcome);
    snapshot.finish(&bench.target, &mut row, Some(outcome.ok));
    let after = stored(used).await?;
    let grown = after - before;
    row.note = format!("stored {grown} of {} acknowledged", outcome.ok);
    if grown < outcome.ok {
        row.errors += outcome.ok - grown;
        row.error_detail = format!("{} lost {}", row.error_detail, outcome.ok - grown);
    }
    Ok(row)
}

/// `send` with every connection, then with one sequential connection.
pub async fn send(bench: &mut Bench) -> Result<(), String> {
    let pairs = bench.pairs().await?;
    let connections = bench.connections;
    let row = send_load(bench, "text", &pairs, connections, bench.duration).await?;
    bench.push(row);
    let row = send_load(bench, "text, sequential", &pairs, 1, bench.duration).await?;
    bench.push(row);
    Ok(())
}

/// The path of a 20-message history page of the conversation with `talker`.
pub fn fetch_path(talker: u64) -> String {
    format!(
        "/svr_sync/v1/svr_sync/fetch_session_msgs?talker_id={talker}&session_type=1&size=20&sender_device_id=1&mobi_app=web"
    )
}

/// History pages of the send pairs' conversations (filled first when no
/// send load ran).
pub async fn fetch(bench: &mut Bench) -> Result<(), String> {
    let pairs = bench.pairs().await?;
    let connections = bench.connections;
    fetch_load(bench, &pairs, connections, "20 messages").await
}

/// One history load of `connections` over the pairs' conversations.
pub async fn fetch_load(
    bench: &mut Bench,
    pairs: &Arc<Vec<(User, User)>>,
    connections: usize,
    variant: &str,
) -> Result<(), String> {
    let history = stored(&pairs[..1]).await?;
    if history < 40 {
        let mut messages = Vec::new();
        for (a, b) in pairs.iter() {
            for i in 0..40 {
                messages.push((a, b.mid, format!("history {i}")));
            }
        }
        send_all(messages).await?;
    }
    let paths: Arc<Vec<(Arc<str>, String)>> = Arc::new(
        pairs
            .iter()
            .map(|(a, b)| (a.cookie.clone(), fetch_path(b.mid)))
            .collect(),
    );
    let make: Maker = Arc::new(move |conn, _| {
        let (cookie, path) = &paths[conn % paths.len()];
        Request::get(path.clone(), Some(cookie.clone()))
    });
    let snapshot = Snapshot::take(&bench.target);
    let outcome = load::run(&bench.target.urls, connections, bench.duration, make, None).await;
    let mut row = Row::new("fetch", variant, connections, &outcome);
    snapshot.finish(&bench.target, &mut row, None);
    row.note = format!(
        "{} messages in the first conversation",
        stored(&pairs[..1]).await?
    );
    bench.push(row);
    Ok(())
}
