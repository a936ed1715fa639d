//! The customer's no-login status page of a repair: one live signed link per ticket, made at
//! intake (so the job sheet prints it) or when the counter asks, revocable by the counter (a new
//! one can then be made; the old token stays refused). Each link made or revoked is an event on
//! the ticket.

use bigdecimal::BigDecimal;
use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;

use super::{event, lock};
use crate::models::ticket::Ticket;
use crate::repo::{By, RepoError};
use crate::schema::{status_links, tickets};

/// How long a status link works: long enough for any repair and its warranty questions.
pub const STATUS_LINK_DAYS: i64 = 180;

/// The ticket's live status link (not revoked, not expired): id and expiry.
pub fn status_link(
    conn: &mut PgConnection,
    ticket_id: i64,
) -> Result<Option<(i64, DateTime<Utc>)>, RepoError> {
    Ok(status_links::table
        .filter(status_links::ticket_id.eq(ticket_id))
        .filter(status_links::revoked_at.is_null())
        .filter(status_links::expires_at.gt(diesel::dsl::now))
        .select((status_links::id, status_links::expires_at))
        .first(conn)
        .optional()?)
}

/// Makes ticket `ticket_id`'s status link, retiring an expired one, with its event; the caller
/// holds the ticket's row lock in its transaction and knows it has no live link.
pub(crate) fn make_status_link(
    conn: &mut PgConnection,
    ticket_id: i64,
    by: &By,
) -> Result<(i64, DateTime<Utc>), RepoError> {
    diesel::update(
        status_links::table
            .filter(status_links::ticket_id.eq(ticket_id))
            .filter(status_links::revoked_at.is_null()),
    )
    .set(status_links::revoked_at.eq(diesel::dsl::now))
    .execute(conn)?;
    let expires = Utc::now() + Duration::days(STATUS_LINK_DAYS);
    let id = diesel::insert_into(status_links::table)
        .values((
            status_links::ticket_id.eq(ticket_id),
            status_links::expires_at.eq(expires),
            status_links::created_by.eq(by.user_id),
        ))
        .returning(status_links::id)
        .get_result(conn)?;
    event(conn, ticket_id, "link", None, None, "status link made", by)?;
    Ok((id, expires))
}

/// The ticket's live status link, made when it has none (for a ticket opened before links were
/// made at intake, or after the counter revoked one).
pub fn ensure_status_link(
    conn: &mut PgConnection,
    branch_id: i64,
    ticket_id: i64,
    by: &By,
) -> Result<(i64, DateTime<Utc>), RepoError> {
    crate::repo::tx(conn, |conn| {
        let _t = lock(conn, branch_id, ticket_id)?;
        match status_link(conn, ticket_id)? {
            Some(live) => Ok(live),
            None => make_status_link(conn, ticket_id, by),
        }
    })
}

/// Sends ticket `ticket_id`'s status link (made if it has none) to the customer by their
/// channel, with the ticket's event: to whom.
pub fn send_status_link(
    conn: &mut PgConnection,
    branch_id: i64,
    ticket_id: i64,
    url: impl Fn(i64, DateTime<Utc>) -> String,
    by: &By,
) -> Result<String, RepoError> {
    use crate::repo::outbox::{self, About, Message};
    crate::repo::tx(conn, |conn| {
        let t = lock(conn, branch_id, ticket_id)?;
        let Some(to) = outbox::recipient_of(conn, t.customer_id)? else {
            return Err(RepoError::Conflict(
                "The customer has no email or phone on file: copy the link or show its QR code."
                    .into(),
            ));
        };
        let (link, expires) = match status_link(conn, ticket_id)? {
            Some(live) => live,
            None => make_status_link(conn, ticket_id, by)?,
        };
        let message = Message {
            branch_id: t.branch_id,
            template: "status_link",
            customer_id: t.customer_id,
            about: About::Ticket(t.id),
            due_at: by.at,
            payload: serde_json::json!({ "ticket": t.number, "status_link": url(link, expires) }),
        };
        outbox::queue(conn, &message, &to)?;
        event(
            conn,
            ticket_id,
            "link",
            None,
            None,
            &format!("status link sent to {to}"),
            by,
        )?;
        Ok(to)
    })
}

/// Revokes the ticket's live status link: its token is refused from now on.
pub fn revoke_status_link(
    conn: &mut PgConnection,
    branch_id: i64,
    ticket_id: i64,
    by: &By,
) -> Result<(), RepoError> {
    crate::repo::tx(conn, |conn| {
        let _t = lock(conn, branch_id, ticket_id)?;
        let n = diesel::update(
            status_links::table
                .filter(status_links::ticket_id.eq(ticket_id))
                .filter(status_links::revoked_at.is_null()),
        )
        .set((
            status_links::revoked_at.eq(diesel::dsl::now),
            status_links::revoked_by.eq(by.user_id),
        ))
        .execute(conn)?;
        if n == 0 {
            return Err(RepoError::Conflict(
                "This ticket has no status link to revoke.".into(),
            ));
        }
        event(
            conn,
            ticket_id,
            "link",
            None,
            None,
            "status link revoked",
            by,
        )
    })
}

/// What a (signature-checked) status link opens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StatusLinkState {
    Open { branch_id: i64, ticket_id: i64 },
    Revoked,
    Expired,
}

/// Whether status link `link` opens its ticket now.
pub fn status_link_state(conn: &mut PgConnection, link: i64) -> Result<StatusLinkState, RepoError> {
    let (ticket_id, expires, revoked, branch_id): (i64, DateTime<Utc>, Option<DateTime<Utc>>, i64) =
        status_links::table
            .inner_join(tickets::table)
            .filter(status_links::id.eq(link))
            .select((
                status_links::ticket_id,
                status_links::expires_at,
                status_links::revoked_at,
                tickets::branch_id,
            ))
            .first(conn)?;
    Ok(if revoked.is_some() {
        StatusLinkState::Revoked
    } else if expires <= Utc::now() {
        StatusLinkState::Expired
    } else {
        StatusLinkState::Open {
            branch_id,
            ticket_id,
        }
    })
}

/// What the customer owes, as far as the shop knows it now.
pub enum Owed {
    /// Nothing is priced yet (or the estimate was declined and nothing invoiced).
    Unknown,
    /// The estimate (with tax), and the deposits paid that are not applied to an invoice yet.
    Estimate { total: BigDecimal, paid: BigDecimal },
    /// The invoice (issued, not void): its total and what is still due after payments and
    /// refunds.
    Invoice { total: BigDecimal, due: BigDecimal },
}

/// What the customer of `ticket` owes: its invoice once issued, else its estimate (`estimate`,
/// with tax, when it has lines) less the deposits held.
pub fn owed(
    conn: &mut PgConnection,
    ticket: &Ticket,
    priced: bool,
    estimate: &BigDecimal,
) -> Result<Owed, RepoError> {
    use crate::schema::invoices;
    let invoiced: Option<(BigDecimal, BigDecimal)> = invoices::table
        .filter(invoices::ticket_id.eq(ticket.id))
        .filter(invoices::number.is_not_null())
        .filter(invoices::status.ne("void"))
        .select((invoices::total, invoices::paid_total))
        .first(conn)
        .optional()?;
    Ok(match invoiced {
        Some((total, paid)) => Owed::Invoice {
            due: &total - &paid,
            total,
        },
        None if !priced || ticket.approval.as_deref() == Some("declined") => Owed::Unknown,
        None => Owed::Estimate {
            total: estimate.clone(),
            paid: super::deposits_of(conn, ticket.id)?
                .iter()
                .filter(|d| d.4.is_none())
                .map(|d| &d.1)
                .sum(),
        },
    })
}
