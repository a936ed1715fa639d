//! Service profitability.

use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Date};

use super::SalesFilter;
use crate::repo::RepoError;

pub use crate::models::dashboard::ServiceRow;

/// Service profitability from the daily figures (as of their last refresh): revenue (the work
/// and the parts used for it) − parts cost − labour cost per service, from invoices issued in
/// the range (void ones left out), worst first. Parts count under the service they were used for
/// (the migration `parts_for_services` says how); goods sold at the counter are not parts.
pub fn service_profitability(
    conn: &mut PgConnection,
    f: &SalesFilter,
) -> Result<Vec<ServiceRow>, RepoError> {
    Ok(diesel::sql_query(
        "SELECT COALESCE(v.name, 'Labour (hourly)') AS name, COALESCE(v.category, 'Labour') AS category, \
                sum(d.sold)::numeric(14,2) AS sold, sum(d.revenue)::numeric(14,2) AS revenue, \
                sum(d.parts_revenue)::numeric(14,2) AS parts_revenue, \
                sum(d.parts_cost)::numeric(14,2) AS parts_cost, sum(d.hours)::numeric(14,2) AS hours, \
                sum(d.labour_cost)::numeric(14,2) AS labour_cost, \
                (sum(d.revenue) - sum(d.parts_cost) - sum(d.labour_cost))::numeric(14,2) AS profit \
         FROM dashboard_services_daily d LEFT JOIN services v ON v.id = NULLIF(d.service_key, 0) \
         WHERE d.branch_id = ANY($1) AND d.day >= $2 AND d.day <= $3 \
         GROUP BY 1, 2 ORDER BY 9, 1",
    )
    .bind::<Array<BigInt>, _>(&f.branches)
    .bind::<Date, _>(f.from_day)
    .bind::<Date, _>(f.to_day)
    .load(conn)?)
}
