//! Connection pool, the embedded cluster, migrations and the `db()` helper every handler uses.

pub mod embedded;
pub mod migrate;
pub mod roles;
pub mod turns;

use std::sync::Arc;

use actix_web::web;
use diesel::connection::{AnsiTransactionManager, SimpleConnection, TransactionManager};
use diesel::pg::PgConnection;
use diesel::r2d2::{ConnectionManager, PooledConnection};

use crate::error::AppError;
use crate::repo::RepoError;
use crate::repo::unit_of_work::UnitOfWork;
use crate::session::proof;
use turns::Turns;

/// The server's pool; it connects as the application role.
///
/// Requests also take turns at the database: at most `concurrency` of them work in it at once,
/// the others wait, the oldest request first ([`turns`]; the pool's own wait is not fair, and
/// each request checks out up to three times). On two cores, 16 tills sending back to back then
/// finish each write in about the same time instead of some waiting behind many others, and
/// fewer backends fighting over the cores spend less CPU per request (README, "Benchmarks").
#[derive(Clone)]
pub struct Pool {
    conns: r2d2::Pool<ConnectionManager<PgConnection>>,
    turns: Arc<Turns>,
}

impl Pool {
    /// A connection, outside the turns (start-up, background work, tests).
    pub fn get(&self) -> Result<PooledConn, r2d2::Error> {
        self.conns.get()
    }

    /// The pool's connection counts.
    pub fn state(&self) -> r2d2::State {
        self.conns.state()
    }

    /// The most connections it opens.
    pub fn max_size(&self) -> u32 {
        self.conns.max_size()
    }

    /// This pool with at most `n` requests (at least one) working in the database at once.
    pub fn with_concurrency(self, n: usize) -> Self {
        Self {
            turns: Turns::new(n),
            ..self
        }
    }
}
/// One connection taken from the pool.
pub type PooledConn = PooledConnection<ConnectionManager<PgConnection>>;

/// Builds the pool for `url` (the application role's URL).
pub fn build_pool(url: &str, max_size: u32) -> anyhow::Result<Pool> {
    let manager = ConnectionManager::<PgConnection>::new(url);
    let conns = r2d2::Pool::builder()
        .max_size(max_size)
        .connection_timeout(std::time::Duration::from_secs(10))
        // No `SELECT 1` before every use (a round trip on each of a request's checkouts); a
        // connection whose server went away is dropped after its failed use (see `plain`).
        .test_on_check_out(false)
        .connection_customizer(Box::new(SessionSettings))
        .build(manager)
        .map_err(|e| anyhow::anyhow!("connecting to {}: {e}", migrate::redact(url)))?;
    Ok(Pool {
        conns,
        turns: Turns::new(max_size as usize),
    })
}

/// The statements that open a unit of work after its `BEGIN` ([`begin_as`]), prepared once per
/// connection so that each opening only executes them: the actor's settings, and with them the
/// proof of a session served from memory ([`proof::SessionProof::sql_args`]).
const BEGIN_STATEMENTS: &str = "\
    PREPARE workbay_begin (text, text) AS \
      SELECT set_config('workbay.user_id', $1, true), set_config('workbay.branch_ids', $2, true); \
    PREPARE workbay_begin_proving (text, text, text, bigint, bigint, bigint, bigint) AS \
      SELECT set_config('workbay.user_id', $1, true), set_config('workbay.branch_ids', $2, true), \
             session_unchanged($3, $4, $5, $6, $7)";

/// Settings every pooled connection starts with, for statements answering a request on a
/// small server (docs/benchmarks.md), then the prepared statements of [`BEGIN_STATEMENTS`].
/// The settings:
/// - no parallel workers: starting them cost more than they saved on two cores (the customer
///   rankings were slower with two workers than without), and under concurrent requests they
///   only compete for the same cores;
/// - no JIT compilation: it is tried for any statement whose estimated cost passes 100,000,
///   costs tens of milliseconds to compile, and none of these statements runs long enough to
///   win that back.
#[derive(Debug)]
struct SessionSettings;

impl diesel::r2d2::CustomizeConnection<PgConnection, diesel::r2d2::Error> for SessionSettings {
    fn on_acquire(&self, conn: &mut PgConnection) -> Result<(), diesel::r2d2::Error> {
        conn.batch_execute(&format!(
            "SET max_parallel_workers_per_gather = 0; SET jit = off; {BEGIN_STATEMENTS}"
        ))
        .map_err(diesel::r2d2::Error::QueryError)
    }
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
    // A session served from memory is proven in the batch that opens the transaction.
    let owed = match proof::standing() {
        proof::Standing::Changed => return Err(RepoError::SessionChanged.into()),
        proof::Standing::Owed(p) => Some(p),
        proof::Standing::Clear | proof::Standing::Proven => None,
    };
    let proving = match &owed {
        Some(p) => {
            let Some(args) = p.sql_args() else {
                proof::changed();
                return Err(RepoError::SessionChanged.into());
            };
            Some(args)
        }
        None => None,
    };
    let began = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let began_here = began.clone();
    let actor = actor.clone();
    let result = plain(pool, move |conn| {
        begin_as(conn, &actor, proving.as_deref())?;
        began_here.store(true, std::sync::atomic::Ordering::Relaxed);
        let unit = UnitOfWork::open();
        let outcome = f(conn);
        let keep = outcome.is_ok() && !unit.failed();
        drop(unit);
        if keep {
            AnsiTransactionManager::commit_transaction(conn)?;
            return outcome;
        }
        // An error, or a step that failed and was answered (a form shown again with its
        // errors): nothing the unit of work wrote is kept.
        match AnsiTransactionManager::rollback_transaction(conn) {
            Ok(()) | Err(diesel::result::Error::BrokenTransactionManager) => outcome,
            Err(rollback) => Err(rollback.into()),
        }
    })
    .await;
    if owed.is_some() {
        if matches!(result, Err(RepoError::SessionChanged)) {
            proof::changed();
        } else if began.load(std::sync::atomic::Ordering::Relaxed) {
            proof::proven();
        }
    }
    result.map_err(AppError::from)
}

/// Opens the transaction and records the actor in one round trip: `BEGIN` and the execution of
/// a statement prepared with the connection ([`BEGIN_STATEMENTS`]) that makes the two
/// `set_config` calls, and proves the session when a proof is owed
/// ([`proof::SessionProof::sql_args`]), go as one simple-protocol batch. The values are ids
/// formatted from integers and a key hash of hex digits, so nothing typed by a user reaches this
/// text.
fn begin_as(
    conn: &mut PgConnection,
    actor: &Actor,
    proving: Option<&str>,
) -> Result<(), RepoError> {
    let (user, branches) = actor_ids(actor);
    let sql = match proving {
        Some(args) => {
            format!("BEGIN; EXECUTE workbay_begin_proving('{user}', '{branches}', {args})")
        }
        None => format!("BEGIN; EXECUTE workbay_begin('{user}', '{branches}')"),
    };
    if let Err(e) = AnsiTransactionManager::begin_transaction_sql(conn, &sql) {
        // Should the `BEGIN` have run and the rest not, leave no open transaction behind that
        // the transaction manager does not know of.
        let _ = conn.batch_execute("ROLLBACK");
        if let diesel::result::Error::DatabaseError(_, info) = &e
            && info.message() == proof::CHANGED_MESSAGE
        {
            return Err(RepoError::SessionChanged);
        }
        return Err(e.into());
    }
    Ok(())
}

/// The actor as the settings hold it: the user id (empty for nobody) and the branch ids joined
/// by commas.
fn actor_ids(actor: &Actor) -> (String, String) {
    let user = actor.user_id.map(|id| id.to_string()).unwrap_or_default();
    let branches = actor
        .branch_ids
        .iter()
        .map(|id| id.to_string())
        .collect::<Vec<_>>()
        .join(",");
    (user, branches)
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
    // Held until the work is done; a request cancelled while waiting simply leaves the queue.
    let _turn = pool.turns.take().await;
    web::block(move || {
        let mut conn = pool
            .get()
            .map_err(|e| RepoError::Unavailable(e.to_string()))?;
        f(&mut conn)
    })
    .await
    .map_err(|e| RepoError::Internal(anyhow::anyhow!("blocking task failed: {e}")))?
}
