//! Reading orders: one with its lines, the list, what may still be received.

use super::OrderRow;
use bigdecimal::BigDecimal;
use diesel::prelude::*;

use super::{Goods, number};
use crate::domain::names;
use crate::domain::purchase_order::PoStatus;
use crate::repo::RepoError;
use crate::schema::{product_models, purchase_order_lines, purchase_orders, stock_items, vendors};

pub use crate::models::purchase_order::LineView;

/// One order of the branch.
pub fn get(conn: &mut PgConnection, branch_id: i64, po: i64) -> Result<OrderRow, RepoError> {
    Ok(purchase_orders::table
        .inner_join(vendors::table)
        .filter(purchase_orders::id.eq(po))
        .filter(purchase_orders::branch_id.eq(branch_id))
        .select(row_columns())
        .first(conn)?)
}

type RowColumns = (
    purchase_orders::id,
    purchase_orders::status,
    vendors::name,
    purchase_orders::vendor_id,
    purchase_orders::vendor_reference,
    purchase_orders::expected_on,
    purchase_orders::note,
    purchase_orders::created_at,
);

fn row_columns() -> RowColumns {
    (
        purchase_orders::id,
        purchase_orders::status,
        vendors::name,
        purchase_orders::vendor_id,
        purchase_orders::vendor_reference,
        purchase_orders::expected_on,
        purchase_orders::note,
        purchase_orders::created_at,
    )
}

type RawLine = (
    i64,
    Option<i64>,
    Option<i64>,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    i32,
    i32,
    BigDecimal,
);

/// The order's lines, in the order they were added.
pub fn lines(conn: &mut PgConnection, po: i64) -> Result<Vec<LineView>, RepoError> {
    let rows: Vec<RawLine> = purchase_order_lines::table
        .left_join(product_models::table)
        .left_join(stock_items::table)
        .filter(purchase_order_lines::purchase_order_id.eq(po))
        .select((
            purchase_order_lines::id,
            purchase_order_lines::product_model_id,
            purchase_order_lines::stock_item_id,
            product_models::brand.nullable(),
            product_models::model.nullable(),
            stock_items::sku.nullable(),
            stock_items::name.nullable(),
            purchase_order_lines::quantity,
            purchase_order_lines::received,
            purchase_order_lines::unit_cost,
        ))
        .order(purchase_order_lines::id)
        .load(conn)?;
    rows.into_iter()
        .map(
            |(id, model, item, brand, mname, sku, iname, quantity, received, unit_cost)| {
                let (goods, what) = match (model, item) {
                    (Some(m), _) => (
                        Goods::Model(m),
                        format!(
                            "{} {}",
                            brand.unwrap_or_default(),
                            mname.unwrap_or_default()
                        ),
                    ),
                    (None, Some(i)) => (
                        Goods::Item(i),
                        format!(
                            "{} — {}",
                            sku.unwrap_or_default(),
                            iname.unwrap_or_default()
                        ),
                    ),
                    (None, None) => {
                        return Err(RepoError::Internal(anyhow::anyhow!(
                            "malformed PO line {id}"
                        )));
                    }
                };
                Ok(LineView {
                    id,
                    goods,
                    what,
                    quantity,
                    received,
                    unit_cost,
                })
            },
        )
        .collect()
}

/// The branch's orders, newest first, by status and by number, vendor or vendor reference; one
/// page and the total.
pub fn list(
    conn: &mut PgConnection,
    branch_id: i64,
    status: Option<PoStatus>,
    q: &str,
    offset: i64,
    limit: i64,
) -> Result<(Vec<OrderRow>, i64), RepoError> {
    let q = q.trim();
    let number = q
        .trim_start_matches(['P', 'p', 'O', 'o', '-'])
        .parse::<i64>()
        .ok();
    let filtered = || {
        let mut query = purchase_orders::table
            .inner_join(vendors::table)
            .filter(purchase_orders::branch_id.eq(branch_id))
            .into_boxed();
        if let Some(s) = status {
            query = query.filter(purchase_orders::status.eq(s.as_str()));
        }
        if !q.is_empty() {
            let pattern = format!("%{}%", crate::repo::audit::escape_like(q));
            query = query.filter(
                vendors::name
                    .ilike(pattern.clone())
                    .or(purchase_orders::vendor_reference.ilike(pattern))
                    .or(purchase_orders::id.nullable().eq(number)),
            );
        }
        query
    };
    let total = crate::repo::bounded_total(
        filtered()
            .select(purchase_orders::id)
            .limit(crate::repo::COUNT_CAP)
            .load::<i64>(conn)?,
    );
    let offset = crate::repo::offset_within(offset, limit, total);
    let rows = filtered()
        .select(row_columns())
        .order(purchase_orders::id.desc())
        .offset(offset)
        .limit(limit)
        .load(conn)?;
    Ok((rows, total))
}

/// Orders of the branch that deliveries can be received against, as (id, "PO-12 · Vendor").
pub fn receivable(
    conn: &mut PgConnection,
    branch_id: i64,
) -> Result<Vec<(i64, String)>, RepoError> {
    let rows: Vec<(i64, String)> = purchase_orders::table
        .inner_join(vendors::table)
        .filter(purchase_orders::branch_id.eq(branch_id))
        .filter(purchase_orders::status.eq_any(names(PoStatus::RECEIVABLE, PoStatus::as_str)))
        .select((purchase_orders::id, vendors::name))
        .order(purchase_orders::id.desc())
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, vendor)| (id, format!("{} · {vendor}", number(id))))
        .collect())
}
