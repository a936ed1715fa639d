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

/// What a purchase order still has room for in this batch.
pub(super) struct Room {
    po: i64,
    what: String,
    outstanding: i32,
    in_batch: i64,
}

impl Room {
    /// How many more the batch may take.
    pub(super) fn left(&self) -> i64 {
        i64::from(self.outstanding) - self.in_batch
    }
    /// Counts `n` more in the batch.
    pub(super) fn take(&mut self, n: i64) {
        self.in_batch += n;
    }
    /// Why one more is refused.
    pub(super) fn full(&self) -> String {
        format!(
            "{} awaits {} more of {} and {} are in this delivery already.",
            purchase_orders::number(self.po),
            self.outstanding,
            self.what,
            self.in_batch
        )
    }
}

/// When the batch receives a purchase order: the room its line for `goods` has left (counting
/// what is already in this batch), or a refusal under `field` when the order does not await
/// them. `None` when the batch receives no order.
pub(super) fn order_room(
    conn: &mut PgConnection,
    batch_id: i64,
    goods: Goods,
    field: &str,
) -> Result<Option<Room>, RepoError> {
    let po: Option<i64> = intake_batches::table
        .find(batch_id)
        .select(intake_batches::purchase_order_id)
        .first(conn)?;
    let Some(po) = po else { return Ok(None) };
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
    Ok(Some(Room {
        po,
        outstanding: line.outstanding(),
        what: line.what,
        in_batch: in_batch.unwrap_or(0),
    }))
}

/// Refuses `adding` more of `goods` under `field` when the batch's order has no room for them.
pub(super) fn check_order_room(
    conn: &mut PgConnection,
    batch_id: i64,
    goods: Goods,
    adding: i32,
    field: &str,
) -> Result<(), RepoError> {
    match order_room(conn, batch_id, goods, field)? {
        Some(room) if i64::from(adding) > room.left() => {
            Err(FieldErrors::single(field, room.full()).into())
        }
        _ => Ok(()),
    }
}
