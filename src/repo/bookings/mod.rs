//! Bookings through their state machine. Every change locks the row, checks the transition
//! table, updates the row and writes its booking event, in one transaction. Two live bookings
//! never overlap on a bay: the database's exclusion constraint decides, and its refusal becomes
//! a message naming the clashing booking.

mod create;
mod queries;
mod reschedule;
mod transitions;

pub use create::*;
pub use queries::*;
pub use reschedule::*;
pub use transitions::*;

use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};

use super::{By, RepoError, outbox};
use crate::domain::booking::{BookingStatus, check_slot};
use crate::domain::branch::OpeningHours;
use crate::domain::names;
use crate::domain::validation::FieldErrors;
use crate::models::booking::{Bay, Booking, Service};
use crate::repo::events::{self, Event, Trail};
use crate::schema::{bays, bookings, branches, customers};

/// A booking of the branch, locked for a change (404 for another branch's booking).
fn lock(conn: &mut PgConnection, branch_id: i64, id: i64) -> Result<Booking, RepoError> {
    Ok(bookings::table
        .find(id)
        .filter(bookings::branch_id.eq(branch_id))
        .select(Booking::as_select())
        .for_update()
        .first(conn)?)
}

/// Writes one booking event (every change of a booking has one).
pub(crate) fn event(
    conn: &mut PgConnection,
    booking_id: i64,
    kind: &str,
    from: Option<BookingStatus>,
    to: Option<BookingStatus>,
    note: &str,
    by: &By,
) -> Result<(), RepoError> {
    let (from, to) = (from.map(|s| s.as_str()), to.map(|s| s.as_str()));
    events::write(
        conn,
        Trail::Booking(booking_id),
        &Event {
            kind,
            from,
            to,
            note,
        },
        by,
    )?;
    Ok(())
}

/// Checks the slot against the branch's hours (in its timezone) and the bay's branch.
fn check_schedule(
    (timezone, hours): (&str, &OpeningHours),
    bay: Option<&Bay>,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    now: DateTime<Utc>,
    errors: &mut FieldErrors,
) {
    if bay.is_none() {
        errors.add("bay_id", "Choose one of this branch's bays.");
    }
    let tz = crate::domain::time::zone(timezone);
    if let Err((field, message)) = check_slot(hours, tz, starts_at, ends_at, now) {
        errors.add(field, message);
    }
}

/// Locks the bay's row for the rest of the transaction and returns it, when it is an active bay
/// of this branch. Bookings of one bay are written one at a time: two transactions inserting
/// overlapping rows at once would otherwise each wait for the other inside the exclusion
/// constraint's check, and one would die of a deadlock instead of getting the friendly clash
/// message. The constraint stays the guarantee; the lock only orders.
fn lock_bay(
    conn: &mut PgConnection,
    branch_id: i64,
    bay_id: i64,
) -> Result<Option<Bay>, RepoError> {
    Ok(bays::table
        .find(bay_id)
        .filter(bays::branch_id.eq(branch_id))
        .filter(bays::active.eq(true))
        .select(Bay::as_select())
        .for_no_key_update()
        .first(conn)
        .optional()?)
}

/// A bay that lists service categories takes only services of those categories.
fn check_bay_takes(bay: Option<&Bay>, services: &[Service], errors: &mut FieldErrors) {
    let Some(bay) = bay else {
        return;
    };
    for service in services.iter().filter(|s| !bay.takes(&s.category)) {
        errors.add(
            "bay_id",
            format!(
                "{} does not take {} work ({}); choose another bay.",
                bay.name, service.category, service.name
            ),
        );
    }
}

/// Turns the exclusion constraint's refusal into a message naming the clashing booking.
fn clash_message(
    conn: &mut PgConnection,
    e: DieselError,
    bay_id: i64,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
) -> RepoError {
    let is_overlap = matches!(&e, DieselError::DatabaseError(DatabaseErrorKind::ExclusionViolation, info)
        if info.constraint_name() == Some("bookings_no_overlap"));
    if !is_overlap {
        return e.into();
    }
    // The failed statement aborted the transaction; the caller's savepoint lets us still read.
    clash(conn, bay_id, starts_at, ends_at)
}

/// "That bay is already booked then", naming the booking in the way when there is one.
fn clash(
    conn: &mut PgConnection,
    bay_id: i64,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
) -> RepoError {
    let clash: Option<(i64, String)> = bookings::table
        .inner_join(customers::table)
        .filter(bookings::bay_id.eq(bay_id))
        .filter(bookings::status.eq_any(names(&BookingStatus::LIVE, BookingStatus::as_str)))
        .filter(bookings::starts_at.lt(ends_at))
        .filter(bookings::ends_at.gt(starts_at))
        .select((bookings::id, customers::name))
        .first(conn)
        .optional()
        .ok()
        .flatten();
    let message = match clash {
        Some((id, name)) => format!(
            "That bay is already booked then (booking #{id} for {name}). Choose another time or bay."
        ),
        None => "That bay is already booked then. Choose another time or bay.".to_string(),
    };
    FieldErrors::single("starts_at", message).into()
}

/// Writes the booking's messages to the outbox, to the customer's phone or email: the
/// confirmation at once, and the reminder a day before the start (none when the booking is
/// sooner than that: the confirmation just said it).
fn queue_reminder(
    conn: &mut PgConnection,
    b: &Booking,
    now: DateTime<Utc>,
) -> Result<(), RepoError> {
    let Some(to) = outbox::recipient_of(conn, b.customer_id)? else {
        return Ok(());
    };
    let branch: String = branches::table
        .find(b.branch_id)
        .select(branches::name)
        .first(conn)?;
    let payload = serde_json::json!({
        "booking_id": b.id,
        "starts_at": b.starts_at,
        "branch": branch,
    });
    let confirmation = outbox::Message {
        branch_id: b.branch_id,
        template: "booking_confirmed",
        customer_id: b.customer_id,
        about: outbox::About::Booking(b.id),
        due_at: now,
        payload: payload.clone(),
    };
    outbox::queue(conn, &confirmation, &to)?;
    let remind_at = b.starts_at - Duration::hours(24);
    if remind_at <= now {
        return Ok(());
    }
    let reminder = outbox::Message {
        template: "booking_reminder",
        due_at: remind_at,
        payload,
        ..confirmation
    };
    outbox::queue(conn, &reminder, &to)
}

fn cancel_reminders(conn: &mut PgConnection, booking_id: i64) -> Result<(), RepoError> {
    outbox::withdraw_for_booking(conn, booking_id)
}
