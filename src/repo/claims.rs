//! Warranties and warranty claims. A claim: `submitted → approved → completed`, or `submitted →
//! denied` (with a reason). Submitting puts the warranty in `claimed` (refused for an expired or
//! void warranty); approving opens a ticket linked to the claim; completing or denying puts the
//! warranty back to `active` (or `expired`, if it ended meanwhile). Each change writes its claim
//! and warranty events in the same transaction.

use bigdecimal::BigDecimal;
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;

use super::{By, RepoError, unique_violation};
use crate::domain::validation::FieldErrors;
use crate::repo::events::{self, Event, Trail};
use crate::schema::{
    assets, customers, invoices, stock_items, tickets, warranties, warranty_claims,
};

/// A warranty as shown.
#[derive(Debug, Clone, Queryable)]
#[allow(missing_docs)]
pub struct WarrantyRow {
    pub id: i64,
    pub tier: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub status: String,
    pub customer_id: Option<i64>,
    pub customer: Option<String>,
    pub invoice_id: i64,
    pub invoice_number: Option<String>,
    pub asset_id: Option<i64>,
    pub asset_tag: Option<String>,
    pub serial: Option<String>,
    pub item: Option<String>,
}

impl WarrantyRow {
    /// What it covers.
    pub fn covers(&self) -> String {
        match (&self.asset_tag, &self.serial, &self.item) {
            (Some(t), Some(s), _) => format!("unit {t} ({s})"),
            (_, _, Some(i)) => i.clone(),
            _ => String::new(),
        }
    }
    /// Whether it has ended by `today`.
    pub fn ended(&self, today: &NaiveDate) -> bool {
        self.ends_on < *today
    }
}

macro_rules! warranty_query {
    () => {
        warranties::table
            .left_join(customers::table)
            .inner_join(invoices::table)
            .left_join(assets::table)
            .left_join(stock_items::table)
            .select((
                warranties::id,
                warranties::tier,
                warranties::starts_on,
                warranties::ends_on,
                warranties::status,
                warranties::customer_id,
                customers::name.nullable(),
                warranties::invoice_id,
                invoices::number,
                warranties::asset_id,
                assets::asset_tag.nullable(),
                assets::serial.nullable(),
                stock_items::name.nullable(),
            ))
    };
}

/// Warranties of the branch found by serial, asset tag or invoice number (exact, any case).
pub fn find(
    conn: &mut PgConnection,
    branch_id: i64,
    q: &str,
) -> Result<Vec<WarrantyRow>, RepoError> {
    let q = q.trim().to_uppercase();
    if q.is_empty() {
        return Ok(Vec::new());
    }
    Ok(warranty_query!()
        .filter(warranties::branch_id.eq(branch_id))
        .filter(
            diesel::dsl::sql::<diesel::sql_types::Bool>("upper(btrim(assets.serial)) = ")
                .bind::<diesel::sql_types::Text, _>(q.clone())
                .or(assets::asset_tag.nullable().eq(&q))
                .or(invoices::number.eq(&q)),
        )
        .order(warranties::id.desc())
        .limit(50)
        .load(conn)?)
}

/// One warranty of the branch.
pub fn get(conn: &mut PgConnection, branch_id: i64, id: i64) -> Result<WarrantyRow, RepoError> {
    Ok(warranty_query!()
        .filter(warranties::branch_id.eq(branch_id))
        .filter(warranties::id.eq(id))
        .first(conn)?)
}

fn claim_event(
    conn: &mut PgConnection,
    claim: i64,
    from: Option<&str>,
    to: &str,
    note: &str,
    by: &By,
) -> Result<(), RepoError> {
    events::write(conn, Trail::Claim(claim), &Event::moved(from, to, note), by)?;
    Ok(())
}

fn set_warranty(
    conn: &mut PgConnection,
    warranty: i64,
    from: &str,
    to: &str,
    note: &str,
    by: &By,
) -> Result<(), RepoError> {
    diesel::update(warranties::table.find(warranty))
        .set(warranties::status.eq(to))
        .execute(conn)?;
    events::write(
        conn,
        Trail::Warranty(warranty),
        &Event::moved(Some(from), to, note),
        by,
    )?;
    Ok(())
}

/// Submits a claim against an active, unexpired warranty of the branch.
pub fn submit(
    conn: &mut PgConnection,
    branch_id: i64,
    warranty: i64,
    problem: &str,
    by: &By,
) -> Result<i64, RepoError> {
    if problem.trim().is_empty() {
        return Err(
            FieldErrors::single("problem", "Describe the fault the customer reports.").into(),
        );
    }
    let ends_on: NaiveDate = warranties::table
        .find(warranty)
        .filter(warranties::branch_id.eq(branch_id))
        .select(warranties::ends_on)
        .first(conn)?;
    if ends_on < by.today {
        return Err(RepoError::Conflict(format!(
            "This warranty ended on {ends_on}; no claim can be made on it."
        )));
    }
    super::tx(conn, |conn| {
        let status: String = warranties::table
            .find(warranty)
            .select(warranties::status)
            .for_update()
            .first(conn)?;
        match status.as_str() {
            "active" => {}
            "claimed" => {
                return Err(RepoError::Conflict(
                    "A claim on this warranty is already open.".into(),
                ));
            }
            other => {
                return Err(RepoError::Conflict(format!(
                    "This warranty is {other}; no claim can be made on it."
                )));
            }
        }
        let claim: i64 = diesel::insert_into(warranty_claims::table)
            .values((
                warranty_claims::warranty_id.eq(warranty),
                warranty_claims::branch_id.eq(branch_id),
                warranty_claims::problem.eq(problem.trim()),
                warranty_claims::created_by.eq(by.user_id),
            ))
            .returning(warranty_claims::id)
            .get_result(conn)
            .map_err(|e| match unique_violation(&e) {
                Some("warranty_claims_open_key") => {
                    RepoError::Conflict("A claim on this warranty is already open.".into())
                }
                _ => e.into(),
            })?;
        claim_event(conn, claim, None, "submitted", problem.trim(), by)?;
        set_warranty(
            conn,
            warranty,
            "active",
            "claimed",
            &format!("claim #{claim}"),
            by,
        )?;
        Ok(claim)
    })
}

/// A claim as shown.
#[derive(Debug, Clone, Queryable)]
#[allow(missing_docs)]
pub struct ClaimRow {
    pub id: i64,
    pub warranty_id: i64,
    pub status: String,
    pub problem: String,
    pub deny_reason: String,
    pub ticket_id: Option<i64>,
    pub outcome: String,
    pub cost: Option<BigDecimal>,
    pub created_at: DateTime<Utc>,
}

const CLAIM_COLUMNS: (
    warranty_claims::id,
    warranty_claims::warranty_id,
    warranty_claims::status,
    warranty_claims::problem,
    warranty_claims::deny_reason,
    warranty_claims::ticket_id,
    warranty_claims::outcome,
    warranty_claims::cost,
    warranty_claims::created_at,
) = (
    warranty_claims::id,
    warranty_claims::warranty_id,
    warranty_claims::status,
    warranty_claims::problem,
    warranty_claims::deny_reason,
    warranty_claims::ticket_id,
    warranty_claims::outcome,
    warranty_claims::cost,
    warranty_claims::created_at,
);

fn lock_claim(conn: &mut PgConnection, branch_id: i64, id: i64) -> Result<ClaimRow, RepoError> {
    Ok(warranty_claims::table
        .filter(warranty_claims::id.eq(id))
        .filter(warranty_claims::branch_id.eq(branch_id))
        .select(CLAIM_COLUMNS)
        .for_update()
        .first(conn)?)
}

fn expect(claim: &ClaimRow, wanted: &str, to: &str) -> Result<(), RepoError> {
    if claim.status != wanted {
        return Err(RepoError::Conflict(format!(
            "A claim that is {} cannot become {to}.",
            claim.status
        )));
    }
    Ok(())
}

/// Approves a submitted claim and opens the repair ticket for it.
pub fn approve(
    conn: &mut PgConnection,
    branch_id: i64,
    id: i64,
    by: &By,
) -> Result<i64, RepoError> {
    super::tx(conn, |conn| {
        let claim = lock_claim(conn, branch_id, id)?;
        expect(&claim, "submitted", "approved")?;
        let w = get(conn, branch_id, claim.warranty_id)?;
        let Some(customer) = w.customer_id else {
            return Err(RepoError::Conflict(
                "The sale was to a walk-in: record the customer on a ticket by hand, then deny or complete this claim.".into(),
            ));
        };
        let number = super::tickets::next_number(conn, branch_id)?;
        let ticket: i64 = diesel::insert_into(tickets::table)
            .values((
                tickets::branch_id.eq(branch_id),
                tickets::number.eq(number),
                tickets::customer_id.eq(customer),
                tickets::asset_id.eq(w.asset_id),
                tickets::priority.eq("high"),
                tickets::problem.eq(format!("Warranty claim #{id}: {}", claim.problem)),
                tickets::created_by.eq(by.user_id),
            ))
            .returning(tickets::id)
            .get_result(conn)?;
        let opened = format!("warranty claim #{id}");
        let event = Event {
            kind: "opened",
            from: None,
            to: Some("open"),
            note: &opened,
        };
        events::write(conn, Trail::Ticket(ticket), &event, by)?;
        diesel::update(warranty_claims::table.find(id))
            .set((
                warranty_claims::status.eq("approved"),
                warranty_claims::ticket_id.eq(ticket),
                warranty_claims::updated_at.eq(diesel::dsl::now),
            ))
            .execute(conn)?;
        claim_event(
            conn,
            id,
            Some("submitted"),
            "approved",
            &format!("ticket #{number} opened"),
            by,
        )?;
        Ok(ticket)
    })
}

/// Denies a submitted claim with a reason; the warranty is active again.
pub fn deny(
    conn: &mut PgConnection,
    branch_id: i64,
    id: i64,
    reason: &str,
    by: &By,
) -> Result<(), RepoError> {
    if reason.trim().is_empty() {
        return Err(FieldErrors::single("deny_reason", "Say why the claim is denied.").into());
    }
    super::tx(conn, |conn| {
        let claim = lock_claim(conn, branch_id, id)?;
        expect(&claim, "submitted", "denied")?;
        diesel::update(warranty_claims::table.find(id))
            .set((
                warranty_claims::status.eq("denied"),
                warranty_claims::deny_reason.eq(reason.trim()),
                warranty_claims::updated_at.eq(diesel::dsl::now),
            ))
            .execute(conn)?;
        claim_event(conn, id, Some("submitted"), "denied", reason.trim(), by)?;
        release(conn, claim.warranty_id, id, by)
    })
}

/// Completes an approved claim with its outcome and cost; the warranty is active again.
pub fn complete(
    conn: &mut PgConnection,
    branch_id: i64,
    id: i64,
    outcome: &str,
    cost: &BigDecimal,
    by: &By,
) -> Result<(), RepoError> {
    let mut errors = FieldErrors::new();
    if outcome.trim().is_empty() {
        errors.add("outcome", "Record what was done.");
    }
    if cost.sign() == bigdecimal::num_bigint::Sign::Minus {
        errors.add("cost", "The cost cannot be negative.");
    }
    errors.into_result()?;
    super::tx(conn, |conn| {
        let claim = lock_claim(conn, branch_id, id)?;
        expect(&claim, "approved", "completed")?;
        diesel::update(warranty_claims::table.find(id))
            .set((
                warranty_claims::status.eq("completed"),
                warranty_claims::outcome.eq(outcome.trim()),
                warranty_claims::cost.eq(cost),
                warranty_claims::updated_at.eq(diesel::dsl::now),
            ))
            .execute(conn)?;
        claim_event(
            conn,
            id,
            Some("approved"),
            "completed",
            &format!("{} (cost {cost:.2})", outcome.trim()),
            by,
        )?;
        release(conn, claim.warranty_id, id, by)
    })
}

fn release(conn: &mut PgConnection, warranty: i64, claim: i64, by: &By) -> Result<(), RepoError> {
    let ends_on: NaiveDate = warranties::table
        .find(warranty)
        .select(warranties::ends_on)
        .first(conn)?;
    let to = if ends_on < by.today {
        "expired"
    } else {
        "active"
    };
    set_warranty(
        conn,
        warranty,
        "claimed",
        to,
        &format!("claim #{claim} closed"),
        by,
    )
}

/// One claim of the branch.
pub fn claim(conn: &mut PgConnection, branch_id: i64, id: i64) -> Result<ClaimRow, RepoError> {
    Ok(warranty_claims::table
        .filter(warranty_claims::id.eq(id))
        .filter(warranty_claims::branch_id.eq(branch_id))
        .select(CLAIM_COLUMNS)
        .first(conn)?)
}

/// A warranty's claims, newest first.
pub fn claims_of(conn: &mut PgConnection, warranty: i64) -> Result<Vec<ClaimRow>, RepoError> {
    Ok(warranty_claims::table
        .filter(warranty_claims::warranty_id.eq(warranty))
        .select(CLAIM_COLUMNS)
        .order(warranty_claims::id.desc())
        .load(conn)?)
}

/// Open claims of the branch, oldest first: (claim, covers).
pub fn open_claims(conn: &mut PgConnection, branch_id: i64) -> Result<Vec<ClaimRow>, RepoError> {
    Ok(warranty_claims::table
        .filter(warranty_claims::branch_id.eq(branch_id))
        .filter(warranty_claims::status.eq_any(["submitted", "approved"]))
        .select(CLAIM_COLUMNS)
        .order(warranty_claims::id)
        .load(conn)?)
}

/// Marks active warranties whose end date has passed at `now`, on each warranty's branch's own
/// date, as `expired` (with their events); run by the housekeeping task. Returns how many.
pub fn expire_ended(
    conn: &mut PgConnection,
    now: chrono::DateTime<Utc>,
) -> Result<usize, RepoError> {
    #[derive(QueryableByName)]
    struct Ended {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        id: i64,
    }
    super::tx(conn, |conn| {
        let ended: Vec<Ended> = diesel::sql_query(
            "SELECT w.id FROM warranties w JOIN branches b ON b.id = w.branch_id \
             WHERE w.status = 'active' AND w.ends_on < ($1 AT TIME ZONE b.timezone)::date \
             FOR UPDATE OF w SKIP LOCKED",
        )
        .bind::<diesel::sql_types::Timestamptz, _>(now)
        .load(conn)?;
        for e in &ended {
            set_warranty(conn, e.id, "active", "expired", "ended", &By::system())?;
        }
        Ok(ended.len())
    })
}
