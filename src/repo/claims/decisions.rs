//! A claim approved (opening a ticket), denied with a reason, or completed.

use bigdecimal::BigDecimal;
use diesel::prelude::*;

use super::warranty::get;
use super::{claim_event, expect, lock_claim, release};
use crate::domain::validation::FieldErrors;
use crate::domain::warranty::ClaimStatus;
use crate::repo::events::{self, Event, Trail};
use crate::repo::{By, RepoError};
use crate::schema::{tickets, warranty_claims};

/// Approves a submitted claim and opens the repair ticket for it.
pub fn approve(
    conn: &mut PgConnection,
    branch_id: i64,
    id: i64,
    by: &By,
) -> Result<i64, RepoError> {
    crate::repo::tx(conn, |conn| {
        let claim = lock_claim(conn, branch_id, id)?;
        expect(&claim, ClaimStatus::Approved)?;
        let w = get(conn, branch_id, claim.warranty_id)?;
        let Some(customer) = w.customer_id else {
            return Err(RepoError::Conflict(
                "The sale was to a walk-in: record the customer on a ticket by hand, then deny or complete this claim.".into(),
            ));
        };
        let number = crate::repo::tickets::next_number(conn, branch_id)?;
        let ticket: i64 = diesel::insert_into(tickets::table)
            .values((
                tickets::branch_id.eq(branch_id),
                tickets::number.eq(number),
                tickets::customer_id.eq(customer),
                tickets::asset_id.eq(w.asset_id),
                tickets::priority.eq("high"),
                tickets::problem.eq(format!("Warranty claim #{id}: {}", claim.problem)),
                tickets::created_by.eq(by.user_id),
            ))
            .returning(tickets::id)
            .get_result(conn)?;
        let opened = format!("warranty claim #{id}");
        let event = Event {
            kind: "opened",
            from: None,
            to: Some("open"),
            note: &opened,
        };
        events::write(conn, Trail::Ticket(ticket), &event, by)?;
        diesel::update(warranty_claims::table.find(id))
            .set((
                warranty_claims::status.eq(ClaimStatus::Approved.as_str()),
                warranty_claims::ticket_id.eq(ticket),
                warranty_claims::updated_at.eq(diesel::dsl::now),
            ))
            .execute(conn)?;
        claim_event(
            conn,
            id,
            Some(ClaimStatus::Submitted),
            ClaimStatus::Approved,
            &format!("ticket #{number} opened"),
            by,
        )?;
        Ok(ticket)
    })
}

/// Denies a submitted claim with a reason; the warranty is active again.
pub fn deny(
    conn: &mut PgConnection,
    branch_id: i64,
    id: i64,
    reason: &str,
    by: &By,
) -> Result<(), RepoError> {
    if reason.trim().is_empty() {
        return Err(FieldErrors::single("deny_reason", "Say why the claim is denied.").into());
    }
    crate::repo::tx(conn, |conn| {
        let claim = lock_claim(conn, branch_id, id)?;
        expect(&claim, ClaimStatus::Denied)?;
        diesel::update(warranty_claims::table.find(id))
            .set((
                warranty_claims::status.eq(ClaimStatus::Denied.as_str()),
                warranty_claims::deny_reason.eq(reason.trim()),
                warranty_claims::updated_at.eq(diesel::dsl::now),
            ))
            .execute(conn)?;
        claim_event(
            conn,
            id,
            Some(ClaimStatus::Submitted),
            ClaimStatus::Denied,
            reason.trim(),
            by,
        )?;
        release(conn, claim.warranty_id, id, by)
    })
}

/// Completes an approved claim with its outcome and cost; the warranty is active again.
pub fn complete(
    conn: &mut PgConnection,
    branch_id: i64,
    id: i64,
    outcome: &str,
    cost: &BigDecimal,
    by: &By,
) -> Result<(), RepoError> {
    let mut errors = FieldErrors::new();
    if outcome.trim().is_empty() {
        errors.add("outcome", "Record what was done.");
    }
    if cost.sign() == bigdecimal::num_bigint::Sign::Minus {
        errors.add("cost", "The cost cannot be negative.");
    }
    errors.into_result()?;
    crate::repo::tx(conn, |conn| {
        let claim = lock_claim(conn, branch_id, id)?;
        expect(&claim, ClaimStatus::Completed)?;
        diesel::update(warranty_claims::table.find(id))
            .set((
                warranty_claims::status.eq(ClaimStatus::Completed.as_str()),
                warranty_claims::outcome.eq(outcome.trim()),
                warranty_claims::cost.eq(cost),
                warranty_claims::updated_at.eq(diesel::dsl::now),
            ))
            .execute(conn)?;
        claim_event(
            conn,
            id,
            Some(ClaimStatus::Approved),
            ClaimStatus::Completed,
            &format!("{} (cost {cost:.2})", outcome.trim()),
            by,
        )?;
        release(conn, claim.warranty_id, id, by)
    })
}
