//! Transfers between branches. Shipping takes units to `in_transit` (a movement row each) and
//! bulk stock out of the source's ledger; receiving puts units back in the status they left with,
//! at the destination, and bulk stock into the destination's ledger. Each step is one
//! transaction.

mod queries;
mod receive;
mod ship;

pub use queries::*;
pub use receive::*;
pub use ship::*;

use diesel::prelude::*;

use super::{By, RepoError};
use crate::domain::asset::AssetStatus;
use crate::models::stock::Asset;
use crate::schema::asset_movements;

/// A stored line: unit and the status it left with, or stock item and quantity.
type TransferLine = (Option<i64>, Option<String>, Option<i64>, i32);

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
