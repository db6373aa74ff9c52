//! Follows, quiet follows, blocks, fans and follow groups.

use async_trait::async_trait;

use super::{Decide, StoreError};
use crate::domain::lists::FanCursor;
use crate::domain::paging::Page;
use crate::domain::relation::{ModifyFacts, ModifyPlan, RelationCounts, RelationPair};
use crate::domain::tag::{TagEditFacts, TagInfo, TagName, TagNameFacts, TagWrite};
use crate::domain::{Mid, Profile, TagId};

/// Which list to page through, always relative to an owner. Every list is
/// newest relation first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListKind {
    /// Whom the owner follows (not quietly).
    Followings,
    /// Who follows the owner (not quietly).
    Followers,
    /// Whom the owner follows quietly.
    Whispers,
    /// Whom the owner blocked.
    Blacks,
    /// Whom the owner follows and who follow the owner back.
    Friends,
    /// Whom both the owner and this other user follow.
    SameFollowings(Mid),
    /// Members of one of the owner's groups: [`TagId::SPECIAL`],
    /// [`TagId::DEFAULT`] (follows in no group), [`TagId::ALL`] (every
    /// follow), or a group the owner made.
    Group(TagId),
}

/// One entry of a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListEntry {
    pub profile: Profile,
    /// `forward`: the owner towards this user; `backward`: this user towards the owner.
    pub pair: RelationPair,
}

/// A page of a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListPage {
    pub entries: Vec<ListEntry>,
    /// Size of the whole list.
    pub total: u64,
    /// The owner's own `re_version` ([`RelationCounts::version`]).
    pub version: u64,
    /// The `re_version` others are shown ([`RelationCounts::public_version`]).
    pub public_version: u64,
}

impl ListPage {
    /// The page as `viewer` may see it: someone else's list carries the
    /// owner's public version, never their own.
    pub fn seen_by(mut self, viewer: Option<Mid>, owner: Mid) -> ListPage {
        if viewer != Some(owner) {
            self.version = self.public_version;
        }
        self
    }
}

/// Where a page of fans starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FansStart {
    /// After skipping this many fans (`pn` paging).
    Skip(u64),
    /// After this fan (`offset` paging); a cursor that is not in the list
    /// still marks a place in its order.
    After(FanCursor),
}

/// A page of someone's fans (followers, quiet ones excluded), newest follow
/// first: descending `mtime`, ties by descending mid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FansQuery {
    /// Only the first `window` fans of the order may be listed; a page
    /// ends where the window does.
    pub window: u64,
    pub start: FansStart,
    pub limit: u64,
}

/// Whether a user's name is found by a search: a domain rule the backend
/// applies while reading.
pub type NameFilter = Box<dyn Fn(&str) -> bool + Send>;

/// Who followed a user since they last looked at their followers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FollowerNews {
    /// Followers (not quiet ones) whose follow was made after the last
    /// look; refreshing a follow (it became mutual) does not make it new.
    pub count: u64,
    /// When they last looked (unix seconds); 0: never.
    pub seen_at: i64,
    /// The user's `re_version` in the same snapshot: marking the followers
    /// seen up to it leaves later follows new.
    pub version: u64,
}

/// The sizes of a user's groups.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupSizes {
    /// Follows in the special group.
    pub special: u64,
    /// Follows in at least one group (the special one included).
    pub grouped: u64,
    /// All follows (not quiet ones).
    pub following: u64,
    /// The groups the user made, in creation order.
    pub own: Vec<TagInfo>,
}

#[async_trait]
pub trait RelationStore: Send + Sync {
    /// Reads the facts about `mid` and `fid`, runs `decide`, and applies
    /// the writes of its plan in order (relations made or refreshed take
    /// `now` as their `mtime`); returns the plan.
    async fn modify(
        &self,
        mid: Mid,
        fid: Mid,
        now: i64,
        decide: Decide<ModifyFacts, ModifyPlan>,
    ) -> Result<ModifyPlan, StoreError>;

    /// Both directions between `mid` and `fid`.
    async fn relation(&self, mid: Mid, fid: Mid) -> Result<RelationPair, StoreError>;

    /// [`RelationStore::relation`] for many, in the order given, from one snapshot.
    async fn relations(
        &self,
        mid: Mid,
        fids: Vec<Mid>,
    ) -> Result<Vec<(Mid, RelationPair)>, StoreError>;

    /// A page of one of `owner`'s lists; `None` for a group that is not
    /// the owner's.
    async fn list(
        &self,
        owner: Mid,
        kind: ListKind,
        page: Page,
    ) -> Result<Option<ListPage>, StoreError>;

    /// A page of `owner`'s fans.
    async fn fans(&self, owner: Mid, query: FansQuery) -> Result<ListPage, StoreError>;

    /// A page of those whom `owner` follows (not quietly) whose name
    /// `filter` finds, in list order; `total` counts every one found.
    async fn search_followings(
        &self,
        owner: Mid,
        filter: NameFilter,
        page: Page,
    ) -> Result<ListPage, StoreError>;

    /// Who followed `mid` since they last looked, from one snapshot.
    async fn follower_news(&self, mid: Mid) -> Result<FollowerNews, StoreError>;

    /// Records that `mid` looked at their followers at `at` (unix seconds),
    /// seeing every follow made up to `version` (a [`ListPage::version`] or
    /// [`FollowerNews::version`]); what was seen never becomes unseen.
    async fn followers_seen(&self, mid: Mid, at: i64, version: u64) -> Result<(), StoreError>;

    /// `mid`'s counts.
    async fn relation_counts(&self, mid: Mid) -> Result<RelationCounts, StoreError>;

    /// The sizes of `mid`'s groups.
    async fn group_sizes(&self, mid: Mid) -> Result<GroupSizes, StoreError>;

    /// The groups `mid` put `fid` in, with the names of those `mid` made
    /// (`None` for the special group).
    async fn groups_of(
        &self,
        mid: Mid,
        fid: Mid,
    ) -> Result<Vec<(TagId, Option<String>)>, StoreError>;

    /// Everyone in `mid`'s special group, newest first.
    async fn special(&self, mid: Mid) -> Result<Vec<Mid>, StoreError>;

    /// Creates a group named `name` at `now` if `decide` allows it given
    /// who has the name and how many groups `mid` made.
    async fn create_tag(
        &self,
        mid: Mid,
        name: TagName,
        now: i64,
        decide: Decide<TagNameFacts, ()>,
    ) -> Result<TagId, StoreError>;

    /// Renames `tagid` if `decide` allows it given whether it is `mid`'s
    /// and who has the name.
    async fn rename_tag(
        &self,
        mid: Mid,
        tagid: TagId,
        name: TagName,
        decide: Decide<TagNameFacts, ()>,
    ) -> Result<(), StoreError>;

    /// Deletes `mid`'s group `tagid` if there is one (its members stay
    /// followed, in their other groups or the default one); false, with
    /// nothing written, when `tagid` is not a group `mid` made (someone
    /// else's, gone, or a built-in one).
    async fn delete_tag(&self, mid: Mid, tagid: TagId) -> Result<bool, StoreError>;

    /// Reads whether each of `named` is `mid`'s and each of `fids`'
    /// relation and groups, runs `decide`, and applies its writes in order.
    async fn edit_tags(
        &self,
        mid: Mid,
        fids: Vec<Mid>,
        named: Vec<TagId>,
        decide: Decide<TagEditFacts, Vec<TagWrite>>,
    ) -> Result<(), StoreError>;
}
