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
        let claimed = diesel::insert_into(form_submissions::table)
            .values((
                form_submissions::id.eq(id),
                form_submissions::user_id.eq(user_id),
            ))
            .on_conflict_do_nothing()
            .execute(conn)?;
        if claimed == 0 {
            return Ok(None);
        }
        let (value, shown_at) = work(conn)?;
        diesel::update(form_submissions::table.find(id))
            .set(form_submissions::result.eq(&shown_at))
            .execute(conn)?;
        Ok(Some((value, shown_at)))
    })?;
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
