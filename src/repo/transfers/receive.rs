//! Receiving a transfer at the destination: units back in the status they left with, bulk
//! stock into its ledger.

use diesel::prelude::*;

use super::{TransferLine, move_row};
use crate::domain::transfer::TransferStatus;
use crate::models::stock::Asset;
use crate::repo::stock::{self, Posting};
use crate::repo::{By, RepoError};
use crate::schema::{assets, transfer_lines, transfers};

/// Receives a transfer at its destination (`at`, the receiving user's branch).
pub fn receive(
    conn: &mut PgConnection,
    at: i64,
    transfer_id: i64,
    by: &By,
) -> Result<(), RepoError> {
    crate::repo::tx(conn, |conn| {
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
        let mut arrived: Vec<(i64, i32)> = Vec::new();
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
                    arrived.push((item, quantity));
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
                transfers::status.eq(TransferStatus::Received.as_str()),
                transfers::received_by.eq(by.user_id),
                transfers::received_at.eq(diesel::dsl::now),
            ))
            .execute(conn)?;
        // tickets waiting for these parts at the destination are told
        crate::repo::tickets::parts_arrived(
            conn,
            at,
            &arrived,
            &format!("transfer #{transfer_id}"),
            by,
        )?;
        Ok(())
    })
}
