//! Automatic replies (`/x/im/auto_reply`): the texts a user sets, their
//! limits, and when one is sent.
//!
//! Where the documents are silent, sixin decides:
//! - A user has at most one text of each of kinds 1 (被关注回复), 3
//!   (收到消息回复) and 5 (大航海上船回复; sixin has no guards, so it is
//!   kept and never sent), and up to [`MAX_KEYWORD_RULES`] keyword rules
//!   (kind 2). Setting a text of kind 1, 3 or 5 replaces the one there is.
//! - Keywords are separated by full-width commas (as documented); a
//!   message matches an exact keyword (`key1`) when its whole text, trimmed,
//!   is the keyword, and a fuzzy one (`key2`) when it contains it. Of the
//!   rules that match, the newest answers.
//! - Only what a user typed (sources 0–4 and 7) is answered, never an
//!   automatic message: two users whose automatic replies would answer
//!   each other exchange one reply each and stop. A received-message reply
//!   (kind 3) is sent once until its sender writes in the conversation
//!   again themselves; a keyword reply answers every message that matches.
//! - Turning a reply on needs [`MIN_FANS`] followers (700009 权限不足), as
//!   the documents say; turning it off never does.

use sixin_api::message::{msg_source, msg_type};
use sixin_api::Code;

use super::settings::{MessageSettings, SettingsChange};
use crate::domain::{Mid, Refusal};

/// 被关注回复.
pub const FOLLOWED: i64 = 1;
/// 关键词回复.
pub const KEYWORD: i64 = 2;
/// 收到消息回复.
pub const RECEIVED: i64 = 3;
/// 大航海上船回复.
pub const VOYAGE: i64 = 5;

/// Longest reply, in characters (1500001 beyond).
pub const MAX_REPLY_CHARS: usize = 500;
/// Longest keyword rule name, in characters.
pub const MAX_TITLE_CHARS: usize = 30;
/// Most keywords in `key1`, and in `key2`.
pub const MAX_KEYWORDS: usize = 20;
/// Most keyword rules one user may have (1500002 beyond).
pub const MAX_KEYWORD_RULES: usize = 20;
/// Followers needed to turn automatic replies on.
pub const MIN_FANS: u64 = 1000;

/// The settings that turn automatic replies on.
pub const SWITCHES: [&str; 5] = [
    "followed_reply",
    "keys_reply",
    "recv_reply",
    "voyage_reply",
    "recommend_followed_reply",
];

/// An automatic reply as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AutoReply {
    pub id: u64,
    pub mid: Mid,
    /// 1, 2, 3 or 5.
    pub kind: i64,
    /// The keyword rule's name; empty for other kinds.
    pub title: String,
    /// Exact keywords, separated by `，`; empty for other kinds.
    pub key1: String,
    /// Fuzzy keywords, separated by `，`; empty for other kinds.
    pub key2: String,
    pub reply: String,
}

/// An automatic reply to write: `id` `None` for a new one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplyWrite {
    pub id: Option<u64>,
    pub kind: i64,
    pub title: String,
    pub key1: String,
    pub key2: String,
    pub reply: String,
}

/// A documented kind (27011 otherwise).
pub fn check_kind(kind: i64) -> Result<(), Refusal> {
    match kind {
        FOLLOWED | KEYWORD | RECEIVED | VOYAGE => Ok(()),
        _ => Err(Refusal::new(Code::ReplyParams, format!("type {kind}"))),
    }
}

/// The keywords of `key1` or `key2`.
pub fn keywords(keys: &str) -> Vec<&str> {
    keys.split('，')
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .collect()
}

/// Decides what `set_reply_text` writes, given the user's replies: 27011
/// for missing or malformed parameters (and an `id` that is not one of the
/// user's keyword rules), 1500001 for a reply too long, 1500002 for one
/// keyword rule too many.
pub fn plan_set(asked: &ReplyWrite, own: &[AutoReply]) -> Result<ReplyWrite, Refusal> {
    check_kind(asked.kind)?;
    let params = |why: &'static str| Refusal::new(Code::ReplyParams, why);
    if asked.reply.trim().is_empty() {
        return Err(params("reply is empty"));
    }
    if asked.reply.chars().count() > MAX_REPLY_CHARS {
        return Err(Code::ReplyTooLong.into());
    }
    if asked.kind != KEYWORD {
        let existing = own.iter().find(|r| r.kind == asked.kind).map(|r| r.id);
        return Ok(ReplyWrite {
            id: existing,
            kind: asked.kind,
            title: String::new(),
            key1: String::new(),
            key2: String::new(),
            reply: asked.reply.clone(),
        });
    }
    let title = asked.title.trim();
    if title.is_empty() || title.chars().count() > MAX_TITLE_CHARS {
        return Err(params("title must be 1 to 30 characters"));
    }
    let (exact, fuzzy) = (keywords(&asked.key1), keywords(&asked.key2));
    if exact.is_empty() && fuzzy.is_empty() {
        return Err(params("key1 or key2 is required"));
    }
    if exact.len() > MAX_KEYWORDS || fuzzy.len() > MAX_KEYWORDS {
        return Err(params("at most 20 keywords each"));
    }
    let rules = own.iter().filter(|r| r.kind == KEYWORD);
    match asked.id {
        Some(id) if !rules.clone().any(|r| r.id == id) => {
            return Err(params("id is not one of your keyword rules"))
        }
        None if rules.count() >= MAX_KEYWORD_RULES => return Err(Code::TooManyReplyRules.into()),
        _ => {}
    }
    Ok(ReplyWrite {
        id: asked.id,
        kind: KEYWORD,
        title: title.to_owned(),
        key1: exact.join("，"),
        key2: fuzzy.join("，"),
        reply: asked.reply.clone(),
    })
}

/// Decides a deletion: the rule with that id, if any, must be the user's
/// (1003). Whether there is one to delete.
pub fn plan_delete(mid: Mid, rule: Option<&AutoReply>) -> Result<bool, Refusal> {
    match rule {
        Some(r) if r.mid != mid => Err(Code::NotYourRule.into()),
        Some(_) => Ok(true),
        None => Ok(false),
    }
}

/// Whether a message was typed by a user (and so may be answered).
pub fn typed_by_user(source: i64) -> bool {
    matches!(
        source,
        msg_source::UNKNOWN
            | msg_source::IOS
            | msg_source::ANDROID
            | msg_source::H5
            | msg_source::PC_CLIENT
            | msg_source::WEB
    )
}

/// The reply to a message a user typed: a keyword rule's (`msg_source`
/// 10) when keyword replies are on and one matches the text, else the
/// received-message text (9) when those are on and the receiver has not
/// already answered automatically since they last wrote
/// (`replied_since_own`). `text` is `None` for a message that is not text.
pub fn reply_to_message(
    settings: &MessageSettings,
    replies: &[AutoReply],
    kind: i64,
    text: Option<&str>,
    replied_since_own: bool,
) -> Option<(String, i64)> {
    if matches!(
        kind,
        msg_type::RECALL | msg_type::SYSTEM_RECALL | msg_type::SYSTEM_TIP
    ) {
        return None;
    }
    if let (true, Some(text)) = (settings.get("keys_reply") == 1, text) {
        let hit = replies
            .iter()
            .filter(|r| r.kind == KEYWORD && matches(r, text))
            .max_by_key(|r| r.id);
        if let Some(rule) = hit {
            return Some((rule.reply.clone(), msg_source::REPLY_KEYWORD));
        }
    }
    if settings.get("recv_reply") == 1 && !replied_since_own {
        return replies
            .iter()
            .find(|r| r.kind == RECEIVED)
            .map(|r| (r.reply.clone(), msg_source::REPLY_RECEIVED));
    }
    None
}

/// The reply to a new follower (`msg_source` 8), when those are on.
pub fn reply_to_follow(settings: &MessageSettings, replies: &[AutoReply]) -> Option<(String, i64)> {
    if settings.get("followed_reply") != 1 {
        return None;
    }
    replies
        .iter()
        .find(|r| r.kind == FOLLOWED)
        .map(|r| (r.reply.clone(), msg_source::REPLY_FOLLOWED))
}

fn matches(rule: &AutoReply, text: &str) -> bool {
    let text = text.trim();
    keywords(&rule.key1).contains(&text) || keywords(&rule.key2).iter().any(|k| text.contains(k))
}

/// Turning an automatic reply on needs [`MIN_FANS`] followers (700009).
pub fn check_switches(change: &SettingsChange, followers: u64) -> Result<(), Refusal> {
    let turns_on = SWITCHES.iter().any(|name| change.value_of(name) == Some(1));
    if turns_on && followers < MIN_FANS {
        return Err(Refusal::new(
            Code::NoPermission,
            "automatic replies need 1000 fans",
        ));
    }
    Ok(())
}

/// Whether any reply of these settings is on.
pub fn any_on(settings: &MessageSettings) -> bool {
    ["followed_reply", "keys_reply", "recv_reply"]
        .iter()
        .any(|name| settings.get(name) == 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mid(n: u64) -> Mid {
        Mid::new(n).unwrap()
    }

    fn rule(id: u64, kind: i64, key1: &str, key2: &str, reply: &str) -> AutoReply {
        AutoReply {
            id,
            mid: mid(1),
            kind,
            title: if kind == KEYWORD {
                "t".into()
            } else {
                String::new()
            },
            key1: key1.into(),
            key2: key2.into(),
            reply: reply.into(),
        }
    }

    fn write(id: Option<u64>, kind: i64, key1: &str, key2: &str, reply: &str) -> ReplyWrite {
        ReplyWrite {
            id,
            kind,
            title: "谢谢".into(),
            key1: key1.into(),
            key2: key2.into(),
            reply: reply.into(),
        }
    }

    fn on(names: &[&str]) -> MessageSettings {
        let change =
            SettingsChange::parse(names.iter().map(|n| (*n, "1")).collect::<Vec<_>>()).unwrap();
        change.apply(&MessageSettings::default())
    }

    #[test]
    fn texts_of_kinds_1_3_5_replace_and_keyword_rules_are_bounded() {
        let own = vec![rule(7, RECEIVED, "", "", "old")];
        let next = plan_set(&write(None, RECEIVED, "x", "", "new"), &own).unwrap();
        assert_eq!(
            (next.id, next.key1.as_str(), next.title.as_str()),
            (Some(7), "", "")
        );
        let rule_ = plan_set(&write(None, KEYWORD, " 谢谢，Thank you ，", "", "r"), &own).unwrap();
        assert_eq!(rule_.key1, "谢谢，Thank you");
        let code = |w: ReplyWrite, own: &[AutoReply]| plan_set(&w, own).unwrap_err().code;
        assert_eq!(code(write(None, 4, "a", "", "r"), &own), Code::ReplyParams);
        assert_eq!(
            code(write(None, KEYWORD, "", "", "r"), &own),
            Code::ReplyParams
        );
        assert_eq!(
            code(write(None, KEYWORD, "a", "", " "), &own),
            Code::ReplyParams
        );
        assert_eq!(
            code(write(Some(7), KEYWORD, "a", "", "r"), &own),
            Code::ReplyParams
        );
        assert_eq!(
            code(write(None, RECEIVED, "", "", &"字".repeat(501)), &own),
            Code::ReplyTooLong
        );
        assert!(plan_set(&write(None, RECEIVED, "", "", &"字".repeat(500)), &own).is_ok());
        let many = "k，".repeat(21);
        assert_eq!(
            code(write(None, KEYWORD, &many, "", "r"), &own),
            Code::ReplyParams
        );
        let full: Vec<AutoReply> = (1..=20).map(|i| rule(i, KEYWORD, "a", "", "r")).collect();
        assert_eq!(
            code(write(None, KEYWORD, "a", "", "r"), &full),
            Code::TooManyReplyRules
        );
        assert!(plan_set(&write(Some(3), KEYWORD, "b", "", "r"), &full).is_ok());
        let untitled = ReplyWrite {
            title: " ".into(),
            ..write(None, KEYWORD, "a", "", "r")
        };
        assert_eq!(code(untitled, &own), Code::ReplyParams);
    }

    #[test]
    fn turning_replies_on_needs_a_thousand_fans() {
        let on_ = SettingsChange::parse([("recv_reply", "1")]).unwrap();
        assert_eq!(
            check_switches(&on_, 999).unwrap_err().code,
            Code::NoPermission
        );
        assert!(check_switches(&on_, 1000).is_ok());
        let off = SettingsChange::parse([("recv_reply", "0"), ("set_like", "5")]).unwrap();
        assert!(check_switches(&off, 0).is_ok());
    }

    #[test]
    fn only_ones_own_rules_are_deleted() {
        let theirs = AutoReply {
            mid: mid(2),
            ..rule(1, KEYWORD, "a", "", "r")
        };
        assert_eq!(
            plan_delete(mid(1), Some(&theirs)).unwrap_err().code,
            Code::NotYourRule
        );
        assert_eq!(plan_delete(mid(2), Some(&theirs)), Ok(true));
        assert_eq!(plan_delete(mid(1), None), Ok(false));
    }

    #[test]
    fn keywords_win_over_the_received_reply_and_automatic_messages_are_never_answered() {
        let replies = vec![
            rule(1, KEYWORD, "哭", "", "我是不会哭的"),
            rule(2, KEYWORD, "", "哭", "别哭了"),
            rule(3, KEYWORD, "谢谢，Thank you", "感谢", "不用谢"),
            rule(4, RECEIVED, "", "", "稍后回复"),
            rule(5, FOLLOWED, "", "", "感谢关注"),
        ];
        let all = on(&["keys_reply", "recv_reply", "followed_reply"]);
        let reply =
            |text: Option<&str>, replied| reply_to_message(&all, &replies, 1, text, replied);
        assert_eq!(
            reply(Some("哭"), false),
            Some(("别哭了".into(), 10)),
            "the newest match"
        );
        assert_eq!(reply(Some("我想哭"), false), Some(("别哭了".into(), 10)));
        assert_eq!(
            reply(Some(" Thank you "), false),
            Some(("不用谢".into(), 10))
        );
        assert_eq!(
            reply(Some("非常感谢你"), false),
            Some(("不用谢".into(), 10))
        );
        assert_eq!(
            reply(Some("Thank you!"), false),
            Some(("稍后回复".into(), 9))
        );
        assert_eq!(
            reply(Some("在吗"), true),
            None,
            "once until the receiver writes"
        );
        assert_eq!(reply(None, false), Some(("稍后回复".into(), 9)), "an image");
        assert_eq!(reply_to_message(&all, &replies, 5, Some("1"), false), None);
        // Nor the system's recall of a withdrawn message, nor its tips.
        assert_eq!(reply_to_message(&all, &replies, 8, None, false), None);
        assert_eq!(reply_to_message(&all, &replies, 18, None, false), None);
        let keys_only = on(&["keys_reply"]);
        assert_eq!(
            reply_to_message(&keys_only, &replies, 1, Some("在吗"), false),
            None
        );
        assert_eq!(
            reply_to_follow(&all, &replies),
            Some(("感谢关注".into(), 8))
        );
        assert_eq!(reply_to_follow(&keys_only, &replies), None);
        assert!(any_on(&keys_only) && !any_on(&MessageSettings::default()));
        for source in [0, 1, 2, 3, 4, 7] {
            assert!(typed_by_user(source));
        }
        for source in [5, 6, 8, 9, 10, 11, 12, 13, 16, 17, 18, 19] {
            assert!(!typed_by_user(source), "{source}");
        }
    }
}
