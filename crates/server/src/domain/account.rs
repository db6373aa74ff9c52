//! Accounts: names and profiles.

use sixin_api::account::{OfficialVerify, VipInput};
use sixin_api::Code;

use super::{Mid, Refusal};

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

/// A user's public profile.
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

/// Longest password accepted, in bytes (hashing cost grows with length).
pub const MAX_PASSWORD_BYTES: usize = 256;

/// An avatar address: empty (back to the default avatar), an http(s) URL or
/// a path on this server, at most 1024 bytes, no spaces.
pub fn check_face(face: &str) -> Result<(), &'static str> {
    let ok = face.is_empty()
        || ((face.starts_with("http://") || face.starts_with("https://") || face.starts_with('/'))
            && face.len() <= 1024
            && !face.chars().any(char::is_whitespace));
    ok.then_some(()).ok_or("face must be an http(s) URL")
}

/// A signature: at most 250 characters.
pub fn check_sign(sign: &str) -> Result<(), &'static str> {
    (sign.chars().count() <= 250)
        .then_some(())
        .ok_or("sign is longer than 250 characters")
}

/// Verification: type -1 none, 0 personal, 1 organisation; at most 100
/// characters of description.
pub fn check_official(ov: &OfficialVerify) -> Result<(), &'static str> {
    (matches!(ov.kind, -1..=1) && ov.desc.chars().count() <= 100)
        .then_some(())
        .ok_or("official_verify.type must be -1, 0 or 1")
}

/// Membership: type 0-2, status 0-1, a due date not before the epoch.
pub fn check_vip(vip: &VipInput) -> Result<(), &'static str> {
    (matches!(vip.vip_type, 0..=2) && matches!(vip.vip_status, 0..=1) && vip.vip_due_date >= 0)
        .then_some(())
        .ok_or("vip: vipType 0-2, vipStatus 0-1")
}

/// A password to set: 1 to [`MAX_PASSWORD_BYTES`] bytes.
pub fn check_password(password: &str) -> Result<(), &'static str> {
    (!password.is_empty() && password.len() <= MAX_PASSWORD_BYTES)
        .then_some(())
        .ok_or("password must be 1 to 256 bytes")
}

/// What creating a user needs to know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UserFacts {
    /// The mid asked for, if any, and whether it is taken.
    pub wanted: Option<(Mid, bool)>,
    pub name_taken: bool,
    /// The largest mid in use.
    pub largest: Option<Mid>,
}

/// The new user's mid: the one asked for, else the one after the largest.
/// -409 when the name or the mid is taken.
pub fn decide_new_user(facts: &UserFacts) -> Result<Mid, Refusal> {
    if facts.name_taken {
        return Err(Refusal::new(Code::Conflict, "uname taken"));
    }
    match facts.wanted {
        Some((_, true)) => Err(Refusal::new(Code::Conflict, "mid taken")),
        Some((mid, false)) => Ok(mid),
        None => Mid::new(facts.largest.map_or(0, Mid::get) + 1)
            .ok_or_else(|| Refusal::new(Code::ServerError, "no mid left to assign")),
    }
}

/// What changing a profile needs to know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProfileFacts {
    pub exists: bool,
    /// Whether another user has the new name (false when it is not changed).
    pub name_taken: bool,
}

/// 40061 for an unknown user, -409 when the new name is taken.
pub fn decide_profile_update(facts: &ProfileFacts) -> Result<(), Refusal> {
    if !facts.exists {
        return Err(Code::UserNotFound.into());
    }
    if facts.name_taken {
        return Err(Refusal::new(Code::Conflict, "uname taken"));
    }
    Ok(())
}

/// A login session can only be started for an existing user (40061).
pub fn decide_login(user_exists: &bool) -> Result<(), Refusal> {
    if *user_exists {
        Ok(())
    } else {
        Err(Code::UserNotFound.into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unames_are_trimmed_and_bounded() {
        assert_eq!(Uname::parse("  alice ").unwrap().as_str(), "alice");
        assert!(Uname::parse("").is_err());
        assert!(Uname::parse("12345").is_err());
        assert!(Uname::parse("a\nb").is_err());
        assert!(Uname::parse(&"字".repeat(32)).is_ok());
        assert!(Uname::parse(&"字".repeat(33)).is_err());
    }

    #[test]
    fn new_users_get_the_mid_they_ask_for_or_the_next_one() {
        let mid = |n| Mid::new(n).unwrap();
        let free = UserFacts {
            wanted: None,
            name_taken: false,
            largest: Some(mid(41)),
        };
        assert_eq!(decide_new_user(&free), Ok(mid(42)));
        let first = UserFacts {
            largest: None,
            ..free
        };
        assert_eq!(decide_new_user(&first), Ok(mid(1)));
        let wanted = UserFacts {
            wanted: Some((mid(7), false)),
            ..free
        };
        assert_eq!(decide_new_user(&wanted), Ok(mid(7)));
        let taken = UserFacts {
            wanted: Some((mid(7), true)),
            ..free
        };
        assert_eq!(decide_new_user(&taken).unwrap_err().code, Code::Conflict);
        let named = UserFacts {
            name_taken: true,
            ..free
        };
        assert_eq!(decide_new_user(&named).unwrap_err().code, Code::Conflict);
        let full = UserFacts {
            largest: Some(mid(Mid::MAX)),
            ..free
        };
        assert_eq!(decide_new_user(&full).unwrap_err().code, Code::ServerError);
    }

    #[test]
    fn profile_fields_are_bounded() {
        assert!(check_face("").is_ok());
        assert!(check_face("/bfs/face/x.png").is_ok());
        assert!(check_face("ftp://x").is_err());
        assert!(check_face("https://x/a b").is_err());
        assert!(check_sign(&"s".repeat(250)).is_ok());
        assert!(check_sign(&"s".repeat(251)).is_err());
        assert!(check_password("").is_err());
        assert!(check_password(&"p".repeat(257)).is_err());
    }
}
