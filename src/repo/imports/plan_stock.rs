//! The plan of a stock file: an item is new, or saved before with the same reference (its rows
//! then only open stock at branches that have none of it yet); its vendor and its branch are
//! read by name. A SKU saved without that reference is a clash.

use std::collections::{HashMap, HashSet};

use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt};

use super::plan::{Found, Namer, Plan, Planned, found};
use crate::domain::import::check::Checked;
use crate::repo::RepoError;

#[derive(QueryableByName)]
struct Opened {
    #[diesel(sql_type = BigInt)]
    stock_item_id: i64,
    #[diesel(sql_type = BigInt)]
    branch_id: i64,
}

/// Plans the stock records `passed` into `plan`.
pub(super) fn stock(
    conn: &mut PgConnection,
    namer: &Namer,
    passed: Vec<Checked>,
    imported: &HashMap<String, Found>,
    branch_id: i64,
    branches: &[i64],
    plan: &mut Plan,
) -> Result<(), RepoError> {
    use crate::schema::branches as b;
    let kind = namer.kind;
    let at = |k: &str| kind.at(k);
    let ours: Vec<(i64, String)> = b::table
        .filter(b::id.eq_any(branches))
        .select((b::id, b::name))
        .order(b::name)
        .load(conn)?;
    let distinct = |field: &str, f: fn(&str) -> String| -> Vec<String> {
        let set: HashSet<String> = passed
            .iter()
            .map(|r| f(r.get(at(field))))
            .filter(|k| !k.is_empty())
            .collect();
        set.into_iter().collect()
    };
    let vendors = found(
        conn,
        "SELECT id, lower(name) AS key, name, external_ref AS reference FROM vendors \
         WHERE lower(name) = ANY($1)",
        distinct("vendor", str::to_lowercase),
    )?;
    let saved = found(
        conn,
        "SELECT id, upper(sku) AS key, sku || ' ' || name AS name, external_ref AS reference \
         FROM stock_items WHERE upper(sku) = ANY($1)",
        distinct("sku", str::to_uppercase),
    )?;
    let ids: Vec<i64> = saved.values().map(|f| f.id).collect();
    let opened: HashSet<(i64, i64)> = diesel::sql_query(
        "SELECT DISTINCT stock_item_id, branch_id FROM stock_ledger \
         WHERE kind = 'opening' AND stock_item_id = ANY($1)",
    )
    .bind::<Array<BigInt>, _>(ids)
    .load::<Opened>(conn)?
    .into_iter()
    .map(|o| (o.stock_item_id, o.branch_id))
    .collect();
    let mut first_rows: HashSet<String> = HashSet::new();
    for row in passed {
        let mut bad = Vec::new();
        let named = row.get(at("branch"));
        let branch = match named {
            "" => Some(branch_id),
            n => ours
                .iter()
                .find(|(_, name)| name.eq_ignore_ascii_case(n))
                .map(|(id, _)| *id),
        };
        if branch.is_none() {
            let names: Vec<&str> = ours.iter().map(|(_, n)| n.as_str()).collect();
            bad.push((
                "branch",
                format!(
                    "“{named}” is not one of your branches ({}).",
                    names.join(", ")
                ),
            ));
        }
        let vendor = match row.get(at("vendor")) {
            "" => None,
            v => match vendors.get(&v.to_lowercase()) {
                Some(f) => Some(f.id),
                None => {
                    bad.push(("vendor", format!("No vendor is called “{v}”: import the vendors first, or leave the cell empty.")));
                    None
                }
            },
        };
        let sku = row.get(at("sku")).to_uppercase();
        let reference = row.get(at("external_ref"));
        let existing = match saved.get(&sku) {
            Some(f) if !reference.is_empty() && f.reference.as_deref() == Some(reference) => {
                Some(f.id)
            }
            Some(f) => {
                let theirs = f
                    .reference
                    .as_deref()
                    .map(|r| format!(", reference {r}"))
                    .unwrap_or_default();
                bad.push((
                    "sku",
                    format!("“{}” is already saved (#{}{theirs}).", f.name, f.id),
                ));
                None
            }
            None => {
                if let Some(f) = imported.get(reference) {
                    bad.push((
                        "external_ref",
                        format!(
                            "The reference “{reference}” is saved on another item: {}.",
                            f.name
                        ),
                    ));
                }
                None
            }
        };
        if !bad.is_empty() {
            for (field, message) in bad {
                plan.problems.push(namer.problem(&row, field, message));
            }
            continue;
        }
        let fresh = existing.is_none() && first_rows.insert(sku);
        let quantity: i32 = row.get(at("opening_stock")).parse().unwrap_or(0);
        let opening = quantity > 0
            && !existing.is_some_and(|id| branch.is_some_and(|b| opened.contains(&(id, b))));
        match (fresh, opening) {
            (true, _) => plan.new += 1,
            (false, false) => plan.skipped += 1,
            (false, true) => {}
        }
        if opening {
            plan.openings += 1;
        }
        plan.rows.push(Planned {
            row,
            existing,
            fresh,
            opening,
            vendor_id: vendor,
            branch_id: branch,
        });
    }
    Ok(())
}
