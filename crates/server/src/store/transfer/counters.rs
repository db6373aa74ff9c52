//! The counters `migrate-data` moves past what it copied: where SQLite
//! keeps the last value it issued, and the PostgreSQL sequence that must
//! end at or past it.

/// A PostgreSQL sequence.
#[derive(Debug, Clone, Copy)]
pub enum Sequence {
    /// A sequence of its own.
    Named(&'static str),
    /// The sequence behind a table's identity column.
    Identity {
        table: &'static str,
        column: &'static str,
    },
}

/// Where SQLite keeps the last value it issued.
#[derive(Debug, Clone, Copy)]
pub enum Issued {
    /// The largest value of a column (SQLite issues the next one above it).
    Max {
        table: &'static str,
        column: &'static str,
    },
    /// An `AUTOINCREMENT` column: the largest ever issued (in
    /// `sqlite_sequence`, which outlives deleted rows) or present.
    AutoIncrement {
        table: &'static str,
        column: &'static str,
    },
    /// A one-row counter table.
    Counter {
        table: &'static str,
        column: &'static str,
    },
}

/// A counter whose PostgreSQL sequence must end at or past what SQLite
/// issued, so that new ids stay unique and increasing.
#[derive(Debug, Clone, Copy)]
pub struct Counter {
    pub name: &'static str,
    pub sequence: Sequence,
    pub issued: Issued,
}

/// Every counter. `relation_seq` is a table on SQLite and a sequence on
/// PostgreSQL, so it is one of these rather than a table. `fan_groups.id`
/// is none: both backends take the largest id plus one (or the id the
/// admin gives), so copied groups are all it needs.
pub const COUNTERS: &[Counter] = &[
    Counter {
        name: "msg_keys",
        sequence: Sequence::Named("msg_keys"),
        issued: Issued::Max {
            table: "messages",
            column: "msg_key",
        },
    },
    Counter {
        name: "relation_seq",
        sequence: Sequence::Named("relation_seq"),
        issued: Issued::Counter {
            table: "relation_seq",
            column: "value",
        },
    },
    Counter {
        name: "relation_tags.tagid",
        sequence: Sequence::Identity {
            table: "relation_tags",
            column: "tagid",
        },
        issued: Issued::AutoIncrement {
            table: "relation_tags",
            column: "tagid",
        },
    },
    Counter {
        name: "conversations.id",
        sequence: Sequence::Identity {
            table: "conversations",
            column: "id",
        },
        issued: Issued::Max {
            table: "conversations",
            column: "id",
        },
    },
    Counter {
        name: "message_block_words.id",
        sequence: Sequence::Identity {
            table: "message_block_words",
            column: "id",
        },
        issued: Issued::Max {
            table: "message_block_words",
            column: "id",
        },
    },
    Counter {
        name: "shared_contents.id",
        sequence: Sequence::Identity {
            table: "shared_contents",
            column: "id",
        },
        issued: Issued::Max {
            table: "shared_contents",
            column: "id",
        },
    },
    Counter {
        name: "push_jobs.id",
        sequence: Sequence::Identity {
            table: "push_jobs",
            column: "id",
        },
        issued: Issued::Max {
            table: "push_jobs",
            column: "id",
        },
    },
    Counter {
        name: "auto_replies.id",
        sequence: Sequence::Identity {
            table: "auto_replies",
            column: "id",
        },
        issued: Issued::Max {
            table: "auto_replies",
            column: "id",
        },
    },
];
