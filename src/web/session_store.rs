//! Sessions kept in PostgreSQL through actix-session's `SessionStore`, so logging out or
//! disabling a user ends their sessions at once and several instances share them. The cookie
//! holds a random key; the table holds only its SHA-256.

use std::collections::HashMap;

use actix_session::storage::{LoadError, SaveError, SessionKey, SessionStore, UpdateError};
use actix_web::cookie::time::Duration as CookieDuration;
use chrono::{Duration, Utc};
use rand::Rng;
use rand::distr::Alphanumeric;
use sha2::{Digest, Sha256};

use crate::db::{self, Pool};
use crate::repo::{RepoError, sessions};
use crate::web::access::SESSION_USER;

type State = HashMap<String, String>;

/// The state entry where `load` puts the signed-in account it read with the session (see
/// [`sessions::load_and_touch`]); the guard takes the account from there. It lives for the one
/// request: saving a session leaves it out.
pub const SESSION_ACCOUNT: &str = "_account";

/// The PostgreSQL session store.
#[derive(Clone)]
pub struct PgSessionStore {
    pool: Pool,
    idle_ttl: Duration,
    absolute_ttl: Duration,
}

impl PgSessionStore {
    /// A store on `pool`. A session ends after `idle_ttl` without a request, and `absolute_ttl`
    /// after sign-in whatever the activity.
    pub fn new(pool: Pool, idle_ttl: Duration, absolute_ttl: Duration) -> Self {
        Self {
            pool,
            idle_ttl,
            absolute_ttl,
        }
    }

    /// Each call is one statement, or two that need not be atomic (a load whose idle expiry fell
    /// behind), so it runs without `BEGIN` and `COMMIT` around it.
    async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut diesel::PgConnection) -> Result<T, RepoError> + Send + 'static,
    ) -> anyhow::Result<T> {
        Ok(db::plain(&self.pool, f).await?)
    }
}

/// The stored form of a cookie's key.
pub fn hash_key(key: &str) -> String {
    hex::encode(Sha256::digest(key.as_bytes()))
}

fn user_of(state: &State) -> Option<i64> {
    state.get(SESSION_USER).and_then(|v| v.parse().ok())
}

fn to_json(state: &State) -> serde_json::Value {
    serde_json::Value::Object(
        state
            .iter()
            .filter(|(k, _)| k.as_str() != SESSION_ACCOUNT)
            .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
            .collect(),
    )
}

fn from_json(value: serde_json::Value) -> anyhow::Result<State> {
    match value {
        serde_json::Value::Object(map) => Ok(map
            .into_iter()
            .filter_map(|(k, v)| match v {
                serde_json::Value::String(s) => Some((k, s)),
                _ => None,
            })
            .collect()),
        _ => Err(anyhow::anyhow!("session state is not an object")),
    }
}

fn ttl(d: &CookieDuration) -> Duration {
    Duration::seconds(d.whole_seconds())
}

impl SessionStore for PgSessionStore {
    async fn load(&self, session_key: &SessionKey) -> Result<Option<State>, LoadError> {
        let hash = hash_key(session_key.as_ref());
        let idle = self.idle_ttl;
        // Loading also extends the idle expiry (see `update_ttl`) and reads the account.
        let found = self
            .run(move |conn| sessions::load_and_touch(conn, &hash, SESSION_USER, idle, Utc::now()))
            .await
            .map_err(LoadError::Other)?;
        let Some(found) = found else {
            return Ok(None);
        };
        let mut state = from_json(found.state).map_err(LoadError::Deserialization)?;
        state.remove(SESSION_ACCOUNT);
        if let Some(account) = found.account {
            state.insert(SESSION_ACCOUNT.to_string(), account);
        }
        Ok(Some(state))
    }

    async fn save(&self, state: State, ttl_: &CookieDuration) -> Result<SessionKey, SaveError> {
        let key: String = rand::rng()
            .sample_iter(&Alphanumeric)
            .take(64)
            .map(char::from)
            .collect();
        let hash = hash_key(&key);
        let (idle, absolute) = (ttl(ttl_), self.absolute_ttl);
        let user = user_of(&state);
        let json = to_json(&state);
        self.run(move |conn| {
            sessions::insert(conn, &hash, &json, user, idle, absolute, Utc::now())
        })
        .await
        .map_err(SaveError::Other)?;
        SessionKey::try_from(key).map_err(|e| SaveError::Other(e.into()))
    }

    async fn update(
        &self,
        session_key: SessionKey,
        state: State,
        ttl_: &CookieDuration,
    ) -> Result<SessionKey, UpdateError> {
        let hash = hash_key(session_key.as_ref());
        let idle = ttl(ttl_);
        let user = user_of(&state);
        let json = to_json(&state);
        // When the row is gone (logged out or ended by an admin meanwhile) it stays gone: the
        // stale cookie then finds nothing on its next request.
        self.run(move |conn| sessions::update(conn, &hash, &json, user, idle, Utc::now()))
            .await
            .map_err(UpdateError::Other)?;
        Ok(session_key)
    }

    /// Nothing to do: `load` already pushed the idle expiry forward in the statement that read
    /// the session, which saves every request that changes no session state a second trip to
    /// the database.
    async fn update_ttl(
        &self,
        _session_key: &SessionKey,
        _ttl: &CookieDuration,
    ) -> anyhow::Result<()> {
        Ok(())
    }

    async fn delete(&self, session_key: &SessionKey) -> anyhow::Result<()> {
        let hash = hash_key(session_key.as_ref());
        self.run(move |conn| sessions::delete(conn, &hash)).await
    }
}
