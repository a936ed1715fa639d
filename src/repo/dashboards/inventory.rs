//! Stock value, low stock and aging.

use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Date};

use super::SalesFilter;
use crate::repo::RepoError;

pub use crate::models::dashboard::{AgeBucket, StockFigures};

/// The inventory headline figures.
pub fn stock_figures(conn: &mut PgConnection, f: &SalesFilter) -> Result<StockFigures, RepoError> {
    Ok(diesel::sql_query(
        "SELECT \
           u.units, u.units_value, \
           (SELECT COALESCE(sum(l.on_hand * i.unit_cost), 0) FROM stock_levels l JOIN stock_items i ON i.id = l.stock_item_id \
              WHERE l.branch_id = ANY($1))::numeric(14,2) AS bulk_value, \
           (SELECT count(*) FROM stock_items i CROSS JOIN unnest($1::bigint[]) AS b(id) \
              LEFT JOIN stock_levels l ON l.stock_item_id = i.id AND l.branch_id = b.id \
              WHERE i.active AND COALESCE(l.on_hand, 0) < i.reorder_threshold)::bigint AS low, \
           (SELECT COALESCE(sum(goods_cost), 0) FROM dashboard_sales_daily \
              WHERE branch_id = ANY($1) AND day >= $2 AND day <= $3)::numeric(14,2) AS sold_at_cost \
         FROM (SELECT count(*)::bigint AS units, COALESCE(sum(landed_cost), 0)::numeric(14,2) AS units_value \
               FROM assets WHERE branch_id = ANY($1) AND status NOT IN ('sold', 'scrapped')) u",
    )
    .bind::<Array<BigInt>, _>(&f.branches)
    .bind::<Date, _>(f.from_day)
    .bind::<Date, _>(f.to_day)
    .get_result(conn)?)
}

/// Unsold units at the branches by age since they were received: every bucket, in order, even
/// an empty one. A unit is in `0–30` until 30 whole days (of 24 hours) have passed, and so on;
/// each bucket is one range read of the index of unsold units by branch and time received.
/// The inventory dashboard reads it for its branches, the stock screen for the active one.
pub fn aging(conn: &mut PgConnection, branches: &[i64]) -> Result<Vec<AgeBucket>, RepoError> {
    // The outer buckets reach a million days (about 2,700 years) into the future and the past.
    Ok(diesel::sql_query(
        "SELECT b.bucket, x.units, x.value \
         FROM (VALUES (1, '0–30', -1000000, 30), (2, '30–60', 30, 60), (3, '60–90', 60, 90), \
                      (4, '90+', 90, 1000000)) b(ord, bucket, newest, oldest) \
         CROSS JOIN LATERAL ( \
           SELECT count(*)::bigint AS units, COALESCE(sum(a.landed_cost), 0)::numeric(14,2) AS value \
           FROM assets a WHERE a.branch_id = ANY($1) AND a.status NOT IN ('sold', 'scrapped') \
             AND a.received_at <= now() - make_interval(hours => 24 * b.newest) \
             AND a.received_at > now() - make_interval(hours => 24 * b.oldest)) x \
         ORDER BY b.ord",
    )
    .bind::<Array<BigInt>, _>(branches)
    .load(conn)?)
}
