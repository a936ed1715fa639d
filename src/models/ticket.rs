//! Tickets (work orders) and their lines.

use bigdecimal::BigDecimal;
use chrono::{DateTime, Utc};
use diesel::prelude::*;

use crate::schema::{ticket_lines, tickets};

/// A ticket.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = tickets, check_for_backend(diesel::pg::Pg))]
pub struct Ticket {
    pub id: i64,
    pub branch_id: i64,
    pub number: i32,
    pub customer_id: i64,
    pub vehicle_id: Option<i64>,
    pub device_id: Option<i64>,
    pub booking_id: Option<i64>,
    pub status: String,
    pub priority: String,
    pub problem: String,
    pub damage_notes: String,
    pub mileage: Option<i32>,
    pub created_by: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub assigned_to: Option<i64>,
    pub asset_id: Option<i64>,
    pub outcome: Option<String>,
    pub approval: Option<String>,
    pub approval_by: String,
    pub approval_method: String,
    pub approved_at: Option<DateTime<Utc>>,
    pub qc_by: Option<i64>,
    pub qc_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    /// Accessories left with the item.
    pub accessories: String,
    /// The date promised for the job to be ready.
    pub promised_on: Option<chrono::NaiveDate>,
    /// What the technician found, written for the customer.
    pub findings: String,
}

impl Ticket {
    /// Whether `line` was on the estimate the customer was sent (it stays as it was sent): the
    /// estimate went out and the line was there before the customer's answer.
    pub fn line_was_sent(&self, line: &TicketLine) -> bool {
        let sent = self.approval.is_some()
            || self.state() == crate::domain::ticket::TicketStatus::AwaitingApproval;
        sent && self.approved_at.is_none_or(|at| line.created_at <= at)
    }
    /// Whether the promised date has passed on `today` and the job is not ready yet.
    pub fn is_late(&self, today: chrono::NaiveDate) -> bool {
        use crate::domain::ticket::TicketStatus::{Cancelled, Closed, Ready};
        self.promised_on.is_some_and(|d| d < today)
            && !matches!(self.state(), Ready | Closed | Cancelled)
    }
    /// The typed status.
    pub fn state(&self) -> crate::domain::ticket::TicketStatus {
        self.status
            .parse()
            .unwrap_or(crate::domain::ticket::TicketStatus::Open)
    }
    /// Days since it was opened.
    pub fn age_days(&self) -> i64 {
        (Utc::now() - self.created_at).num_days()
    }
}

/// A line of a ticket (labour, part, fee).
#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = ticket_lines, check_for_backend(diesel::pg::Pg))]
pub struct TicketLine {
    pub id: i64,
    pub ticket_id: i64,
    pub kind: String,
    pub service_id: Option<i64>,
    pub description: String,
    pub quantity: BigDecimal,
    pub unit_price: BigDecimal,
    pub created_at: DateTime<Utc>,
    pub stock_item_id: Option<i64>,
    pub asset_id: Option<i64>,
    pub created_by: Option<i64>,
    /// What it cost (a part: the item's cost or the unit's landed cost when it was used).
    pub unit_cost: Option<BigDecimal>,
}

impl TicketLine {
    /// What the customer reads: a stock part without its SKU, a unit used as a part without
    /// its tag.
    pub fn plain(&self) -> String {
        let d = self.description.trim();
        if self.asset_id.is_some() && d.starts_with("Part: unit ") {
            return "Replacement part".into();
        }
        match (self.stock_item_id, d.rfind(" (")) {
            (Some(_), Some(at)) if d.ends_with(')') => d[..at].to_string(),
            _ => d.to_string(),
        }
    }
    /// Quantity × price.
    pub fn total(&self) -> BigDecimal {
        crate::domain::money::cents(&(&self.quantity * &self.unit_price))
    }
}

/// The estimate of `lines` at `branch`: (subtotal, tax, total) as the ticket's invoice will
/// carry them (the branch's rate and rounding).
pub fn estimate(
    lines: &[TicketLine],
    branch: &crate::models::branch::Branch,
) -> (BigDecimal, BigDecimal, BigDecimal) {
    let priced: Vec<_> = lines
        .iter()
        .map(|l| (l.quantity.clone(), l.unit_price.clone()))
        .collect();
    crate::domain::invoice::estimate_totals(&priced, &branch.tax_rate, branch.tax_per_invoice())
}
