//! Tickets, the work orders: opened by checking a booking in (or for a walk-in), with numbers per
//! branch taken under the branch's counter row lock; moved through `domain::ticket`'s table (row
//! locked, event written, one transaction); assigned; estimate lines and parts used; the estimate
//! sent and answered at the counter or through the customer's link; the board and the lists.
//! The technicians' clock and the approval of their time are `repo::time_clock`.

mod board;
mod estimates;
mod lines;
mod open;
mod queries;
mod transitions;

pub use board::*;
pub use estimates::*;
pub use lines::*;
pub use open::*;
pub use queries::*;
pub use transitions::*;

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use super::{By, RepoError};
use crate::domain::ticket::TicketStatus;
use crate::models::ticket::Ticket;
use crate::schema::{staff_users, ticket_events, ticket_lines, tickets};

pub(crate) fn event(
    conn: &mut PgConnection,
    ticket_id: i64,
    kind: &str,
    from: Option<TicketStatus>,
    to: Option<TicketStatus>,
    note: &str,
    by: &By,
) -> Result<(), RepoError> {
    diesel::insert_into(ticket_events::table)
        .values((
            ticket_events::ticket_id.eq(ticket_id),
            ticket_events::actor_user_id.eq(by.user_id),
            ticket_events::kind.eq(kind),
            ticket_events::from_status.eq(from.map(|s| s.as_str())),
            ticket_events::to_status.eq(to.map(|s| s.as_str())),
            ticket_events::note.eq(note),
        ))
        .execute(conn)?;
    Ok(())
}

pub(crate) fn lock(conn: &mut PgConnection, branch_id: i64, id: i64) -> Result<Ticket, RepoError> {
    Ok(tickets::table
        .find(id)
        .filter(tickets::branch_id.eq(branch_id))
        .select(Ticket::as_select())
        .for_update()
        .first(conn)?)
}

pub(crate) fn live(t: &Ticket) -> Result<(), RepoError> {
    if t.state().is_live() {
        Ok(())
    } else {
        Err(RepoError::Conflict(format!(
            "Ticket #{} is {}; nothing more can be done on it.",
            t.number,
            t.state().label()
        )))
    }
}

fn line_count(conn: &mut PgConnection, id: i64) -> Result<usize, RepoError> {
    let n: i64 = ticket_lines::table
        .filter(ticket_lines::ticket_id.eq(id))
        .count()
        .get_result(conn)?;
    Ok(n as usize)
}

/// A ticket's history: (at, kind, from, to, note, who).
pub type EventRow = (
    DateTime<Utc>,
    String,
    Option<String>,
    Option<String>,
    String,
    Option<String>,
);

/// The ticket's events, oldest first.
pub fn events(conn: &mut PgConnection, ticket: i64) -> Result<Vec<EventRow>, RepoError> {
    Ok(ticket_events::table
        .left_join(staff_users::table)
        .filter(ticket_events::ticket_id.eq(ticket))
        .select((
            ticket_events::at,
            ticket_events::kind,
            ticket_events::from_status,
            ticket_events::to_status,
            ticket_events::note,
            staff_users::full_name.nullable(),
        ))
        .order(ticket_events::id)
        .load(conn)?)
}

fn ticket_event(
    conn: &mut PgConnection,
    ticket_id: i64,
    kind: &str,
    to: Option<&str>,
    note: &str,
    by: &By,
) -> Result<(), RepoError> {
    diesel::insert_into(ticket_events::table)
        .values((
            ticket_events::ticket_id.eq(ticket_id),
            ticket_events::actor_user_id.eq(by.user_id),
            ticket_events::kind.eq(kind),
            ticket_events::to_status.eq(to),
            ticket_events::note.eq(note),
        ))
        .execute(conn)?;
    Ok(())
}
