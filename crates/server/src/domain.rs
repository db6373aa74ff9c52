//! Domain types that cannot hold an invalid value.

use std::fmt;

use serde::{Deserialize, Deserializer};
use sixin_api::account::{OfficialVerify, VipInput};

/// A user id. Never 0, and small enough to be stored as a signed 64-bit integer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Mid(u64);

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

    /// The value as SQLite stores it.
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

impl<'de> Deserialize<'de> for Mid {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // Forms and query strings carry numbers as text; JSON carries numbers.
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Number(u64),
            Text(String),
        }
        let mid = match Raw::deserialize(deserializer)? {
            Raw::Number(n) => Mid::new(n),
            Raw::Text(t) => Mid::parse(&t),
        };
        mid.ok_or_else(|| serde::de::Error::custom("invalid mid"))
    }
}

/// A user name: 1 to 32 characters, no control characters, not all digits
/// (so that a login name is never mistaken for a mid).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Uname(String);

impl Uname {
    pub const MAX_CHARS: usize = 32;

    pub fn parse(text: &str) -> Result<Uname, &'static str> {
        let text = text.trim();
        let chars = text.chars().count();
        if chars == 0 {
            return Err("uname is empty");
        }
        if chars > Self::MAX_CHARS {
            return Err("uname is longer than 32 characters");
        }
        if text.chars().any(char::is_control) {
            return Err("uname contains control characters");
        }
        if text.chars().all(|c| c.is_ascii_digit()) {
            return Err("uname cannot be all digits");
        }
        Ok(Uname(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A user's public profile, as the relation endpoints show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    pub mid: Mid,
    pub uname: String,
    /// `None` means the server's default avatar.
    pub face: Option<String>,
    pub sign: String,
    pub official_verify: OfficialVerify,
    pub vip: VipInput,
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
    }

    #[test]
    fn mids_deserialise_from_numbers_and_text() {
        let a: Mid = serde_json::from_str("12").unwrap();
        let b: Mid = serde_json::from_str("\"12\"").unwrap();
        assert_eq!(a, b);
        assert!(serde_json::from_str::<Mid>("0").is_err());
    }

    #[test]
    fn unames_are_trimmed_and_bounded() {
        assert_eq!(Uname::parse("  alice ").unwrap().as_str(), "alice");
        assert!(Uname::parse("").is_err());
        assert!(Uname::parse("12345").is_err());
        assert!(Uname::parse("a\nb").is_err());
        assert!(Uname::parse(&"字".repeat(32)).is_ok());
        assert!(Uname::parse(&"字".repeat(33)).is_err());
    }
}
