//! Sales by period, by payment method and by segment.

use bigdecimal::BigDecimal;
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Date, Numeric, Text};

use super::SalesFilter;
use crate::repo::RepoError;

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

/// Revenue and transactions per period, from the daily figures (as of their last refresh).
pub fn sales_by_period(
    conn: &mut PgConnection,
    f: &SalesFilter,
) -> Result<Vec<SalesPeriod>, RepoError> {
    Ok(diesel::sql_query(
        "SELECT to_char(date_trunc($1, day::timestamp), 'YYYY-MM-DD') AS period, \
                (sum(invoiced) - sum(credited))::numeric(14,2) AS revenue, sum(transactions)::bigint AS transactions \
         FROM dashboard_sales_daily WHERE branch_id = ANY($2) AND day >= $3 AND day <= $4 \
         GROUP BY 1 ORDER BY 1",
    )
    .bind::<Text, _>(f.bucket.as_str())
    .bind::<Array<BigInt>, _>(&f.branches)
    .bind::<Date, _>(f.from_day)
    .bind::<Date, _>(f.to_day)
    .load(conn)?)
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

/// Taken and refunded per method, from the daily figures (as of their last refresh).
pub fn by_method(conn: &mut PgConnection, f: &SalesFilter) -> Result<Vec<MethodRow>, RepoError> {
    Ok(diesel::sql_query(
        "SELECT method, sum(taken)::numeric(14,2) AS taken, sum(refunded)::numeric(14,2) AS refunded \
         FROM dashboard_payments_daily WHERE branch_id = ANY($1) AND day >= $2 AND day <= $3 \
         GROUP BY method ORDER BY sum(taken) DESC, method",
    )
    .bind::<Array<BigInt>, _>(&f.branches)
    .bind::<Date, _>(f.from_day)
    .bind::<Date, _>(f.to_day)
    .load(conn)?)
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
    /// Invoices.
    #[diesel(sql_type = BigInt)]
    pub transactions: i64,
}

/// Retail against wholesale, from the daily figures.
pub fn by_segment(conn: &mut PgConnection, f: &SalesFilter) -> Result<Vec<SegmentRow>, RepoError> {
    Ok(diesel::sql_query(
        "SELECT segment, sum(invoiced)::numeric(14,2) AS revenue, sum(transactions)::bigint AS transactions \
         FROM dashboard_sales_daily WHERE branch_id = ANY($1) AND day >= $2 AND day <= $3 \
         GROUP BY 1 HAVING sum(transactions) > 0 ORDER BY 1",
    )
    .bind::<Array<BigInt>, _>(&f.branches)
    .bind::<Date, _>(f.from_day)
    .bind::<Date, _>(f.to_day)
    .load(conn)?)
}
