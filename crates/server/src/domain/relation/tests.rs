//! Unit tests of the relation rules.

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
        target: Some(AccountState::Active),
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
fn the_target_hears_only_of_changes_it_can_see() {
    use Attribute::*;
    let seen = |act, mine, theirs| {
        decide_modify(act, &facts(mine, theirs), LIMITS)
            .unwrap()
            .seen_by_target(Mid::new(1).unwrap())
    };
    assert!(seen(Act::Follow, None, None));
    assert!(seen(Act::Follow, Some(Quiet), None), "quiet made open");
    assert!(
        seen(Act::QuietFollow, Some(Following), None),
        "looks unfollowed"
    );
    assert!(seen(Act::Unfollow, Some(Following), None));
    assert!(seen(Act::Block, None, None));
    assert!(seen(Act::Unblock, Some(Blocked), None));
    assert!(
        seen(Act::RemoveFan, None, Some(Following)),
        "their follow ended"
    );
    assert!(seen(Act::Block, Some(Quiet), Some(Quiet)), "theirs ended");
    assert!(
        !seen(Act::QuietFollow, None, None),
        "a quiet follow is unseen"
    );
    assert!(!seen(Act::Unfollow, Some(Quiet), None));
    assert!(!seen(Act::QuietUnfollow, Some(Quiet), None));
    assert!(!seen(Act::Unfollow, None, None), "nothing happened");
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
    unknown.target = None;
    assert_eq!(
        decide_modify(Act::Block, &unknown, LIMITS),
        Err(Code::UserNotFound)
    );
    let mut deleted = facts(Some(Attribute::Following), Some(Attribute::Following));
    deleted.target = Some(AccountState::Deleted);
    for act in [Act::Follow, Act::QuietFollow, Act::Block] {
        assert_eq!(
            decide_modify(act, &deleted, LIMITS),
            Err(Code::AccountDeleted)
        );
    }
    assert!(decide_modify(Act::Unfollow, &deleted, LIMITS).is_ok());
    assert!(decide_modify(Act::RemoveFan, &deleted, LIMITS).is_ok());
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
