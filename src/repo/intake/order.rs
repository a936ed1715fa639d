//! Receiving a batch against a purchase order, and what the order still has room for.

use diesel::prelude::*;

use super::lock_open;
use crate::domain::validation::FieldErrors;
use crate::repo::RepoError;
use crate::repo::purchase_orders::{self, Goods};
use crate::schema::{intake_batches, intake_lines};

/// Ties the open batch to a purchase order (or unties it with `None`): the delivery's vendor
/// becomes the order's, and from then on only what the order still awaits can be scanned.
pub fn attach_order(
    conn: &mut PgConnection,
    branch_id: i64,
    batch_id: i64,
    po: Option<i64>,
) -> Result<(), RepoError> {
    crate::repo::tx(conn, |conn| {
        lock_open(conn, branch_id, batch_id)?;
        let vendor = match po {
            Some(po) => {
                let order = purchase_orders::get(conn, branch_id, po).map_err(|e| match e {
                    RepoError::NotFound => RepoError::from(FieldErrors::single(
                        "purchase_order_id",
                        "Choose an order of this branch.",
                    )),
                    other => other,
                })?;
                if !order.state().receivable() {
                    return Err(FieldErrors::single(
                        "purchase_order_id",
                        format!(
                            "{} is {}; nothing can be received against it.",
                            order.number(),
                            order.state().words()
                        ),
                    )
                    .into());
                }
                Some(order.vendor_id)
            }
            None => None,
        };
        diesel::update(intake_batches::table.find(batch_id))
            .set((
                intake_batches::purchase_order_id.eq(po),
                intake_batches::vendor_id.eq(vendor),
            ))
            .execute(conn)?;
        Ok(())
    })
}

/// When the batch receives a purchase order: refuses goods the order does not await (counting
/// what is already in this batch). `field` names where the message shows.
pub(super) fn check_order_room(
    conn: &mut PgConnection,
    batch_id: i64,
    goods: Goods,
    adding: i32,
    field: &str,
) -> Result<(), RepoError> {
    let po: Option<i64> = intake_batches::table
        .find(batch_id)
        .select(intake_batches::purchase_order_id)
        .first(conn)?;
    let Some(po) = po else { return Ok(()) };
    let Some(line) = purchase_orders::lines(conn, po)?
        .into_iter()
        .find(|l| l.goods == goods)
    else {
        return Err(FieldErrors::single(
            field,
            format!("That is not on {}.", purchase_orders::number(po)),
        )
        .into());
    };
    let in_batch = intake_lines::table.filter(intake_lines::batch_id.eq(batch_id));
    let in_batch: Option<i64> = match goods {
        Goods::Model(m) => in_batch
            .filter(intake_lines::product_model_id.eq(m))
            .select(diesel::dsl::sum(intake_lines::quantity))
            .first(conn)?,
        Goods::Item(i) => in_batch
            .filter(intake_lines::stock_item_id.eq(i))
            .select(diesel::dsl::sum(intake_lines::quantity))
            .first(conn)?,
    };
    let in_batch = in_batch.unwrap_or(0);
    let room = i64::from(line.outstanding()) - in_batch;
    if i64::from(adding) > room {
        return Err(FieldErrors::single(
            field,
            format!(
                "{} awaits {} more of {} and {} are in this delivery already.",
                purchase_orders::number(po),
                line.outstanding(),
                line.what,
                in_batch
            ),
        )
        .into());
    }
    Ok(())
}
