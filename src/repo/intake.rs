//! Stock intake: an open batch per person and branch that survives reloads, scanned line by line,
//! then committed in one transaction (every unit, every ledger row, or nothing).

use bigdecimal::BigDecimal;
use chrono::{DateTime, Utc};
use diesel::prelude::*;

use super::assets::{self, Arrival};
use super::purchase_orders::{self, Goods};
use super::stock::{self, Posting};
use super::{By, RepoError, unique_violation};
use crate::domain::money::spread;
use crate::domain::validation::FieldErrors;
use crate::schema::{
    assets as assets_t, intake_batches, intake_lines, product_models, stock_items,
};

/// A line as shown: id, serial or SKU, what it is, quantity, unit cost.
pub type LineRow = (i64, Option<String>, String, i32, BigDecimal);

type CommitLine = (Option<String>, Option<i64>, Option<i64>, i32, BigDecimal);
type RawLine = (
    i64,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
    i32,
    BigDecimal,
);

/// An open batch: id, shipping, duty, when it was started, the purchase order it receives.
pub type Batch = (i64, BigDecimal, BigDecimal, DateTime<Utc>, Option<i64>);

/// The user's open batch at the branch, started when there is none.
pub fn open_batch(conn: &mut PgConnection, branch_id: i64, by: &By) -> Result<Batch, RepoError> {
    super::tx(conn, |conn| {
        let found = intake_batches::table
            .filter(intake_batches::branch_id.eq(branch_id))
            .filter(intake_batches::created_by.is_not_distinct_from(by.user_id))
            .filter(intake_batches::status.eq("open"))
            .select((
                intake_batches::id,
                intake_batches::shipping,
                intake_batches::duty,
                intake_batches::created_at,
                intake_batches::purchase_order_id,
            ))
            .order(intake_batches::id.desc())
            .first(conn)
            .optional()?;
        if let Some(batch) = found {
            return Ok(batch);
        }
        Ok(diesel::insert_into(intake_batches::table)
            .values((
                intake_batches::branch_id.eq(branch_id),
                intake_batches::created_by.eq(by.user_id),
            ))
            .returning((
                intake_batches::id,
                intake_batches::shipping,
                intake_batches::duty,
                intake_batches::created_at,
                intake_batches::purchase_order_id,
            ))
            .get_result(conn)?)
    })
}

fn lock_open(conn: &mut PgConnection, branch_id: i64, batch_id: i64) -> Result<(), RepoError> {
    let status: String = intake_batches::table
        .find(batch_id)
        .filter(intake_batches::branch_id.eq(branch_id))
        .select(intake_batches::status)
        .for_update()
        .first(conn)?;
    if status != "open" {
        return Err(RepoError::Conflict(format!(
            "This delivery was already {status}."
        )));
    }
    Ok(())
}

/// Ties the open batch to a purchase order (or unties it with `None`): the delivery's vendor
/// becomes the order's, and from then on only what the order still awaits can be scanned.
pub fn attach_order(
    conn: &mut PgConnection,
    branch_id: i64,
    batch_id: i64,
    po: Option<i64>,
) -> Result<(), RepoError> {
    super::tx(conn, |conn| {
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
                            order.state().label()
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
fn check_order_room(
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
    super::tx(conn, |conn| {
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
    super::tx(conn, |conn| {
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
    super::tx(conn, |conn| {
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
    super::tx(conn, |conn| {
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

/// What a commit did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Committed {
    /// Units created.
    pub units: usize,
    /// Bulk pieces taken into stock.
    pub pieces: i64,
}

/// Commits the batch: every unit becomes an asset (status `received`) and every bulk line a
/// ledger row, with shipping and duty spread as landed cost. All or nothing: the first problem
/// (a serial already in stock, say) rolls everything back and is named in the message.
pub fn commit(
    conn: &mut PgConnection,
    branch_id: i64,
    batch_id: i64,
    location_id: Option<i64>,
    by: &By,
) -> Result<Committed, RepoError> {
    super::tx(conn, |conn| {
        lock_open(conn, branch_id, batch_id)?;
        let (shipping, duty, vendor_id, po): (BigDecimal, BigDecimal, Option<i64>, Option<i64>) =
            intake_batches::table
                .find(batch_id)
                .select((
                    intake_batches::shipping,
                    intake_batches::duty,
                    intake_batches::vendor_id,
                    intake_batches::purchase_order_id,
                ))
                .first(conn)?;
        let lines: Vec<CommitLine> = intake_lines::table
            .filter(intake_lines::batch_id.eq(batch_id))
            .select((
                intake_lines::serial,
                intake_lines::product_model_id,
                intake_lines::stock_item_id,
                intake_lines::quantity,
                intake_lines::unit_cost,
            ))
            .order(intake_lines::id)
            .load(conn)?;
        if lines.is_empty() {
            return Err(RepoError::Conflict(
                "Nothing has been scanned into this delivery yet.".into(),
            ));
        }
        let weights: Vec<BigDecimal> = lines.iter().map(|l| &l.4 * BigDecimal::from(l.3)).collect();
        let shares = spread(&(shipping + duty), &weights);
        let reference = format!("intake #{batch_id}");
        let mut done = Committed {
            units: 0,
            pieces: 0,
        };
        let mut delivered: Vec<(Goods, i32)> = Vec::new();
        let mut count = |goods: Goods, n: i32| match delivered.iter_mut().find(|d| d.0 == goods) {
            Some(d) => d.1 += n,
            None => delivered.push((goods, n)),
        };
        for ((serial, model, item, quantity, cost), share) in lines.into_iter().zip(shares) {
            match (serial, model, item) {
                (Some(serial), Some(model), _) => {
                    let arrival = Arrival {
                        serial: serial.clone(),
                        product_model_id: model,
                        vendor_id,
                        branch_id,
                        location_id,
                        landed_cost: &cost + &share,
                        purchase_cost: cost,
                    };
                    assets::receive(conn, &arrival, &reference, by).map_err(|e| match e {
                        RepoError::Validation(_) => RepoError::Conflict(format!(
                            "Serial {serial} is already in stock. Nothing was committed; remove that line and commit again."
                        )),
                        other => other,
                    })?;
                    done.units += 1;
                    count(Goods::Model(model), 1);
                }
                (None, None, Some(item)) => {
                    let landed =
                        crate::domain::money::cents(&(&cost + &share / BigDecimal::from(quantity)));
                    let p = Posting {
                        stock_item_id: item,
                        branch_id,
                        kind: "intake",
                        quantity,
                        unit_cost: Some(landed),
                        reason: "",
                        reference: &reference,
                    };
                    stock::post(conn, &p, by)?;
                    done.pieces += i64::from(quantity);
                    count(Goods::Item(item), quantity);
                }
                _ => {
                    return Err(RepoError::Internal(anyhow::anyhow!(
                        "malformed intake line in batch {batch_id}"
                    )));
                }
            }
        }
        if let Some(po) = po {
            purchase_orders::receive(conn, branch_id, po, &delivered, &reference, by)?;
        }
        diesel::update(intake_batches::table.find(batch_id))
            .set((
                intake_batches::status.eq("committed"),
                intake_batches::committed_at.eq(diesel::dsl::now),
            ))
            .execute(conn)?;
        Ok(done)
    })
}
