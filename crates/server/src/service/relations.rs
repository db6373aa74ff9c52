//! Use cases of the relation family: follows, quiet follows, blocks, fans,
//! lists and follow groups.

use std::sync::Arc;

use sixin_api::relation::{Act, DEFAULT_TAG_NAME, SPECIAL_TAG_NAME};
use sixin_api::Code;

use crate::clock::Clock;
use crate::domain::lists::{
    fans_window, looks_at_followers, unread_followers_time, FanCursor, NameSearch,
};
use crate::domain::paging::{page_number, Page, PageSize};
use crate::domain::relation::{decide_modify, RelationCounts, RelationLimits, RelationPair};
use crate::domain::tag::{
    decide_create, decide_edit, decide_rename, tag_order, TagEdit, TagInfo, TagName,
};
use crate::domain::{Mid, Refusal, TagId};
use crate::error::Error;
use crate::events::{Event, EventBus};
use crate::store::relations::{FansQuery, FansStart, ListKind, ListPage};
use crate::store::Store;

/// Pages of someone else's followings or followers one may read (22007 beyond).
const OTHERS_MAX_PN: u64 = 5;

/// Most users one `batch/modify` may name.
pub const MAX_BATCH_FIDS: usize = 50;

/// A page of fans and where the next one starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FansPage {
    pub page: ListPage,
    /// `{mtime}:{mid}` of the page's last fan; for an empty page, the
    /// offset asked for (so a client polling with it stays at the end).
    pub offset: String,
}

/// New followers since the last look, as `followers/unread/count` shows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UnreadFollowers {
    pub count: u64,
    /// When the followers were last looked at; 0 when `count` is 0.
    pub time: i64,
}

/// Relations.
pub struct RelationService {
    store: Arc<dyn Store>,
    clock: Arc<dyn Clock>,
    events: Arc<EventBus>,
    limits: RelationLimits,
}

impl RelationService {
    pub fn new(
        store: Arc<dyn Store>,
        clock: Arc<dyn Clock>,
        events: Arc<EventBus>,
        limits: RelationLimits,
    ) -> RelationService {
        RelationService {
            store,
            clock,
            events,
            limits,
        }
    }

    /// `act` of `mid` towards `fid` (see [`decide_modify`]); announces the
    /// change, and the new mutual follow if there is one.
    pub async fn modify(&self, mid: Mid, fid: Mid, act: Act) -> Result<(), Error> {
        let limits = self.limits;
        let plan = self
            .store
            .modify(
                mid,
                fid,
                self.clock.now_secs(),
                Box::new(move |facts| Ok(decide_modify(act, facts, limits)?)),
            )
            .await?;
        if !plan.writes.is_empty() {
            self.events
                .publish(Event::RelationChanged {
                    mid,
                    fid,
                    attribute: plan.after,
                    seen_by_fid: plan.seen_by_target(mid),
                })
                .await;
        }
        if plan.became_mutual {
            self.events.publish(Event::BecameMutual { mid, fid }).await;
        }
        Ok(())
    }

    /// Follows (1) or blocks (5) each of `fids` on its own; returns those
    /// refused (yourself, unknown, blocked, already done, over a limit).
    /// Any other act, or more than [`MAX_BATCH_FIDS`] users, is -400.
    pub async fn batch_modify(
        &self,
        mid: Mid,
        fids: Vec<Mid>,
        act: Act,
    ) -> Result<Vec<Mid>, Error> {
        if !matches!(act, Act::Follow | Act::Block) {
            return Err(Error::bad_request(format!(
                "act must be 1 (follow) or 5 (block), not {}",
                act.code()
            )));
        }
        if fids.len() > MAX_BATCH_FIDS {
            return Err(Error::bad_request("fids must name at most 50 users"));
        }
        let mut failed = Vec::new();
        for fid in fids {
            match self.modify(mid, fid, act).await {
                Ok(()) => {}
                Err(Error::Refused(refusal)) => {
                    tracing::debug!(%fid, %refusal, "batch modify refused");
                    failed.push(fid);
                }
                Err(err) => {
                    // Earlier fids are committed already: report this one as
                    // failed rather than failing the whole answer.
                    tracing::error!(%fid, error = ?err, "batch modify failed");
                    failed.push(fid);
                }
            }
        }
        Ok(failed)
    }

    /// Both directions between `mid` and `fid`.
    pub async fn relation(&self, mid: Mid, fid: Mid) -> Result<RelationPair, Error> {
        Ok(self.store.relation(mid, fid).await?)
    }

    /// [`RelationService::relation`] for each of `fids`, each once, in order.
    pub async fn relations(
        &self,
        mid: Mid,
        fids: Vec<Mid>,
    ) -> Result<Vec<(Mid, RelationPair)>, Error> {
        Ok(self.store.relations(mid, dedup(fids)).await?)
    }

    /// Someone's followings or followers: every page for the owner, the
    /// first five for anyone else (22007).
    pub async fn public_list(
        &self,
        viewer: Option<Mid>,
        owner: Mid,
        kind: ListKind,
        ps: Option<u64>,
        pn: Option<u64>,
    ) -> Result<ListPage, Error> {
        if viewer != Some(owner) && page_number(pn) > OTHERS_MAX_PN {
            return Err(Code::RelationPageLimit.into());
        }
        let page = self.own_list(owner, kind, ps, pn).await?;
        if kind == ListKind::Followers {
            self.mark_looked_at(viewer, owner, page_number(pn) == 1, page.version)
                .await?;
        }
        Ok(page.seen_by(viewer, owner))
    }

    /// Someone's fans (`fans`): from `offset` when it is a cursor
    /// ([`FanCursor::parse`]), else page `pn`; only the newest
    /// [`fans_window`] fans are listed, later pages are empty.
    pub async fn fans(
        &self,
        viewer: Option<Mid>,
        owner: Mid,
        ps: Option<u64>,
        pn: Option<u64>,
        offset: Option<&str>,
    ) -> Result<FansPage, Error> {
        let cursor = offset.and_then(FanCursor::parse);
        let numbered = Page::numbered(PageSize::RELATIONS, ps, pn);
        let query = FansQuery {
            window: fans_window(viewer, owner),
            start: match cursor {
                Some(cursor) => FansStart::After(cursor),
                None => FansStart::Skip(numbered.offset),
            },
            limit: numbered.limit,
        };
        let page = self.store.fans(owner, query).await?;
        let first_page = cursor.is_none() && page_number(pn) == 1;
        self.mark_looked_at(viewer, owner, first_page, page.version)
            .await?;
        let last = page.entries.last().map(|e| FanCursor {
            mtime: e.pair.backward.as_ref().map_or(0, |r| r.mtime),
            mid: e.profile.mid,
        });
        let offset = match last {
            Some(last) => last.text(),
            None => offset.unwrap_or_default().to_owned(),
        };
        Ok(FansPage {
            page: page.seen_by(viewer, owner),
            offset,
        })
    }

    /// Records that the owner looked at their followers, when reading this
    /// page counts as looking ([`looks_at_followers`]).
    async fn mark_looked_at(
        &self,
        viewer: Option<Mid>,
        owner: Mid,
        first_page: bool,
        version: u64,
    ) -> Result<(), Error> {
        if looks_at_followers(viewer, owner, first_page) {
            self.store
                .followers_seen(owner, self.clock.now_secs(), version)
                .await?;
        }
        Ok(())
    }

    /// How many followed `mid` since they last looked at their followers,
    /// and when that was; asking counts as looking.
    pub async fn unread_followers(&self, mid: Mid) -> Result<UnreadFollowers, Error> {
        let news = self.store.follower_news(mid).await?;
        self.store
            .followers_seen(mid, self.clock.now_secs(), news.version)
            .await?;
        Ok(UnreadFollowers {
            count: news.count,
            time: unread_followers_time(news.count, news.seen_at),
        })
    }

    /// Those `owner` follows whose name contains `name` (everyone without
    /// one), newest follow first; quiet follows are never found (they are
    /// not in the followings list). Others stop at page 5 (22007).
    pub async fn search_followings(
        &self,
        viewer: Mid,
        owner: Mid,
        name: Option<&str>,
        ps: Option<u64>,
        pn: Option<u64>,
    ) -> Result<ListPage, Error> {
        if viewer != owner && page_number(pn) > OTHERS_MAX_PN {
            return Err(Code::RelationPageLimit.into());
        }
        let search = NameSearch::new(name);
        let page = Page::numbered(PageSize::RELATIONS, ps, pn);
        Ok(self
            .store
            .search_followings(owner, Box::new(move |uname| search.matches(uname)), page)
            .await?
            .seen_by(Some(viewer), owner))
    }

    /// Page `pn` of `ps` entries of one of `owner`'s lists; 22104 for a
    /// group that is not theirs.
    pub async fn own_list(
        &self,
        owner: Mid,
        kind: ListKind,
        ps: Option<u64>,
        pn: Option<u64>,
    ) -> Result<ListPage, Error> {
        self.list(owner, kind, Page::numbered(PageSize::RELATIONS, ps, pn))
            .await
    }

    /// One of `owner`'s unpaged lists (whispers, friends): everything
    /// unless a page is asked for.
    pub async fn own_whole_list(
        &self,
        owner: Mid,
        kind: ListKind,
        ps: Option<u64>,
        pn: Option<u64>,
    ) -> Result<ListPage, Error> {
        if ps.is_none() && pn.is_none() {
            self.list(owner, kind, Page::all()).await
        } else {
            self.own_list(owner, kind, ps, pn).await
        }
    }

    async fn list(&self, owner: Mid, kind: ListKind, page: Page) -> Result<ListPage, Error> {
        self.store
            .list(owner, kind, page)
            .await?
            .ok_or_else(|| Refusal::new(Code::TagNotFound, "not a group of the owner").into())
    }

    pub async fn counts(&self, mid: Mid) -> Result<RelationCounts, Error> {
        Ok(self.store.relation_counts(mid).await?)
    }

    /// `mid`'s counts as `viewer` may see them: how many quiet follows and
    /// blocks one has is one's own secret (0 for everyone else).
    pub async fn stat(&self, viewer: Option<Mid>, mid: Mid) -> Result<RelationCounts, Error> {
        let counts = self.counts(mid).await?;
        Ok(if viewer == Some(mid) {
            counts
        } else {
            RelationCounts {
                whisper: 0,
                black: 0,
                ..counts
            }
        })
    }

    /// `mid`'s groups: special, default, then theirs in creation order.
    pub async fn tags(&self, mid: Mid) -> Result<Vec<TagInfo>, Error> {
        let sizes = self.store.group_sizes(mid).await?;
        let mut tags = vec![
            TagInfo {
                tagid: TagId::SPECIAL,
                name: SPECIAL_TAG_NAME.into(),
                count: sizes.special,
            },
            TagInfo {
                tagid: TagId::DEFAULT,
                name: DEFAULT_TAG_NAME.into(),
                count: sizes.following.saturating_sub(sizes.grouped),
            },
        ];
        tags.extend(sizes.own);
        Ok(tags)
    }

    /// The groups `mid` put `fid` in, special first; empty when only in the
    /// default group (or not followed).
    pub async fn groups_of(&self, mid: Mid, fid: Mid) -> Result<Vec<(TagId, String)>, Error> {
        let mut groups: Vec<(TagId, String)> = self
            .store
            .groups_of(mid, fid)
            .await?
            .into_iter()
            .map(|(tagid, name)| (tagid, name.unwrap_or_else(|| SPECIAL_TAG_NAME.into())))
            .collect();
        groups.sort_by_key(|(tagid, _)| tag_order(*tagid));
        Ok(groups)
    }

    /// Everyone in `mid`'s special group, newest first.
    pub async fn special(&self, mid: Mid) -> Result<Vec<Mid>, Error> {
        Ok(self.store.special(mid).await?)
    }

    /// Creates a group (22106 name taken, 22102 too many).
    pub async fn create_tag(&self, mid: Mid, name: TagName) -> Result<TagId, Error> {
        let limits = self.limits;
        let decision_name = name.clone();
        Ok(self
            .store
            .create_tag(
                mid,
                name,
                self.clock.now_secs(),
                Box::new(move |facts| Ok(decide_create(&decision_name, facts, limits)?)),
            )
            .await?)
    }

    /// Renames a group (22104 not yours, 22106 name taken).
    pub async fn rename_tag(&self, mid: Mid, tagid: TagId, name: TagName) -> Result<(), Error> {
        let decision_name = name.clone();
        Ok(self
            .store
            .rename_tag(
                mid,
                tagid,
                name,
                Box::new(move |facts| Ok(decide_rename(tagid, &decision_name, facts)?)),
            )
            .await?)
    }

    /// Deletes one of `mid`'s groups: 22104 for any other id (someone
    /// else's group, one already deleted, a built-in one), as `tag/update`
    /// answers, so that the two say the same about other people's groups.
    pub async fn delete_tag(&self, mid: Mid, tagid: TagId) -> Result<(), Error> {
        if self.store.delete_tag(mid, tagid).await? {
            Ok(())
        } else {
            Err(Refusal::new(Code::TagNotFound, "not a group of the caller").into())
        }
    }

    /// Changes the groups of each of `fids` (22104, 22105; all or nothing).
    pub async fn edit_tags(&self, mid: Mid, fids: Vec<Mid>, edit: TagEdit) -> Result<(), Error> {
        let named = edit.named();
        Ok(self
            .store
            .edit_tags(
                mid,
                dedup(fids),
                named,
                Box::new(move |facts| Ok(decide_edit(&edit, facts)?)),
            )
            .await?)
    }
}

/// Each mid once, in the order first given.
fn dedup(mids: Vec<Mid>) -> Vec<Mid> {
    let mut seen = Vec::with_capacity(mids.len());
    for mid in mids {
        if !seen.contains(&mid) {
            seen.push(mid);
        }
    }
    seen
}
