//! Installation facts kept in `app_settings`.

use diesel::prelude::*;
use diesel::upsert::excluded;

use super::RepoError;
use crate::schema::app_settings;

/// Set once `workbay demo` has loaded the demo shop; the login page then lists its logins.
pub const DEMO_LOADED: &str = "demo_loaded";
/// The key that signs and encrypts session cookies, shared by every instance.
pub const COOKIE_KEY: &str = "cookie_key";

/// The value of `key`, if set.
pub fn get(conn: &mut PgConnection, key: &str) -> Result<Option<String>, RepoError> {
    Ok(app_settings::table
        .find(key)
        .select(app_settings::value)
        .first(conn)
        .optional()?)
}

/// Sets `key` to `value`.
pub fn set(conn: &mut PgConnection, key: &str, value: &str) -> Result<(), RepoError> {
    diesel::insert_into(app_settings::table)
        .values((app_settings::key.eq(key), app_settings::value.eq(value)))
        .on_conflict(app_settings::key)
        .do_update()
        .set((
            app_settings::value.eq(excluded(app_settings::value)),
            app_settings::updated_at.eq(diesel::dsl::now),
        ))
        .execute(conn)?;
    Ok(())
}

/// The value of `key`, storing `make()` first if it is unset. Safe when several instances start
/// at once: the first insert wins and everyone reads it.
pub fn get_or_init(
    conn: &mut PgConnection,
    key: &str,
    make: impl FnOnce() -> String,
) -> Result<String, RepoError> {
    diesel::insert_into(app_settings::table)
        .values((app_settings::key.eq(key), app_settings::value.eq(make())))
        .on_conflict_do_nothing()
        .execute(conn)?;
    get(conn, key)?.ok_or(RepoError::NotFound)
}

/// Asks the database to answer at all (the health check).
pub fn ping(conn: &mut PgConnection) -> Result<(), RepoError> {
    diesel::sql_query("SELECT 1").execute(conn)?;
    Ok(())
}
