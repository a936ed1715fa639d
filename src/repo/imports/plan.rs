//! What a file would save: each checked record as new, already imported (its reference is saved:
//! nothing to do), or, for a stock item already saved, its opening stock at a branch that has
//! none yet; and every record that clashes with what is saved (a customer with the same phone or
//! email, a SKU, a name), with the vendor and branch names read. Read-only: the preview shows it,
//! and the commit makes it again inside its transaction.

use std::collections::{HashMap, HashSet};

use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Nullable, Text};

use crate::domain::import::check::{Checked, Problem, check};
use crate::domain::import::kinds::ImportKind;
use crate::domain::import::read::Sheet;
use crate::repo::RepoError;

/// A record as it will be saved.
#[derive(Debug, Clone)]
pub struct Planned {
    pub row: Checked,
    /// The saved record it is (a stock item's other rows, or one already imported).
    pub existing: Option<i64>,
    /// Whether it is a new record.
    pub fresh: bool,
    /// Whether a stock item's opening stock is booked (more than none, and none booked before
    /// at that branch).
    pub opening: bool,
    pub vendor_id: Option<i64>,
    pub branch_id: Option<i64>,
}

/// The whole file's plan.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    pub rows: Vec<Planned>,
    /// Every problem, by line.
    pub problems: Vec<Problem>,
    /// New records.
    pub new: usize,
    /// Records already imported (nothing to do).
    pub skipped: usize,
    /// Opening stock postings.
    pub openings: usize,
}

#[derive(QueryableByName)]
pub(super) struct Found {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Text)]
    pub key: String,
    #[diesel(sql_type = Text)]
    pub name: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub reference: Option<String>,
}

/// Saved records of `sql` (selecting `id, key, name, reference`) matching `keys` (`$1`).
pub(super) fn found(
    conn: &mut PgConnection,
    sql: &str,
    keys: Vec<String>,
) -> Result<HashMap<String, Found>, RepoError> {
    if keys.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<Found> = diesel::sql_query(sql)
        .bind::<Array<Text>, _>(keys)
        .load(conn)?;
    Ok(rows.into_iter().map(|f| (f.key.clone(), f)).collect())
}

/// Names a problem's column the way the preview shows it.
pub(super) struct Namer<'a> {
    pub kind: &'a ImportKind,
    pub cols: &'a [Option<usize>],
    pub headers: &'a [String],
}

impl Namer<'_> {
    pub fn problem(&self, row: &Checked, field: &str, message: String) -> Problem {
        let i = self.kind.at(field);
        let label = self.kind.fields[i].label;
        let column = match self.cols[i] {
            Some(c) => format!("{label} (“{}”)", self.headers[c]),
            None => label.to_string(),
        };
        Problem {
            line: row.line,
            column,
            message,
        }
    }
}

/// Saved records clashing with a new one: the field named, the saved records by key, and the
/// key of a record.
type Clash = (
    &'static str,
    HashMap<String, Found>,
    fn(&Checked, &ImportKind) -> String,
);

/// The plan of `sheet` read through `cols`, at `branch_id` for a user of `branches`.
pub fn plan(
    conn: &mut PgConnection,
    kind: &ImportKind,
    sheet: &Sheet,
    cols: &[Option<usize>],
    branch_id: i64,
    branches: &[i64],
) -> Result<Plan, RepoError> {
    use crate::schema::branches as b;
    let country: String = b::table.find(branch_id).select(b::country).first(conn)?;
    let (passed, problems) = check(kind, sheet, cols, &country);
    let namer = Namer {
        kind,
        cols,
        headers: &sheet.headers,
    };
    let reference = kind.at("external_ref");
    let refs: Vec<String> = passed
        .iter()
        .map(|r| r.get(reference).to_string())
        .filter(|r| !r.is_empty())
        .collect();
    let (table, label) = match kind.kind {
        "customers" => ("customers", "name"),
        "stock_items" => ("stock_items", "sku || ' ' || name"),
        "product_models" => ("product_models", "brand || ' ' || model"),
        "services" => ("services", "name"),
        _ => ("vendors", "name"),
    };
    // Tables and columns here are this module's constants, never typed input.
    let imported = found(
        conn,
        &format!(
            "SELECT id, external_ref AS key, {label} AS name, external_ref AS reference \
             FROM {table} WHERE external_ref = ANY($1)"
        ),
        refs,
    )?;
    let mut plan = Plan {
        problems,
        ..Plan::default()
    };
    if kind.kind == "stock_items" {
        super::plan_stock::stock(
            conn, &namer, passed, &imported, branch_id, branches, &mut plan,
        )?;
    } else {
        let clashes = clashes(conn, kind, table, &passed, &imported)?;
        for row in passed {
            if imported.contains_key(row.get(reference)) {
                plan.skipped += 1;
                plan.rows.push(Planned::of(row, false));
                continue;
            }
            let mut bad = false;
            for (field, saved, key) in &clashes {
                let Some(f) = saved.get(&key(&row, kind)) else {
                    continue;
                };
                bad = true;
                let theirs = f
                    .reference
                    .as_deref()
                    .map(|r| format!(", reference {r}"))
                    .unwrap_or_default();
                let message = match (kind.kind, *field) {
                    ("customers", "vin") => format!("A saved vehicle ({}) has this VIN.", f.name),
                    ("customers", _) => format!(
                        "A saved customer has this {field}: {} (#{}{theirs}). Leave the line out, \
                         or give it their reference.",
                        f.name, f.id
                    ),
                    _ => format!("“{}” is already saved (#{}{theirs}).", f.name, f.id),
                };
                plan.problems.push(namer.problem(&row, field, message));
            }
            if !bad {
                plan.new += 1;
                plan.rows.push(Planned::of(row, true));
            }
        }
    }
    plan.problems.sort_by_key(|p| p.line);
    Ok(plan)
}

impl Planned {
    fn of(row: Checked, fresh: bool) -> Self {
        Self {
            row,
            existing: None,
            fresh,
            opening: false,
            vendor_id: None,
            branch_id: None,
        }
    }
}

fn digits(s: &str) -> String {
    s.chars().filter(char::is_ascii_digit).collect()
}

/// The saved records each record not imported before would duplicate.
fn clashes(
    conn: &mut PgConnection,
    kind: &ImportKind,
    table: &str,
    passed: &[Checked],
    imported: &HashMap<String, Found>,
) -> Result<Vec<Clash>, RepoError> {
    let reference = kind.at("external_ref");
    let fresh: Vec<&Checked> = passed
        .iter()
        .filter(|r| !imported.contains_key(r.get(reference)))
        .collect();
    let keys = |key: fn(&Checked, &ImportKind) -> String| -> Vec<String> {
        let set: HashSet<String> = fresh
            .iter()
            .map(|r| key(r, kind))
            .filter(|k| !k.trim().is_empty())
            .collect();
        set.into_iter().collect()
    };
    let mut out: Vec<Clash> = Vec::new();
    let mut add = |conn: &mut PgConnection,
                   field: &'static str,
                   sql: &str,
                   key: fn(&Checked, &ImportKind) -> String|
     -> Result<(), RepoError> {
        out.push((field, found(conn, sql, keys(key))?, key));
        Ok(())
    };
    match kind.kind {
        "customers" => {
            const LIVE: &str = "erased_at IS NULL AND merged_into IS NULL";
            add(
                conn,
                "phone",
                &format!(
                    "SELECT DISTINCT ON (phone_digits) id, phone_digits AS key, name, external_ref AS reference FROM customers WHERE phone_digits = ANY($1) AND {LIVE} ORDER BY phone_digits, id"
                ),
                |r, k| digits(r.get(k.at("phone"))),
            )?;
            add(
                conn,
                "email",
                &format!(
                    "SELECT DISTINCT ON (lower(email)) id, lower(email) AS key, name, external_ref AS reference FROM customers WHERE lower(email) = ANY($1) AND {LIVE} ORDER BY lower(email), id"
                ),
                |r, k| r.get(k.at("email")).to_lowercase(),
            )?;
            add(
                conn,
                "vin",
                "SELECT id, vin AS key, plate AS name, NULL AS reference FROM vehicles WHERE vin = ANY($1)",
                |r, k| r.get(k.at("vin")).to_string(),
            )?;
        }
        "product_models" => add(
            conn,
            "model",
            "SELECT id, lower(brand) || E'\\n' || lower(model) AS key, brand || ' ' || model AS name, external_ref AS reference FROM product_models WHERE lower(brand) || E'\\n' || lower(model) = ANY($1)",
            |r, k| format!("{}\n{}", r.get(k.at("brand")), r.get(k.at("model"))).to_lowercase(),
        )?,
        _ => add(
            conn,
            "name",
            &format!(
                "SELECT id, lower(name) AS key, name, external_ref AS reference FROM {table} WHERE lower(name) = ANY($1)"
            ),
            |r, k| r.get(k.at("name")).to_lowercase(),
        )?,
    }
    Ok(out)
}
