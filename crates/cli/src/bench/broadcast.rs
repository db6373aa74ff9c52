//! `broadcast`: one admin push (`POST /admin/v1/messages`) from a system
//! account to many users, timed to completion through
//! `GET /admin/v1/messages/{job}`, while one-to-one sends go on and their
//! latency is measured. On a server the bench started the push goes to
//! `"all"`; on a running server (`--url`) only to the users the bench made.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use sixin_api::admin::{AccountInfoInput, Everyone, PatchUser, PushMessage, Receivers};
use sixin_client::EnvelopeExt;

use super::load;
use super::messages::{send_maker, stored};
use super::provision::UnitEnvelope;
use super::report::{Row, Snapshot};
use super::Bench;

/// The content of the pushed notice (msg_type 10).
const NOTICE: &str = r#"{"title":"bench","text":"a broadcast of sixin bench"}"#;

/// Connections sending one-to-one messages during the push.
const SENDERS: usize = 4;

/// Receivers per push job when pushing to a list.
const CHUNK: usize = 20_000;

pub async fn broadcast(bench: &mut Bench) -> Result<(), String> {
    let system = bench.provisioner.user("notice").await?;
    let patch = PatchUser {
        system_msg_type: Some(5),
        account_info: Some(AccountInfoInput {
            name: Some("bench notices".into()),
            pic_url: Some("https://img.example.test/bench.png".into()),
        }),
        ..PatchUser::default()
    };
    bench
        .provisioner
        .admin
        .patch_user(system.mid, &patch)
        .await
        .map_err(|e| e.to_string())?
        .into_data_or_unit()?;
    // Preloaded users are pushed to by list (in jobs of at most CHUNK, the
    // admin API's body limit), so that the count is the one asked for
    // whatever else was preloaded; otherwise new users, and on a server the
    // bench started, everyone.
    let lists: Vec<Receivers> = match bench.preloaded.users {
        Some(users) => {
            let last = users.min(bench.sizes.broadcast as u64 + 1);
            let mids: Vec<u64> = (2..=last).collect();
            mids.chunks(CHUNK)
                .map(|chunk| Receivers::List(chunk.to_vec()))
                .collect()
        }
        None => {
            let users = bench
                .provisioner
                .users("reader", bench.sizes.broadcast)
                .await?;
            if bench.fresh {
                vec![Receivers::Everyone(Everyone::All)]
            } else {
                let mids: Vec<u64> = users.iter().map(|u| u.mid).collect();
                mids.chunks(CHUNK)
                    .map(|chunk| Receivers::List(chunk.to_vec()))
                    .collect()
            }
        }
    };
    let pairs = bench.pairs().await?;
    let senders = SENDERS.min(pairs.len());
    let before = stored(&pairs[..senders]).await?;

    let snapshot = Snapshot::take(&bench.target);
    let stop = Arc::new(AtomicBool::new(false));
    bench.salt += 1_000_000;
    let (urls, make, halt) = (
        bench.target.urls.clone(),
        send_maker(pairs.clone(), bench.salt),
        stop.clone(),
    );
    let sends = tokio::spawn(async move {
        load::run(&urls, senders, Duration::from_secs(3600), make, Some(halt)).await
    });
    // The sends get going before the push starts.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let started = Instant::now();
    let mut jobs = Vec::new();
    for receivers in lists {
        let job = bench
            .provisioner
            .admin
            .push_message(&PushMessage {
                sender: system.mid,
                receivers,
                msg_type: 10,
                content: serde_json::Value::String(NOTICE.into()),
                msg_source: None,
                notify_code: None,
            })
            .await
            .map_err(|e| e.to_string())?
            .into_data()
            .map_err(|e| format!("the push: {e}"))?;
        jobs.push(job.job);
    }
    let mut done = Vec::new();
    for job in &jobs {
        done.push(loop {
            let state = bench
                .provisioner
                .admin
                .push_job(*job)
                .await
                .map_err(|e| e.to_string())?
                .into_data()
                .map_err(|e| format!("the push's job: {e}"))?;
            if state.state == "done" {
                break state;
            }
            if started.elapsed() > Duration::from_secs(1800) {
                stop.store(true, Ordering::Relaxed);
                return Err(format!("the push did not finish in 30 minutes: {state:?}"));
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        });
    }
    let took = started.elapsed();
    stop.store(true, Ordering::Relaxed);
    let outcome = sends.await.map_err(|e| e.to_string())?;
    let mut row = Row::new("broadcast", "sends during a push", senders, &outcome);
    snapshot.finish(&bench.target, &mut row, None);
    row.cpu_per_request = None;
    let grown = stored(&pairs[..senders]).await? - before;
    if grown < outcome.ok {
        row.errors += outcome.ok - grown;
        row.error_detail = format!("{} lost {}", row.error_detail, outcome.ok - grown);
    }
    let (total, delivered, skipped) = done.iter().fold((0, 0, 0), |(t, d, s), job| {
        (t + job.total, d + job.delivered, s + job.skipped)
    });
    row.note = format!(
        "push to {total} users ({} job(s)): {delivered} delivered, {skipped} skipped in {:.2} s ({:.0}/s); stored {grown} of {} sends",
        jobs.len(),
        took.as_secs_f64(),
        delivered as f64 / took.as_secs_f64().max(1e-9),
        outcome.ok,
    );
    if delivered == 0 {
        row.errors += 1;
        row.error_detail.push_str(" nothing delivered");
    }
    bench.push(row);
    Ok(())
}
