//! Branch rows.

use bigdecimal::BigDecimal;
use chrono::{DateTime, Utc};
use diesel::prelude::*;

use crate::domain::branch::{BranchInput, OpeningHours};
use crate::schema::branches;

/// A branch (shop location).
#[derive(Debug, Clone, Queryable, Selectable, Identifiable, serde::Serialize)]
#[diesel(table_name = branches, check_for_backend(diesel::pg::Pg))]
pub struct Branch {
    pub id: i64,
    pub name: String,
    pub timezone: String,
    pub invoice_prefix: String,
    pub tax_rate: BigDecimal,
    pub tax_rounding: String,
    pub address: String,
    pub phone: String,
    pub opening_hours: serde_json::Value,
    pub active: bool,
    pub labour_rate: BigDecimal,
    pub labour_cost_rate: BigDecimal,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// ISO 4217 code, printed with every amount: `KES`.
    pub currency: String,
    /// The tax registration number printed on receipts and invoices (KRA PIN, VAT number).
    pub tax_registration: String,
    /// ISO 3166 code of the country whose local phone numbers the branch takes: `KE`.
    pub country: String,
}

impl Branch {
    /// Whether tax is worked out once on an invoice's subtotal (else per line).
    pub fn tax_per_invoice(&self) -> bool {
        self.tax_rounding == "per_invoice"
    }
    /// The opening hours as a typed value (standard hours if the stored JSON is unreadable).
    pub fn hours(&self) -> OpeningHours {
        hours_of(&self.opening_hours)
    }
}

/// Opening hours as stored (standard hours if the JSON is unreadable).
pub fn hours_of(stored: &serde_json::Value) -> OpeningHours {
    serde_json::from_value(stored.clone()).unwrap_or_else(|_| OpeningHours::standard())
}

/// Insert or update values for a branch.
#[derive(Debug, Clone, Insertable, AsChangeset)]
#[diesel(table_name = branches)]
pub struct BranchChanges {
    pub name: String,
    pub timezone: String,
    pub invoice_prefix: String,
    pub tax_rate: BigDecimal,
    pub tax_rounding: String,
    pub address: String,
    pub phone: String,
    pub opening_hours: serde_json::Value,
    pub active: bool,
    pub labour_rate: BigDecimal,
    pub labour_cost_rate: BigDecimal,
    pub currency: String,
    pub tax_registration: String,
    pub country: String,
}

impl From<&BranchInput> for BranchChanges {
    fn from(b: &BranchInput) -> Self {
        Self {
            name: b.name.clone(),
            timezone: b.timezone.clone(),
            invoice_prefix: b.invoice_prefix.clone(),
            tax_rate: b.tax_rate.clone(),
            tax_rounding: b.tax_rounding.clone(),
            address: b.address.clone(),
            phone: b.phone.clone(),
            opening_hours: serde_json::to_value(&b.opening_hours).unwrap_or_default(),
            active: b.active,
            labour_rate: b.labour_rate.clone(),
            labour_cost_rate: b.labour_cost_rate.clone(),
            currency: b.currency.clone(),
            tax_registration: b.tax_registration.clone(),
            country: b.country.clone(),
        }
    }
}
