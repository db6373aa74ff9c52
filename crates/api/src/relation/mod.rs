//! Wire types of the user-relation family (`/x/relation/...`,
//! `/x/space/wbi/acc/relation`).
//!
//! Field sets follow the seed document's examples (`seeds/relation.txt`),
//! which win over the newer upstream document where they differ: list
//! entries and group members carry no `contract_info`, `face_nft`,
//! `name_render` or `tip`, and `vip` stops at `label.path`.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::account::{OfficialVerify, VipInput, VipPath};

pub mod request;

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

/// `vip` in relation lists and group members, exactly the seed's fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RelationVip {
    #[serde(rename = "vipType")]
    pub vip_type: i64,
    #[serde(rename = "vipDueDate")]
    pub vip_due_date: i64,
    #[serde(rename = "dueRemark")]
    pub due_remark: String,
    #[serde(rename = "accessStatus")]
    pub access_status: i64,
    #[serde(rename = "vipStatus")]
    pub vip_status: i64,
    #[serde(rename = "vipStatusWarn")]
    pub vip_status_warn: String,
    #[serde(rename = "themeType")]
    pub theme_type: i64,
    pub label: VipPath,
}

impl From<VipInput> for RelationVip {
    fn from(v: VipInput) -> Self {
        RelationVip {
            vip_type: v.vip_type,
            vip_due_date: v.vip_due_date,
            due_remark: String::new(),
            access_status: 0,
            vip_status: v.vip_status,
            vip_status_warn: String::new(),
            theme_type: 0,
            label: VipPath::default(),
        }
    }
}

/// One entry of `followings`, `followers`, `whispers`, `friends`, `blacks`
/// and `same/followings`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RelationListItem {
    pub mid: u64,
    /// 0 none, 1 quiet follow, 2 following, 6 mutual, 128 blocked.
    pub attribute: i64,
    /// Unix seconds the relation was made, refreshed when it became mutual.
    pub mtime: i64,
    /// `null` when only in the default group, else the group ids.
    pub tag: Option<Vec<i64>>,
    /// 1 when in the special group.
    pub special: i64,
    pub uname: String,
    pub face: String,
    pub sign: String,
    pub official_verify: OfficialVerify,
    pub vip: RelationVip,
}

/// `data` of `followings`, `followers`, `blacks` and `same/followings`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RelationList {
    pub list: Vec<RelationListItem>,
    pub re_version: u64,
    pub total: u64,
}

/// `data` of `whispers` and `friends`: no `total`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UntotalledRelationList {
    pub list: Vec<RelationListItem>,
    pub re_version: u64,
}

/// `data` of `GET /x/relation`, and each value of `/x/relation/relations`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
pub struct SpaceRelation {
    /// The caller's relation to the target.
    pub relation: SpaceRelationSide,
    /// The target's relation to the caller.
    pub be_relation: SpaceRelationSide,
}

/// `data` of `GET /x/relation/stat`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RelationStat {
    pub mid: u64,
    pub following: u64,
    pub whisper: u64,
    pub black: u64,
    pub follower: u64,
}

/// One element of `GET /x/relation/tags`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tag {
    pub tagid: i64,
    pub name: String,
    pub count: u64,
}

/// One element of `GET /x/relation/tag`: a profile, without relation fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TagMember {
    pub mid: u64,
    pub uname: String,
    pub face: String,
    pub sign: String,
    pub official_verify: OfficialVerify,
    pub vip: RelationVip,
}

/// `data` of `POST /x/relation/tag/create`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedTag {
    pub tagid: i64,
}

/// `data` of `POST /x/relation/batch/modify`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
    use serde_json::json;

    #[test]
    fn a_list_item_has_the_seed_fields_and_null_tag() {
        let item = RelationListItem {
            mid: 387195656,
            attribute: 0,
            mtime: 1583839793,
            tag: None,
            special: 0,
            uname: "L_E_M_O_H_E".into(),
            face: "http://x/face.jpg".into(),
            sign: "".into(),
            official_verify: OfficialVerify::default(),
            vip: VipInput::default().into(),
        };
        assert_eq!(
            serde_json::to_value(&item).unwrap(),
            json!({
                "mid": 387195656, "attribute": 0, "mtime": 1583839793, "tag": null,
                "special": 0, "uname": "L_E_M_O_H_E", "face": "http://x/face.jpg", "sign": "",
                "official_verify": {"type": -1, "desc": ""},
                "vip": {"vipType": 0, "vipDueDate": 0, "dueRemark": "", "accessStatus": 0,
                        "vipStatus": 0, "vipStatusWarn": "", "themeType": 0,
                        "label": {"path": ""}}
            })
        );
    }

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
