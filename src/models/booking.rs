//! Services, bays and bookings.

use bigdecimal::BigDecimal;
use chrono::{DateTime, Utc};
use diesel::prelude::*;

use crate::domain::booking::BookingStatus;
use crate::schema::{bays, bookings, services};

/// A catalogue service.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = services, check_for_backend(diesel::pg::Pg))]
pub struct Service {
    pub id: i64,
    pub name: String,
    pub category: String,
    pub labour_hours: BigDecimal,
    pub price: BigDecimal,
    pub active: bool,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A bay (lift, bench, booth) of a branch.
#[derive(Debug, Clone, Queryable, Selectable, Identifiable)]
#[diesel(table_name = bays, check_for_backend(diesel::pg::Pg))]
pub struct Bay {
    pub id: i64,
    pub branch_id: i64,
    pub name: String,
    pub categories: Vec<Option<String>>,
    pub active: bool,
}

impl Bay {
    /// Whether the bay takes work of `category`: any, when it names no categories.
    pub fn takes(&self, category: &str) -> bool {
        let mut named = self.categories.iter().flatten().peekable();
        named.peek().is_none() || named.any(|c| c.eq_ignore_ascii_case(category))
    }
}

/// A booking of a bay.
#[derive(Debug, Clone, Queryable, QueryableByName, Selectable, Identifiable)]
#[diesel(table_name = bookings, check_for_backend(diesel::pg::Pg))]
pub struct Booking {
    pub id: i64,
    pub branch_id: i64,
    pub customer_id: i64,
    pub vehicle_id: Option<i64>,
    pub device_id: Option<i64>,
    pub bay_id: i64,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
    pub status: String,
    pub notes: String,
    pub cancel_reason: Option<String>,
    pub version: i32,
    pub created_by: Option<i64>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Booking {
    /// The typed status.
    pub fn status(&self) -> BookingStatus {
        self.status.parse().unwrap_or(BookingStatus::Cancelled)
    }
}
