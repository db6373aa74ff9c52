//! Statements sent together ([`Pipeline`]), and write transactions whose
//! `BEGIN` and `COMMIT` travel with their statements ([`Flights`]): a
//! send is two round trips, its locks and facts with `BEGIN`, its writes
//! with `COMMIT`.

use deadpool_postgres::GenericClient;
use tokio_postgres::types::ToSql;
use tokio_postgres::Row;

use super::{lock_keys, Lock, LOCK};
use crate::store::StoreError;

/// A parameter a [`Pipeline`] owns.
pub(super) type Param = Box<dyn ToSql + Sync + Send>;

/// Statements sent together and run in order: one round trip for all of
/// them instead of one each. PostgreSQL runs a connection's statements in
/// the order they arrive, so a later one sees what an earlier one did (and
/// waits for the locks it took); every statement is prepared first, so
/// that no cache miss can reorder them.
///
/// Each statement is its own extended-protocol exchange (tokio-postgres
/// ends each with a Sync): after one fails, the ones behind it in a
/// transaction fail too ("current transaction is aborted"), and a
/// `COMMIT` behind it rolls back; the first error is what `run` returns.
#[derive(Default)]
pub(super) struct Pipeline {
    steps: Vec<(String, Vec<Param>)>,
    /// `START TRANSACTION` before the steps, `COMMIT` after them (see
    /// [`Flights`]); their rows are not returned.
    begin: bool,
    commit: bool,
}

impl Pipeline {
    /// Adds a statement; its rows come back at the returned index.
    pub(super) fn push(&mut self, sql: impl Into<String>, params: Vec<Param>) -> usize {
        self.steps.push((sql.into(), params));
        self.steps.len() - 1
    }

    /// Adds taking `locks` (see [`super::lock`]).
    pub(super) fn lock(&mut self, locks: &[Lock]) -> usize {
        self.push(LOCK, vec![Box::new(lock_keys(locks))])
    }

    /// Runs every statement, in order; the rows of each.
    pub(super) async fn run(self, c: &impl GenericClient) -> Result<Vec<Vec<Row>>, StoreError> {
        let (begin, commit) = (self.begin, self.commit);
        let mut steps: Vec<(&str, &[Param])> = Vec::with_capacity(self.steps.len() + 2);
        if begin {
            steps.push(("START TRANSACTION", &[]));
        }
        steps.extend(
            self.steps
                .iter()
                .map(|(sql, p)| (sql.as_str(), p.as_slice())),
        );
        if commit {
            steps.push(("COMMIT", &[]));
        }
        let statements =
            futures_util::future::try_join_all(steps.iter().map(|(sql, _)| c.prepare_cached(sql)))
                .await?;
        let mut rows = Vec::with_capacity(steps.len());
        // `try_join_all` polls (so sends) in order up to 30 futures; each
        // chunk is sent whole, then the next.
        let steps: Vec<_> = statements.iter().zip(&steps).collect();
        for chunk in steps.chunks(30) {
            let done =
                futures_util::future::try_join_all(chunk.iter().map(|(statement, (_, params))| {
                    let params: Vec<&(dyn ToSql + Sync)> =
                        params.iter().map(|p| &**p as &(dyn ToSql + Sync)).collect();
                    async move { c.query(*statement, &params).await }
                }))
                .await?;
            rows.extend(done);
        }
        if commit {
            rows.pop();
        }
        if begin {
            rows.remove(0);
        }
        Ok(rows)
    }
}

/// A write transaction on a pooled connection that began with its first
/// flight of statements and ends with its last, `COMMIT` included: two
/// round trips fewer than `BEGIN` and `COMMIT` on their own. `commit`
/// returns `Ok` only once PostgreSQL committed, so acknowledged still
/// means committed.
///
/// Dropped before `commit` succeeded (an error, a refusal path that
/// returned early, a request cancelled mid-flight), it rolls the
/// transaction back on a task of its own before the connection goes back
/// to the pool: what tokio-postgres's `Transaction` does on drop, which a
/// transaction begun inside a pipeline cannot use.
pub(super) struct Flights {
    client: Option<deadpool_postgres::Client>,
}

impl Flights {
    /// Begins a transaction on `client` and runs `first` in it, in one
    /// round trip; the rows of `first`.
    pub(super) async fn begin(
        client: deadpool_postgres::Client,
        mut first: Pipeline,
    ) -> Result<(Flights, Vec<Vec<Row>>), StoreError> {
        let open = Flights {
            client: Some(client),
        };
        first.begin = true;
        let rows = first.run(open.client()).await?;
        Ok((open, rows))
    }

    /// The connection, for statements of their own in the transaction.
    pub(super) fn client(&self) -> &deadpool_postgres::Client {
        self.client.as_ref().expect("a transaction in flight")
    }

    /// Runs `last` and commits, in one round trip; the rows of `last`.
    pub(super) async fn commit(mut self, mut last: Pipeline) -> Result<Vec<Vec<Row>>, StoreError> {
        last.commit = true;
        let rows = last.run(self.client()).await?;
        // Committed: the connection goes back to the pool as it is.
        self.client = None;
        Ok(rows)
    }
}

impl Drop for Flights {
    fn drop(&mut self) {
        let Some(client) = self.client.take() else {
            return;
        };
        // Behind whatever this connection still has in flight; a
        // connection that cannot roll back is not returned to the pool.
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) => {
                runtime.spawn(async move {
                    if client.batch_execute("ROLLBACK").await.is_err() {
                        drop(deadpool_postgres::Object::take(client));
                    }
                });
            }
            Err(_) => drop(deadpool_postgres::Object::take(client)),
        }
    }
}
