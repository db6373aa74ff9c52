//! Golden transcript: sending, sessions, history, read state, recalls,
//! uploads and the dustbin.

mod later;
mod limits;

use serde_json::json;
use sixin_client::Client;

use super::{As, Recorder};
use crate::helpers::spawn_app;

const SEND: &str = "/web_im/v1/web_im/send_msg";

/// The form of a send as the documents show it.
fn send(
    sender: &str,
    receiver: &str,
    msg_type: &str,
    content: &str,
    dev: &str,
) -> Vec<(String, String)> {
    vec![
        ("msg[sender_uid]".into(), sender.into()),
        ("msg[receiver_id]".into(), receiver.into()),
        ("msg[receiver_type]".into(), "1".into()),
        ("msg[msg_type]".into(), msg_type.into()),
        ("msg[msg_status]".into(), "0".into()),
        ("msg[dev_id]".into(), dev.into()),
        ("msg[timestamp]".into(), "1626181379".into()),
        ("msg[new_face_version]".into(), "1".into()),
        ("msg[content]".into(), content.into()),
    ]
}

fn pairs(form: &[(String, String)]) -> Vec<(&str, &str)> {
    form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

fn text(t: &str) -> String {
    json!({ "content": t }).to_string()
}

/// The users of the transcript and their mids as text.
pub struct People<'c> {
    a: &'c str,
    b: &'c str,
    c: &'c str,
    alice: &'c Client,
    bob: &'c Client,
    carol: &'c Client,
}

#[tokio::test]
async fn messages_transcript() {
    let app = spawn_app().await;
    let (a, alice) = app.user("alice").await;
    let (b, bob) = app.user("bob").await;
    let (c, carol) = app.user("carol").await;
    let (a, b, c) = (a.to_string(), b.to_string(), c.to_string());
    let mut rec = Recorder::new(&app, "messages");

    rec.note("before any message");
    rec.get("/session_svr/v1/session_svr/new_sessions", As::User(&alice))
        .await;
    rec.get(
        &format!("/svr_sync/v1/svr_sync/fetch_session_msgs?talker_id={b}&session_type=1"),
        As::User(&alice),
    )
    .await;
    rec.get(
        &format!("/session_svr/v1/session_svr/session_detail?talker_id={b}&session_type=1"),
        As::User(&alice),
    )
    .await;
    rec.get(
        "/session_svr/v1/session_svr/single_unread",
        As::User(&alice),
    )
    .await;

    rec.note("a first message to a stranger, and the limit after it");
    let first = send(
        &a,
        &b,
        "1",
        "{\"content\":\"up主你好,\\n催更[doge]\"}",
        "D1",
    );
    rec.post(SEND, As::User(&alice), &pairs(&first)).await;
    rec.post(SEND, As::User(&alice), &pairs(&first)).await;
    rec.post(
        SEND,
        As::User(&alice),
        &pairs(&send(&a, &b, "1", &text("again"), "D2")),
    )
    .await;
    rec.post(
        SEND,
        As::User(&bob),
        &pairs(&send(&b, &a, "1", &text("支付宝 [口罩][tv_doge]"), "D3")),
    )
    .await;
    rec.post(
        SEND,
        As::User(&alice),
        &pairs(&send(&a, &b, "1", &text("now we talk"), "D4")),
    )
    .await;
    let old = send(&a, &b, "1", &text("旧[doge]"), "D5")
        .into_iter()
        .map(|(k, v)| {
            if k == "msg[new_face_version]" {
                (k, "0".into())
            } else {
                (k, v)
            }
        })
        .collect::<Vec<_>>();
    rec.post(SEND, As::User(&alice), &pairs(&old)).await;
    let share = json!({"id": 1, "source": 5, "title": "t", "thumb": "https://example.test/t.png", "author": "x"}).to_string();
    rec.post(
        SEND,
        As::User(&alice),
        &pairs(&send(&a, &b, "7", &share, "D6")),
    )
    .await;
    let mut android = send(&b, &a, "1", &text("from a phone"), "D7");
    android.push(("mobi_app".into(), "android".into()));
    rec.post(SEND, As::User(&bob), &pairs(&android)).await;

    rec.note("refused sends");
    for form in [
        send(&a, &a, "1", &text("me"), "E"),
        send(&b, &b, "1", &text("spoof"), "E"),
        send(&a, &b, "10", "{}", "E"),
        send(&a, &b, "0", "{}", "E"),
        send(&a, &b, "1", "{\"content\":\"\"}", "E"),
        send(&a, &b, "1", "not json", "E"),
        send(&a, &b, "1", &text(&"长".repeat(1000)), "E"),
        send(
            &a,
            &b,
            "2",
            "{\"url\":\"https://i0.hdslb.com/bfs/face/x.jpg\"}",
            "E",
        ),
        send(&a, &b, "2", "{}", "E"),
        send(&a, &b, "7", "{\"source\":5}", "E"),
        send(&a, "999999", "1", &text("nobody"), "E"),
        send(&a, &c, "5", "123", "E"),
    ] {
        rec.post(SEND, As::User(&alice), &pairs(&form)).await;
    }
    let mut group = send(&a, &b, "1", &text("g"), "E");
    group[2].1 = "2".into();
    rec.post(SEND, As::User(&alice), &pairs(&group)).await;
    rec.post(
        SEND,
        As::UserNoCsrf(&alice),
        &pairs(&send(&a, &b, "1", &text("x"), "E")),
    )
    .await;
    rec.post(
        SEND,
        As::Nobody,
        &pairs(&send(&a, &b, "1", &text("x"), "E")),
    )
    .await;
    rec.post(SEND, As::User(&alice), &[("msg[content]", "x")])
        .await;

    rec.note("sessions and history");
    rec.get("/session_svr/v1/session_svr/new_sessions", As::User(&alice))
        .await;
    rec.get(
        "/session_svr/v1/session_svr/new_sessions?size=1",
        As::User(&bob),
    )
    .await;
    for t in ["1", "2", "3", "4", "5", "6", "7", "8", "9", "0"] {
        rec.get(
            &format!("/session_svr/v1/session_svr/get_sessions?session_type={t}"),
            As::User(&bob),
        )
        .await;
    }
    rec.get(
        "/session_svr/v1/session_svr/get_sessions?session_type=1&sort_rule=3&size=1",
        As::User(&bob),
    )
    .await;
    rec.get("/session_svr/v1/session_svr/get_sessions", As::User(&bob))
        .await;
    rec.get(
        &format!("/session_svr/v1/session_svr/session_detail?talker_id={a}&session_type=1"),
        As::User(&bob),
    )
    .await;
    rec.get(
        &format!("/session_svr/v1/session_svr/session_detail?talker_id={a}&session_type=2"),
        As::User(&bob),
    )
    .await;
    rec.get(
        &format!("/session_svr/v1/session_svr/session_detail?talker_id={a}&session_type=9"),
        As::User(&bob),
    )
    .await;
    let history = format!("/svr_sync/v1/svr_sync/fetch_session_msgs?talker_id={a}&session_type=1");
    rec.get(&history, As::User(&bob)).await;
    rec.get(&history, As::User(&alice)).await;
    rec.get(&format!("{history}&size=2"), As::User(&bob)).await;
    rec.get(&format!("{history}&size=2&end_seqno=4"), As::User(&bob))
        .await;
    rec.get(&format!("{history}&size=2&begin_seqno=2"), As::User(&bob))
        .await;
    rec.get(
        &format!("{history}&begin_seqno=2&end_seqno=5"),
        As::User(&bob),
    )
    .await;
    rec.get(
        &format!("/svr_sync/v1/svr_sync/fetch_session_msgs?talker_id={a}&session_type=2"),
        As::User(&bob),
    )
    .await;
    rec.get(
        "/svr_sync/v1/svr_sync/fetch_session_msgs?talker_id=x&session_type=1",
        As::User(&bob),
    )
    .await;
    rec.get(&history, As::Nobody).await;

    rec.note("unread and read state");
    rec.get("/session_svr/v1/session_svr/single_unread", As::User(&bob))
        .await;
    rec.get(
        "/session_svr/v1/session_svr/single_unread?unread_type=2&show_dustbin=1",
        As::User(&bob),
    )
    .await;
    rec.get(
        "/session_svr/v1/session_svr/single_unread?unread_type=7",
        As::User(&bob),
    )
    .await;
    rec.get(
        "/session_svr/v1/session_svr/my_group_unread",
        As::User(&bob),
    )
    .await;
    let ack = "/session_svr/v1/session_svr/update_ack";
    rec.post(
        ack,
        As::User(&bob),
        &[("talker_id", &a), ("session_type", "1"), ("ack_seqno", "3")],
    )
    .await;
    rec.get("/session_svr/v1/session_svr/single_unread", As::User(&bob))
        .await;
    rec.post(
        ack,
        As::User(&bob),
        &[("talker_id", &a), ("session_type", "1"), ("ack_seqno", "1")],
    )
    .await;
    rec.post(
        ack,
        As::User(&bob),
        &[("talker_id", &a), ("session_type", "1")],
    )
    .await;
    rec.post(
        ack,
        As::User(&bob),
        &[("talker_id", &a), ("session_type", "2")],
    )
    .await;
    rec.post(
        ack,
        As::User(&bob),
        &[("talker_id", &a), ("session_type", "7")],
    )
    .await;
    rec.get(
        &format!("/session_svr/v1/session_svr/session_detail?talker_id={a}&session_type=1"),
        As::User(&bob),
    )
    .await;

    rec.note("pins, removal, interception and the dustbin");
    let top = "/session_svr/v1/session_svr/set_top";
    rec.post(
        top,
        As::User(&bob),
        &[("talker_id", &a), ("session_type", "1"), ("op_type", "0")],
    )
    .await;
    rec.get(
        "/session_svr/v1/session_svr/get_sessions?session_type=1",
        As::User(&bob),
    )
    .await;
    rec.post(
        top,
        As::User(&bob),
        &[("talker_id", &a), ("session_type", "1"), ("op_type", "1")],
    )
    .await;
    rec.post(
        top,
        As::User(&bob),
        &[("talker_id", &a), ("session_type", "1"), ("op_type", "5")],
    )
    .await;
    rec.post(
        top,
        As::User(&bob),
        &[("talker_id", &b), ("session_type", "1"), ("op_type", "0")],
    )
    .await;
    rec.post(
        top,
        As::User(&bob),
        &[
            ("talker_id", "999999"),
            ("session_type", "1"),
            ("op_type", "0"),
        ],
    )
    .await;
    let intercept = "/session_svr/v1/session_svr/update_intercept";
    rec.post(
        intercept,
        As::User(&bob),
        &[("talker_id", &a), ("status", "1")],
    )
    .await;
    rec.post(
        SEND,
        As::User(&alice),
        &pairs(&send(&a, &b, "1", &text("into the bin"), "D8")),
    )
    .await;
    rec.get(
        "/session_svr/v1/session_svr/get_sessions?session_type=5",
        As::User(&bob),
    )
    .await;
    rec.get(
        "/session_svr/v1/session_svr/single_unread?show_dustbin=1",
        As::User(&bob),
    )
    .await;
    rec.post(
        "/session_svr/v1/session_svr/batch_update_dustbin_ack",
        As::User(&bob),
        &[],
    )
    .await;
    rec.get(
        "/session_svr/v1/session_svr/single_unread?show_dustbin=1",
        As::User(&bob),
    )
    .await;
    rec.post(
        "/session_svr/v1/session_svr/batch_rm_dustbin",
        As::User(&bob),
        &[],
    )
    .await;
    rec.get(
        "/session_svr/v1/session_svr/get_sessions?session_type=5",
        As::User(&bob),
    )
    .await;
    rec.post(
        intercept,
        As::User(&bob),
        &[("talker_id", &a), ("status", "0")],
    )
    .await;
    rec.post(
        intercept,
        As::User(&bob),
        &[("talker_id", &a), ("status", "3")],
    )
    .await;
    rec.post(
        SEND,
        As::User(&alice),
        &pairs(&send(&a, &b, "1", &text("back again"), "D9")),
    )
    .await;
    rec.get(
        "/session_svr/v1/session_svr/get_sessions?session_type=4",
        As::User(&bob),
    )
    .await;
    let remove = "/session_svr/v1/session_svr/remove_session";
    rec.post(
        remove,
        As::User(&bob),
        &[("talker_id", &a), ("session_type", "1")],
    )
    .await;
    rec.get("/session_svr/v1/session_svr/new_sessions", As::User(&bob))
        .await;
    rec.post(
        remove,
        As::User(&bob),
        &[("talker_id", &a), ("session_type", "2")],
    )
    .await;
    rec.post(
        "/session_svr/v1/session_svr/batch_rm_dustbin",
        As::UserNoCsrf(&bob),
        &[],
    )
    .await;

    later::recalls_images_and_the_greeting(
        &mut rec,
        &app,
        &People {
            a: &a,
            b: &b,
            c: &c,
            alice: &alice,
            bob: &bob,
            carol: &carol,
        },
        &history,
    )
    .await;
    rec.finish();
}
