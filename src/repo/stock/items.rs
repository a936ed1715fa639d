//! Stock items with their on-hand at the branch, and the low-stock list.

use diesel::prelude::*;

use crate::repo::RepoError;
use crate::schema::{stock_items, stock_levels};

/// Stock items with their on-hand at a branch, by SKU; `low_only` keeps those below their
/// reorder threshold (the low-stock list). One page and the total.
pub fn list_items(
    conn: &mut PgConnection,
    branch_id: i64,
    q: &str,
    low_only: bool,
    offset: i64,
    limit: i64,
) -> Result<(Vec<(crate::models::stock::StockItem, i32)>, i64), RepoError> {
    use diesel::dsl::sql;
    use diesel::sql_types::Integer;
    let on_hand = sql::<Integer>("COALESCE(stock_levels.on_hand, 0)");
    let filtered = || {
        let mut query = stock_items::table
            .left_join(
                stock_levels::table.on(stock_levels::stock_item_id
                    .eq(stock_items::id)
                    .and(stock_levels::branch_id.eq(branch_id))),
            )
            .filter(stock_items::active.eq(true))
            .into_boxed();
        let q = q.trim();
        if !q.is_empty() {
            let pattern = format!("%{}%", crate::repo::audit::escape_like(q));
            query = query.filter(
                stock_items::sku
                    .ilike(pattern.clone())
                    .or(stock_items::name.ilike(pattern)),
            );
        }
        if low_only {
            query = query.filter(sql::<diesel::sql_types::Bool>(
                "COALESCE(stock_levels.on_hand, 0) < stock_items.reorder_threshold",
            ));
        }
        query
    };
    let total = crate::repo::bounded_total(
        filtered()
            .select(stock_items::id)
            .limit(crate::repo::COUNT_CAP)
            .load::<i64>(conn)?,
    );
    let offset = crate::repo::offset_within(offset, limit, total);
    let rows = filtered()
        .select((crate::models::stock::StockItem::as_select(), on_hand))
        .order(stock_items::sku.asc())
        .offset(offset)
        .limit(limit)
        .load(conn)?;
    Ok((rows, total))
}

/// One stock item.
pub fn get_item(
    conn: &mut PgConnection,
    id: i64,
) -> Result<crate::models::stock::StockItem, RepoError> {
    Ok(stock_items::table
        .find(id)
        .select(crate::models::stock::StockItem::as_select())
        .first(conn)?)
}
