//! Warranties: found by serial, tag or invoice number; expired by housekeeping.

use super::WarrantyRow;
use chrono::Utc;
use diesel::prelude::*;

use super::set_warranty;
use crate::domain::warranty::WarrantyStatus;
use crate::repo::{By, RepoError};
use crate::schema::{assets, customers, invoices, stock_items, warranties};

macro_rules! warranty_query {
    () => {
        warranties::table
            .left_join(customers::table)
            .inner_join(invoices::table)
            .left_join(assets::table)
            .left_join(stock_items::table)
            .select((
                warranties::id,
                warranties::tier,
                warranties::starts_on,
                warranties::ends_on,
                warranties::status,
                warranties::customer_id,
                customers::name.nullable(),
                warranties::invoice_id,
                invoices::number,
                warranties::asset_id,
                assets::asset_tag.nullable(),
                assets::serial.nullable(),
                stock_items::name.nullable(),
            ))
    };
}

/// Warranties of the branch found by serial, asset tag or invoice number (exact, any case).
pub fn find(
    conn: &mut PgConnection,
    branch_id: i64,
    q: &str,
) -> Result<Vec<WarrantyRow>, RepoError> {
    let q = q.trim().to_uppercase();
    if q.is_empty() {
        return Ok(Vec::new());
    }
    Ok(warranty_query!()
        .filter(warranties::branch_id.eq(branch_id))
        .filter(
            diesel::dsl::sql::<diesel::sql_types::Bool>("upper(btrim(assets.serial)) = ")
                .bind::<diesel::sql_types::Text, _>(q.clone())
                .or(assets::asset_tag.nullable().eq(&q))
                .or(invoices::number.eq(&q)),
        )
        .order(warranties::id.desc())
        .limit(50)
        .load(conn)?)
}

/// One warranty of the branch.
pub fn get(conn: &mut PgConnection, branch_id: i64, id: i64) -> Result<WarrantyRow, RepoError> {
    Ok(warranty_query!()
        .filter(warranties::branch_id.eq(branch_id))
        .filter(warranties::id.eq(id))
        .first(conn)?)
}

/// Marks active warranties whose end date has passed at `now`, on each warranty's branch's own
/// date, as `expired` (with their events); run by the housekeeping task. Returns how many.
pub fn expire_ended(
    conn: &mut PgConnection,
    now: chrono::DateTime<Utc>,
) -> Result<usize, RepoError> {
    #[derive(QueryableByName)]
    struct Ended {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        id: i64,
    }
    crate::repo::tx(conn, |conn| {
        let ended: Vec<Ended> = diesel::sql_query(
            "SELECT w.id FROM warranties w JOIN branches b ON b.id = w.branch_id \
             WHERE w.status = $2 AND w.ends_on < ($1 AT TIME ZONE b.timezone)::date \
             FOR UPDATE OF w SKIP LOCKED",
        )
        .bind::<diesel::sql_types::Timestamptz, _>(now)
        .bind::<diesel::sql_types::Text, _>(WarrantyStatus::Active.as_str())
        .load(conn)?;
        for e in &ended {
            let (from, to) = (WarrantyStatus::Active, WarrantyStatus::Expired);
            set_warranty(conn, e.id, from, to, "ended", &By::system())?;
        }
        Ok(ended.len())
    })
}
