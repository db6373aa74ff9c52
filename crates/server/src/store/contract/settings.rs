//! Pins message preferences in `MessageStore`: defaults for a user who
//! never changed them, the decision sees what is stored, every value
//! reads back in full, a refusal changes nothing, users are independent.

use std::sync::Arc;

use super::helpers::{peek, refusal, users};
use crate::domain::message::settings::{MessageSettings, SettingsChange};
use crate::domain::Refusal;
use crate::store::{Store, StoreError};

async fn change(
    store: &Arc<dyn Store>,
    who: crate::domain::Mid,
    given: &[(&str, &str)],
) -> Result<(), StoreError> {
    let change = SettingsChange::parse(given.iter().copied()).unwrap();
    store
        .update_message_settings(who, Box::new(move |s| Ok(change.apply(s))))
        .await
}

pub(crate) async fn message_settings_round_trip(store: Arc<dyn Store>) {
    let [a, b] = users(&store, ["a", "b"]).await;
    assert_eq!(
        store.message_settings(a).await.unwrap(),
        MessageSettings::default()
    );
    let seen = peek(|d| store.update_message_settings(a, d)).await;
    assert_eq!(seen, MessageSettings::default());

    let first = [
        ("receive_unfollow_msg", "0"),
        ("msg_notify", "3"),
        ("set_like", "5"),
    ];
    change(&store, a, &first).await.unwrap();
    let expected = SettingsChange::parse(first)
        .unwrap()
        .apply(&MessageSettings::default());
    assert_eq!(store.message_settings(a).await.unwrap(), expected);
    assert!(!expected.accepts_strangers());
    assert_eq!(
        peek(|d| store.update_message_settings(a, d)).await,
        expected
    );

    // A later change keeps the earlier ones.
    change(&store, a, &[("set_at", "2"), ("set_like", "0")])
        .await
        .unwrap();
    let settings = store.message_settings(a).await.unwrap();
    assert_eq!(
        (
            settings.get("receive_unfollow_msg"),
            settings.get("msg_notify"),
            settings.get("set_like"),
            settings.get("set_at"),
            settings.get("should_receive_group"),
        ),
        (0, 3, 0, 2, 1)
    );
    assert_eq!(
        store.message_settings(b).await.unwrap(),
        MessageSettings::default(),
        "other users keep theirs"
    );

    let refused = store
        .update_message_settings(a, Box::new(|_| Err(Refusal::bad_request("no"))))
        .await;
    assert_eq!(refusal(refused), sixin_api::Code::BadRequest);
    assert_eq!(store.message_settings(a).await.unwrap(), settings);

    // Back to every default.
    store
        .update_message_settings(a, Box::new(|_| Ok(MessageSettings::default())))
        .await
        .unwrap();
    assert_eq!(
        store.message_settings(a).await.unwrap(),
        MessageSettings::default()
    );
}
