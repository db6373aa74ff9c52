//! Rules of relation lists beyond paging: how far one may page through
//! someone's fans (`fans`) and the cursor that pages them, which followers
//! count as new (`followers/unread/count`), and how a follow list is
//! searched by name (`followings/search`).
//!
//! Where the documents are silent, sixin decides (also in the README):
//! - Fans are ordered newest follow first (`mtime`, refreshed when a follow
//!   becomes mutual), ties by the larger mid first; that order is what
//!   `offset` (`{mtime}:{mid}` of the last fan shown) continues.
//! - "Looking at one's followers" means calling `followers/unread/count`
//!   (the document says it resets the state) or reading the first page of
//!   one's own `followers` or `fans`. A follower is new when their follow
//!   was made after that; following back an old fan makes nobody new.

use super::account::is_deleted_uname;
use super::Mid;

/// How many of one's own fans `fans` lists; later pages are empty.
pub const OWN_FANS_WINDOW: u64 = 1000;
/// How many of someone else's fans `fans` lists; later pages are empty.
pub const OTHERS_FANS_WINDOW: u64 = 100;

/// The fans `fans` may list: the newest [`OWN_FANS_WINDOW`] of one's own,
/// the newest [`OTHERS_FANS_WINDOW`] of anyone else's (visitors included).
pub fn fans_window(viewer: Option<Mid>, owner: Mid) -> u64 {
    if viewer == Some(owner) {
        OWN_FANS_WINDOW
    } else {
        OTHERS_FANS_WINDOW
    }
}

/// A position in a fans list: the fan shown last.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FanCursor {
    /// When they followed (unix seconds).
    pub mtime: i64,
    pub mid: Mid,
}

impl FanCursor {
    /// Reads `offset` (`{mtime}:{mid}`). Anything else, `rcmd` (the
    /// recommended order's marker) included, is no cursor: the document
    /// has such an offset ignored and `pn` used.
    pub fn parse(offset: &str) -> Option<FanCursor> {
        let (mtime, mid) = offset.trim().split_once(':')?;
        Some(FanCursor {
            mtime: mtime.trim().parse().ok()?,
            mid: Mid::new(mid.trim().parse().ok()?)?,
        })
    }

    /// The `offset` text of this position.
    pub fn text(self) -> String {
        format!("{}:{}", self.mtime, self.mid.get())
    }
}

/// Whether reading a page of one's followers or fans counts as looking at
/// them (the first page of one's own list, not a page reached by cursor).
pub fn looks_at_followers(viewer: Option<Mid>, owner: Mid, first_page: bool) -> bool {
    viewer == Some(owner) && first_page
}

/// `time` of `followers/unread/count`: when the list was last looked at,
/// 0 when no follower is new since (as the document says) or it never was.
pub fn unread_followers_time(count: u64, seen_at: i64) -> i64 {
    if count == 0 {
        0
    } else {
        seen_at
    }
}

/// A search of a follow list by name: the keyword anywhere in the name,
/// ignoring case; no keyword (or one of spaces) finds everyone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NameSearch {
    needle: String,
}

impl NameSearch {
    pub fn new(keyword: Option<&str>) -> NameSearch {
        NameSearch {
            needle: keyword.unwrap_or_default().trim().to_lowercase(),
        }
    }

    /// Whether `uname` (as stored) is found. A deleted account's stored
    /// name is nobody's: only a search for everyone finds it.
    pub fn matches(&self, uname: &str) -> bool {
        self.needle.is_empty()
            || (!is_deleted_uname(uname) && uname.to_lowercase().contains(&self.needle))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_deleted_accounts_stored_name_is_found_by_no_search() {
        let stored = crate::domain::account::deleted_uname(Mid::new(7).unwrap());
        assert!(NameSearch::new(None).matches(&stored));
        assert!(!NameSearch::new(Some("deleted")).matches(&stored));
        assert!(!NameSearch::new(Some("7")).matches(&stored));
        assert!(NameSearch::new(Some("Li")).matches("alice"));
    }

    fn mid(n: u64) -> Mid {
        Mid::new(n).unwrap()
    }

    #[test]
    fn one_pages_further_through_ones_own_fans() {
        assert_eq!(fans_window(Some(mid(1)), mid(1)), 1000);
        assert_eq!(fans_window(Some(mid(2)), mid(1)), 100);
        assert_eq!(fans_window(None, mid(1)), 100);
    }

    #[test]
    fn cursors_read_what_they_write_and_ignore_the_rest() {
        let cursor = FanCursor {
            mtime: 1746098997,
            mid: mid(3494375621396821),
        };
        assert_eq!(cursor.text(), "1746098997:3494375621396821");
        assert_eq!(FanCursor::parse(&cursor.text()), Some(cursor));
        for ignored in ["", "rcmd", "1:0", "x:1", "1:x", "1", "1:2:3"] {
            assert_eq!(FanCursor::parse(ignored), None, "{ignored:?}");
        }
    }

    #[test]
    fn only_the_owners_first_page_is_a_look() {
        assert!(looks_at_followers(Some(mid(1)), mid(1), true));
        assert!(!looks_at_followers(Some(mid(1)), mid(1), false));
        assert!(!looks_at_followers(Some(mid(2)), mid(1), true));
        assert!(!looks_at_followers(None, mid(1), true));
    }

    #[test]
    fn the_last_look_shows_only_with_new_followers() {
        assert_eq!(unread_followers_time(0, 1700000000), 0);
        assert_eq!(unread_followers_time(3, 1700000000), 1700000000);
    }

    #[test]
    fn names_are_searched_anywhere_ignoring_case() {
        let search = NameSearch::new(Some("warma"));
        assert!(search.matches("Warma"));
        assert!(search.matches("I_love_WARMA_too"));
        assert!(!search.matches("war ma"));
        assert!(NameSearch::new(Some("山")).matches("山新"));
        assert!(NameSearch::new(None).matches("anyone"));
        assert!(NameSearch::new(Some("  ")).matches("anyone"));
    }
}
