//! Pins `AutoReplyStore`: what set and delete decisions are shown, what
//! they write, and the order replies are listed in.

use std::sync::Arc;

use sixin_api::Code;

use super::helpers::{peek, refusal, users, T0};
use crate::domain::message::auto_reply::{plan_delete, AutoReply, ReplyWrite};
use crate::domain::Refusal;
use crate::store::Store;

fn write(id: Option<u64>, kind: i64, reply: &str) -> ReplyWrite {
    ReplyWrite {
        id,
        kind,
        title: if kind == 2 { "t".into() } else { String::new() },
        key1: if kind == 2 {
            "谢谢，Thank you".into()
        } else {
            String::new()
        },
        key2: String::new(),
        reply: reply.into(),
    }
}

pub(crate) async fn replies_are_added_replaced_and_listed_newest_first(store: Arc<dyn Store>) {
    let [a, b] = users(&store, ["alice", "bob"]).await;
    let set = |mid, w: ReplyWrite| {
        let store = store.clone();
        async move {
            store
                .set_auto_reply(mid, T0, Box::new(move |_| Ok(w)))
                .await
                .unwrap()
        }
    };
    let first = set(a, write(None, 2, "r1")).await;
    let second = set(a, write(None, 3, "r2")).await;
    let theirs = set(b, write(None, 1, "r3")).await;
    assert!(
        first < second && second < theirs,
        "numbered after every reply"
    );
    let own: Vec<AutoReply> = peek(|d| store.set_auto_reply(a, T0, d)).await;
    assert_eq!(
        own.iter().map(|r| r.id).collect::<Vec<_>>(),
        vec![second, first]
    );
    assert_eq!(
        own[1],
        AutoReply {
            id: first,
            mid: a,
            kind: 2,
            title: "t".into(),
            key1: "谢谢，Thank you".into(),
            key2: String::new(),
            reply: "r1".into(),
        }
    );
    assert_eq!(set(a, write(Some(second), 3, "r2'")).await, second);
    let listed = store.auto_replies(a).await.unwrap();
    assert_eq!((listed.len(), listed[0].reply.as_str()), (2, "r2'"));
    // A replacement names the owner too: someone else's id is left alone.
    set(b, write(Some(first), 2, "stolen")).await;
    assert_eq!(store.auto_replies(a).await.unwrap()[1].reply, "r1");
    let refused = store
        .set_auto_reply(
            a,
            T0,
            Box::new(|_| Err(Refusal::new(Code::ReplyTooLong, "x"))),
        )
        .await;
    assert_eq!(refusal(refused), Code::ReplyTooLong);
    assert_eq!(store.auto_replies(a).await.unwrap().len(), 2);
    assert_eq!(store.auto_replies(b).await.unwrap().len(), 1);
}

pub(crate) async fn deletions_see_the_reply_whoever_it_belongs_to(store: Arc<dyn Store>) {
    let [a, b] = users(&store, ["alice", "bob"]).await;
    let id = store
        .set_auto_reply(a, T0, Box::new(|_| Ok(write(None, 2, "r"))))
        .await
        .unwrap();
    let seen = peek(|d| store.delete_auto_reply(id, d)).await;
    assert_eq!(seen.map(|r| r.mid), Some(a));
    let seen = peek(|d| store.delete_auto_reply(id + 1, d)).await;
    assert_eq!(seen, None);
    let refused = store
        .delete_auto_reply(id, Box::new(move |r| plan_delete(b, r.as_ref())))
        .await;
    assert_eq!(refusal(refused), Code::NotYourRule);
    store
        .delete_auto_reply(id, Box::new(|_| Ok(false)))
        .await
        .unwrap();
    assert_eq!(
        store.auto_replies(a).await.unwrap().len(),
        1,
        "kept when told not to"
    );
    store
        .delete_auto_reply(id, Box::new(move |r| plan_delete(a, r.as_ref())))
        .await
        .unwrap();
    assert!(store.auto_replies(a).await.unwrap().is_empty());
}
