use std::time::Duration;

use super::*;
use crate::domain::MsgKey;
use crate::domain::Seqno;

fn mid(n: u64) -> Mid {
    Mid::new(n).unwrap()
}

fn limits() -> PushLimits {
    PushLimits {
        max_connections: 4,
        max_per_user: 2,
        queue: 8,
        replay: 16,
        resume: Duration::from_secs(60),
    }
}

/// Group 40 has members 1, 2 and 3; counts how often it was asked.
#[derive(Default)]
struct Group40(Arc<std::sync::atomic::AtomicUsize>);

#[async_trait]
impl Members for Group40 {
    async fn members(&self, group: GroupId) -> Result<Vec<Mid>, StoreError> {
        self.0.fetch_add(1, Ordering::SeqCst);
        Ok(if group.get() == 40 {
            vec![mid(1), mid(2), mid(3)]
        } else {
            Vec::new()
        })
    }
}

fn hub(limits: PushLimits) -> Arc<Hub> {
    Arc::new(Hub::new(limits, Box::new(Group40::default())))
}

/// `owner` read their session with user 9 up to `seqno`.
async fn read(hub: &Hub, owner: u64, seqno: u64) {
    hub.on_event(&Event::SessionRead {
        owner: mid(owner),
        talker: crate::domain::message::session::Talker::User(mid(9)),
        seqno: Seqno(seqno),
    })
    .await;
}

/// The seqnos of the read notices `sub` yields now.
async fn reads(sub: &mut Subscription, n: usize) -> Vec<u64> {
    let mut seen = Vec::new();
    for _ in 0..n {
        let next = tokio::time::timeout(Duration::from_secs(1), sub.next())
            .await
            .expect("a notice in time");
        match next {
            Next::Notice(p) => match &p.notice {
                Notice::Read { seqno, .. } => seen.push(seqno.get()),
                other => panic!("unexpected {other:?}"),
            },
            other => panic!("unexpected {other:?}"),
        }
    }
    seen
}

async fn nothing_more(sub: &mut Subscription) {
    assert!(
        tokio::time::timeout(Duration::from_millis(20), sub.next())
            .await
            .is_err(),
        "nothing else arrives"
    );
}

#[tokio::test]
async fn each_user_hears_only_their_own() {
    let hub = hub(limits());
    let mut alice = hub.connect(mid(1), None).await.unwrap();
    let mut bob = hub.connect(mid(2), None).await.unwrap();
    read(&hub, 1, 5).await;
    assert_eq!(reads(&mut alice, 1).await, [5]);
    nothing_more(&mut bob).await;
    assert!(!alice.resumed);
}

#[tokio::test]
async fn every_device_of_a_user_hears_it() {
    let hub = hub(limits());
    let mut phone = hub.connect(mid(1), None).await.unwrap();
    let mut laptop = hub.connect(mid(1), None).await.unwrap();
    read(&hub, 1, 5).await;
    assert_eq!(reads(&mut phone, 1).await, [5]);
    assert_eq!(reads(&mut laptop, 1).await, [5]);
}

#[tokio::test]
async fn a_reconnect_resumes_after_the_last_id_seen_without_loss_or_repeat() {
    let hub = hub(limits());
    let mut first = hub.connect(mid(1), None).await.unwrap();
    read(&hub, 1, 1).await;
    read(&hub, 2, 100).await;
    read(&hub, 1, 2).await;
    let seen = match first.next().await {
        Next::Notice(p) => first.event_id(&p),
        other => panic!("{other:?}"),
    };
    drop(first);
    read(&hub, 1, 3).await;
    let mut again = hub.connect(mid(1), Some(&seen)).await.unwrap();
    assert!(again.resumed);
    assert_eq!(again.position(), seen);
    read(&hub, 1, 4).await;
    assert_eq!(reads(&mut again, 3).await, [2, 3, 4]);
    nothing_more(&mut again).await;
}

#[tokio::test]
async fn ids_from_elsewhere_or_too_old_are_not_resumed() {
    let hub = hub(PushLimits {
        replay: 2,
        ..limits()
    });
    let keep = hub.connect(mid(1), None).await.unwrap();
    let start = keep.position();
    for seqno in 1..=3 {
        read(&hub, 1, seqno).await;
    }
    let other_node = Hub::new(limits(), Box::new(Group40::default())).event_id(0);
    for id in [other_node.as_str(), "garbage", "x:1", start.as_str()] {
        let sub = hub.connect(mid(1), Some(id)).await.unwrap();
        assert!(!sub.resumed, "{id} is not resumed");
        assert_eq!(sub.position(), hub.event_id(3), "starts from now");
    }
}

#[tokio::test]
async fn a_user_unknown_here_resumes_nothing() {
    let hub = hub(limits());
    let other = hub.connect(mid(2), None).await.unwrap();
    let id = other.position();
    // User 1 had no mailbox: what they missed was never kept.
    read(&hub, 1, 1).await;
    let sub = hub.connect(mid(1), Some(&id)).await.unwrap();
    assert!(!sub.resumed);
}

#[tokio::test]
async fn a_lagging_connection_is_dropped_told_and_can_resume_from_the_log() {
    let hub = hub(PushLimits {
        queue: 2,
        ..limits()
    });
    let mut slow = hub.connect(mid(1), None).await.unwrap();
    let start = slow.position();
    for seqno in 1..=5 {
        read(&hub, 1, seqno).await;
    }
    assert!(matches!(slow.next().await, Next::Lagged));
    drop(slow);
    let mut again = hub.connect(mid(1), Some(&start)).await.unwrap();
    assert!(again.resumed);
    assert_eq!(reads(&mut again, 5).await, [1, 2, 3, 4, 5]);
}

#[tokio::test]
async fn connections_are_capped_per_user_and_per_node() {
    let hub = hub(limits());
    let a1 = hub.connect(mid(1), None).await.unwrap();
    let _a2 = hub.connect(mid(1), None).await.unwrap();
    assert_eq!(
        hub.connect(mid(1), None).await.err(),
        Some(Refused::TooManyForUser)
    );
    let _b = hub.connect(mid(2), None).await.unwrap();
    let _c = hub.connect(mid(3), None).await.unwrap();
    assert_eq!(
        hub.connect(mid(4), None).await.err(),
        Some(Refused::TooMany)
    );
    assert_eq!(hub.connections(), 4);
    drop(a1);
    assert_eq!(hub.connections(), 3);
    hub.connect(mid(4), None).await.unwrap();
}

#[tokio::test]
async fn closing_ends_every_stream() {
    let hub = hub(limits());
    let mut sub = hub.connect(mid(1), None).await.unwrap();
    hub.close();
    assert!(matches!(sub.next().await, Next::Closing));
    assert_eq!(
        hub.connect(mid(1), None).await.err(),
        Some(Refused::Closing)
    );
}

#[tokio::test]
async fn typing_is_delivered_but_not_kept() {
    let hub = hub(limits());
    let mut sub = hub.connect(mid(2), None).await.unwrap();
    let start = sub.position();
    hub.on_event(&Event::Typing {
        from: mid(1),
        to: mid(2),
    })
    .await;
    match sub.next().await {
        Next::Notice(p) => assert_eq!(p.notice, Notice::Typing { talker: mid(1) }),
        other => panic!("{other:?}"),
    }
    drop(sub);
    let again = hub.connect(mid(2), Some(&start)).await.unwrap();
    assert!(again.resumed);
    assert!(again.replay.is_empty());
}

fn group_text(from: u64, group: u64) -> Event {
    Event::MessageStored {
        message: crate::domain::message::Message {
            sender_uid: from,
            receiver_type: 2,
            receiver_id: group,
            msg_type: 1,
            content: r#"{"content":"hi all"}"#.into(),
            seqno: Seqno(2),
            ts_us: 1,
            at_uids: Some(vec![0]),
            msg_key: MsgKey(5),
            msg_status: 0,
            notify_code: String::new(),
            new_face_version: None,
            msg_source: 7,
        },
        visible_to: None,
    }
}

fn group_message_seen(next: Next) -> u64 {
    match next {
        Next::Notice(p) => match &p.notice {
            Notice::Message { talker, .. } => talker.id(),
            other => panic!("unexpected {other:?}"),
        },
        other => panic!("unexpected {other:?}"),
    }
}

#[tokio::test]
async fn a_group_message_reaches_every_connected_member_and_no_one_else() {
    let asked = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let hub = Arc::new(Hub::new(limits(), Box::new(Group40(asked.clone()))));
    hub.on_event(&group_text(1, 40)).await;
    assert_eq!(asked.load(Ordering::SeqCst), 0, "nobody connected: no read");
    let mut sender = hub.connect(mid(1), None).await.unwrap();
    let mut member = hub.connect(mid(3), None).await.unwrap();
    let mut outsider = hub.connect(mid(4), None).await.unwrap();
    hub.on_event(&group_text(1, 40)).await;
    assert_eq!(asked.load(Ordering::SeqCst), 1);
    assert_eq!(group_message_seen(sender.next().await), 40);
    assert_eq!(group_message_seen(member.next().await), 40);
    nothing_more(&mut outsider).await;
    hub.on_event(&group_text(1, 41)).await;
    nothing_more(&mut member).await;
}
