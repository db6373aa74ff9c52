//! Identifiers that cannot hold an invalid value.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A user id. Never 0, and small enough to be stored as a signed 64-bit integer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u64", into = "u64")]
pub struct Mid(u64);

impl TryFrom<u64> for Mid {
    type Error = String;

    fn try_from(value: u64) -> Result<Mid, String> {
        Mid::new(value).ok_or_else(|| format!("{value} is not a mid"))
    }
}

impl From<Mid> for u64 {
    fn from(mid: Mid) -> u64 {
        mid.0
    }
}

impl Mid {
    /// The largest mid sixin stores.
    pub const MAX: u64 = i64::MAX as u64;

    /// `None` for 0 or values beyond [`Mid::MAX`].
    pub fn new(value: u64) -> Option<Mid> {
        (value != 0 && value <= Self::MAX).then_some(Mid(value))
    }

    /// Parses the decimal text clients send.
    pub fn parse(text: &str) -> Option<Mid> {
        text.trim().parse().ok().and_then(Mid::new)
    }

    pub fn get(self) -> u64 {
        self.0
    }

    /// The value as a signed 64-bit database integer.
    pub fn as_i64(self) -> i64 {
        self.0 as i64
    }

    /// Reads a stored value back; stored values were valid when written.
    pub fn from_i64(value: i64) -> Mid {
        Mid(value as u64)
    }
}

impl fmt::Display for Mid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A message's key: unique across the server and increasing in time. Its
/// values exceed 2^53, as Bilibili's do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct MsgKey(pub u64);

impl MsgKey {
    pub fn get(self) -> u64 {
        self.0
    }
}

impl fmt::Display for MsgKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A message's position in its conversation: 1, 2, 3, ... without gaps,
/// the same for both sides. 0 means "before the first message".
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Seqno(pub u64);

impl Seqno {
    pub const ZERO: Seqno = Seqno(0);

    pub fn get(self) -> u64 {
        self.0
    }

    /// The position after this one.
    pub fn next(self) -> Seqno {
        Seqno(self.0 + 1)
    }
}

/// A follow group's id: [`TagId::SPECIAL`], [`TagId::DEFAULT`], or one a user made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TagId(pub i64);

impl TagId {
    /// The special group (特别关注).
    pub const SPECIAL: TagId = TagId(sixin_api::relation::SPECIAL_TAG);
    /// The default group (默认分组): a follow in no other group.
    pub const DEFAULT: TagId = TagId(sixin_api::relation::DEFAULT_TAG);
    /// Not a group: "every follow" when listing members.
    pub const ALL: TagId = TagId(sixin_api::relation::ALL_TAG);

    pub fn get(self) -> i64 {
        self.0
    }

    /// Whether this is a group a user made (not special, default or all).
    pub fn is_user_made(self) -> bool {
        !matches!(self, TagId::SPECIAL | TagId::DEFAULT | TagId::ALL)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mids_are_positive_and_fit_in_i64() {
        assert_eq!(Mid::parse("42").map(Mid::get), Some(42));
        assert_eq!(Mid::parse(" 7 ").map(Mid::get), Some(7));
        assert_eq!(Mid::parse("0"), None);
        assert_eq!(Mid::parse("-3"), None);
        assert_eq!(Mid::parse("abc"), None);
        assert_eq!(Mid::parse("9223372036854775808"), None);
        assert!(Mid::parse("9223372036854775807").is_some());
        assert_eq!(Mid::new(0), None);
    }

    #[test]
    fn only_user_made_groups_are_user_made() {
        assert!(!TagId::SPECIAL.is_user_made());
        assert!(!TagId::DEFAULT.is_user_made());
        assert!(!TagId::ALL.is_user_made());
        assert!(TagId(207542).is_user_made());
    }
}
