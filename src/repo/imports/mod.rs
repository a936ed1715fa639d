//! Imports from the old system: the uploaded file kept until it is committed, its mapping (and
//! the last mapping of each kind, offered next time), the plan of what it would save, and the
//! commit. The file is read and checked by `domain::import`.

mod commit;
mod plan;
mod plan_stock;
mod staging;

pub use commit::{Committed, commit, fail, start};
pub use plan::{Plan, Planned, plan};

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use super::RepoError;
use crate::domain::import::check::Mapping;
use crate::domain::import::read::{Sheet, parse};
use crate::schema::{import_mappings, imports, staff_users};

/// An import as its page shows it (without the file's text).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = imports, check_for_backend(diesel::pg::Pg))]
pub struct Import {
    pub id: i64,
    pub branch_id: i64,
    pub user_id: i64,
    pub kind: String,
    pub file_name: String,
    pub file_bytes: i64,
    pub headers: Vec<String>,
    pub row_count: i32,
    pub mapping: serde_json::Value,
    pub status: String,
    pub rows_done: i32,
    pub created_count: i32,
    pub skipped_count: i32,
    pub message: String,
    pub progress_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub committed_at: Option<DateTime<Utc>>,
}

impl Import {
    /// The chosen mapping.
    pub fn mapping(&self) -> Mapping {
        serde_json::from_value(self.mapping.clone()).unwrap_or_default()
    }

    /// Whether a commit is under way (one whose server stopped reporting for a minute is not).
    pub fn committing(&self, now: DateTime<Utc>) -> bool {
        self.status == "committing"
            && self
                .progress_at
                .is_some_and(|at| now - at < chrono::Duration::seconds(60))
    }
}

/// A file as uploaded, read.
#[derive(Debug, Clone)]
pub struct Upload {
    pub kind: &'static str,
    pub file_name: String,
    pub file_bytes: i64,
    pub text: String,
    pub sheet: Sheet,
}

/// Keeps an uploaded file at `branch_id`; its id.
pub fn create(
    conn: &mut PgConnection,
    upload: &Upload,
    branch_id: i64,
    user_id: i64,
) -> Result<i64, RepoError> {
    let id = diesel::insert_into(imports::table)
        .values((
            imports::branch_id.eq(branch_id),
            imports::user_id.eq(user_id),
            imports::kind.eq(upload.kind),
            imports::file_name.eq(&upload.file_name),
            imports::file_bytes.eq(upload.file_bytes),
            imports::body.eq(&upload.text),
            imports::delimiter.eq(upload.sheet.delimiter.to_string()),
            imports::headers.eq(&upload.sheet.headers),
            imports::row_count.eq(upload.sheet.records.len() as i32),
        ))
        .returning(imports::id)
        .get_result(conn)?;
    Ok(id)
}

/// The import `id` of one of `branches`.
pub fn get(conn: &mut PgConnection, id: i64, branches: &[i64]) -> Result<Import, RepoError> {
    imports::table
        .find(id)
        .filter(imports::branch_id.eq_any(branches))
        .select(Import::as_select())
        .first(conn)
        .optional()?
        .ok_or(RepoError::NotFound)
}

/// The file of import `id`, read again (empty once committed).
pub fn sheet(conn: &mut PgConnection, id: i64) -> Result<Option<Sheet>, RepoError> {
    let (body, delimiter): (String, String) = imports::table
        .find(id)
        .select((imports::body, imports::delimiter))
        .first(conn)?;
    if body.is_empty() {
        return Ok(None);
    }
    let delimiter = delimiter.chars().next().unwrap_or(',');
    parse(&body, delimiter)
        .map(Some)
        .map_err(|e| RepoError::Internal(anyhow::anyhow!("a kept import no longer reads: {e}")))
}

/// One line of the list of imports.
#[derive(Debug, Clone, Queryable)]
pub struct Listed {
    pub import: Import,
    pub by: String,
}

/// Imports of `branches`, newest first, `limit` from before id `before`; whether there are more.
pub fn list(
    conn: &mut PgConnection,
    branches: &[i64],
    before: Option<i64>,
    limit: i64,
) -> Result<(Vec<Listed>, bool), RepoError> {
    let mut q = imports::table
        .inner_join(staff_users::table.on(staff_users::id.eq(imports::user_id)))
        .filter(imports::branch_id.eq_any(branches))
        .select((Import::as_select(), staff_users::username))
        .order(imports::id.desc())
        .limit(limit + 1)
        .into_boxed();
    if let Some(b) = before {
        q = q.filter(imports::id.lt(b));
    }
    let mut rows: Vec<Listed> = q
        .load::<(Import, String)>(conn)?
        .into_iter()
        .map(|(import, by)| Listed { import, by })
        .collect();
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    Ok((rows, more))
}

/// The mapping last chosen for `kind`.
pub fn remembered(conn: &mut PgConnection, kind: &str) -> Result<Mapping, RepoError> {
    let v: Option<serde_json::Value> = import_mappings::table
        .find(kind)
        .select(import_mappings::mapping)
        .first(conn)
        .optional()?;
    Ok(v.and_then(|v| serde_json::from_value(v).ok())
        .unwrap_or_default())
}

/// Sets the mapping of import `id` and remembers it for its kind; false (and nothing changed)
/// when the import is committed or being committed.
pub fn set_mapping(conn: &mut PgConnection, id: i64, mapping: &Mapping) -> Result<bool, RepoError> {
    let value = serde_json::to_value(mapping).map_err(|e| RepoError::Internal(e.into()))?;
    let kind: Option<String> = diesel::update(
        imports::table
            .find(id)
            .filter(imports::status.eq_any(["uploaded", "failed"])),
    )
    .set(imports::mapping.eq(&value))
    .returning(imports::kind)
    .get_result(conn)
    .optional()?;
    let Some(kind) = kind else {
        return Ok(false);
    };
    diesel::insert_into(import_mappings::table)
        .values((
            import_mappings::kind.eq(&kind),
            import_mappings::mapping.eq(&value),
        ))
        .on_conflict(import_mappings::kind)
        .do_update()
        .set((
            import_mappings::mapping.eq(&value),
            import_mappings::updated_at.eq(diesel::dsl::now),
        ))
        .execute(conn)?;
    Ok(true)
}

/// How far a commit has got (its own statement, outside the commit's transaction, so the page
/// polling it sees it).
pub fn progress(conn: &mut PgConnection, id: i64, rows_done: i32) -> Result<(), RepoError> {
    diesel::update(imports::table.find(id))
        .set((
            imports::rows_done.eq(rows_done),
            imports::progress_at.eq(diesel::dsl::now),
        ))
        .execute(conn)?;
    Ok(())
}

/// Forgets uploads never committed after a week (their text holds personal data).
pub fn purge_stale(conn: &mut PgConnection) -> Result<usize, RepoError> {
    Ok(diesel::delete(
        imports::table
            .filter(imports::status.eq_any(["uploaded", "failed"]))
            .filter(imports::created_at.lt(chrono::Utc::now() - chrono::Duration::days(7))),
    )
    .execute(conn)?)
}
