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
    conn.transaction(|conn| {
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
    conn.transaction(|conn| {
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
