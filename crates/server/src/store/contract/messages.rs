//! Pins what `MessageStore::send` stores: drafts take gap-free seqnos
//! and strictly increasing keys and keep every field; both sessions are
//! created (and keep settings made before); a first message to a stranger
//! comes with a tip only the sender sees; a draft shown to one side moves
//! only that side; unread counts; recalls see their target, mark it
//! recalled and drop it from the unread count.

use std::sync::Arc;

use sixin_api::message::{msg_source, msg_type};
use sixin_api::Code;

use super::helpers::{
    context, draft, follow, history, read_all, recall, refusal, say, send, send_facts, seqnos,
    store_drafts, stored, text, unread, us, users, T0,
};
use crate::domain::message::send::{RecallTarget, STRANGER_TIP};
use crate::domain::message::session::SessionChange;
use crate::domain::message::session::Talker;
use crate::domain::message::Message;
use crate::domain::relation::Attribute;
use crate::domain::Seqno;
use crate::store::messages::SendOutcome;
use crate::store::Store;

pub(crate) async fn stored_messages_take_gap_free_seqnos_and_increasing_keys(
    store: Arc<dyn Store>,
) {
    let [a, b, c] = users(&store, ["a", "b", "c"]).await;
    follow(&store, a, b).await;
    follow(&store, b, a).await;
    follow(&store, c, a).await;
    let mut sent: Vec<Message> = Vec::new();
    for i in 0..6 {
        let (from, to) = if i % 3 == 2 { (b, a) } else { (a, b) };
        let now = us(T0) + i;
        let messages = say(&store, from, to, &format!("m{i}"), now).await;
        assert_eq!(messages.len(), 1);
        let m = &messages[0];
        assert_eq!(
            (m.sender_uid, m.receiver_id, m.receiver_type),
            (from.get(), to.get(), 1)
        );
        assert_eq!((m.ts_us, m.msg_status), (now, 0));
        sent.extend(messages);
    }
    assert_eq!(seqnos(&sent), vec![1, 2, 3, 4, 5, 6]);
    assert!(sent.windows(2).all(|w| w[0].msg_key < w[1].msg_key));
    assert!(sent.iter().all(|m| m.msg_key.get() > 1 << 53));

    let mut newest_first = sent.clone();
    newest_first.reverse();
    assert_eq!(
        history(&store, a, b).await,
        newest_first,
        "history gives back what was stored"
    );
    assert_eq!(history(&store, b, a).await, newest_first, "to both sides");

    let elsewhere = say(&store, c, a, "hi", us(T0)).await;
    assert_eq!(elsewhere[0].seqno, Seqno(1), "seqnos are per conversation");
    assert!(
        sent.iter().all(|m| m.msg_key != elsewhere[0].msg_key),
        "keys are unique across the server"
    );
}

pub(crate) async fn drafts_keep_every_field(store: Arc<dyn Store>) {
    let [a, b] = users(&store, ["a", "b"]).await;
    let mut automatic = draft(a, b, "greeting");
    automatic.at_uids = None;
    automatic.new_face_version = None;
    automatic.msg_source = msg_source::MUTUAL_FOLLOW;
    let mut share = draft(a, b, "share");
    share.msg_type = msg_type::SHARE;
    share.content = r#"{"id":1,"source":5,"title":"t"}"#.into();
    share.at_uids = Some(vec![0]);
    let now = us(T0) + 77;
    let stored = store_drafts(&store, a, b, now, vec![automatic.clone(), share.clone()]).await;
    let messages: Vec<Message> = stored.iter().map(|(m, _)| m.clone()).collect();
    assert_eq!(seqnos(&messages), vec![1, 2]);
    for (m, d) in messages.iter().zip([&automatic, &share]) {
        assert_eq!(
            (
                m.sender_uid,
                m.receiver_id,
                m.msg_type,
                &m.content,
                m.new_face_version,
                m.msg_source,
                &m.at_uids,
                m.ts_us,
                m.msg_status,
                m.notify_code.as_str(),
            ),
            (
                d.sender.get(),
                d.receiver.get(),
                d.msg_type,
                &d.content,
                d.new_face_version,
                d.msg_source,
                &d.at_uids,
                now,
                0,
                "",
            )
        );
    }
    assert!(stored.iter().all(|(_, visible_to)| visible_to.is_none()));
    let mut newest_first = messages;
    newest_first.reverse();
    assert_eq!(history(&store, b, a).await, newest_first);
}

pub(crate) async fn a_first_message_to_a_stranger_comes_with_a_tip_for_the_sender(
    store: Arc<dyn Store>,
) {
    let [a, b] = users(&store, ["a", "b"]).await;
    let outcome = send(&store, text(a, b, "hello", us(T0))).await.unwrap();
    let stored = stored(outcome);
    assert_eq!(stored.len(), 2);
    let (message, tip) = (&stored[0], &stored[1]);
    assert_eq!((message.0.seqno, message.1), (Seqno(1), None));
    assert_eq!((tip.0.seqno, tip.1), (Seqno(2), Some(a)));
    assert_eq!(
        (tip.0.msg_type, tip.0.content.as_str()),
        (msg_type::SYSTEM_TIP, STRANGER_TIP)
    );

    assert_eq!(seqnos(&history(&store, a, b).await), vec![2, 1]);
    assert_eq!(
        seqnos(&history(&store, b, a).await),
        vec![1],
        "the tip is the sender's only"
    );
    let mine = store.session(a, Talker::User(b)).await.unwrap().unwrap();
    assert_eq!(mine.last_msg.as_ref(), Some(&tip.0));
    assert_eq!(
        (
            mine.state.last_seqno,
            mine.state.ack_seqno,
            mine.state.unread_count
        ),
        (Seqno(2), Seqno(2), 0)
    );
    let theirs = store.session(b, Talker::User(a)).await.unwrap().unwrap();
    assert_eq!(theirs.last_msg.as_ref(), Some(&message.0));
    assert_eq!(
        (
            theirs.state.last_seqno,
            theirs.state.ack_seqno,
            theirs.state.unread_count
        ),
        (Seqno(1), Seqno(0), 1)
    );

    assert_eq!(
        refusal(send(&store, text(a, b, "again", us(T0) + 1)).await),
        Code::StrangerLimit
    );
    let reply = say(&store, b, a, "hi back", us(T0) + 2).await;
    assert_eq!(seqnos(&reply), vec![3]);
    let more = say(&store, a, b, "now we talk", us(T0) + 3).await;
    assert_eq!(seqnos(&more), vec![4], "a reply lifts the limit");
}

pub(crate) async fn a_draft_shown_to_one_side_moves_only_that_side(store: Arc<dyn Store>) {
    let [a, b] = users(&store, ["a", "b"]).await;
    let mut only_b = draft(a, b, "for b only");
    only_b.visible_to = Some(b);
    only_b.counts_unread = false;
    let stored = store_drafts(&store, a, b, us(T0), vec![only_b]).await;
    assert_eq!(stored[0].1, Some(b));
    assert_eq!(
        store.session(a, Talker::User(b)).await.unwrap(),
        None,
        "nothing the sender can see"
    );
    assert!(history(&store, a, b).await.is_empty());
    let theirs = store.session(b, Talker::User(a)).await.unwrap().unwrap();
    assert_eq!(
        (theirs.state.last_seqno, theirs.state.unread_count),
        (Seqno(1), 0)
    );

    let both = store_drafts(&store, a, b, us(T0) + 10, vec![draft(a, b, "hi")]).await;
    assert_eq!(both[0].0.seqno, Seqno(2));
    let b_ts = store
        .session(b, Talker::User(a))
        .await
        .unwrap()
        .unwrap()
        .session_ts;
    let mut only_a = draft(a, b, "for a only");
    only_a.visible_to = Some(a);
    only_a.counts_unread = false;
    store_drafts(&store, a, b, us(T0) + 20, vec![only_a]).await;
    let mine = store.session(a, Talker::User(b)).await.unwrap().unwrap();
    assert_eq!(mine.state.last_seqno, Seqno(3));
    let theirs = store.session(b, Talker::User(a)).await.unwrap().unwrap();
    assert_eq!(
        (
            theirs.state.last_seqno,
            theirs.state.unread_count,
            theirs.session_ts
        ),
        (Seqno(2), 1, b_ts),
        "the other side did not move"
    );
    assert_eq!(seqnos(&history(&store, b, a).await), vec![2, 1]);
    assert_eq!(seqnos(&history(&store, a, b).await), vec![3, 2]);
}

pub(crate) async fn unread_counts_follow_the_talkers_messages(store: Arc<dyn Store>) {
    let [a, b] = users(&store, ["a", "b"]).await;
    follow(&store, b, a).await;
    for i in 0..3 {
        say(&store, a, b, "ping", us(T0) + i).await;
    }
    assert_eq!(unread(&store, b, a).await, 3);
    assert_eq!(unread(&store, a, b).await, 0);
    let mut silent = draft(a, b, "no count");
    silent.counts_unread = false;
    store_drafts(&store, a, b, us(T0) + 5, vec![silent]).await;
    assert_eq!(unread(&store, b, a).await, 3, "a draft that does not count");

    say(&store, b, a, "pong", us(T0) + 10).await;
    let replied = store.session_state(b, Talker::User(a)).await.unwrap();
    assert_eq!(
        (replied.ack_seqno, replied.unread_count),
        (Seqno(5), 0),
        "replying reads everything before it"
    );
    assert_eq!(unread(&store, a, b).await, 1);
    read_all(&store, a, b, us(T0) + 11).await;
    assert_eq!(unread(&store, a, b).await, 0);
}

pub(crate) async fn recalls_see_their_target_and_mark_it(store: Arc<dyn Store>) {
    let [a, b, c] = users(&store, ["a", "b", "c"]).await;
    follow(&store, b, a).await;
    follow(&store, c, a).await;
    let t = us(T0);
    let first = say(&store, a, b, "first", t).await.remove(0);
    let second = say(&store, a, b, "second", t + 1).await.remove(0);
    let theirs = say(&store, b, a, "theirs", t + 2).await.remove(0);
    let other = say(&store, a, c, "elsewhere", t + 3).await.remove(0);
    read_all(&store, b, a, t + 4).await;
    let third = say(&store, a, b, "third", t + 5).await.remove(0);
    assert_eq!(unread(&store, b, a).await, 1);

    let target = |key| context(&recall(a, b, key, t + 10));
    assert_eq!(
        send_facts(&store, target(third.msg_key))
            .await
            .recall_target,
        Some(RecallTarget {
            seqno: third.seqno,
            same_conversation: true,
            shown_to_caller: true,
            shown_to_other: true,
            sent_by_caller: true,
            msg_status: 0,
            msg_type: msg_type::TEXT,
            ts_us: t + 5,
        })
    );
    let seen = send_facts(&store, target(theirs.msg_key))
        .await
        .recall_target;
    assert_eq!(seen.map(|r| r.sent_by_caller), Some(false));
    let seen = send_facts(&store, target(other.msg_key))
        .await
        .recall_target;
    assert_eq!(seen.map(|r| r.same_conversation), Some(false));
    let unknown = crate::domain::MsgKey(third.msg_key.get() + 1_000_000);
    assert_eq!(
        send_facts(&store, target(unknown)).await.recall_target,
        None
    );

    // An unread message: recalled, and no longer waiting to be read.
    let outcome = send(&store, recall(a, b, third.msg_key, t + 10))
        .await
        .unwrap();
    let SendOutcome::Stored { messages, recalled } = outcome else {
        panic!("a recall is stored: {outcome:?}");
    };
    assert_eq!(recalled, Some(third.msg_key));
    assert_eq!(messages.len(), 1);
    let notice = &messages[0].0;
    assert_eq!(
        (notice.msg_type, notice.content.clone(), notice.seqno),
        (msg_type::RECALL, third.msg_key.to_string(), Seqno(5))
    );
    assert_eq!(unread(&store, b, a).await, 0);
    let shown = history(&store, b, a).await;
    let status = |key| shown.iter().find(|m| m.msg_key == key).unwrap().msg_status;
    assert_eq!((status(third.msg_key), status(second.msg_key)), (1, 0));

    // A read one: recalled, the unread count untouched.
    say(&store, a, b, "fourth", t + 11).await;
    send(&store, recall(a, b, second.msg_key, t + 12))
        .await
        .unwrap();
    assert_eq!(unread(&store, b, a).await, 1);
    let seen = send_facts(&store, target(second.msg_key))
        .await
        .recall_target;
    assert_eq!(seen.map(|r| r.msg_status), Some(1));
    assert_eq!(
        refusal(send(&store, recall(a, b, second.msg_key, t + 13)).await),
        Code::AlreadyRecalled
    );

    // Too late: refused, nothing marked.
    let late = recall(a, b, first.msg_key, t + 200_000_000);
    assert_eq!(refusal(send(&store, late).await), Code::RecallExpired);
    let shown = history(&store, a, b).await;
    let first_now = shown.iter().find(|m| m.msg_key == first.msg_key).unwrap();
    assert_eq!(first_now.msg_status, 0);
    assert_eq!(shown[0].seqno, Seqno(7), "nothing appended");
}

pub(crate) async fn a_tip_is_no_recall_target(store: Arc<dyn Store>) {
    let [a, b] = users(&store, ["a", "b"]).await;
    let stored = stored(send(&store, text(a, b, "hello", us(T0))).await.unwrap());
    let tip = &stored[1].0;
    let facts = send_facts(&store, context(&recall(a, b, tip.msg_key, us(T0) + 1))).await;
    assert_eq!(
        facts
            .recall_target
            .map(|r| (r.shown_to_caller, r.shown_to_other, r.msg_type, r.seqno)),
        Some((true, false, msg_type::SYSTEM_TIP, Seqno(2)))
    );
    let by_b = send_facts(&store, context(&recall(b, a, tip.msg_key, us(T0) + 1))).await;
    assert_eq!(
        by_b.recall_target
            .map(|r| (r.shown_to_caller, r.shown_to_other)),
        Some((false, true)),
        "seen from the other side, the tip is not theirs to see"
    );
    assert_eq!(
        refusal(send(&store, recall(a, b, tip.msg_key, us(T0) + 1)).await),
        Code::MsgKeyNotFound
    );
}

pub(crate) async fn sends_create_both_sessions(store: Arc<dyn Store>) {
    let [a, b, c] = users(&store, ["a", "b", "c"]).await;
    follow(&store, a, b).await;
    follow(&store, b, a).await;
    let m = say(&store, a, b, "hi", us(T0)).await.remove(0);
    for (owner, talker) in [(a, b), (b, a)] {
        let record = store
            .session(owner, Talker::User(talker))
            .await
            .unwrap()
            .unwrap();
        assert_eq!((record.talker_id, record.session_type), (talker.get(), 1));
        assert_eq!(record.owner_to_talker, Some(Attribute::Following));
        assert_eq!(record.last_msg.as_ref(), Some(&m));
        assert!(record.session_ts >= us(T0));
        assert_eq!(record.state.last_seqno, Seqno(1));
    }
    assert_eq!(store.session(a, Talker::User(c)).await.unwrap(), None);

    // Settings made before the first message survive it.
    store
        .change_session(
            c,
            Talker::User(a),
            Box::new(|f| Ok(SessionChange::Dnd(true).apply(f.state))),
        )
        .await
        .unwrap();
    follow(&store, a, c).await;
    follow(&store, c, a).await;
    say(&store, a, c, "hello", us(T0) + 1).await;
    let state = store.session_state(c, Talker::User(a)).await.unwrap();
    assert!(state.is_dnd);
    assert_eq!((state.last_seqno, state.unread_count), (Seqno(1), 1));
}
