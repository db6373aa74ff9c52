//! What `migrate-data` copies: every table of the schema, column by column.
//!
//! A table added by a migration is one more entry in [`TABLES`] (and, if it
//! has an id column PostgreSQL generates, one in
//! [`COUNTERS`](super::counters::COUNTERS)); the tests
//! check that both backends' schemas have exactly these tables and columns,
//! so a table nobody listed here fails them.

/// How a column's values are read on both sides and compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `INTEGER` on SQLite, `BIGINT` on PostgreSQL.
    Int,
    /// `INTEGER` 0 or 1 on SQLite, `BOOLEAN` on PostgreSQL.
    Bool,
    /// `TEXT` on both.
    Text,
    /// `BLOB` on SQLite, `BYTEA` on PostgreSQL.
    Bytes,
    /// A JSON array of integers in `TEXT` on SQLite, `BIGINT[]` on PostgreSQL.
    Ints,
}

/// One column, by name (the same on both sides).
#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub name: &'static str,
    pub kind: Kind,
}

/// What a target that was just migrated already holds in a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Existing {
    /// Nothing: a table that holds rows before a copy starts belongs to
    /// another community (or an earlier use of the database).
    Nothing,
    /// The migrations' defaults (the emoji catalogue, keyword rules): the
    /// source's rows replace them, so they are emptied when a copy starts.
    Seeded,
    /// Rows the target derives while earlier tables are copied
    /// (`relation_stats`, from `relations`, written with each batch as the
    /// server's writers write it): the source's rows overwrite them.
    Derived,
}

/// Files a table names, kept under `<data-dir>/uploads/` (or in a bucket).
#[derive(Debug, Clone, Copy)]
pub struct Files {
    /// Prefix of the object name before the value of the key column.
    pub prefix: &'static str,
    /// The column holding the file's size in bytes.
    pub size: &'static str,
}

/// One table, copied row by row in primary-key order.
#[derive(Debug, Clone, Copy)]
pub struct Table {
    pub name: &'static str,
    /// Every column; the first `key` of them are the primary key, in its order.
    pub columns: &'static [Column],
    pub key: usize,
    pub existing: Existing,
    pub files: Option<Files>,
}

impl Table {
    const fn new(name: &'static str, key: usize, columns: &'static [Column]) -> Table {
        Table {
            name,
            columns,
            key,
            existing: Existing::Nothing,
            files: None,
        }
    }

    const fn seeded(self) -> Table {
        Table {
            existing: Existing::Seeded,
            ..self
        }
    }

    const fn derived(self) -> Table {
        Table {
            existing: Existing::Derived,
            ..self
        }
    }

    const fn files(self, prefix: &'static str, size: &'static str) -> Table {
        Table {
            files: Some(Files { prefix, size }),
            ..self
        }
    }

    /// The primary-key columns.
    pub fn key_columns(&self) -> &'static [Column] {
        &self.columns[..self.key]
    }

    /// The position of a column.
    pub fn position(&self, column: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.name == column)
    }
}

const fn int(name: &'static str) -> Column {
    Column {
        name,
        kind: Kind::Int,
    }
}

const fn boolean(name: &'static str) -> Column {
    Column {
        name,
        kind: Kind::Bool,
    }
}

const fn text(name: &'static str) -> Column {
    Column {
        name,
        kind: Kind::Text,
    }
}

const fn bytes(name: &'static str) -> Column {
    Column {
        name,
        kind: Kind::Bytes,
    }
}

const fn ints(name: &'static str) -> Column {
    Column {
        name,
        kind: Kind::Ints,
    }
}

/// Every table, in the order they are copied: a row's foreign keys point
/// at tables copied before it, and `relation_stats` comes after
/// `relations` (whose copy counts into it) so that its copied rows are
/// the last word.
pub const TABLES: &[Table] = &[
    Table::new(
        "users",
        1,
        &[
            int("mid"),
            text("uname"),
            text("password_hash"),
            text("face"),
            text("sign"),
            int("official_type"),
            text("official_desc"),
            int("vip_type"),
            int("vip_due_date"),
            int("vip_status"),
            int("created_at"),
            int("state"),
            int("state_at"),
        ],
    ),
    Table::new(
        "login_sessions",
        1,
        &[
            bytes("token_hash"),
            int("mid"),
            int("created_at"),
            int("expires_at"),
        ],
    ),
    Table::new(
        "system_accounts",
        1,
        &[
            int("mid"),
            int("system_msg_type"),
            text("name"),
            text("pic_url"),
        ],
    ),
    Table::new(
        "qr_logins",
        1,
        &[
            bytes("key_hash"),
            int("created_at"),
            int("expires_at"),
            int("state"),
            int("mid"),
        ],
    ),
    Table::new(
        "relations",
        2,
        &[
            int("mid"),
            int("fid"),
            int("attribute"),
            boolean("special"),
            int("mtime"),
            int("seq"),
            int("made_seq"),
        ],
    ),
    Table::new(
        "relation_stats",
        1,
        &[
            int("mid"),
            int("following"),
            int("whisper"),
            int("black"),
            int("follower"),
            int("version"),
            int("public_version"),
        ],
    )
    .derived(),
    Table::new(
        "relation_tags",
        1,
        &[int("tagid"), int("mid"), text("name"), int("ctime")],
    ),
    Table::new(
        "relation_tag_members",
        3,
        &[int("mid"), int("fid"), int("tagid"), int("seq")],
    ),
    Table::new(
        "follower_views",
        1,
        &[int("mid"), int("seen_at"), int("seen_seq")],
    ),
    Table::new(
        "fan_groups",
        1,
        &[
            int("id"),
            int("owner"),
            text("name"),
            text("cover"),
            int("group_type"),
            boolean("frozen"),
            boolean("dissolved"),
            int("created_at"),
        ],
    ),
    Table::new(
        "group_members",
        2,
        &[int("group_id"), int("mid"), int("seq"), int("joined_at")],
    ),
    Table::new("shared_contents", 1, &[int("id"), text("content")]),
    Table::new(
        "conversations",
        1,
        &[int("id"), int("kind"), int("a"), int("b"), int("max_seqno")],
    ),
    Table::new(
        "messages",
        2,
        &[
            int("conversation_id"),
            int("seqno"),
            int("msg_key"),
            int("sender_uid"),
            int("receiver_type"),
            int("receiver_id"),
            int("msg_type"),
            text("content"),
            int("ts_us"),
            int("msg_status"),
            text("notify_code"),
            int("new_face_version"),
            int("msg_source"),
            text("at_uids"),
            int("visible_to"),
            int("content_ref"),
            int("unread_kind"),
        ],
    ),
    Table::new(
        "sessions",
        3,
        &[
            int("owner"),
            int("session_type"),
            int("talker_id"),
            int("conversation_id"),
            int("last_seqno"),
            int("session_ts"),
            int("ack_seqno"),
            int("ack_ts"),
            int("unread_count"),
            int("sent_count"),
            int("top_ts"),
            boolean("is_dnd"),
            int("push_setting"),
            boolean("is_intercept"),
            boolean("is_trust"),
            boolean("removed"),
            int("at_seqno"),
            int("push_unread"),
            int("biz_unread"),
        ],
    ),
    Table::new(
        "push_jobs",
        1,
        &[
            int("id"),
            int("sender"),
            int("msg_type"),
            int("content_id"),
            int("msg_source"),
            text("notify_code"),
            int("unread_kind"),
            boolean("to_everyone"),
            int("last_mid"),
            int("cursor"),
            int("total"),
            int("delivered"),
            int("skipped"),
            int("first_key"),
            int("created_at"),
            int("finished_at"),
        ],
    ),
    Table::new(
        "push_receivers",
        2,
        &[int("job_id"), int("pos"), int("mid")],
    ),
    Table::new(
        "send_retries",
        2,
        &[
            int("sender"),
            bytes("fingerprint"),
            int("msg_key"),
            int("created_at"),
        ],
    ),
    Table::new("send_bans", 1, &[int("mid"), int("until")]),
    Table::new(
        "send_rates",
        1,
        &[
            int("mid"),
            int("window_start"),
            int("count"),
            ints("strikes"),
        ],
    ),
    Table::new("message_settings", 1, &[int("mid"), text("settings")]),
    Table::new(
        "message_block_words",
        1,
        &[
            int("id"),
            int("mid"),
            text("word"),
            text("word_key"),
            int("ctime"),
        ],
    ),
    Table::new(
        "uploads",
        1,
        &[
            text("name"),
            int("owner"),
            text("mime"),
            int("width"),
            int("height"),
            int("bytes"),
            int("created_at"),
        ],
    )
    .files("", "bytes"),
    Table::new(
        "customer_files",
        1,
        &[
            text("key"),
            int("owner"),
            text("filename"),
            text("mime"),
            int("bytes"),
            int("created_at"),
        ],
    )
    .files("custom/", "bytes"),
    Table::new(
        "presence",
        3,
        &[
            int("mid"),
            int("shop_id"),
            int("shop_father_id"),
            int("first_seen"),
            int("last_seen"),
        ],
    ),
    Table::new(
        "emotes",
        1,
        &[text("text"), text("uri"), int("size"), text("gif_url")],
    )
    .seeded(),
    Table::new(
        "keyword_rules",
        1,
        &[int("rule_id"), text("keywords"), text("toast")],
    )
    .seeded(),
    Table::new(
        "auto_replies",
        1,
        &[
            int("id"),
            int("mid"),
            int("kind"),
            text("title"),
            text("key1"),
            text("key2"),
            text("reply"),
            int("ctime"),
        ],
    ),
    Table::new(
        "throttles",
        2,
        &[
            int("kind"),
            bytes("key"),
            int("count"),
            int("at_ms"),
            int("shut_until_ms"),
            int("forget_at_ms"),
        ],
    ),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::transfer::counters::{Sequence, COUNTERS};

    #[test]
    fn keys_and_file_columns_are_columns_and_names_are_unique() {
        let mut names = std::collections::HashSet::new();
        for table in TABLES {
            assert!(names.insert(table.name), "{} twice", table.name);
            assert!(table.key >= 1 && table.key <= table.columns.len());
            if let Some(files) = table.files {
                assert_eq!(table.key, 1, "{}: files are named by one key", table.name);
                assert_eq!(table.columns[0].kind, Kind::Text);
                let size = table.position(files.size).expect("size column");
                assert_eq!(table.columns[size].kind, Kind::Int);
            }
        }
        for counter in COUNTERS {
            if let Sequence::Identity { table, column } = counter.sequence {
                let t = TABLES.iter().find(|t| t.name == table).expect("table");
                assert!(t.position(column).is_some(), "{table}.{column}");
            }
        }
    }
}
