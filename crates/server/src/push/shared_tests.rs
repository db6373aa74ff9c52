//! Hubs of several nodes reading one log (a log in memory here).

use std::sync::Mutex;
use std::time::Duration;

use super::*;
use crate::domain::group::GroupId;
use crate::domain::message::session::Talker;
use crate::domain::Seqno;
use crate::push::{Hub, Next, Notice, PushLimits, Subscription};

fn mid(n: u64) -> Mid {
    Mid::new(n).unwrap()
}

/// Events `first..` of a log; those before `first` expired.
#[derive(Default)]
struct Log {
    events: Mutex<Vec<(u64, Event)>>,
    first: Mutex<u64>,
}

#[async_trait]
impl Backlog for Log {
    fn epoch(&self) -> &str {
        "cafe0001"
    }

    async fn read(
        &self,
        after: u64,
        upto: u64,
        keep: &(dyn for<'e> Fn(&'e Event) -> bool + Send + Sync),
    ) -> Result<Option<Vec<(u64, Event)>>, BacklogError> {
        if *self.first.lock().unwrap() > after + 1 {
            return Ok(None);
        }
        Ok(Some(
            self.events
                .lock()
                .unwrap()
                .iter()
                .filter(|(seq, event)| *seq > after && *seq <= upto && keep(event))
                .cloned()
                .collect(),
        ))
    }
}

struct NoGroups;

#[async_trait]
impl crate::push::Members for NoGroups {
    async fn members(&self, _: GroupId) -> Result<Vec<Mid>, crate::store::StoreError> {
        Ok(Vec::new())
    }
}

fn limits() -> PushLimits {
    PushLimits {
        max_connections: 8,
        max_per_user: 4,
        queue: 8,
        replay: 16,
        resume: Duration::from_secs(60),
    }
}

fn node(log: &Arc<Log>) -> Arc<Hub> {
    Arc::new(Hub::shared(limits(), Box::new(NoGroups), log.clone(), 0))
}

/// Appends "user 1 read up to `seqno`" to the log and hands it to `hubs`.
async fn read(log: &Log, hubs: &[&Hub], seqno: u64) -> u64 {
    let event = Event::SessionRead {
        owner: mid(1),
        talker: Talker::User(mid(9)),
        seqno: Seqno(seqno),
    };
    let seq = {
        let mut events = log.events.lock().unwrap();
        let seq = events.len() as u64 + 1;
        events.push((seq, event.clone()));
        seq
    };
    for hub in hubs {
        hub.on_sequenced(seq, &event).await;
    }
    seq
}

async fn next_read(sub: &mut Subscription) -> (String, u64) {
    match tokio::time::timeout(Duration::from_secs(1), sub.next())
        .await
        .expect("a notice in time")
    {
        Next::Notice(p) => match &p.notice {
            Notice::Read { seqno, .. } => (sub.event_id(&p), seqno.get()),
            other => panic!("unexpected {other:?}"),
        },
        other => panic!("unexpected {other:?}"),
    }
}

#[tokio::test]
async fn one_event_has_one_id_on_every_node_and_a_client_resumes_on_another() {
    let log = Arc::new(Log::default());
    let (a, b) = (node(&log), node(&log));
    let mut on_a = a.connect(mid(1), None).await.unwrap();
    let mut other_device_on_b = b.connect(mid(1), None).await.unwrap();
    read(&log, &[&a, &b], 1).await;
    read(&log, &[&a, &b], 2).await;
    let (seen, _) = next_read(&mut on_a).await;
    assert_eq!(next_read(&mut other_device_on_b).await.0, seen);
    drop(on_a);
    read(&log, &[&a, &b], 3).await;
    // From the mailbox of the other device on node B.
    let mut on_b = b.connect(mid(1), Some(&seen)).await.unwrap();
    assert!(on_b.resumed);
    read(&log, &[&a, &b], 4).await;
    let got: Vec<u64> = [
        next_read(&mut on_b).await.1,
        next_read(&mut on_b).await.1,
        next_read(&mut on_b).await.1,
    ]
    .into();
    assert_eq!(got, [2, 3, 4]);
    let c = node(&log);
    for seq in 1..=4 {
        let event = log.events.lock().unwrap()[seq - 1].1.clone();
        c.on_sequenced(seq as u64, &event).await;
    }
    let mut on_c = c.connect(mid(1), Some(&seen)).await.unwrap();
    assert!(
        on_c.resumed,
        "a node the user never used resumes from the log"
    );
    assert_eq!(next_read(&mut on_c).await.1, 2);
}

#[tokio::test]
async fn an_id_from_a_node_ahead_waits_for_this_one_to_catch_up() {
    let log = Arc::new(Log::default());
    let (a, b) = (node(&log), node(&log));
    let mut on_a = a.connect(mid(1), None).await.unwrap();
    read(&log, &[&a, &b], 1).await;
    let seq = read(&log, &[&a], 2).await;
    next_read(&mut on_a).await;
    let (seen, _) = next_read(&mut on_a).await;
    let later = {
        let b = b.clone();
        let seen = seen.clone();
        tokio::spawn(async move { b.connect(mid(1), Some(&seen)).await.unwrap() })
    };
    tokio::time::sleep(Duration::from_millis(20)).await;
    let event = log.events.lock().unwrap()[1].1.clone();
    b.on_sequenced(seq, &event).await;
    let mut on_b = later.await.unwrap();
    assert!(on_b.resumed);
    read(&log, &[&a, &b], 3).await;
    assert_eq!(next_read(&mut on_b).await.1, 3, "nothing twice");
}

#[tokio::test]
async fn a_gap_in_the_log_or_an_expired_start_is_a_re_sync() {
    let log = Arc::new(Log::default());
    let a = node(&log);
    let mut sub = a.connect(mid(1), None).await.unwrap();
    read(&log, &[&a], 1).await;
    let (seen, _) = next_read(&mut sub).await;
    // Event 2 expired before this node read it.
    read(&log, &[], 2).await;
    *log.first.lock().unwrap() = 3;
    read(&log, &[&a], 3).await;
    assert!(matches!(sub.next().await, Next::Lagged));
    drop(sub);
    let again = a.connect(mid(1), Some(&seen)).await.unwrap();
    assert!(!again.resumed);
}

#[tokio::test]
async fn more_than_the_replay_limit_is_a_re_sync() {
    let log = Arc::new(Log::default());
    let a = Arc::new(Hub::shared(
        PushLimits {
            replay: 2,
            ..limits()
        },
        Box::new(NoGroups),
        log.clone(),
        0,
    ));
    let b = node(&log);
    let start = b.connect(mid(2), None).await.unwrap().position();
    for seqno in 1..=3 {
        read(&log, &[&a, &b], seqno).await;
    }
    assert!(!a.connect(mid(1), Some(&start)).await.unwrap().resumed);
    assert!(b.connect(mid(1), Some(&start)).await.unwrap().resumed);
}
