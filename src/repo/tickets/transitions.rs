//! Moving a ticket through its table, assigning it, and notes on its timeline.

use chrono::Utc;
use diesel::prelude::*;

use super::{event, line_count, live, lock};
use crate::domain::ticket::{Facts, Outcome, TicketStatus, check};
use crate::domain::validation::FieldErrors;
use crate::models::ticket::Ticket;
use crate::repo::time_clock::stop_clocks_on;
use crate::repo::{By, RepoError, outbox};
use crate::schema::{customers, staff_users, tickets};

/// Moves a ticket. `expected` is the status the person saw: if someone else moved the ticket in
/// the meantime, nothing changes and the message says so. Closing takes an outcome; moving from
/// quality check to ready records who checked; ready writes the "ready for pickup" message.
#[allow(clippy::too_many_arguments)]
pub fn transition(
    conn: &mut PgConnection,
    branch_id: i64,
    id: i64,
    expected: Option<TicketStatus>,
    to: TicketStatus,
    outcome: Option<Outcome>,
    note: &str,
    by: &By,
) -> Result<Ticket, RepoError> {
    crate::repo::tx(conn, |conn| {
        let t = lock(conn, branch_id, id)?;
        let from = t.state();
        if let Some(seen) = expected
            && seen != from
        {
            return Err(RepoError::Conflict(format!(
                "Someone else moved ticket #{} to {} a moment ago; nothing was changed.",
                t.number,
                from.words()
            )));
        }
        let facts = Facts {
            lines: line_count(conn, id)?,
            approval: t.approval.as_deref().map(|a| a == "approved"),
            outcome,
        };
        check(from, to, facts).map_err(RepoError::Conflict)?;
        moved(conn, &t, from, to, outcome, note, by)
    })
}

/// Writes an allowed move (already checked) and what goes with it.
pub(super) fn moved(
    conn: &mut PgConnection,
    t: &Ticket,
    from: TicketStatus,
    to: TicketStatus,
    outcome: Option<Outcome>,
    note: &str,
    by: &By,
) -> Result<Ticket, RepoError> {
    let now = Utc::now();
    let after: Ticket = diesel::update(tickets::table.find(t.id))
        .set((
            tickets::status.eq(to.as_str()),
            tickets::updated_at.eq(now),
            tickets::outcome.eq(if to == TicketStatus::Closed {
                outcome.map(|o| o.as_str().to_string())
            } else {
                t.outcome.clone()
            }),
            tickets::closed_at.eq(if to == TicketStatus::Closed {
                Some(now)
            } else {
                t.closed_at
            }),
            tickets::qc_by.eq(
                if from == TicketStatus::QualityCheck && to == TicketStatus::Ready {
                    by.user_id
                } else {
                    t.qc_by
                },
            ),
            tickets::qc_at.eq(
                if from == TicketStatus::QualityCheck && to == TicketStatus::Ready {
                    Some(now)
                } else {
                    t.qc_at
                },
            ),
        ))
        .returning(Ticket::as_returning())
        .get_result(conn)?;
    if !to.is_live() {
        stop_clocks_on(conn, t.id)?;
    }
    if to == TicketStatus::Ready {
        ready_message(conn, &after, by)?;
    }
    let mut text = note.trim().to_string();
    if let Some(o) = outcome.filter(|_| to == TicketStatus::Closed) {
        text = if text.is_empty() {
            format!("outcome: {o}")
        } else {
            format!("outcome: {o}; {text}")
        };
    }
    event(conn, t.id, "status", Some(from), Some(to), &text, by)?;
    Ok(after)
}

/// "Ready for pickup" into the outbox, to the customer's email or phone.
fn ready_message(conn: &mut PgConnection, t: &Ticket, by: &By) -> Result<(), RepoError> {
    let Some(to) = outbox::recipient_of(conn, t.customer_id)? else {
        return Ok(());
    };
    let name: String = customers::table
        .find(t.customer_id)
        .select(customers::name)
        .first(conn)?;
    let outcome = match t.approval.as_deref() {
        Some("declined") => "returned unrepaired",
        Some(_) => "repaired",
        None => "done",
    };
    let message = outbox::Message {
        branch_id: t.branch_id,
        template: "ticket_ready",
        customer_id: t.customer_id,
        about: outbox::About::Ticket(t.id),
        due_at: by.at,
        payload: serde_json::json!({ "customer": name, "ticket": t.number, "outcome": outcome }),
    };
    outbox::queue(conn, &message, &to)
}

/// Assigns the ticket to a technician of the branch (or unassigns it).
pub fn assign(
    conn: &mut PgConnection,
    branch_id: i64,
    id: i64,
    technician: Option<i64>,
    by: &By,
) -> Result<(), RepoError> {
    crate::repo::tx(conn, |conn| {
        let t = lock(conn, branch_id, id)?;
        live(&t)?;
        let name = match technician {
            Some(tech) => Some(
                staff_users::table
                    .find(tech)
                    .filter(staff_users::home_branch_id.eq(branch_id))
                    .filter(staff_users::active.eq(true))
                    .select(staff_users::full_name)
                    .first::<String>(conn)
                    .optional()?
                    .ok_or_else(|| {
                        FieldErrors::single("assigned_to", "Choose someone of this branch.")
                    })?,
            ),
            None => None,
        };
        if t.assigned_to == technician {
            return Ok(());
        }
        diesel::update(tickets::table.find(id))
            .set((
                tickets::assigned_to.eq(technician),
                tickets::updated_at.eq(diesel::dsl::now),
            ))
            .execute(conn)?;
        let note = match (&name, t.assigned_to) {
            (Some(n), None) => format!("assigned to {n}"),
            (Some(n), Some(_)) => format!("reassigned to {n}"),
            (None, _) => "unassigned".to_string(),
        };
        if let Some(tech) = technician.filter(|t| Some(*t) != by.user_id) {
            let text = match t.problem.trim() {
                "" => format!("Ticket #{} is yours.", t.number),
                p => format!("Ticket #{} is yours: {p}", t.number),
            };
            crate::repo::notifications::notify(
                conn,
                &[tech],
                &crate::repo::notifications::Notice {
                    branch_id,
                    kind: crate::repo::notifications::Kind::JobAssigned,
                    text: &text,
                    link: &format!("/floor/{id}"),
                    once_key: "",
                },
            )?;
        }
        event(conn, id, "assignment", None, None, &note, by)
    })
}

/// Adds a note to the ticket's history.
pub fn add_note(
    conn: &mut PgConnection,
    branch_id: i64,
    id: i64,
    note: &str,
    by: &By,
) -> Result<(), RepoError> {
    if note.trim().is_empty() {
        return Err(FieldErrors::single("note", "Write the note first.").into());
    }
    crate::repo::tx(conn, |conn| {
        let t = lock(conn, branch_id, id)?;
        live(&t)?;
        event(conn, id, "note", None, None, note.trim(), by)
    })
}
