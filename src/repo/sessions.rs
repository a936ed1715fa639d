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
    /// `full_name`, `role`, `home_branch_id`, `active`, `must_change_password`, and `branches`
    /// (`[id, name]` of every active branch and the home branch, by name). `None` when the
    /// state names no account or the account is gone.
    pub account: Option<String>,
}

/// The state of a live session and the account it is signed in as, pushing the session's idle
/// expiry to `now + idle_ttl`, all in one call of the `session_load` function (this runs before
/// every request). The expiry is written only once it has fallen behind by a twentieth of the
/// idle time (at most a minute), so a run of requests reads the row without rewriting it.
pub fn load_and_touch(
    conn: &mut PgConnection,
    key_hash: &str,
    user_key: &str,
    idle_ttl: Duration,
    now: DateTime<Utc>,
) -> Result<Option<Loaded>, RepoError> {
    #[derive(QueryableByName)]
    struct Live {
        #[diesel(sql_type = diesel::sql_types::Jsonb)]
        state: serde_json::Value,
        #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
        account: Option<String>,
    }
    let step = (idle_ttl / 20).min(Duration::minutes(1));
    let expires = now + idle_ttl;
    let found: Option<Live> =
        super::prepared::prepared("SELECT state, account FROM session_load($1, $2, $3, $4, $5)")
            .bind::<diesel::sql_types::Text, _>(key_hash)
            .bind::<diesel::sql_types::Timestamptz, _>(now)
            .bind::<diesel::sql_types::Timestamptz, _>(expires)
            .bind::<diesel::sql_types::Timestamptz, _>(expires - step)
            .bind::<diesel::sql_types::Text, _>(user_key)
            .get_result(conn)
            .optional()?;
    Ok(found.map(|l| Loaded {
        state: l.state,
        account: l.account,
    }))
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
