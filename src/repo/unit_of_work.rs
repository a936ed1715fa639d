//! The unit of work's marker. `db()` (in `crate::db`) opens one transaction per request's unit of
//! work and marks the thread while its closure runs; the repository's steps ([`super::tx`]) ask
//! the marker whether they run directly in that transaction, where they add no savepoint and a
//! failure rolls the whole unit back. It lives here, beside the steps, so that the repository
//! depends on nothing above it.

use diesel::connection::{AnsiTransactionManager, TransactionManager};
use diesel::pg::PgConnection;

/// Where this thread is in a `db()` unit of work.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Unit {
    /// Not inside `db()`.
    None,
    /// Inside `db()`'s transaction.
    Open,
    /// Inside it, and a step ([`in_unit_of_work`]'s caller) has failed: it will roll back.
    Failed,
}

thread_local! {
    static UNIT: std::cell::Cell<Unit> = const { std::cell::Cell::new(Unit::None) };
}

/// Marks this thread as running `db()`'s closure until dropped (also on a panic).
pub(crate) struct UnitOfWork;

impl UnitOfWork {
    pub(crate) fn open() -> Self {
        UNIT.with(|u| u.set(Unit::Open));
        UnitOfWork
    }

    pub(crate) fn failed(&self) -> bool {
        UNIT.with(|u| u.get()) == Unit::Failed
    }
}

impl Drop for UnitOfWork {
    fn drop(&mut self) {
        UNIT.with(|u| u.set(Unit::None));
    }
}

/// Runs `f` as one atomic step (the repository's `tx`). Inside `db()`, directly in its
/// transaction, `f` runs there without a savepoint (each is a round trip to the server), and a
/// failure marks the whole unit of work for rollback: what `f` wrote before failing is never
/// committed, even if the caller answers the error and returns normally. Anywhere else (a
/// savepoint or a transaction someone else opened, or none) it is `conn.transaction`.
pub(crate) fn in_unit_of_work<T, E, F>(conn: &mut PgConnection, f: F) -> Result<T, E>
where
    F: FnOnce(&mut PgConnection) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    use diesel::connection::Connection;
    let depth = AnsiTransactionManager::transaction_manager_status_mut(conn)
        .transaction_depth()
        .ok()
        .flatten()
        .map(|d| d.get());
    let ours = UNIT.with(|u| u.get()) != Unit::None && depth == Some(1);
    if !ours {
        return conn.transaction(f);
    }
    let outcome = f(conn);
    if outcome.is_err() {
        UNIT.with(|u| u.set(Unit::Failed));
    }
    outcome
}
