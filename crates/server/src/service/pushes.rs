//! Deliveries from the admin API: any documented message type, checked
//! against its documented content, from one account to a list of users or
//! to everyone; and moderation (withdrawing a message).
//!
//! A delivery is a job in the store. Small ones (up to one batch) are
//! delivered before the request answers; larger ones run in the background,
//! one batch per write transaction, so that one-to-one messages queue
//! behind at most one batch; their progress is the job's. Jobs left
//! unfinished by a stop are resumed when the server starts.

use std::sync::Arc;
use std::time::Duration;

use sixin_api::message::msg_type;
use sixin_api::Code;

use crate::clock::Clock;
use crate::domain::message::push::{
    admits, check_notify_code, default_source, is_documented_source, unread_kind,
};
use crate::domain::message::{schema, Message};
use crate::domain::{Mid, MsgKey, Refusal};
use crate::error::Error;
use crate::events::{Event, EventBus};
use crate::store::messages::Withdrawal;
use crate::store::pushes::{NewPush, PushJob};
use crate::store::{Store, StoreError};

/// Receivers delivered to in one write transaction.
pub const BATCH: usize = 200;

/// Most receivers one delivery may name (everyone is not a list).
pub const MAX_RECEIVERS: usize = 100_000;

/// A delivery asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PushRequest {
    pub sender: Mid,
    /// `None`: everyone but the sender.
    pub receivers: Option<Vec<Mid>>,
    pub msg_type: i64,
    /// The content object as JSON text.
    pub content: String,
    pub msg_source: Option<i64>,
    pub notify_code: String,
}

/// Deliveries and moderation.
pub struct PushService {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    events: Arc<EventBus>,
}

impl PushService {
    pub fn new(store: Arc<dyn Store>, clock: Arc<dyn Clock>, events: Arc<EventBus>) -> Self {
        PushService {
            store,
            clock,
            events,
        }
    }

    /// Checks and starts a delivery: -400 for a type the documents do not
    /// describe (or one that is not a user's: recalls, fan-group
    /// messages), content that is not the type's documented content, an
    /// undocumented `msg_source`, a malformed `notify_code`, no receivers
    /// or too many; 40061 for a sender who does not exist. Returns the job,
    /// delivered already when it fits in one batch.
    pub async fn start(self: &Arc<Self>, request: PushRequest) -> Result<PushJob, Error> {
        let kind = request.msg_type;
        if matches!(kind, msg_type::RECALL | msg_type::SYSTEM_RECALL) {
            return Err(Error::bad_request(
                "msg_type 5 and 8 recall a message: withdraw it instead",
            ));
        }
        if (301..=306).contains(&kind) {
            return Err(Error::bad_request(format!(
                "msg_type {kind} is a fan group's system message, not a user's"
            )));
        }
        if !schema::is_documented(kind) {
            return Err(Error::bad_request(format!(
                "msg_type {kind} is not a documented message type"
            )));
        }
        schema::check(kind, &request.content)
            .map_err(|why| Error::bad_request(format!("content: {why}")))?;
        let to_everyone = request.receivers.is_none();
        let source = request.msg_source.unwrap_or(default_source(to_everyone));
        if !is_documented_source(source) {
            return Err(Error::bad_request(format!(
                "msg_source {source} is not a documented source"
            )));
        }
        check_notify_code(&request.notify_code).map_err(Error::bad_request)?;
        if let Some(list) = &request.receivers {
            if list.is_empty() || list.len() > MAX_RECEIVERS {
                return Err(Error::bad_request(
                    "receivers must name 1 to 100000 mids, or be \"all\"",
                ));
            }
        }
        if self.store.profile(request.sender).await?.is_none() {
            return Err(Refusal::new(Code::UserNotFound, "no such sender").into());
        }
        let is_system = self.store.system_account(request.sender).await?.is_some();
        let small = request.receivers.as_ref().is_some_and(|l| l.len() <= BATCH);
        let push = NewPush {
            sender: request.sender,
            receivers: request.receivers,
            msg_type: kind,
            content: request.content,
            msg_source: source,
            notify_code: request.notify_code,
            unread_kind: unread_kind(kind, source, is_system),
        };
        let job = self.store.create_push(push, self.clock.now_us()).await?;
        if small {
            self.run(job.id).await?;
            return Ok(self.store.push_job(job.id).await?.unwrap_or(job));
        }
        let service = self.clone();
        tokio::spawn(async move { service.run_in_background(job.id).await });
        Ok(job)
    }

    /// A job and its progress.
    pub async fn job(&self, id: u64) -> Result<Option<PushJob>, Error> {
        Ok(self.store.push_job(id).await?)
    }

    /// Resumes the jobs a stop left unfinished, in the background.
    pub fn resume(self: &Arc<Self>) {
        let service = self.clone();
        tokio::spawn(async move {
            match service.store.unfinished_pushes().await {
                Ok(ids) => {
                    for id in ids {
                        tracing::info!(job = id, "resuming a delivery");
                        service.run_in_background(id).await;
                    }
                }
                Err(err) => tracing::warn!(error = ?err, "cannot list unfinished deliveries"),
            }
        });
    }

    /// Delivers a job batch by batch until it is finished.
    async fn run(&self, id: u64) -> Result<(), StoreError> {
        let Some(sender) = self.store.push_job(id).await?.map(|job| job.sender) else {
            return Ok(());
        };
        loop {
            let (job, stored) = self
                .store
                .deliver_push(
                    id,
                    BATCH,
                    self.clock.now_us(),
                    Box::new(move |receiver, facts| admits(sender, receiver, facts)),
                )
                .await?;
            self.announce(stored).await;
            match job {
                Some(job) if job.finished_at.is_none() => tokio::task::yield_now().await,
                _ => return Ok(()),
            }
        }
    }

    async fn run_in_background(&self, id: u64) {
        loop {
            match self.run(id).await {
                Ok(()) => return,
                Err(StoreError::Closed) => return,
                Err(err) => {
                    tracing::warn!(job = id, error = ?err, "delivery interrupted; retrying");
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
            }
        }
    }

    async fn announce(&self, stored: Vec<Message>) {
        for message in stored {
            self.events
                .publish(Event::MessageStored {
                    message,
                    visible_to: None,
                })
                .await;
        }
    }

    /// Recalls a message for the system (`msg_status` 2, hidden from both
    /// sides), leaving a system recall (`sys_cancel`) in its place in a
    /// user session; -404 for no such message, -400 for a system recall.
    /// The system recall reaches both sides' clients as a new message.
    pub async fn withdraw(&self, msg_key: MsgKey) -> Result<Message, Error> {
        let Withdrawal { message, recall } = self
            .store
            .withdraw(msg_key, self.clock.now_us())
            .await?
            .ok_or_else(|| Refusal::new(Code::NotFound, "no such message"))?;
        if message.msg_type == msg_type::SYSTEM_RECALL {
            return Err(Error::bad_request(
                "a system recall (sys_cancel) cannot be withdrawn",
            ));
        }
        if message.msg_status != 2 {
            self.events
                .publish(Event::MessageWithdrawn { msg_key })
                .await;
        }
        if let Some((recall, visible_to)) = recall {
            self.events
                .publish(Event::MessageStored {
                    message: recall,
                    visible_to,
                })
                .await;
        }
        Ok(message)
    }
}
