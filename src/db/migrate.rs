//! Embedded migrations, run at start under a PostgreSQL advisory lock so that several instances
//! starting at once take turns instead of racing.

use anyhow::{Context, Result, anyhow};
use diesel::pg::PgConnection;
use diesel::sql_types::{BigInt, Bool};
use diesel::{Connection, RunQueryDsl};
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use super::roles::{self, OWNER_ROLE};

/// Every migration in `migrations/`, compiled into the binary.
pub const MIGRATIONS: EmbeddedMigrations = embed_migrations!("migrations");

/// How many migrations the binary carries.
pub fn migration_count() -> usize {
    use diesel::migration::MigrationSource;
    MigrationSource::<diesel::pg::Pg>::migrations(&MIGRATIONS).map_or(0, |m| m.len())
}

/// An arbitrary constant naming Workbay's migration lock.
const MIGRATION_LOCK: i64 = 0x5752_4B42_4159; // "WRKBAY"

/// Connects with `admin_url`, makes sure the roles exist (when it may), becomes the owner role
/// and applies pending migrations under the advisory lock. Returns how many were applied.
pub fn run_migrations(admin_url: &str) -> Result<usize> {
    let mut conn = PgConnection::establish(admin_url)
        .with_context(|| format!("connecting to {}", redact(admin_url)))?;
    if may_create_roles(&mut conn)? {
        roles::ensure_roles(&mut conn)?;
    }
    become_owner(&mut conn)?;
    diesel::sql_query("SELECT pg_advisory_lock($1)")
        .bind::<BigInt, _>(MIGRATION_LOCK)
        .execute(&mut conn)?;
    let applied = conn
        .run_pending_migrations(MIGRATIONS)
        .map(|v| v.len())
        .map_err(|e| anyhow!("running migrations: {e}"));
    diesel::sql_query("SELECT pg_advisory_unlock($1)")
        .bind::<BigInt, _>(MIGRATION_LOCK)
        .execute(&mut conn)?;
    let applied = applied?;
    if applied > 0 {
        tracing::info!(applied, "database migrations applied");
    }
    Ok(applied)
}

/// Reverts every migration (used by tests that prove each `down.sql` works).
pub fn revert_all_migrations(admin_url: &str) -> Result<usize> {
    let mut conn = PgConnection::establish(admin_url)?;
    become_owner(&mut conn)?;
    let reverted = conn
        .revert_all_migrations(MIGRATIONS)
        .map_err(|e| anyhow!("reverting migrations: {e}"))?;
    Ok(reverted.len())
}

#[derive(diesel::QueryableByName)]
struct Flag {
    #[diesel(sql_type = Bool)]
    flag: bool,
}

fn may_create_roles(conn: &mut PgConnection) -> Result<bool> {
    let row: Flag = diesel::sql_query(
        "SELECT (rolsuper OR rolcreaterole) AS flag FROM pg_roles WHERE rolname = current_user",
    )
    .get_result(conn)?;
    Ok(row.flag)
}

/// Tables must belong to the owner role whoever connects, so migrations run under `SET ROLE`.
fn become_owner(conn: &mut PgConnection) -> Result<()> {
    let row: Flag = diesel::sql_query(format!(
        "SELECT (current_user = '{OWNER_ROLE}' OR pg_has_role(current_user, '{OWNER_ROLE}', 'MEMBER')) AS flag"
    ))
    .get_result(conn)
    .context("checking membership of the workbay_owner role")?;
    if !row.flag {
        return Err(anyhow!(
            "the migrating user must be {OWNER_ROLE} or a member of it (GRANT {OWNER_ROLE} TO <user>)"
        ));
    }
    diesel::sql_query(format!("SET ROLE {OWNER_ROLE}")).execute(conn)?;
    Ok(())
}

/// A URL without its password, for messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let userinfo = &url[s + 3..at];
            let user = userinfo.split(':').next().unwrap_or("");
            format!("{}{}@{}", &url[..s + 3], user, &url[at + 1..])
        }
        _ => url.to_string(),
    }
}
