//! The one writer and reader of the history rows each record keeps (`invoice_events`,
//! `ticket_events`, …): every state change writes its row through [`write`], in the transaction
//! that made the change, and every page reads the history through [`read`]. The application
//! role may only add to these tables.
//!
//! Some tables record only status changes; tickets and bookings also record notes, assignments
//! and approvals, each with its `kind`. A status-only table reads back with the kind `status`.
//!
//! Four counter writes are the exception, kept on purpose: a new draft invoice
//! (`invoices::drafts`), issuing (`invoices::issue`), a payment (`invoices::payments`) and a new
//! booking (`bookings::create`) write their event row inside the one statement that makes the
//! change, so each stays one round trip to the database. Their rows have the same columns and
//! meaning as [`write`]'s and are read back by [`read`] like any other; the invoice and booking
//! tests pin their contents.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use super::{By, RepoError};

pub use crate::models::event::EventRow;
use crate::schema::{
    booking_events, invoice_events, preorder_events, purchase_order_events, staff_users,
    ticket_events, warranty_claim_events, warranty_events,
};

/// Whose history.
#[derive(Debug, Clone, Copy)]
pub enum Trail {
    Booking(i64),
    Invoice(i64),
    Preorder(i64),
    PurchaseOrder(i64),
    Ticket(i64),
    Warranty(i64),
    Claim(i64),
}

/// One thing that happened to a record.
#[derive(Debug, Clone, Copy)]
pub struct Event<'a> {
    /// `status` for a status change; tickets and bookings also `note`, `assigned`, `approval`…
    pub kind: &'a str,
    pub from: Option<&'a str>,
    pub to: Option<&'a str>,
    pub note: &'a str,
}

impl<'a> Event<'a> {
    /// A status change.
    pub fn moved(from: Option<&'a str>, to: &'a str, note: &'a str) -> Self {
        Self {
            kind: "status",
            from,
            to: Some(to),
            note,
        }
    }
}

/// Writes `event` to `trail`'s history, as `by`.
pub fn write(
    conn: &mut PgConnection,
    trail: Trail,
    event: &Event,
    by: &By,
) -> Result<(), RepoError> {
    macro_rules! status_only {
        ($t:ident, $key:ident, $id:expr) => {
            diesel::insert_into($t::table)
                .values((
                    $t::$key.eq($id),
                    $t::from_status.eq(event.from),
                    $t::to_status.eq(event.to.unwrap_or_default()),
                    $t::note.eq(event.note),
                    $t::actor_user_id.eq(by.user_id),
                ))
                .execute(conn)?
        };
    }
    macro_rules! with_kind {
        ($t:ident, $key:ident, $id:expr) => {
            diesel::insert_into($t::table)
                .values((
                    $t::$key.eq($id),
                    $t::kind.eq(event.kind),
                    $t::from_status.eq(event.from),
                    $t::to_status.eq(event.to),
                    $t::note.eq(event.note),
                    $t::actor_user_id.eq(by.user_id),
                ))
                .execute(conn)?
        };
    }
    match trail {
        Trail::Booking(id) => with_kind!(booking_events, booking_id, id),
        Trail::Ticket(id) => with_kind!(ticket_events, ticket_id, id),
        Trail::Invoice(id) => status_only!(invoice_events, invoice_id, id),
        Trail::Preorder(id) => status_only!(preorder_events, preorder_id, id),
        Trail::PurchaseOrder(id) => status_only!(purchase_order_events, purchase_order_id, id),
        Trail::Warranty(id) => status_only!(warranty_events, warranty_id, id),
        Trail::Claim(id) => status_only!(warranty_claim_events, claim_id, id),
    };
    Ok(())
}

/// `trail`'s history, oldest first.
pub fn read(conn: &mut PgConnection, trail: Trail) -> Result<Vec<EventRow>, RepoError> {
    type Kinded = (
        DateTime<Utc>,
        String,
        Option<String>,
        Option<String>,
        String,
        Option<String>,
    );
    type Statuses = (
        DateTime<Utc>,
        Option<String>,
        String,
        String,
        Option<String>,
    );
    macro_rules! status_only {
        ($t:ident, $key:ident, $id:expr) => {{
            let rows: Vec<Statuses> = $t::table
                .left_join(staff_users::table)
                .filter($t::$key.eq($id))
                .select((
                    $t::at,
                    $t::from_status,
                    $t::to_status,
                    $t::note,
                    staff_users::full_name.nullable(),
                ))
                .order($t::id)
                .load(conn)?;
            rows.into_iter()
                .map(|(at, from, to, note, who)| EventRow {
                    at,
                    kind: "status".into(),
                    from,
                    to: Some(to),
                    note,
                    who,
                })
                .collect()
        }};
    }
    macro_rules! with_kind {
        ($t:ident, $key:ident, $id:expr) => {{
            let rows: Vec<Kinded> = $t::table
                .left_join(staff_users::table)
                .filter($t::$key.eq($id))
                .select((
                    $t::at,
                    $t::kind,
                    $t::from_status,
                    $t::to_status,
                    $t::note,
                    staff_users::full_name.nullable(),
                ))
                .order($t::id)
                .load(conn)?;
            rows.into_iter()
                .map(|(at, kind, from, to, note, who)| EventRow {
                    at,
                    kind,
                    from,
                    to,
                    note,
                    who,
                })
                .collect()
        }};
    }
    Ok(match trail {
        Trail::Booking(id) => with_kind!(booking_events, booking_id, id),
        Trail::Ticket(id) => with_kind!(ticket_events, ticket_id, id),
        Trail::Invoice(id) => status_only!(invoice_events, invoice_id, id),
        Trail::Preorder(id) => status_only!(preorder_events, preorder_id, id),
        Trail::PurchaseOrder(id) => status_only!(purchase_order_events, purchase_order_id, id),
        Trail::Warranty(id) => status_only!(warranty_events, warranty_id, id),
        Trail::Claim(id) => status_only!(warranty_claim_events, claim_id, id),
    })
}
