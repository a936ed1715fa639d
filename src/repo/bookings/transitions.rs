//! Confirm, cancel, no-show, check in, complete: through the table, with the reminder queued
//! or withdrawn.

use diesel::prelude::*;

use super::{cancel_reminders, event, lock, queue_reminder};
use crate::domain::booking::BookingStatus;
use crate::domain::validation::FieldErrors;
use crate::models::booking::Booking;
use crate::repo::{By, RepoError};
use crate::schema::bookings;

/// Moves a booking to `to` (confirm, cancel with a reason, no-show, complete).
pub fn transition(
    conn: &mut PgConnection,
    branch_id: i64,
    id: i64,
    to: BookingStatus,
    reason: Option<&str>,
    by: &By,
) -> Result<Booking, RepoError> {
    crate::repo::tx(conn, |conn| {
        let booking = lock(conn, branch_id, id)?;
        let from = booking.status();
        from.check_transition(to).map_err(RepoError::Conflict)?;
        if to == BookingStatus::CheckedIn {
            return Err(RepoError::Conflict(
                "Use check-in to open the ticket.".into(),
            ));
        }
        if to == BookingStatus::NoShow {
            let tz = crate::repo::branches::get(conn, branch_id)?.timezone;
            crate::domain::booking::check_no_show(
                booking.starts_at,
                by.at,
                crate::domain::time::zone(&tz),
            )
            .map_err(RepoError::Conflict)?;
        }
        let reason = reason.map(str::trim).filter(|r| !r.is_empty());
        if to == BookingStatus::Cancelled && reason.is_none() {
            return Err(FieldErrors::single("reason", "Say why the booking is cancelled.").into());
        }
        let updated: Booking = diesel::update(bookings::table.find(id))
            .set((
                bookings::status.eq(to.as_str()),
                bookings::cancel_reason.eq(reason.filter(|_| to == BookingStatus::Cancelled)),
                bookings::version.eq(bookings::version + 1),
                bookings::updated_at.eq(by.at),
            ))
            .returning(Booking::as_returning())
            .get_result(conn)?;
        event(
            conn,
            id,
            "status",
            Some(from),
            Some(to),
            reason.unwrap_or(""),
            by,
        )?;
        match to {
            BookingStatus::Confirmed => queue_reminder(conn, &updated, by.at)?,
            BookingStatus::Cancelled | BookingStatus::NoShow => cancel_reminders(conn, id)?,
            _ => {}
        }
        Ok(updated)
    })
}
