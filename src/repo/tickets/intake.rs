//! A repair's intake records beside its ticket: the customer's status link, the unlock code
//! (read only for the assigned technician and managers), the customer's signature, and deposits
//! held until the ticket's invoice is issued, when they are applied to it as a `deposit`
//! payment.

use bigdecimal::{BigDecimal, Zero};
use diesel::prelude::*;

use crate::domain::invoice::PaymentMethod;
use crate::domain::repair_intake::RepairIntake;
use crate::domain::role::Role;
use crate::models::ticket::Ticket;
use crate::repo::{By, RepoError};
use crate::schema::{ticket_deposits, ticket_signatures, ticket_unlock_codes};

/// Writes what the intake recorded beside the new ticket `ticket` (in the caller's transaction);
/// a deposit taken is an event of the ticket.
pub(crate) fn record_intake(
    conn: &mut PgConnection,
    ticket: &Ticket,
    intake: &RepairIntake,
    by: &By,
) -> Result<(), RepoError> {
    // The customer's status page, for the job sheet's QR code.
    super::status_links::make_status_link(conn, ticket.id, by)?;
    if !intake.unlock_code.is_empty() {
        diesel::insert_into(ticket_unlock_codes::table)
            .values((
                ticket_unlock_codes::ticket_id.eq(ticket.id),
                ticket_unlock_codes::branch_id.eq(ticket.branch_id),
                ticket_unlock_codes::code.eq(&intake.unlock_code),
            ))
            .execute(conn)?;
    }
    if let Some(png) = &intake.signature {
        diesel::insert_into(ticket_signatures::table)
            .values((
                ticket_signatures::ticket_id.eq(ticket.id),
                ticket_signatures::branch_id.eq(ticket.branch_id),
                ticket_signatures::png.eq(png),
                ticket_signatures::signed_at.eq(by.at),
            ))
            .execute(conn)?;
    }
    if let Some((method, amount, reference)) = &intake.deposit {
        diesel::insert_into(ticket_deposits::table)
            .values((
                ticket_deposits::ticket_id.eq(ticket.id),
                ticket_deposits::branch_id.eq(ticket.branch_id),
                ticket_deposits::method.eq(method.as_str()),
                ticket_deposits::amount.eq(amount),
                ticket_deposits::reference.eq(reference),
                ticket_deposits::received_by.eq(by.user_id),
                ticket_deposits::at.eq(by.at),
            ))
            .execute(conn)?;
        let reference = if reference.is_empty() {
            String::new()
        } else {
            format!(" ({reference})")
        };
        let currency = crate::repo::branches::get(conn, ticket.branch_id)?.currency;
        let amount = crate::domain::money::show(amount, &currency);
        let note = format!("{amount} by {}{reference}", method.label().to_lowercase());
        super::event(conn, ticket.id, "deposit", None, None, &note, by)?;
    }
    Ok(())
}

/// Whether `role` (user `user_id`) may read the unlock code of `ticket`: the technician it is
/// assigned to, and managers and admins.
pub fn may_read_unlock_code(ticket: &Ticket, user_id: i64, role: Role) -> bool {
    matches!(role, Role::Manager | Role::Admin) || ticket.assigned_to == Some(user_id)
}

/// The unlock code of `ticket` for user `user_id` in `role`: `None` when there is none or they
/// may not read it (see [`may_read_unlock_code`]).
pub fn unlock_code(
    conn: &mut PgConnection,
    ticket: &Ticket,
    user_id: i64,
    role: Role,
) -> Result<Option<String>, RepoError> {
    if !may_read_unlock_code(ticket, user_id, role) {
        return Ok(None);
    }
    Ok(ticket_unlock_codes::table
        .find(ticket.id)
        .select(ticket_unlock_codes::code)
        .first(conn)
        .optional()?)
}

/// Whether the ticket has an unlock code on file (without reading it).
pub fn has_unlock_code(conn: &mut PgConnection, ticket_id: i64) -> Result<bool, RepoError> {
    Ok(diesel::select(diesel::dsl::exists(
        ticket_unlock_codes::table.find(ticket_id),
    ))
    .get_result(conn)?)
}

/// Whether the customer signed for the ticket.
pub fn has_signature(conn: &mut PgConnection, ticket_id: i64) -> Result<bool, RepoError> {
    Ok(diesel::select(diesel::dsl::exists(
        ticket_signatures::table.find(ticket_id),
    ))
    .get_result(conn)?)
}

/// The customer's signature of ticket `ticket_id` at `branch_id`, as PNG bytes.
pub fn signature(
    conn: &mut PgConnection,
    branch_id: i64,
    ticket_id: i64,
) -> Result<Option<Vec<u8>>, RepoError> {
    Ok(ticket_signatures::table
        .find(ticket_id)
        .filter(ticket_signatures::branch_id.eq(branch_id))
        .select(ticket_signatures::png)
        .first(conn)
        .optional()?)
}

/// A deposit held against a ticket: method, amount, reference, when, and the invoice it was
/// applied to.
pub type Deposit = (
    String,
    BigDecimal,
    String,
    chrono::DateTime<chrono::Utc>,
    Option<i64>,
);

/// The deposits taken against a ticket, oldest first.
pub fn deposits_of(conn: &mut PgConnection, ticket_id: i64) -> Result<Vec<Deposit>, RepoError> {
    Ok(ticket_deposits::table
        .filter(ticket_deposits::ticket_id.eq(ticket_id))
        .select((
            ticket_deposits::method,
            ticket_deposits::amount,
            ticket_deposits::reference,
            ticket_deposits::at,
            ticket_deposits::applied_invoice_id,
        ))
        .order(ticket_deposits::id)
        .load(conn)?)
}

/// Applies the deposits held against `ticket_id` to its invoice `invoice_id` (issued, its row
/// locked by the caller): one `deposit` payment of what they hold, at most the invoice's
/// `total`; the deposits are marked applied. Returns what was applied.
pub(crate) fn apply_deposits(
    conn: &mut PgConnection,
    branch_id: i64,
    (ticket_id, invoice_id): (i64, i64),
    total: &BigDecimal,
    by: &By,
) -> Result<BigDecimal, RepoError> {
    let held: Vec<(i64, BigDecimal)> = ticket_deposits::table
        .filter(ticket_deposits::ticket_id.eq(ticket_id))
        .filter(ticket_deposits::applied_invoice_id.is_null())
        .select((ticket_deposits::id, ticket_deposits::amount))
        .for_update()
        .load(conn)?;
    let sum: BigDecimal = held.iter().map(|(_, a)| a).sum();
    if sum.is_zero() {
        return Ok(sum);
    }
    let applied = if &sum < total { sum } else { total.clone() };
    if !applied.is_zero() {
        let number: i32 = crate::schema::tickets::table
            .find(ticket_id)
            .select(crate::schema::tickets::number)
            .first(conn)?;
        let reference = format!("ticket #{number} deposit");
        crate::repo::invoices::pay(
            conn,
            branch_id,
            invoice_id,
            PaymentMethod::Deposit,
            &applied,
            &reference,
            by,
        )?;
    }
    let ids: Vec<i64> = held.iter().map(|(id, _)| *id).collect();
    diesel::update(ticket_deposits::table.filter(ticket_deposits::id.eq_any(ids)))
        .set(ticket_deposits::applied_invoice_id.eq(invoice_id))
        .execute(conn)?;
    Ok(applied)
}
