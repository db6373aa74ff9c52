//! Pins what a send's decision is shown and the outcomes that store no
//! message: the facts (existence, both relations, the receiver's settings,
//! sent counts, read position, image uploads, retries within their window,
//! stops); a refusal writes nothing; `Retried` stores nothing and
//! `SenderStopped` stores the stop until its time.

use std::sync::Arc;

use sixin_api::Code;

use super::helpers::{
    context, follow, history, mid, plain, refusal, retried, rules, say, send, send_facts, stored,
    text, unread, us, users, T0,
};
use crate::domain::account::AccountState;
use crate::domain::message::rate::SendRate;
use crate::domain::message::send::{SendDecision, SendFacts};
use crate::domain::message::session::read_up_to;
use crate::domain::message::session::Talker;
use crate::domain::message::settings::SettingsChange;
use crate::domain::message::Sent;
use crate::domain::relation::Attribute;
use crate::domain::Seqno;
use crate::store::catalogue::Upload;
use crate::store::messages::{SendContext, SendOutcome};
use crate::store::Store;

pub(crate) async fn send_decisions_see_the_conversation(store: Arc<dyn Store>) {
    let [a, b, c] = users(&store, ["a", "b", "c"]).await;
    let now = us(T0);
    assert_eq!(
        send_facts(&store, plain(a, b, now)).await,
        SendFacts {
            receiver: Some(AccountState::Active),
            receiver_accepts_strangers: true,
            ..SendFacts::default()
        }
    );
    assert_eq!(
        send_facts(&store, plain(a, mid(99), now)).await.receiver,
        None
    );

    follow(&store, b, a).await;
    follow(&store, a, c).await;
    let closed = SettingsChange::parse([("receive_unfollow_msg", "0")]).unwrap();
    store
        .update_message_settings(b, Box::new(move |s| Ok(closed.apply(s))))
        .await
        .unwrap();
    say(&store, a, b, "one", now).await;
    say(&store, a, b, "two", now + 1).await;
    store
        .read(
            b,
            Talker::User(a),
            now + 2,
            Box::new(|f| Ok(read_up_to(Some(Seqno(1)), f.ack, f.last))),
        )
        .await
        .unwrap();
    let facts = send_facts(&store, plain(a, b, now + 3)).await;
    assert_eq!(
        (facts.sender_sent, facts.receiver_sent, facts.receiver_ack),
        (2, 0, Seqno(1))
    );
    say(&store, b, a, "three", now + 3).await;
    say(&store, a, b, "four", now + 4).await;

    let facts = send_facts(&store, plain(a, b, now + 5)).await;
    assert_eq!(
        facts,
        SendFacts {
            receiver: Some(AccountState::Active),
            sender_to_receiver: None,
            receiver_to_sender: Some(Attribute::Following),
            receiver_accepts_strangers: false,
            sender_sent: 3,
            receiver_sent: 1,
            receiver_ack: Seqno(3),
            ..SendFacts::default()
        }
    );
    let facts = send_facts(&store, plain(b, a, now + 5)).await;
    assert_eq!(
        (
            facts.sender_to_receiver,
            facts.sender_sent,
            facts.receiver_sent,
            facts.receiver_ack
        ),
        (Some(Attribute::Following), 1, 3, Seqno(4)),
        "the sender's own messages moved its read position"
    );
    let facts = send_facts(&store, plain(c, a, now + 5)).await;
    assert_eq!(
        (
            facts.receiver_to_sender,
            facts.sender_sent,
            facts.receiver_sent
        ),
        (Some(Attribute::Following), 0, 0),
        "counts are per conversation"
    );
}

pub(crate) async fn send_decisions_see_uploaded_images(store: Arc<dyn Store>) {
    let [a, b] = users(&store, ["a", "b"]).await;
    let with_image = SendContext {
        image: Some("ab12.png".into()),
        ..plain(a, b, us(T0))
    };
    assert_eq!(
        send_facts(&store, with_image.clone()).await.image_uploaded,
        Some(false)
    );
    store
        .record_upload(Upload {
            name: "ab12.png".into(),
            owner: b,
            mime: "image/png".into(),
            width: 1,
            height: 1,
            bytes: 10,
            created_at: T0,
        })
        .await
        .unwrap();
    assert_eq!(
        send_facts(&store, with_image).await.image_uploaded,
        Some(true)
    );
    assert_eq!(
        send_facts(&store, plain(a, b, us(T0))).await.image_uploaded,
        None
    );
}

pub(crate) async fn a_refused_send_writes_nothing(store: Arc<dyn Store>) {
    let [a, b] = users(&store, ["a", "b"]).await;
    let closed = SettingsChange::parse([("receive_unfollow_msg", "0")]).unwrap();
    store
        .update_message_settings(b, Box::new(move |s| Ok(closed.apply(s))))
        .await
        .unwrap();
    let fp = [7; 8];
    let message = retried(a, b, "hello", us(T0), fp);
    assert_eq!(
        refusal(send(&store, message.clone()).await),
        Code::ReceiverPrivacy
    );
    assert_eq!(store.session(a, Talker::User(b)).await.unwrap(), None);
    assert_eq!(store.session(b, Talker::User(a)).await.unwrap(), None);
    assert!(history(&store, a, b).await.is_empty());
    assert_eq!(
        send_facts(&store, context(&message)).await.earlier,
        None,
        "a refused send is not remembered for retries"
    );

    follow(&store, b, a).await;
    let first = say(&store, a, b, "again", us(T0) + 1).await;
    assert_eq!(first[0].seqno, Seqno(1), "no seqno was used up");
}

pub(crate) async fn retries_within_their_window_answer_the_first_send(store: Arc<dyn Store>) {
    let [a, b, c] = users(&store, ["a", "b", "c"]).await;
    follow(&store, b, a).await;
    follow(&store, b, c).await;
    let fp = [42; 8];
    let first = stored(
        send(&store, retried(a, b, "once", us(T0), fp))
            .await
            .unwrap(),
    );
    let sent = Sent {
        msg_key: first[0].0.msg_key,
        msg_seqno: first[0].0.seqno,
    };
    let again = send(&store, retried(a, b, "once", us(T0 + 5), fp))
        .await
        .unwrap();
    assert_eq!(again, SendOutcome::Retried(sent));
    assert_eq!(history(&store, b, a).await.len(), 1, "nothing stored");
    assert_eq!(unread(&store, b, a).await, 1);

    let at = |since| SendContext {
        retry: Some((fp, since)),
        ..plain(a, b, us(T0 + 30))
    };
    assert_eq!(
        send_facts(&store, at(T0)).await.earlier,
        Some(sent),
        "at or after"
    );
    assert_eq!(send_facts(&store, at(T0 + 1)).await.earlier, None);
    let other_print = SendContext {
        retry: Some(([43; 8], T0)),
        ..plain(a, b, us(T0 + 30))
    };
    assert_eq!(send_facts(&store, other_print).await.earlier, None);
    let other_sender = SendContext {
        retry: Some((fp, T0)),
        ..plain(c, b, us(T0 + 30))
    };
    assert_eq!(send_facts(&store, other_sender).await.earlier, None);

    let late = stored(
        send(&store, retried(a, b, "once", us(T0 + 30), fp))
            .await
            .unwrap(),
    );
    assert_eq!(
        late[0].0.seqno,
        Seqno(2),
        "past the window it is a new send"
    );

    // A plan that does not ask to be remembered is not.
    let [d] = users(&store, ["d"]).await;
    follow(&store, b, d).await;
    let message = retried(d, b, "x", us(T0 + 40), [1; 8]);
    store
        .send(
            context(&message),
            Box::new(move |facts| {
                let SendDecision::Store(mut plan) = rules(message)(facts)? else {
                    unreachable!("a first send is stored")
                };
                plan.remember = None;
                Ok(SendDecision::Store(plan))
            }),
        )
        .await
        .unwrap();
    let retry = retried(d, b, "x", us(T0 + 41), [1; 8]);
    assert_eq!(send_facts(&store, context(&retry)).await.earlier, None);
}

pub(crate) async fn a_stopped_sender_stays_stopped_until_then(store: Arc<dyn Store>) {
    let [a, b] = users(&store, ["a", "b"]).await;
    follow(&store, b, a).await;
    let until = T0 + 100;
    let outcome = store
        .send(
            plain(a, b, us(T0)),
            Box::new(move |_| Ok(SendDecision::StopSender { until })),
        )
        .await
        .unwrap();
    assert_eq!(outcome, SendOutcome::SenderStopped { until });
    assert!(history(&store, a, b).await.is_empty(), "nothing stored");
    assert_eq!(store.session(a, Talker::User(b)).await.unwrap(), None);

    assert_eq!(store.send_ban(a, T0).await.unwrap(), Some(until));
    assert_eq!(store.send_ban(a, until - 1).await.unwrap(), Some(until));
    assert_eq!(store.send_ban(a, until).await.unwrap(), None);
    assert_eq!(store.send_ban(b, T0).await.unwrap(), None);
    assert_eq!(
        send_facts(&store, plain(a, b, us(until) - 1))
            .await
            .banned_until,
        Some(until)
    );
    assert_eq!(
        send_facts(&store, plain(a, b, us(until)))
            .await
            .banned_until,
        None
    );
    assert_eq!(
        refusal(send(&store, text(a, b, "let me", us(T0 + 1))).await),
        Code::SendBanned24h
    );
    say(&store, a, b, "free again", us(until)).await;
}

pub(crate) async fn send_decisions_see_the_anti_harassment_switch_and_trust(store: Arc<dyn Store>) {
    let [a, b] = users(&store, ["a", "b"]).await;
    let switch = SettingsChange::parse([("anti_disturb_cleaning", "1")]).unwrap();
    store
        .update_message_settings(b, Box::new(move |s| Ok(switch.apply(s))))
        .await
        .unwrap();
    let facts = send_facts(&store, plain(a, b, us(T0))).await;
    assert!(facts.receiver_intercepts_strangers && !facts.receiver_trusts_sender);
    // A plan that intercepts puts the receiver's session in the dustbin.
    say(&store, a, b, "广告", us(T0)).await;
    let state = store.session_state(b, Talker::User(a)).await.unwrap();
    assert!(state.is_intercept && !state.is_trust);
    assert!(
        !store
            .session_state(a, Talker::User(b))
            .await
            .unwrap()
            .is_intercept
    );
    store
        .change_session(
            b,
            Talker::User(a),
            Box::new(|f| {
                Ok(crate::domain::message::session::SessionChange::Intercept(false).apply(f.state))
            }),
        )
        .await
        .unwrap();
    let facts = send_facts(&store, plain(a, b, us(T0 + 1))).await;
    assert!(facts.receiver_trusts_sender);
    assert_eq!(unread(&store, b, a).await, 1);
}

pub(crate) async fn send_rates_are_stored_with_sends_and_counted_refusals(store: Arc<dyn Store>) {
    let [a, b] = users(&store, ["a", "b"]).await;
    follow(&store, b, a).await;
    let rate_of = |sender, receiver| {
        let store = store.clone();
        async move {
            send_facts(&store, plain(sender, receiver, us(T0 + 5)))
                .await
                .sender_rate
        }
    };
    assert_eq!(rate_of(a, b).await, SendRate::default(), "none yet");

    let counted = SendRate {
        window_start: T0,
        count: 1,
        strikes: Vec::new(),
    };
    let message = text(a, b, "hi", us(T0));
    let real = rules(message.clone());
    let with_rate = counted.clone();
    let outcome = store
        .send(
            context(&message),
            Box::new(move |facts| match real(facts)? {
                SendDecision::Store(mut plan) => {
                    plan.rate = Some(with_rate);
                    Ok(SendDecision::Store(plan))
                }
                other => Ok(other),
            }),
        )
        .await
        .unwrap();
    assert_eq!(stored(outcome).len(), 1);
    assert_eq!(rate_of(a, b).await, counted, "stored with the send");

    let struck = SendRate {
        window_start: T0,
        count: 31,
        strikes: vec![T0 + 1, T0 + 2],
    };
    let too_fast = struck.clone();
    let outcome = store
        .send(
            plain(a, b, us(T0 + 2)),
            Box::new(move |_| {
                Ok(SendDecision::Refuse {
                    refusal: Code::SendTooFast.into(),
                    rate: too_fast,
                })
            }),
        )
        .await
        .unwrap();
    assert_eq!(outcome, SendOutcome::Refused(Code::SendTooFast.into()));
    assert_eq!(history(&store, b, a).await.len(), 1, "nothing more stored");
    assert_eq!(rate_of(a, b).await, struck, "the refusal is counted");
    assert_eq!(rate_of(b, a).await, SendRate::default(), "per sender");

    let refused = store
        .send(
            plain(a, b, us(T0 + 3)),
            Box::new(|_| Err(Code::ReceiverPrivacy.into())),
        )
        .await;
    assert_eq!(refusal(refused), Code::ReceiverPrivacy);
    assert_eq!(rate_of(a, b).await, struck, "other refusals write nothing");
}
