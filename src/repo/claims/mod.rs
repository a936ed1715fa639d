//! Warranties and warranty claims. A claim: `submitted → approved → completed`, or `submitted →
//! denied` (with a reason). Submitting puts the warranty in `claimed` (refused for an expired or
//! void warranty); approving opens a ticket linked to the claim; completing or denying puts the
//! warranty back to `active` (or `expired`, if it ended meanwhile). Each change writes its claim
//! and warranty events in the same transaction.

mod decisions;
mod queries;
mod submit;
mod warranty;

pub use decisions::*;
pub use queries::*;
pub use submit::*;
pub use warranty::*;

pub use crate::models::warranty::{ClaimRow, WarrantyRow};

use chrono::NaiveDate;
use diesel::prelude::*;

use super::{By, RepoError};
use crate::domain::warranty::{ClaimStatus, WarrantyStatus, after_claim};
use crate::repo::events::{self, Event, Trail};
use crate::schema::{warranties, warranty_claims};

fn claim_event(
    conn: &mut PgConnection,
    claim: i64,
    from: Option<ClaimStatus>,
    to: ClaimStatus,
    note: &str,
    by: &By,
) -> Result<(), RepoError> {
    let event = Event::moved(from.map(ClaimStatus::as_str), to.as_str(), note);
    events::write(conn, Trail::Claim(claim), &event, by)?;
    Ok(())
}

fn set_warranty(
    conn: &mut PgConnection,
    warranty: i64,
    from: WarrantyStatus,
    to: WarrantyStatus,
    note: &str,
    by: &By,
) -> Result<(), RepoError> {
    diesel::update(warranties::table.find(warranty))
        .set(warranties::status.eq(to.as_str()))
        .execute(conn)?;
    let event = Event::moved(Some(from.as_str()), to.as_str(), note);
    events::write(conn, Trail::Warranty(warranty), &event, by)?;
    Ok(())
}

const CLAIM_COLUMNS: (
    warranty_claims::id,
    warranty_claims::warranty_id,
    warranty_claims::status,
    warranty_claims::problem,
    warranty_claims::deny_reason,
    warranty_claims::ticket_id,
    warranty_claims::outcome,
    warranty_claims::cost,
    warranty_claims::created_at,
) = (
    warranty_claims::id,
    warranty_claims::warranty_id,
    warranty_claims::status,
    warranty_claims::problem,
    warranty_claims::deny_reason,
    warranty_claims::ticket_id,
    warranty_claims::outcome,
    warranty_claims::cost,
    warranty_claims::created_at,
);

fn lock_claim(conn: &mut PgConnection, branch_id: i64, id: i64) -> Result<ClaimRow, RepoError> {
    Ok(warranty_claims::table
        .filter(warranty_claims::id.eq(id))
        .filter(warranty_claims::branch_id.eq(branch_id))
        .select(CLAIM_COLUMNS)
        .for_update()
        .first(conn)?)
}

/// Refuses the move to `to` unless the claim is in the one status it comes from.
fn expect(claim: &ClaimRow, to: ClaimStatus) -> Result<(), RepoError> {
    if to.comes_from().map(ClaimStatus::as_str) != Some(claim.status.as_str()) {
        return Err(RepoError::Conflict(format!(
            "A claim that is {} cannot become {to}.",
            claim.status
        )));
    }
    Ok(())
}

fn release(conn: &mut PgConnection, warranty: i64, claim: i64, by: &By) -> Result<(), RepoError> {
    let ends_on: NaiveDate = warranties::table
        .find(warranty)
        .select(warranties::ends_on)
        .first(conn)?;
    let to = after_claim(ends_on, by.today);
    set_warranty(
        conn,
        warranty,
        WarrantyStatus::Claimed,
        to,
        &format!("claim #{claim} closed"),
        by,
    )
}
