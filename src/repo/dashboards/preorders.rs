//! Preorders by status and the overdue ones.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Text};

use crate::domain::preorder::PreorderStatus;
use crate::repo::RepoError;

pub use crate::models::dashboard::{OverduePreorder, PreorderCount};

/// Counts and deposits per status at the branches.
pub fn preorder_counts(
    conn: &mut PgConnection,
    branches: &[i64],
) -> Result<Vec<PreorderCount>, RepoError> {
    Ok(diesel::sql_query(
        "SELECT status, count(*)::bigint AS count, sum(deposit_paid)::numeric(14,2) AS deposits \
         FROM preorders WHERE branch_id = ANY($1) GROUP BY status ORDER BY status",
    )
    .bind::<Array<BigInt>, _>(branches)
    .load(conn)?)
}

/// Open preorders past their SLA date at `now`, on each branch's own date, most overdue first (at
/// most 200).
pub fn overdue_preorders(
    conn: &mut PgConnection,
    branches: &[i64],
    now: DateTime<Utc>,
) -> Result<Vec<OverduePreorder>, RepoError> {
    Ok(diesel::sql_query(
        "SELECT p.id, c.name AS customer, m.brand || ' ' || m.model AS item, p.sla_due_on AS due, \
                (($2 AT TIME ZONE b.timezone)::date - p.sla_due_on)::bigint AS days_over, p.deposit_paid AS deposit \
         FROM preorders p JOIN branches b ON b.id = p.branch_id \
           JOIN customers c ON c.id = p.customer_id JOIN product_models m ON m.id = p.product_model_id \
         WHERE p.branch_id = ANY($1) AND p.status = ANY($3) \
           AND p.sla_due_on < ($2 AT TIME ZONE b.timezone)::date \
         ORDER BY p.sla_due_on, p.id LIMIT 200",
    )
    .bind::<Array<BigInt>, _>(branches)
    .bind::<diesel::sql_types::Timestamptz, _>(now)
    .bind::<Array<Text>, _>(crate::domain::names(PreorderStatus::ON_ORDER, PreorderStatus::as_str))
    .load(conn)?)
}
