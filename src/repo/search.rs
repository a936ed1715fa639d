//! The top bar's one search box: whatever the counter types (a name, a phone number in any
//! spelling, an email, a ticket or invoice number, a unit's tag or serial, a plate or VIN) is
//! looked up in each place it could be, at the active branch, a few rows each.

use diesel::prelude::*;

use crate::domain::vehicle::normalise_plate;
use crate::models::customer::Customer;
use crate::repo::RepoError;
use crate::schema::{customers, invoices, tickets, vehicles};

/// How many of each kind a search shows.
pub const EACH: i64 = 8;

/// What one search found, by kind; each kind only when the searcher may see it.
#[derive(Debug, Default)]
pub struct Hits {
    pub customers: Vec<Customer>,
    /// (id, number, status, problem)
    pub tickets: Vec<(i64, i32, String, String)>,
    /// (id, number, status, total)
    pub invoices: Vec<(i64, String, String, bigdecimal::BigDecimal)>,
    /// (id, tag, serial, status)
    pub units: Vec<(i64, String, String, String)>,
    /// (customer id, plate, make and model)
    pub vehicles: Vec<(i64, String, String)>,
}

impl Hits {
    pub fn count(&self) -> usize {
        self.customers.len()
            + self.tickets.len()
            + self.invoices.len()
            + self.units.len()
            + self.vehicles.len()
    }

    /// Where the one hit is, when there is exactly one.
    pub fn only(&self) -> Option<String> {
        if self.count() != 1 {
            return None;
        }
        self.customers
            .first()
            .map(|c| format!("/customers/{}", c.id))
            .or_else(|| self.tickets.first().map(|t| format!("/tickets/{}", t.0)))
            .or_else(|| self.invoices.first().map(|i| format!("/invoices/{}", i.0)))
            .or_else(|| self.units.first().map(|u| format!("/stock/assets/{}", u.0)))
            .or_else(|| self.vehicles.first().map(|v| format!("/customers/{}", v.0)))
    }
}

/// Which kinds the searcher may see (their role's screens).
#[derive(Debug, Clone, Copy)]
pub struct Kinds {
    pub customers: bool,
    pub tickets: bool,
    pub invoices: bool,
    pub units: bool,
}

/// Looks `q` up everywhere `kinds` allows, at `branch_id` (customers and vehicles are shared by
/// the branches); phone numbers are read in `country`.
pub fn everything(
    conn: &mut PgConnection,
    branch_id: i64,
    q: &str,
    country: &str,
    kinds: Kinds,
) -> Result<Hits, RepoError> {
    let q = q.trim();
    let mut hits = Hits::default();
    if q.is_empty() {
        return Ok(hits);
    }
    let upper = q.to_uppercase();
    // A ticket by its number ("#12" or "12"; "0722…" is the start of a phone number).
    let digits = q.trim_start_matches('#');
    let number: Option<i32> = match digits.starts_with('0') {
        true => None,
        false => digits.parse().ok(),
    };
    if let Some(n) = number.filter(|_| kinds.tickets) {
        hits.tickets = tickets::table
            .filter(tickets::branch_id.eq(branch_id).and(tickets::number.eq(n)))
            .select((
                tickets::id,
                tickets::number,
                tickets::status,
                tickets::problem,
            ))
            .limit(EACH)
            .load(conn)?;
    }
    if kinds.invoices && upper.chars().any(|c| c.is_ascii_digit()) {
        hits.invoices = invoices::table
            .filter(invoices::branch_id.eq(branch_id))
            .filter(invoices::number.eq(&upper))
            .select((
                invoices::id,
                invoices::number.assume_not_null(),
                invoices::status,
                invoices::total,
            ))
            .limit(EACH)
            .load(conn)?;
    }
    let unit = match kinds.units && q.chars().count() >= 3 {
        true => crate::repo::assets::find_by_code(conn, branch_id, q)?,
        false => None,
    };
    if let Some(a) = unit {
        hits.units = vec![(a.id, a.asset_tag, a.serial, a.status)];
    }
    if kinds.customers {
        // Plates and VINs exactly (normalised as stored); names, phones and emails as the
        // customer search finds them.
        let plate = normalise_plate(q);
        if plate.chars().count() >= 3 {
            hits.vehicles = vehicles::table
                .inner_join(customers::table)
                .filter(vehicles::plate.eq(&plate).or(vehicles::vin.eq(&plate)))
                .filter(customers::erased_at.is_null())
                .select((
                    vehicles::customer_id,
                    vehicles::plate,
                    vehicles::make.concat(" ").concat(vehicles::model),
                ))
                .limit(EACH)
                .load(conn)?;
        }
        let by_number = number.is_some() && q.chars().count() < 7;
        if !by_number {
            hits.customers = crate::repo::customers::search(conn, q, country, 0, EACH)?.0;
        }
        // A vehicle's owner found by name too is one hit, not two.
        let owners: Vec<i64> = hits.customers.iter().map(|c| c.id).collect();
        hits.vehicles.retain(|v| !owners.contains(&v.0));
    }
    Ok(hits)
}
