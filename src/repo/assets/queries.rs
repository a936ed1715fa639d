//! Reading units: by tag or serial, one, the list, its movements, its checklist, locations.

use diesel::prelude::*;

use crate::domain::asset::AssetStatus;
use crate::models::stock::Asset;
use crate::repo::RepoError;
use crate::schema::{asset_movements, assets, locations};

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
        let pattern = format!("%{}%", crate::repo::audit::escape_like(&q.to_uppercase()));
        matching = matching.filter(
            assets::serial
                .ilike(pattern.clone())
                .or(assets::asset_tag.ilike(pattern)),
        );
    }
    let ids: Vec<i64> = matching
        .select(assets::id)
        .order(assets::id.desc())
        .limit(crate::repo::COUNT_CAP)
        .load(conn)?;
    let page = crate::repo::page_of(&ids, offset, limit);
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
    Ok((rows, crate::repo::bounded_total(ids)))
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

/// The unit's model as people name it: "Brand Model".
pub fn model_name(conn: &mut PgConnection, asset: &Asset) -> Result<String, RepoError> {
    use crate::schema::product_models;
    let (brand, model): (String, String) = product_models::table
        .find(asset.product_model_id)
        .select((product_models::brand, product_models::model))
        .first(conn)?;
    Ok(format!("{brand} {model}"))
}
