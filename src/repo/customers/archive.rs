//! Archiving a customer, and erasing their personal data.

use chrono::Utc;
use diesel::prelude::*;

use crate::models::audit::NewAuditEntry;
use crate::models::customer::Customer;
use crate::repo::{By, RepoError};
use crate::schema::{customers, vehicles};

/// Archives a customer (hidden from search, nothing removed) or restores them.
pub fn set_archived(
    conn: &mut PgConnection,
    id: i64,
    archived: bool,
    by: &By,
) -> Result<Customer, RepoError> {
    crate::repo::tx(conn, |conn| {
        let before: Customer = customers::table
            .find(id)
            .select(Customer::as_select())
            .for_update()
            .first(conn)?;
        if before.erased_at.is_some() {
            return Err(RepoError::Conflict(
                "This customer's personal data was erased.".into(),
            ));
        }
        let after: Customer = diesel::update(customers::table.find(id))
            .set((
                customers::archived_at.eq(archived.then(Utc::now)),
                customers::version.eq(customers::version + 1),
                customers::updated_at.eq(Utc::now()),
            ))
            .returning(Customer::as_returning())
            .get_result(conn)?;
        let action = if archived {
            "customer.archive"
        } else {
            "customer.restore"
        };
        crate::repo::audit::record(
            conn,
            NewAuditEntry::new(action, "customer", Some(id.to_string()))
                .by(by.user_id, by.client_addr.as_deref()),
        )?;
        Ok(after)
    })
}

/// Erases a customer's personal data (GDPR): name, phone, email, address, notes, contacts, VINs,
/// plates and device serials are blanked; the record, its bookings, tickets and money stay,
/// anonymous. Cannot be undone.
pub fn erase_personal_data(
    conn: &mut PgConnection,
    id: i64,
    by: &By,
) -> Result<Customer, RepoError> {
    use crate::schema::{customer_contacts, devices};
    crate::repo::tx(conn, |conn| {
        let before: Customer = customers::table
            .find(id)
            .select(Customer::as_select())
            .for_update()
            .first(conn)?;
        if before.erased_at.is_some() {
            return Ok(before);
        }
        let now = Utc::now();
        let after: Customer = diesel::update(customers::table.find(id))
            .set((
                customers::name.eq(format!("Erased customer #{id}")),
                customers::phone.eq(""),
                customers::email.eq(""),
                customers::address.eq(""),
                customers::notes.eq(""),
                customers::marketing_consent.eq(false),
                customers::marketing_consent_at.eq(None::<chrono::DateTime<Utc>>),
                customers::erased_at.eq(now),
                customers::archived_at.eq(before.archived_at.unwrap_or(now)),
                customers::version.eq(customers::version + 1),
                customers::updated_at.eq(now),
            ))
            .returning(Customer::as_returning())
            .get_result(conn)?;
        diesel::update(customer_contacts::table.filter(customer_contacts::customer_id.eq(id)))
            .set((
                customer_contacts::name.eq("erased"),
                customer_contacts::position.eq(""),
                customer_contacts::phone.eq(""),
                customer_contacts::email.eq(""),
            ))
            .execute(conn)?;
        diesel::update(vehicles::table.filter(vehicles::customer_id.eq(id)))
            .set((vehicles::vin.eq(None::<String>), vehicles::plate.eq("")))
            .execute(conn)?;
        diesel::update(devices::table.filter(devices::customer_id.eq(id)))
            .set(devices::serial.eq(""))
            .execute(conn)?;
        crate::repo::audit::record(
            conn,
            NewAuditEntry::new("customer.erase", "customer", Some(id.to_string()))
                .by(by.user_id, by.client_addr.as_deref()),
        )?;
        Ok(after)
    })
}
