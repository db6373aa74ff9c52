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

/// Whether an account can be used.
///
/// - A **disabled** account cannot log in (-102 账号被封停, once the
///   password is right) and its sessions are ended; everyone else sees it
///   as before (profile, lists, messages to it are kept for when it is
///   enabled again).
/// - A **deleted** account is gone for good: its sessions are ended, its
///   password, profile and name are forgotten (the name is free again),
///   and it shows as [`DELETED_NAME`] with the default avatar wherever it
///   is listed. Its relations stay, shown that way; following or blocking
///   it is 22013 (账号已注销，无法完成操作), as is sending it a message; the
///   messages it exchanged stay in the other side's history.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum AccountState {
    #[default]
    Active,
    Disabled,
    Deleted,
}

impl AccountState {
    /// The stored number.
    pub fn code(self) -> i64 {
        match self {
            AccountState::Active => 0,
            AccountState::Disabled => 1,
            AccountState::Deleted => 2,
        }
    }

    /// The state stored as `code` (anything unknown counts as disabled).
    pub fn from_code(code: i64) -> AccountState {
        match code {
            0 => AccountState::Active,
            2 => AccountState::Deleted,
            _ => AccountState::Disabled,
        }
    }

    /// How the admin API and the CLI name it.
    pub fn as_str(self) -> &'static str {
        match self {
            AccountState::Active => "active",
            AccountState::Disabled => "disabled",
            AccountState::Deleted => "deleted",
        }
    }
}

/// The name a deleted account is shown with (what Bilibili shows).
pub const DELETED_NAME: &str = "账号已注销";

/// The name a deleted account keeps in the store: it frees the real one
/// and, starting with a control character, can never be a [`Uname`].
pub fn deleted_uname(mid: Mid) -> String {
    format!("\u{7f}deleted:{mid}")
}

/// Whether a stored name is one [`deleted_uname`] made.
pub fn is_deleted_uname(uname: &str) -> bool {
    uname.starts_with('\u{7f}')
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
    pub state: AccountState,
}

impl Profile {
    /// The profile as others are shown it: a deleted account has the
    /// deleted name, the default avatar and nothing else.
    pub fn shown(self) -> Profile {
        if self.state != AccountState::Deleted {
            return self;
        }
        Profile {
            mid: self.mid,
            uname: DELETED_NAME.to_owned(),
            face: None,
            sign: String::new(),
            official_verify: OfficialVerify::default(),
            vip: VipInput::default(),
            state: AccountState::Deleted,
        }
    }
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

/// A login session can only be started for an existing, enabled user:
/// 40061 for no user or a deleted one, -102 for a disabled one.
pub fn decide_login(user: &Option<AccountState>) -> Result<(), Refusal> {
    match user {
        Some(AccountState::Active) => Ok(()),
        Some(AccountState::Disabled) => Err(Code::AccountDisabled.into()),
        Some(AccountState::Deleted) | None => Err(Code::UserNotFound.into()),
    }
}

/// A change of an account's state: 40061 for no user; a deleted account
/// stays deleted (40061 for any further change).
pub fn decide_state_change(current: &Option<AccountState>) -> Result<(), Refusal> {
    match current {
        Some(AccountState::Active | AccountState::Disabled) => Ok(()),
        Some(AccountState::Deleted) => Err(Refusal::new(Code::UserNotFound, "account deleted")),
        None => Err(Code::UserNotFound.into()),
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
