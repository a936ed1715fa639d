//! The dashboards' rows, as their queries return them (`repo::dashboards` runs the queries).

use bigdecimal::BigDecimal;
use chrono::{DateTime, Utc};
use diesel::QueryableByName;
use diesel::sql_types::{BigInt, Numeric, Text, Timestamptz};

/// One technician's figures in the range.
#[derive(Debug, Clone, QueryableByName, PartialEq)]
pub struct TechRow {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Text)]
    pub name: String,
    /// Tickets assigned to them and closed in the range.
    #[diesel(sql_type = BigInt)]
    pub closed: i64,
    /// Average hours from opening to closing of those.
    #[diesel(sql_type = Numeric)]
    pub turnaround_hours: BigDecimal,
    /// Of those, how many came back: a new ticket for the same vehicle or device within 30
    /// days of closing.
    #[diesel(sql_type = BigInt)]
    pub comebacks: i64,
    /// Hours clocked (entries ended in the range).
    #[diesel(sql_type = Numeric)]
    pub clocked: BigDecimal,
    /// Of those, hours billed (approved, billable, on an invoice).
    #[diesel(sql_type = Numeric)]
    pub billed: BigDecimal,
}

/// Stock now, at cost, and what was sold at cost in the range.
#[derive(Debug, Clone, QueryableByName, PartialEq)]
pub struct StockFigures {
    /// Unsold units (not sold or scrapped).
    #[diesel(sql_type = BigInt)]
    pub units: i64,
    /// Their landed cost.
    #[diesel(sql_type = Numeric)]
    pub units_value: BigDecimal,
    /// Bulk stock on hand at each item's unit cost.
    #[diesel(sql_type = Numeric)]
    pub bulk_value: BigDecimal,
    /// Stock items below their reorder threshold (per branch).
    #[diesel(sql_type = BigInt)]
    pub low: i64,
    /// Cost of what invoices issued in the range sold, less refunded quantities.
    #[diesel(sql_type = Numeric)]
    pub sold_at_cost: BigDecimal,
}

/// Unsold units by age since they were received.
#[derive(Debug, Clone, QueryableByName, PartialEq)]
pub struct AgeBucket {
    /// `0–30`, `30–60`, `60–90`, `90+` days.
    #[diesel(sql_type = Text)]
    pub bucket: String,
    #[diesel(sql_type = BigInt)]
    pub units: i64,
    /// Their landed cost.
    #[diesel(sql_type = Numeric)]
    pub value: BigDecimal,
}

/// One catalogue service (or billed labour) in the range.
#[derive(Debug, Clone, QueryableByName, PartialEq)]
pub struct ServiceRow {
    /// Service name (`Labour (hourly)` for labour lines).
    #[diesel(sql_type = Text)]
    pub name: String,
    /// Its category.
    #[diesel(sql_type = Text)]
    pub category: String,
    /// Times sold (less refunded).
    #[diesel(sql_type = Numeric)]
    pub sold: BigDecimal,
    /// Net revenue of the work and the parts used for it, after discounts, less refunded
    /// quantities.
    #[diesel(sql_type = Numeric)]
    pub revenue: BigDecimal,
    /// Of the revenue, the parts used for it.
    #[diesel(sql_type = Numeric)]
    pub parts_revenue: BigDecimal,
    /// The parts used for it, at cost.
    #[diesel(sql_type = Numeric)]
    pub parts_cost: BigDecimal,
    /// Hours: the time clocked on the invoice's ticket, shared likewise; the catalogue's
    /// standard hours when none was clocked.
    #[diesel(sql_type = Numeric)]
    pub hours: BigDecimal,
    /// Hours at the branch's labour cost rate.
    #[diesel(sql_type = Numeric)]
    pub labour_cost: BigDecimal,
    /// Revenue − parts cost − labour cost.
    #[diesel(sql_type = Numeric)]
    pub profit: BigDecimal,
}

/// Preorders now: counts by status, deposits held, the overdue ones.
#[derive(Debug, Clone, QueryableByName, PartialEq)]
pub struct PreorderCount {
    #[diesel(sql_type = Text)]
    pub status: String,
    /// How many.
    #[diesel(sql_type = BigInt)]
    pub count: i64,
    /// Deposits on them.
    #[diesel(sql_type = Numeric)]
    pub deposits: BigDecimal,
}

/// An overdue preorder.
#[derive(Debug, Clone, QueryableByName, PartialEq)]
pub struct OverduePreorder {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Text)]
    pub customer: String,
    /// Brand and model.
    #[diesel(sql_type = Text)]
    pub item: String,
    /// SLA date.
    #[diesel(sql_type = diesel::sql_types::Date)]
    pub due: chrono::NaiveDate,
    /// Days past it.
    #[diesel(sql_type = BigInt)]
    pub days_over: i64,
    /// Deposit held.
    #[diesel(sql_type = Numeric)]
    pub deposit: BigDecimal,
}

/// One period.
#[derive(Debug, Clone, QueryableByName, PartialEq)]
pub struct SalesPeriod {
    /// First day of the period (YYYY-MM-DD).
    #[diesel(sql_type = Text)]
    pub period: String,
    /// Revenue, net of tax, less credit notes.
    #[diesel(sql_type = Numeric)]
    pub revenue: BigDecimal,
    /// Invoices issued.
    #[diesel(sql_type = BigInt)]
    pub transactions: i64,
}

/// Money by payment method in the period: taken (payments, and deposits when taken) and
/// refunded.
#[derive(Debug, Clone, QueryableByName, PartialEq)]
pub struct MethodRow {
    /// Method (stored name).
    #[diesel(sql_type = Text)]
    pub method: String,
    /// Money taken.
    #[diesel(sql_type = Numeric)]
    pub taken: BigDecimal,
    /// Money refunded.
    #[diesel(sql_type = Numeric)]
    pub refunded: BigDecimal,
}

/// Revenue by customer segment (walk-ins count as retail), before credit notes.
#[derive(Debug, Clone, QueryableByName, PartialEq)]
pub struct SegmentRow {
    /// `retail` or `wholesale`.
    #[diesel(sql_type = Text)]
    pub segment: String,
    /// Net revenue.
    #[diesel(sql_type = Numeric)]
    pub revenue: BigDecimal,
    /// How many invoices.
    #[diesel(sql_type = BigInt)]
    pub transactions: i64,
}

/// One branch's figures side by side with the others'.
#[derive(Debug, Clone, QueryableByName, PartialEq)]
pub struct BranchRow {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Text)]
    pub name: String,
    /// Net revenue less credit notes (from the daily figures).
    #[diesel(sql_type = Numeric)]
    pub revenue: BigDecimal,
    /// Invoices issued.
    #[diesel(sql_type = BigInt)]
    pub transactions: i64,
    /// Tickets closed.
    #[diesel(sql_type = BigInt)]
    pub closed: i64,
    /// Average hours from opening to closing.
    #[diesel(sql_type = Numeric)]
    pub turnaround_hours: BigDecimal,
    /// Closed tickets followed by another for the same vehicle or device within 30 days.
    #[diesel(sql_type = BigInt)]
    pub comebacks: i64,
    /// Goods sold at cost, less refunded quantities.
    #[diesel(sql_type = Numeric)]
    pub goods_cost: BigDecimal,
    /// Hours clocked at the branch's labour cost rate.
    #[diesel(sql_type = Numeric)]
    pub labour_cost: BigDecimal,
    /// Unsold units and bulk stock at cost now.
    #[diesel(sql_type = Numeric)]
    pub stock_value: BigDecimal,
    /// Open preorders past their SLA date.
    #[diesel(sql_type = BigInt)]
    pub overdue_preorders: i64,
}

/// A customer among the top fifth by revenue.
#[derive(Debug, Clone, QueryableByName, PartialEq)]
pub struct TopCustomer {
    #[diesel(sql_type = BigInt)]
    pub customer_id: i64,
    #[diesel(sql_type = Text)]
    pub name: String,
    /// Net revenue in the range (less credit notes), in whole cents.
    #[diesel(sql_type = BigInt)]
    pub cents: i64,
    /// Their last invoice at these branches (any time).
    #[diesel(sql_type = Timestamptz)]
    pub last_visit: DateTime<Utc>,
    /// 1 for the best customer.
    #[diesel(sql_type = BigInt)]
    pub rank: i64,
    /// Customers with revenue in the range.
    #[diesel(sql_type = BigInt)]
    pub customers: i64,
    /// All customers' revenue in the range.
    #[diesel(sql_type = Numeric)]
    pub total: BigDecimal,
    /// Customers in the top 20%.
    #[diesel(sql_type = BigInt)]
    pub top_count: i64,
    /// The top 20%'s revenue.
    #[diesel(sql_type = Numeric)]
    pub top_revenue: BigDecimal,
}

impl TopCustomer {
    /// Net revenue in the range (less credit notes).
    pub fn revenue(&self) -> BigDecimal {
        BigDecimal::new(self.cents.into(), 2)
    }
}
