//! The SQLite side of [`crate::store::bulk`]: the database is created and
//! migrated as the server creates it, then written on one connection in
//! large transactions without syncing each (`synchronous = OFF`; one
//! checkpoint and sync at the end). Users go through the account code's own
//! insert and follows through the relation code's decision and writes;
//! messages are planned by the send rules and their rows written as the
//! writer writes them, each conversation's sessions set once from the
//! messages it got (what the writer's per-message updates add up to).

use std::path::Path;

use rusqlite::{params, Connection};
use sixin_api::message::{msg_source, msg_type};
use sixin_api::relation::Act;

use super::accounts::create_user;
use super::keys::{max_msg_key, KeyGen};
use super::messages::{ensure_session, open_conversation};
use super::relations::modify;
use super::search_index::index_queued;
use super::Sqlite;
use crate::domain::account::{decide_new_user, AccountState, Uname};
use crate::domain::message::content;
use crate::domain::message::send::{plan, Draft, Origin, Outgoing, SendFacts, MUTUAL_GREETING};
use crate::domain::message::source_of;
use crate::domain::relation::{decide_modify, Attribute, RelationLimits};
use crate::domain::{Mid, Seqno};
use crate::store::accounts::NewUser;
use crate::store::bulk::{Community, Loaded};
use crate::store::StoreError;

/// Rows per transaction.
const BATCH: u64 = 50_000;

pub(in crate::store) fn load(
    data_dir: &Path,
    community: &Community,
    progress: &mut dyn FnMut(u64),
) -> Result<Loaded, StoreError> {
    let path = Sqlite::path_in(data_dir);
    // Created, private and migrated exactly as the server does it.
    Sqlite::open(&path, 1)?.close();
    let conn = Connection::open(&path)?;
    conn.pragma_update(None, "synchronous", "OFF")?;
    conn.set_prepared_statement_cache_capacity(128);
    let users: i64 = conn.query_row("SELECT COUNT(*) FROM users", [], |r| r.get(0))?;
    if users > 0 {
        return Err(StoreError::backend(format!(
            "{} already holds {users} users: bulk loading needs a fresh database",
            path.display()
        )));
    }
    let mut loader = Loader {
        conn: &conn,
        done: 0,
        in_batch: 0,
        progress,
    };
    conn.execute_batch("BEGIN")?;
    let loaded = loader.run(community).and_then(|loaded| {
        index_queued(&conn)?;
        Ok(loaded)
    });
    match loaded {
        Ok(loaded) => {
            conn.execute_batch("COMMIT")?;
            conn.pragma_update(None, "synchronous", "FULL")?;
            conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")?;
            Ok(loaded)
        }
        Err(err) => {
            let _ = conn.execute_batch("ROLLBACK");
            Err(err)
        }
    }
}

struct Loader<'a> {
    conn: &'a Connection,
    done: u64,
    in_batch: u64,
    progress: &'a mut dyn FnMut(u64),
}

impl Loader<'_> {
    /// Counts one row of work, committing every [`BATCH`].
    fn tick(&mut self) -> rusqlite::Result<()> {
        self.done += 1;
        self.in_batch += 1;
        if self.in_batch >= BATCH {
            index_queued(self.conn)?;
            self.conn.execute_batch("COMMIT; BEGIN")?;
            self.in_batch = 0;
            (self.progress)(self.done);
        }
        Ok(())
    }

    fn run(&mut self, community: &Community) -> Result<Loaded, StoreError> {
        let mut loaded = Loaded::default();
        for mid in 1..=community.users {
            self.user(community, mid)?;
            loaded.users += 1;
        }
        if let Some(star) = community.star() {
            for fan in 2..=community.star_fans + 1 {
                self.follow(community, mid(fan), star)?;
                loaded.follows += 1;
            }
        }
        let keys = KeyGen::starting_after(max_msg_key(self.conn)?);
        let total = community.messages() as i64;
        // The messages end a second before `now_secs`, a microsecond apart.
        let mut ts_us = (community.now_secs - 1) * 1_000_000 - total;
        for i in 1..=community.pairs {
            let (a, b) = Community::pair(i);
            self.follow(community, a, b)?;
            self.follow(community, b, a)?;
            loaded.follows += 2;
            loaded.messages += self.conversation(community, &keys, a, b, &mut ts_us)?;
        }
        (self.progress)(self.done);
        Ok(loaded)
    }

    fn user(&mut self, community: &Community, mid_value: u64) -> Result<(), StoreError> {
        let uname = Uname::parse(&format!("{}{mid_value}", community.uname_prefix))
            .map_err(StoreError::backend)?;
        let user = NewUser {
            mid: Some(mid(mid_value)),
            uname,
            password_hash: None,
            face: None,
            sign: String::new(),
            official_verify: Default::default(),
            vip: Default::default(),
            system: None,
            created_at: community.now_secs,
        };
        create_user(self.conn, &user, Box::new(decide_new_user))?;
        self.tick()?;
        Ok(())
    }

    fn follow(&mut self, community: &Community, who: Mid, whom: Mid) -> Result<(), StoreError> {
        let limits = RelationLimits {
            max_followings: u64::MAX,
            max_blacklist: u64::MAX,
            max_tags: u64::MAX,
        };
        modify(
            self.conn,
            who,
            whom,
            community.now_secs,
            Box::new(move |facts| Ok(decide_modify(Act::Follow, facts, limits)?)),
        )?;
        self.tick()?;
        Ok(())
    }

    /// The greeting of `b` (who followed back) and then the texts of a
    /// pair, `a` first; the number of messages stored.
    fn conversation(
        &mut self,
        community: &Community,
        keys: &KeyGen,
        a: Mid,
        b: Mid,
        ts_us: &mut i64,
    ) -> Result<u64, StoreError> {
        let (conversation, _) = open_conversation(self.conn, a, b)?;
        ensure_session(self.conn, b, a, conversation)?;
        ensure_session(self.conn, a, b, conversation)?;
        let mut sessions = [SessionState::new(a, b), SessionState::new(b, a)];
        let mut seqno = Seqno::ZERO;
        for n in 0..=community.messages_per_pair {
            let (origin, from, to, text, source) = if n == 0 {
                let source = msg_source::MUTUAL_FOLLOW;
                (Origin::Automatic, b, a, MUTUAL_GREETING.to_owned(), source)
            } else {
                let (from, to) = if n % 2 == 1 { (a, b) } else { (b, a) };
                let text = format!(r#"{{"content":"bulk message {n} of {}"}}"#, from.get());
                (Origin::User, from, to, text, source_of(Some("web")))
            };
            *ts_us += 1;
            let outgoing = Outgoing {
                origin,
                sender: from,
                receiver: to,
                content: content::parse(msg_type::TEXT, &text, usize::MAX, 1)
                    .map_err(|r| StoreError::backend(format!("{r:?}")))?,
                msg_source: source,
                fingerprint: None,
                now_us: *ts_us,
            };
            let facts = SendFacts {
                receiver: Some(AccountState::Active),
                sender_to_receiver: Some(Attribute::Following),
                receiver_to_sender: Some(Attribute::Following),
                ..SendFacts::default()
            };
            let planned = plan(&outgoing, &facts, i64::MAX)?;
            for draft in &planned.drafts {
                seqno = seqno.next();
                let key = keys.next(*ts_us);
                insert(self.conn, conversation, draft, seqno, key.get(), *ts_us)?;
                for session in &mut sessions {
                    session.saw(draft, seqno, *ts_us);
                }
                self.tick()?;
            }
        }
        self.conn
            .prepare_cached("UPDATE conversations SET max_seqno = ?2 WHERE id = ?1")?
            .execute(params![conversation, seqno.get() as i64])?;
        for session in &sessions {
            session.write(self.conn)?;
        }
        Ok(seqno.get())
    }
}

fn mid(value: u64) -> Mid {
    Mid::new(value).expect("bulk mids are positive")
}

/// A message row, as the writer inserts it.
fn insert(
    conn: &Connection,
    conversation: i64,
    draft: &Draft,
    seqno: Seqno,
    msg_key: u64,
    ts_us: i64,
) -> rusqlite::Result<()> {
    let at_uids = draft
        .at_uids
        .as_ref()
        .map(|uids| serde_json::Value::from(uids.clone()).to_string());
    conn.prepare_cached(
        "INSERT INTO messages (conversation_id, seqno, msg_key, sender_uid, receiver_type,
            receiver_id, msg_type, content, ts_us, new_face_version, msg_source, at_uids, visible_to)
         VALUES (?1, ?2, ?3, ?4, 1, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
    )?
    .execute(params![
        conversation,
        seqno.get() as i64,
        msg_key as i64,
        draft.sender.as_i64(),
        draft.receiver.as_i64(),
        draft.msg_type,
        draft.content,
        ts_us,
        draft.new_face_version,
        draft.msg_source,
        at_uids,
        draft.visible_to.map_or(0, Mid::as_i64),
    ])?;
    Ok(())
}

/// One side's session of a conversation, as the writer's updates leave it.
struct SessionState {
    owner: Mid,
    talker: Mid,
    last_seqno: u64,
    session_ts: i64,
    ack_seqno: u64,
    ack_ts: i64,
    unread: i64,
    sent: i64,
}

impl SessionState {
    fn new(owner: Mid, talker: Mid) -> SessionState {
        SessionState {
            owner,
            talker,
            last_seqno: 0,
            session_ts: 0,
            ack_seqno: 0,
            ack_ts: 0,
            unread: 0,
            sent: 0,
        }
    }

    /// What a message does to this side (the writer's `advance`: the
    /// owner's own message moves the read position, the other's adds to
    /// unread; session times strictly increase per owner).
    fn saw(&mut self, draft: &Draft, seqno: Seqno, now_us: i64) {
        let shown = draft.visible_to.is_none_or(|only| only == self.owner);
        let own = draft.sender == self.owner;
        if !shown || (draft.receiver != self.owner && !own) {
            return;
        }
        let ts = now_us.max(self.session_ts + 1);
        self.last_seqno = seqno.get();
        self.session_ts = ts;
        if own {
            self.ack_seqno = seqno.get();
            self.ack_ts = now_us;
            self.unread = 0;
            if draft.counts_as_sent {
                self.sent += 1;
            }
        } else if draft.counts_unread {
            self.unread += 1;
        }
    }

    fn write(&self, conn: &Connection) -> rusqlite::Result<()> {
        conn.prepare_cached(
            "UPDATE sessions SET last_seqno = ?3, session_ts = ?4, ack_seqno = ?5, ack_ts = ?6,
                unread_count = ?7, sent_count = ?8
             WHERE owner = ?1 AND session_type = 1 AND talker_id = ?2",
        )?
        .execute(params![
            self.owner.as_i64(),
            self.talker.as_i64(),
            self.last_seqno as i64,
            self.session_ts,
            self.ack_seqno as i64,
            self.ack_ts,
            self.unread,
            self.sent,
        ])?;
        Ok(())
    }
}
