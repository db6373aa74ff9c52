//! Follow groups (关注分组): names, membership edits, and their rules.
//!
//! Groups belong to a follow (attribute 2). A quiet follow cannot be put in
//! groups (22105). Unfollowing, turning the follow into a quiet one, being
//! blocked or removed as a fan drops its groups and its special mark;
//! following again starts in the default group. A follow in any group, the
//! special one included, is not in the default group.

use sixin_api::relation::{DEFAULT_TAG_NAME, SPECIAL_TAG_NAME};
use sixin_api::Code;

use super::relation::{Attribute, RelationLimits};
use super::{Mid, TagId};

/// A group name: 1 to 16 characters after trimming, no control characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagName(String);

impl TagName {
    pub const MAX_CHARS: usize = 16;

    /// 22103 when too long, 22101 for control characters, -400 when empty.
    pub fn parse(text: &str) -> Result<TagName, Code> {
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

    /// The names of the special and default groups, which no group may take.
    fn is_builtin(&self) -> bool {
        matches!(self.as_str(), SPECIAL_TAG_NAME | DEFAULT_TAG_NAME)
    }
}

/// One of a user's groups with its size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagInfo {
    pub tagid: TagId,
    pub name: String,
    pub count: u64,
}

/// What creating or renaming a group needs to know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TagNameFacts {
    /// The group of the user's that already has the name, if any.
    pub taken_by: Option<TagId>,
    /// How many groups the user made.
    pub own_count: u64,
    /// Whether the group being renamed is the user's (always true on create).
    pub owned: bool,
}

/// 22106 when the name is a built-in one or another group has it, 22102
/// beyond the limit.
pub fn decide_create(
    name: &TagName,
    facts: &TagNameFacts,
    limits: RelationLimits,
) -> Result<(), Code> {
    if name.is_builtin() || facts.taken_by.is_some() {
        return Err(Code::TagExists);
    }
    if facts.own_count >= limits.max_tags {
        return Err(Code::TooManyTags);
    }
    Ok(())
}

/// 22104 when the group is not the user's, 22106 when another group has
/// the name (keeping a group's own name is fine).
pub fn decide_rename(tagid: TagId, name: &TagName, facts: &TagNameFacts) -> Result<(), Code> {
    if !facts.owned {
        return Err(Code::TagNotFound);
    }
    if name.is_builtin() || facts.taken_by.is_some_and(|other| other != tagid) {
        return Err(Code::TagExists);
    }
    Ok(())
}

/// A change to the groups of some follows. Group id `0` (the default group)
/// is never stored: a follow in no group is in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TagEdit {
    /// `tags/addUsers`: exactly these groups (`[0]`: back to the default
    /// group); the web client sends the whole selection.
    Set(Vec<TagId>),
    /// `tags/copyUsers`: these groups too.
    Copy(Vec<TagId>),
    /// `tags/moveUsers`: out of `from`, into `to`.
    Move { from: Vec<TagId>, to: Vec<TagId> },
}

impl TagEdit {
    /// Every group the edit names, without the default one.
    pub fn named(&self) -> Vec<TagId> {
        match self {
            TagEdit::Set(tags) | TagEdit::Copy(tags) => real_tags(tags),
            TagEdit::Move { from, to } => real_tags(&[from.as_slice(), to.as_slice()].concat()),
        }
    }

    /// The groups a follow currently in `current` ends up in.
    pub fn apply(&self, current: &[TagId]) -> Vec<TagId> {
        match self {
            TagEdit::Set(tags) => real_tags(tags),
            TagEdit::Copy(tags) => real_tags(&[current, tags.as_slice()].concat()),
            TagEdit::Move { from, to } => {
                let kept: Vec<TagId> = current
                    .iter()
                    .copied()
                    .filter(|t| !from.contains(t))
                    .collect();
                real_tags(&[kept.as_slice(), to.as_slice()].concat())
            }
        }
    }
}

/// Group ids without the default group, sorted, without repeats.
fn real_tags(tagids: &[TagId]) -> Vec<TagId> {
    let mut tags: Vec<TagId> = tagids
        .iter()
        .copied()
        .filter(|&t| t != TagId::DEFAULT)
        .collect();
    tags.sort_unstable();
    tags.dedup();
    tags
}

/// What an edit of groups needs to know.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagEditFacts {
    /// Each group the edit names, and whether it is the user's own.
    pub named: Vec<(TagId, bool)>,
    /// Each user to edit: the user's relation to them and their groups now.
    pub members: Vec<(Mid, Option<Attribute>, Vec<TagId>)>,
}

/// One write of a group edit, applied in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagWrite {
    /// Advance the relation counter; members added after it take its value
    /// as their order in the group.
    Step,
    Add {
        fid: Mid,
        tagid: TagId,
    },
    Remove {
        fid: Mid,
        tagid: TagId,
    },
    /// Mark the follow special or not.
    Special {
        fid: Mid,
        special: bool,
    },
}

/// 22104 for a group that is not the user's, 22105 when one of the users
/// is not followed. All or nothing. Groups kept keep their place.
pub fn decide_edit(edit: &TagEdit, facts: &TagEditFacts) -> Result<Vec<TagWrite>, Code> {
    if facts
        .named
        .iter()
        .any(|&(tagid, owned)| tagid != TagId::SPECIAL && !owned)
    {
        return Err(Code::TagNotFound);
    }
    if facts
        .members
        .iter()
        .any(|(_, attribute, _)| *attribute != Some(Attribute::Following))
    {
        return Err(Code::NotFollowing);
    }
    let mut writes = vec![TagWrite::Step];
    for (fid, _, current) in &facts.members {
        let wanted = edit.apply(current);
        for &tagid in current.iter().filter(|t| !wanted.contains(t)) {
            writes.push(TagWrite::Remove { fid: *fid, tagid });
        }
        for &tagid in wanted.iter().filter(|t| !current.contains(t)) {
            writes.push(TagWrite::Add { fid: *fid, tagid });
        }
        writes.push(TagWrite::Special {
            fid: *fid,
            special: wanted.contains(&TagId::SPECIAL),
        });
    }
    Ok(writes)
}

/// The order lists show groups in: special first, then ascending
/// (creation order).
pub fn tag_order(tagid: TagId) -> (bool, TagId) {
    (tagid != TagId::SPECIAL, tagid)
}

/// Sorts group ids in [`tag_order`].
pub fn sort_tags(tags: &mut [TagId]) {
    tags.sort_by_key(|&t| tag_order(t));
}

#[cfg(test)]
mod tests {
    use super::*;

    const LIMITS: RelationLimits = RelationLimits {
        max_followings: 10,
        max_blacklist: 10,
        max_tags: 1,
    };

    #[test]
    fn tag_names_are_bounded_at_16_characters() {
        assert_eq!(TagName::parse(" vUP ").unwrap().as_str(), "vUP");
        assert!(TagName::parse(&"字".repeat(16)).is_ok());
        assert_eq!(TagName::parse(&"字".repeat(17)), Err(Code::TagNameTooLong));
        assert_eq!(TagName::parse("a\tb"), Err(Code::TagNameInvalid));
        assert_eq!(TagName::parse("  "), Err(Code::BadRequest));
    }

    #[test]
    fn builtin_and_taken_names_and_the_limit_refuse_a_group() {
        let free = TagNameFacts {
            taken_by: None,
            own_count: 0,
            owned: true,
        };
        let name = TagName::parse("friends").unwrap();
        assert_eq!(decide_create(&name, &free, LIMITS), Ok(()));
        let special = TagName::parse("特别关注").unwrap();
        assert_eq!(decide_create(&special, &free, LIMITS), Err(Code::TagExists));
        let full = TagNameFacts {
            own_count: 1,
            ..free
        };
        assert_eq!(decide_create(&name, &full, LIMITS), Err(Code::TooManyTags));
        let mine = TagNameFacts {
            taken_by: Some(TagId(5)),
            ..free
        };
        assert_eq!(decide_rename(TagId(5), &name, &mine), Ok(()));
        assert_eq!(decide_rename(TagId(6), &name, &mine), Err(Code::TagExists));
        let not_mine = TagNameFacts {
            owned: false,
            ..free
        };
        assert_eq!(
            decide_rename(TagId(6), &name, &not_mine),
            Err(Code::TagNotFound)
        );
    }

    #[test]
    fn edits_set_copy_and_move() {
        let current = [TagId(3), TagId(5)];
        assert_eq!(
            TagEdit::Set(vec![TagId(0)]).apply(&current),
            Vec::<TagId>::new()
        );
        assert_eq!(
            TagEdit::Copy(vec![TagId(-10), TagId(5)]).apply(&current),
            vec![TagId(-10), TagId(3), TagId(5)]
        );
        let moved = TagEdit::Move {
            from: vec![TagId(3)],
            to: vec![TagId(7)],
        };
        assert_eq!(moved.apply(&current), vec![TagId(5), TagId(7)]);
        assert_eq!(moved.named(), vec![TagId(3), TagId(7)]);
    }

    #[test]
    fn edits_need_own_groups_and_followed_users() {
        let fid = Mid::new(2).unwrap();
        let edit = TagEdit::Set(vec![TagId(-10), TagId(3)]);
        let facts = TagEditFacts {
            named: vec![(TagId(-10), false), (TagId(3), true)],
            members: vec![(fid, Some(Attribute::Following), vec![TagId(4)])],
        };
        assert_eq!(
            decide_edit(&edit, &facts),
            Ok(vec![
                TagWrite::Step,
                TagWrite::Remove {
                    fid,
                    tagid: TagId(4)
                },
                TagWrite::Add {
                    fid,
                    tagid: TagId(-10)
                },
                TagWrite::Add {
                    fid,
                    tagid: TagId(3)
                },
                TagWrite::Special { fid, special: true },
            ])
        );
        let foreign = TagEditFacts {
            named: vec![(TagId(3), false)],
            ..facts.clone()
        };
        assert_eq!(decide_edit(&edit, &foreign), Err(Code::TagNotFound));
        let quiet = TagEditFacts {
            members: vec![(fid, Some(Attribute::Quiet), vec![])],
            ..facts
        };
        assert_eq!(decide_edit(&edit, &quiet), Err(Code::NotFollowing));
    }
}
