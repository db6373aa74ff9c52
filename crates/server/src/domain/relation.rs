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

use super::{Mid, TagId};

/// What one user did to another, as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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
    /// Changes whenever the user's relations change (`re_version`).
    pub version: u64,
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
    pub target_exists: bool,
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
    /// The caller's attribute towards the target afterwards.
    pub after: Option<Attribute>,
    /// The two users follow each other now and did not before.
    pub became_mutual: bool,
}

/// Decides `act` of `facts.mid` towards `facts.fid`.
///
/// Refusals: 22001 on oneself, 40061 for an unknown user, 22003 when either
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
    if !facts.target_exists {
        return Err(Code::UserNotFound);
    }
    let unchanged = ModifyPlan {
        writes: Vec::new(),
        after: mine,
        became_mutual: false,
    };
    let end = |mid, fid, after| ModifyPlan {
        writes: vec![RelationWrite::Step, RelationWrite::Delete { mid, fid }],
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
                after: Some(Attribute::Blocked),
                became_mutual: false,
            }
        }
        Act::RemoveFan if follows(theirs) => end(fid, mid, mine),
        Act::RemoveFan => unchanged,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(attribute: Attribute) -> Option<StoredRelation> {
        Some(StoredRelation {
            attribute,
            mtime: 1,
            special: false,
            tags: vec![],
        })
    }

    const LIMITS: RelationLimits = RelationLimits {
        max_followings: 2,
        max_blacklist: 1,
        max_tags: 1,
    };

    fn facts(mine: Option<Attribute>, theirs: Option<Attribute>) -> ModifyFacts {
        ModifyFacts {
            mid: Mid::new(1).unwrap(),
            fid: Mid::new(2).unwrap(),
            target_exists: true,
            mine,
            theirs,
            counts: RelationCounts::default(),
        }
    }

    #[test]
    fn mutual_is_following_in_both_directions() {
        use Attribute::*;
        let pair = |f, b| RelationPair {
            forward: f,
            backward: b,
        };
        assert_eq!(pair(row(Following), row(Following)).attribute(false), 6);
        assert_eq!(pair(row(Following), row(Quiet)).attribute(false), 2);
        assert_eq!(pair(row(Following), None).attribute(false), 2);
        assert_eq!(pair(None, row(Following)).attribute(false), 0);
        assert_eq!(pair(row(Blocked), None).attribute(false), 128);
    }

    #[test]
    fn quiet_follows_show_only_to_the_follower() {
        let pair = RelationPair {
            forward: row(Attribute::Quiet),
            backward: None,
        };
        assert_eq!(pair.attribute(true), 1);
        assert_eq!(pair.attribute(false), 0);
        assert_eq!(follow_status(None, Some(Attribute::Quiet)), 0);
        assert_eq!(
            follow_status(Some(Attribute::Following), Some(Attribute::Following)),
            6
        );
        assert_eq!(follow_status(None, Some(Attribute::Blocked)), 128);
    }

    #[test]
    fn following_back_makes_both_mutual_and_refreshes_the_other_side() {
        let plan = decide_modify(
            Act::Follow,
            &facts(None, Some(Attribute::Following)),
            LIMITS,
        )
        .unwrap();
        assert!(plan.became_mutual);
        assert_eq!(plan.after, Some(Attribute::Following));
        assert_eq!(plan.writes.len(), 4);
        assert!(matches!(plan.writes[3], RelationWrite::Refresh { .. }));
    }

    #[test]
    fn refusals_follow_the_documented_order() {
        let mut own = facts(None, None);
        own.fid = own.mid;
        assert_eq!(
            decide_modify(Act::Follow, &own, LIMITS),
            Err(Code::RelationSelf)
        );
        let mut unknown = facts(None, None);
        unknown.target_exists = false;
        assert_eq!(
            decide_modify(Act::Block, &unknown, LIMITS),
            Err(Code::UserNotFound)
        );
        let blocked = facts(None, Some(Attribute::Blocked));
        assert_eq!(
            decide_modify(Act::QuietFollow, &blocked, LIMITS),
            Err(Code::RelationBlacklisted)
        );
        let following = facts(Some(Attribute::Following), None);
        assert_eq!(
            decide_modify(Act::Follow, &following, LIMITS),
            Err(Code::AlreadyFollowing)
        );
        let mut full = facts(None, None);
        full.counts.whisper = 2;
        assert_eq!(
            decide_modify(Act::Follow, &full, LIMITS),
            Err(Code::FollowLimit)
        );
        // Turning a follow into a quiet one is not a new follow.
        let mut full_quiet = facts(Some(Attribute::Following), None);
        full_quiet.counts.following = 2;
        assert!(decide_modify(Act::QuietFollow, &full_quiet, LIMITS).is_ok());
        full.counts.black = 1;
        assert_eq!(
            decide_modify(Act::Block, &full, LIMITS),
            Err(Code::BlacklistFull)
        );
    }

    #[test]
    fn ending_nothing_changes_nothing() {
        for act in [
            Act::Unfollow,
            Act::QuietUnfollow,
            Act::Unblock,
            Act::RemoveFan,
        ] {
            let plan = decide_modify(act, &facts(None, None), LIMITS).unwrap();
            assert!(plan.writes.is_empty(), "{act:?}");
        }
        let quiet_unfollow_of_follow = decide_modify(
            Act::QuietUnfollow,
            &facts(Some(Attribute::Following), None),
            LIMITS,
        )
        .unwrap();
        assert_eq!(quiet_unfollow_of_follow.after, Some(Attribute::Following));
        assert!(quiet_unfollow_of_follow.writes.is_empty());
    }

    #[test]
    fn blocking_ends_the_targets_follow_in_the_same_step() {
        let plan = decide_modify(Act::Block, &facts(None, Some(Attribute::Quiet)), LIMITS).unwrap();
        assert_eq!(
            plan.writes,
            vec![
                RelationWrite::Step,
                RelationWrite::Put {
                    mid: Mid::new(1).unwrap(),
                    fid: Mid::new(2).unwrap(),
                    attribute: Attribute::Blocked
                },
                RelationWrite::Delete {
                    mid: Mid::new(2).unwrap(),
                    fid: Mid::new(1).unwrap()
                },
            ]
        );
        let removed = decide_modify(
            Act::RemoveFan,
            &facts(None, Some(Attribute::Following)),
            LIMITS,
        )
        .unwrap();
        assert_eq!(
            removed.writes[1],
            RelationWrite::Delete {
                mid: Mid::new(2).unwrap(),
                fid: Mid::new(1).unwrap()
            }
        );
    }
}
