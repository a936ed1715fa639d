//! Bookings through their state machine. Every change locks the row, checks the transition
//! table, updates the row and writes its booking event, in one transaction. Two live bookings
//! never overlap on a bay: the database's exclusion constraint decides, and its refusal becomes
//! a message naming the clashing booking.

use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;
use diesel::result::{DatabaseErrorKind, Error as DieselError};

use super::{By, RepoError, outbox};
use crate::domain::booking::{BookingStatus, check_slot};
use crate::domain::branch::OpeningHours;
use crate::domain::validation::FieldErrors;
use crate::models::booking::{Bay, Booking, Service};
use crate::models::branch::hours_of;
use crate::repo::events::{self, Event, Trail};
use crate::schema::{bays, booking_services, bookings, branches, customers};

/// What the booking form asks for, already parsed.
#[derive(Debug, Clone)]
pub struct BookingRequest {
    /// The customer.
    pub customer_id: i64,
    /// Their vehicle, if any.
    pub vehicle_id: Option<i64>,
    /// Or their device, if any.
    pub device_id: Option<i64>,
    /// The bay held.
    pub bay_id: i64,
    /// Start (UTC).
    pub starts_at: DateTime<Utc>,
    /// End (UTC).
    pub ends_at: DateTime<Utc>,
    /// Services booked.
    pub service_ids: Vec<i64>,
    /// Notes.
    pub notes: String,
}

/// A booking of the branch, locked for a change (404 for another branch's booking).
fn lock(conn: &mut PgConnection, branch_id: i64, id: i64) -> Result<Booking, RepoError> {
    Ok(bookings::table
        .find(id)
        .filter(bookings::branch_id.eq(branch_id))
        .select(Booking::as_select())
        .for_update()
        .first(conn)?)
}

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
    let takes: Vec<String> = bay
        .categories
        .iter()
        .flatten()
        .map(|c| c.to_lowercase())
        .collect();
    if takes.is_empty() {
        return;
    }
    for service in services {
        if !takes.contains(&service.category.to_lowercase()) {
            errors.add(
                "bay_id",
                format!(
                    "{} does not take {} work ({}); choose another bay.",
                    bay.name, service.category, service.name
                ),
            );
        }
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
        .filter(bookings::status.eq_any(["requested", "confirmed", "checked_in"]))
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

/// Creates a booking (status `requested`) at branch `branch_id` after checking customer,
/// vehicle, bay, services and the slot; the branch's timezone and hours are read with those
/// checks, in the same statement. Not found when there is no such branch.
pub fn create(
    conn: &mut PgConnection,
    branch_id: i64,
    req: &BookingRequest,
    by: &By,
    now: DateTime<Utc>,
) -> Result<Booking, RepoError> {
    super::tx(conn, |conn| {
        let mut errors = FieldErrors::new();
        let BookingChecks {
            branch,
            customer_ok,
            vehicle_owned,
            device_owned,
            bay,
            services,
        } = load_for_booking(conn, branch_id, req)?;
        let Some((timezone, hours)) = branch else {
            return Err(RepoError::NotFound);
        };
        if !customer_ok {
            errors.add("customer_id", "Choose a customer from the search.");
        }
        if req.vehicle_id.is_some() && !vehicle_owned {
            errors.add("vehicle_id", "That vehicle is not this customer's.");
        }
        if req.device_id.is_some() {
            if !device_owned {
                errors.add("device_id", "That device is not this customer's.");
            }
            if req.vehicle_id.is_some() {
                errors.add("device_id", "Book either a vehicle or a device, not both.");
            }
        }
        if req.service_ids.is_empty() {
            errors.add("service_ids", "Pick at least one service.");
        }
        if services.len() != req.service_ids.len() {
            errors.add("service_ids", "One of the services no longer exists.");
        } else if let Some(s) = services.iter().find(|s| !s.active) {
            errors.add("service_ids", format!("{} is no longer offered.", s.name));
        }
        check_schedule(
            (&timezone, &hours),
            bay.as_ref(),
            req.starts_at,
            req.ends_at,
            now,
            &mut errors,
        );
        check_bay_takes(bay.as_ref(), &services, &mut errors);
        errors.into_result()?;
        let Some(booking) = insert_booking(conn, branch_id, req, by)? else {
            return Err(clash(conn, req.bay_id, req.starts_at, req.ends_at));
        };
        Ok(booking)
    })
}

/// What a new booking is checked against.
#[derive(Default)]
struct BookingChecks {
    /// The branch's timezone and opening hours (none: no such branch).
    branch: Option<(String, OpeningHours)>,
    /// The customer exists and is neither archived nor erased.
    customer_ok: bool,
    /// The vehicle asked for is the customer's.
    vehicle_owned: bool,
    /// The device asked for is the customer's.
    device_owned: bool,
    /// The bay, when active and at the branch (locked against a concurrent change of it).
    bay: Option<Bay>,
    /// The chosen services that exist.
    services: Vec<Service>,
}

/// [`BookingChecks`] in one round trip (one row per chosen service), the branch's row with them.
fn load_for_booking(
    conn: &mut PgConnection,
    branch_id: i64,
    req: &BookingRequest,
) -> Result<BookingChecks, RepoError> {
    use diesel::sql_types::{Array, BigInt, Bool, Jsonb, Nullable, Numeric, Text, Timestamptz};
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = Nullable<Text>)]
        branch_timezone: Option<String>,
        #[diesel(sql_type = Nullable<Jsonb>)]
        branch_hours: Option<serde_json::Value>,
        #[diesel(sql_type = Bool)]
        customer_ok: bool,
        #[diesel(sql_type = Bool)]
        vehicle_owned: bool,
        #[diesel(sql_type = Bool)]
        device_owned: bool,
        #[diesel(sql_type = Nullable<BigInt>)]
        bay_id: Option<i64>,
        #[diesel(sql_type = Nullable<Text>)]
        bay_name: Option<String>,
        #[diesel(sql_type = Nullable<Array<Nullable<Text>>>)]
        bay_categories: Option<Vec<Option<String>>>,
        #[diesel(sql_type = Nullable<BigInt>)]
        service_id: Option<i64>,
        #[diesel(sql_type = Nullable<Text>)]
        service_name: Option<String>,
        #[diesel(sql_type = Nullable<Text>)]
        service_category: Option<String>,
        #[diesel(sql_type = Nullable<Numeric>)]
        labour_hours: Option<bigdecimal::BigDecimal>,
        #[diesel(sql_type = Nullable<Numeric>)]
        price: Option<bigdecimal::BigDecimal>,
        #[diesel(sql_type = Nullable<Bool>)]
        service_active: Option<bool>,
        #[diesel(sql_type = Nullable<Timestamptz>)]
        created_at: Option<DateTime<Utc>>,
        #[diesel(sql_type = Nullable<Timestamptz>)]
        updated_at: Option<DateTime<Utc>>,
    }
    let rows: Vec<Row> = super::prepared::prepared(
        "SELECT br.timezone AS branch_timezone, br.opening_hours AS branch_hours, \
                f.customer_ok, f.vehicle_owned, f.device_owned, \
                b.id AS bay_id, b.name AS bay_name, b.categories AS bay_categories, \
                s.id AS service_id, s.name AS service_name, s.category AS service_category, \
                s.labour_hours, s.price, s.active AS service_active, s.created_at, s.updated_at \
         FROM (SELECT \
                 EXISTS (SELECT 1 FROM customers WHERE id = $1 AND archived_at IS NULL AND erased_at IS NULL) AS customer_ok, \
                 EXISTS (SELECT 1 FROM vehicles WHERE id = $2 AND customer_id = $1) AS vehicle_owned, \
                 EXISTS (SELECT 1 FROM devices WHERE id = $3 AND customer_id = $1) AS device_owned) f \
         LEFT JOIN LATERAL ( \
           SELECT id, name, categories FROM bays WHERE id = $4 AND branch_id = $5 AND active \
           FOR NO KEY UPDATE) b ON true \
         LEFT JOIN branches br ON br.id = $5 \
         LEFT JOIN services s ON s.id = ANY($6) \
         ORDER BY s.id",
    )
    .bind::<BigInt, _>(req.customer_id)
    .bind::<Nullable<BigInt>, _>(req.vehicle_id)
    .bind::<Nullable<BigInt>, _>(req.device_id)
    .bind::<BigInt, _>(req.bay_id)
    .bind::<BigInt, _>(branch_id)
    .bind::<Array<BigInt>, _>(&req.service_ids)
    .load(conn)?;
    let Some(first) = rows.first() else {
        return Ok(BookingChecks::default());
    };
    let (customer_ok, vehicle_owned, device_owned) =
        (first.customer_ok, first.vehicle_owned, first.device_owned);
    let branch = match (&first.branch_timezone, &first.branch_hours) {
        (Some(tz), Some(hours)) => Some((tz.clone(), hours_of(hours))),
        _ => None,
    };
    let bay = match (first.bay_id, &first.bay_name, &first.bay_categories) {
        (Some(id), Some(name), categories) => Some(Bay {
            id,
            branch_id,
            name: name.clone(),
            categories: categories.clone().unwrap_or_default(),
            active: true,
        }),
        _ => None,
    };
    let services = rows
        .into_iter()
        .filter_map(|r| {
            Some(Service {
                id: r.service_id?,
                name: r.service_name?,
                category: r.service_category?,
                labour_hours: r.labour_hours?,
                price: r.price?,
                active: r.service_active?,
                created_at: r.created_at?,
                updated_at: r.updated_at?,
            })
        })
        .collect();
    Ok(BookingChecks {
        branch,
        customer_ok,
        vehicle_owned,
        device_owned,
        bay,
        services,
    })
}

/// Inserts the booking, its services and its `created` event in one statement (one round trip
/// instead of three; the same rows [`event`] would write). The overlap constraint decides
/// whether the slot is free: `ON CONFLICT DO NOTHING` turns a clash into no row, which also
/// writes no services or event, and leaves the transaction usable to name the booking in the
/// way without a savepoint around the insert.
fn insert_booking(
    conn: &mut PgConnection,
    branch_id: i64,
    req: &BookingRequest,
    by: &By,
) -> Result<Option<Booking>, RepoError> {
    use diesel::sql_types::{Array, BigInt, Nullable, Text, Timestamptz};
    const SQL: &str = "WITH b AS (
            INSERT INTO bookings (branch_id, customer_id, vehicle_id, device_id, bay_id,
                                  starts_at, ends_at, status, notes, created_by)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
            ON CONFLICT DO NOTHING
            RETURNING *),
        s AS (
            INSERT INTO booking_services (booking_id, service_id)
            SELECT b.id, unnest($11::bigint[]) FROM b),
        e AS (
            INSERT INTO booking_events (booking_id, actor_user_id, kind, from_status, to_status, note)
            SELECT b.id, $10, 'created', NULL, $8, '' FROM b)
        SELECT * FROM b";
    Ok(super::prepared::prepared(SQL)
        .bind::<BigInt, _>(branch_id)
        .bind::<BigInt, _>(req.customer_id)
        .bind::<Nullable<BigInt>, _>(req.vehicle_id)
        .bind::<Nullable<BigInt>, _>(req.device_id)
        .bind::<BigInt, _>(req.bay_id)
        .bind::<Timestamptz, _>(req.starts_at)
        .bind::<Timestamptz, _>(req.ends_at)
        .bind::<Text, _>(BookingStatus::Requested.as_str())
        .bind::<Text, _>(&req.notes)
        .bind::<Nullable<BigInt>, _>(by.user_id)
        .bind::<Array<BigInt>, _>(&req.service_ids)
        .get_result::<Booking>(conn)
        .optional()?)
}

/// Moves a booking to `to` (confirm, cancel with a reason, no-show, complete).
pub fn transition(
    conn: &mut PgConnection,
    branch_id: i64,
    id: i64,
    to: BookingStatus,
    reason: Option<&str>,
    by: &By,
    now: DateTime<Utc>,
) -> Result<Booking, RepoError> {
    super::tx(conn, |conn| {
        let booking = lock(conn, branch_id, id)?;
        let from = booking.status();
        from.check_transition(to).map_err(RepoError::Conflict)?;
        if to == BookingStatus::CheckedIn {
            return Err(RepoError::Conflict(
                "Use check-in to open the ticket.".into(),
            ));
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
                bookings::updated_at.eq(now),
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
            BookingStatus::Confirmed => queue_reminder(conn, &updated, now)?,
            BookingStatus::Cancelled | BookingStatus::NoShow => cancel_reminders(conn, id)?,
            _ => {}
        }
        Ok(updated)
    })
}

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
    now: DateTime<Utc>,
) -> Result<Booking, RepoError> {
    super::tx(conn, |conn| {
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
        let branch = super::branches::get(conn, branch_id)?;
        check_schedule(
            (&branch.timezone, &branch.hours()),
            bay.as_ref(),
            starts_at,
            ends_at,
            now,
            &mut errors,
        );
        let booked = service_ids(conn, id)?;
        let booked = super::catalogue::services_by_id(conn, &booked)?;
        check_bay_takes(bay.as_ref(), &booked, &mut errors);
        errors.into_result()?;
        let moved = conn.transaction(|conn| {
            diesel::update(bookings::table.find(id))
                .set((
                    bookings::bay_id.eq(bay_id),
                    bookings::starts_at.eq(starts_at),
                    bookings::ends_at.eq(ends_at),
                    bookings::version.eq(bookings::version + 1),
                    bookings::updated_at.eq(now),
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
            queue_reminder(conn, &moved, now)?;
        }
        Ok(moved)
    })
}

/// Writes the booking reminder to the outbox: due a day before the start (or at once when the
/// booking is sooner than that), to the customer's phone or email.
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
    let message = outbox::Message {
        branch_id: b.branch_id,
        template: "booking_reminder",
        customer_id: b.customer_id,
        about: outbox::About::Booking(b.id),
        due_at: (b.starts_at - Duration::hours(24)).max(now),
        payload: serde_json::json!({
            "booking_id": b.id,
            "starts_at": b.starts_at,
            "branch": branch,
        }),
    };
    outbox::queue(conn, &message, &to)
}

fn cancel_reminders(conn: &mut PgConnection, booking_id: i64) -> Result<(), RepoError> {
    outbox::withdraw_for_booking(conn, booking_id)
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

/// A customer's bookings at one branch, newest first.
pub fn for_customer(
    conn: &mut PgConnection,
    branch_id: i64,
    customer_id: i64,
    limit: i64,
) -> Result<Vec<Booking>, RepoError> {
    Ok(bookings::table
        .filter(bookings::branch_id.eq(branch_id))
        .filter(bookings::customer_id.eq(customer_id))
        .select(Booking::as_select())
        .order(bookings::starts_at.desc())
        .limit(limit)
        .load(conn)?)
}
