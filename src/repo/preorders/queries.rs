//! Reading preorders: one, the list (and SLA view), its deposits.

use bigdecimal::BigDecimal;
use chrono::{DateTime, Utc};
use diesel::prelude::*;

use super::{COLUMNS, PreorderRow};
use crate::domain::names;
use crate::domain::preorder::PreorderStatus;
use crate::repo::RepoError;
use crate::schema::{customers, preorder_deposits, preorders, product_models};

/// One preorder of the branch.
pub fn get(conn: &mut PgConnection, branch_id: i64, id: i64) -> Result<PreorderRow, RepoError> {
    Ok(preorders::table
        .inner_join(customers::table)
        .inner_join(product_models::table)
        .filter(preorders::id.eq(id))
        .filter(preorders::branch_id.eq(branch_id))
        .select(COLUMNS)
        .first(conn)?)
}

/// The branch's preorders, by status and customer name; with `sla_only`, the open ones on the
/// supplier's clock, most urgent first. One page and the total.
pub fn list(
    conn: &mut PgConnection,
    branch_id: i64,
    status: Option<PreorderStatus>,
    q: &str,
    sla_only: bool,
    offset: i64,
    limit: i64,
) -> Result<(Vec<PreorderRow>, i64), RepoError> {
    let q = q.trim();
    let filtered = || {
        let mut query = preorders::table
            .inner_join(customers::table)
            .inner_join(product_models::table)
            .filter(preorders::branch_id.eq(branch_id))
            .into_boxed();
        if let Some(s) = status {
            query = query.filter(preorders::status.eq(s.as_str()));
        }
        if sla_only {
            let on_order = names(PreorderStatus::ON_ORDER, PreorderStatus::as_str);
            query = query.filter(preorders::status.eq_any(on_order));
        }
        if !q.is_empty() {
            let pattern = format!("%{}%", crate::repo::audit::escape_like(q));
            query = query.filter(
                customers::name
                    .ilike(pattern.clone())
                    .or(product_models::model.ilike(pattern)),
            );
        }
        query
    };
    let total = crate::repo::bounded_total(
        filtered()
            .select(preorders::id)
            .limit(crate::repo::COUNT_CAP)
            .load::<i64>(conn)?,
    );
    let offset = crate::repo::offset_within(offset, limit, total);
    let mut query = filtered().select(COLUMNS).offset(offset).limit(limit);
    query = if sla_only {
        query.order((preorders::sla_due_on.asc(), preorders::id.asc()))
    } else {
        query.order(preorders::id.desc())
    };
    Ok((query.load(conn)?, total))
}

/// A deposit as shown: (at, method, amount, reference).
pub type DepositRow = (DateTime<Utc>, String, BigDecimal, String);

/// The deposits taken: (at, method, amount, reference).
pub fn deposits(conn: &mut PgConnection, id: i64) -> Result<Vec<DepositRow>, RepoError> {
    Ok(preorder_deposits::table
        .filter(preorder_deposits::preorder_id.eq(id))
        .select((
            preorder_deposits::at,
            preorder_deposits::method,
            preorder_deposits::amount,
            preorder_deposits::reference,
        ))
        .order(preorder_deposits::id)
        .load(conn)?)
}
