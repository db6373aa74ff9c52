//! Pins `PushStore` (jobs to a list or to everyone, delivered in batches:
//! the facts each receiver is admitted on, what a delivery writes, the
//! progress) and `MessageStore::withdraw`.

use std::sync::{Arc, Mutex};

use sixin_api::message::msg_type;
use sixin_api::relation::Act;

use super::helpers::{act, history, say, us, users, T0};
use crate::domain::message::push::{admits, PushFacts, UnreadKind};
use crate::domain::message::session::{read_up_to, Talker};
use crate::domain::relation::Attribute;
use crate::domain::{Mid, MsgKey, Seqno};
use crate::store::pushes::{NewPush, PushJob};
use crate::store::Store;

const CONTENT: &str = "{\n  \"rid\": 1,\n  \"attach_msg\": null\n}";

pub(super) fn push(sender: Mid, receivers: Option<Vec<Mid>>, kind: UnreadKind) -> NewPush {
    NewPush {
        sender,
        receivers,
        msg_type: 11,
        content: CONTENT.to_owned(),
        msg_source: 6,
        notify_code: "2091_253".to_owned(),
        unread_kind: kind,
    }
}

/// Delivers a batch through the real rule; the job after and how many
/// messages were stored.
pub(super) async fn deliver(
    store: &Arc<dyn Store>,
    job: &PushJob,
    batch: usize,
    now_us: i64,
) -> (PushJob, usize) {
    let sender = job.sender;
    let (after, stored) = store
        .deliver_push(
            job.id,
            batch,
            now_us,
            Box::new(move |receiver, facts| admits(sender, receiver, facts)),
        )
        .await
        .unwrap();
    (after.expect("the job"), stored.len())
}

async fn counts(store: &Arc<dyn Store>, owner: Mid, talker: Mid) -> (u64, u64, u64) {
    let s = store
        .session_state(owner, Talker::User(talker))
        .await
        .unwrap();
    (s.unread_count, s.push_unread, s.biz_unread)
}

pub(crate) async fn a_job_to_a_list_is_delivered_in_batches_in_order(store: Arc<dyn Store>) {
    let [a, b, c] = users(&store, ["alice", "bob", "carol"]).await;
    let nobody = Mid::new(999).unwrap();
    let job = store
        .create_push(
            push(a, Some(vec![c, b, nobody, a]), UnreadKind::Push),
            us(T0),
        )
        .await
        .unwrap();
    assert_eq!(
        (
            job.sender,
            job.total,
            job.delivered,
            job.skipped,
            job.to_everyone
        ),
        (a, 4, 0, 0, false)
    );
    assert_eq!(
        (job.created_at, job.finished_at, job.first_key),
        (us(T0), None, None)
    );
    assert_eq!(store.unfinished_pushes().await.unwrap(), vec![job.id]);
    let (after, stored) = deliver(&store, &job, 2, us(T0 + 1)).await;
    assert_eq!(
        (stored, after.delivered, after.skipped, after.finished_at),
        (2, 2, 0, None)
    );
    let messages = history(&store, c, a).await;
    assert_eq!(messages.len(), 1);
    let m = &messages[0];
    assert_eq!(Some(m.msg_key), after.first_key, "carol was first");
    assert_eq!(
        (
            m.sender_uid,
            m.receiver_id,
            m.receiver_type,
            m.msg_type,
            m.seqno
        ),
        (a.get(), c.get(), 1, 11, Seqno(1))
    );
    assert_eq!(
        (m.content.as_str(), m.notify_code.as_str(), m.msg_source),
        (CONTENT, "2091_253", 6)
    );
    assert_eq!(
        (m.at_uids.clone(), m.new_face_version, m.msg_status, m.ts_us),
        (None, Some(1), 0, us(T0 + 1))
    );
    assert!(history(&store, b, a).await[0].msg_key > m.msg_key);
    assert_eq!(counts(&store, b, a).await, (1, 1, 0));
    say(&store, b, a, "thanks", us(T0 + 1)).await;
    assert_eq!(
        counts(&store, b, a).await,
        (0, 0, 0),
        "a reply reads the push"
    );
    let (done, stored) = deliver(&store, &job, 2, us(T0 + 2)).await;
    assert_eq!(
        (stored, done.delivered, done.skipped, done.finished_at),
        (0, 2, 2, Some(us(T0 + 2))),
        "no such user, and the sender, are skipped"
    );
    assert!(store.unfinished_pushes().await.unwrap().is_empty());
    let (again, stored) = deliver(&store, &done, 2, us(T0 + 3)).await;
    assert_eq!(
        (stored, again),
        (0, done.clone()),
        "a finished job delivers nothing"
    );
    assert_eq!(store.push_job(job.id).await.unwrap(), Some(done));
    assert_eq!(store.push_job(job.id + 1).await.unwrap(), None);
}

pub(crate) async fn a_job_to_everyone_goes_by_mid_up_to_the_users_there_were(
    store: Arc<dyn Store>,
) {
    let [a, b, c] = users(&store, ["alice", "bob", "carol"]).await;
    let job = store
        .create_push(push(b, None, UnreadKind::Biz), us(T0))
        .await
        .unwrap();
    assert_eq!((job.total, job.to_everyone), (2, true));
    let [d] = users(&store, ["dave"]).await;
    let (after, stored) = deliver(&store, &job, 1, us(T0 + 1)).await;
    assert_eq!((stored, after.finished_at), (1, None));
    assert_eq!(counts(&store, a, b).await, (1, 0, 1), "by mid: alice first");
    let (after, stored) = deliver(&store, &after, 1, us(T0 + 2)).await;
    assert_eq!(stored, 1);
    assert_eq!(counts(&store, c, b).await, (1, 0, 1));
    let (done, stored) = deliver(&store, &after, 1, us(T0 + 3)).await;
    assert_eq!(
        (stored, done.delivered, done.finished_at.is_some()),
        (0, 2, true)
    );
    assert_eq!(
        counts(&store, d, b).await,
        (0, 0, 0),
        "not there when it was made"
    );
}

pub(crate) async fn each_receiver_is_admitted_on_existence_and_relation(store: Arc<dyn Store>) {
    let [a, b, c] = users(&store, ["alice", "bob", "carol"]).await;
    act(&store, b, a, Act::Block, T0).await.unwrap();
    act(&store, c, a, Act::Follow, T0).await.unwrap();
    let nobody = Mid::new(999).unwrap();
    let job = store
        .create_push(push(a, Some(vec![b, c, nobody]), UnreadKind::Plain), us(T0))
        .await
        .unwrap();
    let seen: Arc<Mutex<Vec<(Mid, PushFacts)>>> = Arc::default();
    let record = seen.clone();
    let (after, stored) = store
        .deliver_push(
            job.id,
            10,
            us(T0 + 1),
            Box::new(move |receiver, facts| {
                record.lock().unwrap().push((receiver, *facts));
                receiver == c
            }),
        )
        .await
        .unwrap();
    assert_eq!(
        *seen.lock().unwrap(),
        vec![
            (
                b,
                PushFacts {
                    receiver_exists: true,
                    receiver_to_sender: Some(Attribute::Blocked)
                }
            ),
            (
                c,
                PushFacts {
                    receiver_exists: true,
                    receiver_to_sender: Some(Attribute::Following)
                }
            ),
            (
                nobody,
                PushFacts {
                    receiver_exists: false,
                    receiver_to_sender: None
                }
            ),
        ]
    );
    let after = after.unwrap();
    assert_eq!((stored.len(), after.delivered, after.skipped), (1, 1, 2));
    assert_eq!(
        counts(&store, c, a).await,
        (1, 0, 0),
        "a plain message counts as one"
    );
    assert_eq!(counts(&store, b, a).await, (0, 0, 0));
}

pub(crate) async fn the_senders_session_moves_only_if_it_exists(store: Arc<dyn Store>) {
    let [a, b, c] = users(&store, ["alice", "bob", "carol"]).await;
    say(&store, b, a, "hi", us(T0)).await;
    let before = store.session(a, Talker::User(b)).await.unwrap().unwrap();
    let job = store
        .create_push(push(a, Some(vec![b, c]), UnreadKind::Push), us(T0 + 1))
        .await
        .unwrap();
    deliver(&store, &job, 10, us(T0 + 2)).await;
    let after = store.session(a, Talker::User(b)).await.unwrap().unwrap();
    // bob's first message (1) came with a tip only he sees (2).
    assert_eq!(before.state.last_seqno, Seqno(1));
    assert_eq!(after.state.last_seqno, Seqno(3));
    assert_eq!(
        (after.state.ack_seqno, after.state.unread_count),
        (after.state.last_seqno, 0)
    );
    assert_eq!(after.session_ts, us(T0 + 2));
    assert!(store.session(a, Talker::User(c)).await.unwrap().is_none());
    let record = store.session(c, Talker::User(a)).await.unwrap().unwrap();
    assert_eq!(
        (record.state.unread_count, record.state.push_unread),
        (1, 1)
    );
    assert_eq!(record.last_msg.map(|m| m.content), Some(CONTENT.to_owned()));
}

pub(crate) async fn a_withdrawn_message_is_hidden_and_counted_no_more(store: Arc<dyn Store>) {
    let [a, b] = users(&store, ["alice", "bob"]).await;
    say(&store, a, b, "first", us(T0)).await;
    let job = store
        .create_push(push(a, Some(vec![b]), UnreadKind::Push), us(T0 + 1))
        .await
        .unwrap();
    let (job, _) = deliver(&store, &job, 10, us(T0 + 2)).await;
    let key = job.first_key.unwrap();
    assert_eq!(counts(&store, b, a).await, (2, 1, 0));
    let before = store.session_state(a, Talker::User(b)).await.unwrap();
    let withdrawn = store
        .withdraw(key, us(T0 + 5))
        .await
        .unwrap()
        .expect("the message");
    assert_eq!(
        (withdrawn.message.msg_key, withdrawn.message.msg_status),
        (key, 0),
        "as it was"
    );
    assert_eq!(counts(&store, b, a).await, (1, 0, 0));
    // In its place, on both sides: a system recall (type 8) in alice's
    // name naming it, the conversation's newest message and last shown.
    let mut recall_key = None;
    for (owner, talker) in [(a, b), (b, a)] {
        let seen = history(&store, owner, talker).await;
        assert!(seen.iter().all(|m| m.msg_key != key));
        let newest = &seen[0];
        assert_eq!(
            (
                newest.msg_type,
                newest.content.as_str(),
                newest.sender_uid,
                newest.receiver_id,
                newest.ts_us,
                newest.msg_status,
                newest.msg_source,
                newest.new_face_version
            ),
            (
                msg_type::SYSTEM_RECALL,
                key.get().to_string().as_str(),
                a.get(),
                b.get(),
                us(T0 + 5),
                0,
                0,
                None
            )
        );
        assert!(newest.seqno > seen[1].seqno);
        let record = store.session(owner, Talker::User(talker)).await.unwrap();
        let record = record.unwrap();
        assert_eq!(record.last_msg.as_ref(), Some(newest), "shown last");
        assert_eq!(record.state.last_seqno, newest.seqno);
        recall_key = Some(newest.msg_key);
        // The withdrawal says what it stored, as stored.
        assert_eq!(withdrawn.recall, Some((newest.clone(), None)));
    }
    // Nobody's unread, and alice did not read anything by it.
    let after = store.session_state(a, Talker::User(b)).await.unwrap();
    assert_eq!(
        (after.ack_seqno, after.unread_count),
        (before.ack_seqno, before.unread_count)
    );
    // bob reads up to the first message: the recount leaves the system
    // recall out, as recalls.
    store
        .read(
            b,
            Talker::User(a),
            us(T0 + 6),
            Box::new(|f| Ok(read_up_to(Some(Seqno(1)), f.ack, f.last))),
        )
        .await
        .unwrap();
    assert_eq!(counts(&store, b, a).await, (0, 0, 0));
    let again = store
        .withdraw(key, us(T0 + 7))
        .await
        .unwrap()
        .expect("still there");
    assert_eq!((again.message.msg_status, again.recall), (2, None));
    let recall_key = recall_key.unwrap();
    let recall = store.withdraw(recall_key, us(T0 + 7)).await.unwrap();
    assert_eq!(
        recall.map(|w| (w.message.msg_type, w.message.msg_status, w.recall)),
        Some((msg_type::SYSTEM_RECALL, 0, None)),
        "a system recall is left as it is"
    );
    assert_eq!(history(&store, b, a).await.len(), 2, "nothing more stored");
    assert_eq!(store.withdraw(MsgKey(12345), us(T0)).await.unwrap(), None);
    // A reply alice had not read no longer waits to be read.
    let read = say(&store, b, a, "reply", us(T0 + 8)).await[0].msg_key;
    store.withdraw(read, us(T0 + 9)).await.unwrap();
    assert_eq!(counts(&store, a, b).await.0, 0);
}
