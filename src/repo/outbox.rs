//! The message outbox: what is to be told to a customer, written in the same transaction as the
//! change it tells about, and withdrawn when that change is undone. Every writer goes through
//! here; delivery (email, SMS) happens outside any request, later.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use super::RepoError;
use crate::domain::message::OutboxStatus;
use crate::schema::{customers, message_outbox};

/// What a message is about, beyond its customer.
#[derive(Debug, Clone, Copy)]
pub enum About {
    Booking(i64),
    Ticket(i64),
    Customer,
}

/// A message to queue.
#[derive(Debug, Clone)]
pub struct Message {
    pub branch_id: i64,
    /// The template it renders with (`booking_reminder`, `ticket_ready`, `preorder_arrived`…).
    pub template: &'static str,
    pub customer_id: i64,
    pub about: About,
    /// When to send it.
    pub due_at: DateTime<Utc>,
    /// What the template fills in.
    pub payload: serde_json::Value,
}

/// Where a customer's messages go: their email, or their phone when they have none; `None` when
/// they have neither.
pub fn recipient_of(
    conn: &mut PgConnection,
    customer_id: i64,
) -> Result<Option<String>, RepoError> {
    let (email, phone): (String, String) = customers::table
        .find(customer_id)
        .select((customers::email, customers::phone))
        .first(conn)?;
    let to = if email.is_empty() { phone } else { email };
    Ok((!to.is_empty()).then_some(to))
}

/// Queues `message` to `recipient`. A booking has one reminder: a second is not queued.
pub fn queue(conn: &mut PgConnection, message: &Message, recipient: &str) -> Result<(), RepoError> {
    let (booking, ticket) = match message.about {
        About::Booking(id) => (Some(id), None),
        About::Ticket(id) => (None, Some(id)),
        About::Customer => (None, None),
    };
    diesel::insert_into(message_outbox::table)
        .values((
            message_outbox::branch_id.eq(message.branch_id),
            message_outbox::template.eq(message.template),
            message_outbox::customer_id.eq(message.customer_id),
            message_outbox::recipient.eq(recipient),
            message_outbox::booking_id.eq(booking),
            message_outbox::ticket_id.eq(ticket),
            message_outbox::due_at.eq(message.due_at),
            message_outbox::payload.eq(&message.payload),
        ))
        .on_conflict_do_nothing()
        .execute(conn)?;
    Ok(())
}

/// Withdraws a booking's messages not yet sent.
pub fn withdraw_for_booking(conn: &mut PgConnection, booking_id: i64) -> Result<(), RepoError> {
    diesel::update(
        message_outbox::table
            .filter(message_outbox::booking_id.eq(booking_id))
            .filter(message_outbox::status.eq(OutboxStatus::Pending.as_str())),
    )
    .set(message_outbox::status.eq(OutboxStatus::Cancelled.as_str()))
    .execute(conn)?;
    Ok(())
}
