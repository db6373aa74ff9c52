//! Small builders the contract cases share: users, relation acts through
//! the real rules, sends through the real rules, decisions that only look.
//! Everything goes through the store traits.

use std::fmt::Debug;
use std::future::Future;
use std::sync::{Arc, Mutex};

use sixin_api::message::{msg_source, msg_type};
use sixin_api::relation::Act;
use sixin_api::Code;

use crate::domain::account::decide_new_user;
use crate::domain::message::send::{
    plan, screen, Draft, Fingerprint, MessagePlan, Origin, Outgoing, Screen, SendDecision,
    SendFacts,
};
use crate::domain::message::session::read_up_to;
use crate::domain::message::session::Talker;
use crate::domain::message::{Content, Message};
use crate::domain::relation::{decide_modify, ModifyPlan, RelationLimits};
use crate::domain::{Mid, MsgKey, Refusal, Seqno, Uname};
use crate::store::accounts::NewUser;
use crate::store::messages::{HistoryQuery, SendContext, SendOutcome};
use crate::store::{Decide, Store, StoreError};

/// A moment in unix seconds every case starts from.
pub(crate) const T0: i64 = 1_700_000_000;

/// How far back a retry is looked for, in seconds.
pub(crate) const RETRY_WINDOW_SECS: i64 = 10;

/// How long a message can be recalled, in microseconds.
pub(crate) const RECALL_WINDOW_US: i64 = 120_000_000;

/// Generous limits, so only the cases about limits meet them.
pub(crate) const LIMITS: RelationLimits = RelationLimits {
    max_followings: 100,
    max_blacklist: 100,
    max_tags: 10,
};

/// Unix seconds as microseconds.
pub(crate) fn us(secs: i64) -> i64 {
    secs * 1_000_000
}

pub(crate) fn mid(n: u64) -> Mid {
    Mid::new(n).expect("a valid mid")
}

/// A user called `name` with everything else at its default.
pub(crate) fn new_user(name: &str) -> NewUser {
    NewUser {
        mid: None,
        uname: Uname::parse(name).expect("a valid name"),
        password_hash: None,
        face: None,
        sign: String::new(),
        official_verify: sixin_api::account::OfficialVerify {
            kind: -1,
            desc: String::new(),
        },
        vip: sixin_api::account::VipInput {
            vip_type: 0,
            vip_due_date: 0,
            vip_status: 0,
        },
        system: None,
        created_at: T0,
    }
}

/// Creates a user called `name` with the next free mid.
pub(crate) async fn user(store: &Arc<dyn Store>, name: &str) -> Mid {
    store
        .create_user(new_user(name), Box::new(decide_new_user))
        .await
        .expect("user created")
}

/// Creates one user per name, in order.
pub(crate) async fn users<const N: usize>(store: &Arc<dyn Store>, names: [&str; N]) -> [Mid; N] {
    let mut mids = [mid(1); N];
    for (slot, name) in mids.iter_mut().zip(names) {
        *slot = user(store, name).await;
    }
    mids
}

/// The code of a refusal; panics on anything else.
pub(crate) fn refusal<T: Debug>(result: Result<T, StoreError>) -> Code {
    match result {
        Err(StoreError::Refused(refusal)) => refusal.code,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

const PEEK: &str = "contract: only looking";

/// Runs `op` with a decision that records the facts it is given and
/// refuses; returns those facts (and checks the refusal came back).
pub(crate) async fn peek<F, P, T, Fut>(op: impl FnOnce(Decide<F, P>) -> Fut) -> F
where
    F: Clone + Send + 'static,
    P: 'static,
    T: Debug,
    Fut: Future<Output = Result<T, StoreError>>,
{
    let seen = Arc::new(Mutex::new(None));
    let slot = seen.clone();
    let outcome = op(Box::new(move |facts: &F| {
        *slot.lock().expect("slot") = Some(facts.clone());
        Err(Refusal::bad_request(PEEK))
    }))
    .await;
    assert!(
        matches!(&outcome, Err(StoreError::Refused(r)) if r.detail == PEEK),
        "the refusal comes back as it was: {outcome:?}"
    );
    let facts = seen.lock().expect("slot").take();
    facts.expect("the backend ran the decision")
}

/// `act` of `mid` towards `fid` at `now` through the real rule.
pub(crate) async fn act(
    store: &Arc<dyn Store>,
    mid: Mid,
    fid: Mid,
    act: Act,
    now: i64,
) -> Result<ModifyPlan, StoreError> {
    store
        .modify(
            mid,
            fid,
            now,
            Box::new(move |facts| Ok(decide_modify(act, facts, LIMITS)?)),
        )
        .await
}

/// `mid` follows `fid` (openly) at [`T0`].
pub(crate) async fn follow(store: &Arc<dyn Store>, mid: Mid, fid: Mid) {
    act(store, mid, fid, Act::Follow, T0)
        .await
        .expect("followed");
}

/// A text message from a user, with no retry fingerprint.
pub(crate) fn text(from: Mid, to: Mid, body: &str, now_us: i64) -> Outgoing {
    Outgoing {
        origin: Origin::User,
        sender: from,
        receiver: to,
        content: Content::Text {
            json: serde_json::json!({ "content": body }).to_string(),
            text: body.to_owned(),
        },
        msg_source: msg_source::WEB,
        fingerprint: None,
        now_us,
    }
}

/// A user's recall of `target`.
pub(crate) fn recall(from: Mid, to: Mid, target: MsgKey, now_us: i64) -> Outgoing {
    Outgoing {
        content: Content::Recall {
            json: target.to_string(),
            target,
        },
        ..text(from, to, "-", now_us)
    }
}

/// [`text`] with a retry fingerprint.
pub(crate) fn retried(
    from: Mid,
    to: Mid,
    body: &str,
    now_us: i64,
    fingerprint: Fingerprint,
) -> Outgoing {
    Outgoing {
        fingerprint: Some(fingerprint),
        ..text(from, to, body, now_us)
    }
}

/// What the service tells the store about `message`.
pub(crate) fn context(message: &Outgoing) -> SendContext {
    let now_secs = message.now_us.div_euclid(1_000_000);
    SendContext {
        sender: message.sender,
        receiver: message.receiver,
        now_us: message.now_us,
        retry: message
            .fingerprint
            .map(|fp| (fp, now_secs - RETRY_WINDOW_SECS)),
        image: None,
        recall: match &message.content {
            Content::Recall { target, .. } => Some(*target),
            _ => None,
        },
    }
}

/// The real rules of a send (without the rate limit, which is not the
/// store's business).
pub(crate) fn rules(message: Outgoing) -> Decide<SendFacts, SendDecision> {
    Box::new(move |facts| {
        if let Screen::Answer(earlier) = screen(&message, facts)? {
            return Ok(SendDecision::Retried(earlier));
        }
        Ok(SendDecision::Store(plan(
            &message,
            facts,
            RECALL_WINDOW_US,
        )?))
    })
}

/// Sends `message` through the real rules.
pub(crate) async fn send(
    store: &Arc<dyn Store>,
    message: Outgoing,
) -> Result<SendOutcome, StoreError> {
    store.send(context(&message), rules(message)).await
}

/// The messages a send stored, with whom alone each is shown to.
pub(crate) fn stored(outcome: SendOutcome) -> Vec<(Message, Option<Mid>)> {
    match outcome {
        SendOutcome::Stored { messages, .. } => messages,
        other => panic!("expected stored messages, got {other:?}"),
    }
}

/// `from` says `body` to `to` at `now_us` through the real rules; the
/// messages stored.
pub(crate) async fn say(
    store: &Arc<dyn Store>,
    from: Mid,
    to: Mid,
    body: &str,
    now_us: i64,
) -> Vec<Message> {
    let outcome = send(store, text(from, to, body, now_us))
        .await
        .expect("sent");
    stored(outcome).into_iter().map(|(m, _)| m).collect()
}

/// A text draft shown to both sides that counts as unread.
pub(crate) fn draft(from: Mid, to: Mid, body: &str) -> Draft {
    Draft {
        sender: from,
        receiver: to,
        msg_type: msg_type::TEXT,
        content: serde_json::json!({ "content": body }).to_string(),
        new_face_version: Some(1),
        msg_source: msg_source::WEB,
        at_uids: Some(vec![0]),
        visible_to: None,
        counts_unread: true,
        counts_as_sent: true,
    }
}

/// Stores exactly `drafts` (a plan chosen by the case, not by the rules).
pub(crate) async fn store_drafts(
    store: &Arc<dyn Store>,
    from: Mid,
    to: Mid,
    now_us: i64,
    drafts: Vec<Draft>,
) -> Vec<(Message, Option<Mid>)> {
    let context = SendContext {
        sender: from,
        receiver: to,
        now_us,
        retry: None,
        image: None,
        recall: None,
    };
    let plan = MessagePlan {
        drafts,
        recall: None,
        remember: None,
        intercept: false,
        rate: None,
    };
    let outcome = store
        .send(context, Box::new(move |_| Ok(SendDecision::Store(plan))))
        .await
        .expect("stored");
    stored(outcome)
}

/// All of what `owner` sees of the history with `talker`, newest first.
pub(crate) async fn history(store: &Arc<dyn Store>, owner: Mid, talker: Mid) -> Vec<Message> {
    let query = HistoryQuery {
        after: Seqno::ZERO,
        before: Seqno(u64::MAX),
        size: 1000,
        oldest_first: false,
    };
    let (messages, has_more) = store
        .history(owner, Talker::User(talker), query)
        .await
        .expect("history");
    assert!(!has_more);
    messages
}

/// The seqnos of `messages`, in their order.
pub(crate) fn seqnos(messages: &[Message]) -> Vec<u64> {
    messages.iter().map(|m| m.seqno.get()).collect()
}

/// The facts a send with `context` is decided on.
pub(crate) async fn send_facts(store: &Arc<dyn Store>, context: SendContext) -> SendFacts {
    peek(|d| store.send(context, d)).await
}

/// What the store is told about a plain text from `from` to `to`.
pub(crate) fn plain(from: Mid, to: Mid, now_us: i64) -> SendContext {
    context(&text(from, to, "x", now_us))
}

/// `owner`'s unread count with `talker`.
pub(crate) async fn unread(store: &Arc<dyn Store>, owner: Mid, talker: Mid) -> u64 {
    let state = store
        .session_state(owner, Talker::User(talker))
        .await
        .expect("a state");
    state.unread_count
}

/// `owner` reads everything from `talker` at `now_us` through the real
/// rule; the new read position, if it moved.
pub(crate) async fn read_all(
    store: &Arc<dyn Store>,
    owner: Mid,
    talker: Mid,
    now_us: i64,
) -> Option<Seqno> {
    store
        .read(
            owner,
            Talker::User(talker),
            now_us,
            Box::new(|f| Ok(read_up_to(None, f.ack, f.last))),
        )
        .await
        .expect("read")
}
