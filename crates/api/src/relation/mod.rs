//! Wire types of the user-relation family (`/x/relation/...`,
//! `/x/space/wbi/acc/relation`).
//!
//! Field sets follow the seed document (`seeds/relation.txt`), with the
//! fields the newer upstream document adds to list entries, group members
//! and groups (see [`list`]).

use std::fmt;
use std::marker::PhantomData;

use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

pub mod list;
pub mod request;

pub use list::{
    no_name_render, ContractInfo, FansList, FollowersUnread, MemberLive, RelationList,
    RelationListItem, RelationVip, Tag, TagMember, UntotalledRelationList, SPECIAL_TAG_TIP,
};

/// Relation attribute values as the documents give them.
pub mod attribute {
    /// No relation.
    pub const NONE: i64 = 0;
    /// 悄悄关注, quiet follow.
    pub const QUIET: i64 = 1;
    /// 已关注, following.
    pub const FOLLOWING: i64 = 2;
    /// 已互粉, following each other (derived, never stored).
    pub const MUTUAL: i64 = 6;
    /// 已拉黑, blocked.
    pub const BLOCKED: i64 = 128;
}

/// What `POST /x/relation/modify` does (`act`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Act {
    /// 1: follow, or turn a quiet follow into a follow.
    Follow,
    /// 2: end a follow or a quiet follow.
    Unfollow,
    /// 3: follow quietly, or turn a follow into a quiet one.
    QuietFollow,
    /// 4: end a quiet follow.
    QuietUnfollow,
    /// 5: block.
    Block,
    /// 6: unblock.
    Unblock,
    /// 7: remove a fan.
    RemoveFan,
}

impl Act {
    /// The act for a documented code, `None` for any other.
    pub fn from_code(code: i64) -> Option<Act> {
        Some(match code {
            act::FOLLOW => Act::Follow,
            act::UNFOLLOW => Act::Unfollow,
            act::QUIET_FOLLOW => Act::QuietFollow,
            act::QUIET_UNFOLLOW => Act::QuietUnfollow,
            act::BLOCK => Act::Block,
            act::UNBLOCK => Act::Unblock,
            act::REMOVE_FAN => Act::RemoveFan,
            _ => return None,
        })
    }

    /// The code sent as `act`.
    pub fn code(self) -> i64 {
        match self {
            Act::Follow => act::FOLLOW,
            Act::Unfollow => act::UNFOLLOW,
            Act::QuietFollow => act::QUIET_FOLLOW,
            Act::QuietUnfollow => act::QUIET_UNFOLLOW,
            Act::Block => act::BLOCK,
            Act::Unblock => act::UNBLOCK,
            Act::RemoveFan => act::REMOVE_FAN,
        }
    }
}

/// The `act` codes of `POST /x/relation/modify`.
pub mod act {
    /// Follow, or turn a quiet follow into a follow.
    pub const FOLLOW: i64 = 1;
    /// End a follow or a quiet follow.
    pub const UNFOLLOW: i64 = 2;
    /// Follow quietly, or turn a follow into a quiet one.
    pub const QUIET_FOLLOW: i64 = 3;
    /// End a quiet follow.
    pub const QUIET_UNFOLLOW: i64 = 4;
    /// Block.
    pub const BLOCK: i64 = 5;
    /// Unblock.
    pub const UNBLOCK: i64 = 6;
    /// Remove a fan.
    pub const REMOVE_FAN: i64 = 7;
}

/// `tagid` meaning "every follow" in `GET /x/relation/tag`.
pub const ALL_TAG: i64 = -20;
/// The special group (特别关注).
pub const SPECIAL_TAG: i64 = -10;
/// The default group (默认分组).
pub const DEFAULT_TAG: i64 = 0;
/// Name of the special group.
pub const SPECIAL_TAG_NAME: &str = "特别关注";
/// Name of the default group.
pub const DEFAULT_TAG_NAME: &str = "默认分组";

/// `data` of `GET /x/relation`, and each value of `/x/relation/relations`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Relation {
    pub mid: u64,
    pub attribute: i64,
    /// 0 when there is no relation.
    pub mtime: i64,
    pub tag: Option<Vec<i64>>,
    pub special: i64,
}

/// `relation` and `be_relation` of `/x/space/wbi/acc/relation`: the seed's
/// example carries `is_followed` (always `false` there, even for a mutual
/// follow; its meaning is undocumented), so sixin answers `false` too.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SpaceRelationSide {
    pub mid: u64,
    pub attribute: i64,
    pub mtime: i64,
    pub tag: Option<Vec<i64>>,
    pub special: i64,
    #[serde(default)]
    pub is_followed: bool,
}

/// `data` of `/x/space/wbi/acc/relation` (and `/x/space/acc/relation`).
///
/// The seed's table describes `relation` as the target's attribute towards
/// the caller and `be_relation` the other way round; its response example
/// shows the opposite (`relation.mid` is the target, carrying the caller's
/// groups). The example is followed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SpaceRelation {
    /// The caller's relation to the target.
    pub relation: SpaceRelationSide,
    /// The target's relation to the caller.
    pub be_relation: SpaceRelationSide,
}

/// `data` of `GET /x/relation/stat`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RelationStat {
    pub mid: u64,
    pub following: u64,
    pub whisper: u64,
    pub black: u64,
    pub follower: u64,
}

/// `data` of `POST /x/relation/tag/create`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreatedTag {
    pub tagid: i64,
}

/// `data` of `POST /x/relation/batch/modify`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BatchModifyResult {
    pub failed_fids: Vec<u64>,
}

/// A JSON object whose keys keep the order given (`tag/user`: `-10` first,
/// then groups in creation order; `relations`: the order asked for).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderedMap<V>(pub Vec<(String, V)>);

impl<V> Default for OrderedMap<V> {
    fn default() -> Self {
        OrderedMap(Vec::new())
    }
}

impl<V> OrderedMap<V> {
    /// The value under `key`.
    pub fn get(&self, key: &str) -> Option<&V> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The keys in order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(k, _)| k.as_str())
    }
}

impl<V: Serialize> Serialize for OrderedMap<V> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl<'de, V: Deserialize<'de>> Deserialize<'de> for OrderedMap<V> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Pairs<V>(PhantomData<V>);
        impl<'de, V: Deserialize<'de>> Visitor<'de> for Pairs<V> {
            type Value = OrderedMap<V>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
                let mut pairs = Vec::new();
                while let Some((k, v)) = access.next_entry::<String, V>()? {
                    pairs.push((k, v));
                }
                Ok(OrderedMap(pairs))
            }
        }
        deserializer.deserialize_map(Pairs(PhantomData))
    }
}

/// `data` of `GET /x/relation/tag/user`: group id (as text) to group name.
pub type TagNames = OrderedMap<String>;

/// `data` of `GET /x/relation/relations`: mid (as text) to relation.
pub type Relations = OrderedMap<Relation>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn acts_round_trip_through_their_codes() {
        for code in 1..=7 {
            assert_eq!(Act::from_code(code).unwrap().code(), code);
        }
        assert_eq!(Act::from_code(0), None);
        assert_eq!(Act::from_code(8), None);
    }

    #[test]
    fn ordered_maps_keep_their_order_both_ways() {
        let names: TagNames = OrderedMap(vec![
            ("-10".into(), "特别关注".into()),
            ("194111".into(), "我的同学".into()),
            ("3".into(), "c".into()),
        ]);
        let text = serde_json::to_string(&names).unwrap();
        assert_eq!(text, r#"{"-10":"特别关注","194111":"我的同学","3":"c"}"#);
        let back: TagNames = serde_json::from_str(&text).unwrap();
        assert_eq!(back, names);
        assert_eq!(serde_json::to_string(&TagNames::default()).unwrap(), "{}");
    }
}
