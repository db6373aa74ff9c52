//! Accounts as clients see them: the profile parts the relation lists embed,
//! `GET /x/web-interface/nav`, `GET /x/space/myinfo`, and password login.

use serde::{Deserialize, Serialize};

/// `official_verify` / `officialVerify`: `type` -1 none, 0 personal, 1 organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OfficialVerify {
    #[serde(rename = "type")]
    pub kind: i64,
    pub desc: String,
}

impl Default for OfficialVerify {
    fn default() -> Self {
        OfficialVerify {
            kind: -1,
            desc: String::new(),
        }
    }
}

/// The membership part of a profile as an administrator sets it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VipInput {
    /// 0 none, 1 monthly, 2 yearly.
    #[serde(rename = "vipType", default)]
    pub vip_type: i64,
    /// Milliseconds since the epoch.
    #[serde(rename = "vipDueDate", default)]
    pub vip_due_date: i64,
    /// 0 none, 1 active.
    #[serde(rename = "vipStatus", default)]
    pub vip_status: i64,
}

/// `vip.label` in relation lists: only `path`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VipPath {
    pub path: String,
}

/// `wbi_img`: the two addresses whose file stems are the WBI signing keys.
/// sixin accepts and ignores WBI signatures, but clients fetch these first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WbiImg {
    pub img_url: String,
    pub sub_url: String,
}

/// `data` of `nav` for a visitor who is not logged in (with code -101).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NavAnonymous {
    #[serde(rename = "isLogin")]
    pub is_login: bool,
    pub wbi_img: WbiImg,
}

/// `level_info` / `level_exp`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LevelInfo {
    pub current_level: i64,
    pub current_min: i64,
    pub current_exp: i64,
    /// A number below level 6, the string `"--"` at level 6.
    pub next_exp: serde_json::Value,
}

/// `official`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Official {
    pub role: i64,
    pub title: String,
    pub desc: String,
    #[serde(rename = "type")]
    pub kind: i64,
}

/// `pendant`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Pendant {
    pub pid: i64,
    pub name: String,
    pub image: String,
    pub expire: i64,
    pub image_enhance: String,
    pub image_enhance_frame: String,
}

/// `vip_label` / `vip.label` in nav and myinfo.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VipLabel {
    pub path: String,
    pub text: String,
    pub label_theme: String,
    pub text_color: String,
    pub bg_style: i64,
    pub bg_color: String,
    pub border_color: String,
}

/// `vip` in nav and myinfo.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccountVip {
    #[serde(rename = "type")]
    pub kind: i64,
    pub status: i64,
    pub due_date: i64,
    pub vip_pay_type: i64,
    pub theme_type: i64,
    pub label: VipLabel,
    pub avatar_subscript: i64,
    pub nickname_color: String,
    pub role: i64,
    pub avatar_subscript_url: String,
}

/// `wallet` in nav.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Wallet {
    pub mid: u64,
    pub bcoin_balance: f64,
    pub coupon_balance: f64,
    pub coupon_due_time: i64,
}

/// `data` of `nav` for a logged-in user.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Nav {
    #[serde(rename = "isLogin")]
    pub is_login: bool,
    pub email_verified: i64,
    pub face: String,
    pub face_nft: i64,
    pub face_nft_type: i64,
    pub level_info: LevelInfo,
    pub mid: u64,
    pub mobile_verified: i64,
    pub money: f64,
    pub moral: i64,
    pub official: Official,
    #[serde(rename = "officialVerify")]
    pub official_verify: OfficialVerify,
    pub pendant: Pendant,
    pub scores: i64,
    pub uname: String,
    #[serde(rename = "vipDueDate")]
    pub vip_due_date: i64,
    #[serde(rename = "vipStatus")]
    pub vip_status: i64,
    #[serde(rename = "vipType")]
    pub vip_type: i64,
    pub vip_pay_type: i64,
    pub vip_theme_type: i64,
    pub vip_label: VipLabel,
    pub vip_avatar_subscript: i64,
    pub vip_nickname_color: String,
    pub vip: AccountVip,
    pub wallet: Wallet,
    pub has_shop: bool,
    pub shop_url: String,
    pub allowance_count: i64,
    pub answer_status: i64,
    pub is_senior_member: i64,
    pub wbi_img: WbiImg,
    pub is_jury: bool,
}

/// `profession` in myinfo.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Profession {
    pub id: i64,
    pub name: String,
    pub show_name: String,
}

/// `data` of `GET /x/space/myinfo`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MyInfo {
    pub mid: u64,
    pub name: String,
    pub sex: String,
    pub face: String,
    pub sign: String,
    pub rank: i64,
    pub level: i64,
    pub jointime: i64,
    pub moral: i64,
    pub silence: i64,
    pub email_status: i64,
    pub tel_status: i64,
    pub identification: i64,
    pub vip: AccountVip,
    pub pendant: Pendant,
    pub official: Official,
    pub birthday: i64,
    pub is_tourist: i64,
    pub is_fake_account: i64,
    pub pin_prompting: i64,
    pub is_deleted: i64,
    pub in_reg_audit: i64,
    pub is_rip_user: bool,
    pub profession: Profession,
    pub level_exp: LevelInfo,
    pub coins: f64,
    pub following: u64,
    pub follower: u64,
}

/// `data` of a successful `POST /x/passport-login/web/login`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginResult {
    pub status: i64,
    pub message: String,
    pub url: String,
    pub refresh_token: String,
    pub timestamp: i64,
}

/// `data` of a successful `POST /login/exit/v2`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LogoutResult {
    #[serde(rename = "redirectUrl")]
    pub redirect_url: String,
}

/// `POST /x/passport-login/web/login`. Bilibili's captcha and RSA fields are
/// accepted and ignored.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginForm {
    #[serde(default)]
    pub username: String,
    #[serde(default)]
    pub password: String,
}

/// `POST /login/exit/v2`: this endpoint has its own csrf parameter.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LogoutForm {
    #[serde(rename = "biliCSRF", default)]
    pub bili_csrf: String,
    /// Where the client goes afterwards.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gourl: Option<String>,
}

/// One of the caller's live sessions (`GET /x/sixin/sessions`, sixin's own).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OwnSession {
    /// The session's id: hex of the SHA-256 of its `SESSDATA`.
    pub id: String,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds after which it is no longer accepted.
    pub expires_at: i64,
    /// Whether it is the session making the request.
    pub current: bool,
}

/// `POST /x/sixin/sessions/revoke` (sixin's own): end one of one's sessions.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RevokeSessionForm {
    /// An `id` from `GET /x/sixin/sessions`.
    pub id: String,
}

/// `data` of the calls that end several sessions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EndedSessions {
    /// How many sessions ended.
    pub ended: u64,
}

/// `POST /x/sixin/password` (sixin's own): change one's password; every
/// other session ends.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChangePasswordForm {
    pub old_password: String,
    pub new_password: String,
}
