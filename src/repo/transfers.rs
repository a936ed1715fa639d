//! Transfers between branches. Shipping takes units to `in_transit` (a movement row each) and
//! bulk stock out of the source's ledger; receiving puts units back in the status they left with,
//! at the destination, and bulk stock into the destination's ledger. Each step is one
//! transaction.

use diesel::prelude::*;

use super::stock::{self, Posting};
use super::{By, RepoError};
use crate::domain::asset::AssetStatus;
use crate::domain::validation::FieldErrors;
use crate::models::stock::Asset;
use crate::schema::{asset_movements, assets, transfer_lines, transfers};

/// A stored line: unit and the status it left with, or stock item and quantity.
type TransferLine = (Option<i64>, Option<String>, Option<i64>, i32);

/// What to send: unit ids and (stock item, quantity) pairs.
#[derive(Debug, Clone, Default)]
pub struct Shipment {
    /// Serialized units (ids, of the source branch).
    pub asset_ids: Vec<i64>,
    /// Bulk lines.
    pub bulk: Vec<(i64, i32)>,
}

/// Units in these states may travel; sold, reserved, scrapped and travelling ones may not.
pub fn may_travel(status: AssetStatus) -> bool {
    !matches!(
        status,
        AssetStatus::Sold | AssetStatus::Reserved | AssetStatus::Scrapped | AssetStatus::InTransit
    )
}

fn move_row(
    conn: &mut PgConnection,
    before: &Asset,
    to_status: &str,
    to_branch: i64,
    reason: &str,
    by: &By,
) -> Result<(), RepoError> {
    diesel::insert_into(asset_movements::table)
        .values((
            asset_movements::asset_id.eq(before.id),
            asset_movements::actor_user_id.eq(by.user_id),
            asset_movements::from_status.eq(Some(before.status.clone())),
            asset_movements::to_status.eq(to_status),
            asset_movements::from_branch_id.eq(Some(before.branch_id)),
            asset_movements::to_branch_id.eq(to_branch),
            asset_movements::from_location_id.eq(before.location_id),
            asset_movements::to_location_id.eq(None::<i64>),
            asset_movements::reason.eq(reason),
        ))
        .execute(conn)?;
    Ok(())
}

/// Ships units and bulk stock from `from` to `to`; returns the transfer id.
pub fn ship(
    conn: &mut PgConnection,
    from: i64,
    to: i64,
    s: &Shipment,
    note: &str,
    by: &By,
) -> Result<i64, RepoError> {
    if from == to {
        return Err(
            FieldErrors::single("to_branch_id", "Choose another branch to send to.").into(),
        );
    }
    if s.asset_ids.is_empty() && s.bulk.is_empty() {
        return Err(FieldErrors::single("lines", "Add units or bulk items to send.").into());
    }
    super::tx(conn, |conn| {
        super::branches::get(conn, to)?;
        let id: i64 = diesel::insert_into(transfers::table)
            .values((
                transfers::from_branch_id.eq(from),
                transfers::to_branch_id.eq(to),
                transfers::note.eq(note.trim()),
                transfers::shipped_by.eq(by.user_id),
            ))
            .returning(transfers::id)
            .get_result(conn)?;
        let reason = format!("transfer #{id}");
        for asset_id in &s.asset_ids {
            let before: Asset = assets::table
                .find(asset_id)
                .filter(assets::branch_id.eq(from))
                .select(Asset::as_select())
                .for_update()
                .first(conn)?;
            if !may_travel(before.status()) {
                return Err(RepoError::Conflict(format!(
                    "Unit {} is {} and cannot be sent.",
                    before.asset_tag,
                    before.status().label()
                )));
            }
            diesel::update(assets::table.find(asset_id))
                .set((
                    assets::status.eq(AssetStatus::InTransit.as_str()),
                    assets::version.eq(assets::version + 1),
                ))
                .execute(conn)?;
            move_row(
                conn,
                &before,
                AssetStatus::InTransit.as_str(),
                to,
                &reason,
                by,
            )?;
            diesel::insert_into(transfer_lines::table)
                .values((
                    transfer_lines::transfer_id.eq(id),
                    transfer_lines::asset_id.eq(asset_id),
                    transfer_lines::asset_status.eq(&before.status),
                ))
                .execute(conn)?;
        }
        for (item, quantity) in &s.bulk {
            let p = Posting {
                stock_item_id: *item,
                branch_id: from,
                kind: "transfer_out",
                quantity: -quantity.abs(),
                unit_cost: None,
                reason: "",
                reference: &reason,
            };
            stock::post(conn, &p, by)?;
            diesel::insert_into(transfer_lines::table)
                .values((
                    transfer_lines::transfer_id.eq(id),
                    transfer_lines::stock_item_id.eq(item),
                    transfer_lines::quantity.eq(quantity.abs()),
                ))
                .execute(conn)?;
        }
        Ok(id)
    })
}

/// Receives a transfer at its destination (`at`, the receiving user's branch).
pub fn receive(
    conn: &mut PgConnection,
    at: i64,
    transfer_id: i64,
    by: &By,
) -> Result<(), RepoError> {
    super::tx(conn, |conn| {
        let status: String = transfers::table
            .find(transfer_id)
            .filter(transfers::to_branch_id.eq(at))
            .select(transfers::status)
            .for_update()
            .first(conn)?;
        if status != "in_transit" {
            return Err(RepoError::Conflict(
                "This transfer was received already.".into(),
            ));
        }
        let reason = format!("transfer #{transfer_id} received");
        let lines: Vec<TransferLine> = transfer_lines::table
            .filter(transfer_lines::transfer_id.eq(transfer_id))
            .select((
                transfer_lines::asset_id,
                transfer_lines::asset_status,
                transfer_lines::stock_item_id,
                transfer_lines::quantity,
            ))
            .load(conn)?;
        for (asset_id, asset_status, item, quantity) in lines {
            match (asset_id, asset_status, item) {
                (Some(asset_id), Some(back_to), _) => {
                    let before: Asset = assets::table
                        .find(asset_id)
                        .select(Asset::as_select())
                        .for_update()
                        .first(conn)?;
                    diesel::update(assets::table.find(asset_id))
                        .set((
                            assets::status.eq(&back_to),
                            assets::branch_id.eq(at),
                            assets::location_id.eq(None::<i64>),
                            assets::version.eq(assets::version + 1),
                        ))
                        .execute(conn)?;
                    move_row(conn, &before, &back_to, at, &reason, by)?;
                }
                (None, None, Some(item)) => {
                    let p = Posting {
                        stock_item_id: item,
                        branch_id: at,
                        kind: "transfer_in",
                        quantity,
                        unit_cost: None,
                        reason: "",
                        reference: &reason,
                    };
                    stock::post(conn, &p, by)?;
                }
                _ => {
                    return Err(RepoError::Internal(anyhow::anyhow!(
                        "malformed transfer line"
                    )));
                }
            }
        }
        diesel::update(transfers::table.find(transfer_id))
            .set((
                transfers::status.eq("received"),
                transfers::received_by.eq(by.user_id),
                transfers::received_at.eq(diesel::dsl::now),
            ))
            .execute(conn)?;
        Ok(())
    })
}

/// A transfer as shown.
#[derive(Debug, Clone)]
pub struct TransferRow {
    /// Id (the number people say).
    pub id: i64,
    /// Source branch id and name.
    pub from: (i64, String),
    /// Destination branch id and name.
    pub to: (i64, String),
    /// `in_transit` or `received`.
    pub status: String,
    /// Free text.
    pub note: String,
    /// When it left.
    pub shipped_at: chrono::DateTime<chrono::Utc>,
    /// When it arrived.
    pub received_at: Option<chrono::DateTime<chrono::Utc>>,
}

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
            let pattern = format!("%{}%", super::audit::escape_like(q));
            query = query.filter(
                transfers::note
                    .ilike(pattern)
                    .or(transfers::id.nullable().eq(number)),
            );
        }
        query
    };
    let total = super::bounded_total(
        filtered()
            .select(transfers::id)
            .limit(super::COUNT_CAP)
            .load::<i64>(conn)?,
    );
    let offset = super::offset_within(offset, limit, total);
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
        .filter(transfers::status.eq("in_transit"))
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
        let found = super::assets::find_by_code(conn, branch, &code)?.map(|a| a.id);
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
