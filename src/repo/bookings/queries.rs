//! Reading bookings: one, its services, a day's or a week's, a customer's.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use crate::models::booking::Booking;
use crate::repo::RepoError;
use crate::schema::{booking_services, bookings, customers};

/// One booking of the branch.
pub fn get(conn: &mut PgConnection, branch_id: i64, id: i64) -> Result<Booking, RepoError> {
    Ok(bookings::table
        .find(id)
        .filter(bookings::branch_id.eq(branch_id))
        .select(Booking::as_select())
        .first(conn)?)
}

/// The service ids of a booking.
pub fn service_ids(conn: &mut PgConnection, booking_id: i64) -> Result<Vec<i64>, RepoError> {
    Ok(booking_services::table
        .filter(booking_services::booking_id.eq(booking_id))
        .select(booking_services::service_id)
        .load(conn)?)
}

/// The names of a booking's services, as booked.
pub fn service_names(conn: &mut PgConnection, booking_id: i64) -> Result<Vec<String>, RepoError> {
    Ok(booking_services::table
        .inner_join(crate::schema::services::table)
        .filter(booking_services::booking_id.eq(booking_id))
        .select(crate::schema::services::name)
        .order(crate::schema::services::name)
        .load(conn)?)
}

/// A branch's bookings overlapping `[from, to)` with customer name and bay id, by start. A
/// booking lies within one day's opening hours, so none starts more than a day before `from`:
/// that bound keeps the index scan to the range.
pub fn in_range(
    conn: &mut PgConnection,
    branch_id: i64,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<(Booking, String)>, RepoError> {
    Ok(bookings::table
        .inner_join(customers::table)
        .filter(bookings::branch_id.eq(branch_id))
        .filter(bookings::starts_at.lt(to))
        .filter(bookings::starts_at.gt(from - chrono::Duration::days(1)))
        .filter(bookings::ends_at.gt(from))
        .select((Booking::as_select(), customers::name))
        .order(bookings::starts_at.asc())
        .load(conn)?)
}
