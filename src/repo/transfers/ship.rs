//! Shipping a transfer: units to `in_transit`, bulk stock out of the source's ledger.

use diesel::prelude::*;

use super::{may_travel, move_row};
use crate::domain::asset::AssetStatus;
use crate::domain::validation::FieldErrors;
use crate::models::stock::Asset;
use crate::repo::stock::{self, Posting};
use crate::repo::{By, RepoError};
use crate::schema::{assets, transfer_lines, transfers};

/// What to send: unit ids and (stock item, quantity) pairs.
#[derive(Debug, Clone, Default)]
pub struct Shipment {
    /// Serialized units (ids, of the source branch).
    pub asset_ids: Vec<i64>,
    /// Bulk lines.
    pub bulk: Vec<(i64, i32)>,
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
    crate::repo::tx(conn, |conn| {
        crate::repo::branches::get(conn, to)?;
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
                    before.status().words()
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
