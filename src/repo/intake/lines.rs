//! A batch's bulk lines, taking a line off, shipping and duty (units are in `units`).

use bigdecimal::BigDecimal;
use diesel::prelude::*;

use super::lock_open;
use super::order::check_order_room;
use crate::domain::validation::FieldErrors;
use crate::repo::RepoError;
use crate::repo::purchase_orders::Goods;
use crate::schema::{intake_batches, intake_lines, stock_items};

/// Adds a bulk quantity of a stock item.
pub fn add_bulk(
    conn: &mut PgConnection,
    branch_id: i64,
    batch_id: i64,
    stock_item_id: i64,
    quantity: i32,
    unit_cost: &BigDecimal,
) -> Result<(), RepoError> {
    let mut errors = FieldErrors::new();
    if quantity <= 0 {
        errors.add("quantity", "Enter how many arrived (1 or more).");
    }
    if unit_cost.sign() == bigdecimal::num_bigint::Sign::Minus {
        errors.add("bulk_cost", "The cost cannot be negative.");
    }
    errors.into_result()?;
    crate::repo::tx(conn, |conn| {
        lock_open(conn, branch_id, batch_id)?;
        let item_ok: bool =
            diesel::select(diesel::dsl::exists(stock_items::table.find(stock_item_id)))
                .get_result(conn)?;
        if !item_ok {
            return Err(FieldErrors::single("stock_item_id", "Choose the stock item.").into());
        }
        check_order_room(
            conn,
            batch_id,
            Goods::Item(stock_item_id),
            quantity,
            "quantity",
        )?;
        diesel::insert_into(intake_lines::table)
            .values((
                intake_lines::batch_id.eq(batch_id),
                intake_lines::stock_item_id.eq(stock_item_id),
                intake_lines::quantity.eq(quantity),
                intake_lines::unit_cost.eq(unit_cost),
            ))
            .execute(conn)?;
        Ok(())
    })
}

/// Takes a line out of the open batch.
pub fn remove_line(
    conn: &mut PgConnection,
    branch_id: i64,
    batch_id: i64,
    line_id: i64,
) -> Result<(), RepoError> {
    crate::repo::tx(conn, |conn| {
        lock_open(conn, branch_id, batch_id)?;
        diesel::delete(
            intake_lines::table
                .find(line_id)
                .filter(intake_lines::batch_id.eq(batch_id)),
        )
        .execute(conn)?;
        Ok(())
    })
}

/// Sets the delivery's shipping and duty (spread over the lines as landed cost at commit).
pub fn set_costs(
    conn: &mut PgConnection,
    branch_id: i64,
    batch_id: i64,
    shipping: &BigDecimal,
    duty: &BigDecimal,
) -> Result<(), RepoError> {
    let zero = BigDecimal::from(0);
    let mut errors = FieldErrors::new();
    if *shipping < zero {
        errors.add("shipping", "Shipping cannot be negative.");
    }
    if *duty < zero {
        errors.add("duty", "Duty cannot be negative.");
    }
    errors.into_result()?;
    crate::repo::tx(conn, |conn| {
        lock_open(conn, branch_id, batch_id)?;
        diesel::update(intake_batches::table.find(batch_id))
            .set((
                intake_batches::shipping.eq(shipping),
                intake_batches::duty.eq(duty),
            ))
            .execute(conn)?;
        Ok(())
    })
}
