//! Golden transcript: `link_setting`, message preferences and per-session
//! settings.

use super::{As, Recorder};
use crate::helpers::spawn_app;

const BASE: &str = "/link_setting/v1/link_setting";

#[tokio::test]
async fn settings_transcript() {
    let app = spawn_app().await;
    let (a, alice) = app.user("alice").await;
    let (b, bob) = app.user("bob").await;
    let (a, b) = (a.to_string(), b.to_string());
    let mut rec = Recorder::new(&app, "settings");

    rec.note("message preferences");
    rec.get(&format!("{BASE}/get"), As::User(&alice)).await;
    rec.get(
        &format!("{BASE}/get?msg_notify=1&show_unfollowed_msg=1"),
        As::User(&alice),
    )
    .await;
    rec.post(
        &format!("{BASE}/get"),
        As::User(&alice),
        &[("msg_notify", "1")],
    )
    .await;
    rec.post(&format!("{BASE}/get"), As::UserNoCsrf(&alice), &[])
        .await;
    rec.get(&format!("{BASE}/get"), As::Nobody).await;
    rec.post(
        &format!("{BASE}/set"),
        As::User(&bob),
        &[
            ("receive_unfollow_msg", "0"),
            ("set_like", "5"),
            ("ignored", "1"),
        ],
    )
    .await;
    rec.post(&format!("{BASE}/set"), As::User(&bob), &[("set_like", "3")])
        .await;
    rec.post(&format!("{BASE}/set"), As::User(&bob), &[("set_at", "x")])
        .await;
    rec.post(&format!("{BASE}/set"), As::User(&bob), &[]).await;
    rec.get(&format!("{BASE}/get?msg_notify=1"), As::User(&bob))
        .await;
    rec.post(
        "/web_im/v1/web_im/send_msg",
        As::User(&alice),
        &[
            ("msg[sender_uid]", &a),
            ("msg[receiver_id]", &b),
            ("msg[receiver_type]", "1"),
            ("msg[msg_type]", "1"),
            ("msg[content]", "{\"content\":\"hi\"}"),
        ],
    )
    .await;

    rec.note("limits");
    rec.get(&format!("{BASE}/is_limit?uid={b}"), As::User(&alice))
        .await;
    rec.get(&format!("{BASE}/is_limit"), As::User(&alice)).await;
    rec.get(&format!("{BASE}/is_limit?uid={b}"), As::Nobody)
        .await;

    rec.note("do not disturb");
    rec.get(&format!("{BASE}/get_msg_dnd?uids={b}"), As::User(&alice))
        .await;
    rec.post(
        &format!("{BASE}/set_msg_dnd"),
        As::User(&alice),
        &[("setting", "1"), ("dnd_uid", &b)],
    )
    .await;
    rec.get(
        &format!("{BASE}/get_msg_dnd?uids={b}&group_ids=7"),
        As::User(&alice),
    )
    .await;
    rec.get(&format!("{BASE}/get_msg_dnd?group_ids=7"), As::User(&alice))
        .await;
    rec.get(&format!("{BASE}/get_msg_dnd"), As::User(&alice))
        .await;
    rec.get(&format!("{BASE}/get_msg_dnd?uids=x"), As::User(&alice))
        .await;
    rec.get(&format!("{BASE}/get_msg_dnd?uids=0"), As::User(&alice))
        .await;
    rec.post(
        &format!("{BASE}/set_msg_dnd"),
        As::User(&alice),
        &[("setting", "2"), ("dnd_uid", &b)],
    )
    .await;
    rec.post(
        &format!("{BASE}/set_msg_dnd"),
        As::User(&alice),
        &[("setting", "1"), ("dnd_group_id", "7")],
    )
    .await;
    rec.post(
        &format!("{BASE}/set_msg_dnd"),
        As::User(&alice),
        &[("setting", "1")],
    )
    .await;
    rec.post(
        &format!("{BASE}/set_msg_dnd"),
        As::User(&alice),
        &[("setting", "1"), ("dnd_uid", &a)],
    )
    .await;
    rec.get("/session_svr/v1/session_svr/new_sessions", As::User(&alice))
        .await;

    rec.note("push settings");
    rec.get(
        &format!("{BASE}/get_session_ss?talker_uid={b}"),
        As::User(&alice),
    )
    .await;
    rec.post(
        &format!("{BASE}/set_push_ss"),
        As::User(&alice),
        &[("talker_uid", &b), ("setting", "1")],
    )
    .await;
    rec.post(
        &format!("{BASE}/set_push_ss"),
        As::User(&alice),
        &[("talker_uid", &b), ("setting", "4")],
    )
    .await;
    rec.post(
        "/x/relation/modify",
        As::User(&bob),
        &[("fid", &a), ("act", "1")],
    )
    .await;
    rec.post(
        "/x/relation/modify",
        As::User(&alice),
        &[("fid", &b), ("act", "1")],
    )
    .await;
    rec.post(
        "/x/relation/tags/addUsers",
        As::User(&alice),
        &[("fids", &b), ("tagids", "-10")],
    )
    .await;
    rec.get(
        &format!("{BASE}/get_session_ss?talker_uid={b}"),
        As::User(&alice),
    )
    .await;
    rec.get(
        &format!("{BASE}/get_session_ss?talker_uid={a}"),
        As::User(&bob),
    )
    .await;
    rec.get(&format!("{BASE}/get_session_ss"), As::User(&bob))
        .await;

    rec.note("block words");
    let words = "/x/im/link_setting";
    rec.get(
        &format!("{words}/get_block_words?build=0&mobi_app=web"),
        As::User(&bob),
    )
    .await;
    rec.post(
        &format!("{words}/add_block_word"),
        As::User(&bob),
        &[("content", "广告"), ("build", "0"), ("mobi_app", "web")],
    )
    .await;
    rec.post(
        &format!("{words}/add_block_word"),
        As::User(&bob),
        &[("content", "Spam")],
    )
    .await;
    for refused in ["SPAM", "a b", &"长".repeat(21), ""] {
        rec.post(
            &format!("{words}/add_block_word"),
            As::User(&bob),
            &[("content", refused)],
        )
        .await;
    }
    rec.post(
        &format!("{words}/add_block_word"),
        As::UserNoCsrf(&bob),
        &[("content", "x")],
    )
    .await;
    rec.post(
        &format!("{words}/add_block_word"),
        As::Nobody,
        &[("content", "x")],
    )
    .await;
    rec.get(&format!("{words}/get_block_words"), As::User(&bob))
        .await;
    rec.get(&format!("{words}/get_block_words"), As::Nobody)
        .await;
    rec.post(
        "/web_im/v1/web_im/send_msg",
        As::User(&alice),
        &[
            ("msg[sender_uid]", &a),
            ("msg[receiver_id]", &b),
            ("msg[receiver_type]", "1"),
            ("msg[msg_type]", "1"),
            ("msg[content]", "{\"content\":\"免费广告\"}"),
        ],
    )
    .await;
    rec.get(
        &format!("/svr_sync/v1/svr_sync/fetch_session_msgs?talker_id={b}&session_type=1"),
        As::User(&alice),
    )
    .await;
    rec.get(
        &format!("/svr_sync/v1/svr_sync/fetch_session_msgs?talker_id={a}&session_type=1"),
        As::User(&bob),
    )
    .await;
    rec.post(
        &format!("{words}/del_block_word"),
        As::User(&bob),
        &[("content", "spam")],
    )
    .await;
    rec.post(
        &format!("{words}/del_block_word"),
        As::User(&bob),
        &[("content", "never added")],
    )
    .await;
    rec.post(&format!("{words}/del_block_word"), As::User(&bob), &[])
        .await;
    rec.post(
        &format!("{words}/del_block_word"),
        As::UserNoCsrf(&bob),
        &[("content", "广告")],
    )
    .await;
    rec.get(&format!("{words}/get_block_words"), As::User(&bob))
        .await;

    rec.note("system settings");
    rec.get(&format!("{BASE}/get_sys_setting"), As::User(&alice))
        .await;
    rec.get(
        &format!("{BASE}/get_sys_setting?build=0&mobi_app=web"),
        As::User(&alice),
    )
    .await;
    rec.get(&format!("{BASE}/get_sys_setting"), As::Nobody)
        .await;
    rec.get(
        "/link_group/v1/member/show_create_group_icon",
        As::User(&alice),
    )
    .await;
    rec.get("/link_group/v1/member/show_create_group_icon", As::Nobody)
        .await;
    rec.finish();
}
