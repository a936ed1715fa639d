//! A batch's lines: scanned units (duplicates refused), bulk quantities, shipping and duty.

use bigdecimal::BigDecimal;
use diesel::prelude::*;

use super::order::check_order_room;
use super::{LineRow, RawLine, lock_open};
use crate::domain::validation::FieldErrors;
use crate::repo::purchase_orders::Goods;
use crate::repo::{RepoError, unique_violation};
use crate::schema::{
    assets as assets_t, intake_batches, intake_lines, product_models, stock_items,
};

/// Adds one scanned unit. A serial already in this delivery or already in stock is refused.
pub fn add_unit(
    conn: &mut PgConnection,
    branch_id: i64,
    batch_id: i64,
    serial: &str,
    product_model_id: i64,
    unit_cost: &BigDecimal,
) -> Result<(), RepoError> {
    let serial = serial.trim().to_uppercase();
    if serial.is_empty() {
        return Err(FieldErrors::single("serial", "Scan or type the serial number.").into());
    }
    if unit_cost.sign() == bigdecimal::num_bigint::Sign::Minus {
        return Err(FieldErrors::single("unit_cost", "The cost cannot be negative.").into());
    }
    crate::repo::tx(conn, |conn| {
        lock_open(conn, branch_id, batch_id)?;
        let model_ok: bool = diesel::select(diesel::dsl::exists(
            product_models::table.find(product_model_id),
        ))
        .get_result(conn)?;
        if !model_ok {
            return Err(FieldErrors::single("product_model_id", "Choose the model first.").into());
        }
        check_order_room(conn, batch_id, Goods::Model(product_model_id), 1, "serial")?;
        if let Some(tag) = in_stock(conn, &serial)? {
            return Err(FieldErrors::single(
                "serial",
                format!("Serial {serial} is already in stock ({tag})."),
            )
            .into());
        }
        diesel::insert_into(intake_lines::table)
            .values((
                intake_lines::batch_id.eq(batch_id),
                intake_lines::serial.eq(&serial),
                intake_lines::product_model_id.eq(product_model_id),
                intake_lines::unit_cost.eq(unit_cost),
            ))
            .execute(conn)
            .map_err(|e| match unique_violation(&e) {
                Some("intake_lines_serial_key") => RepoError::from(FieldErrors::single(
                    "serial",
                    format!("Serial {serial} is already in this delivery."),
                )),
                _ => e.into(),
            })?;
        Ok(())
    })
}

fn in_stock(conn: &mut PgConnection, serial: &str) -> Result<Option<String>, RepoError> {
    Ok(assets_t::table
        .filter(
            diesel::dsl::sql::<diesel::sql_types::Bool>("upper(btrim(serial)) = ")
                .bind::<diesel::sql_types::Text, _>(serial.to_string()),
        )
        .select(assets_t::asset_tag)
        .first(conn)
        .optional()?)
}

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

/// The batch's lines, newest first.
pub fn lines(conn: &mut PgConnection, batch_id: i64) -> Result<Vec<LineRow>, RepoError> {
    let rows: Vec<RawLine> = intake_lines::table
        .left_join(product_models::table)
        .left_join(stock_items::table)
        .filter(intake_lines::batch_id.eq(batch_id))
        .select((
            intake_lines::id,
            intake_lines::serial,
            product_models::brand.nullable(),
            product_models::model.nullable(),
            stock_items::name.nullable(),
            intake_lines::quantity,
            intake_lines::unit_cost,
        ))
        .order(intake_lines::id.desc())
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, serial, brand, model, item, qty, cost)| {
            let what = match (brand, model, item) {
                (Some(b), Some(m), _) => format!("{b} {m}"),
                (_, _, Some(i)) => i,
                _ => String::new(),
            };
            (id, serial, what, qty, cost)
        })
        .collect())
}
