//! Reading claims: one, a warranty's, the branch's open ones.

use diesel::prelude::*;

use super::{CLAIM_COLUMNS, ClaimRow};
use crate::domain::names;
use crate::domain::warranty::ClaimStatus;
use crate::repo::RepoError;
use crate::schema::warranty_claims;

/// One claim of the branch.
pub fn claim(conn: &mut PgConnection, branch_id: i64, id: i64) -> Result<ClaimRow, RepoError> {
    Ok(warranty_claims::table
        .filter(warranty_claims::id.eq(id))
        .filter(warranty_claims::branch_id.eq(branch_id))
        .select(CLAIM_COLUMNS)
        .first(conn)?)
}

/// A warranty's claims, newest first.
pub fn claims_of(conn: &mut PgConnection, warranty: i64) -> Result<Vec<ClaimRow>, RepoError> {
    Ok(warranty_claims::table
        .filter(warranty_claims::warranty_id.eq(warranty))
        .select(CLAIM_COLUMNS)
        .order(warranty_claims::id.desc())
        .load(conn)?)
}

/// Open claims of the branch, oldest first: (claim, covers).
pub fn open_claims(conn: &mut PgConnection, branch_id: i64) -> Result<Vec<ClaimRow>, RepoError> {
    Ok(warranty_claims::table
        .filter(warranty_claims::branch_id.eq(branch_id))
        .filter(warranty_claims::status.eq_any(names(ClaimStatus::OPEN, ClaimStatus::as_str)))
        .select(CLAIM_COLUMNS)
        .order(warranty_claims::id)
        .load(conn)?)
}
