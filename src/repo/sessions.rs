//! Server-side session rows. Keys arrive hashed; the cookie's key itself is never stored.

use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;

use super::RepoError;
use crate::schema::sessions;

/// The state of a live session.
pub fn load(
    conn: &mut PgConnection,
    key_hash: &str,
    now: DateTime<Utc>,
) -> Result<Option<serde_json::Value>, RepoError> {
    Ok(sessions::table
        .find(key_hash)
        .filter(sessions::expires_at.gt(now))
        .filter(sessions::absolute_expires_at.gt(now))
        .select(sessions::state)
        .first(conn)
        .optional()?)
}

/// Stores a new session.
pub fn insert(
    conn: &mut PgConnection,
    key_hash: &str,
    state: &serde_json::Value,
    user_id: Option<i64>,
    idle_ttl: Duration,
    absolute_ttl: Duration,
    now: DateTime<Utc>,
) -> Result<(), RepoError> {
    diesel::insert_into(sessions::table)
        .values((
            sessions::key_hash.eq(key_hash),
            sessions::state.eq(state),
            sessions::user_id.eq(user_id),
            sessions::created_at.eq(now),
            sessions::expires_at.eq(now + idle_ttl),
            sessions::absolute_expires_at.eq(now + absolute_ttl),
        ))
        .execute(conn)?;
    Ok(())
}

/// Replaces a live session's state; `false` when it has ended meanwhile.
pub fn update(
    conn: &mut PgConnection,
    key_hash: &str,
    state: &serde_json::Value,
    user_id: Option<i64>,
    idle_ttl: Duration,
    now: DateTime<Utc>,
) -> Result<bool, RepoError> {
    let n = diesel::update(
        sessions::table
            .find(key_hash)
            .filter(sessions::absolute_expires_at.gt(now)),
    )
    .set((
        sessions::state.eq(state),
        sessions::user_id.eq(user_id),
        sessions::expires_at.eq(now + idle_ttl),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// Pushes the idle expiry forward.
pub fn touch(
    conn: &mut PgConnection,
    key_hash: &str,
    idle_ttl: Duration,
    now: DateTime<Utc>,
) -> Result<(), RepoError> {
    diesel::update(
        sessions::table
            .find(key_hash)
            .filter(sessions::expires_at.gt(now)),
    )
    .set(sessions::expires_at.eq(now + idle_ttl))
    .execute(conn)?;
    Ok(())
}

/// Ends one session.
pub fn delete(conn: &mut PgConnection, key_hash: &str) -> Result<(), RepoError> {
    diesel::delete(sessions::table.find(key_hash)).execute(conn)?;
    Ok(())
}

/// Ends every session of a user (account disabled, password reset).
pub fn delete_for_user(conn: &mut PgConnection, user_id: i64) -> Result<usize, RepoError> {
    Ok(diesel::delete(sessions::table.filter(sessions::user_id.eq(user_id))).execute(conn)?)
}

/// Ends every session of a user except `keep_hash` (own password changed).
pub fn delete_others_for_user(
    conn: &mut PgConnection,
    user_id: i64,
    keep_hash: &str,
) -> Result<usize, RepoError> {
    Ok(diesel::delete(
        sessions::table
            .filter(sessions::user_id.eq(user_id))
            .filter(sessions::key_hash.ne(keep_hash)),
    )
    .execute(conn)?)
}

/// Removes expired sessions.
pub fn purge_expired(conn: &mut PgConnection, now: DateTime<Utc>) -> Result<usize, RepoError> {
    Ok(diesel::delete(
        sessions::table.filter(
            sessions::expires_at
                .le(now)
                .or(sessions::absolute_expires_at.le(now)),
        ),
    )
    .execute(conn)?)
}
