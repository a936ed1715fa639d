//! Opening a ticket: by checking a booking in, or for a walk-in; numbers per branch, gapless.

use diesel::prelude::*;
use diesel::upsert::excluded;

use super::event;
use crate::domain::booking::{BookingStatus, is_early_check_in};
use crate::domain::repair_intake::RepairIntake;
use crate::domain::ticket::TicketStatus;
use crate::domain::validation::FieldErrors;
use crate::models::booking::Booking;
use crate::models::ticket::Ticket;
use crate::repo::{By, RepoError};
use crate::schema::{
    booking_services, bookings, services, ticket_counters, ticket_lines, tickets, vehicles,
};

/// What the receptionist records at check-in.
#[derive(Debug, Clone, Default)]
pub struct CheckIn {
    /// Odometer reading now.
    pub mileage: Option<i32>,
    /// The customer's description of the problem.
    pub problem: String,
    /// Visible damage noted at hand-over.
    pub damage_notes: String,
    /// The counter said yes to checking in a booking more than a day before its start.
    pub early_confirmed: bool,
    /// Accessories, promised date, unlock code, deposit and signature.
    pub intake: RepairIntake,
}

/// Takes the branch's next ticket number (the counter row stays locked until the transaction ends).
pub(crate) fn next_number(conn: &mut PgConnection, branch_id: i64) -> Result<i32, RepoError> {
    Ok(diesel::insert_into(ticket_counters::table)
        .values((
            ticket_counters::branch_id.eq(branch_id),
            ticket_counters::last_number.eq(1),
        ))
        .on_conflict(ticket_counters::branch_id)
        .do_update()
        .set(
            ticket_counters::last_number
                .eq(ticket_counters::last_number + excluded(ticket_counters::last_number)),
        )
        .returning(ticket_counters::last_number)
        .get_result(conn)?)
}

/// Checks a confirmed booking in: opens its ticket (status `open`, the next number, the booked
/// services as labour lines, mileage, problem and damage) and marks the booking `checked_in`.
/// Submitting twice returns the ticket the first submit opened.
pub fn check_in(
    conn: &mut PgConnection,
    branch_id: i64,
    booking_id: i64,
    input: &CheckIn,
    by: &By,
) -> Result<Ticket, RepoError> {
    crate::repo::tx(conn, |conn| {
        let booking: Booking = bookings::table
            .find(booking_id)
            .filter(bookings::branch_id.eq(branch_id))
            .select(Booking::as_select())
            .for_update()
            .first(conn)?;
        let status = booking.status();
        let existing = tickets::table
            .filter(tickets::booking_id.eq(booking_id))
            .select(Ticket::as_select())
            .first(conn)
            .optional()?;
        if let (BookingStatus::CheckedIn, Some(existing)) = (status, existing) {
            return Ok(existing);
        }
        status
            .check_transition(BookingStatus::CheckedIn)
            .map_err(RepoError::Conflict)?;
        if is_early_check_in(booking.starts_at, by.at) && !input.early_confirmed {
            let tz = crate::repo::branches::get(conn, branch_id)?.timezone;
            let when = booking
                .starts_at
                .with_timezone(&crate::domain::time::zone(&tz));
            let message = format!(
                "This booking is for {}, more than a day away. Check in now anyway?",
                when.format("%A %-d %B at %H:%M")
            );
            return Err(FieldErrors::single("early", message).into());
        }
        let number = next_number(conn, branch_id)?;
        let ticket: Ticket = diesel::insert_into(tickets::table)
            .values((
                tickets::branch_id.eq(branch_id),
                tickets::number.eq(number),
                tickets::customer_id.eq(booking.customer_id),
                tickets::vehicle_id.eq(booking.vehicle_id),
                tickets::device_id.eq(booking.device_id),
                tickets::booking_id.eq(booking_id),
                tickets::problem.eq(input.problem.trim()),
                tickets::damage_notes.eq(input.damage_notes.trim()),
                tickets::mileage.eq(input.mileage),
                tickets::created_by.eq(by.user_id),
                tickets::accessories.eq(&input.intake.accessories),
                tickets::promised_on.eq(input.intake.promised_on),
            ))
            .returning(Ticket::as_returning())
            .get_result(conn)?;
        super::intake::record_intake(conn, &ticket, &input.intake, by)?;
        let booked: Vec<(i64, String, bigdecimal::BigDecimal, bigdecimal::BigDecimal)> =
            booking_services::table
                .inner_join(services::table)
                .filter(booking_services::booking_id.eq(booking_id))
                .select((
                    services::id,
                    services::name,
                    services::labour_hours,
                    services::price,
                ))
                .load(conn)?;
        let lines: Vec<_> = booked
            .into_iter()
            .map(|(id, name, _hours, price)| {
                (
                    ticket_lines::ticket_id.eq(ticket.id),
                    ticket_lines::kind.eq("labour"),
                    ticket_lines::service_id.eq(Some(id)),
                    ticket_lines::description.eq(name),
                    ticket_lines::quantity.eq(bigdecimal::BigDecimal::from(1)),
                    ticket_lines::unit_price.eq(price),
                )
            })
            .collect();
        if !lines.is_empty() {
            diesel::insert_into(ticket_lines::table)
                .values(lines)
                .execute(conn)?;
        }
        if let (Some(vehicle), Some(mileage)) = (booking.vehicle_id, input.mileage) {
            diesel::update(vehicles::table.find(vehicle))
                .set(vehicles::mileage.eq(mileage))
                .execute(conn)?;
        }
        diesel::update(bookings::table.find(booking_id))
            .set((
                bookings::status.eq(BookingStatus::CheckedIn.as_str()),
                bookings::version.eq(bookings::version + 1),
                bookings::updated_at.eq(by.at),
            ))
            .execute(conn)?;
        crate::repo::bookings::event(
            conn,
            booking_id,
            "status",
            Some(status),
            Some(BookingStatus::CheckedIn),
            &format!("ticket #{number}"),
            by,
        )?;
        let note = format!("checked in from booking #{booking_id}");
        let open = Some(TicketStatus::Open);
        event(conn, ticket.id, "opened", None, open, &note, by)?;
        Ok(ticket)
    })
}

/// What a ticket is worked on: one of the customer's vehicles or devices, or nothing named.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Subject {
    #[default]
    Unnamed,
    Vehicle(i64),
    Device(i64),
}

impl Subject {
    /// As a picker posts it: `v12`, `d7`, or empty.
    pub fn from_form(value: &str) -> Option<Subject> {
        let value = value.trim();
        if value.is_empty() {
            return Some(Subject::Unnamed);
        }
        let (kind, id) = value.split_at(1);
        let id = id.parse().ok()?;
        match kind {
            "v" => Some(Subject::Vehicle(id)),
            "d" => Some(Subject::Device(id)),
            _ => None,
        }
    }
}

/// Opens a ticket for a walk-in customer (no booking), for `subject` (which must be theirs: the
/// refusal names the form's `walkin_subject`).
pub fn open_walk_in(
    conn: &mut PgConnection,
    branch_id: i64,
    customer_id: i64,
    subject: Subject,
    input: &CheckIn,
    by: &By,
) -> Result<Ticket, RepoError> {
    use crate::schema::{devices, vehicles};
    crate::repo::tx(conn, |conn| {
        crate::repo::customers::get(conn, customer_id)?;
        let theirs: i64 = match subject {
            Subject::Unnamed => 1,
            Subject::Vehicle(v) => vehicles::table
                .filter(
                    vehicles::id
                        .eq(v)
                        .and(vehicles::customer_id.eq(customer_id)),
                )
                .count()
                .get_result(conn)?,
            Subject::Device(d) => devices::table
                .filter(devices::id.eq(d).and(devices::customer_id.eq(customer_id)))
                .count()
                .get_result(conn)?,
        };
        if theirs == 0 {
            let message = "That vehicle or device is not this customer's.";
            return Err(FieldErrors::single("walkin_subject", message).into());
        }
        let (vehicle_id, device_id) = match subject {
            Subject::Vehicle(v) => (Some(v), None),
            Subject::Device(d) => (None, Some(d)),
            Subject::Unnamed => (None, None),
        };
        let number = next_number(conn, branch_id)?;
        let ticket: Ticket = diesel::insert_into(tickets::table)
            .values((
                tickets::branch_id.eq(branch_id),
                tickets::number.eq(number),
                tickets::customer_id.eq(customer_id),
                tickets::vehicle_id.eq(vehicle_id),
                tickets::device_id.eq(device_id),
                tickets::problem.eq(input.problem.trim()),
                tickets::damage_notes.eq(input.damage_notes.trim()),
                tickets::mileage.eq(input.mileage),
                tickets::created_by.eq(by.user_id),
                tickets::accessories.eq(&input.intake.accessories),
                tickets::promised_on.eq(input.intake.promised_on),
            ))
            .returning(Ticket::as_returning())
            .get_result(conn)?;
        super::intake::record_intake(conn, &ticket, &input.intake, by)?;
        event(
            conn,
            ticket.id,
            "opened",
            None,
            Some(TicketStatus::Open),
            "walk-in",
            by,
        )?;
        Ok(ticket)
    })
}
