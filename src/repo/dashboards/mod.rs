//! Dashboard figures. Sales, service profitability and technician performance are summed from
//! materialized daily figures per branch (`dashboard_*_daily`, refreshed concurrently by
//! [`refresh`]), the last twelve months' customer ranking is read from one more view
//! ([`top_customers_year`]), and a date range's customer ranking is summed in memory from a
//! snapshot of customers' sales ([`revenue_ledger`], [`top_customers_in`]); the rest are live
//! queries that indexes keep to the range asked.
//! Sales: revenue is net of tax, from issued invoices (void ones left out), less the credit
//! notes raised in the period; transactions are invoices issued; periods are days, weeks or
//! months in the branch's timezone.

mod branches;
mod customers;
mod inventory;
mod lead_sources;
mod preorders;
mod sales;
mod services;
mod technicians;

pub use branches::*;
pub use customers::*;
pub use inventory::*;
pub use lead_sources::*;
pub use preorders::*;
pub use sales::*;
pub use services::*;
pub use technicians::*;

use chrono::{DateTime, NaiveDate, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Bool, Timestamptz};

use super::RepoError;

/// How sales are grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bucket {
    /// Per day.
    Day,
    /// Per ISO week (starting Monday).
    Week,
    /// Per month.
    Month,
    /// Per calendar quarter.
    Quarter,
    /// Per calendar year.
    Year,
}

impl Bucket {
    /// From the query string (`day`, `week`, `month`).
    pub fn parse(s: &str) -> Option<Bucket> {
        match s {
            "day" => Some(Bucket::Day),
            "week" => Some(Bucket::Week),
            "month" => Some(Bucket::Month),
            "quarter" => Some(Bucket::Quarter),
            "year" => Some(Bucket::Year),
            _ => None,
        }
    }
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Bucket::Day => "day",
            Bucket::Week => "week",
            Bucket::Month => "month",
            Bucket::Quarter => "quarter",
            Bucket::Year => "year",
        }
    }
}

impl SalesFilter {
    /// Days the range covers.
    pub fn days(&self) -> i64 {
        (self.to_day - self.from_day).num_days() + 1
    }
    /// The period of the same length just before this one (for the change against it).
    pub fn previous(&self) -> SalesFilter {
        let len = chrono::Duration::days(self.days());
        SalesFilter {
            from: self.from - len,
            to: self.from,
            from_day: self.from_day - len,
            to_day: self.from_day - chrono::Duration::days(1),
            ..self.clone()
        }
    }
}

/// What a sales query covers.
#[derive(Debug, Clone)]
pub struct SalesFilter {
    /// Branches included.
    pub branches: Vec<i64>,
    /// From (inclusive).
    pub from: DateTime<Utc>,
    /// To (exclusive).
    pub to: DateTime<Utc>,
    pub bucket: Bucket,
    /// Timezone the periods are cut in.
    pub tz: String,
    /// First day (inclusive), in each branch's own calendar for the daily figures.
    pub from_day: NaiveDate,
    /// Last day (inclusive).
    pub to_day: NaiveDate,
    /// The moment the figures are for: what is overdue is counted then, on each branch's date.
    pub now: DateTime<Utc>,
}

#[derive(QueryableByName)]
struct AsOf {
    #[diesel(sql_type = Timestamptz)]
    refreshed_at: DateTime<Utc>,
}

/// When the daily sales figures were last refreshed.
pub fn sales_as_of(conn: &mut PgConnection) -> Result<DateTime<Utc>, RepoError> {
    let row: AsOf = diesel::sql_query(
        "SELECT refreshed_at FROM dashboard_refreshes WHERE view_name = 'dashboard_sales_daily'",
    )
    .get_result(conn)?;
    Ok(row.refreshed_at)
}

#[derive(QueryableByName)]
struct Refreshed {
    #[diesel(sql_type = Bool)]
    refreshed: bool,
}

/// Refreshes the materialized dashboard figures without blocking their readers; false when
/// another refresh was already running (it will carry the same data).
pub fn refresh(conn: &mut PgConnection) -> Result<bool, RepoError> {
    // A refresh at scale takes tens of seconds: exempt it (this transaction only) from the
    // ceiling the application role puts on requests.
    diesel::sql_query("SET LOCAL statement_timeout = 0").execute(conn)?;
    let row: Refreshed =
        diesel::sql_query("SELECT refresh_dashboards() AS refreshed").get_result(conn)?;
    Ok(row.refreshed)
}
