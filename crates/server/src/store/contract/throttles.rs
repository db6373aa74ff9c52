//! Throttle strikes: stored per key, written only as their decision says,
//! forgotten once nothing is left to remember, and counted without loss
//! under concurrent attempts.

use std::sync::Arc;

use sixin_api::Code;
use tokio::task::JoinSet;

use super::helpers::refusal;
use crate::domain::throttle::{Remembered, Strikes, ThrottleKey, ThrottleKind};
use crate::domain::Refusal;
use crate::store::Store;

fn key(kind: ThrottleKind, byte: u8) -> ThrottleKey {
    ThrottleKey {
        kind,
        key: vec![byte; 4],
    }
}

fn strikes(count: u32, at_ms: i64, shut_until_ms: i64) -> Strikes {
    Strikes {
        count,
        at_ms,
        shut_until_ms,
    }
}

/// Stores `to` under `key` at `now` (forgettable at `forget_at_ms`).
async fn put(store: &Arc<dyn Store>, key: &ThrottleKey, now: i64, to: Strikes, forget_at_ms: i64) {
    store
        .update_strikes(
            key.clone(),
            now,
            Box::new(move |_| {
                Ok(Some(Remembered {
                    strikes: to,
                    forget_at_ms,
                }))
            }),
        )
        .await
        .unwrap();
}

pub(crate) async fn strikes_are_stored_per_key_until_forgotten(store: Arc<dyn Store>) {
    let a = key(ThrottleKind::LoginAddress, 1);
    let b = key(ThrottleKind::LoginAddress, 2);
    let a_polls = key(ThrottleKind::QrPoll, 1);
    assert_eq!(store.strikes(a.clone()).await.unwrap(), Strikes::default());

    put(&store, &a, 1_000, strikes(3, 1_000, 5_000), 60_000).await;
    assert_eq!(
        store.strikes(a.clone()).await.unwrap(),
        strikes(3, 1_000, 5_000)
    );
    assert_eq!(store.strikes(b.clone()).await.unwrap(), Strikes::default());
    assert_eq!(
        store.strikes(a_polls.clone()).await.unwrap(),
        Strikes::default(),
        "kinds are apart"
    );

    // The decision sees what is stored; a refusal or `None` writes nothing.
    let seen = store
        .update_strikes(
            a.clone(),
            2_000,
            Box::new(|_| Err(Refusal::new(Code::TooFrequent, "contract: refused"))),
        )
        .await;
    assert_eq!(refusal(seen), Code::TooFrequent);
    store
        .update_strikes(a.clone(), 2_000, Box::new(|_| Ok(None)))
        .await
        .unwrap();
    store
        .update_strikes(b.clone(), 2_000, Box::new(|_| Ok(None)))
        .await
        .unwrap();
    assert_eq!(
        store.strikes(a.clone()).await.unwrap(),
        strikes(3, 1_000, 5_000)
    );
    assert_eq!(store.strikes(b.clone()).await.unwrap(), Strikes::default());

    // Strikes forgettable by now are not kept.
    put(&store, &b, 3_000, strikes(1, 3_000, 0), 3_000).await;
    assert_eq!(store.strikes(b.clone()).await.unwrap(), Strikes::default());

    // Nor are other keys past their time, once any key is updated.
    put(&store, &a_polls, 59_000, strikes(1, 59_000, 0), 70_000).await;
    assert_eq!(
        store.strikes(a.clone()).await.unwrap(),
        strikes(3, 1_000, 5_000)
    );
    put(&store, &b, 60_000, strikes(1, 60_000, 0), 90_000).await;
    assert_eq!(store.strikes(a.clone()).await.unwrap(), Strikes::default());
    assert_eq!(store.strikes(a_polls).await.unwrap(), strikes(1, 59_000, 0));
    assert_eq!(store.strikes(b).await.unwrap(), strikes(1, 60_000, 0));
}

pub(crate) async fn concurrent_strikes_on_one_key_are_all_counted(store: Arc<dyn Store>) {
    let k = key(ThrottleKind::LoginAccount, 7);
    let mut attempts = JoinSet::new();
    for i in 0..24 {
        let store = store.clone();
        let k = k.clone();
        attempts.spawn(async move {
            store
                .update_strikes(
                    k,
                    i,
                    Box::new(move |stored| {
                        Ok(Some(Remembered {
                            strikes: strikes(stored.count + 1, 0, 0),
                            forget_at_ms: i64::MAX,
                        }))
                    }),
                )
                .await
        });
    }
    while let Some(done) = attempts.join_next().await {
        done.expect("the task finished").expect("counted");
    }
    assert_eq!(store.strikes(k).await.unwrap().count, 24);
}
