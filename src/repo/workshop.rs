//! The workshop floor: ticket transitions (row locked, checked against `domain::ticket`, event
//! written, one transaction), assignment, estimate lines and parts used, approval at the counter
//! or through a customer's link, the technicians' clock and the approval of their time.

use bigdecimal::{BigDecimal, ToPrimitive};
use chrono::{DateTime, Duration, Utc};
use diesel::prelude::*;

use super::stock::{self, Posting};
use super::{By, RepoError, unique_violation};
use crate::domain::ticket::{Facts, Outcome, Priority, TicketStatus, check};
use crate::domain::validation::FieldErrors;
use crate::models::ticket::{Ticket, TicketLine};
use crate::schema::{
    approval_links, assets, customers, devices, message_outbox, staff_users, stock_items,
    ticket_events, ticket_lines, tickets, time_entries, vehicles,
};

fn event(
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

fn lock(conn: &mut PgConnection, branch_id: i64, id: i64) -> Result<Ticket, RepoError> {
    Ok(tickets::table
        .find(id)
        .filter(tickets::branch_id.eq(branch_id))
        .select(Ticket::as_select())
        .for_update()
        .first(conn)?)
}

fn live(t: &Ticket) -> Result<(), RepoError> {
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
    super::tx(conn, |conn| {
        let t = lock(conn, branch_id, id)?;
        let from = t.state();
        if let Some(seen) = expected
            && seen != from
        {
            return Err(RepoError::Conflict(format!(
                "Someone else moved ticket #{} to {} a moment ago; nothing was changed.",
                t.number,
                from.label()
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
fn moved(
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
        ready_message(conn, &after)?;
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
fn ready_message(conn: &mut PgConnection, t: &Ticket) -> Result<(), RepoError> {
    let (name, email, phone): (String, String, String) = customers::table
        .find(t.customer_id)
        .select((customers::name, customers::email, customers::phone))
        .first(conn)?;
    let recipient = if email.is_empty() { phone } else { email };
    if recipient.is_empty() {
        return Ok(());
    }
    diesel::insert_into(message_outbox::table)
        .values((
            message_outbox::branch_id.eq(t.branch_id),
            message_outbox::template.eq("ticket_ready"),
            message_outbox::customer_id.eq(t.customer_id),
            message_outbox::recipient.eq(recipient),
            message_outbox::ticket_id.eq(t.id),
            message_outbox::due_at.eq(Utc::now()),
            message_outbox::payload.eq(serde_json::json!({
                "customer": name,
                "ticket": t.number,
                "outcome": t.approval.as_deref().map(|a| if a == "declined" { "returned unrepaired" } else { "repaired" }).unwrap_or("ready"),
            })),
        ))
        .execute(conn)?;
    Ok(())
}

/// Assigns the ticket to a technician of the branch (or unassigns it).
pub fn assign(
    conn: &mut PgConnection,
    branch_id: i64,
    id: i64,
    technician: Option<i64>,
    by: &By,
) -> Result<(), RepoError> {
    super::tx(conn, |conn| {
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
        event(conn, id, "assignment", None, None, &note, by)
    })
}

/// A line to add to a ticket's estimate (or a part used during the repair).
#[derive(Debug, Clone, Default)]
pub struct NewTicketLine {
    /// `labour`, `part` or `fee`.
    pub kind: String,
    /// What it is (taken from the item for a scanned part when left empty).
    pub description: String,
    /// Hours or pieces.
    pub quantity: BigDecimal,
    /// Price each; for a scanned stock part, empty means the item's price.
    pub unit_price: Option<BigDecimal>,
    /// For a part: its SKU or a unit's serial or tag, as scanned.
    pub code: String,
}

/// Adds a line. A part scanned by SKU comes out of this branch's stock (a `repair_use` ledger
/// row, refused when there is not enough); a part scanned by serial or tag links that unit.
pub fn add_line(
    conn: &mut PgConnection,
    branch_id: i64,
    id: i64,
    line: &NewTicketLine,
    by: &By,
) -> Result<(), RepoError> {
    let mut errors = FieldErrors::new();
    if !["labour", "part", "fee"].contains(&line.kind.as_str()) {
        errors.add("kind", "Choose labour, part or fee.");
    }
    if line.quantity <= 0 {
        errors.add("quantity", "Enter a quantity above zero.");
    }
    if line.kind == "labour" && line.quantity > 24 {
        errors.add("quantity", "Labour hours are at most 24 a line.");
    }
    if line
        .unit_price
        .as_ref()
        .is_some_and(|p| p.sign() == bigdecimal::num_bigint::Sign::Minus)
    {
        errors.add("unit_price", "A price cannot be negative.");
    }
    if line.kind == "part" && line.code.trim().is_empty() && line.description.trim().is_empty() {
        errors.add("code", "Scan the part's SKU or serial, or describe it.");
    }
    if line.kind != "part" && line.description.trim().is_empty() {
        errors.add("description", "Say what the line is for.");
    }
    errors.into_result()?;
    super::tx(conn, |conn| {
        let t = lock(conn, branch_id, id)?;
        live(&t)?;
        let mut description = line.description.trim().to_string();
        let mut price = line.unit_price.clone();
        let (mut item, mut unit) = (None, None);
        let code = line.code.trim().to_uppercase();
        if line.kind == "part" && !code.is_empty() {
            let found: Option<(i64, String, String, BigDecimal)> = stock_items::table
                .filter(
                    diesel::dsl::sql::<diesel::sql_types::Bool>("upper(sku) = ")
                        .bind::<diesel::sql_types::Text, _>(code.clone()),
                )
                .filter(stock_items::active.eq(true))
                .select((
                    stock_items::id,
                    stock_items::sku,
                    stock_items::name,
                    stock_items::unit_price,
                ))
                .first(conn)
                .optional()?;
            if let Some((item_id, sku, name, list_price)) = found {
                let pieces = line.quantity.to_i32().filter(|q| line.quantity == *q);
                let Some(pieces) = pieces else {
                    return Err(FieldErrors::single(
                        "quantity",
                        "Parts are counted in whole pieces.",
                    )
                    .into());
                };
                let p = Posting {
                    stock_item_id: item_id,
                    branch_id,
                    kind: "repair_use",
                    quantity: -pieces,
                    unit_cost: None,
                    reason: "",
                    reference: &format!("ticket #{}", t.number),
                };
                stock::post(conn, &p, by).map_err(|e| match e {
                    RepoError::Validation(errors) => RepoError::from(FieldErrors::single(
                        "code",
                        errors
                            .get("quantity")
                            .unwrap_or("Not enough in stock.")
                            .to_string(),
                    )),
                    other => other,
                })?;
                if description.is_empty() {
                    description = format!("{name} ({sku})");
                }
                price = price.or(Some(list_price));
                item = Some(item_id);
            } else {
                let found = super::assets::find_by_code(conn, branch_id, &code)?
                    .map(|a| (a.id, a.asset_tag, a.status));
                let Some((asset_id, tag, status)) = found else {
                    return Err(FieldErrors::single(
                        "code",
                        format!("No stock item with SKU {code} and no unit with that serial or tag here."),
                    )
                    .into());
                };
                if matches!(
                    status.as_str(),
                    "sold" | "scrapped" | "in_transit" | "reserved"
                ) {
                    return Err(FieldErrors::single(
                        "code",
                        format!(
                            "Unit {tag} is {}; it cannot be used as a part.",
                            status.replace('_', " ")
                        ),
                    )
                    .into());
                }
                if description.is_empty() {
                    description = format!("Part: unit {tag}");
                }
                unit = Some(asset_id);
            }
        }
        diesel::insert_into(ticket_lines::table)
            .values((
                ticket_lines::ticket_id.eq(id),
                ticket_lines::kind.eq(&line.kind),
                ticket_lines::description.eq(&description),
                ticket_lines::quantity.eq(&line.quantity),
                ticket_lines::unit_price.eq(price.unwrap_or_default()),
                ticket_lines::stock_item_id.eq(item),
                ticket_lines::asset_id.eq(unit),
                ticket_lines::created_by.eq(by.user_id),
            ))
            .execute(conn)?;
        event(
            conn,
            id,
            "line",
            None,
            None,
            &format!("{} × {}", description, line.quantity.normalized()),
            by,
        )
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
    super::tx(conn, |conn| {
        let t = lock(conn, branch_id, id)?;
        live(&t)?;
        event(conn, id, "note", None, None, note.trim(), by)
    })
}

/// Takes a line off before the estimate is sent; a stock part goes back on the shelf.
pub fn remove_line(
    conn: &mut PgConnection,
    branch_id: i64,
    id: i64,
    line_id: i64,
    by: &By,
) -> Result<(), RepoError> {
    super::tx(conn, |conn| {
        let t = lock(conn, branch_id, id)?;
        live(&t)?;
        let line: TicketLine = ticket_lines::table
            .find(line_id)
            .filter(ticket_lines::ticket_id.eq(id))
            .select(TicketLine::as_select())
            .first(conn)?;
        if t.approval.is_some() || t.state() == TicketStatus::AwaitingApproval {
            return Err(RepoError::Conflict(
                "The estimate went to the customer; its lines stay as they were sent.".into(),
            ));
        }
        if let Some(item) = line.stock_item_id {
            let pieces = line.quantity.to_i32().unwrap_or(0);
            if pieces > 0 {
                let p = Posting {
                    stock_item_id: item,
                    branch_id,
                    kind: "return",
                    quantity: pieces,
                    unit_cost: None,
                    reason: "",
                    reference: &format!("ticket #{} line removed", t.number),
                };
                stock::post(conn, &p, by)?;
            }
        }
        diesel::delete(ticket_lines::table.find(line_id)).execute(conn)?;
        event(conn, id, "line_removed", None, None, &line.description, by)
    })
}

/// Sends the estimate: `diagnosing → awaiting_approval` and a fresh approval link (id and expiry,
/// signed by the caller).
pub fn send_estimate(
    conn: &mut PgConnection,
    branch_id: i64,
    id: i64,
    expected: Option<TicketStatus>,
    valid_for: Duration,
    by: &By,
) -> Result<(i64, DateTime<Utc>), RepoError> {
    super::tx(conn, |conn| {
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
        Ok((link, expires))
    })
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
    super::tx(conn, |conn| {
        let t = lock(conn, branch_id, id)?;
        if t.state() != TicketStatus::AwaitingApproval {
            return Err(RepoError::Conflict(format!(
                "Ticket #{} is not waiting for approval (it is {}).",
                t.number,
                t.state().label()
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
    Open {
        /// Branch.
        branch_id: i64,
        /// Ticket.
        ticket_id: i64,
    },
    /// Past its expiry.
    Expired,
    /// Answered already.
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

/// The customer answers through the link (once).
pub fn answer_link(
    conn: &mut PgConnection,
    link: i64,
    approved: bool,
) -> Result<Ticket, RepoError> {
    super::tx(conn, |conn| {
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
    super::tx(conn, |conn| {
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

/// Stops the signed-in technician's running clock, in its own transaction.
pub fn clock_stop(conn: &mut PgConnection, by: &By) -> Result<Option<i64>, RepoError> {
    let Some(tech) = by.user_id else {
        return Ok(None);
    };
    super::tx(conn, |conn| stop_clock(conn, tech, by))
}

/// Stops the technician's running clock, wherever it runs; returns the ticket it ran on.
fn stop_clock(conn: &mut PgConnection, technician: i64, by: &By) -> Result<Option<i64>, RepoError> {
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
    diesel::update(time_entries::table.find(entry))
        .set((
            time_entries::ended_at.eq(now),
            time_entries::hours.eq(hours_between(started, now)),
        ))
        .execute(conn)?;
    event(
        conn,
        ticket,
        "clock",
        None,
        None,
        &format!("clock stopped after {}", hours_between(started, now)),
        by,
    )?;
    Ok(Some(ticket))
}

fn stop_clocks_on(conn: &mut PgConnection, ticket: i64) -> Result<(), RepoError> {
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
    super::tx(conn, |conn| {
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

/// A ticket on the board: the ticket, customer name, what is being worked on, assignee.
pub type BoardRow = (Ticket, String, Option<String>);

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
    ))
    .order(tickets::created_at.asc())
    .limit(500)
    .load(conn)?)
}

/// A technician's jobs for today: assigned to them, still to work on, most urgent first.
pub fn my_jobs(
    conn: &mut PgConnection,
    branch_id: i64,
    technician: i64,
) -> Result<Vec<(Ticket, String)>, RepoError> {
    let rows: Vec<(Ticket, String)> = tickets::table
        .inner_join(customers::table)
        .filter(tickets::branch_id.eq(branch_id))
        .filter(tickets::assigned_to.eq(technician))
        .filter(tickets::status.ne_all(["ready", "closed", "cancelled"]))
        .select((Ticket::as_select(), customers::name))
        .order(tickets::created_at.asc())
        .load(conn)?;
    let mut rows = rows;
    let rank = |p: &str| match p {
        "urgent" => 0,
        "high" => 1,
        "normal" => 2,
        _ => 3,
    };
    rows.sort_by_key(|(t, _)| rank(&t.priority));
    Ok(rows)
}

/// What the ticket is about, as shown: "Toyota Probox KCA 123A", "iPhone 11 (serial …)" or a unit.
pub fn subject(conn: &mut PgConnection, t: &Ticket) -> Result<Option<String>, RepoError> {
    if let Some(v) = t.vehicle_id {
        let (make, model, plate): (String, String, String) = vehicles::table
            .find(v)
            .select((vehicles::make, vehicles::model, vehicles::plate))
            .first(conn)?;
        return Ok(Some(format!("{make} {model} {plate}").trim().to_string()));
    }
    if let Some(d) = t.device_id {
        let (kind, brand, model, serial): (String, String, String, String) = devices::table
            .find(d)
            .select((
                devices::kind,
                devices::brand,
                devices::model,
                devices::serial,
            ))
            .first(conn)?;
        let serial = if serial.is_empty() {
            String::new()
        } else {
            format!("({serial})")
        };
        return Ok(Some(
            format!("{kind} {brand} {model} {serial}")
                .trim()
                .to_string(),
        ));
    }
    if let Some(a) = t.asset_id {
        let (tag, serial): (String, String) = assets::table
            .find(a)
            .select((assets::asset_tag, assets::serial))
            .first(conn)?;
        return Ok(Some(format!("unit {tag} ({serial})")));
    }
    Ok(None)
}

/// Technicians (and managers) of the branch who can take a ticket, as (id, name).
pub fn technicians(
    conn: &mut PgConnection,
    branch_id: i64,
) -> Result<Vec<(i64, String)>, RepoError> {
    Ok(staff_users::table
        .filter(staff_users::home_branch_id.eq(branch_id))
        .filter(staff_users::active.eq(true))
        .filter(staff_users::role.eq_any(["technician", "manager"]))
        .select((staff_users::id, staff_users::full_name))
        .order(staff_users::full_name)
        .load(conn)?)
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
