//! Warranties and claims as their pages show them.

use bigdecimal::BigDecimal;
use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;

/// A warranty as shown.
#[derive(Debug, Clone, Queryable)]
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

/// A claim as shown.
#[derive(Debug, Clone, Queryable)]
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
