//! Sessions kept in PostgreSQL through actix-session's `SessionStore`, so logging out or
//! disabling a user ends their sessions at once and several instances share them. The cookie
//! holds a random key; the table holds only its SHA-256.
//!
//! The server also keeps each session it read in memory, with the revisions it was read at
//! (the session's, its account's, the branches'), and answers the next requests from there
//! instead of reading the database before each one. Every such request owes a proof that the
//! kept session is still current ([`session::proof`]): its first unit of work proves it in the
//! batch that opens the transaction, so nothing it writes commits on a session that ended or
//! changed, and a request without a unit of work proves it after its handler
//! (`session::gate`). A failed proof drops the kept session, and the request is answered
//! with a redirect that makes the browser send it again. The idle expiry is still pushed on by
//! a read from the database, once it has fallen a step behind ([`sessions::touch_step`]): the
//! kept copy is not used past that.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use actix_session::storage::{LoadError, SaveError, SessionKey, SessionStore, UpdateError};
use actix_web::cookie::time::Duration as CookieDuration;
use chrono::{Duration, Utc};
use rand::Rng;
use rand::distr::Alphanumeric;
use sha2::{Digest, Sha256};

use crate::db::{self, Pool};
use crate::repo::{RepoError, sessions};
use crate::session::proof::{self, Forget, SessionProof};
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
    memory: Arc<Memory>,
}

/// At most this many sessions are kept in memory; past it, the memory starts again empty.
const MAX_KEPT: usize = 10_000;

/// A session as read from the database, with what proves it still current.
#[derive(Clone)]
struct Kept {
    state: State,
    rev: i64,
    user: Option<(i64, i64)>,
    branches_rev: i64,
    expires_at: chrono::DateTime<Utc>,
    absolute_expires_at: chrono::DateTime<Utc>,
}

/// The sessions this server keeps, by key hash.
#[derive(Default)]
struct Memory {
    kept: Mutex<HashMap<String, Kept>>,
}

impl Memory {
    fn get(&self, key_hash: &str) -> Option<Kept> {
        self.kept.lock().ok()?.get(key_hash).cloned()
    }

    fn put(&self, key_hash: String, kept: Kept) {
        if let Ok(mut map) = self.kept.lock() {
            if map.len() >= MAX_KEPT {
                map.clear();
            }
            map.insert(key_hash, kept);
        }
    }
}

impl Forget for Memory {
    fn forget(&self, key_hash: &str) {
        if let Ok(mut map) = self.kept.lock() {
            map.remove(key_hash);
        }
    }
}

impl PgSessionStore {
    /// A store on `pool`. A session ends after `idle_ttl` without a request, and `absolute_ttl`
    /// after sign-in whatever the activity.
    pub fn new(pool: Pool, idle_ttl: Duration, absolute_ttl: Duration) -> Self {
        Self {
            pool,
            idle_ttl,
            absolute_ttl,
            memory: Arc::default(),
        }
    }

    /// The kept copy of a session, if there is one this request may use: it must be able to owe
    /// the proof (it runs inside a request's [`proof::scope`]), and the idle expiry must not be
    /// due to be pushed on, nor the session past its absolute expiry.
    fn kept(&self, key_hash: &str, now: chrono::DateTime<Utc>) -> Option<Kept> {
        if !proof::can_owe() {
            return None;
        }
        let kept = self.memory.get(key_hash)?;
        let due = kept.expires_at < now + self.idle_ttl - sessions::touch_step(self.idle_ttl);
        if due || kept.absolute_expires_at <= now {
            return None;
        }
        Some(kept)
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

/// The id and revision of the account JSON the session read returns.
fn account_rev(account: &str) -> Option<(i64, i64)> {
    #[derive(serde::Deserialize)]
    struct Rev {
        id: i64,
        rev: i64,
    }
    serde_json::from_str::<Rev>(account)
        .ok()
        .map(|r| (r.id, r.rev))
}

fn ttl(d: &CookieDuration) -> Duration {
    Duration::seconds(d.whole_seconds())
}

impl SessionStore for PgSessionStore {
    async fn load(&self, session_key: &SessionKey) -> Result<Option<State>, LoadError> {
        let hash = hash_key(session_key.as_ref());
        let now = Utc::now();
        if let Some(kept) = self.kept(&hash, now) {
            proof::owe(SessionProof {
                key_hash: hash,
                rev: kept.rev,
                user: kept.user,
                branches_rev: kept.branches_rev,
                keeper: self.memory.clone(),
            });
            return Ok(Some(kept.state));
        }
        let idle = self.idle_ttl;
        // Loading also extends the idle expiry (see `update_ttl`) and reads the account.
        let key = hash.clone();
        let found = self
            .run(move |conn| sessions::load_and_touch(conn, &key, SESSION_USER, idle, now))
            .await
            .map_err(LoadError::Other)?;
        let Some(found) = found else {
            self.memory.forget(&hash);
            return Ok(None);
        };
        let sessions::Loaded {
            state,
            account,
            rev,
            branches_rev,
            expires_at,
            absolute_expires_at,
        } = found;
        let mut state = from_json(state).map_err(LoadError::Deserialization)?;
        state.remove(SESSION_ACCOUNT);
        let named = user_of(&state);
        let found_account = account.as_deref().and_then(account_rev);
        if let Some(account) = account {
            state.insert(SESSION_ACCOUNT.to_string(), account);
        }
        let kept = |user| Kept {
            state: state.clone(),
            rev,
            user,
            branches_rev,
            expires_at,
            absolute_expires_at,
        };
        // Kept only when the state names no account, or names one that was found.
        match (named, found_account) {
            (None, _) => self.memory.put(hash, kept(None)),
            (Some(id), Some((found_id, user_rev))) if id == found_id => {
                self.memory.put(hash, kept(Some((id, user_rev))))
            }
            _ => self.memory.forget(&hash),
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
        self.memory.forget(&hash);
        let key = hash.clone();
        self.run(move |conn| sessions::update(conn, &key, &json, user, idle, Utc::now()))
            .await
            .map_err(UpdateError::Other)?;
        // Forgotten again: a read running meanwhile may have kept the state before this one.
        self.memory.forget(&hash);
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
        self.memory.forget(&hash);
        self.run(move |conn| sessions::delete(conn, &hash)).await
    }
}
