//! `push`: how long a message takes from the start of its `send_msg` to its
//! `message` frame on the receiver's WebSocket (`/sixin/v1/events`), and the
//! server's memory with many idle push connections open.

use std::time::{Duration, Instant};

use futures_util::stream::{self, StreamExt};
use sixin_api::push::ServerFrame;
use sixin_client::push::Events;
use sixin_client::Client;

use super::load::{histogram, Outcome};
use super::provision::{befriend, User};
use super::report::{rss, Row, Snapshot};
use super::Bench;

/// Pairs measuring message-to-event latency at once.
const PAIRS: usize = 4;

/// Push connections one user may hold by default (`--push-max-per-user`).
const PER_USER: usize = 8;

pub async fn push(bench: &mut Bench) -> Result<(), String> {
    latency(bench).await?;
    idle(bench).await
}

async fn latency(bench: &mut Bench) -> Result<(), String> {
    let senders = bench.provisioner.users("pusher", PAIRS).await?;
    let receivers = bench.provisioner.users("listener", PAIRS).await?;
    let pairs: Vec<(User, User)> = senders.into_iter().zip(receivers).collect();
    befriend(&pairs).await?;
    // With several nodes, the message goes in at another node than the
    // one holding the receiver's connection (through NATS).
    let second = bench.target.urls.get(1).cloned();
    let across = second.is_some();
    let snapshot = Snapshot::take(&bench.target);
    let deadline = Instant::now() + bench.duration;
    let started = Instant::now();
    let runs = pairs.into_iter().map(|(from, to)| {
        let sender = match (&second, from.client.cookies()) {
            (Some(url), Some(cookies)) => Client::new(url).with_cookies(cookies.clone()),
            _ => from.client.clone(),
        };
        async move {
            let mut events = to
                .client
                .events(None)
                .await
                .map_err(|e| format!("push connection: {e}"))?;
            // The hello frame first.
            next_frame(&mut events).await?;
            let mut one = (0u64, 0u64, histogram());
            let mut n = 0u64;
            while Instant::now() < deadline {
                n += 1;
                let text = format!("push {} {n}", from.mid);
                let sent_at = Instant::now();
                let answer = sender.send_text(to.mid, &text).await;
                if !matches!(&answer, Ok(a) if a.code == 0) {
                    one.1 += 1;
                    continue;
                }
                loop {
                    match next_frame(&mut events).await? {
                        ServerFrame::Message { message, .. } if message.content.contains(&text) => {
                            let micros = sent_at.elapsed().as_micros() as u64;
                            let _ = one.2.record(micros.max(1));
                            one.0 += 1;
                            break;
                        }
                        _ => continue,
                    }
                }
            }
            events.close().await;
            Ok::<_, String>(one)
        }
    });
    let mut outcome = Outcome {
        ok: 0,
        errors: Default::default(),
        latency: histogram(),
        elapsed: Duration::ZERO,
    };
    for one in futures_util::future::join_all(runs).await {
        let (ok, failed, latency) = one?;
        outcome.ok += ok;
        if failed > 0 {
            *outcome.errors.entry("send".into()).or_default() += failed;
        }
        let _ = outcome.latency.add(&latency);
    }
    outcome.elapsed = started.elapsed();
    let variant = if across {
        "message to event, across nodes"
    } else {
        "message to event"
    };
    let mut row = Row::new("push", variant, PAIRS, &outcome);
    snapshot.finish(&bench.target, &mut row, None);
    row.cpu_per_request = None;
    row.note = "latency from send_msg to the receiver's frame".into();
    bench.push(row);
    Ok(())
}

async fn next_frame(events: &mut Events) -> Result<ServerFrame, String> {
    match tokio::time::timeout(Duration::from_secs(10), events.next()).await {
        Ok(Some(Ok(frame))) => Ok(frame),
        Ok(Some(Err(e))) => Err(format!("push connection: {e}")),
        Ok(None) => Err("the push connection closed".into()),
        Err(_) => Err("no push frame within 10 s".into()),
    }
}

async fn idle(bench: &mut Bench) -> Result<(), String> {
    let n = bench.sizes.push_idle;
    let users = bench
        .provisioner
        .users("idler", n.div_ceil(PER_USER))
        .await?;
    let before = rss(&bench.target.pids);
    let started = Instant::now();
    let opened: Vec<Result<Events, String>> = stream::iter(0..n)
        .map(|i| {
            let user = &users[i / PER_USER];
            async move {
                let mut events = user.client.events(None).await.map_err(|e| e.to_string())?;
                next_frame(&mut events).await?;
                Ok(events)
            }
        })
        .buffer_unordered(64)
        .collect()
        .await;
    let elapsed = started.elapsed();
    // Settle, then read the memory the open connections hold.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let held = rss(&bench.target.pids);
    let mut outcome = Outcome {
        ok: 0,
        errors: Default::default(),
        latency: histogram(),
        elapsed,
    };
    let mut sockets = Vec::new();
    for one in opened {
        match one {
            Ok(events) => {
                outcome.ok += 1;
                sockets.push(events);
            }
            Err(e) => *outcome.errors.entry(e).or_default() += 1,
        }
    }
    let mut row = Row::new("push", &format!("{n} idle connections"), n, &outcome);
    row.peak_rss = held;
    row.note = match (before, held) {
        (Some(b), Some(h)) => format!(
            "RSS {:.1} MB before, {:.1} MB held ({:.1} kB per connection); req/s = connections opened/s",
            b as f64 / 1024.0,
            h as f64 / 1024.0,
            (h as f64 - b as f64) / n.max(1) as f64
        ),
        _ => "req/s = connections opened/s".into(),
    };
    drop(sockets);
    bench.push(row);
    Ok(())
}
