//! Sales by period, by payment method and by segment.

use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Date, Text};

use super::SalesFilter;
use crate::repo::RepoError;

pub use crate::models::dashboard::{MethodRow, SalesPeriod, SegmentRow};

/// Revenue and transactions per period, from the daily figures (as of their last refresh).
pub fn sales_by_period(
    conn: &mut PgConnection,
    f: &SalesFilter,
) -> Result<Vec<SalesPeriod>, RepoError> {
    Ok(diesel::sql_query(
        "SELECT CASE $1 WHEN 'quarter' THEN to_char(date_trunc($1, day::timestamp), 'YYYY \"Q\"Q') \
                        WHEN 'year' THEN to_char(date_trunc($1, day::timestamp), 'YYYY') \
                        ELSE to_char(date_trunc($1, day::timestamp), 'YYYY-MM-DD') END AS period, \
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

/// Revenue and transactions over the whole range, from the daily figures.
pub fn sales_totals(
    conn: &mut PgConnection,
    f: &SalesFilter,
) -> Result<(bigdecimal::BigDecimal, i64), RepoError> {
    #[derive(QueryableByName)]
    struct Totals {
        #[diesel(sql_type = diesel::sql_types::Numeric)]
        revenue: bigdecimal::BigDecimal,
        #[diesel(sql_type = BigInt)]
        transactions: i64,
    }
    let t: Totals = diesel::sql_query(
        "SELECT COALESCE(sum(invoiced) - sum(credited), 0)::numeric(14,2) AS revenue, \
                COALESCE(sum(transactions), 0)::bigint AS transactions \
         FROM dashboard_sales_daily WHERE branch_id = ANY($1) AND day >= $2 AND day <= $3",
    )
    .bind::<Array<BigInt>, _>(&f.branches)
    .bind::<Date, _>(f.from_day)
    .bind::<Date, _>(f.to_day)
    .get_result(conn)?;
    Ok((t.revenue, t.transactions))
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
