//! Committing an import, all or nothing, in the caller's transaction: the plan is made again
//! (what is saved may have changed since the preview); any problem and nothing is written.
//! Otherwise its records go in chunks by COPY into a temporary staging table and from there into
//! the shop's tables, set by set; after each chunk the progress is reported.

use std::collections::HashMap;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text};

use super::plan::{Plan, Planned};
use super::staging::{csv, import_rows, statements};
use crate::domain::import::STAGED_COLUMNS;
use crate::domain::import::kinds::ImportKind;
use crate::models::audit::NewAuditEntry;
use crate::repo::{By, RepoError};
use crate::schema::imports;

/// Records copied and inserted at a time.
const CHUNK: usize = 5_000;

/// What a commit did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Committed {
    pub new: usize,
    pub skipped: usize,
    pub openings: usize,
}

/// Claims import `id` (of `branches`) for a commit: not when it is committed, or a commit is
/// under way (one whose server stopped reporting for a minute may be taken over).
pub fn start(conn: &mut PgConnection, id: i64, branches: &[i64]) -> Result<bool, RepoError> {
    let claimed = diesel::sql_query(
        "UPDATE imports SET status = 'committing', rows_done = 0, message = '', progress_at = now() \
         WHERE id = $1 AND branch_id = ANY($2) AND (status IN ('uploaded', 'failed') \
           OR (status = 'committing' AND progress_at < now() - interval '60 seconds'))",
    )
    .bind::<BigInt, _>(id)
    .bind::<diesel::sql_types::Array<BigInt>, _>(branches)
    .execute(conn)?;
    Ok(claimed == 1)
}

/// Marks the commit of import `id` failed, with the reason shown.
pub fn fail(conn: &mut PgConnection, id: i64, message: &str) -> Result<(), RepoError> {
    diesel::update(
        imports::table
            .find(id)
            .filter(imports::status.eq("committing")),
    )
    .set((imports::status.eq("failed"), imports::message.eq(message)))
    .execute(conn)?;
    Ok(())
}

/// Commits import `id` of `kind` (its file read through `cols`) at `branch_id`.
#[allow(clippy::too_many_arguments)]
pub fn commit(
    conn: &mut PgConnection,
    id: i64,
    kind: &ImportKind,
    cols: &[Option<usize>],
    branch_id: i64,
    branches: &[i64],
    by: &By,
    progress: &dyn Fn(i32),
) -> Result<Committed, RepoError> {
    // One import at a time: two files bringing the same customer would each pass the check.
    diesel::sql_query("SELECT pg_advisory_xact_lock(3402001)").execute(conn)?;
    let sheet = super::sheet(conn, id)?
        .ok_or_else(|| RepoError::Conflict("This import is committed already.".into()))?;
    let plan: Plan = super::plan(conn, kind, &sheet, cols, branch_id, branches)?;
    if !plan.problems.is_empty() {
        let lines = plan
            .problems
            .iter()
            .map(|p| p.line)
            .collect::<std::collections::BTreeSet<_>>()
            .len();
        return Err(RepoError::Conflict(match lines {
            1 => "Nothing was imported: 1 line of the file has problems (listed below).".into(),
            n => {
                format!("Nothing was imported: {n} lines of the file have problems (listed below).")
            }
        }));
    }
    conn.batch_execute(&format!(
        "CREATE TEMP TABLE import_rows (line int4 PRIMARY KEY, id int8, link int8, branch_id int8, \
         fresh boolean NOT NULL, opening boolean NOT NULL, {}) ON COMMIT DROP",
        (0..STAGED_COLUMNS)
            .map(|i| format!("v{i} text"))
            .collect::<Vec<_>>()
            .join(", ")
    ))?;
    let statements = statements(kind);
    let sequence = match kind.kind {
        "customers" => Some("customers_id_seq"),
        "stock_items" => Some("stock_items_id_seq"),
        _ => None,
    };
    let mut ids: HashMap<String, i64> = HashMap::new();
    let sku = (kind.kind == "stock_items").then(|| kind.at("sku"));
    let work: Vec<&Planned> = plan.rows.iter().filter(|p| p.fresh || p.opening).collect();
    let reference = format!("Import {id}");
    let mut done = plan.rows.len() - work.len();
    for chunk in work.chunks(CHUNK) {
        if let Some(seq) = sequence {
            let wanted = chunk.iter().filter(|p| p.fresh).count() as i64;
            let mut fresh_ids = next_ids(conn, seq, wanted)?.into_iter();
            for p in chunk.iter().filter(|p| p.fresh) {
                let id = fresh_ids.next().unwrap_or_default();
                ids.insert(format!("\n{}", p.row.line), id);
                if let Some(i) = sku {
                    ids.insert(p.row.get(i).to_uppercase(), id);
                }
            }
        }
        // a stock item's later rows open stock under the id of its first
        let id_of = |p: &Planned| -> Option<i64> {
            p.existing
                .or_else(|| ids.get(&format!("\n{}", p.row.line)).copied())
                .or_else(|| sku.and_then(|i| ids.get(&p.row.get(i).to_uppercase()).copied()))
        };
        let data = csv(chunk, &id_of);
        diesel::copy_from(import_rows::table)
            .from_raw_data(import_rows::table, |out| {
                out.write_all(data.as_bytes())
                    .map_err(|e| diesel::result::Error::SerializationError(Box::new(e)))
            })
            .with_format(diesel::pg::CopyFormat::Csv)
            .execute(conn)?;
        for sql in &statements {
            diesel::sql_query(sql)
                .bind::<BigInt, _>(branch_id)
                .bind::<Text, _>(&reference)
                .bind::<Nullable<BigInt>, _>(by.user_id)
                .execute(conn)?;
        }
        conn.batch_execute("TRUNCATE import_rows")?;
        done += chunk.len();
        progress(done as i32);
    }
    let committed = Committed {
        new: plan.new,
        skipped: plan.skipped,
        openings: plan.openings,
    };
    diesel::update(imports::table.find(id))
        .set((
            imports::status.eq("committed"),
            imports::rows_done.eq(plan.rows.len() as i32),
            imports::created_count.eq(plan.new as i32),
            imports::skipped_count.eq(plan.skipped as i32),
            imports::message.eq(""),
            // the file holds personal data: only the figures are kept
            imports::body.eq(""),
            imports::committed_at.eq(diesel::dsl::now),
        ))
        .execute(conn)?;
    crate::repo::audit::record(
        conn,
        NewAuditEntry::new("import.commit", "import", Some(id.to_string()))
            .by(by.user_id, by.client_addr.as_deref())
            .at_branch(branch_id)
            .change(
                None,
                Some(serde_json::json!({
                    "kind": kind.kind, "new": plan.new, "skipped": plan.skipped,
                    "opening_stock": plan.openings, "branch_id": branch_id,
                })),
            ),
    )?;
    Ok(committed)
}

#[derive(QueryableByName)]
struct NextId {
    #[diesel(sql_type = BigInt)]
    id: i64,
}

fn next_ids(conn: &mut PgConnection, sequence: &str, n: i64) -> Result<Vec<i64>, RepoError> {
    Ok(diesel::sql_query(format!(
        "SELECT nextval('{sequence}') AS id FROM generate_series(1, $1)"
    ))
    .bind::<BigInt, _>(n)
    .load::<NextId>(conn)?
    .into_iter()
    .map(|r| r.id)
    .collect())
}
