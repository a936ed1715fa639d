//! Staff notifications: the bell in the top bar. Written in the transaction of the change they
//! tell about (an answered estimate, a job assigned, parts received, a preorder past its SLA),
//! one row per person told; read by that person only.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use super::RepoError;
use crate::schema::{notifications, staff_users, tickets};

/// What a notification is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    ApprovalAnswered,
    PartsReceived,
    JobAssigned,
    PreorderOverdue,
}

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::ApprovalAnswered => "approval_answered",
            Kind::PartsReceived => "parts_received",
            Kind::JobAssigned => "job_assigned",
            Kind::PreorderOverdue => "preorder_overdue",
        }
    }
}

/// A notification to write.
#[derive(Debug, Clone)]
pub struct Notice<'a> {
    pub branch_id: i64,
    pub kind: Kind,
    pub text: &'a str,
    /// The page it is about (`/tickets/12`).
    pub link: &'a str,
    /// For a notification told once per person: what it is about (`preorder:12`); empty
    /// otherwise.
    pub once_key: &'a str,
}

/// Tells each of `users` (once each, whoever is named twice); a `once_key` already told to a
/// person is not told again.
pub fn notify(conn: &mut PgConnection, users: &[i64], n: &Notice) -> Result<usize, RepoError> {
    let mut users = users.to_vec();
    users.sort_unstable();
    users.dedup();
    let rows: Vec<_> = users
        .iter()
        .map(|u| {
            (
                notifications::user_id.eq(*u),
                notifications::branch_id.eq(n.branch_id),
                notifications::kind.eq(n.kind.as_str()),
                notifications::text.eq(n.text),
                notifications::link.eq(n.link),
                notifications::once_key.eq(n.once_key),
            )
        })
        .collect();
    Ok(diesel::insert_into(notifications::table)
        .values(rows)
        .on_conflict_do_nothing()
        .execute(conn)?)
}

/// The people at the counter of a branch: its active receptionists and managers.
pub fn counter_of(conn: &mut PgConnection, branch_id: i64) -> Result<Vec<i64>, RepoError> {
    Ok(staff_users::table
        .filter(staff_users::home_branch_id.eq(branch_id))
        .filter(staff_users::active.eq(true))
        .filter(staff_users::role.eq_any(["receptionist", "manager"]))
        .select(staff_users::id)
        .load(conn)?)
}

/// The counter of the ticket's branch and its assigned technician, told about the ticket
/// `ticket_id` (the person who did it is not told about their own act).
pub fn about_ticket(
    conn: &mut PgConnection,
    ticket_id: i64,
    kind: Kind,
    text: &str,
    actor: Option<i64>,
) -> Result<usize, RepoError> {
    let (branch_id, assigned): (i64, Option<i64>) = tickets::table
        .find(ticket_id)
        .select((tickets::branch_id, tickets::assigned_to))
        .first(conn)?;
    let mut users = counter_of(conn, branch_id)?;
    users.extend(assigned);
    users.retain(|u| Some(*u) != actor);
    notify(
        conn,
        &users,
        &Notice {
            branch_id,
            kind,
            text,
            link: &format!("/tickets/{ticket_id}"),
            once_key: "",
        },
    )
}

/// A notification as its reader sees it.
#[derive(Debug, Clone, Queryable)]
pub struct Notification {
    pub id: i64,
    pub kind: String,
    pub text: String,
    pub link: String,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

/// How many of `user`'s notifications are unread.
pub fn unread_count(conn: &mut PgConnection, user: i64) -> Result<i64, RepoError> {
    Ok(notifications::table
        .filter(notifications::user_id.eq(user))
        .filter(notifications::read_at.is_null())
        .count()
        .get_result(conn)?)
}

/// A page of `user`'s notifications, newest first, and how many there are in all.
pub fn list(
    conn: &mut PgConnection,
    user: i64,
    offset: i64,
    limit: i64,
) -> Result<(Vec<Notification>, i64), RepoError> {
    let total = notifications::table
        .filter(notifications::user_id.eq(user))
        .count()
        .get_result(conn)?;
    let rows = notifications::table
        .filter(notifications::user_id.eq(user))
        .order((notifications::created_at.desc(), notifications::id.desc()))
        .offset(offset)
        .limit(limit)
        .select((
            notifications::id,
            notifications::kind,
            notifications::text,
            notifications::link,
            notifications::created_at,
            notifications::read_at,
        ))
        .load(conn)?;
    Ok((rows, total))
}

/// Marks one of `user`'s notifications read (another person's is left alone) and returns where
/// it points.
pub fn open(conn: &mut PgConnection, user: i64, id: i64) -> Result<String, RepoError> {
    diesel::update(
        notifications::table
            .find(id)
            .filter(notifications::user_id.eq(user))
            .filter(notifications::read_at.is_null()),
    )
    .set(notifications::read_at.eq(diesel::dsl::now))
    .execute(conn)?;
    Ok(notifications::table
        .find(id)
        .filter(notifications::user_id.eq(user))
        .select(notifications::link)
        .first(conn)?)
}

/// Marks all of `user`'s notifications read.
pub fn read_all(conn: &mut PgConnection, user: i64) -> Result<usize, RepoError> {
    Ok(diesel::update(
        notifications::table
            .filter(notifications::user_id.eq(user))
            .filter(notifications::read_at.is_null()),
    )
    .set(notifications::read_at.eq(diesel::dsl::now))
    .execute(conn)?)
}

/// Tells the counter of each preorder's branch, and whoever took the preorder, once, that an
/// ordered unit is past its promised date (the branch's own date). Safe to run on several
/// servers at once: a second telling is not written.
pub fn preorders_overdue(conn: &mut PgConnection) -> Result<usize, RepoError> {
    Ok(diesel::sql_query(
        "INSERT INTO notifications (user_id, branch_id, kind, text, link, once_key) \
         SELECT u.id, p.branch_id, 'preorder_overdue', \
                'Preorder #' || p.id || ' for ' || c.name || ' (' || m.brand || ' ' || m.model || \
                ') was due by ' || to_char(p.sla_due_on, 'YYYY-MM-DD') || ' and has not arrived.', \
                '/preorders/' || p.id, 'preorder:' || p.id \
         FROM preorders p JOIN branches b ON b.id = p.branch_id \
              JOIN customers c ON c.id = p.customer_id \
              JOIN product_models m ON m.id = p.product_model_id \
              JOIN staff_users u ON u.active AND (u.id = p.created_by \
                   OR (u.home_branch_id = p.branch_id AND u.role IN ('receptionist', 'manager'))) \
         WHERE p.status IN ('ordered', 'in_transit') \
           AND p.sla_due_on < (now() AT TIME ZONE b.timezone)::date \
         ON CONFLICT DO NOTHING",
    )
    .execute(conn)?)
}
