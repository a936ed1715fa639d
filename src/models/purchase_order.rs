//! A purchase order as its pages show it: the row with its vendor's name.

use bigdecimal::BigDecimal;
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;

use crate::domain::purchase_order::{Goods, PoStatus, number};

/// An order as shown in lists and on its page.
#[derive(Debug, Clone, Queryable)]
pub struct OrderRow {
    /// Id (the number people say: PO-12).
    pub id: i64,
    /// Status (stored name).
    pub status: String,
    /// Vendor name.
    pub vendor: String,
    pub vendor_id: i64,
    /// The vendor's reference.
    pub vendor_reference: String,
    /// Expected delivery date.
    pub expected_on: Option<NaiveDate>,
    /// Free text.
    pub note: String,
    pub created_at: DateTime<Utc>,
}

impl OrderRow {
    /// The order's number as printed.
    pub fn number(&self) -> String {
        number(self.id)
    }
    /// The status as a value.
    pub fn state(&self) -> PoStatus {
        self.status.parse().unwrap_or(PoStatus::Draft)
    }
}

/// A line as shown.
#[derive(Debug, Clone)]
pub struct LineView {
    pub id: i64,
    /// What is ordered.
    pub goods: Goods,
    /// "Brand Model" or "SKU — name".
    pub what: String,
    /// How many were ordered.
    pub quantity: i32,
    /// Received so far.
    pub received: i32,
    /// Agreed unit cost.
    pub unit_cost: BigDecimal,
}

impl LineView {
    /// Still to come.
    pub fn outstanding(&self) -> i32 {
        self.quantity - self.received
    }
    /// Quantity × unit cost.
    pub fn total(&self) -> BigDecimal {
        &self.unit_cost * BigDecimal::from(self.quantity)
    }
}
