//! The two database roles: the owner of every table (migrations run as it) and the application
//! role the server's pool uses, which owns nothing and has no BYPASSRLS.

use anyhow::{Context, Result};
use diesel::{PgConnection, RunQueryDsl};

/// Owns the schema; migrations run as this role.
pub const OWNER_ROLE: &str = "workbay_owner";
/// What the running server connects as: only the grants the migrations give it.
pub const APP_ROLE: &str = "workbay_app";

/// Creates both roles when missing. Needs a connection whose user may CREATE ROLE.
pub fn ensure_roles(conn: &mut PgConnection) -> Result<()> {
    diesel::sql_query(format!(
        "DO $$ BEGIN
            IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{OWNER_ROLE}') THEN
                CREATE ROLE {OWNER_ROLE} LOGIN NOSUPERUSER NOCREATEROLE;
            END IF;
            IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '{APP_ROLE}') THEN
                CREATE ROLE {APP_ROLE} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS;
            END IF;
        END $$"
    ))
    .execute(conn)
    .context("creating the workbay_owner and workbay_app roles")?;
    Ok(())
}

/// Rewrites the user part of a libpq URL: `postgres://a:b@host/db` → `postgres://user@host/db`.
pub fn url_with_user(url: &str, user: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    format!("{scheme}://{user}@{host}{tail}")
}

#[cfg(test)]
mod tests {
    use super::url_with_user;

    #[test]
    fn url_user_is_replaced_or_added() {
        assert_eq!(
            url_with_user(
                "postgres://me:secret@db.local:5433/shop?sslmode=require",
                "workbay_app"
            ),
            "postgres://workbay_app@db.local:5433/shop?sslmode=require"
        );
        assert_eq!(
            url_with_user("postgres://localhost/shop?host=/tmp/x", "workbay_app"),
            "postgres://workbay_app@localhost/shop?host=/tmp/x"
        );
        assert_eq!(
            url_with_user("postgresql:///shop?host=/run", "workbay_app"),
            "postgresql://workbay_app@/shop?host=/run"
        );
    }
}
