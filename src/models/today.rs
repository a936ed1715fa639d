//! The Today page's rows, as `repo::today` reads them. Each list row carries `total`, the
//! number of rows the whole list has (the page shows the first few and links to the rest).

use bigdecimal::BigDecimal;
use chrono::{DateTime, NaiveDate, Utc};
use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Date, Int4, Nullable, Numeric, Text, Timestamptz};

/// A booking starting today.
#[derive(Debug, Clone, QueryableByName)]
pub struct Arrival {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Timestamptz)]
    pub starts_at: DateTime<Utc>,
    #[diesel(sql_type = Text)]
    pub status: String,
    #[diesel(sql_type = BigInt)]
    pub customer_id: i64,
    #[diesel(sql_type = Text)]
    pub customer: String,
    /// The vehicle or device booked in, as shown.
    #[diesel(sql_type = Nullable<Text>)]
    pub subject: Option<String>,
    #[diesel(sql_type = Text)]
    pub bay: String,
    /// The ticket its check-in opened.
    #[diesel(sql_type = Nullable<BigInt>)]
    pub ticket_id: Option<i64>,
    #[diesel(sql_type = BigInt)]
    pub total: i64,
}

impl Arrival {
    /// The booking's state.
    pub fn state(&self) -> crate::domain::booking::BookingStatus {
        self.status
            .parse()
            .unwrap_or(crate::domain::booking::BookingStatus::Requested)
    }
}

/// A ticket waiting at the counter: ready for pickup, or its estimate with the customer.
#[derive(Debug, Clone, QueryableByName)]
pub struct WaitingJob {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Int4)]
    pub number: i32,
    #[diesel(sql_type = Text)]
    pub customer: String,
    #[diesel(sql_type = Nullable<Text>)]
    pub subject: Option<String>,
    /// When the ticket last changed (it has been in this state since then at the latest).
    #[diesel(sql_type = Timestamptz)]
    pub since: DateTime<Utc>,
    /// Its live invoice, if any: id, number (a draft has none), status and balance.
    #[diesel(sql_type = Nullable<BigInt>)]
    pub invoice_id: Option<i64>,
    #[diesel(sql_type = Nullable<Text>)]
    pub invoice_number: Option<String>,
    #[diesel(sql_type = Nullable<Text>)]
    pub invoice_status: Option<String>,
    #[diesel(sql_type = Nullable<Numeric>)]
    pub balance: Option<BigDecimal>,
    #[diesel(sql_type = BigInt)]
    pub total: i64,
}

impl WaitingJob {
    /// Its invoice's status as people read it.
    pub fn invoice_state(&self) -> Option<String> {
        let s: crate::domain::invoice::InvoiceStatus =
            self.invoice_status.as_ref()?.parse().ok()?;
        Some(s.label())
    }
}

/// An issued invoice not yet paid in full.
#[derive(Debug, Clone, QueryableByName)]
pub struct UnpaidInvoice {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Text)]
    pub number: String,
    #[diesel(sql_type = Text)]
    pub customer: String,
    #[diesel(sql_type = Timestamptz)]
    pub issued_at: DateTime<Utc>,
    #[diesel(sql_type = Numeric)]
    pub balance: BigDecimal,
    #[diesel(sql_type = BigInt)]
    pub total: i64,
    /// What all of the list's invoices still owe.
    #[diesel(sql_type = Numeric)]
    pub owed: BigDecimal,
}

/// A preorder the counter must act on: its unit arrived, or the supplier is late.
#[derive(Debug, Clone, QueryableByName)]
pub struct DuePreorder {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Text)]
    pub customer: String,
    #[diesel(sql_type = Text)]
    pub item: String,
    #[diesel(sql_type = Text)]
    pub status: String,
    #[diesel(sql_type = Nullable<Date>)]
    pub sla_due_on: Option<NaiveDate>,
    #[diesel(sql_type = BigInt)]
    pub total: i64,
}

/// Live tickets in one status.
#[derive(Debug, Clone, QueryableByName)]
pub struct StatusCount {
    #[diesel(sql_type = Text)]
    pub status: String,
    #[diesel(sql_type = BigInt)]
    pub count: i64,
}

/// Money taken (payments and deposits, less refunds) today and on the same weekday last week.
#[derive(Debug, Clone, QueryableByName)]
pub struct Takings {
    /// Today so far.
    #[diesel(sql_type = Numeric)]
    pub today: BigDecimal,
    /// Last week's same day up to the same time of day.
    #[diesel(sql_type = Numeric)]
    pub last_week_so_far: BigDecimal,
    /// Last week's same day, all of it.
    #[diesel(sql_type = Numeric)]
    pub last_week_day: BigDecimal,
}

/// A stock item below its reorder threshold at the branch.
#[derive(Debug, Clone, QueryableByName)]
pub struct LowStock {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Text)]
    pub sku: String,
    #[diesel(sql_type = Text)]
    pub name: String,
    #[diesel(sql_type = Int4)]
    pub on_hand: i32,
    #[diesel(sql_type = Int4)]
    pub threshold: i32,
    #[diesel(sql_type = BigInt)]
    pub total: i64,
}

/// Finished time entries at the branch that no one has approved yet.
#[derive(Debug, Clone, QueryableByName)]
pub struct TimeWaiting {
    #[diesel(sql_type = BigInt)]
    pub entries: i64,
    #[diesel(sql_type = Numeric)]
    pub hours: BigDecimal,
    /// When the oldest of them ended.
    #[diesel(sql_type = Nullable<Timestamptz>)]
    pub oldest: Option<DateTime<Utc>>,
}
