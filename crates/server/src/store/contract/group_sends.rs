//! Pins `GroupStore::send_to_group`: the facts a member's send is decided
//! on, what a stored send and a recall write, that a refusal writes
//! nothing (or only the sender's rate, when it counts), and that
//! concurrent sends to one group take gap-free seqnos.

use std::collections::HashSet;
use std::sync::Arc;

use sixin_api::message::msg_type;
use sixin_api::Code;

use super::groups::{create, group_history, state, steps, text};
use super::helpers::{peek, plain, refusal, send_facts, us, users, T0};
use crate::domain::group::{GroupDraft, GroupId, GroupStep};
use crate::domain::message::group_send::{GroupSendDecision, GroupSendFacts, GroupSendPlan};
use crate::domain::message::rate::SendRate;
use crate::domain::message::session::Talker;
use crate::domain::{Mid, MsgKey, Refusal, Seqno};
use crate::store::groups::GroupSendContext;
use crate::store::messages::SendOutcome;
use crate::store::Store;

fn group_context(
    sender: Mid,
    id: GroupId,
    recall: Option<MsgKey>,
    mentioned: Vec<Mid>,
) -> GroupSendContext {
    GroupSendContext {
        sender,
        group: id,
        now_us: us(T0 + 10),
        retry: None,
        image: None,
        recall,
        mentioned,
    }
}

pub(crate) async fn group_sends_see_membership_mentions_and_recall_targets(store: Arc<dyn Store>) {
    let [a, b, c] = users(&store, ["alice", "bob", "carol"]).await;
    let id = create(&store, a).await;
    steps(&store, id, us(T0 + 1), vec![GroupStep::Join(b)]).await;
    let facts: GroupSendFacts =
        peek(|d| store.send_to_group(group_context(b, id, None, vec![c, a, a]), d)).await;
    assert!(facts.is_member);
    assert_eq!(facts.group.as_ref().map(|g| g.id), Some(id));
    assert_eq!(facts.members_mentioned, vec![a], "members only, once");
    assert_eq!(
        (facts.earlier, facts.banned_until, facts.image_uploaded),
        (None, None, None)
    );
    let facts = peek(|d| store.send_to_group(group_context(c, id, None, vec![]), d)).await;
    assert!(!facts.is_member);
    let elsewhere = GroupId::new(id.get() + 5).unwrap();
    let facts = peek(|d| store.send_to_group(group_context(b, elsewhere, None, vec![]), d)).await;
    assert_eq!(facts.group, None);

    let posted = steps(
        &store,
        id,
        us(T0 + 2),
        vec![GroupStep::Post(text(b, "oops", vec![0]))],
    )
    .await;
    let key = posted[0].msg_key;
    let facts = peek(|d| store.send_to_group(group_context(b, id, Some(key), vec![]), d)).await;
    let target = facts.recall_target.expect("a target");
    assert!(target.same_conversation && target.sent_by_caller && target.shown_to_caller);
    assert_eq!((target.seqno, target.msg_status), (Seqno(2), 0));
}

pub(crate) async fn a_group_send_posts_and_a_recall_drops_unread_for_who_had_not_read_it(
    store: Arc<dyn Store>,
) {
    let [a, b, c] = users(&store, ["alice", "bob", "carol"]).await;
    let id = create(&store, a).await;
    steps(
        &store,
        id,
        us(T0 + 1),
        vec![GroupStep::Join(b), GroupStep::Join(c)],
    )
    .await;
    let send = |draft: GroupDraft, recall: Option<MsgKey>, sender: Mid| {
        let store = store.clone();
        async move {
            let plan = GroupSendPlan {
                draft,
                recall,
                remember: None,
                rate: None,
            };
            store
                .send_to_group(
                    group_context(sender, id, recall, vec![]),
                    Box::new(move |_| Ok(GroupSendDecision::Store(plan))),
                )
                .await
                .unwrap()
        }
    };
    let SendOutcome::Stored { messages, recalled } = send(text(b, "oops", vec![0]), None, b).await
    else {
        panic!("stored");
    };
    assert_eq!((messages.len(), messages[0].1, recalled), (1, None, None));
    let key = messages[0].0.msg_key;
    assert_eq!(messages[0].0.seqno, Seqno(2));
    // carol reads it; alice does not.
    store
        .read(
            c,
            Talker::Group(id),
            us(T0 + 11),
            Box::new(|_| Ok(Some(Seqno(2)))),
        )
        .await
        .unwrap();
    assert_eq!(state(&store, a, id).await.2, 1);
    let recall = GroupDraft {
        msg_type: msg_type::RECALL,
        content: key.to_string(),
        counts_unread: false,
        new_face_version: None,
        ..text(b, "", vec![0])
    };
    let SendOutcome::Stored { recalled, .. } = send(recall, Some(key), b).await else {
        panic!("stored");
    };
    assert_eq!(recalled, Some(key));
    assert_eq!(
        state(&store, a, id).await,
        (3, 1, 0, 0),
        "the recalled one no longer counts"
    );
    assert_eq!(state(&store, c, id).await.2, 0);
    assert_eq!(state(&store, b, id).await, (3, 3, 0, 0));
    let history = group_history(&store, a, id).await;
    assert_eq!(
        history
            .iter()
            .map(|m| (m.msg_type, m.msg_status))
            .collect::<Vec<_>>(),
        vec![(5, 0), (1, 1), (305, 0)]
    );
    // A refused send writes nothing.
    let refused = store
        .send_to_group(
            group_context(b, id, None, vec![]),
            Box::new(|_| Err(Refusal::new(Code::NotInGroup, "no"))),
        )
        .await;
    assert_eq!(refusal(refused), Code::NotInGroup);
    assert_eq!(group_history(&store, a, id).await.len(), history.len());
}

pub(crate) async fn group_sends_count_against_the_senders_one_rate(store: Arc<dyn Store>) {
    let [a, b] = users(&store, ["alice", "bob"]).await;
    let id = create(&store, a).await;
    steps(&store, id, us(T0 + 1), vec![GroupStep::Join(b)]).await;
    let group_rate = |sender| {
        let store = store.clone();
        async move {
            peek(|d| store.send_to_group(group_context(sender, id, None, vec![]), d))
                .await
                .sender_rate
        }
    };
    assert_eq!(group_rate(b).await, SendRate::default(), "none yet");

    let counted = SendRate {
        window_start: T0,
        count: 1,
        strikes: Vec::new(),
    };
    let plan = GroupSendPlan {
        draft: text(b, "hi", vec![0]),
        recall: None,
        remember: None,
        rate: Some(counted.clone()),
    };
    let outcome = store
        .send_to_group(
            group_context(b, id, None, vec![]),
            Box::new(move |_| Ok(GroupSendDecision::Store(plan))),
        )
        .await
        .unwrap();
    assert!(matches!(outcome, SendOutcome::Stored { .. }));
    assert_eq!(group_rate(b).await, counted, "stored with the send");
    assert_eq!(
        send_facts(&store, plain(b, a, us(T0 + 5)))
            .await
            .sender_rate,
        counted,
        "the same rate as one-to-one sends"
    );

    let struck = SendRate {
        window_start: T0,
        count: 31,
        strikes: vec![T0 + 1],
    };
    let too_fast = struck.clone();
    let history_before = group_history(&store, a, id).await.len();
    let outcome = store
        .send_to_group(
            group_context(b, id, None, vec![]),
            Box::new(move |_| {
                Ok(GroupSendDecision::Refuse {
                    refusal: Code::SendTooFast.into(),
                    rate: too_fast,
                })
            }),
        )
        .await
        .unwrap();
    assert_eq!(outcome, SendOutcome::Refused(Code::SendTooFast.into()));
    assert_eq!(group_history(&store, a, id).await.len(), history_before);
    assert_eq!(group_rate(b).await, struck, "the refusal is counted");
    assert_eq!(group_rate(a).await, SendRate::default(), "per sender");
    let refused = store
        .send_to_group(
            group_context(b, id, None, vec![]),
            Box::new(|_| Err(Refusal::new(Code::NotInGroup, "no"))),
        )
        .await;
    assert_eq!(refusal(refused), Code::NotInGroup);
    assert_eq!(group_rate(b).await, struck, "other refusals write nothing");
}

pub(crate) async fn concurrent_group_sends_take_gap_free_seqnos(store: Arc<dyn Store>) {
    let [a, b, c, d] = users(&store, ["alice", "bob", "carol", "dave"]).await;
    let id = create(&store, a).await;
    steps(
        &store,
        id,
        us(T0 + 1),
        vec![GroupStep::Join(b), GroupStep::Join(c), GroupStep::Join(d)],
    )
    .await;
    let first = state(&store, d, id).await.0;
    let mut sends = tokio::task::JoinSet::new();
    for i in 0..30u64 {
        let store = store.clone();
        let sender = [a, b, c][i as usize % 3];
        sends.spawn(async move {
            let plan = GroupSendPlan {
                draft: text(sender, &format!("m{i}"), vec![0]),
                recall: None,
                remember: None,
                rate: None,
            };
            let outcome = store
                .send_to_group(
                    group_context(sender, id, None, vec![]),
                    Box::new(move |_| Ok(GroupSendDecision::Store(plan))),
                )
                .await
                .unwrap();
            let SendOutcome::Stored { messages, .. } = outcome else {
                panic!("stored: {outcome:?}");
            };
            messages[0].0.clone()
        });
    }
    let mut seqnos = Vec::new();
    let mut keys = HashSet::new();
    while let Some(done) = sends.join_next().await {
        let message = done.expect("the task finished");
        seqnos.push(message.seqno.get());
        keys.insert(message.msg_key.get());
    }
    seqnos.sort();
    assert_eq!(seqnos, (first + 1..=first + 30).collect::<Vec<u64>>());
    assert_eq!(keys.len(), 30, "every key is new");
    // dave, who only reads, has every one of them unread.
    assert_eq!(state(&store, d, id).await.0, first + 30);
    assert_eq!(state(&store, d, id).await.2, 30, "no unread message lost");
}
