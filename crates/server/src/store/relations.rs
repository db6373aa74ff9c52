//! Follows, quiet follows, blocks, fans and follow groups.

use async_trait::async_trait;

use super::{Decide, StoreError};
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
    /// The owner's `re_version`.
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

    /// Deletes `mid`'s group `tagid` if there is one; its members stay
    /// followed (in their other groups, or the default one).
    async fn delete_tag(&self, mid: Mid, tagid: TagId) -> Result<(), StoreError>;

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
