//! Preloading: a community written straight into a fresh SQLite database
//! before the server starts (`sixin_server::store::bulk`), for sizes the API
//! would take hours to make: a star with a million fans, the receivers of a
//! broadcast, ten million messages among a hundred thousand users. Smaller
//! runs make everything through the API instead.

use std::time::Instant;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use sixin_server::store::bulk::{load_sqlite, Community};

use super::{BenchArgs, Preloaded, Scenario, Sizes};

/// Above these sizes the API is too slow: the bulk loader makes them.
const API_FANS: u64 = 5_000;
const API_USERS: usize = 5_000;

/// The preload a run needs, if any: only into a fresh SQLite database.
pub fn plan(args: &BenchArgs, sizes: &Sizes, scenarios: &[Scenario]) -> Option<Community> {
    if args.url.is_some() || args.database_url.is_some() {
        return None;
    }
    let followers = scenarios.contains(&Scenario::Followers);
    let broadcast = scenarios.contains(&Scenario::Broadcast);
    let needed = args.preload_messages > 0
        || (followers && sizes.fans > API_FANS)
        || (broadcast && sizes.broadcast > API_USERS);
    if !needed {
        return None;
    }
    let star_fans = if followers { sizes.fans } else { 0 };
    let (pairs, messages_per_pair) = if args.preload_messages > 0 {
        let pairs = (args.preload_users.saturating_sub(1) / 2).max(1);
        // Each conversation starts with the mutual-follow greeting.
        let per_pair = (args.preload_messages / pairs).saturating_sub(1).max(1);
        (pairs, per_pair)
    } else {
        (0, 0)
    };
    let mut users = (star_fans + 1).max(2 * pairs + 1);
    if args.preload_messages > 0 {
        users = users.max(args.preload_users);
    }
    if broadcast {
        users = users.max(sizes.broadcast as u64 + 1);
    }
    Some(Community {
        users,
        uname_prefix: "u".into(),
        star_fans,
        pairs,
        messages_per_pair,
        now_secs: std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or_default(),
    })
}

/// Writes `community` into a new database in `data_dir`, with a progress
/// bar on stderr.
pub fn load(data_dir: &std::path::Path, community: &Community) -> Result<Preloaded, String> {
    let bar = ProgressBar::with_draw_target(Some(community.work()), ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template(
            "preloading [{bar:32}] {human_pos}/{human_len} rows {elapsed_precise} (eta {eta})",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    let started = Instant::now();
    let loaded = load_sqlite(data_dir, community, &mut |done| bar.set_position(done));
    bar.finish_and_clear();
    let loaded = loaded.map_err(|e| format!("preloading: {}", crate::explain(&e)))?;
    eprintln!(
        "preloaded {} users, {} follows, {} messages in {:.1} s",
        loaded.users,
        loaded.follows,
        loaded.messages,
        started.elapsed().as_secs_f64()
    );
    Ok(Preloaded {
        users: Some(loaded.users),
        star: community.star().map(|s| (s.get(), community.star_fans)),
        pairs: (1..=community.pairs.min(4096))
            .map(|i| {
                let (a, b) = Community::pair(i);
                (a.get(), b.get())
            })
            .collect(),
        messages: loaded.messages,
    })
}
