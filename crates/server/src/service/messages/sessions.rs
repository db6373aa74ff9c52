//! Sessions, history and read state.

use sixin_api::Code;

use super::MessageService;
use crate::domain::message::session::{read_up_to, SessionChange};
use crate::domain::message::Message;
use crate::domain::paging::PageSize;
use crate::domain::relation::follows;
use crate::domain::{Mid, Refusal, Seqno};
use crate::error::Error;
use crate::events::Event;
use crate::store::messages::{
    HistoryQuery, SessionFilter, SessionOrder, SessionQuery, SessionRecord,
};

/// Unread totals over a user's sessions: those intercepted count as the
/// dustbin's, the others by whether the owner follows the talker.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct UnreadTotals {
    pub follow: u64,
    pub unfollow: u64,
    pub dustbin: u64,
}

impl MessageService {
    /// `new_sessions`: every session not intercepted, newest first, newer
    /// than `begin_ts` when given.
    pub async fn new_sessions(
        &self,
        owner: Mid,
        begin_ts: Option<i64>,
        size: Option<u32>,
    ) -> Result<(Vec<SessionRecord>, bool), Error> {
        let query = SessionQuery {
            filter: SessionFilter::All,
            order: SessionOrder::SessionTime,
            after_ts: begin_ts,
            before_ts: None,
            size: PageSize::SESSIONS.resolve(size.map(u64::from)),
        };
        Ok(self.store.sessions(owner, query).await?)
    }

    /// `get_sessions` of `session_type`: 1 users and system, 2 users you do
    /// not follow, 3 fan groups, 4 everything, 5 intercepted, 6 business
    /// deals, 7 system, 8 strangers, 9 followed users and system (2 非法参数
    /// otherwise). sixin has no system or business sessions, so 6 and 7 are
    /// always empty. `sort_rule` 3 orders by read time (except 4 and 7).
    /// Times of 0 mean no bound. The fold flags are accepted; every session
    /// is listed individually.
    pub async fn get_sessions(
        &self,
        owner: Mid,
        session_type: i64,
        begin_ts: Option<i64>,
        end_ts: Option<i64>,
        size: Option<u32>,
        sort_rule: Option<i64>,
    ) -> Result<(Vec<SessionRecord>, bool), Error> {
        let filter = match session_type {
            1 | 4 => SessionFilter::All,
            2 | 8 => SessionFilter::Unfollowed,
            3 => SessionFilter::Groups,
            5 => SessionFilter::Intercepted,
            6 | 7 => return Ok((Vec::new(), false)),
            9 => SessionFilter::Followed,
            _ => return Err(Code::InvalidParam.into()),
        };
        let order = match (session_type, sort_rule) {
            (4 | 7, _) => SessionOrder::SessionTime,
            (_, Some(3)) => SessionOrder::AckTime,
            _ => SessionOrder::SessionTime,
        };
        let query = SessionQuery {
            filter,
            order,
            after_ts: begin_ts.filter(|&t| t > 0),
            before_ts: end_ts.filter(|&t| t > 0),
            size: PageSize::SESSIONS.resolve(size.map(u64::from)),
        };
        Ok(self.store.sessions(owner, query).await?)
    }

    /// One session with a message in it (1000004 otherwise).
    pub async fn session(&self, owner: Mid, talker: Mid) -> Result<SessionRecord, Error> {
        self.store
            .session(owner, talker)
            .await?
            .ok_or_else(|| Refusal::new(Code::SessionNotFound, "no such session").into())
    }

    /// A page of history, newest first, and whether more remain in the
    /// range. `begin`/`end` are exclusive seqno bounds, 0 or none for no
    /// bound. With only a lower bound the page holds the oldest messages
    /// above it, so a client polling with the last seqno it saw never skips
    /// any; otherwise the newest below the upper bound. Reading history
    /// marks nothing read.
    pub async fn history(
        &self,
        owner: Mid,
        talker: Mid,
        begin: Option<u64>,
        end: Option<u64>,
        size: Option<u32>,
    ) -> Result<(Vec<Message>, bool), Error> {
        let after = begin.filter(|&s| s > 0);
        let before = end.filter(|&s| s > 0);
        let oldest_first = after.is_some() && before.is_none();
        let query = HistoryQuery {
            after: Seqno(after.unwrap_or(0)),
            before: Seqno(before.unwrap_or(u64::MAX)),
            size: PageSize::HISTORY.resolve(size.map(u64::from)),
            oldest_first,
        };
        let (mut messages, has_more) = self.store.history(owner, talker, query).await?;
        if oldest_first {
            messages.reverse();
        }
        Ok((messages, has_more))
    }

    /// Marks `owner`'s messages from `talker` read up to `seqno` (all when
    /// `None`); the read position never moves backwards.
    pub async fn read(&self, owner: Mid, talker: Mid, seqno: Option<u64>) -> Result<(), Error> {
        let requested = seqno.map(Seqno);
        let read = self
            .store
            .read(
                owner,
                talker,
                self.clock.now_us(),
                Box::new(move |facts| Ok(read_up_to(requested, facts.ack, facts.last))),
            )
            .await?;
        if let Some(seqno) = read {
            self.events
                .publish(Event::SessionRead {
                    owner,
                    talker,
                    seqno,
                })
                .await;
        }
        Ok(())
    }

    /// Changes one of `owner`'s sessions (-400 for a talker who does not
    /// exist, or oneself).
    pub async fn change_session(
        &self,
        owner: Mid,
        talker: Mid,
        change: SessionChange,
    ) -> Result<(), Error> {
        if talker == owner {
            return Err(Error::bad_request("no session with oneself"));
        }
        Ok(self
            .store
            .change_session(
                owner,
                talker,
                Box::new(move |facts| {
                    if !facts.talker_exists {
                        return Err(Refusal::bad_request("talker does not exist"));
                    }
                    Ok(change.apply(facts.state))
                }),
            )
            .await?)
    }

    /// Pins (`true`) or unpins a session.
    pub async fn set_top(&self, owner: Mid, talker: Mid, pin: bool) -> Result<(), Error> {
        let top_ts = if pin { self.clock.now_us() } else { 0 };
        self.change_session(owner, talker, SessionChange::Top(top_ts))
            .await
    }

    /// Marks every intercepted session read.
    pub async fn read_dustbin(&self, owner: Mid) -> Result<(), Error> {
        let change = SessionChange::ReadAll(self.clock.now_us());
        Ok(self
            .store
            .change_intercepted(owner, Box::new(move |s| change.apply(s)))
            .await?)
    }

    /// Removes every intercepted session from the lists.
    pub async fn clear_dustbin(&self, owner: Mid) -> Result<(), Error> {
        Ok(self
            .store
            .change_intercepted(owner, Box::new(|s| SessionChange::Remove.apply(s)))
            .await?)
    }

    /// `single_unread`: the totals of `unread_type` (0 all, 1 followed, 2
    /// unfollowed, 3 dustbin; 2 非法参数 otherwise), the others 0; the
    /// dustbin counts only when `show_dustbin`.
    pub async fn single_unread(
        &self,
        owner: Mid,
        unread_type: Option<i64>,
        show_dustbin: bool,
    ) -> Result<UnreadTotals, Error> {
        let kind = unread_type.unwrap_or(0);
        if !(0..=3).contains(&kind) {
            return Err(Code::InvalidParam.into());
        }
        let totals = self.unread_totals(owner).await?;
        let count = |wanted: bool, total: u64| if wanted { total } else { 0 };
        Ok(UnreadTotals {
            follow: count(matches!(kind, 0 | 1), totals.follow),
            unfollow: count(matches!(kind, 0 | 2), totals.unfollow),
            dustbin: count(show_dustbin && matches!(kind, 0 | 3), totals.dustbin),
        })
    }

    /// Unread totals of `owner`'s sessions.
    pub async fn unread_totals(&self, owner: Mid) -> Result<UnreadTotals, Error> {
        let mut totals = UnreadTotals::default();
        for session in self.store.unread_sessions(owner).await? {
            if session.intercepted {
                totals.dustbin += session.unread;
            } else if follows(session.owner_to_talker) {
                totals.follow += session.unread;
            } else {
                totals.unfollow += session.unread;
            }
        }
        Ok(totals)
    }
}
