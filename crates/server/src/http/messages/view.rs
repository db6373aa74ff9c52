//! Messages and sessions as the wire shows them.

use sixin_api::message::{EInfo, KeyHitInfos, Message as WireMessage, Session, SessionList};

use crate::domain::message::emote::{emotes_in, keyword_hit, Emote, KeywordRule};
use crate::domain::message::Message;
use crate::domain::relation::follows;
use crate::store::messages::SessionRecord;

pub fn message(m: Message) -> WireMessage {
    WireMessage {
        sender_uid: m.sender_uid,
        receiver_type: m.receiver_type,
        receiver_id: m.receiver_id,
        msg_type: m.msg_type,
        content: m.content,
        msg_seqno: m.seqno.get(),
        timestamp: m.ts_us / 1_000_000,
        at_uids: m.at_uids,
        msg_key: m.msg_key.get(),
        msg_status: m.msg_status,
        sys_cancel: None,
        notify_code: m.notify_code,
        new_face_version: m.new_face_version,
        msg_source: m.msg_source,
    }
}

pub fn session(s: SessionRecord) -> Session {
    let user = s.session_type == 1;
    let is_follow = follows(s.owner_to_talker);
    Session {
        talker_id: s.talker_id,
        session_type: s.session_type,
        at_seqno: 0,
        top_ts: s.state.top_ts,
        group_name: String::new(),
        group_cover: String::new(),
        is_follow: i64::from(user && is_follow),
        is_dnd: i64::from(s.state.is_dnd),
        ack_seqno: s.state.ack_seqno.get(),
        ack_ts: s.state.ack_ts,
        session_ts: s.session_ts,
        unread_count: s.state.unread_count,
        last_msg: s.last_msg.map(message),
        group_type: 0,
        can_fold: i64::from(user && !is_follow),
        status: 0,
        max_seqno: s.state.last_seqno.get(),
        new_push_msg: 0,
        setting: s.state.push_setting,
        is_guardian: 0,
        is_intercept: i64::from(s.state.is_intercept),
        is_trust: i64::from(s.state.is_trust),
        system_msg_type: 0,
        account_info: None,
        live_status: 0,
        biz_msg_unread_count: 0,
        user_label: None,
    }
}

/// `data` of a session list: `session_list` is `null` when empty.
pub fn session_list(sessions: Vec<SessionRecord>, has_more: bool, show_level: bool) -> SessionList {
    SessionList {
        session_list: (!sessions.is_empty()).then(|| sessions.into_iter().map(session).collect()),
        has_more: i64::from(has_more),
        anti_disturb_cleaning: false,
        is_address_list_empty: 0,
        system_msg: None,
        show_level,
    }
}

/// The catalogue entries of the emoji in `texts`, with addresses made
/// absolute against `public_url`.
pub fn e_infos<'t>(
    texts: impl IntoIterator<Item = &'t str>,
    catalogue: &[Emote],
    public_url: &str,
) -> Vec<EInfo> {
    let absolute = |u: &str| {
        if u.starts_with('/') {
            format!("{public_url}{u}")
        } else {
            u.to_owned()
        }
    };
    emotes_in(texts, catalogue)
        .into_iter()
        .map(|emote| {
            let uri = absolute(&emote.uri);
            EInfo {
                text: emote.text.clone(),
                url: uri.clone(),
                uri,
                size: emote.size,
                gif_url: emote.gif_url.as_deref().map(absolute),
            }
        })
        .collect()
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
