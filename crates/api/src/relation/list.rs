//! Relation lists: the entries of `followings`, `followers`, `fans`,
//! `followings/search`, `same/followings`, `whispers`, `friends`, `blacks`
//! (关系列表对象), group members (`tag`) and groups (`tags`).
//!
//! Entries carry every field of the upstream document's 关系列表对象 table:
//! the seed's fields, then `contract_info`, `face_nft`, `name_render`,
//! `nft_icon`, `rec_reason`, `track_id` and `follow_time`, with the values
//! the documents' examples show for an ordinary user (sixin has no contracts,
//! NFT avatars, name rendering or recommendations). `vip` stops at
//! `label.path`, as both documents' `vip` tables do. Fields the seed does not
//! have are `#[serde(default)]`, so the client also reads older shapes.

use serde::{Deserialize, Serialize};

use crate::account::{OfficialVerify, VipInput, VipPath};

/// `vip` in relation lists and group members, exactly the documents' fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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

/// `contract_info` (契约计划): each field is present only when it holds
/// (`is_contract` / `is_contractor` only when `true`), so an entry without a
/// contract has `{}`, as every entry sixin lists has.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContractInfo {
    /// The list's owner is a contractor of this user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_contract: Option<bool>,
    /// This user is a contractor of the list's owner.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_contractor: Option<bool>,
    /// When this user became a contractor (unix seconds).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ts: Option<i64>,
    /// 1: an old fan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_attr: Option<i64>,
}

/// `name_render` as the examples show it for a name without rendering: `{}`.
pub fn no_name_render() -> Option<serde_json::Value> {
    Some(serde_json::Value::Object(serde_json::Map::new()))
}

/// One entry of a relation list (关系列表对象).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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
    #[serde(default)]
    pub contract_info: ContractInfo,
    pub uname: String,
    pub face: String,
    pub sign: String,
    /// 1 for an NFT avatar; always 0 here.
    #[serde(default)]
    pub face_nft: i64,
    pub official_verify: OfficialVerify,
    pub vip: RelationVip,
    /// `{}` (see [`no_name_render`]); `null` where a server has none.
    #[serde(default)]
    pub name_render: Option<serde_json::Value>,
    #[serde(default)]
    pub nft_icon: String,
    /// Why the user is recommended; empty outside recommendations.
    #[serde(default)]
    pub rec_reason: String,
    #[serde(default)]
    pub track_id: String,
    #[serde(default)]
    pub follow_time: String,
}

/// `data` of `followings`, `followers`, `blacks`, `same/followings` and
/// `followings/search`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RelationList {
    pub list: Vec<RelationListItem>,
    pub re_version: u64,
    pub total: u64,
}

/// `data` of `whispers` and `friends`: no `total`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UntotalledRelationList {
    pub list: Vec<RelationListItem>,
    pub re_version: u64,
}

/// `data` of `GET /x/relation/fans`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FansList {
    pub list: Vec<RelationListItem>,
    /// `{mtime}:{mid}` of the page's last fan, for the next request's
    /// `offset`.
    pub offset: String,
    pub re_version: u64,
    /// All of the user's fans (not only those one may page through).
    pub total: u64,
}

/// `data` of `GET /x/relation/followers/unread/count`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FollowersUnread {
    /// New followers since the followers list was last looked at.
    pub count: u64,
    /// When it was last looked at (unix seconds); 0 when `count` is 0.
    pub time: i64,
}

/// One element of `GET /x/relation/tags`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Tag {
    pub tagid: i64,
    pub name: String,
    pub count: u64,
    /// A hint shown with the group: [`SPECIAL_TAG_TIP`] for the special
    /// group, empty for the others.
    #[serde(default)]
    pub tip: String,
}

/// `tip` of the special group in `GET /x/relation/tags`.
pub const SPECIAL_TAG_TIP: &str = "第一时间收到该分组下用户更新稿件的通知";

/// `live` of a group member.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MemberLive {
    /// 0 not live, 1 live.
    pub live_status: i64,
    pub jump_url: String,
}

/// One element of `GET /x/relation/tag`: a profile. The document gives
/// `attribute` as always 0, `tag` as always `null`, `special` as always 0.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TagMember {
    pub mid: u64,
    #[serde(default)]
    pub attribute: i64,
    #[serde(default)]
    pub tag: Option<Vec<i64>>,
    #[serde(default)]
    pub special: i64,
    #[serde(default)]
    pub contract_info: ContractInfo,
    pub uname: String,
    pub face: String,
    pub sign: String,
    #[serde(default)]
    pub face_nft: i64,
    pub official_verify: OfficialVerify,
    pub vip: RelationVip,
    #[serde(default)]
    pub live: MemberLive,
    #[serde(default)]
    pub nft_icon: String,
    #[serde(default)]
    pub rec_reason: String,
    #[serde(default)]
    pub track_id: String,
    #[serde(default)]
    pub follow_time: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn item() -> RelationListItem {
        RelationListItem {
            mid: 387195656,
            attribute: 0,
            mtime: 1583839793,
            tag: None,
            special: 0,
            contract_info: ContractInfo::default(),
            uname: "L_E_M_O_H_E".into(),
            face: "http://x/face.jpg".into(),
            sign: "".into(),
            face_nft: 0,
            official_verify: OfficialVerify::default(),
            vip: VipInput::default().into(),
            name_render: no_name_render(),
            nft_icon: String::new(),
            rec_reason: String::new(),
            track_id: String::new(),
            follow_time: String::new(),
        }
    }

    #[test]
    fn a_list_item_has_the_documented_fields_in_order() {
        assert_eq!(
            serde_json::to_string(&item()).unwrap(),
            json!({
                "mid": 387195656, "attribute": 0, "mtime": 1583839793, "tag": null,
                "special": 0, "contract_info": {}, "uname": "L_E_M_O_H_E",
                "face": "http://x/face.jpg", "sign": "", "face_nft": 0,
                "official_verify": {"type": -1, "desc": ""},
                "vip": {"vipType": 0, "vipDueDate": 0, "dueRemark": "", "accessStatus": 0,
                        "vipStatus": 0, "vipStatusWarn": "", "themeType": 0,
                        "label": {"path": ""}},
                "name_render": {}, "nft_icon": "", "rec_reason": "", "track_id": "",
                "follow_time": ""
            })
            .to_string()
        );
    }

    #[test]
    fn the_seeds_shape_still_reads() {
        let seed = json!({
            "mid": 14082, "attribute": 2, "mtime": 1584271945, "tag": [207542],
            "special": 0, "uname": "山新", "face": "f", "sign": "s",
            "official_verify": {"type": 0, "desc": "d"},
            "vip": {"vipType": 2, "vipDueDate": 1, "dueRemark": "", "accessStatus": 0,
                    "vipStatus": 1, "vipStatusWarn": "", "themeType": 0,
                    "label": {"path": ""}}
        });
        let read: RelationListItem = serde_json::from_value(seed).unwrap();
        assert_eq!(read.tag, Some(vec![207542]));
        assert_eq!(read.contract_info, ContractInfo::default());
        let member: TagMember = serde_json::from_value(json!({
            "mid": 1, "uname": "u", "face": "f", "sign": "",
            "official_verify": {"type": -1, "desc": ""},
            "vip": {"vipType": 0, "vipDueDate": 0, "dueRemark": "", "accessStatus": 0,
                    "vipStatus": 0, "vipStatusWarn": "", "themeType": 0,
                    "label": {"path": ""}}
        }))
        .unwrap();
        assert_eq!(member.live, MemberLive::default());
    }

    #[test]
    fn a_contract_shows_only_what_holds() {
        let contract = ContractInfo {
            is_contractor: Some(true),
            ts: Some(1),
            ..ContractInfo::default()
        };
        assert_eq!(
            serde_json::to_value(contract).unwrap(),
            json!({"is_contractor": true, "ts": 1})
        );
    }
}
