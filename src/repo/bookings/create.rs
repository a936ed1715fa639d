//! A new booking: the slot checked against the branch's hours and the bay, then the row, its
//! services and its event written in one statement.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use super::{check_bay_takes, check_schedule, clash};
use crate::domain::booking::BookingStatus;
use crate::domain::branch::OpeningHours;
use crate::domain::validation::FieldErrors;
use crate::models::booking::{Bay, Booking, Service};
use crate::models::branch::hours_of;
use crate::repo::{By, RepoError};

/// What the booking form asks for, already parsed.
#[derive(Debug, Clone)]
pub struct BookingRequest {
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
    pub notes: String,
}

/// Creates a booking (status `requested`) at branch `branch_id` after checking customer,
/// vehicle, bay, services and the slot; the branch's timezone and hours are read with those
/// checks, in the same statement. Not found when there is no such branch.
pub fn create(
    conn: &mut PgConnection,
    branch_id: i64,
    req: &BookingRequest,
    by: &By,
) -> Result<Booking, RepoError> {
    crate::repo::tx(conn, |conn| {
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
            by.at,
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
    let rows: Vec<Row> = crate::repo::prepared::prepared(
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
    .bind::<BigInt, _>(req.customer_id) // $1
    .bind::<Nullable<BigInt>, _>(req.vehicle_id) // $2
    .bind::<Nullable<BigInt>, _>(req.device_id) // $3
    .bind::<BigInt, _>(req.bay_id) // $4
    .bind::<BigInt, _>(branch_id) // $5
    .bind::<Array<BigInt>, _>(&req.service_ids) // $6
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
    Ok(crate::repo::prepared::prepared(SQL)
        .bind::<BigInt, _>(branch_id) // $1
        .bind::<BigInt, _>(req.customer_id) // $2
        .bind::<Nullable<BigInt>, _>(req.vehicle_id) // $3
        .bind::<Nullable<BigInt>, _>(req.device_id) // $4
        .bind::<BigInt, _>(req.bay_id) // $5
        .bind::<Timestamptz, _>(req.starts_at) // $6
        .bind::<Timestamptz, _>(req.ends_at) // $7
        .bind::<Text, _>(BookingStatus::Requested.as_str()) // $8
        .bind::<Text, _>(&req.notes) // $9
        .bind::<Nullable<BigInt>, _>(by.user_id) // $10
        .bind::<Array<BigInt>, _>(&req.service_ids) // $11
        .get_result::<Booking>(conn)
        .optional()?)
}
