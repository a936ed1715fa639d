//! Serialized assets through their state machine. Every status or location change locks the
//! row, checks the table and its preconditions, updates the row and writes the movement row, in
//! one transaction.

use bigdecimal::BigDecimal;
use diesel::prelude::*;

use super::{By, RepoError, unique_violation};
use crate::domain::asset::{self, AssetStatus, Cause, DiagnosticsResult, Facts, Grade, WipeMethod};
use crate::domain::validation::FieldErrors;
use crate::models::stock::Asset;
use crate::schema::{asset_diagnostics, asset_movements, assets, locations, wipe_certificates};

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

/// Why and by whom, for a movement row.
struct Movement<'a> {
    from: Option<&'a Asset>,
    to_status: AssetStatus,
    to_branch: i64,
    to_location: Option<i64>,
    reason: &'a str,
}

fn movement(conn: &mut PgConnection, asset_id: i64, m: Movement, by: &By) -> Result<(), RepoError> {
    diesel::insert_into(asset_movements::table)
        .values((
            asset_movements::asset_id.eq(asset_id),
            asset_movements::actor_user_id.eq(by.user_id),
            asset_movements::from_status.eq(m.from.map(|a| a.status.clone())),
            asset_movements::to_status.eq(m.to_status.as_str()),
            asset_movements::from_branch_id.eq(m.from.map(|a| a.branch_id)),
            asset_movements::to_branch_id.eq(m.to_branch),
            asset_movements::from_location_id.eq(m.from.and_then(|a| a.location_id)),
            asset_movements::to_location_id.eq(m.to_location),
            asset_movements::reason.eq(m.reason),
        ))
        .execute(conn)?;
    Ok(())
}

/// Takes one unit into stock (status `received`) with its first movement row.
pub fn receive(
    conn: &mut PgConnection,
    a: &Arrival,
    reason: &str,
    by: &By,
) -> Result<Asset, RepoError> {
    super::tx(conn, |conn| {
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

/// One asset of the branch, locked for a change (404 for another branch's).
fn lock(conn: &mut PgConnection, branch_id: i64, id: i64) -> Result<Asset, RepoError> {
    Ok(assets::table
        .find(id)
        .filter(assets::branch_id.eq(branch_id))
        .select(Asset::as_select())
        .for_update()
        .first(conn)?)
}

/// The branch's unit with this serial/IMEI or asset tag, however it was typed (trimmed, any
/// case). Serials use the `upper(btrim(serial))` index; tags are stored upper-case.
pub fn find_by_code(
    conn: &mut PgConnection,
    branch_id: i64,
    code: &str,
) -> Result<Option<Asset>, RepoError> {
    let code = code.trim().to_uppercase();
    if code.is_empty() {
        return Ok(None);
    }
    Ok(assets::table
        .filter(assets::branch_id.eq(branch_id))
        .filter(
            diesel::dsl::sql::<diesel::sql_types::Bool>("upper(btrim(serial)) = ")
                .bind::<diesel::sql_types::Text, _>(code.clone())
                .or(assets::asset_tag.eq(code)),
        )
        .select(Asset::as_select())
        .first(conn)
        .optional()?)
}

/// One asset of the branch.
pub fn get(conn: &mut PgConnection, branch_id: i64, id: i64) -> Result<Asset, RepoError> {
    Ok(assets::table
        .find(id)
        .filter(assets::branch_id.eq(branch_id))
        .select(Asset::as_select())
        .first(conn)?)
}

fn facts(conn: &mut PgConnection, a: &Asset) -> Result<Facts, RepoError> {
    let wiped: bool = diesel::select(diesel::dsl::exists(
        wipe_certificates::table.filter(wipe_certificates::asset_id.eq(a.id)),
    ))
    .get_result(conn)?;
    Ok(Facts {
        diagnostics: a.diagnostics_result.as_deref().and_then(|d| d.parse().ok()),
        wiped,
        grade: a.grade.as_deref().and_then(|g| g.parse().ok()),
    })
}

/// Moves an asset to `to`, checking the table and the preconditions; writes the movement row.
pub fn transition(
    conn: &mut PgConnection,
    branch_id: i64,
    id: i64,
    to: AssetStatus,
    cause: Cause,
    reason: &str,
    by: &By,
) -> Result<Asset, RepoError> {
    super::tx(conn, |conn| {
        let before = lock(conn, branch_id, id)?;
        let facts = facts(conn, &before)?;
        asset::check(before.status(), to, facts, cause).map_err(RepoError::Conflict)?;
        let after: Asset = diesel::update(assets::table.find(id))
            .set((
                assets::status.eq(to.as_str()),
                assets::version.eq(assets::version + 1),
                assets::updated_at.eq(diesel::dsl::now),
            ))
            .returning(Asset::as_returning())
            .get_result(conn)?;
        let m = Movement {
            from: Some(&before),
            to_status: to,
            to_branch: after.branch_id,
            to_location: after.location_id,
            reason,
        };
        movement(conn, id, m, by)?;
        Ok(after)
    })
}

/// Moves an asset to another location of its branch (a movement row, status unchanged).
pub fn relocate(
    conn: &mut PgConnection,
    branch_id: i64,
    id: i64,
    location_id: i64,
    reason: &str,
    by: &By,
) -> Result<Asset, RepoError> {
    super::tx(conn, |conn| {
        let before = lock(conn, branch_id, id)?;
        let here: bool = diesel::select(diesel::dsl::exists(
            locations::table
                .filter(locations::id.eq(location_id))
                .filter(locations::branch_id.eq(branch_id)),
        ))
        .get_result(conn)?;
        if !here {
            return Err(FieldErrors::single(
                "location_id",
                "Choose one of this branch's locations.",
            )
            .into());
        }
        let after: Asset = diesel::update(assets::table.find(id))
            .set((
                assets::location_id.eq(location_id),
                assets::version.eq(assets::version + 1),
            ))
            .returning(Asset::as_returning())
            .get_result(conn)?;
        let m = Movement {
            from: Some(&before),
            to_status: before.status(),
            to_branch: branch_id,
            to_location: Some(location_id),
            reason,
        };
        movement(conn, id, m, by)?;
        Ok(after)
    })
}

/// Records a diagnostics checklist and its verdict (while the unit waits for diagnostics).
pub fn record_diagnostics(
    conn: &mut PgConnection,
    branch_id: i64,
    id: i64,
    results: &serde_json::Value,
    overall: DiagnosticsResult,
    by: &By,
) -> Result<(), RepoError> {
    super::tx(conn, |conn| {
        let a = lock(conn, branch_id, id)?;
        if a.status() != AssetStatus::DiagnosticsPending {
            return Err(RepoError::Conflict(format!(
                "Diagnostics are recorded while a unit is diagnostics pending; this one is {}.",
                a.status().label()
            )));
        }
        diesel::insert_into(asset_diagnostics::table)
            .values((
                asset_diagnostics::asset_id.eq(id),
                asset_diagnostics::results.eq(results),
                asset_diagnostics::overall.eq(overall.as_str()),
                asset_diagnostics::technician_id.eq(by.user_id),
            ))
            .execute(conn)?;
        diesel::update(assets::table.find(id))
            .set((
                assets::diagnostics_result.eq(overall.as_str()),
                assets::version.eq(assets::version + 1),
            ))
            .execute(conn)?;
        Ok(())
    })
}

/// Records a wipe certificate (while the unit waits for its wipe).
pub fn record_wipe(
    conn: &mut PgConnection,
    branch_id: i64,
    id: i64,
    method: WipeMethod,
    reference: &str,
    by: &By,
) -> Result<(), RepoError> {
    if reference.trim().is_empty() {
        return Err(FieldErrors::single(
            "reference",
            "Enter the wipe tool's report or certificate number.",
        )
        .into());
    }
    super::tx(conn, |conn| {
        let a = lock(conn, branch_id, id)?;
        if a.status() != AssetStatus::WipePending {
            return Err(RepoError::Conflict(format!(
                "A wipe is recorded while a unit is wipe pending; this one is {}.",
                a.status().label()
            )));
        }
        diesel::insert_into(wipe_certificates::table)
            .values((
                wipe_certificates::asset_id.eq(id),
                wipe_certificates::method.eq(method.as_str()),
                wipe_certificates::reference.eq(reference.trim()),
                wipe_certificates::technician_id.eq(by.user_id),
            ))
            .execute(conn)?;
        Ok(())
    })
}

/// Grades a unit at quality control (grade, battery health 0–100, cycles, cosmetic notes).
pub fn grade(
    conn: &mut PgConnection,
    branch_id: i64,
    id: i64,
    grade: Grade,
    battery_health: Option<i32>,
    battery_cycles: Option<i32>,
    cosmetic_notes: &str,
) -> Result<(), RepoError> {
    let mut errors = FieldErrors::new();
    if battery_health.is_some_and(|h| !(0..=100).contains(&h)) {
        errors.add(
            "battery_health",
            "Battery health is a percentage from 0 to 100.",
        );
    }
    if battery_cycles.is_some_and(|c| c < 0) {
        errors.add("battery_cycles", "Cycles cannot be negative.");
    }
    errors.into_result()?;
    super::tx(conn, |conn| {
        let a = lock(conn, branch_id, id)?;
        if a.status() != AssetStatus::QcPending {
            return Err(RepoError::Conflict(format!(
                "A unit is graded at quality control; this one is {}.",
                a.status().label()
            )));
        }
        diesel::update(assets::table.find(id))
            .set((
                assets::grade.eq(grade.as_str()),
                assets::battery_health.eq(battery_health),
                assets::battery_cycles.eq(battery_cycles),
                assets::cosmetic_notes.eq(cosmetic_notes.trim()),
                assets::version.eq(assets::version + 1),
            ))
            .execute(conn)?;
        Ok(())
    })
}

/// An asset in a list: the unit, "Brand Model" and its location's name.
pub type AssetRow = (Asset, String, Option<String>);

/// The branch's assets, newest first, filtered by status and by serial or tag; one page and the
/// total. The filters read only the assets table, so one index walk gives the ordered ids (at
/// most COUNT_CAP: the total) and the page; only the page's rows are joined to their model and
/// location.
pub fn list(
    conn: &mut PgConnection,
    branch_id: i64,
    status: Option<AssetStatus>,
    q: &str,
    offset: i64,
    limit: i64,
) -> Result<(Vec<AssetRow>, i64), RepoError> {
    use crate::schema::product_models;
    let mut matching = assets::table
        .filter(assets::branch_id.eq(branch_id))
        .into_boxed();
    if let Some(s) = status {
        matching = matching.filter(assets::status.eq(s.as_str()));
    }
    let q = q.trim();
    if !q.is_empty() {
        let pattern = format!("%{}%", super::audit::escape_like(&q.to_uppercase()));
        matching = matching.filter(
            assets::serial
                .ilike(pattern.clone())
                .or(assets::asset_tag.ilike(pattern)),
        );
    }
    let ids: Vec<i64> = matching
        .select(assets::id)
        .order(assets::id.desc())
        .limit(super::COUNT_CAP)
        .load(conn)?;
    let page = super::page_of(&ids, offset, limit);
    let rows: Vec<(Asset, String, String, Option<String>)> = assets::table
        .inner_join(product_models::table)
        .left_join(locations::table)
        .filter(assets::id.eq_any(&page))
        .select((
            Asset::as_select(),
            product_models::brand,
            product_models::model,
            locations::name.nullable(),
        ))
        .order(assets::id.desc())
        .load(conn)?;
    let rows = rows
        .into_iter()
        .map(|(a, brand, model, loc)| (a, format!("{brand} {model}"), loc))
        .collect();
    Ok((rows, super::bounded_total(ids)))
}

/// A movement as shown: (at, from status, to status, from location, to location, reason, actor).
pub type MovementRow = (
    chrono::DateTime<chrono::Utc>,
    Option<String>,
    String,
    Option<String>,
    Option<String>,
    String,
    Option<String>,
);

/// The asset's whole history, oldest first.
pub fn timeline(conn: &mut PgConnection, asset_id: i64) -> Result<Vec<MovementRow>, RepoError> {
    use crate::schema::staff_users;
    let (from_loc, to_loc) = diesel::alias!(locations as from_loc, locations as to_loc);
    Ok(asset_movements::table
        .left_join(
            from_loc
                .on(asset_movements::from_location_id.eq(from_loc.field(locations::id).nullable())),
        )
        .left_join(
            to_loc.on(asset_movements::to_location_id.eq(to_loc.field(locations::id).nullable())),
        )
        .left_join(staff_users::table)
        .filter(asset_movements::asset_id.eq(asset_id))
        .select((
            asset_movements::at,
            asset_movements::from_status,
            asset_movements::to_status,
            from_loc.field(locations::name).nullable(),
            to_loc.field(locations::name).nullable(),
            asset_movements::reason,
            staff_users::full_name.nullable(),
        ))
        .order(asset_movements::id.asc())
        .load(conn)?)
}

/// The diagnostics checks of a product category.
pub fn checklist(conn: &mut PgConnection, category: &str) -> Result<Vec<String>, RepoError> {
    use crate::schema::diagnostic_checklists;
    let checks: Option<Vec<Option<String>>> = diagnostic_checklists::table
        .find(category)
        .select(diagnostic_checklists::checks)
        .first(conn)
        .optional()?;
    Ok(checks.unwrap_or_default().into_iter().flatten().collect())
}

/// The active locations of a branch as (id, name).
pub fn locations_of(
    conn: &mut PgConnection,
    branch_id: i64,
) -> Result<Vec<(i64, String)>, RepoError> {
    Ok(locations::table
        .filter(locations::branch_id.eq(branch_id))
        .filter(locations::active.eq(true))
        .select((locations::id, locations::name))
        .order(locations::name)
        .load(conn)?)
}

/// The product category of a unit (which diagnostics checklist applies).
pub fn category_of(conn: &mut PgConnection, asset: &Asset) -> Result<String, RepoError> {
    use crate::schema::product_models;
    Ok(product_models::table
        .find(asset.product_model_id)
        .select(product_models::category)
        .first(conn)?)
}
