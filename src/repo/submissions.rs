//! One-time submission ids for money forms. Each form carries a fresh id; the action claims it
//! in the same transaction as the work and stores where its result is shown. A repeated POST
//! with the same id finds it taken (waiting, if need be, for the first to commit) and is sent to
//! the first result instead of doing the work again.

use diesel::prelude::*;
use uuid::Uuid;

use super::{RepoError, unique_violation};
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
    let outcome = conn.transaction(|conn| {
        diesel::insert_into(form_submissions::table)
            .values((
                form_submissions::id.eq(id),
                form_submissions::user_id.eq(user_id),
            ))
            .execute(conn)?;
        let (value, shown_at) = work(conn)?;
        diesel::update(form_submissions::table.find(id))
            .set(form_submissions::result.eq(&shown_at))
            .execute(conn)?;
        Ok((value, shown_at))
    });
    match outcome {
        Ok((value, shown_at)) => Ok(Once::Done(value, shown_at)),
        Err(RepoError::Database(e)) if unique_violation(&e) == Some("form_submissions_pkey") => {
            let shown_at: String = form_submissions::table
                .find(id)
                .select(form_submissions::result)
                .first(conn)?;
            Ok(Once::Repeated(shown_at))
        }
        Err(e) => Err(e),
    }
}
