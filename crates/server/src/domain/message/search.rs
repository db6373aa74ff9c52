//! Searching one's own conversations: what a search text may be, and which
//! session a message found belongs to, seen from the searcher's side.

use crate::domain::group::GroupId;
use crate::domain::message::session::Talker;
use crate::domain::message::Message;
use crate::domain::{Mid, Refusal};

/// Longest search text, in characters.
pub const MAX_CHARS: usize = 64;
/// Shortest text a trigram index finds by itself; shorter ones are looked
/// for by reading the searcher's messages.
pub const INDEXED_CHARS: usize = 3;

/// A text to look for: trimmed, 1 to [`MAX_CHARS`] characters, no
/// control characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchText(String);

impl SearchText {
    pub fn parse(text: &str) -> Result<SearchText, Refusal> {
        let text = text.trim();
        let chars = text.chars().count();
        if chars == 0 {
            return Err(Refusal::bad_request("keyword must not be empty"));
        }
        if chars > MAX_CHARS {
            return Err(Refusal::bad_request(format!(
                "keyword must be at most {MAX_CHARS} characters"
            )));
        }
        if text.chars().any(char::is_control) {
            return Err(Refusal::bad_request("keyword contains control characters"));
        }
        Ok(SearchText(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether a trigram index can find it by itself.
    pub fn indexable(&self) -> bool {
        self.0.chars().count() >= INDEXED_CHARS
    }

    /// A `LIKE` pattern matching any text that contains it, with `\` as
    /// the escape character.
    pub fn like_pattern(&self) -> String {
        let mut pattern = String::with_capacity(self.0.len() + 2);
        pattern.push('%');
        for c in self.0.chars() {
            if matches!(c, '%' | '_' | '\\') {
                pattern.push('\\');
            }
            pattern.push(c);
        }
        pattern.push('%');
        pattern
    }

    /// An FTS5 query matching the text as one phrase (its quotes doubled).
    pub fn fts_phrase(&self) -> String {
        format!("\"{}\"", self.0.replace('"', "\"\""))
    }
}

/// The session of `owner`'s that `message` is in: its fan group, or the
/// other side of a conversation between two users.
pub fn session_of(owner: Mid, message: &Message) -> Option<Talker> {
    if message.receiver_type == 2 {
        return GroupId::new(message.receiver_id).map(Talker::Group);
    }
    let other = if message.sender_uid == owner.get() {
        message.receiver_id
    } else {
        message.sender_uid
    };
    Mid::new(other).map(Talker::User)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{MsgKey, Seqno};

    #[test]
    fn search_texts_are_trimmed_and_bounded() {
        assert_eq!(SearchText::parse("  你好 ").unwrap().as_str(), "你好");
        assert!(SearchText::parse("   ").is_err());
        assert!(SearchText::parse(&"字".repeat(MAX_CHARS)).is_ok());
        assert!(SearchText::parse(&"字".repeat(MAX_CHARS + 1)).is_err());
        assert!(SearchText::parse("a\u{0}b").is_err());
    }

    #[test]
    fn short_texts_are_not_left_to_the_index() {
        assert!(!SearchText::parse("你好").unwrap().indexable());
        assert!(SearchText::parse("你好吗").unwrap().indexable());
    }

    #[test]
    fn patterns_take_the_text_literally() {
        let text = SearchText::parse(r#"50%_a\"b"#).unwrap();
        assert_eq!(text.like_pattern(), r#"%50\%\_a\\"b%"#);
        assert_eq!(text.fts_phrase(), r#""50%_a\""b""#);
    }

    fn message(from: u64, receiver_type: i64, to: u64) -> Message {
        Message {
            sender_uid: from,
            receiver_type,
            receiver_id: to,
            msg_type: 1,
            content: r#"{"content":"hi"}"#.into(),
            seqno: Seqno(1),
            ts_us: 0,
            at_uids: None,
            msg_key: MsgKey(1),
            msg_status: 0,
            notify_code: String::new(),
            new_face_version: None,
            msg_source: 0,
        }
    }

    #[test]
    fn a_message_found_is_in_the_session_with_the_other_side_or_its_group() {
        let me = Mid::new(1).unwrap();
        assert_eq!(
            session_of(me, &message(1, 1, 2)),
            Some(Talker::User(Mid::new(2).unwrap()))
        );
        assert_eq!(
            session_of(me, &message(2, 1, 1)),
            Some(Talker::User(Mid::new(2).unwrap()))
        );
        assert_eq!(
            session_of(me, &message(3, 2, 40)),
            Some(Talker::Group(GroupId::new(40).unwrap()))
        );
    }
}
