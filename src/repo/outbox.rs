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

/// Where a customer's messages go: by their preferred channel (email, or SMS to their phone)
/// when they have that contact, else by the other; `None` when they have neither.
pub fn recipient_of(
    conn: &mut PgConnection,
    customer_id: i64,
) -> Result<Option<String>, RepoError> {
    let (email, phone, preferred): (String, String, String) = customers::table
        .find(customer_id)
        .select((
            customers::email,
            customers::phone,
            customers::preferred_channel,
        ))
        .first(conn)?;
    let to = match (preferred.as_str(), email.is_empty(), phone.is_empty()) {
        ("sms", _, false) | (_, true, _) => phone,
        _ => email,
    };
    Ok((!to.is_empty()).then_some(to))
}

/// The channel a recipient is reached on: email for an address, SMS for a phone number.
pub fn channel_of(recipient: &str) -> &'static str {
    if recipient.contains('@') {
        "email"
    } else {
        "sms"
    }
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
            message_outbox::channel.eq(channel_of(recipient)),
            message_outbox::audience.eq(
                match crate::domain::templates::event(message.template).map(|e| e.audience) {
                    Some(crate::domain::templates::Audience::Marketing) => "marketing",
                    _ => "service",
                },
            ),
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
