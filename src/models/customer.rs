//! Customers, their contacts, vehicles and devices.

use chrono::{DateTime, Utc};
use diesel::prelude::*;

use crate::schema::{customers, devices, vehicles};

/// A customer (person or business).
#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = customers, check_for_backend(diesel::pg::Pg))]
pub struct Customer {
    pub id: i64,
    pub kind: String,
    pub segment: String,
    pub name: String,
    pub phone: String,
    pub phone_digits: Option<String>,
    pub email: String,
    pub address: String,
    pub lead_source_id: Option<i64>,
    pub marketing_consent: bool,
    pub marketing_consent_at: Option<DateTime<Utc>>,
    pub notes: String,
    pub created_branch_id: i64,
    pub archived_at: Option<DateTime<Utc>>,
    pub erased_at: Option<DateTime<Utc>>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The customer this duplicate was merged into.
    pub merged_into: Option<i64>,
    /// How messages reach them: `email` or `sms` (the other when they lack that contact).
    pub preferred_channel: String,
}

/// Insert values for a customer.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = customers)]
pub struct NewCustomer {
    pub kind: String,
    pub segment: String,
    pub name: String,
    pub phone: String,
    pub email: String,
    pub address: String,
    pub lead_source_id: Option<i64>,
    pub marketing_consent: bool,
    pub marketing_consent_at: Option<DateTime<Utc>>,
    pub notes: String,
    pub created_branch_id: i64,
}

/// A vehicle.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = vehicles, check_for_backend(diesel::pg::Pg))]
pub struct Vehicle {
    pub id: i64,
    pub customer_id: i64,
    pub vin: Option<String>,
    pub plate: String,
    pub make: String,
    pub model: String,
    pub year: Option<i32>,
    pub mileage: Option<i32>,
    pub created_at: DateTime<Utc>,
}

impl Vehicle {
    /// "KDA123B · Toyota Corolla 2015".
    pub fn label(&self) -> String {
        let mut parts = vec![
            self.plate.clone(),
            format!("{} {}", self.make, self.model).trim().to_string(),
        ];
        if let Some(y) = self.year {
            parts.push(y.to_string());
        }
        parts.retain(|p| !p.is_empty());
        parts.join(" · ")
    }
}

/// Insert values for a vehicle.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = vehicles)]
pub struct NewVehicle {
    pub customer_id: i64,
    pub vin: Option<String>,
    pub plate: String,
    pub make: String,
    pub model: String,
    pub year: Option<i32>,
    pub mileage: Option<i32>,
}

/// A customer's device (phone, laptop…).
#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = devices, check_for_backend(diesel::pg::Pg))]
pub struct Device {
    pub id: i64,
    pub customer_id: i64,
    pub kind: String,
    pub brand: String,
    pub model: String,
    pub serial: String,
    pub created_at: DateTime<Utc>,
}

/// A contact person of a business customer.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = crate::schema::customer_contacts, check_for_backend(diesel::pg::Pg))]
pub struct Contact {
    pub id: i64,
    pub customer_id: i64,
    pub name: String,
    pub position: String,
    pub phone: String,
    pub email: String,
}

impl Device {
    /// "Phone · Samsung A52 · SN123".
    pub fn label(&self) -> String {
        let mut parts = vec![
            self.kind.clone(),
            format!("{} {}", self.brand, self.model).trim().to_string(),
            self.serial.clone(),
        ];
        parts.retain(|p| !p.is_empty());
        parts.join(" · ")
    }
}

impl Customer {
    /// The phone number as people read it (`+254 722 444 555`).
    pub fn phone_shown(&self) -> String {
        crate::domain::phone::show(&self.phone)
    }
}

/// One thing in a customer's history, as `repo::customers::history` reads it.
#[derive(Debug, Clone, diesel::QueryableByName)]
pub struct HistoryRow {
    /// `booking`, `ticket`, `invoice`, `payment`, `warranty` or `preorder`.
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub kind: String,
    /// The id of what the row links to (a payment links to its invoice).
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub id: i64,
    #[diesel(sql_type = diesel::sql_types::Timestamptz)]
    pub at: chrono::DateTime<chrono::Utc>,
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub branch: String,
    /// "Ticket #12", "Invoice WL-000123", "Cash payment on WL-000123".
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub title: String,
    /// The stored status (a payment: its method).
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub status: String,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Numeric>)]
    pub amount: Option<bigdecimal::BigDecimal>,
    /// A line of detail: the problem reported, the booking's notes, the warranty's end.
    #[diesel(sql_type = diesel::sql_types::Text)]
    pub detail: String,
    /// How many rows the whole history (of the kinds asked for) has.
    #[diesel(sql_type = diesel::sql_types::BigInt)]
    pub total: i64,
}

impl HistoryRow {
    /// Where the row leads.
    pub fn link(&self) -> String {
        match self.kind.as_str() {
            "booking" => format!("/bookings/{}", self.id),
            "ticket" => format!("/tickets/{}", self.id),
            "invoice" | "payment" => format!("/invoices/{}", self.id),
            "warranty" => format!("/warranties/{}", self.id),
            _ => format!("/preorders/{}", self.id),
        }
    }
}
