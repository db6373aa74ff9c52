//! Pins `AccountStore`: users take the mid their decision picks from the
//! facts about the wanted mid and name (and a refused user is not created);
//! profile updates change only the fields given; credentials by name or
//! mid; login sessions end on delete (the rest of their life is pinned in
//! `logins.rs`). Also `Store::close`.

use std::sync::Arc;

use sixin_api::account::{OfficialVerify, VipInput};
use sixin_api::Code;

use super::helpers::{mid, new_user, peek, refusal, user, users, T0};
use super::logins::login;
use crate::domain::account::{
    decide_login, decide_new_user, decide_profile_update, decide_state_change, deleted_uname,
    AccountState, UserFacts,
};
use crate::domain::{Mid, Profile, Uname};
use crate::store::accounts::{Credentials, NewUser, ProfileUpdate};
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
            state: AccountState::Active,
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
        system: None,
        keep_session: None,
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
            state: AccountState::Active,
        }
    );
    assert_eq!(
        store.credentials("alicia".into(), None).await.unwrap(),
        Some(credentials(alice, Some("h2"), AccountState::Active))
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
    let found = Some(credentials(alice, Some("$argon2$x"), AccountState::Active));
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
        Some(credentials(bob, None, AccountState::Active))
    );
    assert_eq!(
        store
            .credentials("nobody".into(), Some(mid(99)))
            .await
            .unwrap(),
        None
    );
}

pub(crate) async fn users_are_found_by_a_filter_on_their_names_in_mid_order(store: Arc<dyn Store>) {
    assert!(store
        .find_users(Box::new(|_| true), 1)
        .await
        .unwrap()
        .is_empty());
    let [a, b, c] = users(&store, ["Anna", "bob", "hannah"]).await;
    let names = |found: Vec<Profile>| found.into_iter().map(|p| p.uname).collect::<Vec<_>>();
    let any = store.find_users(Box::new(|_| true), 1).await.unwrap();
    assert_eq!(any.len(), 1, "a user exists");
    assert_eq!(any[0].mid, a.min(b).min(c));
    let with_nn = store
        .find_users(Box::new(|name| name.to_lowercase().contains("nn")), 10)
        .await
        .unwrap();
    assert_eq!(names(with_nn), ["Anna", "hannah"]);
    let first = store
        .find_users(Box::new(|name| name.contains('n')), 1)
        .await
        .unwrap();
    assert_eq!(names(first), ["Anna"], "at most the limit");
}

fn credentials(mid: Mid, hash: Option<&str>, state: AccountState) -> Credentials {
    Credentials {
        mid,
        password_hash: hash.map(str::to_owned),
        state,
    }
}

pub(crate) async fn disabled_and_deleted_accounts(store: Arc<dyn Store>) {
    let [alice, bob] = users(&store, ["alice", "bob"]).await;
    let with_password = ProfileUpdate {
        password_hash: Some("h".into()),
        sign: Some("hi".into()),
        ..ProfileUpdate::default()
    };
    store
        .update_user(alice, with_password, Box::new(decide_profile_update))
        .await
        .unwrap();
    store
        .create_login(login(1, alice, T0, T0 + 100), Box::new(decide_login))
        .await
        .unwrap();
    let seen = peek(|d| store.set_account_state(alice, AccountState::Disabled, T0, d)).await;
    assert_eq!(seen, Some(AccountState::Active));
    store
        .set_account_state(
            alice,
            AccountState::Disabled,
            T0,
            Box::new(decide_state_change),
        )
        .await
        .unwrap();
    assert_eq!(
        store.login([1; 32], T0).await.unwrap(),
        None,
        "sessions end"
    );
    assert_eq!(
        store.credentials("alice".into(), None).await.unwrap(),
        Some(credentials(alice, Some("h"), AccountState::Disabled))
    );
    assert_eq!(
        refusal(
            store
                .create_login(login(2, alice, T0, T0 + 100), Box::new(decide_login))
                .await
        ),
        Code::AccountDisabled
    );
    let profile = store.profile(alice).await.unwrap().unwrap();
    assert_eq!(
        (profile.state, profile.sign.as_str()),
        (AccountState::Disabled, "hi")
    );
    store
        .set_account_state(
            alice,
            AccountState::Active,
            T0,
            Box::new(decide_state_change),
        )
        .await
        .unwrap();
    store
        .create_login(login(2, alice, T0, T0 + 100), Box::new(decide_login))
        .await
        .unwrap();

    store
        .set_account_state(
            alice,
            AccountState::Deleted,
            T0,
            Box::new(decide_state_change),
        )
        .await
        .unwrap();
    assert_eq!(store.login([2; 32], T0).await.unwrap(), None);
    let gone = store.profile(alice).await.unwrap().unwrap();
    assert_eq!(
        gone,
        Profile {
            mid: alice,
            uname: deleted_uname(alice),
            face: None,
            sign: String::new(),
            official_verify: OfficialVerify::default(),
            vip: VipInput::default(),
            state: AccountState::Deleted,
        }
    );
    assert_eq!(store.credentials("alice".into(), None).await.unwrap(), None);
    assert_eq!(
        store.credentials(String::new(), Some(alice)).await.unwrap(),
        Some(credentials(alice, None, AccountState::Deleted))
    );
    assert_eq!(
        refusal(
            store
                .set_account_state(
                    alice,
                    AccountState::Active,
                    T0,
                    Box::new(decide_state_change)
                )
                .await
        ),
        Code::UserNotFound
    );
    assert_eq!(
        refusal(
            store
                .update_user(
                    alice,
                    ProfileUpdate::default(),
                    Box::new(decide_profile_update)
                )
                .await
        ),
        Code::UserNotFound
    );
    // The name is free; the mid is not.
    let again = store
        .create_user(new_user("alice"), Box::new(decide_new_user))
        .await
        .unwrap();
    assert!(again > bob);
    let listed = store.users(None, 10).await.unwrap();
    assert_eq!(
        listed.iter().map(|p| (p.mid, p.state)).collect::<Vec<_>>(),
        [
            (alice, AccountState::Deleted),
            (bob, AccountState::Active),
            (again, AccountState::Active)
        ]
    );
    let after = store.users(Some(alice), 1).await.unwrap();
    assert_eq!(after.iter().map(|p| p.mid).collect::<Vec<_>>(), [bob]);
    assert_eq!(
        refusal(
            store
                .set_account_state(
                    mid(99),
                    AccountState::Disabled,
                    T0,
                    Box::new(decide_state_change)
                )
                .await
        ),
        Code::UserNotFound
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
