//! Bulk loading: a whole community written straight into a fresh database,
//! for benchmarks at sizes the API would take hours to make (a star with a
//! million fans, ten million messages).
//!
//! The rows are those the normal write paths produce for the same story:
//! users made as the admin API makes them, follows applied by the same
//! relation code (decision and writes, counters and versions kept by the
//! same triggers), and for each pair who follow each other the mutual
//! greeting and then their text messages, planned by the send rules and
//! stored as the writer stores them; only the transactions are large and
//! the disk is synced once at the end. A test reads a loaded community back
//! through the HTTP API beside one made by real sends and follows.
//!
//! The story, with mids from 1:
//! - users `1..=users`, named `{prefix}{mid}`;
//! - user 1 is the star: users `2..=star_fans + 1` follow them;
//! - pair `i` (from 1) is users `2i` and `2i + 1`: the first follows the
//!   second, then the second follows back (and greets); then they exchange
//!   `messages_per_pair` texts, the first user first.

use std::path::Path;

use crate::domain::Mid;
use crate::store::StoreError;

/// The community to load.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Community {
    pub users: u64,
    pub uname_prefix: String,
    pub star_fans: u64,
    pub pairs: u64,
    pub messages_per_pair: u64,
    /// Unix seconds of the follows and users; the messages end just
    /// before it, a microsecond apart.
    pub now_secs: i64,
}

impl Community {
    /// The star (user 1), when there are fans.
    pub fn star(&self) -> Option<Mid> {
        (self.star_fans > 0).then(|| Mid::new(1)).flatten()
    }

    /// Pair `i` (from 1): (who follows first and writes first, the other).
    pub fn pair(i: u64) -> (Mid, Mid) {
        (
            Mid::new(2 * i).expect("pair mids are positive"),
            Mid::new(2 * i + 1).expect("pair mids are positive"),
        )
    }

    /// Messages stored in all: each pair's texts and its greeting.
    pub fn messages(&self) -> u64 {
        self.pairs * (self.messages_per_pair + 1)
    }

    /// Rows of work, for progress: users, follows, messages.
    pub fn work(&self) -> u64 {
        self.users + self.star_fans + 2 * self.pairs + self.messages()
    }

    /// Refuses a story that does not fit its users.
    pub fn check(&self) -> Result<(), String> {
        if self.star_fans > 0 && self.star_fans + 1 > self.users {
            return Err(format!(
                "{} fans need {} users",
                self.star_fans,
                self.star_fans + 1
            ));
        }
        if self.pairs > 0 && 2 * self.pairs + 1 > self.users {
            return Err(format!(
                "{} pairs need {} users",
                self.pairs,
                2 * self.pairs + 1
            ));
        }
        Ok(())
    }
}

/// What was loaded.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Loaded {
    pub users: u64,
    pub follows: u64,
    pub messages: u64,
}

/// Loads `community` into a new SQLite database in `data_dir` (refused
/// when the database holds any user). `progress` hears the rows done so
/// far, out of [`Community::work`].
pub fn load_sqlite(
    data_dir: &Path,
    community: &Community,
    progress: &mut dyn FnMut(u64),
) -> Result<Loaded, StoreError> {
    community.check().map_err(StoreError::backend)?;
    super::sqlite::bulk::load(data_dir, community, progress)
}
