//! A draft order and its lines (models or stock items, how many, at what cost).

use bigdecimal::BigDecimal;
use chrono::NaiveDate;
use diesel::prelude::*;

use super::{Goods, event, lock};
use crate::domain::purchase_order::PoStatus;
use crate::domain::validation::FieldErrors;
use crate::repo::{By, RepoError};
use crate::schema::{product_models, purchase_order_lines, purchase_orders, stock_items, vendors};

/// A new order's header, as typed.
#[derive(Debug, Clone, Default)]
pub struct NewOrder {
    /// The vendor (must exist and be active).
    pub vendor_id: i64,
    /// The vendor's own reference (quote, order number).
    pub vendor_reference: String,
    /// When the delivery is expected.
    pub expected_on: Option<NaiveDate>,
    /// Free text.
    pub note: String,
}

/// Opens a draft order at the branch; returns its id.
pub fn create(
    conn: &mut PgConnection,
    branch_id: i64,
    order: &NewOrder,
    by: &By,
) -> Result<i64, RepoError> {
    crate::repo::tx(conn, |conn| {
        let active: Option<bool> = vendors::table
            .find(order.vendor_id)
            .select(vendors::active)
            .first(conn)
            .optional()?;
        if active != Some(true) {
            return Err(FieldErrors::single("vendor_id", "Choose the vendor.").into());
        }
        let id: i64 = diesel::insert_into(purchase_orders::table)
            .values((
                purchase_orders::branch_id.eq(branch_id),
                purchase_orders::vendor_id.eq(order.vendor_id),
                purchase_orders::vendor_reference.eq(order.vendor_reference.trim()),
                purchase_orders::expected_on.eq(order.expected_on),
                purchase_orders::note.eq(order.note.trim()),
                purchase_orders::created_by.eq(by.user_id),
            ))
            .returning(purchase_orders::id)
            .get_result(conn)?;
        event(conn, id, None, PoStatus::Draft, "", by)?;
        Ok(id)
    })
}

/// Adds a line to a draft; ordering the same model or item again raises its quantity.
pub fn add_line(
    conn: &mut PgConnection,
    branch_id: i64,
    po: i64,
    goods: Goods,
    quantity: i32,
    unit_cost: &BigDecimal,
) -> Result<(), RepoError> {
    let mut errors = FieldErrors::new();
    if quantity <= 0 {
        errors.add("quantity", "Enter how many to order (1 or more).");
    }
    if unit_cost.sign() == bigdecimal::num_bigint::Sign::Minus {
        errors.add("unit_cost", "The cost cannot be negative.");
    }
    errors.into_result()?;
    crate::repo::tx(conn, |conn| {
        let status = lock(conn, branch_id, po)?;
        if status != PoStatus::Draft {
            return Err(RepoError::Conflict(format!(
                "Lines can be changed only on a draft; this order is {}.",
                status.words()
            )));
        }
        let (model, item) = match goods {
            Goods::Model(id) => {
                let ok: bool = diesel::select(diesel::dsl::exists(
                    product_models::table
                        .find(id)
                        .filter(product_models::active.eq(true)),
                ))
                .get_result(conn)?;
                if !ok {
                    return Err(
                        FieldErrors::single("goods", "Choose a model or a stock item.").into(),
                    );
                }
                (Some(id), None)
            }
            Goods::Item(id) => {
                let ok: bool = diesel::select(diesel::dsl::exists(
                    stock_items::table
                        .find(id)
                        .filter(stock_items::active.eq(true)),
                ))
                .get_result(conn)?;
                if !ok {
                    return Err(
                        FieldErrors::single("goods", "Choose a model or a stock item.").into(),
                    );
                }
                (None, Some(id))
            }
        };
        let existing: Option<i64> = purchase_order_lines::table
            .filter(purchase_order_lines::purchase_order_id.eq(po))
            .filter(
                purchase_order_lines::product_model_id
                    .is_not_distinct_from(model)
                    .and(purchase_order_lines::stock_item_id.is_not_distinct_from(item)),
            )
            .select(purchase_order_lines::id)
            .first(conn)
            .optional()?;
        match existing {
            Some(line) => {
                diesel::update(purchase_order_lines::table.find(line))
                    .set((
                        purchase_order_lines::quantity
                            .eq(purchase_order_lines::quantity + quantity),
                        purchase_order_lines::unit_cost.eq(unit_cost),
                    ))
                    .execute(conn)?;
            }
            None => {
                diesel::insert_into(purchase_order_lines::table)
                    .values((
                        purchase_order_lines::purchase_order_id.eq(po),
                        purchase_order_lines::product_model_id.eq(model),
                        purchase_order_lines::stock_item_id.eq(item),
                        purchase_order_lines::quantity.eq(quantity),
                        purchase_order_lines::unit_cost.eq(unit_cost),
                    ))
                    .execute(conn)?;
            }
        }
        diesel::update(purchase_orders::table.find(po))
            .set(purchase_orders::updated_at.eq(diesel::dsl::now))
            .execute(conn)?;
        Ok(())
    })
}

/// Takes a line off a draft.
pub fn remove_line(
    conn: &mut PgConnection,
    branch_id: i64,
    po: i64,
    line: i64,
) -> Result<(), RepoError> {
    crate::repo::tx(conn, |conn| {
        let status = lock(conn, branch_id, po)?;
        if status != PoStatus::Draft {
            return Err(RepoError::Conflict(format!(
                "Lines can be changed only on a draft; this order is {}.",
                status.words()
            )));
        }
        diesel::delete(
            purchase_order_lines::table
                .find(line)
                .filter(purchase_order_lines::purchase_order_id.eq(po)),
        )
        .execute(conn)?;
        Ok(())
    })
}
