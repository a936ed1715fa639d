//! The audit log: append-only (the database refuses UPDATE, DELETE and TRUNCATE).

use diesel::prelude::*;

use super::RepoError;
use crate::models::audit::{AuditEntry, NewAuditEntry};
use crate::schema::{audit_log, staff_users};

/// Appends one entry.
pub fn record(conn: &mut PgConnection, entry: NewAuditEntry) -> Result<(), RepoError> {
    diesel::insert_into(audit_log::table)
        .values(&entry)
        .execute(conn)?;
    Ok(())
}

/// Filters for browsing the log.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// Matches the action, entity or the actor's username (substring, case-insensitive).
    pub q: Option<String>,
    /// Show entries older than this id (keyset pagination).
    pub before_id: Option<i64>,
}

/// One page of the log, newest first, with the actor's username.
pub struct AuditPage {
    /// Entries with the actor's username where known.
    pub rows: Vec<(AuditEntry, Option<String>)>,
    /// The id to pass as `before_id` for the next page, if there is one.
    pub next_before_id: Option<i64>,
}

/// Newest entries first, `limit` at a time.
pub fn list(
    conn: &mut PgConnection,
    filter: &AuditFilter,
    limit: i64,
) -> Result<AuditPage, RepoError> {
    let mut query = audit_log::table
        .left_join(staff_users::table)
        .select((AuditEntry::as_select(), staff_users::username.nullable()))
        .order(audit_log::id.desc())
        .limit(limit + 1)
        .into_boxed();
    if let Some(before) = filter.before_id {
        query = query.filter(audit_log::id.lt(before));
    }
    if let Some(q) = filter.q.as_deref().map(str::trim).filter(|q| !q.is_empty()) {
        let pattern = format!("%{}%", escape_like(q));
        query = query.filter(
            audit_log::action
                .ilike(pattern.clone())
                .or(audit_log::entity.ilike(pattern.clone()))
                .or(staff_users::username.ilike(pattern)),
        );
    }
    let mut rows: Vec<(AuditEntry, Option<String>)> = query.load(conn)?;
    let next_before_id = if rows.len() as i64 > limit {
        rows.truncate(limit as usize);
        rows.last().map(|(e, _)| e.id)
    } else {
        None
    };
    Ok(AuditPage {
        rows,
        next_before_id,
    })
}

/// Escapes `%`, `_` and `\` for use inside a LIKE pattern.
pub fn escape_like(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}
