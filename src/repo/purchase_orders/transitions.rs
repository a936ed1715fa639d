//! Placing or cancelling an order, and receiving against it from stock intake.

use diesel::prelude::*;

use super::queries::lines;
use super::{Goods, event, lock, number, touch};
use crate::domain::purchase_order::{PoStatus, after_receipt, check_manual};
use crate::repo::{By, RepoError};
use crate::schema::purchase_order_lines;

/// Places the order (`draft → ordered`) or cancels it (`draft|ordered → cancelled`).
pub fn change_status(
    conn: &mut PgConnection,
    branch_id: i64,
    po: i64,
    to: PoStatus,
    note: &str,
    by: &By,
) -> Result<(), RepoError> {
    crate::repo::tx(conn, |conn| {
        let from = lock(conn, branch_id, po)?;
        let lines: i64 = purchase_order_lines::table
            .filter(purchase_order_lines::purchase_order_id.eq(po))
            .count()
            .get_result(conn)?;
        check_manual(from, to, lines as usize).map_err(RepoError::Conflict)?;
        touch(conn, po, to)?;
        event(conn, po, Some(from), to, note.trim(), by)
    })
}

/// Records a delivery against the order, inside the caller's transaction: each delivered model
/// or item must be on the order with enough still outstanding. Moves the order to
/// `partially_received` or `received`.
pub fn receive(
    conn: &mut PgConnection,
    branch_id: i64,
    po: i64,
    delivered: &[(Goods, i32)],
    note: &str,
    by: &By,
) -> Result<PoStatus, RepoError> {
    let from = lock(conn, branch_id, po)?;
    if !from.receivable() {
        return Err(RepoError::Conflict(format!(
            "{} is {}; nothing can be received against it.",
            number(po),
            from.words()
        )));
    }
    let mut lines = lines(conn, po)?;
    for (goods, count) in delivered {
        let Some(line) = lines.iter_mut().find(|l| l.goods == *goods) else {
            return Err(RepoError::Conflict(format!(
                "This delivery has goods that are not on {}.",
                number(po)
            )));
        };
        if line.received + count > line.quantity {
            return Err(RepoError::Conflict(format!(
                "{}: {} ordered {}, {} already received, this delivery has {}.",
                line.what,
                number(po),
                line.quantity,
                line.received,
                count
            )));
        }
        line.received += count;
        diesel::update(purchase_order_lines::table.find(line.id))
            .set(purchase_order_lines::received.eq(line.received))
            .execute(conn)?;
    }
    let progress: Vec<(i32, i32)> = lines.iter().map(|l| (l.quantity, l.received)).collect();
    let to = after_receipt(&progress);
    touch(conn, po, to)?;
    event(conn, po, Some(from), to, note, by)?;
    Ok(to)
}
