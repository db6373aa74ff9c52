//! Follows, quiet follows and blocks: what is stored, how it is shown, and
//! the rules of `modify` as a pure decision over facts.
//!
//! Where the documents are silent, sixin decides (also in the README):
//! - A quiet follow (悄悄关注) is invisible to everyone but the follower: it
//!   is not in the target's followers nor in the follower's followings (it is
//!   in `whispers`), it does not count as a follower, and others see its
//!   attribute as 0. It counts towards the follow limit.
//! - Unfollowing, unblocking or removing someone who is not there is a success.

use sixin_api::relation::{attribute, Act};
use sixin_api::Code;

use super::account::AccountState;
use super::{Mid, TagId};

impl TryFrom<i64> for Attribute {
    type Error = String;

    fn try_from(code: i64) -> Result<Attribute, String> {
        Attribute::from_code(code).ok_or_else(|| format!("{code} is not a stored attribute"))
    }
}

impl From<Attribute> for i64 {
    fn from(attribute: Attribute) -> i64 {
        attribute.code()
    }
}

/// What one user did to another, as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(try_from = "i64", into = "i64")]
pub enum Attribute {
    /// 1, 悄悄关注.
    Quiet,
    /// 2, 已关注.
    Following,
    /// 128, 已拉黑.
    Blocked,
}

impl Attribute {
    /// The documented number.
    pub fn code(self) -> i64 {
        match self {
            Attribute::Quiet => attribute::QUIET,
            Attribute::Following => attribute::FOLLOWING,
            Attribute::Blocked => attribute::BLOCKED,
        }
    }

    /// The attribute stored as `code`, if it is one.
    pub fn from_code(code: i64) -> Option<Attribute> {
        match code {
            attribute::QUIET => Some(Attribute::Quiet),
            attribute::FOLLOWING => Some(Attribute::Following),
            attribute::BLOCKED => Some(Attribute::Blocked),
            _ => None,
        }
    }

    /// Whether this is a follow, open or quiet.
    pub fn is_follow(self) -> bool {
        matches!(self, Attribute::Quiet | Attribute::Following)
    }
}

/// Whether `attribute` (of someone towards someone) is a follow, open or quiet.
pub fn follows(attribute: Option<Attribute>) -> bool {
    attribute.is_some_and(Attribute::is_follow)
}

/// One stored relation, `mid` towards `fid`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredRelation {
    pub attribute: Attribute,
    /// Unix seconds it was made (refreshed when it became mutual).
    pub mtime: i64,
    pub special: bool,
    /// Groups (the special one included), special first, then ascending.
    pub tags: Vec<TagId>,
}

/// Both directions between two users.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RelationPair {
    /// The first user's relation to the second.
    pub forward: Option<StoredRelation>,
    /// The second user's relation to the first.
    pub backward: Option<StoredRelation>,
}

impl RelationPair {
    /// The first user's attribute towards the second as documented: 6 when
    /// both follow, quiet follows shown only when `show_quiet` (a quiet
    /// follow is invisible to everyone but the follower).
    pub fn attribute(&self, show_quiet: bool) -> i64 {
        let back = self.backward.as_ref().map(|r| r.attribute);
        match self.forward.as_ref().map(|r| r.attribute) {
            Some(Attribute::Following) if back == Some(Attribute::Following) => attribute::MUTUAL,
            Some(Attribute::Following) => attribute::FOLLOWING,
            Some(Attribute::Quiet) if show_quiet => attribute::QUIET,
            Some(Attribute::Blocked) => attribute::BLOCKED,
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

/// How a talker relates to the owner of a session, as `get_session_ss`
/// shows it: the talker's attribute towards the owner, 6 when both follow,
/// 0 for a quiet follow (invisible to the one followed).
pub fn follow_status(
    owner_to_talker: Option<Attribute>,
    talker_to_owner: Option<Attribute>,
) -> i64 {
    match talker_to_owner {
        Some(Attribute::Following) if owner_to_talker == Some(Attribute::Following) => {
            attribute::MUTUAL
        }
        Some(Attribute::Quiet) | None => attribute::NONE,
        Some(other) => other.code(),
    }
}

/// Counts shown by `stat` and `myinfo`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RelationCounts {
    pub following: u64,
    pub whisper: u64,
    pub black: u64,
    pub follower: u64,
    /// The user's own `re_version`: moves with the user's own changes and
    /// with the changes of others the user can see (an open follow of
    /// them made, ended or refreshed), never with a quiet follow or a block
    /// of them.
    pub version: u64,
    /// The `re_version` everyone else is shown: moves only with changes
    /// anyone can see in the user's followings and followers (open follows
    /// made, ended or refreshed, by or of the user).
    pub public_version: u64,
}

/// Configured limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RelationLimits {
    /// Follows plus quiet follows one user may have (22009 beyond).
    pub max_followings: u64,
    /// Blocked users one user may have (22008 beyond).
    pub max_blacklist: u64,
    /// Groups one user may create, besides the special and default ones (22102 beyond).
    pub max_tags: u64,
}

/// What `modify` needs to know, read inside its write transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ModifyFacts {
    pub mid: Mid,
    pub fid: Mid,
    /// The target's state; `None`: no such user.
    pub target: Option<AccountState>,
    /// `mid`'s relation to `fid`.
    pub mine: Option<Attribute>,
    /// `fid`'s relation to `mid`.
    pub theirs: Option<Attribute>,
    /// `mid`'s counts.
    pub counts: RelationCounts,
}

/// One write of a relation plan, applied in order.
///
/// Every change of relations is stamped with a step of one server-wide
/// counter: it orders lists (newest first) and is each user's `re_version`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RelationWrite {
    /// Advance the counter; the writes after it carry the new value.
    Step,
    /// Make (or remake) `mid`'s relation to `fid`: a fresh `mtime` and order,
    /// out of every group, not special.
    Put {
        mid: Mid,
        fid: Mid,
        attribute: Attribute,
    },
    /// Give `mid`'s relation to `fid` a fresh `mtime` and order (it moves to
    /// the top of lists), keeping the rest.
    Refresh { mid: Mid, fid: Mid },
    /// End `mid`'s relation to `fid` (its groups go with it).
    Delete { mid: Mid, fid: Mid },
}

/// What a successful `modify` does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModifyPlan {
    pub writes: Vec<RelationWrite>,
    /// The caller's attribute towards the target before.
    pub before: Option<Attribute>,
    /// The caller's attribute towards the target afterwards.
    pub after: Option<Attribute>,
    /// The two users follow each other now and did not before.
    pub became_mutual: bool,
}

impl ModifyPlan {
    /// Whether the target (`fid` of a `modify` by `mid`) can tell that
    /// anything changed: their own relation to `mid` ended, or `mid`'s
    /// relation to them as they see it changed (a quiet follow looks like
    /// none at all to the one followed).
    pub fn seen_by_target(&self, mid: Mid) -> bool {
        let seen = |a: Option<Attribute>| a.filter(|a| *a != Attribute::Quiet);
        let theirs_ended = self
            .writes
            .iter()
            .any(|w| matches!(w, RelationWrite::Delete { mid: from, .. } if *from != mid));
        theirs_ended || (!self.writes.is_empty() && seen(self.before) != seen(self.after))
    }
}

/// Decides `act` of `facts.mid` towards `facts.fid`.
///
/// Refusals: 22001 on oneself, 40061 for an unknown user, 22013 following
/// or blocking a deleted account (undoing anything is fine), 22003 when either
/// side blocked the other (follows only), 22014 already (quietly) following,
/// 22120 already blocked, 22009 / 22008 over a limit.
///
/// - Follow / QuietFollow: a new follow, or turns one kind into the other
///   (leaving its groups). When both now follow each other openly, the
///   other side's relation is refreshed too, and they became mutual.
/// - Unfollow ends a follow or a quiet follow; QuietUnfollow a quiet follow
///   only; Unblock a block. Nothing to end is fine.
/// - Block replaces any relation of ours and ends the target's follow of us.
/// - RemoveFan ends the target's (quiet) follow of us.
pub fn decide_modify(
    act: Act,
    facts: &ModifyFacts,
    limits: RelationLimits,
) -> Result<ModifyPlan, Code> {
    let ModifyFacts {
        mid,
        fid,
        mine,
        theirs,
        counts,
        ..
    } = *facts;
    if mid == fid {
        return Err(Code::RelationSelf);
    }
    match facts.target {
        None => return Err(Code::UserNotFound),
        Some(AccountState::Deleted)
            if matches!(act, Act::Follow | Act::QuietFollow | Act::Block) =>
        {
            return Err(Code::AccountDeleted)
        }
        Some(_) => {}
    }
    let unchanged = ModifyPlan {
        writes: Vec::new(),
        before: mine,
        after: mine,
        became_mutual: false,
    };
    let end = |mid, fid, after| ModifyPlan {
        writes: vec![RelationWrite::Step, RelationWrite::Delete { mid, fid }],
        before: mine,
        after,
        became_mutual: false,
    };
    Ok(match act {
        Act::Follow | Act::QuietFollow => {
            let wanted = if act == Act::Follow {
                Attribute::Following
            } else {
                Attribute::Quiet
            };
            if mine == Some(Attribute::Blocked) || theirs == Some(Attribute::Blocked) {
                return Err(Code::RelationBlacklisted);
            }
            if mine == Some(wanted) {
                return Err(Code::AlreadyFollowing);
            }
            if mine.is_none() && counts.following + counts.whisper >= limits.max_followings {
                return Err(Code::FollowLimit);
            }
            let mut writes = vec![
                RelationWrite::Step,
                RelationWrite::Put {
                    mid,
                    fid,
                    attribute: wanted,
                },
            ];
            let became_mutual =
                wanted == Attribute::Following && theirs == Some(Attribute::Following);
            if became_mutual {
                // Both mtimes are refreshed when the relation becomes mutual,
                // and the order with them, so lists stay in mtime order.
                writes.extend([
                    RelationWrite::Step,
                    RelationWrite::Refresh { mid: fid, fid: mid },
                ]);
            }
            ModifyPlan {
                writes,
                before: mine,
                after: Some(wanted),
                became_mutual,
            }
        }
        Act::Unfollow if follows(mine) => end(mid, fid, None),
        Act::QuietUnfollow if mine == Some(Attribute::Quiet) => end(mid, fid, None),
        Act::Unblock if mine == Some(Attribute::Blocked) => end(mid, fid, None),
        Act::Unfollow | Act::QuietUnfollow | Act::Unblock => unchanged,
        Act::Block => {
            if mine == Some(Attribute::Blocked) {
                return Err(Code::AlreadyBlocked);
            }
            if counts.black >= limits.max_blacklist {
                return Err(Code::BlacklistFull);
            }
            let mut writes = vec![
                RelationWrite::Step,
                RelationWrite::Put {
                    mid,
                    fid,
                    attribute: Attribute::Blocked,
                },
            ];
            if follows(theirs) {
                writes.push(RelationWrite::Delete { mid: fid, fid: mid });
            }
            ModifyPlan {
                writes,
                before: mine,
                after: Some(Attribute::Blocked),
                became_mutual: false,
            }
        }
        Act::RemoveFan if follows(theirs) => end(fid, mid, mine),
        Act::RemoveFan => unchanged,
    })
}

#[cfg(test)]
mod tests;
