//! The branches side by side.

use chrono::{DateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Date, Text};

use super::SalesFilter;
use crate::domain::preorder::PreorderStatus;
use crate::repo::RepoError;

pub use crate::models::dashboard::BranchRow;

/// The same figures for every branch in the filter, by name: sales, tickets and labour from the
/// daily figures (as of their last refresh), stock and preorders as they are at `now` (overdue on
/// each branch's own date).
pub fn branch_benchmarks(
    conn: &mut PgConnection,
    f: &SalesFilter,
    now: DateTime<Utc>,
) -> Result<Vec<BranchRow>, RepoError> {
    Ok(diesel::sql_query(
        "WITH s AS ( \
           SELECT branch_id, sum(invoiced) - sum(credited) AS revenue, sum(transactions) AS n, sum(goods_cost) AS goods \
           FROM dashboard_sales_daily WHERE branch_id = ANY($1) AND day >= $2 AND day <= $3 GROUP BY 1), \
         t AS ( \
           SELECT branch_id, sum(closed) AS closed, sum(turnaround_hours) / NULLIF(sum(closed), 0) AS turnaround, \
                  sum(comebacks) AS comebacks, sum(clocked) AS hours \
           FROM dashboard_technicians_daily WHERE branch_id = ANY($1) AND day >= $2 AND day <= $3 GROUP BY 1), \
         u AS ( \
           SELECT branch_id, sum(landed_cost) AS value FROM assets \
           WHERE branch_id = ANY($1) AND status NOT IN ('sold', 'scrapped') GROUP BY 1), \
         bulk AS ( \
           SELECT l.branch_id, sum(l.on_hand * i.unit_cost) AS value FROM stock_levels l JOIN stock_items i ON i.id = l.stock_item_id \
           WHERE l.branch_id = ANY($1) GROUP BY 1), \
         p AS ( \
           SELECT p.branch_id, count(*) AS overdue FROM preorders p JOIN branches pb ON pb.id = p.branch_id \
           WHERE p.branch_id = ANY($1) AND p.status = ANY($5) \
             AND p.sla_due_on < ($4 AT TIME ZONE pb.timezone)::date GROUP BY 1) \
         SELECT b.id, b.name, COALESCE(s.revenue, 0)::numeric(14,2) AS revenue, COALESCE(s.n, 0)::bigint AS transactions, \
                COALESCE(t.closed, 0)::bigint AS closed, COALESCE(t.turnaround, 0)::numeric(10,1) AS turnaround_hours, \
                COALESCE(t.comebacks, 0)::bigint AS comebacks, COALESCE(s.goods, 0)::numeric(14,2) AS goods_cost, \
                (COALESCE(t.hours, 0) * b.labour_cost_rate)::numeric(14,2) AS labour_cost, \
                (COALESCE(u.value, 0) + COALESCE(bulk.value, 0))::numeric(14,2) AS stock_value, \
                COALESCE(p.overdue, 0)::bigint AS overdue_preorders \
         FROM branches b LEFT JOIN s ON s.branch_id = b.id LEFT JOIN t ON t.branch_id = b.id \
           LEFT JOIN u ON u.branch_id = b.id LEFT JOIN bulk ON bulk.branch_id = b.id LEFT JOIN p ON p.branch_id = b.id \
         WHERE b.id = ANY($1) ORDER BY b.name, b.id",
    )
    .bind::<Array<BigInt>, _>(&f.branches)
    .bind::<Date, _>(f.from_day)
    .bind::<Date, _>(f.to_day)
    .bind::<diesel::sql_types::Timestamptz, _>(now)
    .bind::<Array<Text>, _>(crate::domain::names(PreorderStatus::ON_ORDER, PreorderStatus::as_str))
    .load(conn)?)
}
