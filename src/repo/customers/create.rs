//! A new customer, with the likely duplicates (same phone or email) pointed out first.

use chrono::Utc;
use diesel::prelude::*;

use super::extras::add_vehicle_in_tx;
use crate::domain::customer::CustomerInput;
use crate::models::audit::NewAuditEntry;
use crate::models::customer::{Customer, NewCustomer};
use crate::repo::{By, RepoError};
use crate::schema::customers;

/// Customers who may be the one being added (the "is this the same person?" check): the same
/// phone number in any spelling (read in `country`), the same email, or the same name with a
/// similar number (`domain::phone::similar`: a digit mistyped, swapped or the same last seven).
pub fn likely_duplicates(
    conn: &mut PgConnection,
    name: &str,
    phone: &str,
    email: &str,
    country: &str,
) -> Result<Vec<Customer>, RepoError> {
    let digits = stored_digits(phone, country);
    let email = email.trim().to_lowercase();
    let mut found: Vec<Customer> = Vec::new();
    if !digits.is_empty() || !email.is_empty() {
        let mut q = customers::table
            .filter(customers::erased_at.is_null())
            .into_boxed();
        q = match (digits.is_empty(), email.is_empty()) {
            (false, false) => q.filter(
                customers::phone_digits
                    .eq(digits.clone())
                    .or(customers::email.eq(email.clone())),
            ),
            (false, true) => q.filter(customers::phone_digits.eq(digits.clone())),
            _ => q.filter(customers::email.eq(email.clone())),
        };
        found = q
            .select(Customer::as_select())
            .order(customers::id)
            .limit(5)
            .load(conn)?;
    }
    let name = name.trim();
    if !name.is_empty() && !digits.is_empty() {
        // Their stored digits (`phone_digits`, made from the E.164 number) beside each.
        let namesakes: Vec<(Customer, Option<String>)> = customers::table
            .filter(customers::erased_at.is_null())
            .filter(super::lower(customers::name).eq(name.to_lowercase()))
            .select((Customer::as_select(), customers::phone_digits))
            .order(customers::id)
            .limit(20)
            .load(conn)?;
        for (c, theirs) in namesakes {
            let similar = crate::domain::phone::similar(theirs.as_deref().unwrap_or(""), &digits);
            if similar && !found.iter().any(|f| f.id == c.id) {
                found.push(c);
            }
        }
    }
    found.truncate(5);
    Ok(found)
}

/// The digits a phone number is stored and matched by: its E.164 number without the `+` when it
/// reads as one in `country`, else the digits as typed.
fn stored_digits(phone: &str, country: &str) -> String {
    match crate::domain::phone::normalise(phone, country) {
        Some(e164) => e164[1..].to_string(),
        None => phone.chars().filter(char::is_ascii_digit).collect(),
    }
}

/// Creates a customer (and a first vehicle, if given) at `branch_id`.
pub fn create(
    conn: &mut PgConnection,
    input: &CustomerInput,
    branch_id: i64,
    by: &By,
) -> Result<Customer, RepoError> {
    crate::repo::tx(conn, |conn| {
        // The number is kept in E.164, read in the branch's country, so that every spelling of
        // it finds this customer (`phone_digits` is made from it).
        let country: String = crate::schema::branches::table
            .find(branch_id)
            .select(crate::schema::branches::country)
            .first(conn)?;
        let phone = crate::domain::phone::normalise(&input.phone, &country)
            .unwrap_or_else(|| input.phone.trim().to_string());
        let customer: Customer = diesel::insert_into(customers::table)
            .values(NewCustomer {
                kind: input.kind.clone(),
                segment: input.segment.clone(),
                name: input.name.clone(),
                phone,
                email: input.email.clone(),
                address: input.address.clone(),
                lead_source_id: input.lead_source_id,
                marketing_consent: input.marketing_consent,
                marketing_consent_at: input.marketing_consent.then(Utc::now),
                notes: input.notes.clone(),
                created_branch_id: branch_id,
            })
            .returning(Customer::as_returning())
            .get_result(conn)?;
        if let Some(v) = &input.vehicle {
            add_vehicle_in_tx(conn, customer.id, v, by)?;
        }
        if let Some(d) = &input.device {
            super::extras::add_device(conn, customer.id, d.each_ref().map(String::as_str), by)?;
        }
        crate::repo::audit::record(
            conn,
            NewAuditEntry::new("customer.create", "customer", Some(customer.id.to_string()))
                .by(by.user_id, by.client_addr.as_deref())
                // No personal data: the audit log is append-only, and erasure must be possible.
                .change(
                    None,
                    Some(serde_json::json!({ "kind": customer.kind, "segment": customer.segment })),
                ),
        )?;
        Ok(customer)
    })
}
