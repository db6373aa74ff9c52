//! Sending, the unread count, polling the session list and a history,
//! emoji and keyword answers, an image.

use bpi_rs::dynamic::DynamicUploadPicParams;
use bpi_rs::message::private_msg::{Image, MessageType};
use bpi_rs::message::{
    MessageSendParams, MessageSessionMessagesParams, MessageSessionsParams,
    MessageSingleUnreadParams,
};
use bpi_rs::BpiClient;

use crate::{failed, Outcome};

pub async fn messages(alice: &BpiClient, bob: &BpiClient, a: u64, b: u64) -> Outcome {
    let since = now_micros()?;
    // ANCHOR: send
    let params = MessageSendParams::text(b, "你好 bob[tv_doge]").map_err(failed("send params"))?;
    let sent = alice
        .message()
        .send(params)
        .await
        .map_err(failed("message.send"))?;
    // ANCHOR_END: send
    let sent_key = sent
        .msg_key
        .ok_or(format!("send_msg: no msg_key in {sent:?}"))?;
    ensure!(
        sent.msg_content.as_deref() == Some(r#"{"content":"你好 bob[tv_doge]"}"#),
        "send_msg: msg_content {:?}",
        sent.msg_content
    );
    let emoji = sent.e_infos.as_deref().unwrap_or_default();
    ensure!(
        emoji.len() == 1 && emoji[0].text == "[tv_doge]" && emoji[0].uri.ends_with(".png"),
        "send_msg: e_infos {emoji:?}"
    );
    println!("send_msg: ok {sent_key}");

    let unread = bob
        .message()
        .single_unread(MessageSingleUnreadParams::new())
        .await
        .map_err(failed("message.single_unread"))?;
    ensure!(
        unread.unfollow_unread == 1 && unread.follow_unread == 0,
        "single_unread: {unread:?}"
    );
    println!("single_unread: ok");

    let reply = bob
        .message()
        .send(MessageSendParams::text(a, "hi alice").map_err(failed("send params"))?)
        .await
        .map_err(failed("message.send"))?;
    let reply_key = reply
        .msg_key
        .ok_or(format!("send_msg: no msg_key in {reply:?}"))?;

    // ANCHOR: poll_sessions
    let params = MessageSessionsParams::new()
        .with_begin_ts(since)
        .map_err(failed("sessions params"))?;
    let page = alice
        .message()
        .sessions(params)
        .await
        .map_err(failed("message.sessions"))?;
    for session in page.session_list.iter().flatten() {
        println!("new in {}: {:?}", session.talker_id, session.last_msg);
    }
    // ANCHOR_END: poll_sessions
    let sessions = page.session_list.unwrap_or_default();
    ensure!(
        sessions.len() == 1
            && sessions[0].talker_id == b
            && sessions[0].unread_count == 1
            && sessions[0].last_msg.as_ref().map(|m| m.msg_key) == Some(reply_key),
        "get_sessions since {since}: {sessions:?}"
    );
    ensure!(!page.show_level, "get_sessions: show_level is true");
    let later = MessageSessionsParams::new()
        .with_begin_ts(sessions[0].session_ts)
        .map_err(failed("sessions params"))?;
    let nothing_new = alice
        .message()
        .sessions(later)
        .await
        .map_err(failed("message.sessions"))?;
    ensure!(
        nothing_new.session_list.is_none(),
        "get_sessions after the newest: {:?}",
        nothing_new.session_list
    );
    let all = bob
        .message()
        .sessions(MessageSessionsParams::new())
        .await
        .map_err(failed("message.sessions"))?;
    let talkers: Vec<u64> = all
        .session_list
        .iter()
        .flatten()
        .map(|s| s.talker_id)
        .collect();
    ensure!(talkers == [a], "get_sessions (bob): talkers {talkers:?}");
    println!("get_sessions: ok (since a time, nothing newer, everything)");

    // ANCHOR: history
    let params = MessageSessionMessagesParams::new(b).map_err(failed("history params"))?;
    let history = alice
        .message()
        .session_messages(params)
        .await
        .map_err(failed("message.session_messages"))?;
    // ANCHOR_END: history
    // Newest first: bob's reply, the tip only alice sees after her first
    // message to someone who does not follow her (type 18), her message.
    let seen: Vec<(u64, u32)> = history
        .messages
        .iter()
        .flatten()
        .map(|m| (m.msg_key, m.msg_type))
        .collect();
    ensure!(
        seen.len() == 3 && seen[0] == (reply_key, 1) && seen[1].1 == 18 && seen[2] == (sent_key, 1),
        "fetch_session_msgs: (msg_key, msg_type) {seen:?}, expected [({reply_key}, 1), (_, 18), ({sent_key}, 1)]"
    );
    // Polling a history: everything after the newest seqno seen.
    let newest = history.max_seqno;
    let after = MessageSessionMessagesParams::new(b)
        .and_then(|p| p.with_begin_seqno(newest))
        .map_err(failed("history params"))?;
    let empty = alice
        .message()
        .session_messages(after.clone())
        .await
        .map_err(failed("message.session_messages"))?;
    ensure!(
        empty.messages.as_ref().is_none_or(Vec::is_empty),
        "fetch_session_msgs after {newest}: {:?}",
        empty.messages
    );
    let third = bob
        .message()
        .send(MessageSendParams::text(a, "还在吗").map_err(failed("send params"))?)
        .await
        .map_err(failed("message.send"))?;
    let fresh = alice
        .message()
        .session_messages(after)
        .await
        .map_err(failed("message.session_messages"))?;
    let keys: Vec<u64> = fresh.messages.iter().flatten().map(|m| m.msg_key).collect();
    ensure!(
        keys == [third.msg_key.unwrap_or_default()] && fresh.max_seqno > newest,
        "fetch_session_msgs after {newest}: keys {keys:?}"
    );
    println!("fetch_session_msgs: ok (page, polling after a seqno)");

    // A text the keyword rules flag: the documented payment warning.
    let warned = alice
        .message()
        .send(MessageSendParams::text(b, "支付宝").map_err(failed("send params"))?)
        .await
        .map_err(failed("message.send"))?;
    let hit = warned
        .key_hit_infos
        .ok_or("send_msg: no key_hit_infos for 支付宝")?;
    ensure!(
        hit.rule_id == Some(2)
            && hit.toast.is_some_and(|t| t.starts_with("【温馨提示】"))
            && hit.high_text.is_some_and(|h| !h.is_empty()),
        "send_msg 支付宝: key_hit_infos"
    );
    println!("send_msg: ok (e_infos, key_hit_infos)");

    // An image: uploaded through upload_bfs, then sent as a type-2 message.
    let file = std::env::temp_dir().join(format!("sixin-bpi-rs-{}.png", std::process::id()));
    std::fs::write(&file, ONE_PIXEL_PNG).map_err(|e| format!("{}: {e}", file.display()))?;
    let uploaded = alice
        .dynamic()
        .upload_pic(DynamicUploadPicParams::new(&file))
        .await
        .map_err(failed("dynamic.upload_pic"));
    let _ = std::fs::remove_file(&file);
    let uploaded = uploaded?;
    ensure!(
        (uploaded.image_width, uploaded.image_height) == (1, 1),
        "upload_bfs: {uploaded:?}"
    );
    let image = Image {
        url: uploaded.image_url.clone(),
        height: uploaded.image_height,
        width: uploaded.image_width,
        image_type: Some("png".into()),
        original: Some(1),
        size: uploaded.img_size,
    };
    let params =
        MessageSendParams::new(b, 1, MessageType::Image(image)).map_err(failed("send params"))?;
    let sent = alice
        .message()
        .send(params)
        .await
        .map_err(failed("message.send (image)"))?;
    let history = bob
        .message()
        .session_messages(MessageSessionMessagesParams::new(a).map_err(failed("history params"))?)
        .await
        .map_err(failed("message.session_messages"))?;
    let newest = history.messages.iter().flatten().next();
    ensure!(
        newest.is_some_and(|m| Some(m.msg_key) == sent.msg_key
            && m.msg_type == 2
            && m.content.contains(&uploaded.image_url)),
        "the image message in bob's history: {newest:?}"
    );
    println!("upload_bfs, send_msg (image): ok");
    Ok(())
}

/// A 1×1 PNG.
const ONE_PIXEL_PNG: &[u8] = &[
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
    0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1f, 0x15, 0xc4,
    0x89, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x44, 0x41, 0x54, 0x78, 0xda, 0x63, 0x64, 0x60, 0xf8, 0x5f,
    0x0f, 0x00, 0x02, 0x87, 0x01, 0x80, 0xeb, 0x47, 0xba, 0x92, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45,
    0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
];

fn now_micros() -> Outcome<u64> {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_err(|e| e.to_string())?;
    Ok(now.as_micros() as u64)
}
