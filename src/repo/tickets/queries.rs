//! Reading tickets: one, its lines, the list, by booking or customer, what is worked on, who
//! can take it.

use diesel::prelude::*;

use crate::domain::names;
use crate::domain::role::Role;
use crate::models::ticket::{Ticket, TicketLine};
use crate::repo::RepoError;
use crate::schema::{assets, customers, devices, staff_users, ticket_lines, tickets, vehicles};

/// What the ticket is about, as shown: "Toyota Probox KCA 123A", "iPhone 11 (serial …)" or a unit.
pub fn subject(conn: &mut PgConnection, t: &Ticket) -> Result<Option<String>, RepoError> {
    if let Some(s) = vehicle_or_device(conn, t.vehicle_id, t.device_id)? {
        return Ok(Some(s));
    }
    if let Some(a) = t.asset_id {
        let (tag, serial): (String, String) = assets::table
            .find(a)
            .select((assets::asset_tag, assets::serial))
            .first(conn)?;
        return Ok(Some(format!("unit {tag} ({serial})")));
    }
    Ok(None)
}

/// What a booking or ticket is about, in SQL over `vehicles` and `devices` joined to it: "Toyota
/// Probox KCA123A", "Laptop Dell XPS 13" (lists; a record's own page adds the serial).
pub const SUBJECT_SQL: &str = "COALESCE(\
     NULLIF(btrim(vehicles.make || ' ' || vehicles.model || ' ' || vehicles.plate), ''), \
     NULLIF(btrim(devices.kind || ' ' || devices.brand || ' ' || devices.model), ''))";

/// A customer's vehicle or device as shown: "Toyota Probox KCA 123A", "Laptop Dell XPS (SN1)".
pub fn vehicle_or_device(
    conn: &mut PgConnection,
    vehicle: Option<i64>,
    device: Option<i64>,
) -> Result<Option<String>, RepoError> {
    if let Some(v) = vehicle {
        let (make, model, plate): (String, String, String) = vehicles::table
            .find(v)
            .select((vehicles::make, vehicles::model, vehicles::plate))
            .first(conn)?;
        return Ok(Some(format!("{make} {model} {plate}").trim().to_string()));
    }
    if let Some(d) = device {
        let (kind, brand, model, serial): (String, String, String, String) = devices::table
            .find(d)
            .select((
                devices::kind,
                devices::brand,
                devices::model,
                devices::serial,
            ))
            .first(conn)?;
        let serial = if serial.is_empty() {
            String::new()
        } else {
            format!("({serial})")
        };
        return Ok(Some(
            format!("{kind} {brand} {model} {serial}")
                .trim()
                .to_string(),
        ));
    }
    Ok(None)
}

/// Technicians (and managers) of the branch who can take a ticket, as (id, name).
pub fn technicians(
    conn: &mut PgConnection,
    branch_id: i64,
) -> Result<Vec<(i64, String)>, RepoError> {
    Ok(staff_users::table
        .filter(staff_users::home_branch_id.eq(branch_id))
        .filter(staff_users::active.eq(true))
        .filter(staff_users::role.eq_any(names(&Role::TAKE_TICKETS, Role::as_str)))
        .select((staff_users::id, staff_users::full_name))
        .order(staff_users::full_name)
        .load(conn)?)
}

/// One ticket of the branch (404 for another branch's).
pub fn get(conn: &mut PgConnection, branch_id: i64, id: i64) -> Result<Ticket, RepoError> {
    Ok(tickets::table
        .find(id)
        .filter(tickets::branch_id.eq(branch_id))
        .select(Ticket::as_select())
        .first(conn)?)
}

/// A ticket's lines.
pub fn lines(conn: &mut PgConnection, ticket_id: i64) -> Result<Vec<TicketLine>, RepoError> {
    Ok(ticket_lines::table
        .filter(ticket_lines::ticket_id.eq(ticket_id))
        .select(TicketLine::as_select())
        .order(ticket_lines::id)
        .load(conn)?)
}

/// The branch's tickets, newest first, with customer names; one page and the total.
pub fn list(
    conn: &mut PgConnection,
    branch_id: i64,
    offset: i64,
    limit: i64,
) -> Result<(Vec<(Ticket, String)>, i64), RepoError> {
    // One index walk in list order gives the bounded count and the page's ids; only the page's
    // rows are read and joined to their customers.
    let all: Vec<i64> = tickets::table
        .filter(tickets::branch_id.eq(branch_id))
        .select(tickets::id)
        .order(tickets::id.desc())
        .limit(crate::repo::COUNT_CAP)
        .load(conn)?;
    let page = crate::repo::page_of(&all, offset, limit);
    let rows = tickets::table
        .inner_join(customers::table)
        .filter(tickets::id.eq_any(&page))
        .select((Ticket::as_select(), customers::name))
        .order(tickets::id.desc())
        .load(conn)?;
    Ok((rows, crate::repo::bounded_total(all)))
}

/// The id of the ticket a booking's check-in opened, if any.
pub fn for_booking(conn: &mut PgConnection, booking_id: i64) -> Result<Option<i64>, RepoError> {
    Ok(tickets::table
        .filter(tickets::booking_id.eq(booking_id))
        .select(tickets::id)
        .first(conn)
        .optional()?)
}
