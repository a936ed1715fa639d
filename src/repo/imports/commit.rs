//! Committing an import, all or nothing, in the caller's transaction: the plan is made again
//! (what is saved may have changed since the preview); any problem and nothing is written.
//! Otherwise its records go in chunks by COPY into a temporary staging table and from there into
//! the shop's tables, set by set; after each chunk the progress is reported.

use std::collections::HashMap;
use std::fmt::Write as _;

use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Nullable, Text};

use super::plan::{Plan, Planned};
use crate::domain::import::STAGED_COLUMNS;
use crate::domain::import::kinds::ImportKind;
use crate::models::audit::NewAuditEntry;
use crate::repo::{By, RepoError};
use crate::schema::imports;

/// Records copied and inserted at a time.
const CHUNK: usize = 5_000;

diesel::table! {
    /// The staging table, temporary, dropped at commit.
    import_rows (line) {
        line -> Int4,
        id -> Nullable<Int8>,
        link -> Nullable<Int8>,
        branch_id -> Nullable<Int8>,
        fresh -> Bool,
        opening -> Bool,
        v0 -> Nullable<Text>, v1 -> Nullable<Text>, v2 -> Nullable<Text>, v3 -> Nullable<Text>,
        v4 -> Nullable<Text>, v5 -> Nullable<Text>, v6 -> Nullable<Text>, v7 -> Nullable<Text>,
        v8 -> Nullable<Text>, v9 -> Nullable<Text>, v10 -> Nullable<Text>, v11 -> Nullable<Text>,
        v12 -> Nullable<Text>, v13 -> Nullable<Text>, v14 -> Nullable<Text>, v15 -> Nullable<Text>,
        v16 -> Nullable<Text>, v17 -> Nullable<Text>, v18 -> Nullable<Text>, v19 -> Nullable<Text>,
        v20 -> Nullable<Text>, v21 -> Nullable<Text>,
    }
}

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

/// The chunk as COPY's CSV: an unquoted empty cell is NULL, a quoted one an empty text.
fn csv(chunk: &[&Planned], id_of: &dyn Fn(&Planned) -> Option<i64>) -> String {
    let mut out = String::new();
    let num = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
    for p in chunk {
        let _ = write!(
            out,
            "{},{},{},{},{},{}",
            p.row.line,
            num(id_of(p)),
            num(p.vendor_id),
            num(p.branch_id),
            p.fresh,
            p.opening
        );
        for i in 0..STAGED_COLUMNS {
            out.push(',');
            if let Some(Some(v)) = p.row.values.get(i) {
                let _ = write!(out, "\"{}\"", v.replace('"', "\"\""));
            }
        }
        out.push('\n');
    }
    out
}

/// The statements that move a chunk from the staging table into the shop's tables. `$1` is the
/// branch, `$2` the import's reference, `$3` the user (each statement uses those it needs). Columns are this module's and
/// `domain::import::kinds`' constants.
fn statements(kind: &ImportKind) -> Vec<String> {
    let v = |k: &str| format!("v{}", kind.at(k));
    let text = |k: &str| format!("coalesce({}, '')", v(k));
    let reference = format!("nullif({}, '')", v("external_ref"));
    match kind.kind {
        "customers" => vec![
            format!(
                "INSERT INTO customers (id, kind, segment, name, phone, email, address, \
                   marketing_consent, marketing_consent_at, notes, created_branch_id, external_ref) \
                 SELECT id, {}, {}, {}, {}, {}, {}, {c}::boolean, CASE WHEN {c}::boolean THEN now() END, \
                   {}, $1, {reference} FROM import_rows ORDER BY line",
                v("kind"),
                v("segment"),
                v("name"),
                text("phone"),
                text("email"),
                text("address"),
                text("notes"),
                c = v("marketing_consent"),
            ),
            format!(
                "INSERT INTO vehicles (customer_id, vin, plate, make, model, year, mileage) \
                 SELECT id, nullif({vin}, ''), {}, {}, {}, {}::int4, {}::int4 FROM import_rows \
                 WHERE ({} <> '' OR {vin} IS NOT NULL) ORDER BY line",
                text("plate"),
                text("make"),
                text("vehicle_model"),
                v("year"),
                v("mileage"),
                text("plate"),
                vin = v("vin"),
            ),
            format!(
                "INSERT INTO devices (customer_id, kind, brand, model, serial) \
                 SELECT id, {}, {}, {}, {} FROM import_rows \
                 WHERE {} || {} || {} || {} <> '' ORDER BY line",
                text("device_kind"),
                text("device_brand"),
                text("device_model"),
                text("device_serial"),
                text("device_kind"),
                text("device_brand"),
                text("device_model"),
                text("device_serial"),
            ),
        ],
        "stock_items" => vec![
            format!(
                "INSERT INTO stock_items (id, sku, name, category, unit_cost, unit_price, \
                   reorder_threshold, preferred_vendor_id, external_ref) \
                 SELECT id, {}, {}, {}, {}::numeric, {}::numeric, {}::int4, link, {reference} \
                 FROM import_rows WHERE fresh ORDER BY line",
                v("sku"),
                v("name"),
                text("category"),
                v("unit_cost"),
                v("unit_price"),
                v("reorder_threshold"),
            ),
            format!(
                "INSERT INTO stock_ledger (stock_item_id, branch_id, kind, quantity, unit_cost, \
                   reason, reference, actor_user_id) \
                 SELECT id, branch_id, 'opening', {}::int4, {}::numeric, 'Opening stock', $2, $3 \
                 FROM import_rows WHERE opening ORDER BY line",
                v("opening_stock"),
                v("unit_cost"),
            ),
        ],
        "product_models" => vec![format!(
            "INSERT INTO product_models (category, brand, model, specs, price_grade_a, \
               price_grade_b, price_grade_c, warranty_days, external_ref) \
             SELECT {}, {}, {}, {}, {}::numeric, {}::numeric, {}::numeric, {}::int4, {reference} \
             FROM import_rows ORDER BY line",
            v("category"),
            v("brand"),
            v("model"),
            text("specs"),
            v("price_grade_a"),
            v("price_grade_b"),
            v("price_grade_c"),
            v("warranty_days"),
        )],
        "services" => vec![format!(
            "INSERT INTO services (name, category, labour_hours, price, external_ref) \
             SELECT {}, {}, {}::numeric, {}::numeric, {reference} FROM import_rows \
             ORDER BY line",
            v("name"),
            v("category"),
            v("labour_hours"),
            v("price"),
        )],
        _ => vec![format!(
            "INSERT INTO vendors (name, phone, email, notes, external_ref) \
             SELECT {}, {}, {}, {}, {reference} FROM import_rows \
             ORDER BY line",
            v("name"),
            text("phone"),
            text("email"),
            text("notes"),
        )],
    }
}
