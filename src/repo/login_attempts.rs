//! Login attempts, counted for throttling by account and by client address.

use chrono::{DateTime, Utc};
use diesel::dsl::{count_star, max};
use diesel::prelude::*;

use super::RepoError;
use crate::domain::throttle::{self, Failures, Key, WINDOW};
use crate::schema::login_attempts;

/// Starts an attempt: under per-account and per-address locks, either says how long the caller
/// must wait, or records the attempt as a failure (turned into a success by [`mark_succeeded`]
/// once the password checks out). Counting before the password is checked means parallel guesses
/// see each other, so a burst cannot get past the limit.
pub fn begin(
    conn: &mut PgConnection,
    username: &str,
    client_addr: &str,
    now: DateTime<Utc>,
) -> Result<Result<i64, u64>, RepoError> {
    super::tx(conn, |conn| {
        for key in [
            format!("login-account:{username}"),
            format!("login-addr:{client_addr}"),
        ] {
            diesel::sql_query("SELECT pg_advisory_xact_lock(hashtext($1))")
                .bind::<diesel::sql_types::Text, _>(key)
                .execute(conn)?;
        }
        let by_account = recent_failures(conn, Key::Account, username, now)?;
        let by_addr = recent_failures(conn, Key::ClientAddress, client_addr, now)?;
        let wait = [
            throttle::wait_needed(Key::Account, by_account, now),
            throttle::wait_needed(Key::ClientAddress, by_addr, now),
        ]
        .into_iter()
        .flatten()
        .max();
        if let Some(wait) = wait {
            return Ok(Err(wait));
        }
        let id = diesel::insert_into(login_attempts::table)
            .values((
                login_attempts::username.eq(username),
                login_attempts::client_addr.eq(client_addr),
                login_attempts::succeeded.eq(false),
                login_attempts::at.eq(now),
            ))
            .returning(login_attempts::id)
            .get_result(conn)?;
        Ok(Ok(id))
    })
}

/// The password was right: the attempt no longer counts as a failure.
pub fn mark_succeeded(conn: &mut PgConnection, id: i64) -> Result<(), RepoError> {
    diesel::update(login_attempts::table.find(id))
        .set((
            login_attempts::succeeded.eq(true),
            login_attempts::at.eq(diesel::dsl::now),
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
    Ok(diesel::delete(
        login_attempts::table.filter(login_attempts::at.lt(now - chrono::Duration::days(1))),
    )
    .execute(conn)?)
}
