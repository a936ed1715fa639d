//! The estimate sent for approval, answered at the counter or through the customer's signed link.

use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;

use super::transitions::{moved, transition};
use super::{event, lock};
use crate::domain::ticket::TicketStatus;
use crate::domain::validation::FieldErrors;
use crate::models::ticket::Ticket;
use crate::repo::{By, RepoError};
use crate::schema::{approval_links, tickets};

/// Sends the estimate: `diagnosing → awaiting_approval` and a fresh approval link (id and expiry,
/// signed by the caller). `findings`, when given, is what the technician found, written for
/// the customer (the approval page shows it). With `url` (the link's address from its id and
/// expiry), the link goes to the customer through the outbox by their channel, when they have
/// an email or a phone; the third value says where.
#[allow(clippy::too_many_arguments)]
pub fn send_estimate(
    conn: &mut PgConnection,
    branch_id: i64,
    id: i64,
    expected: Option<TicketStatus>,
    findings: &str,
    valid_for: Duration,
    url: Option<&dyn Fn(i64, DateTime<Utc>) -> String>,
    by: &By,
) -> Result<(i64, DateTime<Utc>, Option<String>), RepoError> {
    if findings.chars().count() > 2000 {
        return Err(
            FieldErrors::single("findings", "Keep the findings under 2,000 characters.").into(),
        );
    }
    crate::repo::tx(conn, |conn| {
        if !findings.trim().is_empty() {
            diesel::update(
                tickets::table
                    .find(id)
                    .filter(tickets::branch_id.eq(branch_id)),
            )
            .set(tickets::findings.eq(findings.trim()))
            .execute(conn)?;
        }
        transition(
            conn,
            branch_id,
            id,
            expected,
            TicketStatus::AwaitingApproval,
            None,
            "estimate sent",
            by,
        )?;
        let expires = Utc::now() + valid_for;
        let link: i64 = diesel::insert_into(approval_links::table)
            .values((
                approval_links::ticket_id.eq(id),
                approval_links::expires_at.eq(expires),
                approval_links::created_by.eq(by.user_id),
            ))
            .returning(approval_links::id)
            .get_result(conn)?;
        let to = match url {
            Some(url) => {
                let t = lock(conn, branch_id, id)?;
                let to = queue_link(conn, &t, url(link, expires), by)?;
                if let Some(to) = &to {
                    event(
                        conn,
                        id,
                        "link",
                        None,
                        None,
                        &format!("estimate link sent to {to}"),
                        by,
                    )?;
                }
                to
            }
            None => None,
        };
        Ok((link, expires, to))
    })
}

/// The estimate's link into the outbox for `t`'s customer, by their channel; where it goes, or
/// `None` when they have no email or phone.
fn queue_link(
    conn: &mut PgConnection,
    t: &Ticket,
    url: String,
    by: &By,
) -> Result<Option<String>, RepoError> {
    use crate::repo::outbox::{self, About, Message};
    let Some(to) = outbox::recipient_of(conn, t.customer_id)? else {
        return Ok(None);
    };
    let message = Message {
        branch_id: t.branch_id,
        template: "estimate_to_approve",
        customer_id: t.customer_id,
        about: About::Ticket(t.id),
        due_at: by.at,
        payload: serde_json::json!({ "ticket": t.number, "url": url }),
    };
    outbox::queue(conn, &message, &to)?;
    Ok(Some(to))
}

/// Records the customer's answer: approved goes on to `in_repair`, declined to `ready`
/// (returned unrepaired). Each answer is an event.
pub fn record_approval(
    conn: &mut PgConnection,
    branch_id: i64,
    id: i64,
    approved: bool,
    who: &str,
    how: &str,
    by: &By,
) -> Result<Ticket, RepoError> {
    if who.trim().is_empty() {
        return Err(FieldErrors::single("approval_by", "Say who gave the answer.").into());
    }
    crate::repo::tx(conn, |conn| {
        let t = lock(conn, branch_id, id)?;
        if t.state() != TicketStatus::AwaitingApproval {
            return Err(RepoError::Conflict(format!(
                "Ticket #{} is not waiting for approval (it is {}).",
                t.number,
                t.state().words()
            )));
        }
        let decision = if approved { "approved" } else { "declined" };
        diesel::update(tickets::table.find(id))
            .set((
                tickets::approval.eq(decision),
                tickets::approval_by.eq(who.trim()),
                tickets::approval_method.eq(how.trim()),
                tickets::approved_at.eq(diesel::dsl::now),
            ))
            .execute(conn)?;
        event(
            conn,
            id,
            "approval",
            None,
            None,
            &format!("{decision} by {} ({})", who.trim(), how.trim()),
            by,
        )?;
        let t = lock(conn, branch_id, id)?;
        crate::repo::notifications::about_ticket(
            conn,
            id,
            crate::repo::notifications::Kind::ApprovalAnswered,
            &format!(
                "Ticket #{}: the estimate was {decision} by {}.",
                t.number,
                who.trim()
            ),
            by.user_id,
        )?;
        let to = if approved {
            TicketStatus::InRepair
        } else {
            TicketStatus::Ready
        };
        moved(
            conn,
            &t,
            TicketStatus::AwaitingApproval,
            to,
            None,
            &format!("estimate {decision}"),
            by,
        )
    })
}

/// Why a link cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkState {
    /// Usable: the ticket's branch and id.
    Open { branch_id: i64, ticket_id: i64 },
    /// Past its expiry.
    Expired,
    /// Answered already: the decision and when.
    Used(String, DateTime<Utc>),
    /// The ticket is no longer waiting for this answer.
    Stale,
}

/// What a (signature-checked) link may do now.
pub fn link_state(conn: &mut PgConnection, link: i64) -> Result<LinkState, RepoError> {
    let (ticket_id, expires, used, decision): (
        i64,
        DateTime<Utc>,
        Option<DateTime<Utc>>,
        Option<String>,
    ) = approval_links::table
        .find(link)
        .select((
            approval_links::ticket_id,
            approval_links::expires_at,
            approval_links::used_at,
            approval_links::decision,
        ))
        .first(conn)?;
    if let (Some(at), Some(d)) = (used, decision) {
        return Ok(LinkState::Used(d, at));
    }
    if expires <= Utc::now() {
        return Ok(LinkState::Expired);
    }
    let (branch_id, status): (i64, String) = tickets::table
        .find(ticket_id)
        .select((tickets::branch_id, tickets::status))
        .first(conn)?;
    if status != TicketStatus::AwaitingApproval.as_str() {
        return Ok(LinkState::Stale);
    }
    Ok(LinkState::Open {
        branch_id,
        ticket_id,
    })
}

/// The ticket's approval link the customer can still use (the newest, not answered, not
/// expired, while the ticket waits for the answer): its id and expiry, for the counter to share
/// again at any time.
pub fn live_approval_link(
    conn: &mut PgConnection,
    ticket_id: i64,
) -> Result<Option<(i64, DateTime<Utc>)>, RepoError> {
    Ok(approval_links::table
        .inner_join(tickets::table)
        .filter(approval_links::ticket_id.eq(ticket_id))
        .filter(approval_links::used_at.is_null())
        .filter(approval_links::expires_at.gt(diesel::dsl::now))
        .filter(tickets::status.eq(TicketStatus::AwaitingApproval.as_str()))
        .order(approval_links::id.desc())
        .select((approval_links::id, approval_links::expires_at))
        .first(conn)
        .optional()?)
}

/// The branch, ticket and expiry of approval link `link`.
pub fn approval_link_ticket(
    conn: &mut PgConnection,
    link: i64,
) -> Result<(i64, i64, DateTime<Utc>), RepoError> {
    Ok(approval_links::table
        .inner_join(tickets::table)
        .filter(approval_links::id.eq(link))
        .select((
            tickets::branch_id,
            approval_links::ticket_id,
            approval_links::expires_at,
        ))
        .first(conn)?)
}

/// Sends the estimate's live approval link to the customer again, through the outbox (to their
/// email, or their phone when they have none), with an event on the ticket; `url` makes the
/// link's address from its id and expiry. Returns where it goes.
pub fn resend_estimate(
    conn: &mut PgConnection,
    branch_id: i64,
    id: i64,
    url: impl Fn(i64, DateTime<Utc>) -> String,
    by: &By,
) -> Result<String, RepoError> {
    crate::repo::tx(conn, |conn| {
        let t = lock(conn, branch_id, id)?;
        let Some((link, expires)) = live_approval_link(conn, id)? else {
            return Err(RepoError::Conflict(
                "The estimate has no link waiting for the customer: send the estimate first."
                    .into(),
            ));
        };
        let Some(to) = queue_link(conn, &t, url(link, expires), by)? else {
            return Err(RepoError::Conflict(
                "The customer has no email or phone on file: copy the link or show its QR code."
                    .into(),
            ));
        };
        event(
            conn,
            id,
            "link",
            None,
            None,
            &format!("estimate link sent again to {to}"),
            by,
        )?;
        Ok(to)
    })
}

/// The customer answers through the link (once).
pub fn answer_link(
    conn: &mut PgConnection,
    link: i64,
    approved: bool,
) -> Result<Ticket, RepoError> {
    crate::repo::tx(conn, |conn| {
        let _locked: i64 = approval_links::table
            .find(link)
            .select(approval_links::id)
            .for_update()
            .first(conn)?;
        let (branch_id, ticket_id) = match link_state(conn, link)? {
            LinkState::Open {
                branch_id,
                ticket_id,
            } => (branch_id, ticket_id),
            LinkState::Expired => {
                return Err(RepoError::Conflict(
                    "This link has expired. Please ask the shop for a new one.".into(),
                ));
            }
            LinkState::Used(d, _) => {
                return Err(RepoError::Conflict(format!(
                    "This estimate was {d} already; thank you."
                )));
            }
            LinkState::Stale => {
                return Err(RepoError::Conflict(
                    "The shop has already recorded your answer; thank you.".into(),
                ));
            }
        };
        diesel::update(approval_links::table.find(link))
            .set((
                approval_links::used_at.eq(diesel::dsl::now),
                approval_links::decision.eq(if approved { "approved" } else { "declined" }),
            ))
            .execute(conn)?;
        record_approval(
            conn,
            branch_id,
            ticket_id,
            approved,
            "the customer",
            "approval link",
            &By::default(),
        )
    })
}
