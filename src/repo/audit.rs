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
    /// Only this kind of record (`invoice`, `customer`…), and of it only this one.
    pub entity: Option<String>,
    pub entity_id: Option<String>,
    /// Only what this user did.
    pub user_id: Option<i64>,
    /// Only entries from `from` (included) to `to` (excluded).
    pub from: Option<chrono::DateTime<chrono::Utc>>,
    pub to: Option<chrono::DateTime<chrono::Utc>>,
    /// Only these branches' entries (`None`: every entry, for an admin).
    pub branches: Option<Vec<i64>>,
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
    if let Some(branches) = &filter.branches {
        query = query.filter(audit_log::branch_id.eq_any(branches.clone()));
    }
    if let Some(entity) = &filter.entity {
        query = query.filter(audit_log::entity.eq(entity.clone()));
    }
    if let Some(id) = &filter.entity_id {
        query = query.filter(audit_log::entity_id.eq(id.clone()));
    }
    if let Some(user) = filter.user_id {
        query = query.filter(audit_log::actor_user_id.eq(user));
    }
    if let Some(from) = filter.from {
        query = query.filter(audit_log::at.ge(from));
    }
    if let Some(to) = filter.to {
        query = query.filter(audit_log::at.lt(to));
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

/// The kinds of record the log holds entries of (read by skipping through its entity index).
pub fn entities(conn: &mut PgConnection) -> Result<Vec<String>, RepoError> {
    #[derive(QueryableByName)]
    struct E {
        #[diesel(sql_type = diesel::sql_types::Text)]
        entity: String,
    }
    let rows: Vec<E> = diesel::sql_query(
        "WITH RECURSIVE e AS ( \
           (SELECT entity FROM audit_log ORDER BY entity LIMIT 1) \
           UNION ALL \
           SELECT (SELECT entity FROM audit_log WHERE entity > e.entity ORDER BY entity LIMIT 1) \
           FROM e WHERE e.entity IS NOT NULL) \
         SELECT entity FROM e WHERE entity IS NOT NULL",
    )
    .load(conn)?;
    Ok(rows.into_iter().map(|e| e.entity).collect())
}

/// The staff whose entries a filter may pick: everyone, or those of `branches`; id, username
/// and name, by username.
pub fn actors(
    conn: &mut PgConnection,
    branches: Option<&[i64]>,
) -> Result<Vec<(i64, String, String)>, RepoError> {
    let mut q = staff_users::table
        .select((
            staff_users::id,
            staff_users::username,
            staff_users::full_name,
        ))
        .order(staff_users::username)
        .into_boxed();
    if let Some(b) = branches {
        q = q.filter(staff_users::home_branch_id.eq_any(b.to_vec()));
    }
    Ok(q.load(conn)?)
}

/// Escapes `%`, `_` and `\` for use inside a LIKE pattern.
pub fn escape_like(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}
