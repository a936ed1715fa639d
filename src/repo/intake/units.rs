//! Serialized units into the open batch: one scan, a scanner's burst or a pasted list, each
//! serial checked the same way (not already in stock, not already in this delivery, room left on
//! the order), the good ones added in one statement and every refused one named.

use std::collections::{HashMap, HashSet};

use bigdecimal::BigDecimal;
use diesel::prelude::*;
use diesel::sql_types::{Array, BigInt, Nullable, Numeric, Text};

use super::lock_open;
use super::order::order_room;
use crate::domain::intake::{BadLine, Listed};
use crate::domain::validation::FieldErrors;
use crate::repo::purchase_orders::Goods;
use crate::repo::{By, RepoError};
use crate::schema::{intake_lines, product_models};

/// What a list of serials did: the serials added, in the order given, and every one refused.
#[derive(Debug, Clone, Default)]
pub struct Received {
    pub added: Vec<String>,
    pub refused: Vec<BadLine>,
}

/// Adds one scanned unit. A serial already in this delivery or already in stock is refused
/// with a message under `serial`, exactly as a line of a pasted list is.
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
    let one = [Listed { line: 1, serial }];
    let done = add_units(
        conn,
        branch_id,
        batch_id,
        &one,
        product_model_id,
        unit_cost,
        "serial",
    )?;
    match done.refused.into_iter().next() {
        Some(bad) => Err(FieldErrors::single("serial", bad.reason).into()),
        None => Ok(()),
    }
}

#[derive(QueryableByName)]
struct Taken {
    #[diesel(sql_type = Text)]
    serial: String,
    #[diesel(sql_type = Nullable<Text>)]
    tag: Option<String>,
}

/// Adds a list of units of one model at one cost, in one transaction: every serial is checked
/// as a single scan is and the ones that pass are added; the others come back named with their
/// line. Refusals of the whole list (no model, a negative cost, an order that does not await
/// this model) are field errors, the order's under `field`.
pub fn add_units(
    conn: &mut PgConnection,
    branch_id: i64,
    batch_id: i64,
    listed: &[Listed],
    product_model_id: i64,
    unit_cost: &BigDecimal,
    field: &str,
) -> Result<Received, RepoError> {
    if unit_cost.sign() == bigdecimal::num_bigint::Sign::Minus {
        return Err(FieldErrors::single("unit_cost", "The cost cannot be negative.").into());
    }
    if listed.is_empty() {
        return Err(FieldErrors::single(field, "Scan, type or paste at least one serial.").into());
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
        let mut room = order_room(conn, batch_id, Goods::Model(product_model_id), field)?;
        let wanted: Vec<String> = listed.iter().map(|l| l.serial.clone()).collect();
        let taken: Vec<Taken> = diesel::sql_query(
            "SELECT upper(btrim(serial)) AS serial, asset_tag AS tag FROM assets \
             WHERE upper(btrim(serial)) = ANY($1) \
             UNION ALL \
             SELECT upper(btrim(serial)), NULL FROM intake_lines \
             WHERE batch_id = $2 AND serial IS NOT NULL AND upper(btrim(serial)) = ANY($1)",
        )
        .bind::<Array<Text>, _>(&wanted)
        .bind::<BigInt, _>(batch_id)
        .load(conn)?;
        let in_stock: HashMap<&str, &str> = taken
            .iter()
            .filter_map(|t| t.tag.as_deref().map(|tag| (t.serial.as_str(), tag)))
            .collect();
        let in_batch: HashSet<&str> = taken
            .iter()
            .filter(|t| t.tag.is_none())
            .map(|t| t.serial.as_str())
            .collect();
        let mut seen: HashMap<&str, usize> = HashMap::new();
        let mut done = Received::default();
        for l in listed {
            let serial = l.serial.as_str();
            let refusal = if let Some(tag) = in_stock.get(serial) {
                Some(format!("Serial {serial} is already in stock ({tag})."))
            } else if in_batch.contains(serial) {
                Some(format!("Serial {serial} is already in this delivery."))
            } else if let Some(first) = seen.get(serial) {
                Some(format!(
                    "Serial {serial} is already on line {first} of this list."
                ))
            } else {
                match room.as_mut() {
                    Some(room) if room.left() <= 0 => Some(room.full()),
                    Some(room) => {
                        room.take(1);
                        None
                    }
                    None => None,
                }
            };
            match refusal {
                Some(reason) => done.refused.push(BadLine {
                    line: l.line,
                    text: l.serial.clone(),
                    reason,
                }),
                None => {
                    seen.insert(serial, l.line);
                    done.added.push(l.serial.clone());
                }
            }
        }
        if !done.added.is_empty() {
            diesel::sql_query(
                "INSERT INTO intake_lines (batch_id, serial, product_model_id, unit_cost) \
                 SELECT $1, s, $2, $3 FROM unnest($4::text[]) WITH ORDINALITY AS u (s, n) ORDER BY n",
            )
            .bind::<BigInt, _>(batch_id)
            .bind::<BigInt, _>(product_model_id)
            .bind::<Numeric, _>(unit_cost)
            .bind::<Array<Text>, _>(&done.added)
            .execute(conn)?;
        }
        Ok(done)
    })
}

/// Takes a scanned unit off the open batch by its serial (the page lists only the latest scans).
pub fn remove_serial(
    conn: &mut PgConnection,
    branch_id: i64,
    batch_id: i64,
    serial: &str,
) -> Result<String, RepoError> {
    let serial = serial.trim().to_uppercase();
    if serial.is_empty() {
        return Err(
            FieldErrors::single("remove_serial", "Scan or type the serial to take off.").into(),
        );
    }
    crate::repo::tx(conn, |conn| {
        lock_open(conn, branch_id, batch_id)?;
        let gone = diesel::delete(
            intake_lines::table
                .filter(intake_lines::batch_id.eq(batch_id))
                .filter(intake_lines::serial.eq(&serial)),
        )
        .execute(conn)?;
        if gone == 0 {
            return Err(FieldErrors::single(
                "remove_serial",
                format!("Serial {serial} is not in this delivery."),
            )
            .into());
        }
        Ok(serial)
    })
}

/// The model (id, name) and unit cost of the last unit this person scanned at the branch, in
/// this delivery or an earlier one: what a scan made before choosing a model is offered.
#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
pub struct LastModel {
    #[diesel(sql_type = BigInt)]
    pub id: i64,
    #[diesel(sql_type = Text)]
    pub name: String,
    #[diesel(sql_type = Numeric)]
    pub unit_cost: BigDecimal,
}

/// See [`LastModel`].
pub fn last_model(
    conn: &mut PgConnection,
    branch_id: i64,
    by: &By,
) -> Result<Option<LastModel>, RepoError> {
    Ok(diesel::sql_query(
        "SELECT pm.id, pm.brand || ' ' || pm.model AS name, l.unit_cost \
         FROM (SELECT id FROM intake_batches WHERE branch_id = $1 \
               AND created_by IS NOT DISTINCT FROM $2 ORDER BY id DESC LIMIT 20) b \
         CROSS JOIN LATERAL (SELECT id, product_model_id, unit_cost FROM intake_lines \
               WHERE batch_id = b.id AND serial IS NOT NULL ORDER BY id DESC LIMIT 1) l \
         JOIN product_models pm ON pm.id = l.product_model_id \
         ORDER BY l.id DESC LIMIT 1",
    )
    .bind::<BigInt, _>(branch_id)
    .bind::<Nullable<BigInt>, _>(by.user_id)
    .get_result(conn)
    .optional()?)
}
