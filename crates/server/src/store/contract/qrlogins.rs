//! Pins the QR-login part of `AccountStore`: a new QR login is decided on
//! how many are outstanding once the expired ones are forgotten; it is
//! found by its key hash whatever its state; updates store the state their
//! decision picks; a redeem forgets it and records the session in one go,
//! and only when its decision says so.

use std::sync::Arc;

use sixin_api::Code;

use super::helpers::{peek, refusal, user, users, T0};
use crate::domain::qrlogin::{decide_new_qr_login, QrLogin, QrState};
use crate::domain::Refusal;
use crate::store::accounts::LoginSession;
use crate::store::Store;

fn qr(key: u8, created_at: i64) -> QrLogin {
    QrLogin::new([key; 32], created_at)
}

fn session(token: u8, who: crate::domain::Mid) -> LoginSession {
    LoginSession {
        token_hash: [token; 32],
        mid: who,
        created_at: T0,
        expires_at: T0 + 1000,
    }
}

/// Creates a QR login under a cap no case reaches.
async fn create(store: &Arc<dyn Store>, login: QrLogin) {
    store
        .create_qr_login(login, Box::new(|n| decide_new_qr_login(n, 100)))
        .await
        .expect("QR login created");
}

/// Sets the state of a QR login.
async fn set(store: &Arc<dyn Store>, key: u8, state: QrState) {
    store
        .update_qr_login([key; 32], Box::new(move |_| Ok(state)))
        .await
        .expect("QR login updated");
}

pub(crate) async fn qr_logins_are_counted_found_and_forgotten_when_expired(store: Arc<dyn Store>) {
    assert_eq!(peek(|d| store.create_qr_login(qr(1, T0), d)).await, 0);
    assert_eq!(
        store.qr_login([1; 32]).await.unwrap(),
        None,
        "refused: not stored"
    );
    create(&store, qr(1, T0)).await;
    assert_eq!(store.qr_login([1; 32]).await.unwrap(), Some(qr(1, T0)));
    assert_eq!(store.qr_login([9; 32]).await.unwrap(), None);
    create(&store, qr(2, T0 + 100)).await;
    assert_eq!(peek(|d| store.create_qr_login(qr(3, T0 + 100), d)).await, 2);

    let alice = user(&store, "alice").await;
    set(&store, 2, QrState::Confirmed(alice)).await;
    assert_eq!(
        store.qr_login([1; 32]).await.unwrap(),
        Some(qr(1, T0)),
        "an expired login is found until a new one is made"
    );
    // Key 1 expired at T0 + 180; a login made then forgets it, whatever
    // the state of the others.
    let outstanding = peek(|d| store.create_qr_login(qr(3, T0 + 180), d)).await;
    assert_eq!(outstanding, 1, "only the live one is counted");
    assert!(
        store.qr_login([1; 32]).await.unwrap().is_some(),
        "a refused login forgets nothing either"
    );
    create(&store, qr(3, T0 + 180)).await;
    assert_eq!(store.qr_login([1; 32]).await.unwrap(), None, "forgotten");
    assert_eq!(
        store.qr_login([2; 32]).await.unwrap().map(|l| l.state),
        Some(QrState::Confirmed(alice)),
        "live logins are kept"
    );
    assert_eq!(
        refusal(
            store
                .create_qr_login(qr(4, T0 + 180), Box::new(|n| decide_new_qr_login(n, 2)))
                .await
        ),
        Code::TooFrequent
    );
    assert_eq!(store.qr_login([4; 32]).await.unwrap(), None);
}

pub(crate) async fn qr_login_updates_store_the_state_their_decision_picks(store: Arc<dyn Store>) {
    let [alice, bob] = users(&store, ["alice", "bob"]).await;
    create(&store, qr(1, T0)).await;
    let facts = peek(|d| store.update_qr_login([1; 32], d)).await;
    assert_eq!(facts, Some(qr(1, T0)));
    assert_eq!(peek(|d| store.update_qr_login([9; 32], d)).await, None);

    for state in [
        QrState::Scanned(alice),
        QrState::Scanned(bob),
        QrState::Confirmed(bob),
        QrState::Pending,
    ] {
        set(&store, 1, state).await;
        let found = store.qr_login([1; 32]).await.unwrap().unwrap();
        assert_eq!(found, QrLogin { state, ..qr(1, T0) });
    }

    set(&store, 1, QrState::Scanned(alice)).await;
    let refused = store
        .update_qr_login(
            [1; 32],
            Box::new(|_| Err(Refusal::new(Code::QrScanned, "refused"))),
        )
        .await;
    assert_eq!(refusal(refused), Code::QrScanned);
    assert_eq!(
        store.qr_login([1; 32]).await.unwrap().unwrap().state,
        QrState::Scanned(alice),
        "a refused update changes nothing"
    );
    set(&store, 9, QrState::Scanned(alice)).await;
    assert_eq!(
        store.qr_login([9; 32]).await.unwrap(),
        None,
        "an unknown key is not created by an update"
    );
}

pub(crate) async fn a_redeem_forgets_the_qr_login_and_records_the_session_once(
    store: Arc<dyn Store>,
) {
    let alice = user(&store, "alice").await;
    create(&store, qr(1, T0)).await;
    set(&store, 1, QrState::Confirmed(alice)).await;

    let declined = store
        .redeem_qr_login([1; 32], session(7, alice), Box::new(|_| Ok(false)))
        .await
        .unwrap();
    assert!(!declined);
    assert!(store.qr_login([1; 32]).await.unwrap().is_some());
    assert_eq!(store.login([7; 32], T0).await.unwrap(), None);

    let facts = peek(|d| store.redeem_qr_login([1; 32], session(7, alice), d)).await;
    assert_eq!(
        facts,
        Some(QrLogin {
            state: QrState::Confirmed(alice),
            ..qr(1, T0)
        })
    );
    assert_eq!(
        store.login([7; 32], T0).await.unwrap(),
        None,
        "refused: nothing"
    );

    let redeemed = store
        .redeem_qr_login(
            [1; 32],
            session(7, alice),
            Box::new(|facts| Ok(facts.is_some())),
        )
        .await
        .unwrap();
    assert!(redeemed);
    assert_eq!(store.qr_login([1; 32]).await.unwrap(), None);
    assert_eq!(
        store.login([7; 32], T0).await.unwrap(),
        Some(session(7, alice))
    );

    let again = peek(|d| store.redeem_qr_login([1; 32], session(8, alice), d)).await;
    assert_eq!(again, None, "a redeemed login is gone");
    let again = store
        .redeem_qr_login(
            [1; 32],
            session(8, alice),
            Box::new(|facts| Ok(facts.is_some())),
        )
        .await
        .unwrap();
    assert!(!again);
    assert_eq!(store.login([8; 32], T0).await.unwrap(), None);
}
