//! Connection pool, the embedded cluster, migrations and the `db()` helper every handler uses.

pub mod embedded;
pub mod migrate;
pub mod roles;

use actix_web::web;
use diesel::pg::PgConnection;
use diesel::r2d2::{ConnectionManager, PooledConnection};
use diesel::sql_types::Text;
use diesel::{Connection, RunQueryDsl};

use crate::error::AppError;
use crate::repo::RepoError;

/// The server's pool; it connects as the application role.
pub type Pool = r2d2::Pool<ConnectionManager<PgConnection>>;
/// One connection taken from the pool.
pub type PooledConn = PooledConnection<ConnectionManager<PgConnection>>;

/// Builds the pool for `url` (the application role's URL).
pub fn build_pool(url: &str, max_size: u32) -> anyhow::Result<Pool> {
    let manager = ConnectionManager::<PgConnection>::new(url);
    r2d2::Pool::builder()
        .max_size(max_size)
        .connection_timeout(std::time::Duration::from_secs(10))
        // No `SELECT 1` before every use (a round trip on each of a request's checkouts); a
        // connection whose server went away is dropped after its failed use (see `plain`).
        .test_on_check_out(false)
        .build(manager)
        .map_err(|e| anyhow::anyhow!("connecting to {}: {e}", migrate::redact(url)))
}

/// Who is acting: written into the transaction's settings so that row-level policies and
/// triggers can see it (`current_setting('workbay.user_id', true)`).
#[derive(Debug, Clone, Default)]
pub struct Actor {
    /// The signed-in staff user, if any.
    pub user_id: Option<i64>,
    /// The branches whose records this user may see.
    pub branch_ids: Vec<i64>,
}

impl Actor {
    /// Nobody signed in yet (login, health checks).
    pub fn anonymous() -> Self {
        Self::default()
    }
}

/// Runs `f` on the blocking thread pool inside one transaction that first records the acting user.
/// Every handler reaches the database through this.
pub async fn db<T, F>(pool: &Pool, actor: &Actor, f: F) -> Result<T, AppError>
where
    F: FnOnce(&mut PgConnection) -> Result<T, RepoError> + Send + 'static,
    T: Send + 'static,
{
    let actor = actor.clone();
    plain(pool, move |conn| {
        conn.transaction(|conn| {
            set_actor(conn, &actor)?;
            f(conn)
        })
    })
    .await
    .map_err(AppError::from)
}

/// Runs `f` on the blocking thread pool with no transaction around it, so each statement commits
/// on its own: for the session store's single statements (one of them, before each request,
/// also reads the signed-in account), where a `BEGIN` and `COMMIT` would be two more round trips.
///
/// The pool does not test connections before lending them. When a connection's server has gone
/// (a restart, a killed backend), libpq reports its transaction status as unknown, Diesel counts
/// the connection broken, and the pool closes it instead of lending it again: one use fails and
/// the next reconnects (tests/api/ops.rs proves it).
pub async fn plain<T, F>(pool: &Pool, f: F) -> Result<T, RepoError>
where
    F: FnOnce(&mut PgConnection) -> Result<T, RepoError> + Send + 'static,
    T: Send + 'static,
{
    let pool = pool.clone();
    web::block(move || {
        let mut conn = pool
            .get()
            .map_err(|e| RepoError::Unavailable(e.to_string()))?;
        f(&mut conn)
    })
    .await
    .map_err(|e| RepoError::Internal(anyhow::anyhow!("blocking task failed: {e}")))?
}

fn set_actor(conn: &mut PgConnection, actor: &Actor) -> Result<(), RepoError> {
    let user = actor.user_id.map(|id| id.to_string()).unwrap_or_default();
    let branches = actor
        .branch_ids
        .iter()
        .map(|id| id.to_string())
        .collect::<Vec<_>>()
        .join(",");
    // Through the query builder (not `sql_query`) so the statement is prepared once per
    // connection: it opens every transaction.
    diesel::select((
        set_config("workbay.user_id", user, true),
        set_config("workbay.branch_ids", branches, true),
    ))
    .execute(conn)?;
    Ok(())
}

diesel::define_sql_function! {
    /// PostgreSQL's `set_config(name, value, is_local)`.
    fn set_config(name: Text, value: Text, is_local: diesel::sql_types::Bool) -> Text;
}
