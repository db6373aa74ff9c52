//! One push connection's stream of notices: what it resumes with, then
//! what its mailbox queues, until it lags or the server closes.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use tokio::sync::{mpsc, watch};

use super::{Hub, Next, Pushed};
use crate::domain::Mid;

/// One connection's stream of notices; dropping it ends the connection.
pub struct Subscription {
    pub(super) hub: Arc<Hub>,
    pub mid: Mid,
    pub(super) conn: u64,
    /// Whether everything since the `last_event_id` asked for follows.
    pub resumed: bool,
    /// The id the stream starts after.
    pub(super) position: u64,
    pub(super) replay: VecDeque<Arc<Pushed>>,
    pub(super) rx: mpsc::Receiver<Arc<Pushed>>,
    pub(super) lagged: Arc<AtomicBool>,
    pub(super) closing: watch::Receiver<bool>,
}

impl Subscription {
    /// The wire id the stream starts after (for the `hello` frame).
    pub fn position(&self) -> String {
        self.hub.event_id(self.position)
    }

    /// The wire id of `pushed`.
    pub fn event_id(&self, pushed: &Pushed) -> String {
        self.hub.event_id(pushed.id)
    }

    /// The next notice, or why there is none.
    pub async fn next(&mut self) -> Next {
        if self.lagged.load(Ordering::Acquire) {
            return Next::Lagged;
        }
        if let Some(pushed) = self.replay.pop_front() {
            return Next::Notice(pushed);
        }
        tokio::select! {
            biased;
            _ = self.closing.wait_for(|closing| *closing) => Next::Closing,
            pushed = self.rx.recv() => match pushed {
                Some(pushed) if !self.lagged.load(Ordering::Acquire) => Next::Notice(pushed),
                // Dropped from the mailbox: only a lagging connection is.
                _ => Next::Lagged,
            },
        }
    }
}

impl Drop for Subscription {
    fn drop(&mut self) {
        self.hub.disconnect(self.mid, self.conn);
    }
}
