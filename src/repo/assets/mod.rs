//! Serialized assets through their state machine. Every status or location change locks the
//! row, checks the table and its preconditions, updates the row and writes the movement row, in
//! one transaction.

mod checks;
mod queries;
mod receive;
mod transitions;

pub use checks::*;
pub use queries::*;
pub use receive::*;
pub use transitions::*;

use diesel::prelude::*;

use super::{By, RepoError};
use crate::domain::asset::{AssetStatus, Facts};
use crate::models::stock::Asset;
use crate::schema::{asset_movements, assets, wipe_certificates};

/// Why and by whom, for a movement row.
struct Movement<'a> {
    from: Option<&'a Asset>,
    to_status: AssetStatus,
    to_branch: i64,
    to_location: Option<i64>,
    reason: &'a str,
}

fn movement(conn: &mut PgConnection, asset_id: i64, m: Movement, by: &By) -> Result<(), RepoError> {
    diesel::insert_into(asset_movements::table)
        .values((
            asset_movements::asset_id.eq(asset_id),
            asset_movements::actor_user_id.eq(by.user_id),
            asset_movements::from_status.eq(m.from.map(|a| a.status.clone())),
            asset_movements::to_status.eq(m.to_status.as_str()),
            asset_movements::from_branch_id.eq(m.from.map(|a| a.branch_id)),
            asset_movements::to_branch_id.eq(m.to_branch),
            asset_movements::from_location_id.eq(m.from.and_then(|a| a.location_id)),
            asset_movements::to_location_id.eq(m.to_location),
            asset_movements::reason.eq(m.reason),
        ))
        .execute(conn)?;
    Ok(())
}

/// One asset of the branch, locked for a change (404 for another branch's).
fn lock(conn: &mut PgConnection, branch_id: i64, id: i64) -> Result<Asset, RepoError> {
    Ok(assets::table
        .find(id)
        .filter(assets::branch_id.eq(branch_id))
        .select(Asset::as_select())
        .for_update()
        .first(conn)?)
}

fn facts(conn: &mut PgConnection, a: &Asset) -> Result<Facts, RepoError> {
    let wiped: bool = diesel::select(diesel::dsl::exists(
        wipe_certificates::table.filter(wipe_certificates::asset_id.eq(a.id)),
    ))
    .get_result(conn)?;
    Ok(Facts {
        diagnostics: a.diagnostics_result.as_deref().and_then(|d| d.parse().ok()),
        wiped,
        grade: a.grade.as_deref().and_then(|g| g.parse().ok()),
    })
}
