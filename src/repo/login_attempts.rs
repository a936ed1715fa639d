//! Login attempts, counted for throttling by account and by client address.

use chrono::{DateTime, Utc};
use diesel::dsl::{count_star, max};
use diesel::prelude::*;

use super::RepoError;
use crate::domain::throttle::{Failures, Key, WINDOW};
use crate::schema::login_attempts;

/// Records one attempt.
pub fn record(
    conn: &mut PgConnection,
    username: &str,
    client_addr: &str,
    succeeded: bool,
) -> Result<(), RepoError> {
    diesel::insert_into(login_attempts::table)
        .values((
            login_attempts::username.eq(username),
            login_attempts::client_addr.eq(client_addr),
            login_attempts::succeeded.eq(succeeded),
        ))
        .execute(conn)?;
    Ok(())
}

/// Failures for one key within the window and since that key's last success.
pub fn recent_failures(
    conn: &mut PgConnection,
    key: Key,
    value: &str,
    now: DateTime<Utc>,
) -> Result<Failures, RepoError> {
    let since = now - WINDOW;
    let by_key = |q: login_attempts::BoxedQuery<'static, diesel::pg::Pg>| match key {
        Key::Account => q.filter(login_attempts::username.eq(value.to_string())),
        Key::ClientAddress => q.filter(login_attempts::client_addr.eq(value.to_string())),
    };
    let last_success: Option<DateTime<Utc>> = by_key(login_attempts::table.into_boxed())
        .filter(login_attempts::succeeded.eq(true))
        .filter(login_attempts::at.ge(since))
        .select(max(login_attempts::at))
        .first::<Option<DateTime<Utc>>>(conn)?;
    let since = last_success.map_or(since, |s| s.max(since));
    let (count, last_at): (i64, Option<DateTime<Utc>>) = by_key(login_attempts::table.into_boxed())
        .filter(login_attempts::succeeded.eq(false))
        .filter(login_attempts::at.gt(since))
        .select((count_star(), max(login_attempts::at)))
        .first(conn)?;
    Ok(Failures { count, last_at })
}

/// Forgets attempts older than a day (they no longer count for anything).
pub fn purge_old(conn: &mut PgConnection, now: DateTime<Utc>) -> Result<usize, RepoError> {
    Ok(diesel::delete(login_attempts::table.filter(login_attempts::at.lt(now - chrono::Duration::days(1))))
        .execute(conn)?)
}
