//! Reading customers: one, lead sources, the search as the receptionist types.

use super::lower;
use diesel::prelude::*;

use crate::domain::vehicle::normalise_plate;
use crate::models::customer::Customer;
use crate::repo::RepoError;
use crate::repo::audit::escape_like;
use crate::schema::{customers, lead_sources, vehicles};

/// One customer.
pub fn get(conn: &mut PgConnection, id: i64) -> Result<Customer, RepoError> {
    Ok(customers::table
        .find(id)
        .select(Customer::as_select())
        .first(conn)?)
}

/// Active lead sources as (id, name).
pub fn lead_sources(conn: &mut PgConnection) -> Result<Vec<(i64, String)>, RepoError> {
    Ok(lead_sources::table
        .filter(lead_sources::active.eq(true))
        .select((lead_sources::id, lead_sources::name))
        .order(lead_sources::id)
        .load(conn)?)
}

/// Customers matching what the receptionist typed: a name fragment, a phone number in any
/// spelling (read in `country`, see `domain::phone`) or part of one, an email, a plate or a VIN.
/// Archived and erased customers are left out. One page and the total.
pub fn search(
    conn: &mut PgConnection,
    q: &str,
    country: &str,
    offset: i64,
    limit: i64,
) -> Result<(Vec<Customer>, i64), RepoError> {
    let q = q.trim();
    // Owners of a vehicle or device matching the search (at most 500), fetched first so the
    // customer filter is an `= ANY` an index answers beside the trigram indexes. Plates, VINs
    // and serials match from three characters: the trigram indexes need three, and shorter
    // fragments would read every vehicle and device.
    let plate = normalise_plate(q);
    let owners: Vec<i64> = if plate.chars().count() < 3 {
        Vec::new()
    } else {
        let plate = format!("%{}%", escape_like(&plate));
        let mut ids: Vec<i64> = vehicles::table
            .filter(
                vehicles::plate
                    .ilike(&plate)
                    .or(vehicles::vin.ilike(&plate)),
            )
            .select(vehicles::customer_id)
            .limit(500)
            .load(conn)?;
        ids.extend(
            crate::schema::devices::table
                .filter(crate::schema::devices::serial.ilike(&plate))
                .select(crate::schema::devices::customer_id)
                .limit(500)
                .load::<i64>(conn)?,
        );
        ids
    };
    let filtered = || {
        let mut query = customers::table
            .filter(customers::archived_at.is_null())
            .filter(customers::erased_at.is_null())
            .into_boxed();
        if !q.is_empty() {
            // `search_text` is the name and email folded to lower case when the row was
            // written (migration 000025): folded once here, the pattern needs no ILIKE.
            let text = format!("%{}%", escape_like(q));
            let digits = crate::domain::phone::search_digits(q, country).unwrap_or_default();
            let mut cond = Box::new(
                customers::search_text
                    .assume_not_null()
                    .like(lower(text))
                    .or(customers::id.eq_any(owners.clone())),
            )
                as Box<
                    dyn BoxableExpression<
                            customers::table,
                            diesel::pg::Pg,
                            SqlType = diesel::sql_types::Bool,
                        >,
                >;
            if digits.len() >= 3 {
                cond = Box::new(
                    cond.or(customers::phone_digits
                        .like(format!("%{digits}%"))
                        .assume_not_null()),
                );
            }
            query = query.filter(cond);
        }
        query
    };
    // One pass over the matches gives both the count and the page: the ids in list order (at
    // most COUNT_CAP of them), then the page's rows by primary key. A second filtered scan for
    // the page would test every match's name and email again.
    if !q.is_empty() {
        crate::repo::plan_for_these_values(conn)?;
    }
    let ids: Vec<i64> = filtered()
        .select(customers::id)
        .order((customers::name.asc(), customers::id.asc()))
        .limit(crate::repo::COUNT_CAP)
        .load(conn)?;
    let page = crate::repo::page_of(&ids, offset, limit);
    let rows = customers::table
        .filter(customers::id.eq_any(&page))
        .select(Customer::as_select())
        .order((customers::name.asc(), customers::id.asc()))
        .load(conn)?;
    Ok((rows, crate::repo::bounded_total(ids)))
}
