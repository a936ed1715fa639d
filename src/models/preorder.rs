//! A preorder as its pages show it: the row with its customer's name and the model.

use bigdecimal::{BigDecimal, Zero};
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;

use crate::domain::preorder::PreorderStatus;

/// A preorder as shown.
#[derive(Debug, Clone, Queryable)]
pub struct PreorderRow {
    pub id: i64,
    pub status: String,
    pub customer_id: i64,
    pub customer: String,
    pub product_model_id: i64,
    pub brand: String,
    pub model: String,
    pub specs: String,
    pub agreed_price: BigDecimal,
    pub deposit_required: BigDecimal,
    pub deposit_paid: BigDecimal,
    pub ordered_on: Option<NaiveDate>,
    pub sla_due_on: Option<NaiveDate>,
    pub asset_id: Option<i64>,
    pub invoice_id: Option<i64>,
    pub resale_invoice_id: Option<i64>,
    pub recovery: Option<BigDecimal>,
    pub created_at: DateTime<Utc>,
}

impl PreorderRow {
    /// The typed status.
    pub fn state(&self) -> PreorderStatus {
        self.status
            .parse()
            .unwrap_or(PreorderStatus::DepositPending)
    }
    /// Days until the SLA date (negative when overdue), while the clock runs.
    pub fn days_left(&self, today: NaiveDate) -> Option<i64> {
        self.sla_due_on
            .filter(|_| self.state().on_the_clock())
            .map(|due| (due - today).num_days())
    }
    /// What the customer owes after a resale.
    pub fn shortfall(&self) -> Option<BigDecimal> {
        self.recovery
            .as_ref()
            .map(|r| crate::domain::preorder::shortfall(&self.agreed_price, r, &self.deposit_paid))
    }
    /// Deposit still to take before ordering.
    pub fn deposit_due(&self) -> BigDecimal {
        let due = &self.deposit_required - &self.deposit_paid;
        if due < BigDecimal::zero() {
            BigDecimal::zero()
        } else {
            due
        }
    }
}
