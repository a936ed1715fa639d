//! What the table's preconditions need: the diagnostics result, the wipe certificate, the grade.

use diesel::prelude::*;

use super::lock;
use crate::domain::asset::{AssetStatus, DiagnosticsResult, Grade, WipeMethod};
use crate::domain::validation::FieldErrors;
use crate::repo::{By, RepoError};
use crate::schema::{asset_diagnostics, assets, wipe_certificates};

/// Records a diagnostics checklist and its verdict (while the unit waits for diagnostics).
pub fn record_diagnostics(
    conn: &mut PgConnection,
    branch_id: i64,
    id: i64,
    results: &serde_json::Value,
    overall: DiagnosticsResult,
    by: &By,
) -> Result<(), RepoError> {
    crate::repo::tx(conn, |conn| {
        let a = lock(conn, branch_id, id)?;
        if a.status() != AssetStatus::DiagnosticsPending {
            return Err(RepoError::Conflict(format!(
                "Diagnostics are recorded while a unit is diagnostics pending; this one is {}.",
                a.status().words()
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
    crate::repo::tx(conn, |conn| {
        let a = lock(conn, branch_id, id)?;
        if a.status() != AssetStatus::WipePending {
            return Err(RepoError::Conflict(format!(
                "A wipe is recorded while a unit is wipe pending; this one is {}.",
                a.status().words()
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
    crate::repo::tx(conn, |conn| {
        let a = lock(conn, branch_id, id)?;
        if a.status() != AssetStatus::QcPending {
            return Err(RepoError::Conflict(format!(
                "A unit is graded at quality control; this one is {}.",
                a.status().words()
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

/// A unit's data-wipe certificate as printed: number, method, the tool's report number, the
/// technician and when.
#[derive(Debug, Clone, Queryable)]
pub struct WipeCertificate {
    pub id: i64,
    pub method: String,
    pub reference: String,
    pub technician: Option<String>,
    pub wiped_at: chrono::DateTime<chrono::Utc>,
}

impl WipeCertificate {
    /// The certificate's number: `WC-000123`.
    pub fn number(&self) -> String {
        format!("WC-{:06}", self.id)
    }
    /// The method recorded (unknown stored values read as they are).
    pub fn method(&self) -> Option<WipeMethod> {
        self.method.parse().ok()
    }
}

/// The unit's latest wipe certificate, if it has one (a unit returned and wiped again has more).
pub fn wipe_certificate(
    conn: &mut PgConnection,
    asset_id: i64,
) -> Result<Option<WipeCertificate>, RepoError> {
    use crate::schema::staff_users;
    Ok(wipe_certificates::table
        .left_join(staff_users::table)
        .filter(wipe_certificates::asset_id.eq(asset_id))
        .order(wipe_certificates::id.desc())
        .select((
            wipe_certificates::id,
            wipe_certificates::method,
            wipe_certificates::reference,
            staff_users::full_name.nullable(),
            wipe_certificates::wiped_at,
        ))
        .first(conn)
        .optional()?)
}
