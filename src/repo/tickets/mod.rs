//! Tickets, the work orders: opened by checking a booking in (or for a walk-in), with numbers per
//! branch taken under the branch's counter row lock; moved through `domain::ticket`'s table (row
//! locked, event written, one transaction); assigned; estimate lines and parts used; the estimate
//! sent and answered at the counter or through the customer's link; the board and the lists.
//! The technicians' clock and the approval of their time are `repo::time_clock`.

mod board;
mod estimates;
pub(crate) mod intake;
mod lines;
mod open;
mod queries;
mod status_links;
mod transitions;
mod waits;

pub use board::*;
pub use estimates::*;
pub use intake::{
    Deposit, deposits_of, has_signature, has_unlock_code, may_read_unlock_code, signature,
    unlock_code,
};
pub use lines::*;
pub use open::*;
pub use queries::*;
pub use status_links::*;
pub use transitions::*;
pub use waits::*;

use diesel::prelude::*;

use super::{By, RepoError};
use crate::domain::ticket::TicketStatus;
use crate::models::ticket::Ticket;
use crate::repo::events::{self, Event, Trail};
use crate::schema::{ticket_lines, tickets};

pub(crate) fn event(
    conn: &mut PgConnection,
    ticket_id: i64,
    kind: &str,
    from: Option<TicketStatus>,
    to: Option<TicketStatus>,
    note: &str,
    by: &By,
) -> Result<(), RepoError> {
    let (from, to) = (from.map(|s| s.as_str()), to.map(|s| s.as_str()));
    events::write(
        conn,
        Trail::Ticket(ticket_id),
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
            t.state().words()
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
