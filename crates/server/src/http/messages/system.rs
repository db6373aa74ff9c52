//! What clients read at start: the system settings of the message centre
//! and whether to offer creating a fan group.
//!
//! The documents describe these as the service's own settings. sixin
//! answers what is true of it: fan groups are created by administrators
//! (users create none), automatic replies are available to users with
//! 1000 followers (as the documents say), no UP-assistant, no message
//! archive, no AI accounts; the texts are the documents' own; addresses of
//! Bilibili's pages and icons are empty, since this server serves none of
//! them.

use std::collections::BTreeMap;

use crate::http::reply::Json;
use sixin_api::message::request::PlatformQuery;
use sixin_api::message::{CreateGroupIcon, GameMsg, OldUpAssistantDoor, SysSetting};
use sixin_api::Envelope;

use axum::extract::State;

use super::vc;
use crate::domain::message::auto_reply::MIN_FANS;
use crate::error::Error;
use crate::http::auth::CurrentUser;
use crate::http::extract::Query;
use crate::http::state::AppState;

/// `data` of `get_sys_setting` for a client on `mobi_app`.
fn sys_setting(mobi_app: Option<&str>, auto_reply: bool) -> SysSetting {
    SysSetting {
        is_create_group_available: 0,
        is_auto_reply_available: i64::from(auto_reply),
        vc_hint_title: "我为什么会收到此类消息".into(),
        vc_hint_title_button: "了解更多".into(),
        vc_hint_detail: "您【特别关注】的UP主更新视频或专栏后，会第一时间在私信推送给您。如有需要可点击右上角设置关闭推送。".into(),
        vc_hint_detail_button: "关闭推送".into(),
        auto_reply_html: String::new(),
        // `receive_unfollow_msg` of link_setting/set is honoured (25003).
        is_receive_unfollow_wl: 1,
        is_voyage: 0,
        is_auto_reply_recommend_available: 0,
        is_discuss_style_im_page: 0,
        discuss_unread_style_im_page: 0,
        old_up_assistant_door: OldUpAssistantDoor::default(),
        is_new_up_assistant_effective: 0,
        is_archive_gray: true,
        session_cfg: BTreeMap::new(),
        migrate_session_api: false,
        // The document: items only when `mobi_app` is not `web` (its
        // example, with no `mobi_app`, has them).
        game_msg: GameMsg {
            show_install: (mobi_app != Some("web")).then_some(true),
        },
        auto_reply_msg_desc: "此条消息为自动回复".into(),
        huahuo_group_icon_new: String::new(),
        huahuo_group_icon_dark_new: String::new(),
        im_disabled_input_hint: "请到UP主空间发起咨询".into(),
    }
}

/// GET /link_setting/v1/link_setting/get_sys_setting
pub async fn get_sys_setting(
    State(state): State<AppState>,
    user: CurrentUser,
    Query(query): Query<PlatformQuery>,
) -> Result<Json<Envelope<SysSetting>>, Error> {
    let followers = state.services.relations.counts(user.mid).await?.follower;
    Ok(vc(sys_setting(
        query.mobi_app.as_deref(),
        followers >= MIN_FANS,
    )))
}

/// GET /link_group/v1/member/show_create_group_icon
///
/// Always 0: fan groups are created by administrators, not users.
pub async fn show_create_group_icon(
    _user: CurrentUser,
    Query(_): Query<PlatformQuery>,
) -> Result<Json<Envelope<CreateGroupIcon>>, Error> {
    Ok(vc(CreateGroupIcon { show: 0 }))
}
