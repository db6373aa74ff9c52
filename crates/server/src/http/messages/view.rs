//! Messages and sessions as the wire shows them.

use sixin_api::message::{
    msg_type, AccountInfo, EInfo, KeyHitInfos, Message as WireMessage, Session, SessionList,
};

use crate::domain::message::emote::{emotes_in, keyword_hit, Emote, KeywordRule};
use crate::domain::message::Message;
use crate::domain::relation::follows;
use crate::domain::system::SystemKind;
use crate::domain::Mid;
use crate::http::assets::NOFACE_PATH;
use crate::store::messages::SessionRecord;

/// A message as the wire shows it. A system recall, stored as the
/// documents' type 8, is received as type 5 with `sys_cancel` true; no
/// other message has `sys_cancel` (the documents: only on type 5, and only
/// when true).
pub fn message(m: Message) -> WireMessage {
    let system_recall = m.msg_type == msg_type::SYSTEM_RECALL;
    WireMessage {
        sender_uid: m.sender_uid,
        receiver_type: m.receiver_type,
        receiver_id: m.receiver_id,
        msg_type: if system_recall {
            msg_type::RECALL
        } else {
            m.msg_type
        },
        content: m.content,
        msg_seqno: m.seqno.get(),
        timestamp: m.ts_us / 1_000_000,
        at_uids: m.at_uids,
        msg_key: m.msg_key.get(),
        msg_status: m.msg_status,
        sys_cancel: system_recall.then_some(true),
        notify_code: m.notify_code,
        new_face_version: m.new_face_version,
        msg_source: m.msg_source,
    }
}

/// A fan group's cover, or the default avatar.
pub fn group_cover(public_url: &str, cover: Option<String>) -> String {
    cover.unwrap_or_else(|| format!("{public_url}{NOFACE_PATH}"))
}

/// A session as the wire shows it; a system account's shows its
/// `system_msg_type` and `account_info` (absent on every other session, as
/// in the documents' examples) and `is_follow` 1 (as the documents say of
/// system sessions); a fan group's its `group_name`, `group_cover`,
/// `group_type` and `at_seqno`. `public_url` resolves the default avatar.
pub fn session(s: SessionRecord, public_url: &str) -> Session {
    let user = s.session_type == 1;
    let is_follow = follows(s.owner_to_talker) || s.system.is_some();
    let system_msg_type = s.system.as_ref().map_or(0, |a| a.kind.code());
    let (group_name, group_cover, group_type) = match s.group {
        Some(g) => (g.name, self::group_cover(public_url, g.cover), g.group_type),
        None => (String::new(), String::new(), 0),
    };
    let account_info = s.system.map(|a| AccountInfo {
        name: a.name,
        pic_url: a
            .pic_url
            .unwrap_or_else(|| format!("{public_url}{NOFACE_PATH}")),
    });
    Session {
        talker_id: s.talker_id,
        session_type: s.session_type,
        at_seqno: s.state.at_seqno.get(),
        top_ts: s.state.top_ts,
        group_name,
        group_cover,
        is_follow: i64::from(user && is_follow),
        is_dnd: i64::from(s.state.is_dnd),
        ack_seqno: s.state.ack_seqno.get(),
        ack_ts: s.state.ack_ts,
        session_ts: s.session_ts,
        unread_count: s.state.unread_count,
        // A session's last message carries no mentions (`null`), as the
        // live service shows it; history keeps `at_uids`.
        last_msg: s.last_msg.map(|m| WireMessage {
            at_uids: None,
            ..message(m)
        }),
        group_type,
        can_fold: i64::from(user && !is_follow && account_info.is_none()),
        status: 0,
        max_seqno: s.state.last_seqno.get(),
        new_push_msg: i64::from(s.state.push_unread > 0),
        setting: s.state.push_setting,
        is_guardian: 0,
        is_intercept: i64::from(s.state.is_intercept),
        is_trust: i64::from(s.state.is_trust),
        system_msg_type,
        account_info,
        live_status: 0,
        biz_msg_unread_count: s.state.biz_unread,
        user_label: None,
    }
}

/// `data` of a session list: `session_list` is `null` when empty;
/// `anti_disturb_cleaning` is the owner's one-key anti-harassment switch.
/// `system_msg` (`get_sessions` only; `None` elsewhere) is each
/// `system_msg_type` of the owner's system sessions, all of them rather
/// than the page's, with its newest session's talker; absent when there is
/// none.
pub fn session_list(
    sessions: Vec<SessionRecord>,
    has_more: bool,
    system_msg: Option<Vec<(SystemKind, Mid)>>,
    anti_disturb_cleaning: bool,
    public_url: &str,
) -> SessionList {
    let system_msg: serde_json::Map<String, serde_json::Value> = system_msg
        .unwrap_or_default()
        .into_iter()
        .map(|(kind, talker)| (kind.code().to_string(), talker.get().into()))
        .collect();
    SessionList {
        session_list: (!sessions.is_empty()).then(|| {
            sessions
                .into_iter()
                .map(|s| session(s, public_url))
                .collect()
        }),
        has_more: i64::from(has_more),
        anti_disturb_cleaning,
        is_address_list_empty: 0,
        system_msg: (!system_msg.is_empty()).then_some(system_msg),
        show_level: false,
    }
}

/// The text inside a text message's content.
pub fn text_of(content: &str) -> Option<String> {
    serde_json::from_str::<serde_json::Value>(content)
        .ok()?
        .get("content")?
        .as_str()
        .map(str::to_owned)
}

/// Whether the text inside a stored content can hold an emoji's `[name]`:
/// only if the JSON has a `[`, written as it is or escaped. Most messages
/// have none, and are then not parsed for their text.
pub fn may_name_emotes(content: &str) -> bool {
    content.contains('[') || content.contains("\\u")
}

/// The catalogue entries of the emoji in `texts`, with addresses made
/// absolute against `public_url`.
pub fn e_infos<'t>(
    texts: impl IntoIterator<Item = &'t str>,
    catalogue: &[Emote],
    public_url: &str,
) -> Vec<EInfo> {
    emotes_in(texts, catalogue)
        .into_iter()
        .map(|emote| e_info(emote, public_url))
        .collect()
}

/// A catalogue entry as `e_infos` shows it, its addresses made absolute
/// against `public_url`.
pub fn e_info(emote: &Emote, public_url: &str) -> EInfo {
    let absolute = |u: &str| {
        if u.starts_with('/') {
            format!("{public_url}{u}")
        } else {
            u.to_owned()
        }
    };
    let uri = absolute(&emote.uri);
    EInfo {
        text: emote.text.clone(),
        url: uri.clone(),
        uri,
        size: emote.size,
        gif_url: emote.gif_url.as_deref().map(absolute),
    }
}

/// The keyword rule `text` hits, as `key_hit_infos`: `{}` when none.
pub fn key_hit_infos(text: &str, rules: &[KeywordRule]) -> KeyHitInfos {
    match keyword_hit(text, rules) {
        Some(hit) => KeyHitInfos {
            toast: Some(hit.rule.toast.clone()),
            rule_id: Some(hit.rule.rule_id),
            // The documents show one empty object per highlight.
            high_text: Some(vec![
                serde_json::Value::Object(serde_json::Map::new());
                hit.hits
            ]),
        },
        None => KeyHitInfos::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn e_infos_have_absolute_addresses() {
        let catalogue = crate::domain::message::emote::sample_catalogue();
        let infos = e_infos(
            ["[口罩][unknown][tv_doge]", "[tv_doge]"],
            &catalogue,
            "http://h",
        );
        assert_eq!(infos.len(), 2);
        assert_eq!(infos[0].uri, "https://cdn.example.test/b.png");
        assert_eq!(
            infos[0].gif_url.as_deref(),
            Some("http://h/bfs/emote/b.gif")
        );
        assert_eq!(infos[1].uri, "http://h/bfs/emote/a.png");
        assert_eq!(infos[1].url, infos[1].uri);
    }

    #[test]
    fn no_hit_is_an_empty_object() {
        assert_eq!(
            serde_json::to_string(&key_hit_infos("hello", &[])).unwrap(),
            "{}"
        );
    }
}
