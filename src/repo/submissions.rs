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

/// Runs `work` once per submission id, in one transaction with the claim, for work that creates
/// a row whose id its result's address names (a payment and its receipt). The claim takes the
/// row's id from `sequence` and stores the address at once, `prefix` followed by the id, so
/// nothing is written after the work; `work` gets the id and must create its row under it.
pub fn once_numbered<T>(
    conn: &mut PgConnection,
    id: Uuid,
    user_id: Option<i64>,
    sequence: &str,
    prefix: &str,
    work: impl FnOnce(&mut PgConnection, i64) -> Result<T, RepoError>,
) -> Result<Once<T>, RepoError> {
    #[derive(QueryableByName)]
    struct Claimed {
        #[diesel(sql_type = diesel::sql_types::Text)]
        result: String,
    }
    // As in `claim`: a repeat waits for a first claim still in flight, then takes nothing (and
    // leaves a gap in the sequence, as a rolled-back insert would).
    let outcome = super::tx::<_, RepoError, _>(conn, |conn| {
        let claimed: Option<Claimed> = super::prepared::prepared(
            "INSERT INTO form_submissions (id, user_id, result) \
             SELECT $1, $2, $3 || nextval($4::regclass) ON CONFLICT DO NOTHING RETURNING result",
        )
        .bind::<diesel::sql_types::Uuid, _>(id)
        .bind::<diesel::sql_types::Nullable<diesel::sql_types::BigInt>, _>(user_id)
        .bind::<diesel::sql_types::Text, _>(prefix)
        .bind::<diesel::sql_types::Text, _>(sequence)
        .get_result(conn)
        .optional()?;
        let Some(Claimed { result: shown_at }) = claimed else {
            return Ok(None);
        };
        let row = shown_at
            .strip_prefix(prefix)
            .and_then(|n| n.parse().ok())
            .ok_or_else(|| RepoError::Internal(anyhow::anyhow!("claimed {shown_at:?}")))?;
        Ok(Some((work(conn, row)?, shown_at)))
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
