//! A claim submitted against an active, unexpired warranty.

use chrono::NaiveDate;
use diesel::prelude::*;

use super::{claim_event, set_warranty};
use crate::domain::validation::FieldErrors;
use crate::domain::warranty::{ClaimStatus, WarrantyStatus};
use crate::repo::{By, RepoError, unique_violation};
use crate::schema::{warranties, warranty_claims};

/// Submits a claim against an active, unexpired warranty of the branch.
pub fn submit(
    conn: &mut PgConnection,
    branch_id: i64,
    warranty: i64,
    problem: &str,
    by: &By,
) -> Result<i64, RepoError> {
    if problem.trim().is_empty() {
        return Err(
            FieldErrors::single("problem", "Describe the fault the customer reports.").into(),
        );
    }
    let ends_on: NaiveDate = warranties::table
        .find(warranty)
        .filter(warranties::branch_id.eq(branch_id))
        .select(warranties::ends_on)
        .first(conn)?;
    if ends_on < by.today {
        return Err(RepoError::Conflict(format!(
            "This warranty ended on {ends_on}; no claim can be made on it."
        )));
    }
    crate::repo::tx(conn, |conn| {
        let status: String = warranties::table
            .find(warranty)
            .select(warranties::status)
            .for_update()
            .first(conn)?;
        match status.parse() {
            Ok(WarrantyStatus::Active) => {}
            Ok(WarrantyStatus::Claimed) => {
                return Err(RepoError::Conflict(
                    "A claim on this warranty is already open.".into(),
                ));
            }
            _ => {
                return Err(RepoError::Conflict(format!(
                    "This warranty is {status}; no claim can be made on it."
                )));
            }
        }
        let claim: i64 = diesel::insert_into(warranty_claims::table)
            .values((
                warranty_claims::warranty_id.eq(warranty),
                warranty_claims::branch_id.eq(branch_id),
                warranty_claims::problem.eq(problem.trim()),
                warranty_claims::created_by.eq(by.user_id),
            ))
            .returning(warranty_claims::id)
            .get_result(conn)
            .map_err(|e| match unique_violation(&e) {
                Some("warranty_claims_open_key") => {
                    RepoError::Conflict("A claim on this warranty is already open.".into())
                }
                _ => e.into(),
            })?;
        claim_event(
            conn,
            claim,
            None,
            ClaimStatus::Submitted,
            problem.trim(),
            by,
        )?;
        set_warranty(
            conn,
            warranty,
            WarrantyStatus::Active,
            WarrantyStatus::Claimed,
            &format!("claim #{claim}"),
            by,
        )?;
        Ok(claim)
    })
}
