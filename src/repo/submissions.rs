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

/// Runs `work` once per submission id, in one transaction with the claim. `work` returns its
/// result and the address that shows it.
pub fn once<T>(
    conn: &mut PgConnection,
    id: Uuid,
    user_id: Option<i64>,
    work: impl FnOnce(&mut PgConnection) -> Result<(T, String), RepoError>,
) -> Result<Once<T>, RepoError> {
    // `ON CONFLICT DO NOTHING` waits for a first claim still in flight and then takes nothing,
    // so a repeat is "no row" and the transaction stays usable to read where the first went.
    let outcome = super::tx::<_, RepoError, _>(conn, |conn| {
        if !claim(conn, id, user_id, "")? {
            return Ok(None);
        }
        let (value, shown_at) = work(conn)?;
        super::prepared::prepared("UPDATE form_submissions SET result = $1 WHERE id = $2")
            .bind::<diesel::sql_types::Text, _>(&shown_at)
            .bind::<diesel::sql_types::Uuid, _>(id)
            .execute(conn)?;
        Ok(Some((value, shown_at)))
    })?;
    answer(conn, id, outcome)
}

/// [`once`] for work whose result is shown at an address known beforehand: the claim stores it
/// at once, which saves writing it after the work.
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
    let claimed = super::prepared::prepared(
        "INSERT INTO form_submissions (id, user_id, result) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
    )
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
