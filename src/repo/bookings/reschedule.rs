//! Moving a booking to another slot or bay, version-checked.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use super::queries::service_ids;
use super::{
    cancel_reminders, check_bay_takes, check_schedule, clash_message, event, lock, lock_bay,
    queue_reminder,
};
use crate::domain::booking::BookingStatus;
use crate::domain::validation::FieldErrors;
use crate::models::booking::Booking;
use crate::repo::{By, RepoError};
use crate::schema::bookings;

/// Moves a live booking to another time or bay, if the form's `version` is still current.
#[allow(clippy::too_many_arguments)]
pub fn reschedule(
    conn: &mut PgConnection,
    branch_id: i64,
    id: i64,
    version: i32,
    bay_id: i64,
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    by: &By,
) -> Result<Booking, RepoError> {
    crate::repo::tx(conn, |conn| {
        let booking = lock(conn, branch_id, id)?;
        if booking.version != version {
            return Err(RepoError::Conflict(
                "Someone changed this booking while you were editing it. Its current details are shown; make your change again.".into(),
            ));
        }
        let status = booking.status();
        if !matches!(status, BookingStatus::Requested | BookingStatus::Confirmed) {
            return Err(RepoError::Conflict(format!(
                "A {} booking cannot be rescheduled.",
                status.label().to_lowercase()
            )));
        }
        let mut errors = FieldErrors::new();
        let bay = lock_bay(conn, branch_id, bay_id)?;
        let branch = crate::repo::branches::get(conn, branch_id)?;
        check_schedule(
            (&branch.timezone, &branch.hours()),
            bay.as_ref(),
            starts_at,
            ends_at,
            by.at,
            &mut errors,
        );
        let booked = service_ids(conn, id)?;
        let booked = crate::repo::catalogue::services_by_id(conn, &booked)?;
        check_bay_takes(bay.as_ref(), &booked, &mut errors);
        errors.into_result()?;
        let moved = conn.transaction(|conn| {
            diesel::update(bookings::table.find(id))
                .set((
                    bookings::bay_id.eq(bay_id),
                    bookings::starts_at.eq(starts_at),
                    bookings::ends_at.eq(ends_at),
                    bookings::version.eq(bookings::version + 1),
                    bookings::updated_at.eq(by.at),
                ))
                .returning(Booking::as_returning())
                .get_result::<Booking>(conn)
        });
        let moved = match moved {
            Ok(b) => b,
            Err(e) => return Err(clash_message(conn, e, bay_id, starts_at, ends_at)),
        };
        let note = format!(
            "{} → {}",
            booking.starts_at.format("%Y-%m-%d %H:%M UTC"),
            moved.starts_at.format("%Y-%m-%d %H:%M UTC")
        );
        event(
            conn,
            id,
            "rescheduled",
            Some(status),
            Some(status),
            &note,
            by,
        )?;
        if status == BookingStatus::Confirmed {
            cancel_reminders(conn, id)?;
            queue_reminder(conn, &moved, by.at)?;
        }
        Ok(moved)
    })
}
