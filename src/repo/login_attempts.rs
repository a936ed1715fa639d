//! Login attempts, counted for throttling by account and by client address.

use chrono::{DateTime, Utc};
use diesel::dsl::{count, count_star, max};
use diesel::prelude::*;

use super::RepoError;
use crate::domain::throttle::{self, Failures, Key, WINDOW};
use crate::schema::login_attempts;

/// How an attempt may go on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Begun {
    /// Recorded (as a failure until the password checks out): check the password.
    Go(i64),
    /// The account must wait this many seconds: refused unchecked.
    AccountWaits(u64),
    /// Recorded, and the address must wait: only a correct password goes on (an account that is
    /// not itself waiting is never refused its correct password).
    AddressWaits(i64, u64),
}

/// Starts an attempt: under per-account and per-address locks, either says how long the caller
/// must wait, or records the attempt as a failure (turned into a success by [`mark_succeeded`]
/// once the password checks out). Counting before the password is checked means parallel guesses
/// see each other, so a burst cannot get past the limit.
pub fn begin(
    conn: &mut PgConnection,
    username: &str,
    client_addr: &str,
    now: DateTime<Utc>,
) -> Result<Begun, RepoError> {
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
        if let Some(wait) = throttle::wait_needed(Key::Account, by_account, now) {
            return Ok(Begun::AccountWaits(wait));
        }
        let address_wait = throttle::wait_needed(Key::ClientAddress, by_addr, now);
        let id = diesel::insert_into(login_attempts::table)
            .values((
                login_attempts::username.eq(username),
                login_attempts::client_addr.eq(client_addr),
                login_attempts::succeeded.eq(false),
                login_attempts::at.eq(now),
            ))
            .returning(login_attempts::id)
            .get_result(conn)?;
        Ok(match address_wait {
            Some(wait) => Begun::AddressWaits(id, wait),
            None => Begun::Go(id),
        })
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
    let (count, last_at, accounts): (i64, Option<DateTime<Utc>>, i64) =
        by_key(login_attempts::table.into_boxed())
            .filter(login_attempts::succeeded.eq(false))
            .filter(login_attempts::at.gt(since))
            .select((
                count_star(),
                max(login_attempts::at),
                count(login_attempts::username).aggregate_distinct(),
            ))
            .first(conn)?;
    Ok(Failures {
        count,
        last_at,
        accounts,
    })
}

/// Forgets attempts older than a day (they no longer count for anything).
pub fn purge_old(conn: &mut PgConnection, now: DateTime<Utc>) -> Result<usize, RepoError> {
    Ok(diesel::delete(
        login_attempts::table.filter(login_attempts::at.lt(now - chrono::Duration::days(1))),
    )
    .execute(conn)?)
}
