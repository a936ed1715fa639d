//! Technicians' clocked and billed hours, tickets closed, turnaround and comebacks.

use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Date};

use super::SalesFilter;
use crate::repo::RepoError;

pub use crate::models::dashboard::TechRow;

/// Technician performance at the branches, from the daily figures (as of their last refresh).
pub fn technicians(conn: &mut PgConnection, f: &SalesFilter) -> Result<Vec<TechRow>, RepoError> {
    Ok(diesel::sql_query(
        "SELECT s.id, s.full_name AS name, sum(d.closed)::bigint AS closed, \
                COALESCE(sum(d.turnaround_hours) / NULLIF(sum(d.closed), 0), 0)::numeric(10,1) AS turnaround_hours, \
                sum(d.comebacks)::bigint AS comebacks, sum(d.clocked)::numeric(10,2) AS clocked, \
                sum(d.billed)::numeric(10,2) AS billed \
         FROM dashboard_technicians_daily d JOIN staff_users s ON s.id = d.technician_id \
         WHERE d.branch_id = ANY($1) AND d.day >= $2 AND d.day <= $3 \
         GROUP BY s.id, s.full_name HAVING sum(d.closed) > 0 OR sum(d.clocked) > 0 ORDER BY 3 DESC, s.full_name",
    )
    .bind::<Array<BigInt>, _>(&f.branches)
    .bind::<Date, _>(f.from_day)
    .bind::<Date, _>(f.to_day)
    .load(conn)?)
}
