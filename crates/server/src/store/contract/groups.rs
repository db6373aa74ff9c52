//! Pins `GroupStore`: creating and changing groups (the facts, the steps
//! applied in order, nothing written on a refusal), posts moving every
//! member's session (unread, read position, `at_seqno`), and group
//! sessions in `MessageStore`'s lists, reads,
//! settings and unread totals.

use std::sync::Arc;

use sixin_api::message::{msg_source, msg_type};
use sixin_api::Code;

use super::helpers::{peek, refusal, us, users, T0};
use crate::domain::group::{plan, GroupCommand, GroupDraft, GroupId, GroupStep};
use crate::domain::message::session::{read_up_to, SessionChange, Talker};
use crate::domain::message::Message;
use crate::domain::{Mid, Refusal, Seqno};
use crate::store::groups::NewGroup;
use crate::store::messages::{HistoryQuery, SessionFilter, SessionOrder, SessionQuery};
use crate::store::Store;

fn new_group(owner: Mid, id: Option<u64>) -> NewGroup {
    NewGroup {
        id: id.and_then(GroupId::new),
        owner,
        name: "g".into(),
        cover: None,
        group_type: 0,
    }
}

/// Creates a group through the real rules; its id.
pub(super) async fn create(store: &Arc<dyn Store>, owner: Mid) -> GroupId {
    let command = GroupCommand::Create {
        owner,
        name: "g".into(),
    };
    store
        .create_group(
            new_group(owner, None),
            us(T0),
            Box::new(move |f| plan(&command, f)),
        )
        .await
        .expect("created")
        .0
}

/// Applies `steps` to a group, whatever the facts.
pub(super) async fn steps(
    store: &Arc<dyn Store>,
    id: GroupId,
    now_us: i64,
    steps: Vec<GroupStep>,
) -> Vec<Message> {
    store
        .change_group(id, Vec::new(), now_us, Box::new(move |_| Ok(steps)))
        .await
        .expect("changed")
}

pub(super) fn text(sender: Mid, body: &str, at_uids: Vec<u64>) -> GroupDraft {
    GroupDraft {
        sender: sender.get(),
        msg_type: msg_type::TEXT,
        content: serde_json::json!({ "content": body }).to_string(),
        msg_source: msg_source::WEB,
        at_uids: Some(at_uids),
        new_face_version: Some(1),
        counts_unread: true,
    }
}

pub(super) async fn state(store: &Arc<dyn Store>, owner: Mid, id: GroupId) -> (u64, u64, u64, u64) {
    let s = store.session_state(owner, Talker::Group(id)).await.unwrap();
    (
        s.last_seqno.get(),
        s.ack_seqno.get(),
        s.unread_count,
        s.at_seqno.get(),
    )
}

pub(super) async fn group_history(store: &Arc<dyn Store>, owner: Mid, id: GroupId) -> Vec<Message> {
    let query = HistoryQuery {
        after: Seqno::ZERO,
        before: Seqno(u64::MAX),
        size: 100,
        oldest_first: false,
    };
    store
        .history(owner, Talker::Group(id), query)
        .await
        .unwrap()
        .0
}

async fn listed(store: &Arc<dyn Store>, owner: Mid, filter: SessionFilter) -> Vec<(i64, u64)> {
    let query = SessionQuery {
        filter,
        order: SessionOrder::SessionTime,
        after_ts: None,
        before_ts: None,
        size: 100,
    };
    store
        .sessions(owner, query)
        .await
        .unwrap()
        .0
        .iter()
        .map(|r| (r.session_type, r.talker_id))
        .collect()
}

pub(crate) async fn creating_a_group_sees_its_id_and_owner_and_applies_the_steps(
    store: Arc<dyn Store>,
) {
    let [a, b] = users(&store, ["alice", "bob"]).await;
    let facts = peek(|d| store.create_group(new_group(a, None), us(T0), d)).await;
    assert_eq!(facts.group, None);
    assert!(facts.members.is_empty());
    assert_eq!(facts.users, vec![(a, Some("alice".to_owned()))]);
    let first = facts.id;
    let id = create(&store, a).await;
    assert_eq!(id, first, "a refused creation takes no id");
    let (group, members) = store.group(id).await.unwrap().expect("a group");
    assert_eq!(
        (group.owner, group.name.as_str(), group.group_type),
        (a, "g", 0)
    );
    assert!(!group.frozen && !group.dissolved);
    assert_eq!(members, vec![a]);
    let opened = group_history(&store, a, id).await;
    assert_eq!(opened.len(), 1);
    assert_eq!(
        (
            opened[0].sender_uid,
            opened[0].msg_type,
            opened[0].receiver_type,
            opened[0].receiver_id
        ),
        (0, 305, 2, id.get())
    );
    assert_eq!(
        state(&store, a, id).await,
        (1, 1, 0, 0),
        "the owner joined after it"
    );
    // A wanted id already taken is shown to the decision.
    let wanted = Some(id.get());
    let facts = peek(|d| store.create_group(new_group(b, wanted), us(T0), d)).await;
    assert_eq!(facts.group.map(|g| g.owner), Some(a));
    let command = GroupCommand::Create {
        owner: b,
        name: "h".into(),
    };
    let taken = store
        .create_group(
            new_group(b, wanted),
            us(T0),
            Box::new(move |f| plan(&command, f)),
        )
        .await;
    assert_eq!(refusal(taken), Code::Conflict);
    let other = create(&store, b).await;
    assert_ne!(other, id);
    assert!(store
        .group(GroupId::new(other.get() + 50).unwrap())
        .await
        .unwrap()
        .is_none());
}

pub(crate) async fn change_facts_show_the_group_its_members_and_the_users_named(
    store: Arc<dyn Store>,
) {
    let [a, b, c] = users(&store, ["alice", "bob", "carol"]).await;
    let id = create(&store, a).await;
    steps(
        &store,
        id,
        us(T0 + 1),
        vec![GroupStep::Join(c), GroupStep::Join(b)],
    )
    .await;
    let nobody = Mid::new(999).unwrap();
    let facts = peek(|d| store.change_group(id, vec![b, nobody], us(T0 + 2), d)).await;
    assert_eq!(facts.id, id);
    assert_eq!(facts.group.map(|g| g.owner), Some(a));
    assert_eq!(facts.members, vec![a, c, b], "in the order they joined");
    assert_eq!(
        facts.users,
        vec![(b, Some("bob".to_owned())), (nobody, None)]
    );
    let missing = GroupId::new(id.get() + 9).unwrap();
    let facts = peek(|d| store.change_group(missing, vec![], us(T0), d)).await;
    assert_eq!((facts.group, facts.members.len()), (None, 0));
}

pub(crate) async fn a_refused_group_change_writes_nothing(store: Arc<dyn Store>) {
    let [a, b] = users(&store, ["alice", "bob"]).await;
    let id = create(&store, a).await;
    let refused = store
        .change_group(
            id,
            vec![b],
            us(T0 + 1),
            Box::new(|_| Err(Refusal::new(Code::NotFound, "no"))),
        )
        .await;
    assert_eq!(refusal(refused), Code::NotFound);
    assert_eq!(store.group(id).await.unwrap().unwrap().1, vec![a]);
    assert_eq!(group_history(&store, a, id).await.len(), 1);
}

pub(crate) async fn posts_move_every_members_session(store: Arc<dyn Store>) {
    let [a, b, c, d] = users(&store, ["alice", "bob", "carol", "dave"]).await;
    let id = create(&store, a).await;
    steps(
        &store,
        id,
        us(T0 + 1),
        vec![GroupStep::Join(b), GroupStep::Join(c)],
    )
    .await;
    assert_eq!(
        state(&store, b, id).await,
        (1, 1, 0, 0),
        "joined at the newest"
    );
    let posted = steps(
        &store,
        id,
        us(T0 + 2),
        vec![
            GroupStep::Post(text(b, "hi @carol", vec![c.get(), b.get(), d.get()])),
            GroupStep::Post(text(c, "hi", vec![0])),
        ],
    )
    .await;
    assert_eq!(
        posted.iter().map(|m| m.seqno.get()).collect::<Vec<_>>(),
        vec![2, 3]
    );
    assert!(posted[0].msg_key < posted[1].msg_key);
    assert_eq!(posted[0].at_uids, Some(vec![c.get(), b.get(), d.get()]));
    assert_eq!(posted[0].ts_us, us(T0 + 2));
    assert_eq!(state(&store, a, id).await, (3, 1, 2, 0));
    assert_eq!(state(&store, b, id).await, (3, 2, 1, 0), "own message read");
    assert_eq!(
        state(&store, c, id).await,
        (3, 3, 0, 0),
        "carol's own post read past the mention"
    );
    assert_eq!(
        state(&store, d, id).await,
        (0, 0, 0, 0),
        "not a member: no session"
    );
    // A mention of someone who has not read it stays until they do.
    steps(
        &store,
        id,
        us(T0 + 3),
        vec![GroupStep::Post(text(b, "@alice", vec![a.get()]))],
    )
    .await;
    assert_eq!(state(&store, a, id).await, (4, 1, 3, 4));
    let system = GroupDraft {
        sender: 0,
        msg_type: 306,
        content: "{}".into(),
        msg_source: msg_source::FAN_GROUP_SYSTEM,
        at_uids: None,
        new_face_version: None,
        counts_unread: false,
    };
    steps(&store, id, us(T0 + 4), vec![GroupStep::Post(system)]).await;
    assert_eq!(
        state(&store, a, id).await,
        (5, 1, 3, 4),
        "a draft that does not count"
    );
    let record = store.session(a, Talker::Group(id)).await.unwrap().unwrap();
    assert_eq!(record.group.map(|g| g.id), Some(id));
    assert_eq!(record.session_ts, us(T0 + 4));
    assert_eq!(record.last_msg.map(|m| m.msg_type), Some(306));
}

pub(crate) async fn reading_a_group_counts_everyone_elses_messages_and_clears_mentions(
    store: Arc<dyn Store>,
) {
    let [a, b] = users(&store, ["alice", "bob"]).await;
    let id = create(&store, a).await;
    steps(&store, id, us(T0 + 1), vec![GroupStep::Join(b)]).await;
    steps(
        &store,
        id,
        us(T0 + 2),
        vec![
            GroupStep::Post(text(b, "one", vec![a.get()])),
            GroupStep::Post(text(a, "mine", vec![0])),
            GroupStep::Post(text(b, "two", vec![0])),
        ],
    )
    .await;
    // alice sent seqno 3, so her position is there; 4 is unread, and the
    // mention (2) is behind her already.
    assert_eq!(state(&store, a, id).await, (4, 3, 1, 0));
    steps(
        &store,
        id,
        us(T0 + 3),
        vec![GroupStep::Post(text(b, "@", vec![a.get()]))],
    )
    .await;
    assert_eq!(state(&store, a, id).await, (5, 3, 2, 5));
    let facts = peek(|d| store.read(a, Talker::Group(id), us(T0 + 4), d)).await;
    assert_eq!((facts.ack, facts.last), (Seqno(3), Seqno(5)));
    store
        .read(
            a,
            Talker::Group(id),
            us(T0 + 4),
            Box::new(|_| Ok(Some(Seqno(4)))),
        )
        .await
        .unwrap();
    assert_eq!(
        state(&store, a, id).await,
        (5, 4, 1, 5),
        "the mention is still ahead"
    );
    store
        .read(
            a,
            Talker::Group(id),
            us(T0 + 5),
            Box::new(|f| Ok(read_up_to(None, f.ack, f.last))),
        )
        .await
        .unwrap();
    assert_eq!(state(&store, a, id).await, (5, 5, 0, 0));
}

pub(crate) async fn leaving_and_dissolving_take_group_sessions_out_of_lists_and_totals(
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
    steps(
        &store,
        id,
        us(T0 + 2),
        vec![GroupStep::Post(text(a, "hi", vec![0]))],
    )
    .await;
    assert_eq!(
        listed(&store, b, SessionFilter::All).await,
        vec![(2, id.get())]
    );
    assert_eq!(
        listed(&store, b, SessionFilter::Groups).await,
        vec![(2, id.get())]
    );
    assert_eq!(listed(&store, b, SessionFilter::Users).await, vec![]);
    assert_eq!(listed(&store, b, SessionFilter::Unfollowed).await, vec![]);
    let unread = store.unread_sessions(b).await.unwrap();
    assert_eq!(
        (unread.len(), unread[0].group, unread[0].unread),
        (1, true, 1)
    );

    steps(&store, id, us(T0 + 3), vec![GroupStep::Leave(b)]).await;
    assert!(!store.is_group_member(id, b).await.unwrap());
    assert_eq!(listed(&store, b, SessionFilter::All).await, vec![]);
    assert!(store.unread_sessions(b).await.unwrap().is_empty());
    assert!(store.session(b, Talker::Group(id)).await.unwrap().is_none());
    steps(
        &store,
        id,
        us(T0 + 4),
        vec![GroupStep::Post(text(a, "bye", vec![0]))],
    )
    .await;
    assert_eq!(
        state(&store, b, id).await.0,
        2,
        "a former member's session stays where it was"
    );

    let dissolved = store.group(id).await.unwrap().unwrap().0;
    let settings = crate::domain::group::GroupSettings {
        name: dissolved.name,
        cover: dissolved.cover,
        frozen: false,
        dissolved: true,
    };
    steps(&store, id, us(T0 + 5), vec![GroupStep::Set(settings)]).await;
    assert!(store.group(id).await.unwrap().unwrap().0.dissolved);
    assert!(
        store.is_group_member(id, c).await.unwrap(),
        "members of a dissolved group stay"
    );
    assert_eq!(listed(&store, c, SessionFilter::All).await, vec![]);
    assert!(store.unread_sessions(c).await.unwrap().is_empty());
    assert_eq!(
        group_history(&store, c, id).await.len(),
        3,
        "the history stays"
    );

    // Joining again: the session is back, nothing old unread.
    let id2 = create(&store, a).await;
    steps(
        &store,
        id2,
        us(T0 + 6),
        vec![GroupStep::Join(b), GroupStep::Leave(b)],
    )
    .await;
    steps(
        &store,
        id2,
        us(T0 + 7),
        vec![GroupStep::Post(text(a, "x", vec![0]))],
    )
    .await;
    steps(&store, id2, us(T0 + 8), vec![GroupStep::Join(b)]).await;
    assert_eq!(state(&store, b, id2).await, (2, 2, 0, 0));
    assert_eq!(
        listed(&store, b, SessionFilter::All).await,
        vec![(2, id2.get())]
    );
}

pub(crate) async fn group_session_settings_need_a_live_membership(store: Arc<dyn Store>) {
    let [a, b, c] = users(&store, ["alice", "bob", "carol"]).await;
    let id = create(&store, a).await;
    steps(&store, id, us(T0 + 1), vec![GroupStep::Join(b)]).await;
    let facts = peek(|d| store.change_session(b, Talker::Group(id), d)).await;
    assert!(facts.talker_exists);
    assert_eq!(facts.state.ack_seqno, Seqno(1));
    let facts = peek(|d| store.change_session(c, Talker::Group(id), d)).await;
    assert!(!facts.talker_exists);
    store
        .change_session(
            b,
            Talker::Group(id),
            Box::new(|f| Ok(SessionChange::Top(7).apply(f.state))),
        )
        .await
        .unwrap();
    assert_eq!(
        store
            .session_state(b, Talker::Group(id))
            .await
            .unwrap()
            .top_ts,
        7
    );
    // An agreeing decision on a session that does not exist writes nothing.
    store
        .change_session(
            c,
            Talker::Group(id),
            Box::new(|f| Ok(SessionChange::Dnd(true).apply(f.state))),
        )
        .await
        .unwrap();
    assert!(
        !store
            .session_state(c, Talker::Group(id))
            .await
            .unwrap()
            .is_dnd
    );
    assert!(listed(&store, c, SessionFilter::All).await.is_empty());
}
