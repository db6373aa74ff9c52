//! Pins the login sessions of `AccountStore`: they live until
//! `expires_at`, a new one forgets the user's expired ones, they are listed
//! and ended by user, and a new password ends every one but the one kept.

use std::sync::Arc;

use sixin_api::Code;

use super::helpers::{mid, peek, refusal, user, users, T0};
use crate::domain::account::{decide_login, decide_profile_update, AccountState};
use crate::store::accounts::{EndLogins, LoginSession, ProfileUpdate};
use crate::store::Store;

pub(super) fn login(
    token: u8,
    who: crate::domain::Mid,
    created_at: i64,
    expires_at: i64,
) -> LoginSession {
    LoginSession {
        token_hash: [token; 32],
        mid: who,
        created_at,
        expires_at,
    }
}

pub(crate) async fn login_sessions_live_until_they_expire(store: Arc<dyn Store>) {
    let alice = user(&store, "alice").await;
    let session = login(1, alice, T0, T0 + 100);
    let exists = peek(|d| store.create_login(session.clone(), d)).await;
    assert_eq!(exists, Some(AccountState::Active));
    let nobody = login(2, mid(99), T0, T0 + 100);
    assert_eq!(peek(|d| store.create_login(nobody.clone(), d)).await, None);
    assert_eq!(
        refusal(
            store
                .create_login(nobody.clone(), Box::new(decide_login))
                .await
        ),
        Code::UserNotFound
    );
    assert_eq!(store.login([2; 32], T0).await.unwrap(), None);

    store
        .create_login(session.clone(), Box::new(decide_login))
        .await
        .unwrap();
    assert_eq!(
        store.login([1; 32], T0).await.unwrap(),
        Some(session.clone())
    );
    assert_eq!(
        store.login([1; 32], T0 + 99).await.unwrap(),
        Some(session.clone())
    );
    assert_eq!(
        store.login([1; 32], T0 + 100).await.unwrap(),
        None,
        "expired at expires_at"
    );
    assert_eq!(store.login([3; 32], T0).await.unwrap(), None);

    store.delete_login([1; 32]).await.unwrap();
    assert_eq!(store.login([1; 32], T0).await.unwrap(), None);
    store.delete_login([1; 32]).await.unwrap();
    store.delete_login([9; 32]).await.unwrap();
}

pub(crate) async fn a_new_login_forgets_the_users_expired_sessions(store: Arc<dyn Store>) {
    let [alice, bob] = users(&store, ["alice", "bob"]).await;
    let old = login(1, alice, T0, T0 + 10);
    let live = login(2, alice, T0, T0 + 1000);
    let bobs = login(3, bob, T0, T0 + 10);
    for session in [&old, &live, &bobs] {
        store
            .create_login(session.clone(), Box::new(decide_login))
            .await
            .unwrap();
    }
    let fresh = login(4, alice, T0 + 20, T0 + 1000);
    store
        .create_login(fresh.clone(), Box::new(decide_login))
        .await
        .unwrap();
    assert_eq!(
        store.login([1; 32], T0 + 5).await.unwrap(),
        None,
        "expired when the new session started, so forgotten"
    );
    assert_eq!(store.login([2; 32], T0 + 5).await.unwrap(), Some(live));
    assert_eq!(store.login([4; 32], T0 + 20).await.unwrap(), Some(fresh));
    assert_eq!(
        store.login([3; 32], T0 + 5).await.unwrap(),
        Some(bobs),
        "other users' sessions are not forgotten"
    );
}

pub(crate) async fn sessions_are_listed_and_ended_by_user(store: Arc<dyn Store>) {
    let [alice, bob] = users(&store, ["alice", "bob"]).await;
    for session in [
        login(1, alice, T0, T0 + 100),
        login(2, alice, T0 + 5, T0 + 100),
        login(3, alice, T0, T0 + 10),
        login(4, bob, T0, T0 + 100),
    ] {
        store
            .create_login(session, Box::new(decide_login))
            .await
            .unwrap();
    }
    let listed = store.logins(alice, T0 + 20).await.unwrap();
    assert_eq!(
        listed.iter().map(|s| s.token_hash[0]).collect::<Vec<_>>(),
        [2, 1],
        "live ones, newest first"
    );
    assert_eq!(
        store
            .end_logins(alice, EndLogins::One([4; 32]))
            .await
            .unwrap(),
        0,
        "not alice's"
    );
    assert!(store.login([4; 32], T0).await.unwrap().is_some());
    assert_eq!(
        store
            .end_logins(alice, EndLogins::One([2; 32]))
            .await
            .unwrap(),
        1
    );
    assert_eq!(store.login([2; 32], T0).await.unwrap(), None);
    store
        .create_login(login(5, alice, T0, T0 + 100), Box::new(decide_login))
        .await
        .unwrap();
    assert_eq!(
        store
            .end_logins(alice, EndLogins::AllBut(Some([5; 32])))
            .await
            .unwrap(),
        2,
        "1 and the expired 3"
    );
    assert!(store.login([5; 32], T0).await.unwrap().is_some());
    assert!(store.login([1; 32], T0).await.unwrap().is_none());
    assert_eq!(
        store
            .end_logins(alice, EndLogins::AllBut(None))
            .await
            .unwrap(),
        1
    );
    assert!(store.logins(alice, T0).await.unwrap().is_empty());
    assert!(
        store.login([4; 32], T0).await.unwrap().is_some(),
        "bob's stays"
    );
}

pub(crate) async fn a_new_password_ends_every_session_but_the_one_kept(store: Arc<dyn Store>) {
    let alice = user(&store, "alice").await;
    for token in [1, 2, 3] {
        store
            .create_login(login(token, alice, T0, T0 + 100), Box::new(decide_login))
            .await
            .unwrap();
    }
    let change = |keep_session| ProfileUpdate {
        password_hash: Some("new".into()),
        keep_session,
        ..ProfileUpdate::default()
    };
    store
        .update_user(
            alice,
            change(Some([2; 32])),
            Box::new(decide_profile_update),
        )
        .await
        .unwrap();
    let left = store.logins(alice, T0).await.unwrap();
    assert_eq!(
        left.iter().map(|s| s.token_hash[0]).collect::<Vec<_>>(),
        [2]
    );
    let no_password = ProfileUpdate {
        sign: Some("s".into()),
        keep_session: Some([9; 32]),
        ..ProfileUpdate::default()
    };
    store
        .update_user(alice, no_password, Box::new(decide_profile_update))
        .await
        .unwrap();
    assert_eq!(
        store.logins(alice, T0).await.unwrap().len(),
        1,
        "no password, no end"
    );
    store
        .update_user(alice, change(None), Box::new(decide_profile_update))
        .await
        .unwrap();
    assert!(store.logins(alice, T0).await.unwrap().is_empty());
}
