//! The ticket board and a technician's jobs.

use chrono::{Duration, Utc};
use diesel::prelude::*;

use crate::domain::ticket::Priority;
use crate::models::ticket::Ticket;
use crate::repo::RepoError;
use crate::schema::{customers, devices, staff_users, tickets, vehicles};

/// A ticket on the board: the ticket, customer name, assignee, and what is worked on
/// ([`super::SUBJECT_SQL`]).
pub type BoardRow = (Ticket, String, Option<String>, Option<String>);

/// Filters of the board.
#[derive(Debug, Clone, Default)]
pub struct BoardFilter {
    /// Assigned to this technician.
    pub technician: Option<i64>,
    /// Of this priority.
    pub priority: Option<Priority>,
    /// Opened at least this many days ago.
    pub older_than_days: Option<i64>,
}

/// The branch's live tickets for the board, oldest first, with the customer and the assignee.
pub fn board(
    conn: &mut PgConnection,
    branch_id: i64,
    f: &BoardFilter,
) -> Result<Vec<BoardRow>, RepoError> {
    let mut q = tickets::table
        .inner_join(customers::table)
        .left_join(staff_users::table.on(tickets::assigned_to.eq(staff_users::id.nullable())))
        .left_join(vehicles::table)
        .left_join(devices::table)
        .filter(tickets::branch_id.eq(branch_id))
        // Written out (not a bound array) so the planner matches the partial index of open
        // tickets, whatever plan it caches.
        .filter(diesel::dsl::sql::<diesel::sql_types::Bool>(
            "tickets.status NOT IN ('closed', 'cancelled')",
        ))
        .into_boxed();
    if let Some(t) = f.technician {
        q = q.filter(tickets::assigned_to.eq(t));
    }
    if let Some(p) = f.priority {
        q = q.filter(tickets::priority.eq(p.as_str()));
    }
    if let Some(days) = f.older_than_days {
        q = q.filter(tickets::created_at.le(Utc::now() - Duration::days(days)));
    }
    Ok(q.select((
        Ticket::as_select(),
        customers::name,
        staff_users::full_name.nullable(),
        diesel::dsl::sql::<diesel::sql_types::Nullable<diesel::sql_types::Text>>(
            super::SUBJECT_SQL,
        ),
    ))
    .order(tickets::created_at.asc())
    .limit(500)
    .load(conn)?)
}

/// A job on a technician's list.
#[derive(Debug, Clone)]
pub struct MyJob {
    pub ticket: Ticket,
    pub customer: String,
    /// The vehicle or device ([`super::SUBJECT_SQL`]).
    pub subject: Option<String>,
    /// The bay of the booking it came from.
    pub bay: Option<String>,
}

/// A technician's jobs for today: assigned to them, still to work on, most urgent first (then
/// oldest first).
pub fn my_jobs(
    conn: &mut PgConnection,
    branch_id: i64,
    technician: i64,
) -> Result<Vec<MyJob>, RepoError> {
    use diesel::sql_types::{Nullable, Text};
    let rows: Vec<(Ticket, String, Option<String>, Option<String>)> = tickets::table
        .inner_join(customers::table)
        .left_join(vehicles::table)
        .left_join(devices::table)
        .filter(tickets::branch_id.eq(branch_id))
        .filter(tickets::assigned_to.eq(technician))
        .filter(tickets::status.ne_all(["ready", "closed", "cancelled"]))
        .select((
            Ticket::as_select(),
            customers::name,
            diesel::dsl::sql::<Nullable<Text>>(super::SUBJECT_SQL),
            diesel::dsl::sql::<Nullable<Text>>(
                "(SELECT y.name FROM bookings k JOIN bays y ON y.id = k.bay_id \
                  WHERE k.id = tickets.booking_id)",
            ),
        ))
        .order(tickets::created_at.asc())
        .load(conn)?;
    let rank = |p: &str| match p {
        "urgent" => 0,
        "high" => 1,
        "normal" => 2,
        _ => 3,
    };
    let mut jobs: Vec<MyJob> = rows
        .into_iter()
        .map(|(ticket, customer, subject, bay)| MyJob {
            ticket,
            customer,
            subject,
            bay,
        })
        .collect();
    jobs.sort_by_key(|j| rank(&j.ticket.priority));
    Ok(jobs)
}
