//! What clients read at start: `get_sys_setting` and
//! `show_create_group_icon`, answered truthfully for a server without fan
//! groups, automatic replies or an UP-assistant.

use serde_json::json;
use sixin_client::EnvelopeExt;

use crate::helpers::{cookie_of, spawn_app};

#[tokio::test]
async fn the_system_settings_have_exactly_the_documented_fields() {
    let app = spawn_app().await;
    let (_, alice) = app.user("alice").await;
    let body = app
        .get_raw(
            "/link_setting/v1/link_setting/get_sys_setting",
            Some(&cookie_of(&alice)),
        )
        .await;
    let expected = json!({"code": 0, "msg": "0", "message": "0", "ttl": 1, "data": {
        "is_create_group_available": 0,
        "is_auto_reply_available": 0,
        "vc_hint_title": "我为什么会收到此类消息",
        "vc_hint_title_button": "了解更多",
        "vc_hint_detail": "您【特别关注】的UP主更新视频或专栏后，会第一时间在私信推送给您。如有需要可点击右上角设置关闭推送。",
        "vc_hint_detail_button": "关闭推送",
        "auto_reply_html": "",
        "is_receive_unfollow_wl": 1,
        "is_voyage": 0,
        "is_auto_reply_recommend_available": 0,
        "is_discuss_style_im_page": 0,
        "discuss_unread_style_im_page": 0,
        "old_up_assistant_door": {"show_old_up_door": 0, "title": "", "sub_title": ""},
        "is_new_up_assistant_effective": 0,
        "is_archive_gray": true,
        "session_cfg": {},
        "migrate_session_api": false,
        "game_msg": {"show_install": true},
        "auto_reply_msg_desc": "此条消息为自动回复",
        "huahuo_group_icon_new": "",
        "huahuo_group_icon_dark_new": "",
        "im_disabled_input_hint": "请到UP主空间发起咨询"
    }});
    assert_eq!(body, expected);
    assert_eq!(
        body["data"].as_object().unwrap().keys().collect::<Vec<_>>(),
        expected["data"]
            .as_object()
            .unwrap()
            .keys()
            .collect::<Vec<_>>(),
        "in the document's order"
    );
    let web = alice
        .sys_setting(Some("web"))
        .await
        .unwrap()
        .into_data()
        .unwrap();
    assert_eq!(web.game_msg.show_install, None, "empty for the web client");
    let raw = app
        .get_raw(
            "/link_setting/v1/link_setting/get_sys_setting?mobi_app=web&build=0",
            Some(&cookie_of(&alice)),
        )
        .await;
    assert_eq!(raw["data"]["game_msg"], json!({}));
}

#[tokio::test]
async fn nobody_is_offered_to_create_a_fan_group() {
    let app = spawn_app().await;
    let (_, alice) = app.user("alice").await;
    let body = app
        .get_raw(
            "/link_group/v1/member/show_create_group_icon",
            Some(&cookie_of(&alice)),
        )
        .await;
    assert_eq!(
        body,
        json!({"code": 0, "msg": "0", "message": "0", "ttl": 1, "data": {"show": 0}})
    );
    let icon = alice
        .show_create_group_icon()
        .await
        .unwrap()
        .into_data()
        .unwrap();
    assert_eq!(icon.show, 0);
}
