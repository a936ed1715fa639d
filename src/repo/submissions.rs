//! One-time submission ids for money forms. Each form carries a fresh id; the action claims it
//! in the same transaction as the work and stores where its result is shown. A repeated POST
//! with the same id finds it taken (waiting, if need be, for the first to commit) and is sent to
//! the first result instead of doing the work again.

use diesel::prelude::*;
use uuid::Uuid;

use super::RepoError;
use crate::schema::form_submissions;

/// What happened to a submission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Once<T> {
    /// The work ran now; its result and where it is shown.
    Done(T, String),
    /// The id was used before; this is where its result is shown.
    Repeated(String),
}

impl<T> Once<T> {
    /// The result of work that ran, turned by `f`; a repeat stays where it is shown.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Once<U> {
        match self {
            Once::Done(value, shown_at) => Once::Done(f(value), shown_at),
            Once::Repeated(shown_at) => Once::Repeated(shown_at),
        }
    }
}

/// A claim, as the CTEs `numbered` and `claim` of the statement that begins the work
/// ([`once_claiming`]), for work that creates a row whose id its result's address names (a
/// payment and its receipt): `numbered` takes the row's id from a sequence once, and the claim
/// stores the address at once, the prefix followed by that id, so nothing is written after the
/// work; the work creates its row under that id. Binds `$1` the submission id, `$2` the user,
/// `$3` the address's prefix and `$4` the sequence; the statement selects
/// `(SELECT result FROM claim) AS claimed` and `(SELECT numbered.id FROM numbered, claim) AS
/// claimed_id` (the id, NULL when the submission was taken before).
/// A repeat waits for a first claim still in flight, then takes nothing (and leaves a gap in the
/// sequence, as a rolled-back insert would).
#[macro_export]
macro_rules! claim_numbered_cte {
    () => {
        "numbered AS MATERIALIZED (SELECT nextval($4::regclass) AS id), \
         claim AS (INSERT INTO form_submissions (id, user_id, result) \
         SELECT $1, $2, $3 || numbered.id FROM numbered ON CONFLICT DO NOTHING RETURNING result)"
    };
}

/// A claim, as the CTE `claim` of the statement that begins the work ([`once_claiming`]), for work
/// whose result is shown at an address known beforehand: binds `$1` the submission id, `$2` the
/// user and `$3` the address; the statement selects `(SELECT result FROM claim) AS claimed`.
#[macro_export]
macro_rules! claim_showing_cte {
    () => {
        concat!("claim AS (", $crate::claim_showing!(), " RETURNING result)")
    };
}

/// The claim of [`once_showing`] (and of [`claim_showing_cte!`]): binds `$1` the submission id,
/// `$2` the user and `$3` the address.
#[doc(hidden)]
#[macro_export]
macro_rules! claim_showing {
    () => {
        "INSERT INTO form_submissions (id, user_id, result) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING"
    };
}

/// What the first statement of [`once_claiming`]'s work found.
#[derive(Debug)]
pub enum Claimed<T> {
    /// It made the claim; the work ran: its result and where it is shown (the claim's `result`).
    Done(T, String),
    /// The id was taken before (the claim came back empty): the work did nothing.
    Taken,
}

/// Runs `work` once per submission id, for work whose first statement makes the claim itself
/// (with [`claim_numbered_cte!`] or [`claim_showing_cte!`]): a round trip fewer than
/// [`once_showing`], for the forms a busy counter sends most (issuing and payments). A repeat
/// waits in that statement, as in `claim`, for a first claim still in flight.
pub fn once_claiming<T>(
    conn: &mut PgConnection,
    id: Uuid,
    work: impl FnOnce(&mut PgConnection) -> Result<Claimed<T>, RepoError>,
) -> Result<Once<T>, RepoError> {
    let outcome = super::tx::<_, RepoError, _>(conn, |conn| {
        Ok(match work(conn)? {
            Claimed::Done(value, shown_at) => Some((value, shown_at)),
            Claimed::Taken => None,
        })
    })?;
    answer(conn, id, outcome)
}

/// Runs `work` once per submission id, in one transaction with the claim, for work whose result
/// is shown at an address known beforehand: the claim stores it.
pub fn once_showing<T>(
    conn: &mut PgConnection,
    id: Uuid,
    user_id: Option<i64>,
    shown_at: &str,
    work: impl FnOnce(&mut PgConnection) -> Result<T, RepoError>,
) -> Result<Once<T>, RepoError> {
    let outcome = super::tx::<_, RepoError, _>(conn, |conn| {
        if !claim(conn, id, user_id, shown_at)? {
            return Ok(None);
        }
        Ok(Some((work(conn)?, shown_at.to_string())))
    })?;
    answer(conn, id, outcome)
}

/// Takes the id; `false` when it was taken before.
fn claim(
    conn: &mut PgConnection,
    id: Uuid,
    user_id: Option<i64>,
    shown_at: &str,
) -> Result<bool, RepoError> {
    let claimed = super::prepared::prepared(crate::claim_showing!())
        .bind::<diesel::sql_types::Uuid, _>(id)
        .bind::<diesel::sql_types::Nullable<diesel::sql_types::BigInt>, _>(user_id)
        .bind::<diesel::sql_types::Text, _>(shown_at)
        .execute(conn)?;
    Ok(claimed == 1)
}

fn answer<T>(
    conn: &mut PgConnection,
    id: Uuid,
    outcome: Option<(T, String)>,
) -> Result<Once<T>, RepoError> {
    match outcome {
        Some((value, shown_at)) => Ok(Once::Done(value, shown_at)),
        None => {
            let shown_at: String = form_submissions::table
                .find(id)
                .select(form_submissions::result)
                .first(conn)?;
            Ok(Once::Repeated(shown_at))
        }
    }
}
