//! Message block words (消息屏蔽词): what a word may be, when one more may
//! be added, and which incoming messages a user's words hide.
//!
//! The documents give the limits and codes but not what happens to a
//! message containing a word; sixin hides it from the receiver (the word
//! "屏蔽" means keeping something out of one's sight). The sender is told
//! nothing: the send succeeds and the message stays in the sender's
//! history, but the receiver never sees it, is not notified and has
//! nothing unread (see `send::plan`). Words match the text of text
//! messages anywhere in it, ignoring case.

use sixin_api::message::{MAX_BLOCK_WORDS, MAX_BLOCK_WORD_CHARS};
use sixin_api::Code;

use crate::domain::Refusal;

/// A block word: 1 to [`MAX_BLOCK_WORD_CHARS`] characters, no whitespace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockWord(String);

impl BlockWord {
    /// Parses `content` of `add_block_word`: -400 when empty, 1900004 when
    /// too long, 1900007 when it holds whitespace.
    pub fn parse(content: &str) -> Result<BlockWord, Refusal> {
        if content.is_empty() {
            return Err(Refusal::bad_request("content must not be empty"));
        }
        if content.chars().count() > MAX_BLOCK_WORD_CHARS {
            return Err(Refusal::new(
                Code::BlockWordTooLong,
                format!("content has more than {MAX_BLOCK_WORD_CHARS} characters"),
            ));
        }
        if content.chars().any(char::is_whitespace) {
            return Err(Refusal::new(
                Code::BlockWordSpace,
                "content holds whitespace",
            ));
        }
        Ok(BlockWord(content.to_owned()))
    }

    /// A word as a backend stored it (it was parsed when added).
    pub fn stored(word: String) -> BlockWord {
        BlockWord(word)
    }

    /// The word as the user typed it.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// What identifies the word (see [`key_of`]).
    pub fn key(&self) -> String {
        key_of(&self.0)
    }
}

/// What identifies a word: words with the same key block the same messages
/// (they differ only in case), so a user has one of them, and removing any
/// spelling of it removes it.
pub fn key_of(word: &str) -> String {
    word.to_lowercase()
}

/// Decides whether `word` may join `existing` (a user's words): 1900006 when
/// it is there already (in any case), 1900005 when there are
/// [`MAX_BLOCK_WORDS`] already.
pub fn decide_add(word: &BlockWord, existing: &[BlockWord]) -> Result<(), Refusal> {
    let key = word.key();
    if existing.iter().any(|w| w.key() == key) {
        return Err(Code::BlockWordExists.into());
    }
    if existing.len() >= MAX_BLOCK_WORDS {
        return Err(Code::TooManyBlockWords.into());
    }
    Ok(())
}

/// Whether `words` hide a message whose text is `text`: one of them occurs
/// in it, ignoring case.
pub fn hides(text: &str, words: &[BlockWord]) -> bool {
    if words.is_empty() {
        return false;
    }
    let text = text.to_lowercase();
    words.iter().any(|w| text.contains(&w.key()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(s: &str) -> BlockWord {
        BlockWord::parse(s).unwrap()
    }

    #[test]
    fn words_are_short_and_without_spaces() {
        assert_eq!(word("屏蔽词").as_str(), "屏蔽词");
        assert_eq!(BlockWord::parse("").unwrap_err().code, Code::BadRequest);
        assert!(BlockWord::parse(&"长".repeat(20)).is_ok());
        assert_eq!(
            BlockWord::parse(&"长".repeat(21)).unwrap_err().code,
            Code::BlockWordTooLong
        );
        for spaced in ["a b", " a", "a\t", "全角\u{3000}空格"] {
            assert_eq!(
                BlockWord::parse(spaced).unwrap_err().code,
                Code::BlockWordSpace,
                "{spaced:?}"
            );
        }
    }

    #[test]
    fn a_word_is_added_once_and_up_to_the_limit() {
        let existing = vec![word("Spam")];
        assert_eq!(
            decide_add(&word("spam"), &existing).unwrap_err().code,
            Code::BlockWordExists
        );
        assert_eq!(decide_add(&word("ham"), &existing), Ok(()));
        let full: Vec<BlockWord> = (0..MAX_BLOCK_WORDS)
            .map(|i| word(&format!("w{i}")))
            .collect();
        assert_eq!(
            decide_add(&word("one-more"), &full).unwrap_err().code,
            Code::TooManyBlockWords
        );
        assert_eq!(
            decide_add(&word("w7"), &full).unwrap_err().code,
            Code::BlockWordExists,
            "a repeat is a repeat even when the list is full"
        );
    }

    #[test]
    fn words_hide_texts_that_contain_them_in_any_case() {
        let words = vec![word("广告"), word("FREE")];
        assert!(hides("这是广告哦", &words));
        assert!(hides("get it for free now", &words));
        assert!(!hides("正常消息", &words));
        assert!(!hides("fre e", &words));
        assert!(!hides("anything", &[]));
    }
}
