//! Reading transfers: one, what is on the way here, and the units a scan names.

use diesel::prelude::*;

use crate::domain::transfer::TransferStatus;
use crate::domain::validation::FieldErrors;
use crate::repo::RepoError;
use crate::schema::{assets, transfer_lines, transfers};

pub use crate::models::transfer::TransferRow;

type RawTransfer = (
    i64,
    i64,
    i64,
    String,
    String,
    chrono::DateTime<chrono::Utc>,
    Option<chrono::DateTime<chrono::Utc>>,
);

fn named(conn: &mut PgConnection, raw: Vec<RawTransfer>) -> Result<Vec<TransferRow>, RepoError> {
    use crate::schema::branches;
    let ids: Vec<i64> = raw.iter().flat_map(|r| [r.1, r.2]).collect();
    let names: std::collections::HashMap<i64, String> = branches::table
        .filter(branches::id.eq_any(ids))
        .select((branches::id, branches::name))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .collect();
    let name = |id: i64| (id, names.get(&id).cloned().unwrap_or_default());
    Ok(raw
        .into_iter()
        .map(
            |(id, from, to, status, note, shipped_at, received_at)| TransferRow {
                id,
                from: name(from),
                to: name(to),
                status,
                note,
                shipped_at,
                received_at,
            },
        )
        .collect())
}

type TransferColumns = (
    transfers::id,
    transfers::from_branch_id,
    transfers::to_branch_id,
    transfers::status,
    transfers::note,
    transfers::shipped_at,
    transfers::received_at,
);

const TRANSFER_COLUMNS: TransferColumns = (
    transfers::id,
    transfers::from_branch_id,
    transfers::to_branch_id,
    transfers::status,
    transfers::note,
    transfers::shipped_at,
    transfers::received_at,
);

/// Transfers into or out of the branch, newest first, optionally by number or note; one page
/// and the total.
pub fn list(
    conn: &mut PgConnection,
    branch: i64,
    q: &str,
    offset: i64,
    limit: i64,
) -> Result<(Vec<TransferRow>, i64), RepoError> {
    let q = q.trim().trim_start_matches('#');
    let number = q.parse::<i64>().ok();
    let filtered = || {
        let mut query = transfers::table
            .filter(
                transfers::from_branch_id
                    .eq(branch)
                    .or(transfers::to_branch_id.eq(branch)),
            )
            .into_boxed();
        if !q.is_empty() {
            let pattern = format!("%{}%", crate::repo::audit::escape_like(q));
            query = query.filter(
                transfers::note
                    .ilike(pattern)
                    .or(transfers::id.nullable().eq(number)),
            );
        }
        query
    };
    let total = crate::repo::bounded_total(
        filtered()
            .select(transfers::id)
            .limit(crate::repo::COUNT_CAP)
            .load::<i64>(conn)?,
    );
    let offset = crate::repo::offset_within(offset, limit, total);
    let raw: Vec<RawTransfer> = filtered()
        .select(TRANSFER_COLUMNS)
        .order(transfers::id.desc())
        .offset(offset)
        .limit(limit)
        .load(conn)?;
    Ok((named(conn, raw)?, total))
}

/// Transfers on their way to the branch, oldest first.
pub fn incoming(conn: &mut PgConnection, branch: i64) -> Result<Vec<TransferRow>, RepoError> {
    let raw: Vec<RawTransfer> = transfers::table
        .filter(transfers::to_branch_id.eq(branch))
        .filter(transfers::status.eq(TransferStatus::InTransit.as_str()))
        .select(TRANSFER_COLUMNS)
        .order(transfers::id)
        .load(conn)?;
    named(conn, raw)
}

/// One transfer the branch sent or receives.
pub fn get(conn: &mut PgConnection, branch: i64, id: i64) -> Result<TransferRow, RepoError> {
    let raw: RawTransfer = transfers::table
        .find(id)
        .filter(
            transfers::from_branch_id
                .eq(branch)
                .or(transfers::to_branch_id.eq(branch)),
        )
        .select(TRANSFER_COLUMNS)
        .first(conn)?;
    Ok(named(conn, vec![raw])?.remove(0))
}

/// A transfer's lines as shown: (asset id, tag or SKU, what, quantity).
pub type LineView = (Option<i64>, String, String, i32);

type RawLine = (
    Option<i64>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    i32,
);

/// The transfer's lines.
pub fn lines(conn: &mut PgConnection, id: i64) -> Result<Vec<LineView>, RepoError> {
    use crate::schema::{product_models, stock_items};
    let rows: Vec<RawLine> = transfer_lines::table
        .left_join(assets::table.left_join(product_models::table))
        .left_join(stock_items::table)
        .filter(transfer_lines::transfer_id.eq(id))
        .select((
            transfer_lines::asset_id,
            assets::asset_tag.nullable(),
            assets::serial.nullable(),
            product_models::brand.nullable(),
            product_models::model.nullable(),
            stock_items::sku.nullable(),
            stock_items::name.nullable(),
            transfer_lines::quantity,
        ))
        .order(transfer_lines::id)
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(
            |(asset, tag, serial, brand, model, sku, name, qty)| match asset {
                Some(_) => (
                    asset,
                    tag.unwrap_or_default(),
                    format!(
                        "{} {} · {}",
                        brand.unwrap_or_default(),
                        model.unwrap_or_default(),
                        serial.unwrap_or_default()
                    ),
                    qty,
                ),
                None => (None, sku.unwrap_or_default(), name.unwrap_or_default(), qty),
            },
        )
        .collect())
}

/// Finds the branch's units by serial/IMEI or asset tag, one code per entry; every code that
/// matches nothing is named in the message.
pub fn resolve_units(
    conn: &mut PgConnection,
    branch: i64,
    codes: &[String],
) -> Result<Vec<i64>, RepoError> {
    let mut ids = Vec::new();
    let mut unknown = Vec::new();
    for code in codes {
        let code = code.trim().to_uppercase();
        if code.is_empty() {
            continue;
        }
        let found = crate::repo::assets::find_by_code(conn, branch, &code)?.map(|a| a.id);
        match found {
            Some(id) if !ids.contains(&id) => ids.push(id),
            Some(_) => {}
            None => unknown.push(code),
        }
    }
    if !unknown.is_empty() {
        return Err(FieldErrors::single(
            "units",
            format!(
                "No unit at this branch has the serial or tag: {}.",
                unknown.join(", ")
            ),
        )
        .into());
    }
    Ok(ids)
}
