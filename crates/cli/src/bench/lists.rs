//! `sessions` and `followers`: the lists that grow with a community. A hub
//! user with many sessions (each of many users sent them one message, the
//! hub following them all) reads `new_sessions` and `single_unread`; a star
//! with many fans reads pages 1, 5 and the deepest of their own followers
//! (the owner may page to the end).

use std::sync::Arc;

use super::load::{self, Maker, Request};
use super::provision::{follow_all, send_all, User};
use super::report::{Row, Snapshot};
use super::Bench;

/// Followers per page.
pub const PAGE: u64 = 50;

/// Runs one `GET path` load as `user`.
async fn get_load(
    bench: &mut Bench,
    scenario: &str,
    variant: &str,
    user: &User,
    path: String,
) -> Result<Row, String> {
    let cookie = user.cookie.clone();
    let make: Maker = Arc::new(move |_, _| Request::get(path.clone(), Some(cookie.clone())));
    let snapshot = Snapshot::take(&bench.target);
    let outcome = load::run(
        &bench.target.urls,
        bench.connections,
        bench.duration,
        make,
        None,
    )
    .await;
    let mut row = Row::new(scenario, variant, bench.connections, &outcome);
    snapshot.finish(&bench.target, &mut row, None);
    Ok(row)
}

pub async fn sessions(bench: &mut Bench) -> Result<(), String> {
    let n = bench.sizes.sessions;
    let hub = bench.provisioner.user("hub").await?;
    let talkers = bench.provisioner.users("talker", n).await?;
    follow_all(talkers.iter().map(|t| (&hub, t.mid)).collect()).await?;
    send_all(
        talkers
            .iter()
            .map(|t| (t, hub.mid, format!("hello from {}", t.mid)))
            .collect(),
    )
    .await?;
    let note = format!("{n} sessions");
    let mut row = get_load(
        bench,
        "sessions",
        "new_sessions",
        &hub,
        "/session_svr/v1/session_svr/new_sessions?begin_ts=0&build=0&mobi_app=web".into(),
    )
    .await?;
    row.note = note.clone();
    bench.push(row);
    let mut row = get_load(
        bench,
        "sessions",
        "single_unread",
        &hub,
        "/session_svr/v1/session_svr/single_unread?unread_type=0&show_dustbin=1".into(),
    )
    .await?;
    row.note = note;
    bench.push(row);
    Ok(())
}

pub async fn followers(bench: &mut Bench) -> Result<(), String> {
    let (star, fans) = match bench.preloaded.star {
        Some((mid, fans)) => (bench.provisioner.login(mid).await?, fans),
        None => {
            let n = bench.sizes.fans;
            let star = bench.provisioner.user("star").await?;
            let fans = bench.provisioner.users("fan", n as usize).await?;
            follow_all(fans.iter().map(|f| (f, star.mid)).collect()).await?;
            (star, n)
        }
    };
    let deepest = fans.div_ceil(PAGE).max(1);
    let pages = [(1, "page 1".to_owned()), (5, "page 5".to_owned())]
        .into_iter()
        .chain([(deepest, format!("page {deepest} (deepest)"))]);
    for (pn, variant) in pages {
        let path = format!("/x/relation/followers?vmid={}&ps={PAGE}&pn={pn}", star.mid);
        let mut row = get_load(bench, "followers", &variant, &star, path).await?;
        row.note = format!("{fans} fans, own list");
        bench.push(row);
    }
    Ok(())
}
