//! The customer's no-login status page of a repair: one live signed link per ticket, made when
//! the job sheet is printed or the counter asks, revocable by the counter (a new one can then be
//! made; the old token stays refused).

use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;

use super::{event, lock};
use crate::repo::{By, RepoError, unique_violation};
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

/// The ticket's live status link, made when it has none (an expired one is retired first).
pub fn ensure_status_link(
    conn: &mut PgConnection,
    branch_id: i64,
    ticket_id: i64,
    by: &By,
) -> Result<(i64, DateTime<Utc>), RepoError> {
    crate::repo::tx(conn, |conn| {
        let _t = lock(conn, branch_id, ticket_id)?;
        if let Some(live) = status_link(conn, ticket_id)? {
            return Ok(live);
        }
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
            .get_result(conn)
            .map_err(|e| match unique_violation(&e) {
                Some(_) => RepoError::Conflict("The status link was just made; try again.".into()),
                None => e.into(),
            })?;
        Ok((id, expires))
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
            "note",
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

/// The ticket's invoice (issued, not void) as its customer sees it: total, and what is still
/// due after payments and refunds.
pub fn invoice_owed(
    conn: &mut PgConnection,
    ticket_id: i64,
) -> Result<Option<(bigdecimal::BigDecimal, bigdecimal::BigDecimal)>, RepoError> {
    use crate::schema::invoices;
    let found: Option<(bigdecimal::BigDecimal, bigdecimal::BigDecimal)> = invoices::table
        .filter(invoices::ticket_id.eq(ticket_id))
        .filter(invoices::number.is_not_null())
        .filter(invoices::status.ne("void"))
        .select((invoices::total, invoices::paid_total))
        .first(conn)
        .optional()?;
    Ok(found.map(|(total, paid)| {
        let due = &total - &paid;
        (total, due)
    }))
}
