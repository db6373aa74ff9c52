//! Sessions, history and read state.

use sixin_api::Code;

use super::MessageService;
use crate::domain::message::session::{hears_typing, read_up_to, SessionChange, Talker};
use crate::domain::message::Message;
use crate::domain::paging::PageSize;
use crate::domain::system::UnreadTotals;
use crate::domain::{Mid, Refusal, Seqno};
use crate::error::Error;
use crate::events::Event;
use crate::store::messages::{
    HistoryQuery, SessionFilter, SessionOrder, SessionQuery, SessionRecord,
};

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
        let (sessions, more) = self.store.sessions(owner, query).await?;
        Ok((self.shown_sessions(sessions), more))
    }

    /// The sessions with their last messages as they show now.
    fn shown_sessions(&self, sessions: Vec<SessionRecord>) -> Vec<SessionRecord> {
        sessions
            .into_iter()
            .map(|s| SessionRecord {
                last_msg: s.last_msg.map(|m| self.shown(m)),
                ..s
            })
            .collect()
    }

    /// `get_sessions` of `session_type`: 1 users and system, 2 users you do
    /// not follow (system accounts included), 3 fan groups, 4 everything,
    /// 5 intercepted, 6 business deals, 7 system, 8 strangers (users you do
    /// not follow, no system accounts), 9 followed users and system (2
    /// 非法参数 otherwise). sixin has no business sessions, so 6 is always
    /// empty. `sort_rule` 3 orders by read time (except 4 and 7).
    /// Times of 0 mean no bound. Folding fan groups (`group_fold`; the
    /// owner's `is_group_fold` setting when absent) leaves them out of 4:
    /// they are read with 3.
    #[allow(clippy::too_many_arguments)]
    pub async fn get_sessions(
        &self,
        owner: Mid,
        session_type: i64,
        begin_ts: Option<i64>,
        end_ts: Option<i64>,
        size: Option<u32>,
        sort_rule: Option<i64>,
        group_fold: Option<bool>,
    ) -> Result<(Vec<SessionRecord>, bool), Error> {
        let fold = match (session_type, group_fold) {
            (4, Some(fold)) => fold,
            (4, None) => {
                self.store
                    .message_settings(owner)
                    .await?
                    .get("is_group_fold")
                    != 0
            }
            _ => false,
        };
        let filter = match session_type {
            1 => SessionFilter::Users,
            4 if fold => SessionFilter::Users,
            4 => SessionFilter::All,
            2 => SessionFilter::Unfollowed,
            3 => SessionFilter::Groups,
            5 => SessionFilter::Intercepted,
            6 => return Ok((Vec::new(), false)),
            7 => SessionFilter::System,
            8 => SessionFilter::Strangers,
            9 => SessionFilter::FollowedOrSystem,
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
        let (sessions, more) = self.store.sessions(owner, query).await?;
        Ok((self.shown_sessions(sessions), more))
    }

    /// One session with a message in it (1000004 otherwise).
    pub async fn session(&self, owner: Mid, talker: Talker) -> Result<SessionRecord, Error> {
        let session = self
            .store
            .session(owner, talker)
            .await?
            .ok_or_else(|| Refusal::new(Code::SessionNotFound, "no such session"))?;
        Ok(self.shown_sessions(vec![session]).remove(0))
    }

    /// A page of history, newest first, and whether more remain in the
    /// range. `begin`/`end` are exclusive seqno bounds, 0 or none for no
    /// bound. With only a lower bound the page holds the oldest messages
    /// above it, so a client polling with the last seqno it saw never skips
    /// any; otherwise the newest below the upper bound. Reading history
    /// marks nothing read. A fan group's history is its members' (700014
    /// for anyone else); the members of a dissolved group keep it.
    pub async fn history(
        &self,
        owner: Mid,
        talker: Talker,
        begin: Option<u64>,
        end: Option<u64>,
        size: Option<u32>,
    ) -> Result<(Vec<Message>, bool), Error> {
        if let Talker::Group(id) = talker {
            if !self.store.is_group_member(id, owner).await? {
                return Err(Code::NotInGroup.into());
            }
        }
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
        Ok((
            messages.into_iter().map(|m| self.shown(m)).collect(),
            has_more,
        ))
    }

    /// Marks `owner`'s messages from `talker` read up to `seqno` (all when
    /// `None`); the read position never moves backwards.
    pub async fn read(&self, owner: Mid, talker: Talker, seqno: Option<u64>) -> Result<(), Error> {
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
    /// exist, oneself, or a fan group the owner is not in).
    pub async fn change_session(
        &self,
        owner: Mid,
        talker: Talker,
        change: SessionChange,
    ) -> Result<(), Error> {
        if talker == Talker::User(owner) {
            return Err(Error::bad_request("talker_id must not be yourself"));
        }
        let (group, intercept) = (
            matches!(talker, Talker::Group(_)),
            matches!(change, SessionChange::Intercept(_)),
        );
        if group && intercept {
            return Err(Error::bad_request(
                "talker_id must be a user: fan-group sessions are never intercepted",
            ));
        }
        self.store
            .change_session(
                owner,
                talker,
                Box::new(move |facts| {
                    if !facts.talker_exists {
                        return Err(Refusal::bad_request(if group {
                            "the fan group is not one you are in"
                        } else {
                            "talker_id is not a user"
                        }));
                    }
                    Ok(change.apply(facts.state))
                }),
            )
            .await?;
        self.events
            .publish(Event::SessionChanged {
                owner,
                talker: Some(talker),
            })
            .await;
        Ok(())
    }

    /// Pins (`true`) or unpins a session.
    pub async fn set_top(&self, owner: Mid, talker: Talker, pin: bool) -> Result<(), Error> {
        let top_ts = if pin { self.clock.now_us() } else { 0 };
        self.change_session(owner, talker, SessionChange::Top(top_ts))
            .await
    }

    /// Tells `to` that `from` is typing to them, if `to` would see it (see
    /// [`hears_typing`]); quietly nothing otherwise, so that typing
    /// reveals nothing about `to`'s settings.
    pub async fn typing(&self, from: Mid, to: Mid) -> Result<(), Error> {
        if from == to {
            return Ok(());
        }
        let Some(session) = self.store.session(to, Talker::User(from)).await? else {
            return Ok(());
        };
        if hears_typing(&session.state, session.owner_to_talker) {
            self.events.publish(Event::Typing { from, to }).await;
        }
        Ok(())
    }

    /// Marks every intercepted session read.
    pub async fn read_dustbin(&self, owner: Mid) -> Result<(), Error> {
        let change = SessionChange::ReadAll(self.clock.now_us());
        self.store
            .change_intercepted(owner, Box::new(move |s| change.apply(s)))
            .await?;
        self.events
            .publish(Event::SessionChanged {
                owner,
                talker: None,
            })
            .await;
        Ok(())
    }

    /// Marks every listed session with unread messages read (users' not
    /// intercepted, fan groups'): sixin's own "mark all as read". Each
    /// session read is announced, so the owner's other devices follow.
    pub async fn read_all(&self, owner: Mid) -> Result<usize, Error> {
        let change = SessionChange::ReadAll(self.clock.now_us());
        let read = self
            .store
            .change_unread(owner, Box::new(move |s| change.apply(s)))
            .await?;
        for (talker, state) in &read {
            self.events
                .publish(Event::SessionRead {
                    owner,
                    talker: *talker,
                    seqno: state.ack_seqno,
                })
                .await;
        }
        Ok(read.len())
    }

    /// Removes every intercepted session from the lists.
    pub async fn clear_dustbin(&self, owner: Mid) -> Result<(), Error> {
        self.store
            .change_intercepted(owner, Box::new(|s| SessionChange::Remove.apply(s)))
            .await?;
        self.events
            .publish(Event::SessionChanged {
                owner,
                talker: None,
            })
            .await;
        Ok(())
    }

    /// `single_unread`: the totals of `unread_type` (0 all, 1 followed, 2
    /// unfollowed, 3 dustbin; 2 非法参数 otherwise), the others 0; the
    /// dustbin counts unless `show_dustbin` is off: the seed reports
    /// `dustbin_unread` on a plain call, the upstream document lets
    /// `show_dustbin=0` leave it out.
    /// Customer service counts with every type.
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
        let (followed, unfollowed) = (matches!(kind, 0 | 1), matches!(kind, 0 | 2));
        let dustbin = show_dustbin && matches!(kind, 0 | 3);
        let count = |wanted: bool, total: u64| if wanted { total } else { 0 };
        Ok(UnreadTotals {
            follow: count(followed, totals.follow),
            biz_follow: count(followed, totals.biz_follow),
            unfollow: count(unfollowed, totals.unfollow),
            unfollow_push: count(unfollowed, totals.unfollow_push),
            biz_unfollow: count(unfollowed, totals.biz_unfollow),
            dustbin: count(dustbin, totals.dustbin),
            dustbin_push: count(dustbin, totals.dustbin_push),
            custom: totals.custom,
            group: 0,
        })
    }

    /// Unread totals of `owner`'s sessions: kept ones while the store's
    /// version says they hold (`super::unread`).
    pub async fn unread_totals(&self, owner: Mid) -> Result<UnreadTotals, Error> {
        let kept = self.unread.get(owner);
        let read = self
            .store
            .unread_if_changed(owner, kept.map(|(version, _)| version))
            .await?;
        let totals = match (read.sessions, kept) {
            (None, Some((_, totals))) => totals,
            (Some(sessions), _) => {
                let totals = super::unread::totals(&sessions);
                self.unread.put(owner, read.version, totals);
                totals
            }
            // Not answered by a store keeping its contract; not kept.
            (None, None) => super::unread::totals(&self.store.unread_sessions(owner).await?),
        };
        Ok(totals)
    }
}
