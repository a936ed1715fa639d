//! A new customer, with the likely duplicates (same phone or email) pointed out first.

use chrono::Utc;
use diesel::prelude::*;

use super::extras::add_vehicle_in_tx;
use crate::domain::customer::CustomerInput;
use crate::models::audit::NewAuditEntry;
use crate::models::customer::{Customer, NewCustomer};
use crate::repo::{By, RepoError};
use crate::schema::customers;

/// Customers with the same phone digits or email (the "is this the same person?" check).
pub fn likely_duplicates(
    conn: &mut PgConnection,
    phone: &str,
    email: &str,
) -> Result<Vec<Customer>, RepoError> {
    let digits: String = phone.chars().filter(char::is_ascii_digit).collect();
    if digits.is_empty() && email.is_empty() {
        return Ok(Vec::new());
    }
    let mut q = customers::table
        .filter(customers::erased_at.is_null())
        .into_boxed();
    q = match (digits.is_empty(), email.is_empty()) {
        (false, false) => q.filter(
            customers::phone_digits
                .eq(digits)
                .or(customers::email.eq(email.to_lowercase())),
        ),
        (false, true) => q.filter(customers::phone_digits.eq(digits)),
        _ => q.filter(customers::email.eq(email.to_lowercase())),
    };
    Ok(q.select(Customer::as_select())
        .order(customers::id)
        .limit(5)
        .load(conn)?)
}

/// Creates a customer (and a first vehicle, if given) at `branch_id`.
pub fn create(
    conn: &mut PgConnection,
    input: &CustomerInput,
    branch_id: i64,
    by: &By,
) -> Result<Customer, RepoError> {
    crate::repo::tx(conn, |conn| {
        let customer: Customer = diesel::insert_into(customers::table)
            .values(NewCustomer {
                kind: input.kind.clone(),
                segment: input.segment.clone(),
                name: input.name.clone(),
                phone: input.phone.clone(),
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
