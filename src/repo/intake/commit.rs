//! Committing a batch: every unit, every ledger row and the order's receipt, or nothing.

use bigdecimal::BigDecimal;
use diesel::prelude::*;

use super::{CommitLine, lock_open};
use crate::domain::intake::BatchStatus;
use crate::domain::money::spread;
use crate::repo::assets::{self, Arrivals};
use crate::repo::purchase_orders::{self, Goods};
use crate::repo::stock::{self, Posting};
use crate::repo::{By, RepoError};
use crate::schema::{intake_batches, intake_lines};

/// What a commit did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Committed {
    /// Units created.
    pub units: usize,
    /// Bulk pieces taken into stock.
    pub pieces: i64,
    /// The delivery, for its receipt and labels.
    pub batch_id: i64,
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
    crate::repo::tx(conn, |conn| {
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
            batch_id,
        };
        let mut delivered: Vec<(Goods, i32)> = Vec::new();
        let mut count = |goods: Goods, n: i32| match delivered.iter_mut().find(|d| d.0 == goods) {
            Some(d) => d.1 += n,
            None => delivered.push((goods, n)),
        };
        let mut units = Arrivals {
            vendor_id,
            branch_id,
            location_id,
            ..Default::default()
        };
        for ((serial, model, item, quantity, cost), share) in lines.into_iter().zip(shares) {
            match (serial, model, item) {
                (Some(serial), Some(model), _) => {
                    units.serials.push(serial);
                    units.models.push(model);
                    units.landed_costs.push(&cost + &share);
                    units.purchase_costs.push(cost);
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
        if !units.serials.is_empty() {
            refuse_taken(conn, &units.serials)?;
            let new = assets::receive_many(conn, &units, &reference, by)?;
            done.units = new.len();
            link(conn, batch_id, &new)?;
        }
        // tickets waiting for these parts are told
        let items: Vec<(i64, i32)> = delivered
            .iter()
            .filter_map(|(goods, n)| match goods {
                Goods::Item(item) => Some((*item, *n)),
                Goods::Model(_) => None,
            })
            .collect();
        crate::repo::tickets::parts_arrived(conn, branch_id, &items, &reference, by)?;
        if let Some(po) = po {
            purchase_orders::receive(conn, branch_id, po, &delivered, &reference, by)?;
        }
        diesel::update(intake_batches::table.find(batch_id))
            .set((
                intake_batches::status.eq(BatchStatus::Committed.as_str()),
                intake_batches::committed_at.eq(diesel::dsl::now),
            ))
            .execute(conn)?;
        Ok(done)
    })
}

/// Names the first serial of the delivery that is in stock already (one query for them all).
fn refuse_taken(conn: &mut PgConnection, serials: &[String]) -> Result<(), RepoError> {
    use diesel::sql_types::{Array, Text};
    #[derive(QueryableByName)]
    struct Taken {
        #[diesel(sql_type = Text)]
        serial: String,
        #[diesel(sql_type = Text)]
        asset_tag: String,
    }
    let taken: Option<Taken> = diesel::sql_query(
        "SELECT serial, asset_tag FROM assets WHERE upper(btrim(serial)) = ANY($1) LIMIT 1",
    )
    .bind::<Array<Text>, _>(serials)
    .get_result(conn)
    .optional()?;
    match taken {
        Some(t) => Err(RepoError::Conflict(format!(
            "Serial {} is already in stock ({}). Nothing was committed; remove that line and commit again.",
            t.serial, t.asset_tag
        ))),
        None => Ok(()),
    }
}

/// Each scanned line remembers the unit it became.
fn link(conn: &mut PgConnection, batch_id: i64, new: &[(i64, String)]) -> Result<(), RepoError> {
    use diesel::sql_types::{Array, BigInt, Text};
    let (ids, serials): (Vec<i64>, Vec<String>) = new.iter().cloned().unzip();
    diesel::sql_query(
        "UPDATE intake_lines l SET asset_id = n.id \
         FROM unnest($2::int8[], $3::text[]) AS n (id, serial) \
         WHERE l.batch_id = $1 AND l.serial = n.serial",
    )
    .bind::<BigInt, _>(batch_id)
    .bind::<Array<BigInt>, _>(&ids)
    .bind::<Array<Text>, _>(&serials)
    .execute(conn)?;
    Ok(())
}
