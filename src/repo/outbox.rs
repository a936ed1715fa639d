//! The message outbox: what is to be told to a customer, written in the same transaction as the
//! change it tells about, and withdrawn when that change is undone. Every writer goes through
//! here; delivery (email, SMS) happens outside any request, later.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use super::{By, RepoError};
use crate::domain::message::{OneOff, OutboxStatus};
use crate::models::audit::NewAuditEntry;
use crate::schema::{customers, message_outbox, tickets};

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
    insert(conn, message, recipient).map(|_| ())
}

/// Queues `message` to `recipient`: its id, `None` when it was already queued.
fn insert(
    conn: &mut PgConnection,
    message: &Message,
    recipient: &str,
) -> Result<Option<i64>, RepoError> {
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
        .returning(message_outbox::id)
        .get_result(conn)
        .optional()
        .map_err(Into::into)
}

/// Queues a message staff wrote to customer `customer_id` (about their ticket `ticket`, of
/// this branch), due at once, audited: the outbox row and whom it goes to.
pub fn queue_one_off(
    conn: &mut PgConnection,
    branch_id: i64,
    customer_id: i64,
    ticket: Option<i64>,
    written: &OneOff,
    by: &By,
) -> Result<(i64, String), RepoError> {
    super::tx(conn, |conn| {
        let (email, phone): (String, String) = customers::table
            .find(customer_id)
            .filter(customers::erased_at.is_null())
            .select((customers::email, customers::phone))
            .first(conn)?;
        let written = written
            .clone()
            .check(!email.is_empty(), !phone.is_empty())?;
        if let Some(t) = ticket {
            let theirs: i64 = tickets::table
                .filter(tickets::id.eq(t))
                .filter(tickets::branch_id.eq(branch_id))
                .filter(tickets::customer_id.eq(customer_id))
                .count()
                .get_result(conn)?;
            if theirs == 0 {
                return Err(RepoError::NotFound);
            }
        }
        let to = match written.channel.as_str() {
            "sms" => phone,
            _ => email,
        };
        let message = Message {
            branch_id,
            template: "message",
            customer_id,
            about: ticket.map_or(About::Customer, About::Ticket),
            due_at: by.at,
            payload: serde_json::json!({
                "subject": written.subject,
                "message": written.message,
            }),
        };
        let id = insert(conn, &message, &to)?.ok_or_else(|| {
            RepoError::Conflict("The message was not queued; send it again.".into())
        })?;
        super::audit::record(
            conn,
            NewAuditEntry::new("message.send", "message", Some(id.to_string()))
                .by(by.user_id, by.client_addr.as_deref())
                .at_branch(branch_id)
                .change(
                    None,
                    Some(serde_json::json!({
                        "customer_id": customer_id,
                        "ticket_id": ticket,
                        "to": to,
                        "subject": written.subject,
                    })),
                ),
        )?;
        Ok((id, to))
    })
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
