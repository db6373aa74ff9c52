//! Schema migrations of every backend, known by the number their file
//! name starts with (`migrations/<backend>/NNNN_name.sql`).
//!
//! A database records the numbers it has applied, and a start applies
//! every listed migration it lacks, in ascending order. So numbers may
//! leave gaps that a later merge fills (branches take numbers in
//! parallel): a database that applied 0011 before 0008 existed applies
//! 0008 when it appears. A migration must therefore not depend on one
//! numbered after it.

use super::StoreError;

/// One migration: its file's number and its SQL.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Migration {
    pub version: i64,
    pub sql: &'static str,
}

impl Migration {
    pub(crate) const fn new(version: i64, sql: &'static str) -> Migration {
        Migration { version, sql }
    }
}

/// The migrations of `all` that `applied` lacks, in ascending order; an
/// error when the database has applied one this build does not know (it
/// was migrated by a newer sixin).
pub(crate) fn pending<'a>(
    all: &'a [Migration],
    applied: &[i64],
) -> Result<Vec<&'a Migration>, StoreError> {
    if let Some(unknown) = applied
        .iter()
        .find(|v| !all.iter().any(|m| m.version == **v))
    {
        return Err(StoreError::backend(format!(
            "the database has migration {unknown}, unknown to this sixin: it was migrated by a newer one"
        )));
    }
    let mut pending: Vec<&Migration> = all
        .iter()
        .filter(|m| !applied.contains(&m.version))
        .collect();
    pending.sort_by_key(|m| m.version);
    Ok(pending)
}

/// Checks that `all` lists every file of `migrations/<backend>/` under the
/// number its name starts with, with the file's content, in ascending
/// order (tests of each backend call it).
#[cfg(test)]
pub(crate) fn assert_lists_every_file(backend: &str, all: &[Migration]) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("migrations")
        .join(backend);
    let mut files: Vec<(i64, String)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|entry| {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let number = name
                .split('_')
                .next()
                .and_then(|n| n.parse().ok())
                .unwrap_or_else(|| panic!("{name}: not NNNN_name.sql"));
            (number, std::fs::read_to_string(&path).unwrap())
        })
        .collect();
    files.sort();
    let listed: Vec<(i64, String)> = all.iter().map(|m| (m.version, m.sql.to_owned())).collect();
    let numbers = |v: &[(i64, String)]| v.iter().map(|(n, _)| *n).collect::<Vec<_>>();
    assert_eq!(
        numbers(&listed),
        numbers(&files),
        "{backend}: the list and the files"
    );
    assert!(
        listed == files,
        "{backend}: a listed migration differs from its file"
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL: &[Migration] = &[
        Migration::new(1, "a"),
        Migration::new(2, "b"),
        Migration::new(11, "c"),
    ];

    #[test]
    fn what_is_missing_applies_in_order_gaps_included() {
        let versions = |p: Vec<&Migration>| p.iter().map(|m| m.version).collect::<Vec<_>>();
        assert_eq!(versions(pending(ALL, &[]).unwrap()), [1, 2, 11]);
        // Applied 11 before 2 was known: 2 is applied now.
        assert_eq!(versions(pending(ALL, &[1, 11]).unwrap()), [2]);
        assert!(pending(ALL, &[1, 2, 11]).unwrap().is_empty());
    }

    #[test]
    fn an_unknown_applied_migration_is_refused() {
        let err = pending(ALL, &[1, 12]).unwrap_err();
        assert!(err.to_string().contains("storage backend failed"));
        match err {
            StoreError::Backend(why) => assert!(why.to_string().contains("12"), "{why}"),
            other => panic!("{other:?}"),
        }
    }
}
