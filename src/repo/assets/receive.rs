//! A unit comes into stock: `received`, with its first movement row.

use bigdecimal::BigDecimal;
use diesel::prelude::*;

use super::{Movement, movement};
use crate::domain::asset::AssetStatus;
use crate::domain::validation::FieldErrors;
use crate::models::stock::Asset;
use crate::repo::{By, RepoError, unique_violation};
use crate::schema::assets;

/// A unit arriving into stock.
#[derive(Debug, Clone)]
pub struct Arrival {
    /// Serial number or IMEI.
    pub serial: String,
    /// What it is.
    pub product_model_id: i64,
    /// Who sold it to us.
    pub vendor_id: Option<i64>,
    /// Where it is.
    pub branch_id: i64,
    /// Which location of that branch.
    pub location_id: Option<i64>,
    /// What we paid.
    pub purchase_cost: BigDecimal,
    /// What we paid including its share of shipping and duty.
    pub landed_cost: BigDecimal,
}

/// Takes one unit into stock (status `received`) with its first movement row.
pub fn receive(
    conn: &mut PgConnection,
    a: &Arrival,
    reason: &str,
    by: &By,
) -> Result<Asset, RepoError> {
    crate::repo::tx(conn, |conn| {
        let serial = a.serial.trim().to_uppercase();
        let asset: Asset = diesel::insert_into(assets::table)
            .values((
                assets::serial.eq(&serial),
                assets::product_model_id.eq(a.product_model_id),
                assets::vendor_id.eq(a.vendor_id),
                assets::branch_id.eq(a.branch_id),
                assets::location_id.eq(a.location_id),
                assets::purchase_cost.eq(&a.purchase_cost),
                assets::landed_cost.eq(&a.landed_cost),
            ))
            .returning(Asset::as_returning())
            .get_result(conn)
            .map_err(|e| match unique_violation(&e) {
                Some("assets_serial_key") => RepoError::from(FieldErrors::single(
                    "serial",
                    format!("Serial {serial} is already in stock."),
                )),
                _ => e.into(),
            })?;
        let m = Movement {
            from: None,
            to_status: AssetStatus::Received,
            to_branch: a.branch_id,
            to_location: a.location_id,
            reason,
        };
        movement(conn, asset.id, m, by)?;
        Ok(asset)
    })
}

/// Many units of one delivery into stock at once (status `received`), each with its first
/// movement row, in two statements however many there are: the arrivals' serials, models and
/// costs; where they are and who sold them are the same for all. Returns each new unit's id and
/// serial. A serial already in stock fails the statement (the caller checks first to name it).
pub fn receive_many(
    conn: &mut PgConnection,
    arrivals: &Arrivals,
    reason: &str,
    by: &By,
) -> Result<Vec<(i64, String)>, RepoError> {
    use diesel::sql_types::{Array, BigInt, Nullable, Numeric, Text};
    #[derive(QueryableByName)]
    struct New {
        #[diesel(sql_type = BigInt)]
        id: i64,
        #[diesel(sql_type = Text)]
        serial: String,
    }
    let serials: Vec<String> = arrivals
        .serials
        .iter()
        .map(|s| s.trim().to_uppercase())
        .collect();
    let new: Vec<New> = diesel::sql_query(
        "WITH new AS ( \
           INSERT INTO assets (serial, product_model_id, vendor_id, branch_id, location_id, \
                               purchase_cost, landed_cost) \
           SELECT s, m, $5, $6, $7, pc, lc \
           FROM unnest($1::text[], $2::int8[], $3::numeric[], $4::numeric[]) WITH ORDINALITY \
                AS u (s, m, pc, lc, n) ORDER BY n \
           RETURNING id, serial), \
         moved AS ( \
           INSERT INTO asset_movements (asset_id, actor_user_id, to_status, to_branch_id, \
                                        to_location_id, reason) \
           SELECT id, $8, $9, $6, $7, $10 FROM new) \
         SELECT id, serial FROM new ORDER BY id",
    )
    .bind::<Array<Text>, _>(&serials)
    .bind::<Array<BigInt>, _>(&arrivals.models)
    .bind::<Array<Numeric>, _>(&arrivals.purchase_costs)
    .bind::<Array<Numeric>, _>(&arrivals.landed_costs)
    .bind::<Nullable<BigInt>, _>(arrivals.vendor_id)
    .bind::<BigInt, _>(arrivals.branch_id)
    .bind::<Nullable<BigInt>, _>(arrivals.location_id)
    .bind::<Nullable<BigInt>, _>(by.user_id)
    .bind::<Text, _>(AssetStatus::Received.as_str())
    .bind::<Text, _>(reason)
    .load(conn)
    .map_err(|e| match unique_violation(&e) {
        Some("assets_serial_key") => RepoError::Conflict(
            "A serial of this delivery came into stock meanwhile; nothing was committed.".into(),
        ),
        _ => e.into(),
    })?;
    Ok(new.into_iter().map(|n| (n.id, n.serial)).collect())
}

/// Units arriving together (one delivery): columns of serials, models and costs, one place.
#[derive(Debug, Clone, Default)]
pub struct Arrivals {
    pub serials: Vec<String>,
    pub models: Vec<i64>,
    pub purchase_costs: Vec<BigDecimal>,
    pub landed_costs: Vec<BigDecimal>,
    pub vendor_id: Option<i64>,
    pub branch_id: i64,
    pub location_id: Option<i64>,
}
