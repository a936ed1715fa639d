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
