//! The customer's copy of an invoice by message: "Email the receipt" queues a link to it (a
//! signed no-login link, made by the caller) by the customer's channel: the receipt when the
//! invoice is paid, "payment received" with what is left when it is paid in part. The invoice's
//! history records it.

use bigdecimal::{BigDecimal, Zero};
use diesel::prelude::*;

use super::lock;
use crate::domain::invoice::InvoiceStatus;
use crate::repo::events::{self, Event, Trail};
use crate::repo::outbox::{self, About, Message};
use crate::repo::{By, RepoError};

/// Sends invoice `id`'s receipt link (`url` of the invoice) to its customer: to whom.
pub fn send_receipt(
    conn: &mut PgConnection,
    branch_id: i64,
    id: i64,
    url: impl Fn(i64) -> String,
    by: &By,
) -> Result<String, RepoError> {
    crate::repo::tx(conn, |conn| {
        let inv = lock(conn, branch_id, id)?;
        let state = inv.state();
        if matches!(state, InvoiceStatus::Draft | InvoiceStatus::Void) {
            return Err(RepoError::Conflict(format!(
                "{} is {}: there is no receipt to send.",
                inv.label(),
                state.words()
            )));
        }
        let Some(customer) = inv.customer_id else {
            return Err(RepoError::Conflict(
                "A walk-in sale has no customer on file to send it to: print the receipt.".into(),
            ));
        };
        if inv.paid_total <= BigDecimal::zero() {
            return Err(RepoError::Conflict(format!(
                "Nothing has been paid on {} yet: take the payment first, or print the invoice.",
                inv.label()
            )));
        }
        let Some(to) = outbox::recipient_of(conn, customer)? else {
            return Err(RepoError::Conflict(
                "The customer has no email or phone on file: print the receipt.".into(),
            ));
        };
        let balance = inv.balance();
        let template = match balance > BigDecimal::zero() {
            true => "payment_received",
            false => "receipt",
        };
        let message = Message {
            branch_id,
            template,
            customer_id: customer,
            about: inv.ticket_id.map_or(About::Customer, About::Ticket),
            due_at: by.at,
            payload: serde_json::json!({
                "invoice": inv.label(),
                "invoice_id": inv.id,
                "total": inv.total.to_string(),
                "amount": inv.paid_total.to_string(),
                "balance": balance.to_string(),
                "receipt_link": url(inv.id),
            }),
        };
        outbox::queue(conn, &message, &to)?;
        let note = format!("receipt sent to {to}");
        events::write(
            conn,
            Trail::Invoice(id),
            &Event::moved(Some(state.as_str()), state.as_str(), &note),
            by,
        )?;
        Ok(to)
    })
}
