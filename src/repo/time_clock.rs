//! The technicians' clock: one running clock each (starting another stops it), time entries
//! on tickets, and their approval by someone else before they are billed.

use bigdecimal::BigDecimal;
use chrono::{DateTime, Utc};
use diesel::prelude::*;

use crate::domain::validation::FieldErrors;
use crate::repo::tickets::{event, live, lock};
use crate::repo::{By, RepoError, unique_violation};
use crate::schema::{staff_users, tickets, time_entries};

/// Starts the technician's clock on a ticket; a clock running elsewhere is stopped first (one
/// running clock per technician, which the database holds too).
pub fn clock_start(
    conn: &mut PgConnection,
    branch_id: i64,
    id: i64,
    by: &By,
) -> Result<(), RepoError> {
    let Some(tech) = by.user_id else {
        return Err(RepoError::Conflict("Sign in to use the clock.".into()));
    };
    crate::repo::tx(conn, |conn| {
        diesel::sql_query("SELECT pg_advisory_xact_lock(7701, $1::int)")
            .bind::<diesel::sql_types::BigInt, _>(tech)
            .execute(conn)?;
        let t = lock(conn, branch_id, id)?;
        live(&t)?;
        stop_clock(conn, tech, by)?;
        diesel::insert_into(time_entries::table)
            .values((
                time_entries::ticket_id.eq(id),
                time_entries::technician_id.eq(tech),
            ))
            .execute(conn)
            .map_err(|e| match unique_violation(&e) {
                Some("time_entries_one_running_key") => {
                    RepoError::Conflict("Your clock is already running on another job.".into())
                }
                _ => e.into(),
            })?;
        event(conn, id, "clock", None, None, "clock started", by)
    })
}

/// A clock that was stopped: on which ticket and how long it ran.
#[derive(Debug, Clone, PartialEq)]
pub struct Stopped {
    pub ticket_id: i64,
    /// Whole seconds it ran (at most a day).
    pub seconds: i64,
    /// What the time entry recorded, to the hundredth of an hour.
    pub hours: BigDecimal,
}

/// Stops the signed-in technician's running clock, in its own transaction.
pub fn clock_stop(conn: &mut PgConnection, by: &By) -> Result<Option<Stopped>, RepoError> {
    let Some(tech) = by.user_id else {
        return Ok(None);
    };
    crate::repo::tx(conn, |conn| stop_clock(conn, tech, by))
}

/// Stops the technician's running clock, wherever it runs; says what it recorded.
fn stop_clock(
    conn: &mut PgConnection,
    technician: i64,
    by: &By,
) -> Result<Option<Stopped>, RepoError> {
    let running: Option<(i64, i64, DateTime<Utc>)> = time_entries::table
        .filter(time_entries::technician_id.eq(technician))
        .filter(time_entries::ended_at.is_null())
        .select((
            time_entries::id,
            time_entries::ticket_id,
            time_entries::started_at,
        ))
        .for_update()
        .first(conn)
        .optional()?;
    let Some((entry, ticket, started)) = running else {
        return Ok(None);
    };
    let now = Utc::now().max(started);
    let hours = hours_between(started, now);
    diesel::update(time_entries::table.find(entry))
        .set((
            time_entries::ended_at.eq(now),
            time_entries::hours.eq(&hours),
        ))
        .execute(conn)?;
    event(
        conn,
        ticket,
        "clock",
        None,
        None,
        &format!("clock stopped after {hours} h"),
        by,
    )?;
    Ok(Some(Stopped {
        ticket_id: ticket,
        seconds: (now - started).num_seconds().clamp(0, 24 * 3600),
        hours,
    }))
}

pub(crate) fn stop_clocks_on(conn: &mut PgConnection, ticket: i64) -> Result<(), RepoError> {
    let running: Vec<(i64, DateTime<Utc>)> = time_entries::table
        .filter(time_entries::ticket_id.eq(ticket))
        .filter(time_entries::ended_at.is_null())
        .select((time_entries::id, time_entries::started_at))
        .load(conn)?;
    for (entry, started) in running {
        let now = Utc::now().max(started);
        diesel::update(time_entries::table.find(entry))
            .set((
                time_entries::ended_at.eq(now),
                time_entries::hours.eq(hours_between(started, now)),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Hours between two instants, to the hundredth, at most 24.
pub fn hours_between(from: DateTime<Utc>, to: DateTime<Utc>) -> BigDecimal {
    let seconds = (to - from).num_seconds().clamp(0, 24 * 3600);
    (BigDecimal::from(seconds) / BigDecimal::from(3600))
        .with_scale_round(2, bigdecimal::RoundingMode::HalfUp)
}

/// A time entry's ticket, end, hours and approval.
type EntryFacts = (
    i64,
    Option<DateTime<Utc>>,
    Option<BigDecimal>,
    Option<DateTime<Utc>>,
);

/// Approves a finished time entry, optionally correcting its hours (0–24).
pub fn approve_time(
    conn: &mut PgConnection,
    branch_id: i64,
    entry: i64,
    corrected: Option<BigDecimal>,
    billable: bool,
    by: &By,
) -> Result<(), RepoError> {
    if let Some(h) = &corrected
        && (*h < 0 || *h > 24)
    {
        return Err(FieldErrors::single("hours", "Hours are between 0 and 24.").into());
    }
    crate::repo::tx(conn, |conn| {
        let (ticket, ended, hours, approved): EntryFacts = time_entries::table
            .inner_join(tickets::table)
            .filter(time_entries::id.eq(entry))
            .filter(tickets::branch_id.eq(branch_id))
            .select((
                time_entries::ticket_id,
                time_entries::ended_at,
                time_entries::hours,
                time_entries::approved_at,
            ))
            .for_update()
            .first(conn)?;
        if ended.is_none() {
            return Err(RepoError::Conflict(
                "The clock is still running; stop it before approving.".into(),
            ));
        }
        if approved.is_some() {
            return Err(RepoError::Conflict(
                "This time was approved already.".into(),
            ));
        }
        let hours = corrected.clone().or(hours).unwrap_or_default();
        diesel::update(time_entries::table.find(entry))
            .set((
                time_entries::hours.eq(&hours),
                time_entries::billable.eq(billable),
                time_entries::approved_by.eq(by.user_id),
                time_entries::approved_at.eq(diesel::dsl::now),
            ))
            .execute(conn)?;
        let note = match corrected {
            Some(_) => format!("time approved, corrected to {hours} h"),
            None => format!("time approved: {hours} h"),
        };
        event(conn, ticket, "time", None, None, &note, by)
    })
}

/// A time entry as shown: (id, ticket id, ticket number, technician, started, ended, hours,
/// billable, approved at, invoiced).
pub type TimeRow = (
    i64,
    i64,
    i32,
    String,
    DateTime<Utc>,
    Option<DateTime<Utc>>,
    Option<BigDecimal>,
    bool,
    Option<DateTime<Utc>>,
    Option<i64>,
);

fn time_query(
    conn: &mut PgConnection,
    ticket: Option<i64>,
    pending_at_branch: Option<i64>,
) -> Result<Vec<TimeRow>, RepoError> {
    let mut q = time_entries::table
        .inner_join(tickets::table)
        .inner_join(staff_users::table.on(staff_users::id.eq(time_entries::technician_id)))
        .into_boxed();
    if let Some(t) = ticket {
        q = q.filter(time_entries::ticket_id.eq(t));
    }
    if let Some(b) = pending_at_branch {
        q = q
            .filter(tickets::branch_id.eq(b))
            .filter(time_entries::ended_at.is_not_null())
            .filter(time_entries::approved_at.is_null());
    }
    Ok(q.select((
        time_entries::id,
        time_entries::ticket_id,
        tickets::number,
        staff_users::full_name,
        time_entries::started_at,
        time_entries::ended_at,
        time_entries::hours,
        time_entries::billable,
        time_entries::approved_at,
        time_entries::invoice_id,
    ))
    .order(time_entries::id)
    .load(conn)?)
}

/// Finished entries of the branch waiting for approval, oldest first.
pub fn pending_time(conn: &mut PgConnection, branch_id: i64) -> Result<Vec<TimeRow>, RepoError> {
    time_query(conn, None, Some(branch_id))
}

/// A ticket's time entries.
pub fn time_of(conn: &mut PgConnection, ticket: i64) -> Result<Vec<TimeRow>, RepoError> {
    time_query(conn, Some(ticket), None)
}

/// The ticket a technician's clock runs on, if any.
pub fn running_clock(
    conn: &mut PgConnection,
    technician: i64,
) -> Result<Option<(i64, DateTime<Utc>)>, RepoError> {
    Ok(time_entries::table
        .filter(time_entries::technician_id.eq(technician))
        .filter(time_entries::ended_at.is_null())
        .select((time_entries::ticket_id, time_entries::started_at))
        .first(conn)
        .optional()?)
}
