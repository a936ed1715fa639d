//! A unit moved through its table by hand, or to another location.

use diesel::prelude::*;

use super::{Movement, facts, lock, movement};
use crate::domain::asset::{self, AssetStatus, Cause};
use crate::domain::validation::FieldErrors;
use crate::models::stock::Asset;
use crate::repo::{By, RepoError};
use crate::schema::{assets, locations};

/// Moves an asset to `to`, checking the table and the preconditions; writes the movement row.
pub fn transition(
    conn: &mut PgConnection,
    branch_id: i64,
    id: i64,
    to: AssetStatus,
    cause: Cause,
    reason: &str,
    by: &By,
) -> Result<Asset, RepoError> {
    crate::repo::tx(conn, |conn| {
        let before = lock(conn, branch_id, id)?;
        let facts = facts(conn, &before)?;
        asset::check(before.status(), to, facts, cause).map_err(RepoError::Conflict)?;
        let after: Asset = diesel::update(assets::table.find(id))
            .set((
                assets::status.eq(to.as_str()),
                assets::version.eq(assets::version + 1),
                assets::updated_at.eq(diesel::dsl::now),
            ))
            .returning(Asset::as_returning())
            .get_result(conn)?;
        let m = Movement {
            from: Some(&before),
            to_status: to,
            to_branch: after.branch_id,
            to_location: after.location_id,
            reason,
        };
        movement(conn, id, m, by)?;
        Ok(after)
    })
}

/// Moves an asset to another location of its branch (a movement row, status unchanged).
pub fn relocate(
    conn: &mut PgConnection,
    branch_id: i64,
    id: i64,
    location_id: i64,
    reason: &str,
    by: &By,
) -> Result<Asset, RepoError> {
    crate::repo::tx(conn, |conn| {
        let before = lock(conn, branch_id, id)?;
        let here: bool = diesel::select(diesel::dsl::exists(
            locations::table
                .filter(locations::id.eq(location_id))
                .filter(locations::branch_id.eq(branch_id)),
        ))
        .get_result(conn)?;
        if !here {
            return Err(FieldErrors::single(
                "location_id",
                "Choose one of this branch's locations.",
            )
            .into());
        }
        let after: Asset = diesel::update(assets::table.find(id))
            .set((
                assets::location_id.eq(location_id),
                assets::version.eq(assets::version + 1),
            ))
            .returning(Asset::as_returning())
            .get_result(conn)?;
        let m = Movement {
            from: Some(&before),
            to_status: before.status(),
            to_branch: branch_id,
            to_location: Some(location_id),
            reason,
        };
        movement(conn, id, m, by)?;
        Ok(after)
    })
}
