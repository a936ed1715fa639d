//! Server-side session rows. Keys arrive hashed; the cookie's key itself is never stored.

use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;

use super::RepoError;
use crate::schema::sessions;

/// A live session as read at the start of a request.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The stored state.
    pub state: serde_json::Value,
    /// The account named by the state's `user_key` entry, as JSON text: `id`, `username`,
    /// `full_name`, `role`, `home_branch_id`, `active`, `must_change_password`, `rev`, and
    /// `branches` (`[id, name, timezone, currency, country]` of every active branch and the home branch, by name).
    /// `None` when the state names no account or the account is gone.
    pub account: Option<String>,
    /// The session's revision (moves when its state is replaced).
    pub rev: i64,
    /// The branches' revision (moves with any change to them).
    pub branches_rev: i64,
    /// The idle expiry as it stands after this read.
    pub expires_at: DateTime<Utc>,
    /// The absolute expiry.
    pub absolute_expires_at: DateTime<Utc>,
}

/// The state of a live session and the account it is signed in as, pushing the session's idle
/// expiry to `now + idle_ttl` (this runs before every request). The read is one prepared
/// statement. The expiry is written, by a second statement, only once it has fallen behind by a
/// twentieth of the idle time (at most a minute), so most requests cost one round trip and no
/// write.
///
/// One plain `SELECT` instead of the PL/pgSQL `session_load` function that did the same in one
/// call: the function ran three statements of its own and returned through a tuple store, and
/// cost more a call than this statement (docs/benchmarks.md).
pub fn load_and_touch(
    conn: &mut PgConnection,
    key_hash: &str,
    user_key: &str,
    idle_ttl: Duration,
    now: DateTime<Utc>,
) -> Result<Option<Loaded>, RepoError> {
    use diesel::sql_types::{BigInt, Jsonb, Nullable, Text, Timestamptz};
    #[derive(QueryableByName)]
    struct Live {
        #[diesel(sql_type = Jsonb)]
        state: serde_json::Value,
        #[diesel(sql_type = Timestamptz)]
        expires_at: DateTime<Utc>,
        #[diesel(sql_type = Timestamptz)]
        absolute_expires_at: DateTime<Utc>,
        #[diesel(sql_type = BigInt)]
        rev: i64,
        #[diesel(sql_type = BigInt)]
        branches_rev: i64,
        #[diesel(sql_type = Nullable<Text>)]
        account: Option<String>,
    }
    // The account's id is the state's `user_key` entry when it is all digits (at most 18, so it
    // fits a bigint); anything else names no account. It is worked out in a scalar subquery of
    // its own, so that PostgreSQL finds the account by that one value instead of testing the
    // expression against every staff row.
    const SQL: &str = "SELECT x.state, x.expires_at, x.absolute_expires_at, x.rev,
               (SELECT r.rev FROM branches_rev r) AS branches_rev, (
            SELECT json_build_object(
                       'id', u.id, 'username', u.username, 'full_name', u.full_name, 'role', u.role,
                       'home_branch_id', u.home_branch_id, 'active', u.active,
                       'must_change_password', u.must_change_password, 'rev', u.rev,
                       'branches', (SELECT COALESCE(json_agg(json_build_array(b.id, b.name, b.timezone, b.currency, b.country) ORDER BY b.name, b.id), '[]')
                                    FROM branches b WHERE b.active OR b.id = u.home_branch_id))::text
            FROM staff_users u
            WHERE u.id = (SELECT CASE WHEN length(v) BETWEEN 1 AND 18 AND v !~ '[^0-9]' THEN v::bigint END
                          FROM (SELECT x.state->>$3 AS v) k)) AS account
        FROM sessions x
        WHERE x.key_hash = $1 AND x.expires_at > $2 AND x.absolute_expires_at > $2";
    let found: Option<Live> = super::prepared::prepared(SQL)
        .bind::<Text, _>(key_hash)
        .bind::<Timestamptz, _>(now)
        .bind::<Text, _>(user_key)
        .get_result(conn)
        .optional()?;
    let Some(found) = found else {
        return Ok(None);
    };
    let step = touch_step(idle_ttl);
    let expires = now + idle_ttl;
    let mut expires_at = found.expires_at;
    if expires_at < expires - step {
        // A session that ended meanwhile (logged out, disabled, timed out) is not brought back.
        super::prepared::prepared(
            "UPDATE sessions SET expires_at = $1 \
             WHERE key_hash = $2 AND expires_at > $3 AND expires_at < $1 AND absolute_expires_at > $3",
        )
        .bind::<Timestamptz, _>(expires)
        .bind::<Text, _>(key_hash)
        .bind::<Timestamptz, _>(now)
        .execute(conn)?;
        expires_at = expires;
    }
    Ok(Some(Loaded {
        state: found.state,
        account: found.account,
        rev: found.rev,
        branches_rev: found.branches_rev,
        expires_at,
        absolute_expires_at: found.absolute_expires_at,
    }))
}

/// How far the idle expiry may fall behind `now + idle_ttl` before a read pushes it on: a
/// twentieth of the idle time, at most a minute.
pub fn touch_step(idle_ttl: Duration) -> Duration {
    (idle_ttl / 20).min(Duration::minutes(1))
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
        sessions::rev.eq(sessions::rev + 1),
    ))
    .execute(conn)?;
    Ok(n == 1)
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
