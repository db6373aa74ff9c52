//! Pins `AccountStore`: users take the mid their decision picks from the
//! facts about the wanted mid and name (and a refused user is not created);
//! profile updates change only the fields given; credentials by name or
//! mid; login sessions live until `expires_at`, forget the user's expired
//! ones, and end on delete. Also `Store::close`.

use std::sync::Arc;

use sixin_api::account::{OfficialVerify, VipInput};
use sixin_api::Code;

use super::helpers::{mid, new_user, peek, refusal, user, users, T0};
use crate::domain::account::{decide_login, decide_new_user, decide_profile_update, UserFacts};
use crate::domain::{Profile, Uname};
use crate::store::accounts::{LoginSession, NewUser, ProfileUpdate};
use crate::store::{Store, StoreError};

fn uname(name: &str) -> Uname {
    Uname::parse(name).unwrap()
}

pub(crate) async fn new_users_take_the_mid_their_decision_picks(store: Arc<dyn Store>) {
    let facts = peek(|d| store.create_user(new_user("alice"), d)).await;
    assert_eq!(
        facts,
        UserFacts {
            wanted: None,
            name_taken: false,
            largest: None
        }
    );
    let alice = user(&store, "alice").await;
    assert_eq!(alice, mid(1), "the next free mid of an empty store");

    let wanted = NewUser {
        mid: Some(mid(100)),
        password_hash: Some("hash".into()),
        face: Some("https://example.com/f.png".into()),
        sign: "hello".into(),
        official_verify: OfficialVerify {
            kind: 0,
            desc: "verified".into(),
        },
        vip: VipInput {
            vip_type: 2,
            vip_due_date: 1_800_000_000_000,
            vip_status: 1,
        },
        ..new_user("bob")
    };
    let bob = store
        .create_user(wanted.clone(), Box::new(decide_new_user))
        .await
        .unwrap();
    assert_eq!(bob, mid(100));
    assert_eq!(
        store.profile(bob).await.unwrap(),
        Some(Profile {
            mid: bob,
            uname: "bob".into(),
            face: wanted.face.clone(),
            sign: "hello".into(),
            official_verify: wanted.official_verify.clone(),
            vip: wanted.vip,
        })
    );

    let facts = peek(|d| {
        store.create_user(
            NewUser {
                mid: Some(mid(100)),
                ..new_user("alice")
            },
            d,
        )
    })
    .await;
    assert_eq!(
        facts,
        UserFacts {
            wanted: Some((mid(100), true)),
            name_taken: true,
            largest: Some(mid(100)),
        }
    );
    assert_eq!(user(&store, "carol").await, mid(101));
    assert_eq!(store.profile(mid(50)).await.unwrap(), None);
}

pub(crate) async fn a_refused_user_is_not_created(store: Arc<dyn Store>) {
    let alice = user(&store, "alice").await;
    let same_name = NewUser {
        mid: Some(mid(7)),
        ..new_user("alice")
    };
    assert_eq!(
        refusal(
            store
                .create_user(same_name, Box::new(decide_new_user))
                .await
        ),
        Code::Conflict
    );
    assert_eq!(store.profile(mid(7)).await.unwrap(), None);
    let same_mid = NewUser {
        mid: Some(alice),
        ..new_user("bob")
    };
    assert_eq!(
        refusal(store.create_user(same_mid, Box::new(decide_new_user)).await),
        Code::Conflict
    );
    assert_eq!(store.credentials("bob".into(), None).await.unwrap(), None);
    assert_eq!(
        store.profile(alice).await.unwrap().unwrap().uname,
        "alice",
        "the user who had the mid is untouched"
    );
}

pub(crate) async fn profile_updates_change_only_the_fields_given(store: Arc<dyn Store>) {
    let [alice, bob] = users(&store, ["alice", "bob"]).await;
    let before = store.profile(alice).await.unwrap().unwrap();

    let sign = ProfileUpdate {
        sign: Some("new sign".into()),
        face: Some(Some("/bfs/face/a.png".into())),
        ..ProfileUpdate::default()
    };
    store
        .update_user(alice, sign, Box::new(decide_profile_update))
        .await
        .unwrap();
    let after = store.profile(alice).await.unwrap().unwrap();
    assert_eq!(
        after,
        Profile {
            sign: "new sign".into(),
            face: Some("/bfs/face/a.png".into()),
            ..before.clone()
        }
    );

    let everything = ProfileUpdate {
        uname: Some(uname("alicia")),
        password_hash: Some("h2".into()),
        face: Some(None),
        sign: None,
        official_verify: Some(OfficialVerify {
            kind: 1,
            desc: "org".into(),
        }),
        vip: Some(VipInput {
            vip_type: 1,
            vip_due_date: 5,
            vip_status: 1,
        }),
    };
    store
        .update_user(alice, everything.clone(), Box::new(decide_profile_update))
        .await
        .unwrap();
    assert_eq!(
        store.profile(alice).await.unwrap().unwrap(),
        Profile {
            mid: alice,
            uname: "alicia".into(),
            face: None,
            sign: "new sign".into(),
            official_verify: everything.official_verify.unwrap(),
            vip: everything.vip.unwrap(),
        }
    );
    assert_eq!(
        store.credentials("alicia".into(), None).await.unwrap(),
        Some((alice, Some("h2".into())))
    );
    assert_eq!(store.credentials("alice".into(), None).await.unwrap(), None);
    assert_eq!(
        store.profile(bob).await.unwrap().unwrap().uname,
        "bob",
        "other users are untouched"
    );
}

pub(crate) async fn profile_decisions_see_existence_and_taken_names(store: Arc<dyn Store>) {
    let [alice, _bob] = users(&store, ["alice", "bob"]).await;
    let rename = |name: &str| ProfileUpdate {
        uname: Some(uname(name)),
        sign: Some("changed".into()),
        ..ProfileUpdate::default()
    };
    let facts = peek(|d| store.update_user(alice, rename("bob"), d)).await;
    assert!(facts.exists && facts.name_taken);
    let facts = peek(|d| store.update_user(alice, rename("alice"), d)).await;
    assert!(!facts.name_taken, "one's own name is not taken");
    let facts = peek(|d| store.update_user(alice, rename("nobody"), d)).await;
    assert!(facts.exists && !facts.name_taken);
    let facts = peek(|d| store.update_user(mid(99), rename("zed"), d)).await;
    assert!(!facts.exists);

    assert_eq!(
        refusal(
            store
                .update_user(alice, rename("bob"), Box::new(decide_profile_update))
                .await
        ),
        Code::Conflict
    );
    let profile = store.profile(alice).await.unwrap().unwrap();
    assert_eq!(
        (profile.uname.as_str(), profile.sign.as_str()),
        ("alice", ""),
        "a refused update changes nothing"
    );
    assert_eq!(
        refusal(
            store
                .update_user(mid(99), rename("zed"), Box::new(decide_profile_update))
                .await
        ),
        Code::UserNotFound
    );
    assert_eq!(store.profile(mid(99)).await.unwrap(), None);
}

pub(crate) async fn credentials_are_found_by_name_or_mid(store: Arc<dyn Store>) {
    let with_password = NewUser {
        password_hash: Some("$argon2$x".into()),
        ..new_user("alice")
    };
    let alice = store
        .create_user(with_password, Box::new(decide_new_user))
        .await
        .unwrap();
    let bob = user(&store, "bob").await;
    let found = Some((alice, Some("$argon2$x".to_owned())));
    assert_eq!(
        store.credentials("alice".into(), None).await.unwrap(),
        found
    );
    assert_eq!(
        store
            .credentials(alice.to_string(), Some(alice))
            .await
            .unwrap(),
        found
    );
    assert_eq!(
        store.credentials("bob".into(), Some(bob)).await.unwrap(),
        Some((bob, None))
    );
    assert_eq!(
        store
            .credentials("nobody".into(), Some(mid(99)))
            .await
            .unwrap(),
        None
    );
}

fn login(token: u8, who: crate::domain::Mid, created_at: i64, expires_at: i64) -> LoginSession {
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
    assert!(exists);
    let nobody = login(2, mid(99), T0, T0 + 100);
    assert!(!peek(|d| store.create_login(nobody.clone(), d)).await);
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

pub(crate) async fn writes_after_close_fail_as_closed(store: Arc<dyn Store>) {
    let alice = user(&store, "alice").await;
    store.close();
    let result = store
        .create_login(login(1, alice, T0, T0 + 10), Box::new(decide_login))
        .await;
    assert!(
        matches!(result, Err(StoreError::Closed)),
        "a write after close: {result:?}"
    );
}
