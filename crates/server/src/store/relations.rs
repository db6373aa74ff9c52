//! Storage operations of the user-relation family, and the domain types they
//! speak: the acts of `modify`, limits, stored relations, list pages, groups.
//!
//! Rules (who may follow whom, limits, group ownership) are checked by the
//! backend inside the same transaction as the write they guard.

use async_trait::async_trait;
use sixin_api::relation::attribute;

use crate::domain::{Mid, Profile};
use crate::store::StoreError;

/// What `POST /x/relation/modify` does (`act`).
///
/// - `Follow` (1): a new follow, or turns a quiet follow into a follow.
///   22014 when already following.
/// - `Unfollow` (2): ends a follow or a quiet follow; nothing to end is fine.
/// - `QuietFollow` (3): a new quiet follow, or turns a follow into one
///   (leaving its groups). 22014 when already quietly following.
/// - `QuietUnfollow` (4): ends a quiet follow only.
/// - `Block` (5): replaces any relation of ours with a block and ends the
///   target's follow of us. 22120 when already blocked.
/// - `Unblock` (6): ends a block; nothing to end is fine.
/// - `RemoveFan` (7): ends the target's (quiet) follow of us.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Act {
    Follow,
    Unfollow,
    QuietFollow,
    QuietUnfollow,
    Block,
    Unblock,
    RemoveFan,
}

impl Act {
    /// The act for a documented code, `None` for any other.
    pub fn from_code(code: i64) -> Option<Act> {
        Some(match code {
            1 => Act::Follow,
            2 => Act::Unfollow,
            3 => Act::QuietFollow,
            4 => Act::QuietUnfollow,
            5 => Act::Block,
            6 => Act::Unblock,
            7 => Act::RemoveFan,
            _ => return None,
        })
    }
}

/// Configured limits, checked atomically with the writes they bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RelationLimits {
    /// Follows plus quiet follows one user may have (22009 beyond).
    pub max_followings: u64,
    /// Blocked users one user may have (22008 beyond).
    pub max_blacklist: u64,
    /// Groups one user may create, besides the special and default ones (22102 beyond).
    pub max_tags: u64,
}

/// What a successful `modify` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ModifyOutcome {
    /// The caller's stored attribute towards the target afterwards (0 none).
    pub attribute: i64,
    /// The two users follow each other now and did not before. The private
    /// message family hooks its automatic greeting here.
    pub became_mutual: bool,
}

/// One stored relation row, `mid` towards `fid`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredRelation {
    /// 1, 2 or 128.
    pub attribute: i64,
    pub mtime: i64,
    pub special: bool,
    /// Group ids (`-10` included when special), `-10` first, then ascending.
    pub tags: Vec<i64>,
}

/// Both directions between two users.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RelationPair {
    /// The first user's row towards the second.
    pub forward: Option<StoredRelation>,
    /// The second user's row towards the first.
    pub backward: Option<StoredRelation>,
}

impl RelationPair {
    /// The first user's attribute towards the second as documented: 6 when
    /// both follow, quiet follows shown only when `show_quiet` (a quiet
    /// follow is invisible to everyone but the follower).
    pub fn attribute(&self, show_quiet: bool) -> i64 {
        let back = self.backward.as_ref().map(|r| r.attribute);
        match self.forward.as_ref().map(|r| r.attribute) {
            Some(attribute::FOLLOWING) if back == Some(attribute::FOLLOWING) => attribute::MUTUAL,
            Some(attribute::FOLLOWING) => attribute::FOLLOWING,
            Some(attribute::QUIET) if show_quiet => attribute::QUIET,
            Some(attribute::BLOCKED) => attribute::BLOCKED,
            _ => attribute::NONE,
        }
    }

    /// The same pair seen from the other side.
    pub fn reversed(self) -> RelationPair {
        RelationPair {
            forward: self.backward,
            backward: self.forward,
        }
    }
}

/// Which list to page through, always relative to an owner.
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
    /// Whom the owner and they follow each other.
    Friends,
    /// Whom both the owner and this other user follow.
    SameFollowings(Mid),
    /// Members of one of the owner's groups: `-10` special, `0` default,
    /// `-20` every follow, else a group id of the owner's (22104 otherwise).
    Tag(i64),
}

/// `ps`/`pn` as numbers of rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    pub limit: u64,
    pub offset: u64,
}

impl Page {
    /// Page `pn` (from 1) of `ps` rows.
    pub fn new(ps: u64, pn: u64) -> Page {
        Page {
            limit: ps,
            offset: ps.saturating_mul(pn.saturating_sub(1)),
        }
    }

    /// Everything (lists bounded by a limit, such as whispers).
    pub fn all() -> Page {
        Page {
            limit: i64::MAX as u64,
            offset: 0,
        }
    }
}

/// One user in a list, with both directions between the owner and them.
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
    /// Changes whenever the owner's relations change.
    pub version: u64,
}

/// Counts shown by `stat` and `myinfo`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RelationCounts {
    pub following: u64,
    pub whisper: u64,
    pub black: u64,
    pub follower: u64,
    pub version: u64,
}

/// One of a user's groups with its size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagInfo {
    pub tagid: i64,
    pub name: String,
    pub count: u64,
}

/// A group name: 1 to 16 characters after trimming, no control characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagName(String);

impl TagName {
    pub const MAX_CHARS: usize = 16;

    /// 22103 when too long, 22101 for control characters, -400 when empty.
    pub fn parse(text: &str) -> Result<TagName, sixin_api::Code> {
        use sixin_api::Code;
        let text = text.trim();
        if text.is_empty() {
            return Err(Code::BadRequest);
        }
        if text.chars().count() > Self::MAX_CHARS {
            return Err(Code::TagNameTooLong);
        }
        if text.chars().any(char::is_control) {
            return Err(Code::TagNameInvalid);
        }
        Ok(TagName(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A change to the groups of some follows. Group id `0` (the default group)
/// is never stored: a follow in no group is in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TagEdit {
    /// `tags/addUsers`: exactly these groups (`[0]`: back to the default group).
    Set(Vec<i64>),
    /// `tags/copyUsers`: these groups too.
    Copy(Vec<i64>),
    /// `tags/moveUsers`: out of `from`, into `to`.
    Move { from: Vec<i64>, to: Vec<i64> },
}

/// Follows, quiet follows, blocks, fans and follow groups.
#[async_trait]
pub trait RelationStore: Send + Sync {
    /// Applies `act` of `mid` towards `fid` at `now`. Rejections: 22001
    /// `fid == mid`, 40061 unknown `fid`, 22003 either side blocked the other
    /// (follows only), 22014 already (quietly) following, 22120 already
    /// blocked, 22009 / 22008 limits.
    async fn modify(
        &self,
        mid: Mid,
        fid: Mid,
        act: Act,
        limits: RelationLimits,
        now: i64,
    ) -> Result<ModifyOutcome, StoreError>;

    /// Both directions between `mid` and `fid`.
    async fn relation(&self, mid: Mid, fid: Mid) -> Result<RelationPair, StoreError>;

    /// [`RelationStore::relation`] for many, in the order given.
    async fn relations(
        &self,
        mid: Mid,
        fids: Vec<Mid>,
    ) -> Result<Vec<(Mid, RelationPair)>, StoreError>;

    /// A page of one of `owner`'s lists, newest relation first.
    async fn list(&self, owner: Mid, kind: ListKind, page: Page) -> Result<ListPage, StoreError>;

    /// `mid`'s counts.
    async fn relation_counts(&self, mid: Mid) -> Result<RelationCounts, StoreError>;

    /// `mid`'s groups: special, default, then theirs in creation order.
    async fn tags(&self, mid: Mid) -> Result<Vec<TagInfo>, StoreError>;

    /// The groups (`-10` included) `mid` put `fid` in, with their names.
    async fn tags_of(&self, mid: Mid, fid: Mid) -> Result<Vec<(i64, String)>, StoreError>;

    /// Everyone in `mid`'s special group, newest first.
    async fn special(&self, mid: Mid) -> Result<Vec<Mid>, StoreError>;

    /// Creates a group. 22106 when the name exists (or is a built-in one),
    /// 22102 beyond the limit.
    async fn create_tag(
        &self,
        mid: Mid,
        name: TagName,
        limits: RelationLimits,
        now: i64,
    ) -> Result<i64, StoreError>;

    /// Renames a group. 22104 when it is not one of `mid`'s, 22106 when
    /// another group has the name.
    async fn rename_tag(&self, mid: Mid, tagid: i64, name: TagName) -> Result<(), StoreError>;

    /// Deletes a group; its members stay followed (in their other groups, or
    /// the default one). Deleting a group that does not exist is not an error.
    async fn delete_tag(&self, mid: Mid, tagid: i64) -> Result<(), StoreError>;

    /// Changes the groups of each of `fids`. 22105 when one is not followed,
    /// 22104 for a group that is not `mid`'s. All or nothing.
    async fn edit_tags(&self, mid: Mid, fids: Vec<Mid>, edit: TagEdit) -> Result<(), StoreError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(attribute: i64) -> Option<StoredRelation> {
        Some(StoredRelation {
            attribute,
            mtime: 1,
            special: false,
            tags: vec![],
        })
    }

    #[test]
    fn mutual_is_following_in_both_directions() {
        let pair = |f, b| RelationPair {
            forward: f,
            backward: b,
        };
        assert_eq!(pair(row(2), row(2)).attribute(false), 6);
        assert_eq!(pair(row(2), row(1)).attribute(false), 2);
        assert_eq!(pair(row(2), None).attribute(false), 2);
        assert_eq!(pair(None, row(2)).attribute(false), 0);
        assert_eq!(pair(row(128), None).attribute(false), 128);
    }

    #[test]
    fn quiet_follows_show_only_to_the_follower() {
        let pair = RelationPair {
            forward: row(1),
            backward: None,
        };
        assert_eq!(pair.attribute(true), 1);
        assert_eq!(pair.attribute(false), 0);
    }

    #[test]
    fn tag_names_are_bounded_at_16_characters() {
        assert_eq!(TagName::parse(" vUP ").unwrap().as_str(), "vUP");
        assert!(TagName::parse(&"字".repeat(16)).is_ok());
        assert_eq!(
            TagName::parse(&"字".repeat(17)),
            Err(sixin_api::Code::TagNameTooLong)
        );
        assert_eq!(TagName::parse("a\tb"), Err(sixin_api::Code::TagNameInvalid));
        assert_eq!(TagName::parse("  "), Err(sixin_api::Code::BadRequest));
    }

    #[test]
    fn pages_count_from_one() {
        assert_eq!(Page::new(50, 1).offset, 0);
        assert_eq!(Page::new(50, 5).offset, 200);
        assert_eq!(Page::new(20, 0).offset, 0);
    }

    #[test]
    fn only_documented_acts_parse() {
        assert_eq!(Act::from_code(1), Some(Act::Follow));
        assert_eq!(Act::from_code(7), Some(Act::RemoveFan));
        assert_eq!(Act::from_code(0), None);
        assert_eq!(Act::from_code(8), None);
    }
}
