//! What a run found, printed by `migrate-data` at the end.

use std::fmt;

use super::rows::Sum;

/// The outcome of a run: what it copied and what the verification saw.
#[derive(Debug, Clone)]
pub struct Report {
    /// An earlier, interrupted run was carried on.
    pub resumed: bool,
    /// Rows copied by this run.
    pub copied: u64,
    pub tables: Vec<TableCheck>,
    pub counters: Vec<CounterCheck>,
    pub files: FileCheck,
    /// Someone wrote to the source while it was read.
    pub source_changed: bool,
}

/// One table's count and checksum on both sides.
#[derive(Debug, Clone)]
pub struct TableCheck {
    pub name: &'static str,
    pub source: Sum,
    pub target: Sum,
}

impl TableCheck {
    pub fn same(&self) -> bool {
        self.source == self.target
    }
}

/// A counter: the last value SQLite issued and where the PostgreSQL
/// sequence is now.
#[derive(Debug, Clone)]
pub struct CounterCheck {
    pub name: &'static str,
    pub issued: i64,
    pub target: i64,
}

impl CounterCheck {
    pub fn past(&self) -> bool {
        self.target >= self.issued
    }
}

/// The uploaded files the database names.
#[derive(Debug, Clone, Default)]
pub struct FileCheck {
    /// The bucket they were copied into; none: they stay in the data directory.
    pub bucket: Option<String>,
    pub files: u64,
    pub bytes: u64,
    /// Copied into the bucket by this run.
    pub copied: u64,
    /// Named by the database but absent (or of another size) in
    /// `<data-dir>/uploads/`: missing before the move too.
    pub missing_in_source: Vec<String>,
    /// Present in the data directory but not in the bucket after copying.
    pub missing_in_target: Vec<String>,
}

impl Report {
    /// Every table equal, every counter past what was issued, every file
    /// where the nodes will look for it, and the source unchanged.
    pub fn is_ok(&self) -> bool {
        self.tables.iter().all(TableCheck::same)
            && self.counters.iter().all(CounterCheck::past)
            && self.files.missing_in_target.is_empty()
            && !self.source_changed
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "copied {} rows{}",
            self.copied,
            if self.resumed {
                " (carrying on from an earlier run)"
            } else {
                ""
            }
        )?;
        writeln!(f)?;
        writeln!(
            f,
            "{:<22} {:>12} {:>12}  {:<16}  {:<16}  result",
            "table", "source rows", "target rows", "source sha-256", "target sha-256"
        )?;
        for t in &self.tables {
            writeln!(
                f,
                "{:<22} {:>12} {:>12}  {:<16}  {:<16}  {}",
                t.name,
                t.source.rows,
                t.target.rows,
                &t.source.sha256[..16],
                &t.target.sha256[..16],
                if t.same() { "same" } else { "DIFFERENT" }
            )?;
        }
        writeln!(f)?;
        writeln!(
            f,
            "{:<22} {:>20} {:>20}  result",
            "counter", "sqlite issued", "postgresql at"
        )?;
        for c in &self.counters {
            writeln!(
                f,
                "{:<22} {:>20} {:>20}  {}",
                c.name,
                c.issued,
                c.target,
                if c.past() { "past" } else { "BEHIND" }
            )?;
        }
        writeln!(f)?;
        let files = &self.files;
        match &files.bucket {
            None => writeln!(
                f,
                "files: {} ({} bytes) stay in <data-dir>/uploads/: give the PostgreSQL nodes this \
                 data directory (or run again with --s3-bucket to copy them into a bucket)",
                files.files, files.bytes
            )?,
            Some(bucket) => writeln!(
                f,
                "files: {} ({} bytes) in bucket {bucket}, {} copied by this run",
                files.files, files.bytes, files.copied
            )?,
        }
        if !files.missing_in_source.is_empty() {
            writeln!(
                f,
                "warning: {} files the database names were already missing from \
                 <data-dir>/uploads/ (first: {})",
                files.missing_in_source.len(),
                files.missing_in_source[0]
            )?;
        }
        if !files.missing_in_target.is_empty() {
            writeln!(
                f,
                "MISSING: {} files did not reach the bucket (first: {})",
                files.missing_in_target.len(),
                files.missing_in_target[0]
            )?;
        }
        if self.source_changed {
            writeln!(
                f,
                "CHANGED: the data directory's database was written to while it was copied \
                 (is a server still running on it?): stop it and run again with --replace"
            )?;
        }
        writeln!(f)?;
        if self.is_ok() {
            write!(
                f,
                "verified: every table has the same rows on both sides; start the nodes with \
                 --database-url"
            )
        } else {
            let differing: Vec<&str> = self
                .tables
                .iter()
                .filter(|t| !t.same())
                .map(|t| t.name)
                .collect();
            write!(f, "NOT verified")?;
            if !differing.is_empty() {
                write!(
                    f,
                    ": {} ({}). If no node has served from the target yet, run again \
                     with --replace to copy from scratch",
                    if differing.len() == 1 {
                        "one table differs".to_owned()
                    } else {
                        format!("{} tables differ", differing.len())
                    },
                    differing.join(", ")
                )?;
            }
            Ok(())
        }
    }
}
